/*
 * Unit tests for the correspondent's decisions (mip6-sig/cnreg.c), its
 * binding cache (cncache.c) and counters (cnctr.c): HoT/CoT tokens, the
 * Binding Update checks with return routability (RFC 6275 5.2, 9.5.1),
 * 135/136/137/138, the lifetime cap, deregistration, BA layout.
 * Tokens, Kbm and authenticators are recomputed here with OpenSSL's HMAC
 * and SHA1 from the RFC's formulas, not with common/rr.c.
 * `test_cnreg` runs every case, `test_cnreg NAME` one, `-l` lists them.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "addr.h"
#include "cncache.h"
#include "cnctr.h"
#include "cnreg.h"
#include "config.h"
#include "mh.h"
#include "rr.h"
#include "check.h"

#define T0		100000

static const char *HOA = "2001:db8:1::100", *COA = "2001:db8:f1::10",
    *COA2 = "2001:db8:f2::10", *CN = "2001:db8:c::2";

static struct conf_sig conf;
static struct rr_table rr;
static struct cncache cc;
static struct cnreg_ctx ctx;

static void
setup(void)
{
	cc_clear(&cc, NULL, NULL);
	memset(&conf, 0, sizeof(conf));
	conf.max_bindings = 4;
	conf.max_lifetime = MAX_RR_BINDING_LIFETIME_S;
	conf.nonce_lifetime = MAX_NONCE_LIFETIME_S;
	if (rr_table_init(&rr, T0, 0, 0) == -1)
		abort();
	cc_init(&cc, conf.max_bindings);
	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = &conf;
	ctx.rr = &rr;
	ctx.cc = &cc;
}

/* The nonce with index idx, straight from the table. */
static const struct rr_nonce *
nonce(uint16_t idx)
{
	size_t	 i;

	for (i = 0; i < RR_MAX_NONCES; i++)
		if (rr.slot[i].valid && rr.slot[i].idx == idx)
			return &rr.slot[i];
	abort();
}

/* RFC 6275 5.2.5: First(64, HMAC_SHA1(Kcn, addr | nonce | which)). */
static void
token(uint16_t idx, const char *addr, uint8_t which, uint8_t tok[8])
{
	const struct rr_nonce	*n = nonce(idx);
	struct in6_addr		 a = A(addr);
	uint8_t			 in[16 + MIP6_NONCE_LEN + 1], md[20];
	unsigned int		 mdlen = sizeof(md);

	memcpy(in, &a, 16);
	memcpy(in + 16, n->nonce, MIP6_NONCE_LEN);
	in[sizeof(in) - 1] = which;
	if (HMAC(EVP_sha1(), n->kcn, MIP6_KCN_LEN, in, sizeof(in), md,
	    &mdlen) == NULL)
		abort();
	memcpy(tok, md, 8);
}

/* Kbm = SHA1(home token | care-of token), SHA1(home token) alone. */
static void
kbm(const uint8_t htok[8], const uint8_t *ctok, uint8_t k[20])
{
	uint8_t	 in[16];

	memcpy(in, htok, 8);
	if (ctok != NULL)
		memcpy(in + 8, ctok, 8);
	SHA1(in, ctok != NULL ? 16 : 8, k);
}

/* First(96, HMAC_SHA1(Kbm, coa | cn | MH without the authenticator)). */
static void
authenticate(const uint8_t k[20], const char *coa, uint8_t *mh, size_t len)
{
	struct in6_addr	 c = A(coa), n = A(CN);
	uint8_t		 in[32 + MH_MAX_LEN], md[20];
	unsigned int	 mdlen = sizeof(md);

	memcpy(in, &c, 16);
	memcpy(in + 16, &n, 16);
	memcpy(in + 32, mh, len - 12);
	in[32 + 4] = in[32 + 5] = 0;
	if (HMAC(EVP_sha1(), k, 20, in, 32 + len - 12, md, &mdlen) == NULL)
		abort();
	memcpy(mh + len - 12, md, 12);
}

/* One BU as a mobile node at coa would send it. */
struct bu {
	uint8_t		 buf[MH_MAX_LEN];
	size_t		 len;
	struct mh_msg	 m;
	struct cnreg_in	 in;
	struct in6_addr	 hao;
};

static void
make_bu(struct bu *b, uint16_t seq, uint16_t flags, uint32_t life_s,
    uint16_t hni, uint16_t cni, const char *coa, const uint8_t k[20],
    int64_t now)
{
	struct mh_msg	 m;
	struct mh_opt	 o[2];

	memset(b, 0, sizeof(*b));
	memset(&m, 0, sizeof(m));
	memset(o, 0, sizeof(o));
	m.type = MH_TYPE_BU;
	m.proto = MIP6_PROTO_NONE;
	m.u.bu.seq = seq;
	m.u.bu.flags = flags;
	m.u.bu.lifetime = mip6_sec_to_lifetime(life_s);
	o[0].type = MH_OPT_NONCE;
	o[0].u.nonce.home = hni;
	o[0].u.nonce.coa = cni;
	o[1].type = MH_OPT_AUTH;
	if (mh_build(&m, o, 2, NULL, NULL, b->buf, sizeof(b->buf), &b->len) !=
	    MH_OK)
		abort();
	authenticate(k, coa, b->buf, b->len);
	if (mh_parse(b->buf, b->len, NULL, NULL, &b->m) != MH_OK)
		abort();
	b->hao = A(coa);
	b->in.bu = &b->m;
	b->in.mh = b->buf;
	b->in.len = b->len;
	b->in.src = A(HOA);
	b->in.dst = A(CN);
	b->in.hao = strcmp(coa, HOA) == 0 ? NULL : &b->hao;
	b->in.now = now;
}

/* A BU with the current nonces, correct for (HOA, coa). */
static void
good_bu(struct bu *b, uint16_t seq, uint16_t flags, uint32_t life_s,
    const char *coa, int64_t now)
{
	uint8_t		 h[8], c[8], k[20];
	uint16_t	 idx = rr_table_current(&rr);
	int		 dereg = life_s == 0 || strcmp(coa, HOA) == 0;

	token(idx, HOA, 0, h);
	token(idx, coa, 1, c);
	kbm(h, dereg ? NULL : c, k);
	make_bu(b, seq, flags, life_s, idx, idx, coa, k, now);
}

static void
t_hot_and_cot_carry_rfc_tokens(void)
{
	struct mh_msg	 init, reply;
	struct in6_addr	 hoa = A(HOA), coa = A(COA), cn = A(CN);
	uint8_t		 buf[MH_MAX_LEN], tok[8];
	size_t		 len;
	uint16_t	 idx;

	setup();
	memset(&init, 0, sizeof(init));
	init.type = MH_TYPE_HOTI;
	memcpy(init.u.init.cookie, "cookie!!", 8);
	CHECK(cnreg_test_reply(&ctx, &init, &hoa, &cn, T0, 1, buf,
	    sizeof(buf), &len) == MH_OK);
	/* the checksum as the home address will verify it */
	CHECK(mh_parse(buf, len, &cn, &hoa, &reply) == MH_OK);
	CHECK(reply.type == MH_TYPE_HOT);
	idx = rr_table_current(&rr);
	CHECK(reply.u.test.nonce_idx == idx);
	CHECK(memcmp(reply.u.test.cookie, "cookie!!", 8) == 0);
	token(idx, HOA, 0, tok);
	CHECK(memcmp(reply.u.test.token, tok, 8) == 0);

	init.type = MH_TYPE_COTI;
	CHECK(cnreg_test_reply(&ctx, &init, &coa, &cn, T0, 0, buf,
	    sizeof(buf), &len) == MH_OK);
	CHECK(mh_parse(buf, len, NULL, NULL, &reply) == MH_OK);
	CHECK(reply.type == MH_TYPE_COT);
	token(idx, COA, 1, tok);
	CHECK(memcmp(reply.u.test.token, tok, 8) == 0);
	/* a HoT for the care-of address would be a different token */
	token(idx, COA, 0, tok);
	CHECK(memcmp(reply.u.test.token, tok, 8) != 0);
	init.type = MH_TYPE_BU;
	CHECK(cnreg_test_reply(&ctx, &init, &coa, &cn, T0, 0, buf,
	    sizeof(buf), &len) == MH_ERR_INVAL);
}

static void
t_accepts_bu_with_valid_authenticator(void)
{
	struct bu		 b;
	struct cnreg_result	 r;
	struct cn_entry		*e;
	struct in6_addr		 coa = A(COA);

	setup();
	good_bu(&b, 7, MH_BU_F_A, 200, COA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_ACCEPTED);
	CHECK(r.op == CNREG_OP_ADD);
	CHECK(r.send_ba && r.status == BA_STATUS_ACCEPTED);
	CHECK(r.has_kbm);
	CHECK(r.seq == 7 && r.lifetime == 50);
	CHECK(addr_equal(&r.coa, &coa) && addr_equal(&r.ba_dst, &coa));
	CHECK(r.ba_rh2);
	e = cnreg_commit(&ctx, &b.in, &r);
	CHECK(e != NULL && cc.count == 1);
	CHECK(e != NULL && e->seq == 7 && e->lifetime == 200 &&
	    e->expires == T0 + 200 && addr_equal(&e->coa, &coa));
}

static void
t_no_ba_on_success_without_a_flag(void)
{
	struct bu		 b;
	struct cnreg_result	 r;

	setup();
	good_bu(&b, 1, 0, 100, COA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_ACCEPTED && r.op == CNREG_OP_ADD);
	CHECK(!r.send_ba);
}

static void
t_forged_authenticator_discarded(void)
{
	struct bu		 b;
	struct cnreg_result	 r;
	size_t			 i;

	setup();
	good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
	b.buf[b.len - 1] ^= 0x80;
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_BAD_AUTH && !r.send_ba &&
	    r.op == CNREG_OP_NONE);
	CHECK(cnreg_commit(&ctx, &b.in, &r) == NULL && cc.count == 0);
	/* Another care-of address than the one the tokens were made for. */
	good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
	b.hao = A(COA2);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_BAD_AUTH);
	/* Every covered octet counts (the checksum is not covered). */
	good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
	for (i = 6; i < b.len - 12; i++) {
		b.buf[i] ^= 1;
		if (mh_parse(b.buf, b.len, NULL, NULL, &b.m) == MH_OK) {
			cnreg_decide(&ctx, &b.in, &r);
			CHECK(r.op == CNREG_OP_NONE);
			CHECK(r.reason != CNREG_R_ACCEPTED);
		}
		b.buf[i] ^= 1;
	}
}

static void
t_expired_nonces_get_136_137_138(void)
{
	struct bu		 b;
	struct cnreg_result	 r;
	uint8_t			 h[8], c[8], k[20];
	uint16_t		 old, cur;
	int64_t			 now = T0 + MAX_NONCE_LIFETIME_S + 1;
	time_t			 t;

	setup();
	old = rr_table_current(&rr);
	for (t = T0; t <= now; t += RR_NONCE_REGEN_S)
		rr_table_tick(&rr, t);
	rr_table_tick(&rr, now);
	cur = rr_table_current(&rr);
	CHECK(cur != old);
	token(cur, HOA, 0, h);
	token(cur, COA, 1, c);
	kbm(h, c, k);
	make_bu(&b, 1, MH_BU_F_A, 100, old, cur, COA, k, now);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_EXPIRED_HOME_NONCE &&
	    r.status == BA_STATUS_EXPIRED_HOME_NONCE);
	CHECK(r.send_ba && !r.has_kbm && r.op == CNREG_OP_NONE);
	make_bu(&b, 1, MH_BU_F_A, 100, cur, old, COA, k, now);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.status == BA_STATUS_EXPIRED_COA_NONCE && r.send_ba);
	make_bu(&b, 1, 0, 100, old, old, COA, k, now);
	cnreg_decide(&ctx, &b.in, &r);
	/* a refusal gets its BA even without A */
	CHECK(r.status == BA_STATUS_EXPIRED_NONCES && r.send_ba);
	/* an index never handed out is no better than an expired one */
	make_bu(&b, 1, 0, 100, (uint16_t)(cur + 100), cur, COA, k, now);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.status == BA_STATUS_EXPIRED_HOME_NONCE);
	CHECK(cc.count == 0);
}

static void
t_old_nonce_honoured_within_lifetime(void)
{
	struct bu		 b;
	struct cnreg_result	 r;
	uint8_t			 h[8], c[8], k[20];
	uint16_t		 old;
	int64_t			 now = T0 + MAX_NONCE_LIFETIME_S;

	setup();
	old = rr_table_current(&rr);
	token(old, HOA, 0, h);
	token(old, COA, 1, c);
	kbm(h, c, k);
	rr_table_tick(&rr, T0 + RR_NONCE_REGEN_S);
	CHECK(rr_table_current(&rr) != old);
	make_bu(&b, 1, MH_BU_F_A, 100, old, old, COA, k, now);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_ACCEPTED && r.status == 0);
}

static void
t_lifetime_capped(void)
{
	struct bu		 b;
	struct cnreg_result	 r;

	setup();
	good_bu(&b, 1, MH_BU_F_A, 4000, COA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.status == 0 &&
	    mip6_lifetime_to_sec(r.lifetime) == MAX_RR_BINDING_LIFETIME_S);
	conf.max_lifetime = 60;
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(mip6_lifetime_to_sec(r.lifetime) == 60);
	/* a configuration above the RFC's bound is still held to it */
	conf.max_lifetime = 100000;
	CHECK(cnreg_grant(&conf, 5000) == MAX_RR_BINDING_LIFETIME_S);
	CHECK(cnreg_grant(&conf, 30) == 30);
}

static void
t_deregistration_uses_home_token_only(void)
{
	struct bu		 b;
	struct cnreg_result	 r;
	uint8_t			 h[8], k[20];
	uint16_t		 cur;

	setup();
	good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(cnreg_commit(&ctx, &b.in, &r) != NULL);
	/* lifetime 0: Kbm = SHA1(home token); the care-of index is ignored */
	cur = rr_table_current(&rr);
	token(cur, HOA, 0, h);
	kbm(h, NULL, k);
	make_bu(&b, 2, MH_BU_F_A, 0, cur, (uint16_t)(cur + 999), COA, k, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_DEREGISTERED && r.op == CNREG_OP_REMOVE);
	CHECK(r.send_ba && r.status == 0 && r.lifetime == 0 && r.has_kbm);
	CHECK(cnreg_commit(&ctx, &b.in, &r) == NULL && cc.count == 0);
	/* again, with no binding left: success, nothing to remove */
	make_bu(&b, 3, MH_BU_F_A, 0, cur, cur, COA, k, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_DEREG_UNKNOWN && r.op == CNREG_OP_NONE &&
	    r.status == 0);
	/* from home: care-of == home address, no option, no routing header */
	good_bu(&b, 4, MH_BU_F_A, 100, HOA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.status == 0 && r.lifetime == 0 && !r.ba_rh2);
	/* a Kbm made with both tokens does not verify a deregistration */
	good_bu(&b, 5, MH_BU_F_A, 100, COA, T0);
	b.m.u.bu.lifetime = 0;
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_BAD_AUTH);
}

static void
t_sequence_135_with_last_accepted(void)
{
	struct bu		 b;
	struct cnreg_result	 r;

	setup();
	good_bu(&b, 0xfffe, MH_BU_F_A, 100, COA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(cnreg_commit(&ctx, &b.in, &r) != NULL);
	good_bu(&b, 0xfffe, MH_BU_F_A, 100, COA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_SEQ_WINDOW && r.status == 135);
	CHECK(r.seq == 0xfffe && r.has_kbm && r.send_ba);
	/* newer modulo 2^16, and a new care-of address */
	good_bu(&b, 2, MH_BU_F_A, 100, COA2, T0 + 5);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_REFRESHED && r.op == CNREG_OP_UPDATE &&
	    r.coa_changed);
	CHECK(cnreg_commit(&ctx, &b.in, &r) != NULL);
	CHECK(cc_first(&cc)->coa_changes == 1 && cc_first(&cc)->updates == 2);
}

static void
t_cache_full_130(void)
{
	struct bu		 b;
	struct cnreg_result	 r;
	char			 a[64];
	int			 i;

	setup();
	for (i = 0; i < 4; i++) {
		good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
		snprintf(a, sizeof(a), "2001:db8:1::%d", i + 1);
		b.in.src = A(a);
		/* the tokens were for HOA: remake them for this address */
		{
			uint8_t h[8], c[8], k[20];
			uint16_t cur = rr_table_current(&rr);

			token(cur, a, 0, h);
			token(cur, COA, 1, c);
			kbm(h, c, k);
			make_bu(&b, 1, MH_BU_F_A, 100, cur, cur, COA, k, T0);
			b.in.src = A(a);
		}
		cnreg_decide(&ctx, &b.in, &r);
		CHECK(r.status == 0);
		CHECK(cnreg_commit(&ctx, &b.in, &r) != NULL);
	}
	good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_NO_RESOURCES && r.status == 130);
	CHECK(r.send_ba && r.has_kbm && r.op == CNREG_OP_NONE);
	CHECK(cc.count == 4);
}

static void
t_home_registration_131_or_left_to_home_agent(void)
{
	struct bu		 b;
	struct cnreg_result	 r;

	setup();
	good_bu(&b, 1, MH_BU_F_A | MH_BU_F_H, 100, COA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.status == BA_STATUS_HOME_REG_NOT_SUPP && r.send_ba);
	ctx.home_agent = 1;
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_HOME_REG_HA && !r.send_ba);
}

static void
t_missing_options_discarded(void)
{
	struct bu		 b;
	struct cnreg_result	 r;

	setup();
	good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
	b.m.opts.present &= ~(1u << MH_OPT_NONCE);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_NO_NONCE_OPT && !r.send_ba);
	good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
	b.m.opts.present &= ~(1u << MH_OPT_AUTH);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_NO_AUTH_OPT && !r.send_ba);
	good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
	b.in.src = A("fe80::1");
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_BAD_HOA);
	good_bu(&b, 1, MH_BU_F_A, 100, COA, T0);
	b.hao = A("ff02::1");
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(r.reason == CNREG_R_BAD_COA);
}

static void
t_ba_bytes_carry_valid_authenticator(void)
{
	struct bu		 b;
	struct cnreg_result	 r;
	struct mh_msg		 m;
	struct in6_addr		 cn = A(CN), hoa = A(HOA);
	uint8_t			 buf[MH_MAX_LEN], h[8], c[8], k[20], copy[64];
	size_t			 len;
	uint16_t		 cur = rr_table_current(&rr);

	setup();
	cur = rr_table_current(&rr);
	good_bu(&b, 9, MH_BU_F_A, 100, COA, T0);
	cnreg_decide(&ctx, &b.in, &r);
	CHECK(cnreg_build_ba(&r, 1, buf, sizeof(buf), &len) == MH_OK);
	CHECK(mh_parse(buf, len, &cn, &hoa, &m) == MH_OK);
	CHECK(m.type == MH_TYPE_BA && m.u.ba.status == 0 && m.u.ba.seq == 9 &&
	    m.u.ba.lifetime == 25);
	CHECK(MH_HAS_OPT(&m.opts, MH_OPT_AUTH));
	/* recompute it from the RFC: same Kbm, coa | cn | BA */
	token(cur, HOA, 0, h);
	token(cur, COA, 1, c);
	kbm(h, c, k);
	CHECK(len <= sizeof(copy));
	memcpy(copy, buf, len);
	authenticate(k, COA, copy, len);
	CHECK(memcmp(copy + len - 12, buf + len - 12, 12) == 0);
	/* a refusal without Kbm has no option */
	r.has_kbm = 0;
	r.status = 136;
	CHECK(cnreg_build_ba(&r, 0, buf, sizeof(buf), &len) == MH_OK);
	CHECK(mh_parse(buf, len, NULL, NULL, &m) == MH_OK);
	CHECK(!MH_HAS_OPT(&m.opts, MH_OPT_AUTH) && m.u.ba.status == 136);
	CHECK(cnreg_build_be(2, NULL, buf, sizeof(buf), &len) == MH_OK);
	CHECK(mh_parse(buf, len, NULL, NULL, &m) == MH_OK);
	CHECK(m.type == MH_TYPE_BE && m.u.be.status == 2 &&
	    IN6_IS_ADDR_UNSPECIFIED(&m.u.be.hoa));
}

static void
t_rate_limit_per_peer(void)
{
	static struct cn_rate	 rl;
	struct in6_addr		 a = A(COA), b = A(COA2);

	cn_rate_init(&rl, 3);
	CHECK(cn_rate_allow(&rl, &a, 1000));
	CHECK(cn_rate_allow(&rl, &a, 1000));
	CHECK(cn_rate_allow(&rl, &a, 1000));
	CHECK(!cn_rate_allow(&rl, &a, 1100));
	CHECK(cn_rate_allow(&rl, &b, 1100));	/* another peer */
	CHECK(cn_rate_allow(&rl, &a, 1400));	/* a third of a second: one */
	CHECK(!cn_rate_allow(&rl, &a, 1400));
	cn_rate_init(&rl, 0);
	CHECK(cn_rate_allow(&rl, &a, 0) && cn_rate_allow(&rl, &a, 0));
}

static void
t_cache_order_lookup_and_format(void)
{
	struct cn_entry	*e, *f;
	struct in6_addr	 h1 = A("2001:db8:1::9"), h2 = A("2001:db8:1::1");
	struct in6_addr	 cn = A(CN), cn2 = A("2001:db8:c::3");
	char		 line[CC_FORMAT_MAX];

	setup();
	CHECK((e = cc_insert(&cc, &h1, &cn)) != NULL);
	CHECK(cc_insert(&cc, &h1, &cn) == NULL);	/* present */
	CHECK((f = cc_insert(&cc, &h2, &cn2)) != NULL);
	CHECK(cc_first(&cc) == f && cc_next(&cc, f) == e);
	CHECK(cc_find_hoa(&cc, &h1) == e && cc_find(&cc, &h1, &cn2) == NULL);
	e->coa = A(COA);
	e->lifetime = 100;
	e->expires = T0 + 100;
	e->created = T0;
	cc_format(line, sizeof(line), 0, e, T0 + 40);
	CHECK(strcmp(line, "hoa=2001:db8:1::9 coa=2001:db8:f1::10 "
	    "cn=2001:db8:c::2 seq=0 lifetime=100 remaining=60 age=40 "
	    "updates=0 coa_changes=0 kernel=none") == 0);
	cc_format(line, sizeof(line), 1, e, T0 + 200);
	CHECK(strstr(line, "\"remaining\":0,") != NULL);
	cc_remove(&cc, e);
	CHECK(cc.count == 1 && cc_find_hoa(&cc, &h1) == NULL);
}

static void
t_counters_named_and_counted(void)
{
	struct cn_counters	 c;
	uint64_t		 v;

	memset(&c, 0, sizeof(c));
	cn_ctr_rx(&c, MH_TYPE_BU);
	cn_ctr_bu(&c, CNREG_R_BAD_AUTH);
	cn_ctr_tx(&c, MH_TYPE_BA, 137);
	cn_ctr_tx(&c, MH_TYPE_BE, 1);
	cn_ctr_misc(&c, CN_CTR_EXPIRED);
	CHECK(cn_ctr_get(&c, "rx.BU", &v) == 0 && v == 1);
	CHECK(cn_ctr_get(&c, "bu.bad_authenticator", &v) == 0 && v == 1);
	CHECK(cn_ctr_get(&c, "tx.ba_status.137", &v) == 0 && v == 1);
	CHECK(cn_ctr_get(&c, "tx.be_status.1", &v) == 0 && v == 1);
	CHECK(cn_ctr_get(&c, "expired", &v) == 0 && v == 1);
	CHECK(cn_ctr_get(&c, "no.such", &v) == -1);
}

static const struct check_case cases[] = {
	{ "hot_and_cot_carry_rfc_tokens", t_hot_and_cot_carry_rfc_tokens },
	{ "accepts_bu_with_valid_authenticator",
	    t_accepts_bu_with_valid_authenticator },
	{ "no_ba_on_success_without_a_flag",
	    t_no_ba_on_success_without_a_flag },
	{ "forged_authenticator_discarded", t_forged_authenticator_discarded },
	{ "expired_nonces_get_136_137_138", t_expired_nonces_get_136_137_138 },
	{ "old_nonce_honoured_within_lifetime",
	    t_old_nonce_honoured_within_lifetime },
	{ "lifetime_capped", t_lifetime_capped },
	{ "deregistration_uses_home_token_only",
	    t_deregistration_uses_home_token_only },
	{ "sequence_135_with_last_accepted",
	    t_sequence_135_with_last_accepted },
	{ "cache_full_130", t_cache_full_130 },
	{ "home_registration_131_or_left_to_home_agent",
	    t_home_registration_131_or_left_to_home_agent },
	{ "missing_options_discarded", t_missing_options_discarded },
	{ "ba_bytes_carry_valid_authenticator",
	    t_ba_bytes_carry_valid_authenticator },
	{ "rate_limit_per_peer", t_rate_limit_per_peer },
	{ "cache_order_lookup_and_format", t_cache_order_lookup_and_format },
	{ "counters_named_and_counted", t_counters_named_and_counted },
};

static double
secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * n mobile nodes (distinct home addresses) register with one
 * correspondent: decide (nonce look-ups, Kbm, authenticator) + commit,
 * then deregister.  The BUs are made first, outside the timing.
 */
static int
bench(uint32_t n)
{
	struct bu		*b;
	struct cnreg_result	 r;
	struct in6_addr		 hoa = A(HOA);
	char			 a[ADDR_STRLEN];
	uint8_t			 h[8], c[8], k[20];
	uint16_t		 cur;
	double			 t0, t1, t2;
	uint32_t		 i, bad = 0;

	setup();
	conf.max_bindings = n;
	cc.max = n;
	cur = rr_table_current(&rr);
	if ((b = calloc(n, sizeof(*b))) == NULL)
		return 1;
	token(cur, COA, 1, c);
	for (i = 0; i < n; i++) {
		hoa.s6_addr[12] = (uint8_t)(i >> 24);
		hoa.s6_addr[13] = (uint8_t)(i >> 16);
		hoa.s6_addr[14] = (uint8_t)(i >> 8);
		hoa.s6_addr[15] = (uint8_t)i;
		addr_ntop(&hoa, a, sizeof(a));
		token(cur, a, 0, h);
		kbm(h, c, k);
		make_bu(&b[i], 1, MH_BU_F_A, 400, cur, cur, COA, k, T0);
		b[i].in.src = hoa;
		b[i].in.bu = &b[i].m;
		b[i].in.mh = b[i].buf;
		b[i].in.hao = &b[i].hao;
	}
	t0 = secs();
	for (i = 0; i < n; i++) {
		cnreg_decide(&ctx, &b[i].in, &r);
		if (r.status != 0)
			bad++;
		cnreg_commit(&ctx, &b[i].in, &r);
	}
	t1 = secs();
	for (i = 0; i < n; i++) {
		b[i].m.u.bu.seq = 2;
		cnreg_decide(&ctx, &b[i].in, &r);	/* a refresh, decided only */
	}
	t2 = secs();
	printf("bindings=%u register_per_s=%.0f checked_bu_per_s=%.0f "
	    "refused=%u entry_bytes=%zu\n", (unsigned)n, n / (t1 - t0),
	    n / (t2 - t1), (unsigned)bad, sizeof(struct cn_entry));
	free(b);
	return bad != 0 || cc.count != n;
}

int
main(int argc, char *argv[])
{
	int	 rc;

	cc_init(&cc, 0);
	if (argc > 2 && strcmp(argv[1], "bench") == 0)
		return bench((uint32_t)strtoul(argv[2], NULL, 10));
	rc = CHECK_RUN(cases, argc, argv);
	cc_clear(&cc, NULL, NULL);
	rr_table_wipe(&rr);
	return rc;
}
