/*
 * Home registration decisions: see hareg.h for the rules and their order.
 */
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hareg.h"
#include "mip6_const.h"

/*
 * RFC 2526: in a prefix with 64-bit EUI-64 interface identifiers the top 128
 * identifiers (fdff:ffff:ffff:ff80 and up) are reserved subnet anycast
 * addresses, the Mobile IPv6 Home-Agents anycast address among them.
 */
#define ANYCAST_EUI64_PLEN	64
static const uint8_t anycast_iid_min[8] = {
	0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80
};

#define MS_PER_S	1000

static const char *const reason_names[HAREG_R_COUNT] = {
	[HAREG_R_ACCEPTED] = "accepted",
	[HAREG_R_REFRESHED] = "refreshed",
	[HAREG_R_DEREGISTERED] = "deregistered",
	[HAREG_R_DAD_STARTED] = "dad_started",
	[HAREG_R_DAD_PENDING] = "dad_pending",
	[HAREG_R_BAD_HOA] = "bad_home_address",
	[HAREG_R_NO_ESP] = "not_under_esp",
	[HAREG_R_BAD_COA] = "bad_care_of_address",
	[HAREG_R_CIRCULAR_COA] = "circular_care_of_address",
	[HAREG_R_NOT_HOME_REG] = "not_home_registration",
	[HAREG_R_STALE_DURING_DAD] = "stale_during_dad",
	[HAREG_R_PROHIBITED] = "admin_prohibited",
	[HAREG_R_NO_RESOURCES] = "insufficient_resources",
	[HAREG_R_NOT_SUPPORTED] = "home_reg_not_supported",
	[HAREG_R_NOT_HOME_SUBNET] = "not_home_subnet",
	[HAREG_R_NOT_HA_FOR_MN] = "not_ha_for_mn",
	[HAREG_R_DAD_FAILED] = "dad_failed",
	[HAREG_R_SEQ_WINDOW] = "seq_out_of_window",
	[HAREG_R_TYPE_CHANGE] = "reg_type_change",
	[HAREG_R_MR_NOT_PERMITTED] = "mr_not_permitted",
};

static void	 discard(struct hareg_result *, enum hareg_reason);
static void	 refuse(struct hareg_result *, enum hareg_reason, uint8_t);
static int	 is_reserved_hoa(const struct conf_ha_link *,
		    const struct in6_addr *);
static int	 link_index(const struct conf_ha *, const struct conf_ha_link *);
static int	 link_of_addr(const struct conf_ha *, const struct in6_addr *);
static int	 mn_cmp(const void *, const void *);
static int	 mn_key_cmp(const void *, const void *);
static int64_t	 brr_time(const struct conf_ha *, int64_t now, uint16_t units);
static int	 coa_loops(const struct bcache *, const struct in6_addr *hoa,
		    const struct in6_addr *coa);

/* How many bindings coa_loops follows at most (a chain longer than this
 * cannot be built: every link was checked when it was added). */
#define COA_CHAIN_MAX	16

const char *
hareg_reason_str(enum hareg_reason r)
{
	if ((unsigned)r >= HAREG_R_COUNT)
		return "unknown";
	return reason_names[r];
}

const char *
hareg_op_str(enum hareg_op op)
{
	switch (op) {
	case HAREG_OP_NONE:
		return "none";
	case HAREG_OP_ADD:
		return "add";
	case HAREG_OP_UPDATE:
		return "update";
	case HAREG_OP_REMOVE:
		return "remove";
	}
	return "unknown";
}

int
hareg_reason_discard(enum hareg_reason r)
{
	return r >= HAREG_R_BAD_HOA && r <= HAREG_R_STALE_DURING_DAD;
}

static void
discard(struct hareg_result *r, enum hareg_reason why)
{
	r->reason = why;
	r->op = HAREG_OP_NONE;
	r->send_ba = 0;
}

/* RFC 6275 9.5.4: a refusal is always answered, whatever the A flag. */
static void
refuse(struct hareg_result *r, enum hareg_reason why, uint8_t status)
{
	r->reason = why;
	r->op = HAREG_OP_NONE;
	r->send_ba = 1;
	r->status = status;
	r->lifetime = 0;
	r->need_dad = 0;
	r->dad_ll = 0;
	r->ba_flags = 0;
}

/* The home agent's own address, or a subnet anycast of the home prefix. */
static int
is_reserved_hoa(const struct conf_ha_link *l, const struct in6_addr *hoa)
{
	size_t i;
	unsigned int plen;

	if (addr_equal(&l->addr, hoa))
		return 1;
	for (i = 0; i < l->nprefixes; i++) {
		plen = l->prefixes[i].plen;
		if (!addr_in_prefix(hoa, &l->prefixes[i].addr, plen))
			continue;
		if (plen < ADDR_MAX_PLEN && addr_host_bits_zero(hoa, plen))
			return 1;
		if (plen == ANYCAST_EUI64_PLEN &&
		    memcmp(hoa->s6_addr + ANYCAST_EUI64_PLEN / 8,
		    anycast_iid_min, sizeof(anycast_iid_min)) >= 0)
			return 1;
	}
	return 0;
}

static int
link_index(const struct conf_ha *c, const struct conf_ha_link *l)
{
	return l == NULL ? -1 : (int)(l - c->links);
}

/* The link whose home agent address is a, or -1. */
static int
link_of_addr(const struct conf_ha *c, const struct in6_addr *a)
{
	size_t i;

	for (i = 0; i < c->nlinks; i++)
		if (addr_equal(&c->links[i].addr, a))
			return (int)i;
	return -1;
}

static int
mn_cmp(const void *a, const void *b)
{
	const struct conf_mn *const *x = a, *const *y = b;

	return memcmp(&(*x)->hoa, &(*y)->hoa, sizeof((*x)->hoa));
}

static int
mn_key_cmp(const void *key, const void *elem)
{
	const struct conf_mn *const *m = elem;

	return memcmp(key, &(*m)->hoa, sizeof((*m)->hoa));
}

int
hareg_ctx_init(struct hareg_ctx *ctx, const struct conf_ha *c,
    struct bcache *bc)
{
	size_t i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->conf = c;
	ctx->bc = bc;
	if (c->nmns == 0)
		return 0;
	ctx->mn_index = calloc(c->nmns, sizeof(*ctx->mn_index));
	if (ctx->mn_index == NULL)
		return -1;
	for (i = 0; i < c->nmns; i++)
		ctx->mn_index[i] = &c->mns[i];
	qsort(ctx->mn_index, c->nmns, sizeof(*ctx->mn_index), mn_cmp);
	ctx->nmn_index = c->nmns;
	return 0;
}

void
hareg_ctx_free(struct hareg_ctx *ctx)
{
	free(ctx->mn_index);
	ctx->mn_index = NULL;
	ctx->nmn_index = 0;
}

const struct conf_mn *
hareg_mn_find(const struct hareg_ctx *ctx, const struct in6_addr *hoa)
{
	const struct conf_mn *const *m;

	if (ctx->mn_index == NULL)
		return conf_ha_mn_find(ctx->conf, hoa);
	m = bsearch(hoa, ctx->mn_index, ctx->nmn_index,
	    sizeof(*ctx->mn_index), mn_key_cmp);
	return m == NULL ? NULL : *m;
}

uint32_t
hareg_grant(const struct conf_ha *c, uint32_t asked, uint32_t prefix_valid)
{
	uint32_t g = asked;

	if (c->max_lifetime < g)
		g = c->max_lifetime;
	if (prefix_valid != HAREG_LIFETIME_UNKNOWN && prefix_valid < g)
		g = prefix_valid;
	return g;
}

/* When to send a Binding Refresh Request: brr-before s ahead of expiry. */
static int64_t
brr_time(const struct conf_ha *c, int64_t now, uint16_t units)
{
	uint32_t s = mip6_lifetime_to_sec(units);

	if (c->brr_before == 0 || s <= c->brr_before)
		return 0;
	return now + (int64_t)(s - c->brr_before);
}

/*
 * RFC 6275 9.5.1: whether coa is the home address of a binding whose
 * care-of address leads back to hoa, directly or through more bindings:
 * the tunnels would carry packets round in a loop.
 */
static int
coa_loops(const struct bcache *bc, const struct in6_addr *hoa,
    const struct in6_addr *coa)
{
	const struct bc_entry	*e;
	const struct in6_addr	*a = coa;
	int			 i;

	if (bc == NULL)
		return 0;
	for (i = 0; i < COA_CHAIN_MAX; i++) {
		if ((e = bc_lookup(bc, a)) == NULL)
			return 0;
		if (addr_equal(&e->coa, hoa))
			return 1;
		a = &e->coa;
	}
	return 0;
}

void
hareg_decide(const struct hareg_ctx *ctx, const struct hareg_in *in,
    struct hareg_result *r)
{
	const struct conf_ha *c = ctx->conf;
	const struct mh_msg *bu = in->bu;
	const struct conf_ha_link *l;
	const struct bc_entry *e;
	uint16_t flags = bu->u.bu.flags;
	int dereg, dl;
	uint32_t granted;

	memset(r, 0, sizeof(*r));
	r->link = -1;
	r->bu_flags = flags;
	r->seq = bu->u.bu.seq;
	r->hoa = in->hao != NULL ? *in->hao : in->src;
	r->coa = MH_HAS_OPT(&bu->opts, MH_OPT_ALTCOA) ? bu->opts.altcoa :
	    in->src;
	r->ha = in->dst;
	r->ba_dst = in->src;
	r->ba_rh2 = !addr_equal(&in->src, &r->hoa);
	dereg = bu->u.bu.lifetime == 0 || addr_equal(&r->coa, &r->hoa);

	/* 1. Silent discards (RFC 6275 9.5.1, 5.1; RFC 3776 4). */
	if (!addr_is_global_unicast(&r->hoa)) {
		discard(r, HAREG_R_BAD_HOA);
		return;
	}
	if ((flags & MH_BU_F_H) && c->ipsec == IPSEC_REQUIRED && !in->esp) {
		discard(r, HAREG_R_NO_ESP);
		return;
	}
	if (!dereg && !addr_is_global_unicast(&r->coa)) {
		discard(r, HAREG_R_BAD_COA);
		return;
	}
	if (!dereg && coa_loops(ctx->bc, &r->hoa, &r->coa)) {
		discard(r, HAREG_R_CIRCULAR_COA);
		return;
	}
	e = ctx->bc != NULL ? bc_lookup(ctx->bc, &r->hoa) : NULL;
	if (!(flags & MH_BU_F_H) && e == NULL) {
		discard(r, HAREG_R_NOT_HOME_REG);
		return;
	}

	/* 2. Against the existing binding (RFC 6275 9.5.1, RFC 3963 6.2). */
	if (e != NULL) {
		r->link = e->link;
		if (!(flags & MH_BU_F_H) ||
		    ((flags ^ e->flags) & (MH_BU_F_R | MH_BU_F_L))) {
			refuse(r, HAREG_R_TYPE_CHANGE,
			    BA_STATUS_REG_TYPE_CHANGE);
			return;
		}
		if (e->state == BC_ST_DAD) {
			if (r->seq == e->seq) {
				discard(r, HAREG_R_DAD_PENDING);
				return;
			}
			if (!mip6_seq_newer(r->seq, e->seq)) {
				discard(r, HAREG_R_STALE_DURING_DAD);
				return;
			}
		} else if (!mip6_seq_newer(r->seq, e->seq)) {
			refuse(r, HAREG_R_SEQ_WINDOW,
			    BA_STATUS_SEQ_OUT_OF_WINDOW);
			r->seq = e->seq;
			return;
		}
	}

	/* 3. Home agent policy (RFC 6275 10.3.1, 10.3.2). */
	/* Disabled, or sent to an address of ours that serves no home link. */
	dl = link_of_addr(c, &in->dst);
	if (!c->enabled || dl == -1) {
		refuse(r, HAREG_R_NOT_SUPPORTED, BA_STATUS_HOME_REG_NOT_SUPP);
		return;
	}
	l = conf_ha_link_for(c, &r->hoa);
	if (l == NULL || dl != link_index(c, l)) {
		refuse(r, HAREG_R_NOT_HOME_SUBNET, BA_STATUS_NOT_HOME_SUBNET);
		return;
	}
	r->link = link_index(c, l);
	if (c->nmns > 0 && hareg_mn_find(ctx, &r->hoa) == NULL) {
		refuse(r, HAREG_R_NOT_HA_FOR_MN, BA_STATUS_NOT_HA_FOR_MN);
		return;
	}
	if (dereg) {
		if (e == NULL) {
			refuse(r, HAREG_R_NOT_HA_FOR_MN,
			    BA_STATUS_NOT_HA_FOR_MN);
			return;
		}
		r->reason = HAREG_R_DEREGISTERED;
		r->op = HAREG_OP_REMOVE;
		r->status = BA_STATUS_ACCEPTED;
		r->lifetime = 0;
		/* RFC 6275 10.3.2: whatever the A flag. */
		r->send_ba = 1;
		return;
	}
	if ((flags & MH_BU_F_R) && !ctx->nemo) {
		refuse(r, HAREG_R_MR_NOT_PERMITTED,
		    BA_STATUS_MR_NOT_PERMITTED);
		return;
	}
	if (is_reserved_hoa(l, &r->hoa)) {
		refuse(r, HAREG_R_PROHIBITED, BA_STATUS_PROHIBITED);
		return;
	}
	if (e == NULL && ctx->bc != NULL && bc_full(ctx->bc)) {
		refuse(r, HAREG_R_NO_RESOURCES, BA_STATUS_NO_RESOURCES);
		return;
	}
	granted = hareg_grant(c, mip6_lifetime_to_sec(bu->u.bu.lifetime),
	    in->prefix_valid);
	r->lifetime = mip6_sec_to_lifetime(granted);
	if (r->lifetime == 0) {
		/* The prefix is about to vanish: not a home subnet for long. */
		refuse(r, HAREG_R_NOT_HOME_SUBNET, BA_STATUS_NOT_HOME_SUBNET);
		return;
	}

	/* 4. Accept. */
	r->status = BA_STATUS_ACCEPTED;
	if ((flags & MH_BU_F_K) && ctx->km_mobility)
		r->ba_flags |= MH_BA_F_K;
	if (flags & MH_BU_F_R)
		r->ba_flags |= MH_BA_F_R;
	r->brr_at = brr_time(c, in->now, r->lifetime);
	if (e == NULL) {
		/* L=1: the mobile node's link-local address must be free
		 * too (RFC 6275 10.3.1); another binding's or ours is not
		 * (our own probe cannot find what our proxy answers). */
		if ((flags & MH_BU_F_L) && hareg_ll_taken(ctx, r->link,
		    &r->hoa)) {
			refuse(r, HAREG_R_DAD_FAILED, BA_STATUS_DAD_FAILED);
			return;
		}
		r->op = HAREG_OP_ADD;
		r->need_dad = c->dad != 0;
		r->dad_ll = r->need_dad && (flags & MH_BU_F_L) != 0;
		r->reason = r->need_dad ? HAREG_R_DAD_STARTED :
		    HAREG_R_ACCEPTED;
		/* The BA waits for DAD (RFC 6275 10.3.1); it goes whatever
		 * the A flag, as for every accepted home registration. */
		r->send_ba = !r->need_dad;
		return;
	}
	r->op = HAREG_OP_UPDATE;
	r->coa_changed = !addr_equal(&e->coa, &r->coa);
	if (e->state == BC_ST_DAD) {
		/* A newer BU while DAD runs: it replaces the pending one. */
		r->reason = HAREG_R_DAD_PENDING;
		r->send_ba = 0;
		return;
	}
	r->reason = HAREG_R_REFRESHED;
	r->send_ba = 1;		/* RFC 6275 10.3.1: whatever the A flag */
}

struct bc_entry *
hareg_ll_find(const struct hareg_ctx *ctx, int link,
    const struct in6_addr *ll, const struct in6_addr *except)
{
	const struct conf_ha_link	*l;
	struct bc_entry			*e;
	struct in6_addr			 cand;
	size_t				 i;

	if (ctx->bc == NULL || link < 0 || (size_t)link >= ctx->conf->nlinks ||
	    !IN6_IS_ADDR_LINKLOCAL(ll))
		return NULL;
	l = &ctx->conf->links[link];
	/* The link's prefixes with ll's interface identifier. */
	for (i = 0; i < l->nprefixes; i++) {
		cand = l->prefixes[i].addr;
		memcpy(&cand.s6_addr[8], &ll->s6_addr[8], 8);
		if (!addr_in_prefix(&cand, &l->prefixes[i].addr,
		    l->prefixes[i].plen))
			continue;
		if ((e = bc_lookup(ctx->bc, &cand)) == NULL ||
		    !(e->flags & MH_BU_F_L) || e->link != (uint16_t)link ||
		    (except != NULL && addr_equal(&e->hoa, except)))
			continue;
		return e;
	}
	return NULL;
}

int
hareg_ll_taken(const struct hareg_ctx *ctx, int link,
    const struct in6_addr *hoa)
{
	const struct conf_ha_link	*l;
	struct in6_addr			 ll;

	if (link < 0 || (size_t)link >= ctx->conf->nlinks)
		return 0;
	l = &ctx->conf->links[link];
	/* The home agent's own interface identifier on the link. */
	if (memcmp(&hoa->s6_addr[8], &l->addr.s6_addr[8], 8) == 0)
		return 1;
	addr_link_local_of(hoa, &ll);
	return hareg_ll_find(ctx, link, &ll, hoa) != NULL;
}

struct bc_entry *
hareg_commit(const struct hareg_ctx *ctx, const struct hareg_in *in,
    struct hareg_result *r)
{
	struct bc_entry *e;
	int64_t expires;

	e = bc_lookup(ctx->bc, &r->hoa);
	switch (r->op) {
	case HAREG_OP_NONE:
		if (e != NULL && r->send_ba && r->status >= BA_STATUS_REJECT_MIN)
			e->stats.bu_refused++;
		return NULL;
	case HAREG_OP_REMOVE:
		if (e != NULL)
			bc_remove(ctx->bc, e);
		return NULL;
	case HAREG_OP_ADD:
		if ((e = bc_insert(ctx->bc, &r->hoa)) == NULL) {
			refuse(r, HAREG_R_NO_RESOURCES,
			    BA_STATUS_NO_RESOURCES);
			return NULL;
		}
		e->created = in->now;
		e->state = r->need_dad ? BC_ST_DAD : BC_ST_ACTIVE;
		break;
	case HAREG_OP_UPDATE:
		if (e == NULL)
			return NULL;
		if (r->coa_changed && e->state == BC_ST_ACTIVE)
			e->stats.coa_changes++;
		break;
	}
	e->coa = r->coa;
	e->seq = r->seq;
	e->lifetime = r->lifetime;
	e->flags = r->bu_flags;
	e->link = (uint16_t)r->link;
	e->updated = in->now;
	if (e->state == BC_ST_ACTIVE)
		e->stats.bu_accepted++;
	expires = in->now + (int64_t)mip6_lifetime_to_sec(r->lifetime);
	/* An entry in DAD expires too, should the answer never come. */
	bc_set_times(ctx->bc, e, expires,
	    e->state == BC_ST_ACTIVE ? r->brr_at : 0);
	return e;
}

int
hareg_dad_done(const struct hareg_ctx *ctx, const struct in6_addr *hoa,
    int ok, int64_t now, struct hareg_result *r)
{
	const struct conf_ha *c = ctx->conf;
	struct bc_entry *e;

	memset(r, 0, sizeof(*r));
	e = bc_lookup(ctx->bc, hoa);
	if (e == NULL || e->state != BC_ST_DAD)
		return -1;
	r->hoa = e->hoa;
	r->coa = e->coa;
	r->ba_dst = e->coa;
	r->ba_rh2 = 1;
	r->seq = e->seq;
	r->bu_flags = e->flags;
	r->link = e->link;
	if (e->link < c->nlinks)
		r->ha = c->links[e->link].addr;
	if (!ok) {
		/* Nothing was installed for it: no kernel work. */
		refuse(r, HAREG_R_DAD_FAILED, BA_STATUS_DAD_FAILED);
		bc_remove(ctx->bc, e);
		return 0;
	}
	r->reason = HAREG_R_ACCEPTED;
	r->op = HAREG_OP_ADD;
	r->status = BA_STATUS_ACCEPTED;
	r->lifetime = e->lifetime;
	if ((e->flags & MH_BU_F_K) && ctx->km_mobility)
		r->ba_flags |= MH_BA_F_K;
	if (e->flags & MH_BU_F_R)
		r->ba_flags |= MH_BA_F_R;
	r->send_ba = 1;		/* RFC 6275 10.3.1: whatever the A flag */
	/* The lifetime counts from the acceptance, not from the BU. */
	r->brr_at = brr_time(c, now, e->lifetime);
	e->state = BC_ST_ACTIVE;
	e->created = e->updated = now;
	e->stats.bu_accepted++;
	bc_set_times(ctx->bc, e,
	    now + (int64_t)mip6_lifetime_to_sec(e->lifetime), r->brr_at);
	return 0;
}

enum mh_err
hareg_build_ba(const struct hareg_result *r, uint8_t *buf, size_t size,
    size_t *outlen)
{
	struct mh_msg m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BA;
	m.proto = MIP6_PROTO_NONE;
	m.u.ba.status = r->status;
	m.u.ba.flags = r->ba_flags;
	m.u.ba.seq = r->seq;
	m.u.ba.lifetime = r->lifetime;
	/* With or without a type 2 routing header the final destination,
	 * and so the pseudo-header's, is the home address. */
	return mh_build(&m, NULL, 0, &r->ha, &r->hoa, buf, size, outlen);
}

enum mh_err
hareg_build_brr(const struct in6_addr *ha, const struct in6_addr *hoa,
    uint8_t *buf, size_t size, size_t *outlen)
{
	struct mh_msg m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BRR;
	m.proto = MIP6_PROTO_NONE;
	return mh_build(&m, NULL, 0, ha, hoa, buf, size, outlen);
}

enum mh_err
hareg_build_be(const struct in6_addr *src, const struct in6_addr *dst,
    uint8_t status, const struct in6_addr *hoa, uint8_t *buf, size_t size,
    size_t *outlen)
{
	struct mh_msg m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BE;
	m.proto = MIP6_PROTO_NONE;
	m.u.be.status = status;
	m.u.be.hoa = *hoa;
	return mh_build(&m, NULL, 0, src, dst, buf, size, outlen);
}

void
hareg_rate_init(struct hareg_rate *rl, uint32_t per_s, int64_t now_ms)
{
	rl->per_s = per_s;
	rl->tokens = per_s;
	rl->last_ms = now_ms;
}

int
hareg_rate_allow(struct hareg_rate *rl, int64_t now_ms)
{
	int64_t elapsed = now_ms - rl->last_ms, add;

	if (rl->per_s == 0)
		return 1;
	if (elapsed > 0) {
		/* Refill whole tokens only; keep the remainder of time. */
		add = elapsed * rl->per_s / MS_PER_S;
		if (add > 0) {
			if (add >= rl->per_s - rl->tokens) {
				rl->tokens = rl->per_s;
				rl->last_ms = now_ms;
			} else {
				rl->tokens += (uint32_t)add;
				rl->last_ms += add * MS_PER_S / rl->per_s;
			}
		}
	} else if (elapsed < 0)
		rl->last_ms = now_ms;	/* clock went back: restart */
	if (rl->tokens == 0)
		return 0;
	rl->tokens--;
	return 1;
}
