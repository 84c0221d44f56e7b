/*
 * Unit tests for return-routability crypto (common/rr.c).  `test_rr` runs
 * every case, `test_rr NAME` one, `test_rr -l` lists them.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mh.h"
#include "rr.h"
#include "check.h"

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned v;

	while (s[0] && s[1] && n < max) {
		if (sscanf(s, "%2x", &v) != 1)
			abort();
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static int
eqhex(const uint8_t *b, size_t len, const char *hex)
{
	uint8_t want[64];

	return unhex(hex, want, sizeof(want)) == len &&
	    memcmp(b, want, len) == 0;
}

/* RFC 2202 section 3: the seven HMAC-SHA1 test cases. */
static void
t_hmac_sha1_rfc2202_vectors(void)
{
	struct {
		uint8_t key[80];
		size_t klen;
		uint8_t data[80];
		size_t dlen;
		const char *digest;
	} c[7];
	uint8_t md[RR_SHA1_LEN];
	size_t i;

	memset(c, 0, sizeof(c));
	memset(c[0].key, 0x0b, c[0].klen = 20);
	memcpy(c[0].data, "Hi There", c[0].dlen = 8);
	c[0].digest = "b617318655057264e28bc0b6fb378c8ef146be00";
	memcpy(c[1].key, "Jefe", c[1].klen = 4);
	memcpy(c[1].data, "what do ya want for nothing?", c[1].dlen = 28);
	c[1].digest = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
	memset(c[2].key, 0xaa, c[2].klen = 20);
	memset(c[2].data, 0xdd, c[2].dlen = 50);
	c[2].digest = "125d7342b9ac11cd91a39af48aa17b4f63f175d3";
	for (i = 0; i < 25; i++)
		c[3].key[i] = (uint8_t)(i + 1);
	c[3].klen = 25;
	memset(c[3].data, 0xcd, c[3].dlen = 50);
	c[3].digest = "4c9007f4026250c6bc8414f9bf50c86c2d7235da";
	memset(c[4].key, 0x0c, c[4].klen = 20);
	memcpy(c[4].data, "Test With Truncation", c[4].dlen = 20);
	c[4].digest = "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04";
	memset(c[5].key, 0xaa, c[5].klen = 80);
	memcpy(c[5].data, "Test Using Larger Than Block-Size Key - Hash Key "
	    "First", c[5].dlen = 54);
	c[5].digest = "aa4ae5e15272d00e95705637ce8a3b55ed402112";
	memset(c[6].key, 0xaa, c[6].klen = 80);
	memcpy(c[6].data, "Test Using Larger Than Block-Size Key and Larger "
	    "Than One Block-Size Data", c[6].dlen = 73);
	c[6].digest = "e8e99d0f45237d786d6bbaa7965c7808bbff1a91";
	for (i = 0; i < 7; i++) {
		CHECK(rr_hmac_sha1(c[i].key, c[i].klen, c[i].data, c[i].dlen,
		    md) == 0);
		if (!eqhex(md, sizeof(md), c[i].digest)) {
			fprintf(stderr, "RFC 2202 test case %zu\n", i + 1);
			CHECK(0);
		}
	}
}

/* Tokens are First(64, HMAC_SHA1(Kcn, addr | nonce | 0 or 1)). */
static void
t_keygen_tokens_follow_rfc(void)
{
	uint8_t kcn[MIP6_KCN_LEN], nonce[MIP6_NONCE_LEN], in[25];
	uint8_t home[MIP6_TOKEN_LEN], coa[MIP6_TOKEN_LEN], md[RR_SHA1_LEN];
	struct in6_addr hoa = A("2001:db8:1::100");

	memset(kcn, 0x42, sizeof(kcn));
	memset(nonce, 0x17, sizeof(nonce));
	CHECK(rr_keygen_token(kcn, &hoa, nonce, RR_TOKEN_HOME, home) == 0);
	CHECK(rr_keygen_token(kcn, &hoa, nonce, RR_TOKEN_COA, coa) == 0);
	CHECK(memcmp(home, coa, sizeof(home)) != 0);
	memcpy(in, &hoa, 16);
	memcpy(in + 16, nonce, 8);
	in[24] = 0;
	CHECK(rr_hmac_sha1(kcn, sizeof(kcn), in, sizeof(in), md) == 0);
	CHECK(memcmp(md, home, MIP6_TOKEN_LEN) == 0);
	in[24] = 1;
	CHECK(rr_hmac_sha1(kcn, sizeof(kcn), in, sizeof(in), md) == 0);
	CHECK(memcmp(md, coa, MIP6_TOKEN_LEN) == 0);
}

static void
t_kbm_for_registration_and_deregistration(void)
{
	uint8_t home[MIP6_TOKEN_LEN], coa[MIP6_TOKEN_LEN];
	uint8_t k1[MIP6_KBM_LEN], k2[MIP6_KBM_LEN];

	memset(home, 1, sizeof(home));
	memset(coa, 2, sizeof(coa));
	CHECK(rr_kbm(home, coa, k1) == 0);
	CHECK(rr_kbm(home, NULL, k2) == 0);
	CHECK(memcmp(k1, k2, sizeof(k1)) != 0);
	/* SHA1(0x01 x8 | 0x02 x8) and SHA1(0x01 x8), from python hashlib */
	CHECK(eqhex(k1, sizeof(k1),
	    "e4742be3e3b7a3caed5216ca7f61809e8cb963fb"));
	CHECK(eqhex(k2, sizeof(k2),
	    "c0357a32ed1f6a03be92dd094476f7f1a2e214ec"));
}

static size_t
signed_bu(uint8_t *buf, size_t size, const uint8_t *kbm,
    const struct in6_addr *coa, const struct in6_addr *cn,
    const struct in6_addr *hoa)
{
	struct mh_msg m = { .type = MH_TYPE_BU };
	struct mh_opt o[2];
	size_t len;

	memset(o, 0, sizeof(o));
	m.u.bu.seq = 100;
	m.u.bu.flags = MH_BU_F_A;
	m.u.bu.lifetime = mip6_sec_to_lifetime(MAX_RR_BINDING_LIFETIME_S);
	o[0].type = MH_OPT_NONCE;
	o[0].u.nonce.home = 3;
	o[0].u.nonce.coa = 4;
	o[1].type = MH_OPT_AUTH;
	if (mh_build(&m, o, 2, NULL, NULL, buf, size, &len) != MH_OK ||
	    rr_mh_sign(kbm, coa, cn, buf, len, hoa, cn) != 0)
		abort();
	return len;
}

static void
t_signed_bu_verifies_and_tamper_fails(void)
{
	struct in6_addr coa = A("2001:db8:f::1"), cn = A("2001:db8:c::1");
	struct in6_addr hoa = A("2001:db8:1::100");
	uint8_t kbm[MIP6_KBM_LEN], bad[MIP6_KBM_LEN], buf[128];
	struct mh_msg m;
	size_t len, i;

	memset(kbm, 0x33, sizeof(kbm));
	memset(bad, 0x34, sizeof(bad));
	len = signed_bu(buf, sizeof(buf), kbm, &coa, &cn, &hoa);
	CHECK(mh_parse(buf, len, &hoa, &cn, &m) == MH_OK);
	CHECK(rr_mh_verify(kbm, &coa, &cn, buf, len, &m) == 0);
	CHECK(rr_mh_verify(bad, &coa, &cn, buf, len, &m) == -1);
	CHECK(rr_mh_verify(kbm, &hoa, &cn, buf, len, &m) == -1);
	/* The checksum is not covered; every other octet is. */
	for (i = 0; i < len; i++) {
		if (i == 4 || i == 5)
			continue;
		buf[i] ^= 1;
		CHECK(rr_mh_verify(kbm, &coa, &cn, buf, len, &m) == -1);
		buf[i] ^= 1;
	}
	buf[4] ^= 0xff;
	CHECK(rr_mh_verify(kbm, &coa, &cn, buf, len, &m) == 0);
	/* An authenticator that does not close the header covers nothing. */
	m.opts.auth_off -= 8;
	CHECK(rr_mh_verify(kbm, &coa, &cn, buf, len, &m) == -1);
	m.opts.present &= ~(1u << MH_OPT_AUTH);
	CHECK(rr_mh_verify(kbm, &coa, &cn, buf, len, &m) == -1);
	/* Sign refuses a header whose last option is not BAD. */
	memset(buf, 0, 16);
	CHECK(rr_mh_sign(kbm, &coa, &cn, buf, 16, NULL, NULL) == -1);
}

static void
t_nonce_table_schedule_and_lifetime(void)
{
	struct rr_table t;
	struct in6_addr hoa = A("2001:db8:1::100");
	uint8_t tok[MIP6_TOKEN_LEN], tok2[MIP6_TOKEN_LEN];
	time_t now = 1000000;
	uint16_t first, i;

	CHECK(rr_table_init(&t, now, 0, 0) == 0);
	first = rr_table_current(&t);
	CHECK(rr_table_token(&t, first, now, &hoa, RR_TOKEN_HOME, tok) == 0);
	/* Not due yet: same nonce, same token. */
	CHECK(rr_table_tick(&t, now + RR_NONCE_REGEN_S - 1) == 0);
	CHECK(rr_table_current(&t) == first);
	/* Due: a new index; the old nonce still gives the same token. */
	CHECK(rr_table_tick(&t, now + RR_NONCE_REGEN_S) == 1);
	CHECK(rr_table_current(&t) == (uint16_t)(first + 1));
	CHECK(rr_table_token(&t, first, now + RR_NONCE_REGEN_S, &hoa,
	    RR_TOKEN_HOME, tok2) == 0);
	CHECK(memcmp(tok, tok2, sizeof(tok)) == 0);
	CHECK(rr_table_token(&t, first + 1, now + RR_NONCE_REGEN_S, &hoa,
	    RR_TOKEN_HOME, tok2) == 0);
	CHECK(memcmp(tok, tok2, sizeof(tok)) != 0);
	/* Honoured up to MAX_NONCE_LIFETIME, refused after. */
	for (i = 2; i <= MAX_NONCE_LIFETIME_S / RR_NONCE_REGEN_S; i++)
		CHECK(rr_table_tick(&t, now + i * RR_NONCE_REGEN_S) == 1);
	CHECK(rr_table_token(&t, first, now + MAX_NONCE_LIFETIME_S, &hoa,
	    RR_TOKEN_HOME, tok2) == 0);
	CHECK(rr_table_token(&t, first, now + MAX_NONCE_LIFETIME_S + 1, &hoa,
	    RR_TOKEN_HOME, tok2) == -1);
	CHECK(rr_table_tick(&t, now + MAX_NONCE_LIFETIME_S + 1) == 0);
	CHECK(rr_table_token(&t, first, now + 1, &hoa, RR_TOKEN_HOME, tok2)
	    == -1);		/* expired slot was wiped */
	CHECK(rr_table_token(&t, (uint16_t)(first - 1), now, &hoa,
	    RR_TOKEN_HOME, tok2) == -1);
	rr_table_wipe(&t);
}

static void
t_nonce_table_is_bounded(void)
{
	struct rr_table t;
	struct in6_addr a = A("::1");
	uint8_t tok[MIP6_TOKEN_LEN];
	time_t now = 50;
	uint16_t first;
	int i, live = 0;

	/* One nonce a second: the ring keeps only RR_MAX_NONCES of them. */
	CHECK(rr_table_init(&t, now, 1, 0) == 0);
	first = rr_table_current(&t);
	for (i = 1; i < 100; i++)
		CHECK(rr_table_tick(&t, now + i) == 1);
	for (i = 0; i < 100; i++)
		live += rr_table_token(&t, (uint16_t)(first + i), now + 99,
		    &a, RR_TOKEN_COA, tok) == 0;
	CHECK(live == RR_MAX_NONCES);
	CHECK(rr_table_current(&t) == (uint16_t)(first + 99));
}

static void
t_kcn_rotation_keeps_old_nonces_valid(void)
{
	struct rr_table t;
	struct in6_addr a = A("2001:db8::5");
	uint8_t kcn0[MIP6_KCN_LEN], tok[MIP6_TOKEN_LEN], tok2[MIP6_TOKEN_LEN];
	uint16_t first;

	CHECK(rr_table_init(&t, 0, 30, 60) == 0);
	memcpy(kcn0, t.kcn, sizeof(kcn0));
	first = rr_table_current(&t);
	CHECK(rr_table_token(&t, first, 0, &a, RR_TOKEN_HOME, tok) == 0);
	CHECK(rr_table_tick(&t, 30) == 1);
	CHECK(memcmp(kcn0, t.kcn, sizeof(kcn0)) == 0);
	CHECK(rr_table_tick(&t, 60) == 1);
	CHECK(memcmp(kcn0, t.kcn, sizeof(kcn0)) != 0);
	CHECK(rr_table_token(&t, first, 60, &a, RR_TOKEN_HOME, tok2) == 0);
	CHECK(memcmp(tok, tok2, sizeof(tok)) == 0);
}

static void
t_wipe_clears_secrets(void)
{
	struct rr_table t;
	static const struct rr_table zero;

	CHECK(rr_table_init(&t, 0, 0, 0) == 0);
	CHECK(memcmp(&t, &zero, sizeof(t)) != 0);
	rr_table_wipe(&t);
	CHECK(memcmp(&t, &zero, sizeof(t)) == 0);
}

static const struct check_case cases[] = {
	{ "hmac_sha1_rfc2202_vectors", t_hmac_sha1_rfc2202_vectors },
	{ "keygen_tokens_follow_rfc", t_keygen_tokens_follow_rfc },
	{ "kbm_for_registration_and_deregistration",
	    t_kbm_for_registration_and_deregistration },
	{ "signed_bu_verifies_and_tamper_fails",
	    t_signed_bu_verifies_and_tamper_fails },
	{ "nonce_table_schedule_and_lifetime",
	    t_nonce_table_schedule_and_lifetime },
	{ "nonce_table_is_bounded", t_nonce_table_is_bounded },
	{ "kcn_rotation_keeps_old_nonces_valid",
	    t_kcn_rotation_keeps_old_nonces_valid },
	{ "wipe_clears_secrets", t_wipe_clears_secrets },
};

int
main(int argc, char *argv[])
{
	int	 rc;

	rc = CHECK_RUN(cases, argc, argv);
	return rc;
}
