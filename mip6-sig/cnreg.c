/*
 * Correspondent decisions: HoT/CoT answers, Binding Update checks with
 * return routability, BA and BE layout, per-peer token buckets.
 * See cnreg.h for the order of the checks.
 */
#include <sys/types.h>
#include <netinet/in.h>

#include <string.h>

#include <openssl/crypto.h>

#include "addr.h"
#include "cnreg.h"
#include "mip6_const.h"

static const char *const reason_names[CNREG_R_COUNT] = {
	[CNREG_R_ACCEPTED] = "accepted",
	[CNREG_R_REFRESHED] = "refreshed",
	[CNREG_R_DEREGISTERED] = "deregistered",
	[CNREG_R_DEREG_UNKNOWN] = "deregistered_unknown",
	[CNREG_R_HOME_REG_HA] = "home_registration_for_ha",
	[CNREG_R_BAD_HOA] = "bad_home_address",
	[CNREG_R_BAD_COA] = "bad_care_of_address",
	[CNREG_R_NO_NONCE_OPT] = "no_nonce_indices",
	[CNREG_R_NO_AUTH_OPT] = "no_authorization_data",
	[CNREG_R_BAD_AUTH] = "bad_authenticator",
	[CNREG_R_NO_RESOURCES] = "no_resources",
	[CNREG_R_HOME_REG_NOT_SUPP] = "home_registration_not_supported",
	[CNREG_R_SEQ_WINDOW] = "sequence_out_of_window",
	[CNREG_R_EXPIRED_HOME_NONCE] = "expired_home_nonce",
	[CNREG_R_EXPIRED_COA_NONCE] = "expired_care_of_nonce",
	[CNREG_R_EXPIRED_NONCES] = "expired_nonces",
};

const char *
cnreg_reason_str(enum cnreg_reason r)
{
	return (unsigned)r < CNREG_R_COUNT ? reason_names[r] : "?";
}

enum mh_err
cnreg_test_reply(const struct cnreg_ctx *x, const struct mh_msg *init,
    const struct in6_addr *src, const struct in6_addr *dst, int64_t now,
    int cksum, uint8_t *buf, size_t size, size_t *outlen)
{
	struct mh_msg	 m;
	uint16_t	 idx = rr_table_current(x->rr);
	uint8_t		 which;
	enum mh_err	 e;

	memset(&m, 0, sizeof(m));
	m.proto = MIP6_PROTO_NONE;
	switch (init->type) {
	case MH_TYPE_HOTI:
		m.type = MH_TYPE_HOT;
		which = RR_TOKEN_HOME;
		break;
	case MH_TYPE_COTI:
		m.type = MH_TYPE_COT;
		which = RR_TOKEN_COA;
		break;
	default:
		return MH_ERR_INVAL;
	}
	m.u.test.nonce_idx = idx;
	memcpy(m.u.test.cookie, init->u.init.cookie, MIP6_COOKIE_LEN);
	if (rr_table_token(x->rr, idx, (time_t)now, src, which,
	    m.u.test.token) == -1)
		return MH_ERR_INVAL;
	/* The reply goes back from the address the init was sent to. */
	e = mh_build(&m, NULL, 0, cksum ? dst : NULL, cksum ? src : NULL, buf,
	    size, outlen);
	OPENSSL_cleanse(m.u.test.token, sizeof(m.u.test.token));
	return e;
}

uint32_t
cnreg_grant(const struct conf_sig *c, uint32_t asked_s)
{
	uint32_t max = c->max_lifetime;

	/* RFC 6275 5.2.7: never beyond MAX_RR_BINDING_LIFETIME. */
	if (max == 0 || max > MAX_RR_BINDING_LIFETIME_S)
		max = MAX_RR_BINDING_LIFETIME_S;
	return asked_s < max ? asked_s : max;
}

static void
refuse(struct cnreg_result *r, enum cnreg_reason why, uint8_t status)
{
	r->reason = why;
	r->op = CNREG_OP_NONE;
	r->status = status;
	r->send_ba = 1;
	r->lifetime = 0;
}

static void
discard(struct cnreg_result *r, enum cnreg_reason why)
{
	r->reason = why;
	r->op = CNREG_OP_NONE;
	r->send_ba = 0;
}

void
cnreg_decide(const struct cnreg_ctx *x, const struct cnreg_in *in,
    struct cnreg_result *r)
{
	const struct mh_msg	*bu = in->bu;
	const struct cn_entry	*e;
	uint8_t			 htok[MIP6_TOKEN_LEN], ctok[MIP6_TOKEN_LEN];
	int			 dereg, hbad, cbad = 0;
	uint32_t		 asked;

	memset(r, 0, sizeof(*r));
	r->hoa = in->src;
	r->cn = in->dst;
	r->ba_dst = in->hao != NULL ? *in->hao : in->src;
	r->ba_rh2 = !addr_equal(&r->ba_dst, &r->hoa);
	r->seq = bu->u.bu.seq;
	r->bu_flags = bu->u.bu.flags;
	if (MH_HAS_OPT(&bu->opts, MH_OPT_ALTCOA))
		r->coa = bu->opts.altcoa;
	else
		r->coa = r->ba_dst;

	/* 1. a home registration */
	if (bu->u.bu.flags & MH_BU_F_H) {
		if (x->home_agent)
			discard(r, CNREG_R_HOME_REG_HA);
		else
			refuse(r, CNREG_R_HOME_REG_NOT_SUPP,
			    BA_STATUS_HOME_REG_NOT_SUPP);
		return;
	}
	/* 2. silent discards */
	if (!addr_is_global_unicast(&r->hoa)) {
		discard(r, CNREG_R_BAD_HOA);
		return;
	}
	if (!addr_is_global_unicast(&r->coa) ||
	    !addr_is_global_unicast(&r->ba_dst)) {
		discard(r, CNREG_R_BAD_COA);
		return;
	}
	if (!MH_HAS_OPT(&bu->opts, MH_OPT_NONCE)) {
		discard(r, CNREG_R_NO_NONCE_OPT);
		return;
	}
	if (!MH_HAS_OPT(&bu->opts, MH_OPT_AUTH)) {
		discard(r, CNREG_R_NO_AUTH_OPT);
		return;
	}
	dereg = bu->u.bu.lifetime == 0 || addr_equal(&r->coa, &r->hoa);

	/* 3. nonce indices */
	hbad = rr_table_token(x->rr, bu->opts.home_nonce_idx, (time_t)in->now,
	    &r->hoa, RR_TOKEN_HOME, htok) == -1;
	if (!dereg)
		cbad = rr_table_token(x->rr, bu->opts.coa_nonce_idx,
		    (time_t)in->now, &r->coa, RR_TOKEN_COA, ctok) == -1;
	if (hbad || cbad) {
		if (hbad && cbad)
			refuse(r, CNREG_R_EXPIRED_NONCES,
			    BA_STATUS_EXPIRED_NONCES);
		else if (hbad)
			refuse(r, CNREG_R_EXPIRED_HOME_NONCE,
			    BA_STATUS_EXPIRED_HOME_NONCE);
		else
			refuse(r, CNREG_R_EXPIRED_COA_NONCE,
			    BA_STATUS_EXPIRED_COA_NONCE);
		goto out;
	}

	/* 4. the authenticator */
	if (rr_kbm(htok, dereg ? NULL : ctok, r->kbm) == -1 ||
	    rr_mh_verify(r->kbm, &r->coa, &r->cn, in->mh, in->len, bu) == -1) {
		OPENSSL_cleanse(r->kbm, sizeof(r->kbm));
		discard(r, CNREG_R_BAD_AUTH);
		goto out;
	}
	r->has_kbm = 1;

	/* 5. sequence number against an existing binding */
	e = cc_find(x->cc, &r->hoa, &r->cn);
	if (e != NULL && !mip6_seq_newer(bu->u.bu.seq, e->seq)) {
		refuse(r, CNREG_R_SEQ_WINDOW, BA_STATUS_SEQ_OUT_OF_WINDOW);
		r->seq = e->seq;
		goto out;
	}

	/* 6. accept */
	r->status = BA_STATUS_ACCEPTED;
	r->send_ba = (bu->u.bu.flags & MH_BU_F_A) != 0;
	if (dereg) {
		r->lifetime = 0;
		r->op = e != NULL ? CNREG_OP_REMOVE : CNREG_OP_NONE;
		r->reason = e != NULL ? CNREG_R_DEREGISTERED :
		    CNREG_R_DEREG_UNKNOWN;
		goto out;
	}
	asked = mip6_lifetime_to_sec(bu->u.bu.lifetime);
	r->lifetime = mip6_sec_to_lifetime(cnreg_grant(x->conf, asked));
	if (r->lifetime == 0) {
		/* max-lifetime below one unit cannot happen (config min 4 s) */
		r->lifetime = 1;
	}
	if (e != NULL) {
		r->op = CNREG_OP_UPDATE;
		r->reason = CNREG_R_REFRESHED;
		r->coa_changed = !addr_equal(&e->coa, &r->coa);
	} else if (x->cc->count >= x->cc->max) {
		refuse(r, CNREG_R_NO_RESOURCES, BA_STATUS_NO_RESOURCES);
	} else {
		r->op = CNREG_OP_ADD;
		r->reason = CNREG_R_ACCEPTED;
	}
out:
	OPENSSL_cleanse(htok, sizeof(htok));
	OPENSSL_cleanse(ctok, sizeof(ctok));
}

void
cnreg_refuse(struct cnreg_result *r)
{
	refuse(r, CNREG_R_NO_RESOURCES, BA_STATUS_NO_RESOURCES);
}

struct cn_entry *
cnreg_commit(const struct cnreg_ctx *x, const struct cnreg_in *in,
    struct cnreg_result *r)
{
	struct cn_entry	*e;

	switch (r->op) {
	case CNREG_OP_ADD:
		if ((e = cc_insert(x->cc, &r->hoa, &r->cn)) == NULL) {
			cnreg_refuse(r);
			return NULL;
		}
		e->created = in->now;
		break;
	case CNREG_OP_UPDATE:
		if ((e = cc_find(x->cc, &r->hoa, &r->cn)) == NULL)
			return NULL;
		if (r->coa_changed)
			e->coa_changes++;
		break;
	case CNREG_OP_REMOVE:
		if ((e = cc_find(x->cc, &r->hoa, &r->cn)) != NULL)
			cc_remove(x->cc, e);
		return NULL;
	default:
		return NULL;
	}
	e->coa = r->coa;
	e->seq = in->bu->u.bu.seq;
	e->flags = in->bu->u.bu.flags;
	e->lifetime = mip6_lifetime_to_sec(r->lifetime);
	e->refreshed = in->now;
	e->expires = in->now + (int64_t)e->lifetime;
	e->updates++;
	return e;
}

enum mh_err
cnreg_build_ba(const struct cnreg_result *r, int cksum, uint8_t *buf,
    size_t size, size_t *outlen)
{
	struct mh_msg	 m;
	struct mh_opt	 o;
	enum mh_err	 e;

	memset(&m, 0, sizeof(m));
	memset(&o, 0, sizeof(o));
	m.type = MH_TYPE_BA;
	m.proto = MIP6_PROTO_NONE;
	m.u.ba.status = r->status;
	m.u.ba.seq = r->seq;
	m.u.ba.lifetime = r->lifetime;
	o.type = MH_OPT_AUTH;
	e = mh_build(&m, &o, r->has_kbm ? 1 : 0, NULL, NULL, buf, size,
	    outlen);
	if (e != MH_OK)
		return e;
	/* First(96, HMAC_SHA1(Kbm, care-of | correspondent | BA)) */
	if (r->has_kbm && rr_mh_sign(r->kbm, &r->coa, &r->cn, buf, *outlen,
	    NULL, NULL) == -1)
		return MH_ERR_INVAL;
	if (cksum)
		mh_set_checksum(&r->cn, &r->hoa, buf, *outlen);
	return MH_OK;
}

enum mh_err
cnreg_build_be(uint8_t status, const struct in6_addr *hoa, uint8_t *buf,
    size_t size, size_t *outlen)
{
	struct mh_msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BE;
	m.proto = MIP6_PROTO_NONE;
	m.u.be.status = status;
	if (hoa != NULL)
		m.u.be.hoa = *hoa;
	return mh_build(&m, NULL, 0, NULL, NULL, buf, size, outlen);
}

void
cn_rate_init(struct cn_rate *rl, uint32_t per_s)
{
	memset(rl, 0, sizeof(*rl));
	rl->per_s = per_s;
}

static unsigned
rate_hash(const struct in6_addr *a)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	/* FNV-1a over the address */
	for (i = 0; i < sizeof(*a); i++) {
		h ^= a->s6_addr[i];
		h *= 16777619u;
	}
	return h % CN_RATE_SLOTS;
}

int
cn_rate_allow(struct cn_rate *rl, const struct in6_addr *a, int64_t now_ms)
{
	struct cn_rate_slot	*s;
	int64_t			 add, cap;

	if (rl->per_s == 0)
		return 1;
	s = &rl->slot[rate_hash(a)];
	/* A burst of per_s messages, refilled at per_s a second. */
	cap = (int64_t)rl->per_s * 1000;
	if (!s->used || !addr_equal(&s->addr, a)) {
		s->used = 1;
		s->addr = *a;
		s->tokens = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);
		s->last_ms = now_ms;
	} else if (now_ms > s->last_ms) {
		add = (now_ms - s->last_ms) * (int64_t)rl->per_s;
		add += s->tokens;
		s->tokens = (uint32_t)(add > cap ? cap : add);
		s->last_ms = now_ms;
	}
	if (s->tokens < 1000)
		return 0;
	s->tokens -= 1000;
	return 1;
}
