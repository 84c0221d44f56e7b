/*
 * libFuzzer harness for the Mobility Header parser (mh_parse).
 *
 * Input: one mode octet, then the MH.  Mode bit 0 verifies the checksum
 * against fixed pseudo-header addresses; bit 1 first writes the right
 * checksum so the fuzzer gets past it into the options.  Every message the
 * parser accepts is rebuilt from what it decoded and must parse again to
 * the same fields: parse and build agree.
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mh.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
static void	 rebuild(const uint8_t *, const struct mh_msg *);

#define MODE_CKSUM	0x01
#define MODE_FIXSUM	0x02
#define MODE_JSON	0x04
#define PAD_BITS	((1u << MH_OPT_PAD1) | (1u << MH_OPT_PADN))

static const struct in6_addr src = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8,
    [15] = 1 } };
static const struct in6_addr dst = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8,
    [15] = 2 } };

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static void
rebuild(const uint8_t *buf, const struct mh_msg *m)
{
	static uint8_t out[MH_MAX_LEN];
	struct mh_opt opts[MH_MAX_OPTS];
	struct mh_rawopt r;
	struct mh_msg m2;
	enum mh_err err;
	size_t off = 0, n = 0, len;

	while (mh_opt_next(buf + m->opts_off, m->len - m->opts_off, &off, &r,
	    &err) == 1) {
		if (r.type == MH_OPT_PAD1 || r.type == MH_OPT_PADN)
			continue;
		if (n == MH_MAX_OPTS)
			return;		/* more than the builder lays out */
		ASSERT(mh_opt_decode(&r, &opts[n]) == MH_OK);
		n++;
	}
	/* The builder insists on authorization data last, as the RFC does. */
	for (off = 0; off + 1 < n; off++)
		if (opts[off].type == MH_OPT_AUTH)
			return;
	err = mh_build(m, opts, n, &src, &dst, out, sizeof(out), &len);
	if (err == MH_ERR_NOSPACE)
		return;		/* realignment can outgrow 2048 octets */
	ASSERT(err == MH_OK);
	ASSERT(len % MH_UNIT == 0);
	ASSERT(mh_parse(out, len, &src, &dst, &m2) == MH_OK);
	ASSERT(m2.type == m->type);
	ASSERT(memcmp(&m2.u, &m->u, sizeof(m->u)) == 0);
	/* Padding may come and go with realignment; all else must stay. */
	ASSERT((m2.opts.present & ~PAD_BITS) == (m->opts.present & ~PAD_BITS));
	ASSERT(m2.opts.nmnp == m->opts.nmnp);
	for (off = 0; off < m->opts.nmnp; off++) {
		ASSERT(m2.opts.mnp[off].plen == m->opts.mnp[off].plen);
		ASSERT(memcmp(&m2.opts.mnp[off].prefix, &m->opts.mnp[off].prefix,
		    sizeof(struct in6_addr)) == 0);
	}
	ASSERT(m2.opts.refresh == m->opts.refresh);
	ASSERT(m2.opts.nunknown == m->opts.nunknown);
	ASSERT(m2.opts.mnid_len == m->opts.mnid_len);
	ASSERT(m->opts.mnid_len == 0 ||
	    memcmp(m2.opts.mnid, m->opts.mnid, m->opts.mnid_len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[MH_FORMAT_MAX];
	struct mh_msg m;
	uint8_t *buf;
	enum mh_err e;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	/* Exact-size copy: ASan flags any read past the end. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	if (mode & MODE_FIXSUM)
		mh_set_checksum(&src, &dst, buf, size);
	e = (mode & (MODE_CKSUM | MODE_FIXSUM)) ?
	    mh_parse(buf, size, &src, &dst, &m) :
	    mh_parse(buf, size, NULL, NULL, &m);
	ASSERT((unsigned)e < MH_ERR_COUNT);
	ASSERT(mh_err_str(e) != NULL);
	if (e == MH_OK) {
		ASSERT(m.len == size && size % MH_UNIT == 0);
		ASSERT(m.type <= MH_TYPE_MAX && m.proto == MIP6_PROTO_NONE);
		rebuild(buf, &m);
		/* Every accepted message formats within MH_FORMAT_MAX. */
		ASSERT(mh_format(text, sizeof(text), mode & MODE_JSON, buf,
		    &m, 0) < sizeof(text));
		ASSERT(strlen(text) < sizeof(text));
	} else if (mh_format_error(text, sizeof(text), 1, e, &m) == 0)
		__builtin_trap();
	if (e == MH_ERR_PROTO || e == MH_ERR_SHORT)
		ASSERT(m.answer.kind == MH_ANSWER_PARAMPROB);
	else if (e == MH_ERR_TYPE)
		ASSERT(m.answer.kind == MH_ANSWER_BE &&
		    m.answer.be_status == BE_STATUS_UNKNOWN_MH_TYPE);
	else
		ASSERT(m.answer.kind == MH_ANSWER_NONE);
	free(buf);
	return 0;
}
