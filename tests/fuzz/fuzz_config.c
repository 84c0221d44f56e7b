/*
 * libFuzzer harness for the configuration loader: any input must load or
 * fail with a "NAME:LINE:COLUMN: message" error, never crash or leak; what
 * loads must print as YAML that loads again and prints the same (the
 * round trip `mip6-priv -n` promises).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define ERRLEN	1024

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
print_conf(const struct mip6_conf *c, size_t *len)
{
	char	*out = NULL;
	FILE	*fp;

	if ((fp = open_memstream(&out, len)) == NULL)
		abort();
	conf_print(fp, c);
	if (fclose(fp) != 0)
		abort();
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mip6_conf	*c, *c2;
	char			 err[ERRLEN];
	char			*out, *out2;
	size_t			 len, len2;

	if ((c = conf_load_mem("fuzz", (const char *)data, size, err,
	    sizeof(err))) == NULL) {
		if (strncmp(err, "fuzz:", strlen("fuzz:")) != 0)
			abort();
		return 0;
	}
	out = print_conf(c, &len);
	conf_free(c);
	if ((c2 = conf_load_mem("printed", out, len, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "printed configuration does not load: %s\n%s",
		    err, out);
		abort();
	}
	out2 = print_conf(c2, &len2);
	conf_free(c2);
	if (len != len2 || memcmp(out, out2, len) != 0) {
		fprintf(stderr, "round trip differs:\n%s---\n%s", out, out2);
		abort();
	}
	free(out);
	free(out2);
	return 0;
}
