/*
 * libFuzzer harness for the mobility option walker (mh_opt_next,
 * mh_opt_decode) and the extension header parsers (Home Address option,
 * type 2 routing header).  The input is taken as an option area and as an
 * extension header.
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mh.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mh_rawopt r;
	struct mh_opt o;
	struct in6_addr a;
	enum mh_err err = MH_OK, e;
	size_t off = 0, prev = 0;
	uint8_t *buf;
	int rc;

	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	while ((rc = mh_opt_next(buf, size, &off, &r, &err)) == 1) {
		/* Always forward, never past the end. */
		ASSERT(off > prev && off <= size && r.off == prev);
		ASSERT(r.len == 0 || r.data + r.len <= buf + size);
		e = mh_opt_decode(&r, &o);
		ASSERT(e == MH_OK || e == MH_ERR_OPT_LEN);
		prev = off;
	}
	ASSERT(rc == 0 || err == MH_ERR_OPT_OVERRUN);
	e = mh_hao_parse(buf, size, &a);
	ASSERT(e == MH_OK || e == MH_ERR_EXTHDR || e == MH_ERR_NOHAO);
	e = mh_rh2_parse(buf, size, &a);
	ASSERT(e == MH_OK || e == MH_ERR_EXTHDR);
	free(buf);
	return 0;
}
