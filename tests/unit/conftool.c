/*
 * conftool FILE: load a configuration, print the effective configuration
 * (exit 0) or the error (stderr, exit 1).  What `mip6-priv -n -f FILE`
 * does, without needing mip6-priv; tests/config.bats runs both.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"

#define ERRLEN	1024

int
main(int argc, char *argv[])
{
	struct mip6_conf	*conf;
	char			 err[ERRLEN];

	if (argc != 2) {
		fprintf(stderr, "usage: conftool FILE\n");
		return 2;
	}
	if ((conf = conf_load(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	conf_print(stdout, conf);
	conf_free(conf);
	return 0;
}
