/*
 * Unit tests for the Mobility Header codec (common/mh.c) and the constants
 * helpers (common/mip6_const.h).  `test_mh` runs every case, `test_mh NAME`
 * one, `test_mh -l` lists them; tests/codec.bats runs each by name.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mh.h"
#include "mip6_const.h"
#include "check.h"

/* Parse from an exactly-sized heap copy so ASan sees any overread. */
static enum mh_err
parse_exact(const uint8_t *buf, size_t len, const struct in6_addr *src,
    const struct in6_addr *dst, struct mh_msg *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum mh_err e;

	if (copy == NULL)
		abort();
	memcpy(copy, buf, len);
	e = mh_parse(copy, len, src, dst, m);
	free(copy);
	return e;
}

static size_t
build_bu(uint8_t *buf, size_t size, const struct in6_addr *src,
    const struct in6_addr *dst)
{
	struct mh_msg m = { .type = MH_TYPE_BU };
	struct mh_opt o[3];
	size_t len = 0;

	memset(o, 0, sizeof(o));
	m.u.bu.seq = 4711;
	m.u.bu.flags = MH_BU_F_A | MH_BU_F_H | MH_BU_F_K;
	m.u.bu.lifetime = mip6_sec_to_lifetime(420);
	o[0].type = MH_OPT_ALTCOA;
	o[0].u.altcoa = A("2001:db8:f::1");
	o[1].type = MH_OPT_NONCE;
	o[1].u.nonce.home = 7;
	o[1].u.nonce.coa = 9;
	o[2].type = MH_OPT_AUTH;
	memset(o[2].u.auth, 0xab, sizeof(o[2].u.auth));
	if (mh_build(&m, o, 3, src, dst, buf, size, &len) != MH_OK)
		abort();
	return len;
}

static void
t_every_type_round_trips(void)
{
	struct in6_addr s = A("2001:db8:1::10"), d = A("2001:db8:2::20");
	static const uint8_t nai[] = "mn1@example.net";
	uint8_t buf[512];
	struct mh_msg m, p;
	struct mh_opt o[8];
	size_t len, n;
	int t;

	for (t = 0; t <= MH_TYPE_MAX; t++) {
		memset(&m, 0, sizeof(m));
		memset(o, 0, sizeof(o));
		m.type = (uint8_t)t;
		switch (t) {
		case MH_TYPE_HOTI:
		case MH_TYPE_COTI:
			memset(m.u.init.cookie, 0x5a, MIP6_COOKIE_LEN);
			break;
		case MH_TYPE_HOT:
		case MH_TYPE_COT:
			m.u.test.nonce_idx = 0xbeef;
			memset(m.u.test.token, 0xc3, MIP6_TOKEN_LEN);
			break;
		case MH_TYPE_BU:
			m.u.bu.seq = 65535;
			m.u.bu.flags = MH_BU_F_A | MH_BU_F_H | MH_BU_F_L |
			    MH_BU_F_K | MH_BU_F_M | MH_BU_F_R | MH_BU_F_P;
			m.u.bu.lifetime = 100;
			break;
		case MH_TYPE_BA:
			m.u.ba.status = BA_STATUS_NOT_HOME_SUBNET;
			m.u.ba.flags = MH_BA_F_K | MH_BA_F_R | MH_BA_F_P;
			m.u.ba.seq = 1;
			m.u.ba.lifetime = 0xffff;
			break;
		case MH_TYPE_BE:
			m.u.be.status = BE_STATUS_UNKNOWN_MH_TYPE;
			m.u.be.hoa = A("2001:db8:1::99");
			break;
		}
		n = 0;
		o[n].type = MH_OPT_BRA;
		o[n++].u.refresh = 30;
		o[n].type = MH_OPT_MNP;
		o[n].u.mnp.plen = 48;
		o[n++].u.mnp.prefix = A("2001:db8:aa::");
		o[n].type = MH_OPT_MNP;
		o[n].u.mnp.plen = 64;
		o[n++].u.mnp.prefix = A("2001:db8:bb::");
		o[n].type = MH_OPT_MNID;
		o[n].u.mnid.subtype = MH_MNID_SUBTYPE_NAI;
		o[n].u.mnid.len = sizeof(nai) - 1;
		o[n++].u.mnid.id = nai;
		o[n].type = MH_OPT_ALTCOA;
		o[n++].u.altcoa = A("2001:db8:c0a::1");
		o[n].type = MH_OPT_NONCE;
		o[n].u.nonce.home = 1;
		o[n++].u.nonce.coa = 2;
		o[n].type = MH_OPT_AUTH;
		memset(o[n++].u.auth, 0x77, MIP6_AUTH_LEN);
		CHECK(mh_build(&m, o, n, &s, &d, buf, sizeof(buf), &len) ==
		    MH_OK);
		CHECK(len % MH_UNIT == 0);
		CHECK(parse_exact(buf, len, &s, &d, &p) == MH_OK);
		CHECK(p.type == t && p.len == len && p.proto == 59);
		CHECK(memcmp(&p.u, &m.u, sizeof(p.u)) == 0);
		CHECK(p.opts.refresh == 30);
		CHECK(p.opts.nmnp == 2 && p.opts.mnp[1].plen == 64);
		CHECK(p.opts.mnid_len == sizeof(nai) - 1 &&
		    memcmp(p.opts.mnid, nai, sizeof(nai) - 1) == 0);
		CHECK(p.opts.home_nonce_idx == 1 && p.opts.coa_nonce_idx == 2);
		CHECK((size_t)p.opts.auth_off + MIP6_AUTH_LEN == len);
		CHECK(p.opts.nunknown == 0);
	}
}

/* Every option's type octet lands at its xn+y; the header is 8n long. */
static void
t_options_aligned_and_padded(void)
{
	static const struct { uint8_t type, x, y; } al[] = {
		{ MH_OPT_BRA, 2, 0 }, { MH_OPT_ALTCOA, 8, 6 },
		{ MH_OPT_NONCE, 2, 0 }, { MH_OPT_MNP, 8, 4 },
		{ MH_OPT_AUTH, 8, 2 },
	};
	uint8_t buf[256];
	struct mh_msg m, p;
	struct mh_opt o[2];
	struct mh_rawopt r;
	enum mh_err err;
	size_t i, len, off;
	int t;
	uint8_t lead;

	for (t = 0; t <= MH_TYPE_MAX; t++)
		for (i = 0; i < sizeof(al) / sizeof(al[0]); i++)
			for (lead = 0; lead < 9; lead++) {
				memset(&m, 0, sizeof(m));
				memset(o, 0, sizeof(o));
				m.type = (uint8_t)t;
				/* an unaligned unknown option shifts it */
				o[0].type = 200;
				o[0].u.raw.len = lead;
				o[0].u.raw.data = buf;
				o[1].type = al[i].type;
				CHECK(mh_build(&m, o, 2, NULL, NULL, buf + 128,
				    128, &len) == MH_OK);
				CHECK(len % 8 == 0);
				CHECK(buf[128 + 1] == len / 8 - 1);
				CHECK(mh_parse(buf + 128, len, NULL, NULL, &p)
				    == MH_OK);
				off = 0;
				while (mh_opt_next(buf + 128 + p.opts_off,
				    len - p.opts_off, &off, &r, &err) == 1)
					if (r.type == al[i].type)
						CHECK((p.opts_off + r.off) %
						    al[i].x == al[i].y);
				CHECK(MH_HAS_OPT(&p.opts, al[i].type));
				CHECK(p.opts.nunknown == 1);
			}
}

static void
t_checksum_uses_home_address(void)
{
	struct in6_addr coa = A("2001:db8:f::1"), ha = A("2001:db8:1::1");
	struct in6_addr hoa = A("2001:db8:1::100");
	const struct in6_addr *s, *d;
	uint8_t buf[128];
	struct mh_msg m;
	size_t len;

	/* MN away from home sends CoA -> HA with a HAO: source is the HoA. */
	mh_cksum_addrs(&coa, &ha, &hoa, NULL, &s, &d);
	CHECK(s == &hoa && d == &ha);
	/* HA answers HA -> CoA with a type 2 RH: destination is the HoA. */
	mh_cksum_addrs(&ha, &coa, NULL, &hoa, &s, &d);
	CHECK(s == &ha && d == &hoa);
	len = build_bu(buf, sizeof(buf), &hoa, &ha);
	CHECK(mh_parse(buf, len, &hoa, &ha, &m) == MH_OK);
	CHECK(mh_parse(buf, len, &coa, &ha, &m) == MH_ERR_CKSUM);
	/* 0xffff and 0x0000 are the same checksum. */
	CHECK(mh_checksum(&hoa, &ha, buf, len) ==
	    (uint16_t)(buf[4] << 8 | buf[5]));
}

static void
t_rejects_bad_checksum(void)
{
	struct in6_addr s = A("::1"), d = A("::2");
	uint8_t buf[128];
	struct mh_msg m;
	size_t len = build_bu(buf, sizeof(buf), &s, &d), i;

	for (i = 0; i < len; i++) {
		buf[i] ^= 0x40;
		/* Header Len changes are a length error, not a checksum one. */
		CHECK(mh_parse(buf, len, &s, &d, &m) ==
		    (i == MH_OFF_HLEN ? MH_ERR_HDRLEN : MH_ERR_CKSUM));
		CHECK(m.answer.kind == MH_ANSWER_NONE);
		buf[i] ^= 0x40;
	}
	CHECK(mh_parse(buf, len, NULL, NULL, &m) == MH_OK);
}

static void
t_rejects_header_len_mismatch(void)
{
	uint8_t buf[128];
	struct mh_msg m;
	size_t len = build_bu(buf, sizeof(buf), NULL, NULL), l;

	for (l = 0; l < len; l++)
		CHECK(parse_exact(buf, l, NULL, NULL, &m) == MH_ERR_HDRLEN);
	memset(buf + len, 0, 8);
	CHECK(parse_exact(buf, len + 8, NULL, NULL, &m) == MH_ERR_HDRLEN);
	CHECK(parse_exact(buf, len, NULL, NULL, &m) == MH_OK);
}

static void
t_short_for_type_answers_param_problem(void)
{
	static const uint8_t minlen[] = { 8, 16, 16, 24, 24, 16, 16, 24 };
	uint8_t buf[64];
	struct mh_msg m;
	size_t len;
	int t;

	for (t = 0; t <= MH_TYPE_MAX; t++)
		for (len = 8; len < minlen[t]; len += 8) {
			memset(buf, 0, sizeof(buf));
			buf[0] = 59;
			buf[1] = (uint8_t)(len / 8 - 1);
			buf[2] = (uint8_t)t;
			CHECK(parse_exact(buf, len, NULL, NULL, &m) ==
			    MH_ERR_SHORT);
			CHECK(m.answer.kind == MH_ANSWER_PARAMPROB);
			CHECK(m.answer.pointer == 1);
		}
	for (t = 0; t <= MH_TYPE_MAX; t++)
		CHECK(mh_fixed_len((uint8_t)t) <= minlen[t] &&
		    mh_fixed_len((uint8_t)t) > (size_t)minlen[t] - 8);
}

static void
t_bad_payload_proto_answers_param_problem(void)
{
	struct in6_addr s = A("::1"), d = A("::2");
	uint8_t buf[128];
	struct mh_msg m;
	size_t len = build_bu(buf, sizeof(buf), NULL, NULL);

	buf[0] = 6;
	mh_set_checksum(&s, &d, buf, len);
	CHECK(mh_parse(buf, len, &s, &d, &m) == MH_ERR_PROTO);
	CHECK(m.answer.kind == MH_ANSWER_PARAMPROB && m.answer.pointer == 0);
}

static void
t_unknown_type_answers_binding_error(void)
{
	uint8_t buf[16] = { 59, 1, 8 };
	struct mh_msg m;
	int t;

	for (t = MH_TYPE_MAX + 1; t < 256; t++) {
		buf[2] = (uint8_t)t;
		CHECK(parse_exact(buf, sizeof(buf), NULL, NULL, &m) ==
		    MH_ERR_TYPE);
		CHECK(m.answer.kind == MH_ANSWER_BE);
		CHECK(m.answer.be_status == BE_STATUS_UNKNOWN_MH_TYPE);
	}
}

static void
t_option_overrun_and_bad_length(void)
{
	/* BRR, Header Len 1: options at 8..15. */
	uint8_t buf[16];
	struct mh_msg m;
	static const struct { uint8_t opt[8]; enum mh_err want; } c[] = {
		{ { 1, 7, 0, 0, 0, 0, 0, 0 }, MH_ERR_OPT_OVERRUN },
		{ { 0, 0, 0, 0, 0, 0, 0, 7 }, MH_ERR_OPT_OVERRUN },
		{ { 0, 0, 0, 0, 0, 0, 3, 1 }, MH_ERR_OPT_OVERRUN },
		{ { 2, 3, 0, 0, 0, 1, 0, 0 }, MH_ERR_OPT_LEN },
		{ { 4, 2, 0, 0, 1, 2, 0, 0 }, MH_ERR_OPT_LEN },
		{ { 3, 4, 0, 0, 0, 0, 0, 0 }, MH_ERR_OPT_LEN },
		{ { 5, 4, 0, 0, 0, 0, 0, 0 }, MH_ERR_OPT_LEN },
		{ { 6, 4, 0, 0, 0, 0, 0, 0 }, MH_ERR_OPT_LEN },
		{ { 8, 0, 1, 4, 0, 0, 0, 0 }, MH_ERR_OPT_LEN },
		{ { 99, 4, 1, 2, 3, 4, 0, 0 }, MH_OK },
		{ { 7, 0, 1, 4, 0, 0, 0, 0 }, MH_OK },
		{ { 2, 2, 0, 9, 1, 0, 0, 0 }, MH_OK },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(buf, 0, sizeof(buf));
		buf[0] = 59;
		buf[1] = 1;
		memcpy(buf + 8, c[i].opt, 8);
		CHECK(parse_exact(buf, sizeof(buf), NULL, NULL, &m) ==
		    c[i].want);
		CHECK(m.answer.kind == MH_ANSWER_NONE);
	}
}

static void
t_unknown_options_skipped_by_length(void)
{
	uint8_t buf[16] = { 59, 1, MH_TYPE_BRR, 0, 0, 0, 0, 0,
	    250, 1, 0xff, 2, 2, 0, 44, 0 };
	struct mh_msg m;

	CHECK(parse_exact(buf, sizeof(buf), NULL, NULL, &m) == MH_OK);
	CHECK(m.opts.nunknown == 1);
	CHECK(MH_HAS_OPT(&m.opts, MH_OPT_BRA) && m.opts.refresh == 44);
}

/* Random mutations of valid messages: parsing never overreads (ASan) and
 * only ever returns a defined reason. */
static void
t_parser_stays_in_bounds(void)
{
	uint8_t buf[128], mut[128];
	struct mh_msg m;
	size_t len = build_bu(buf, sizeof(buf), NULL, NULL), l;
	unsigned seed = 1, i, k;
	enum mh_err e;

	for (i = 0; i < 20000; i++) {
		memcpy(mut, buf, len);
		for (k = 0; k < 1 + i % 4; k++)
			mut[rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
		l = (size_t)rand_r(&seed) % (len + 1);
		if (i % 2)
			mut[1] = (uint8_t)(l / 8 - (l >= 8));
		e = parse_exact(mut, l, NULL, NULL, &m);
		CHECK(e < MH_ERR_COUNT);
	}
}

static void
t_hao_and_rh2_round_trip(void)
{
	struct in6_addr hoa = A("2001:db8:1::100"), out;
	uint8_t buf[32];
	size_t len;

	CHECK(mh_hao_build(IPPROTO_MH, &hoa, buf, sizeof(buf), &len) ==
	    MH_OK);
	CHECK(len == 24 && buf[0] == IPPROTO_MH && buf[1] == 2);
	CHECK(buf[6] == IP6OPT_HOME_ADDRESS && buf[7] == 16);	/* 8n+6 */
	CHECK(mh_hao_parse(buf, len, &out) == MH_OK);
	CHECK(memcmp(&out, &hoa, sizeof(out)) == 0);
	CHECK(mh_hao_parse(buf, len - 1, &out) == MH_ERR_EXTHDR);
	buf[7] = 15;
	CHECK(mh_hao_parse(buf, len, &out) == MH_ERR_EXTHDR);
	buf[6] = 0x1e;		/* some other option, length 17: overruns */
	buf[7] = 17;
	CHECK(mh_hao_parse(buf, len, &out) == MH_ERR_EXTHDR);
	buf[7] = 14;
	CHECK(mh_hao_parse(buf, len, &out) == MH_ERR_NOHAO);

	CHECK(mh_rh2_build(IPPROTO_MH, &hoa, buf, sizeof(buf), &len) ==
	    MH_OK);
	CHECK(len == 24 && buf[1] == 2 && buf[2] == 2 && buf[3] == 1);
	CHECK(mh_rh2_parse(buf, len, &out) == MH_OK);
	CHECK(memcmp(&out, &hoa, sizeof(out)) == 0);
	CHECK(mh_rh2_parse(buf, len - 1, &out) == MH_ERR_EXTHDR);
	buf[2] = 0;
	CHECK(mh_rh2_parse(buf, len, &out) == MH_ERR_EXTHDR);
	buf[2] = 2;
	buf[3] = 2;
	CHECK(mh_rh2_parse(buf, len, &out) == MH_ERR_EXTHDR);
	CHECK(mh_rh2_build(0, &hoa, buf, 23, &len) == MH_ERR_NOSPACE);
	CHECK(mh_hao_build(0, &hoa, buf, 23, &len) == MH_ERR_NOSPACE);
}

static void
t_builder_refuses_bad_input(void)
{
	uint8_t buf[64];
	struct mh_msg m = { .type = MH_TYPE_BU };
	struct mh_opt o[2];
	size_t len;

	memset(o, 0, sizeof(o));
	o[0].type = MH_OPT_AUTH;
	o[1].type = MH_OPT_BRA;
	CHECK(mh_build(&m, o, 2, NULL, NULL, buf, sizeof(buf), &len) ==
	    MH_ERR_INVAL);
	CHECK(mh_build(&m, o, 1, NULL, NULL, buf, 31, &len) ==
	    MH_ERR_NOSPACE);
	CHECK(mh_build(&m, o, 1, NULL, NULL, buf, 32, &len) == MH_OK);
	m.type = 8;
	CHECK(mh_build(&m, NULL, 0, NULL, NULL, buf, sizeof(buf), &len) ==
	    MH_ERR_INVAL);
}

/* Formatting truncates like snprintf and says how much it needed. */
static void
t_format_is_bounded(void)
{
	char big[MH_FORMAT_MAX], small[16];
	uint8_t buf[128];
	struct mh_msg m;
	size_t len = build_bu(buf, sizeof(buf), NULL, NULL), need;

	CHECK(mh_parse(buf, len, NULL, NULL, &m) == MH_OK);
	need = mh_format(big, sizeof(big), 0, buf, &m, 0);
	CHECK(need == strlen(big));
	CHECK(strcmp(big, "type=BU len=56 cksum=0x0000 seq=4711 flags=0xd000 "
	    "flag_names=AHK lifetime=105 lifetime_s=420 padn=0 "
	    "altcoa=2001:db8:f::1 nonce=7,9 padn=2 "
	    "auth=abababababababababababab") == 0);
	CHECK(mh_format(small, sizeof(small), 0, buf, &m, 0) == need);
	CHECK(strlen(small) == sizeof(small) - 1);
	CHECK(mh_format(small, 0, 1, buf, &m, 0) > need);
	buf[0] = 17;
	CHECK(mh_parse(buf, len, NULL, NULL, &m) == MH_ERR_PROTO);
	mh_format_error(big, sizeof(big), 0, MH_ERR_PROTO, &m);
	CHECK(strcmp(big, "error=bad_payload_proto answer=param_problem "
	    "pointer=0") == 0);
}

static void
t_reason_names_distinct(void)
{
	int i, j;

	for (i = 0; i < MH_ERR_COUNT; i++) {
		CHECK(mh_err_str(i) != NULL && *mh_err_str(i) != '\0');
		for (j = 0; j < i; j++)
			CHECK(strcmp(mh_err_str(i), mh_err_str(j)) != 0);
	}
	CHECK(strcmp(mh_err_str(MH_ERR_CKSUM), "bad_checksum") == 0);
}

static void
t_sequence_numbers_wrap(void)
{
	CHECK(mip6_seq_newer(1, 0));
	CHECK(mip6_seq_newer(0, 65535));
	CHECK(mip6_seq_newer(32767, 0));
	CHECK(!mip6_seq_newer(32768, 0));
	CHECK(!mip6_seq_newer(5, 5));
	CHECK(!mip6_seq_newer(65535, 0));
	CHECK(mip6_seq_cmp(10, 65530) > 0);
	CHECK(mip6_seq_cmp(65530, 10) < 0);
	CHECK(mip6_seq_cmp(7, 7) == 0);
}

static void
t_lifetime_in_4s_units(void)
{
	CHECK(mip6_lifetime_to_sec(1) == 4);
	CHECK(mip6_lifetime_to_sec(65535) == 262140);
	CHECK(mip6_sec_to_lifetime(420) == 105);
	CHECK(mip6_sec_to_lifetime(7) == 1);	/* never more than asked */
	CHECK(mip6_sec_to_lifetime(3) == 0);
	CHECK(mip6_sec_to_lifetime(10000000) == 65535);
}

static const struct check_case cases[] = {
	{ "every_type_round_trips", t_every_type_round_trips },
	{ "options_aligned_and_padded", t_options_aligned_and_padded },
	{ "checksum_uses_home_address", t_checksum_uses_home_address },
	{ "rejects_bad_checksum", t_rejects_bad_checksum },
	{ "rejects_header_len_mismatch", t_rejects_header_len_mismatch },
	{ "short_for_type_answers_param_problem",
	    t_short_for_type_answers_param_problem },
	{ "bad_payload_proto_answers_param_problem",
	    t_bad_payload_proto_answers_param_problem },
	{ "unknown_type_answers_binding_error",
	    t_unknown_type_answers_binding_error },
	{ "option_overrun_and_bad_length", t_option_overrun_and_bad_length },
	{ "unknown_options_skipped_by_length",
	    t_unknown_options_skipped_by_length },
	{ "parser_stays_in_bounds", t_parser_stays_in_bounds },
	{ "hao_and_rh2_round_trip", t_hao_and_rh2_round_trip },
	{ "builder_refuses_bad_input", t_builder_refuses_bad_input },
	{ "format_is_bounded", t_format_is_bounded },
	{ "reason_names_distinct", t_reason_names_distinct },
	{ "sequence_numbers_wrap", t_sequence_numbers_wrap },
	{ "lifetime_in_4s_units", t_lifetime_in_4s_units },
};

int
main(int argc, char *argv[])
{
	int	 rc;

	rc = CHECK_RUN(cases, argc, argv);
	return rc;
}
