/*
 * Kernel requests from the roles: check (check.c), carry out as a batch
 * of pipelined netlink requests, record in the table (reconcile.c), reply
 * once the kernel answered all of them.  A binding is never left half
 * done: when a part fails, the parts that succeeded are undone.
 */
#include <net/if.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "addr.h"
#include "log.h"
#include "config.h"
#include "kernel.h"
#include "proto.h"
#include "xfrm.h"
#include "rtcheck.h"
#include "check.h"
#include "reconcile.h"
#include "probe.h"

struct kr_batch {
	uint32_t	 role;
	uint32_t	 reqid;
	uint32_t	 type;
	int		 pending;
	int		 error;
	union {
		struct kr_bind	 bind;
		struct kr_proxy	 proxy;
		struct kr_ro	 ro;
		struct kr_mn	 mn;
		struct kr_mn_router router;
	} u;
	struct in6_addr	 oldcoa;	/* a move: the pair to retire */
	int		 moved;
	int		 step;		/* multi-step requests (mn home) */
	TAILQ_ENTRY(kr_batch) entry;	/* kr_defer */
};

static const struct mip6_conf	*kr_conf;
/* proxy-nd: daemon as the home agent started: mip6-ha answers the
 * Neighbor Solicitations, bindings get no proxy ND entry (a reload
 * changes it at the role's next start only). */
static int			 kr_nd_daemon;
static kr_reply_fn		 kr_reply;
static kr_show_fn		 kr_show;
static void			*kr_reply_arg;
static uint32_t			 kr_subs[ROLE_MAX];
static size_t			 kr_nro[ROLE_MAX];

/*
 * Netlink requests queued or in flight at most (both sockets): the
 * requests beyond wait as they came, their data only (kr_batch, ~130
 * octets), and their messages are built when they start.  A cold start
 * of 10,000 bindings held 20,000 messages at once before (issue 9).
 */
#define KR_REQ_WINDOW	512
static TAILQ_HEAD(, kr_batch)	 kr_defer = TAILQ_HEAD_INITIALIZER(kr_defer);

static void	 kr_batch_cb(void *, int);
static unsigned int kr_ifindex(const char *);
static void	 kr_batch_done(struct kr_batch *);
static void	 kr_mn_step(struct kr_batch *);

void
kr_req_show_sink(kr_show_fn fn)
{
	kr_show = fn;
}

void
kr_req_init(const struct mip6_conf *conf, kr_reply_fn fn, void *arg)
{
	kr_conf = conf;
	kr_reply = fn;
	kr_reply_arg = arg;
}

uint32_t
kr_subscriptions(uint32_t role)
{
	return role < ROLE_MAX ? kr_subs[role] : 0;
}

/*
 * Interface indexes of our tunnel and the home links, cached: a lookup
 * costs three system calls and every binding needs two.  A request that
 * fails with ENODEV empties the cache (a link was recreated).
 */
#define KR_IFCACHE	8
static struct {
	char		 name[IF_NAMESIZE];
	unsigned int	 index;
} kr_ifcache[KR_IFCACHE];

static unsigned int
kr_ifindex(const char *name)
{
	size_t		 i;
	unsigned int	 idx;

	for (i = 0; i < KR_IFCACHE && kr_ifcache[i].index != 0; i++)
		if (strcmp(kr_ifcache[i].name, name) == 0)
			return kr_ifcache[i].index;
	if ((idx = if_nametoindex(name)) != 0 && i < KR_IFCACHE) {
		strlcpy(kr_ifcache[i].name, name, sizeof(kr_ifcache[i].name));
		kr_ifcache[i].index = idx;
	}
	return idx;
}

static void
kr_ifindex_flush(void)
{
	memset(kr_ifcache, 0, sizeof(kr_ifcache));
}

static struct kr_batch *
kr_batch_new(uint32_t role, uint32_t reqid, uint32_t type)
{
	struct kr_batch	*b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->role = role;
	b->reqid = reqid;
	b->type = type;
	/* One reference held while requests are queued. */
	b->pending = 1;
	return b;
}

static void
kr_batch_cb(void *arg, int error)
{
	struct kr_batch	*b = arg;

	if (error != 0 && b->error == 0)
		b->error = error;
	if (error == ENODEV)
		kr_ifindex_flush();
	if (--b->pending == 0)
		kr_batch_done(b);
}

/* Drop the queueing reference: the batch completes when all answered. */
static void
kr_batch_go(struct kr_batch *b)
{
	kr_batch_cb(b, 0);
}

static void
kr_key_bind(struct kr_key *k, uint32_t type, const struct in6_addr *hoa,
    unsigned int ifindex)
{
	memset(k, 0, sizeof(*k));
	k->type = type;
	k->a = *hoa;
	if (type == KO_ROUTE) {
		k->plen = 128;
		strlcpy(k->name, KR_HA_TNL, sizeof(k->name));
	} else if (type == KO_PROXY)
		k->ifindex = ifindex;
}

static void
kr_ignore_cb(void *arg, int error)
{
}

/*
 * KR_BIND_LL: the mobile node's link-local address, derived here from the
 * home address (never taken from the role), proxied with it on the home
 * link.  1 when the request asks for it and mip6-priv installs proxy ND.
 */
/*
 * A binding's Home Address option state and policy (xfrm_ha_hao) go with
 * it, on whichever home link they were made: best effort, a missing one
 * is gone already.
 */
static void
kr_ha_hao_del(const struct in6_addr *hoa)
{
	size_t	 i;

	for (i = 0; kr_conf != NULL && i < kr_conf->ha.nlinks; i++)
		(void)xfrm_ha_hao(XFRM_HA_DEL, hoa, &kr_conf->ha.links[i].addr,
		    NULL, kr_ignore_cb, NULL);
}

static int
kr_bind_ll(const struct kr_bind *bd, struct in6_addr *ll)
{
	addr_link_local_of(&bd->hoa, ll);
	return (bd->flags & KR_BIND_LL) && !kr_nd_daemon;
}

static void
kr_bind_record(struct kr_batch *b, int add)
{
	struct kr_key	 k;
	struct in6_addr	 ll;
	unsigned int	 home = kr_ifindex(b->u.bind.ifname);

	/* Removal: whatever was recorded for it, whatever the flags say. */
	if (kr_bind_ll(&b->u.bind, &ll) || !add) {
		kr_key_bind(&k, KO_PROXY, &ll, home);
		add ? kr_tab_add(&k, NULL, b->role) : kr_tab_del(&k);
	}

	kr_key_bind(&k, KO_ROUTE, &b->u.bind.hoa, 0);
	add ? kr_tab_add(&k, &b->u.bind.coa, b->role) : kr_tab_del(&k);
	kr_key_bind(&k, KO_PROXY, &b->u.bind.hoa, home);
	if (!kr_nd_daemon)
		add ? kr_tab_add(&k, NULL, b->role) : kr_tab_del(&k);
	kr_key_bind(&k, KO_RTCHECK, &b->u.bind.hoa, 0);
	add ? kr_tab_add(&k, &b->u.bind.coa, b->role) : kr_tab_del(&k);
}

static void
kr_batch_done(struct kr_batch *b)
{
	struct kr_bind	*bd = &b->u.bind;
	struct in6_addr	 ll;
	unsigned int	 tnl, home;

	switch (b->type) {
	case IMSG_KR_BIND_ADD:
		tnl = kr_ifindex(KR_HA_TNL);
		home = kr_ifindex(bd->ifname);
		if (b->error == 0) {
			/* The old pair is retired once the new route is in. */
			if (b->moved && memcmp(&b->oldcoa, &bd->coa,
			    sizeof(bd->coa)) != 0)
				(void)rtcheck_del(&b->oldcoa, &bd->hoa);
			kr_bind_record(b, 1);
		} else if (b->moved) {
			/* The route still points at the old address: so does the check. */
			if (memcmp(&b->oldcoa, &bd->coa, sizeof(bd->coa)) != 0)
				(void)rtcheck_del(&bd->coa, &bd->hoa);
		} else {
			/* Undo: a fresh binding that failed leaves nothing. */
			(void)rtcheck_del(&bd->coa, &bd->hoa);
			kr_route_encap(0, &bd->hoa, 128, NULL, NULL, tnl,
			    kr_ignore_cb, NULL);
			if (!kr_nd_daemon)
				kr_proxy(0, &bd->hoa, home, kr_ignore_cb,
				    NULL);
			if (kr_bind_ll(bd, &ll))
				kr_proxy(0, &ll, home, kr_ignore_cb, NULL);
			kr_ha_hao_del(&bd->hoa);
		}
		break;
	case IMSG_KR_BIND_DEL:
		kr_bind_record(b, 0);
		/* Already gone from the kernel is gone: not an error. */
		if (b->error == ESRCH || b->error == ENOENT)
			b->error = 0;
		break;
	case IMSG_KR_PROXY_ADD:
	case IMSG_KR_PROXY_DEL: {
		struct kr_key	 k;

		kr_key_bind(&k, KO_PROXY, &b->u.proxy.addr,
		    kr_ifindex(b->u.proxy.ifname));
		if (b->type == IMSG_KR_PROXY_ADD && b->error == 0)
			kr_tab_add(&k, NULL, b->role);
		else if (b->type == IMSG_KR_PROXY_DEL)
			kr_tab_del(&k);
		break;
	}
	case IMSG_KR_RO_ADD:
	case IMSG_KR_RO_DEL: {
		struct kr_key	 k;

		memset(&k, 0, sizeof(k));
		k.type = KO_XSTATE;
		k.a = b->u.ro.hoa;
		k.b = b->u.ro.peer;
		k.proto = b->u.ro.flags;
		if (b->type == IMSG_KR_RO_ADD && b->error == 0) {
			struct kr_obj	*o = kr_tab_find(&k);

			/* New, or found by the sweep and claimed now. */
			if (o == NULL || o->role != b->role)
				kr_nro[b->role]++;
			kr_tab_add(&k, &b->u.ro.coa, b->role);
		} else if (b->type == IMSG_KR_RO_DEL) {
			if (kr_tab_find(&k) != NULL)
				kr_nro[b->role]--;
			kr_tab_del(&k);
			if (b->error == ESRCH || b->error == ENOENT)
				b->error = 0;
		}
		break;
	}
	case IMSG_KR_MN_ROUTER:
		/* Gone already (its lifetime ran out meanwhile): fine. */
		if (b->error == ESRCH || b->error == ENOENT)
			b->error = 0;
		break;
	case IMSG_KR_MN_HOME:
	case IMSG_KR_MN_AT_HOME:
		if (b->error == 0 && b->step > 0) {
			kr_mn_step(b);
			return;
		}
		break;
	}
	if (b->error != 0)
		log_warnx("kernel request %u from %s: %s", b->type,
		    conf_role_name(b->role), strerror(b->error));
	if (kr_reply != NULL)
		kr_reply(b->role, b->reqid, b->type, b->error, kr_reply_arg);
	free(b);
}

static void
kr_do_bind(struct kr_batch *b)
{
	struct kr_bind		*bd = &b->u.bind;
	const struct conf_ha_link *l = NULL;
	struct kr_key		 k;
	struct kr_obj		*o;
	struct in6_addr		 ll;
	unsigned int		 tnl, home;
	size_t			 i;

	tnl = kr_ifindex(KR_HA_TNL);
	home = kr_ifindex(bd->ifname);
	for (i = 0; i < kr_conf->ha.nlinks; i++)
		if (strcmp(kr_conf->ha.links[i].ifname, bd->ifname) == 0)
			l = &kr_conf->ha.links[i];
	kr_key_bind(&k, KO_RTCHECK, &bd->hoa, 0);
	o = kr_tab_find(&k);
	if (b->type == IMSG_KR_BIND_DEL) {
		if (o != NULL)
			(void)rtcheck_del(&o->coa, &bd->hoa);
		b->pending += kr_nd_daemon ? 1 : 2;
		kr_route_encap(0, &bd->hoa, 128, NULL, NULL, tnl, kr_batch_cb,
		    b);
		if (!kr_nd_daemon)
			kr_proxy(0, &bd->hoa, home, kr_batch_cb, b);
		kr_ha_hao_del(&bd->hoa);
		/* The link-local entry goes when one is recorded for it. */
		(void)kr_bind_ll(bd, &ll);
		kr_key_bind(&k, KO_PROXY, &ll, home);
		if (kr_tab_find(&k) != NULL) {
			b->pending++;
			kr_proxy(0, &ll, home, kr_batch_cb, b);
		}
		return;
	}
	if (tnl == 0 || home == 0) {
		b->error = ENODEV;
		return;
	}
	/* Present already (a move, or a refresh to the same address). */
	if (o != NULL) {
		b->moved = 1;
		b->oldcoa = o->coa;
	}
	/* New pair first: the mobile node's packets from its new address pass. */
	if (rtcheck_add(&bd->coa, &bd->hoa) == -1) {
		b->error = errno;
		return;
	}
	b->pending += kr_nd_daemon ? 1 : 2;
	kr_route_encap(1, &bd->hoa, 128, &bd->coa, l ? &l->addr : NULL, tnl,
	    kr_batch_cb, b);
	if (!kr_nd_daemon)
		kr_proxy(1, &bd->hoa, home, kr_batch_cb, b);
	if (kr_bind_ll(bd, &ll)) {
		b->pending++;
		kr_proxy(1, &ll, home, kr_batch_cb, b);
	}
	/* RFC 6275 9.3.1: a Home Address option only from this care-of
	 * address (xfrm_ha_hao); a refresh from it changes nothing. */
	if (l != NULL && !b->moved)
		b->pending += xfrm_ha_hao(XFRM_HA_ADD, &bd->hoa, &l->addr,
		    &bd->coa, kr_batch_cb, b);
	else if (l != NULL && !addr_equal(&b->oldcoa, &bd->coa))
		b->pending += xfrm_ha_hao(XFRM_HA_MOVE, &bd->hoa, &l->addr,
		    &bd->coa, kr_batch_cb, b);
}

/*
 * Mobile node away: step 1 the tunnel (its ifindex is needed next),
 * step 2 home address, table route, source rule and signalling
 * policies.  At home: everything removed in one step.
 */
static void
kr_mn_step(struct kr_batch *b)
{
	struct kr_mn	*m = &b->u.mn;
	struct kr_key	 k;
	unsigned int	 idx;
	int		 esp = kr_conf->mn.ipsec == IPSEC_REQUIRED;

	b->pending = 1;
	if (b->type == IMSG_KR_MN_AT_HOME) {
		b->step = 0;
		(void)xfrm_mn_ha(0, 1, esp, &m->hoa, &m->ha, &m->coa,
		    kr_ignore_cb, NULL);
		/* The policies of the start again: the deregistration is under ESP. */
		(void)xfrm_mn_ha(1, 1, esp, &m->hoa, &m->ha, NULL, kr_ignore_cb,
		    NULL);
		/* The device takes the address and the table route along. */
		kr_rule_src(0, &m->hoa, 128, KR_MN_TABLE, KR_MN_RULE_PRIO,
		    kr_ignore_cb, NULL);
		if (if_nametoindex(KR_MN_TNL) != 0) {
			b->pending++;
			kr_link_tnl_p2p(0, KR_MN_TNL, NULL, NULL, 0, kr_batch_cb,
			    b);
		}
		/* The home address back on the home interface (ifname). */
		if ((idx = if_nametoindex(m->ifname)) != 0) {
			b->pending++;
			kr_addr(1, &m->hoa, (uint8_t)(m->plen ? m->plen : 128),
			    idx, IFA_F_NODAD, kr_batch_cb, b);
		}
		memset(&k, 0, sizeof(k));
		k.type = KO_LINK;
		strlcpy(k.name, KR_MN_TNL, sizeof(k.name));
		kr_tab_del(&k);
		kr_batch_go(b);
		return;
	}
	switch (b->step) {
	case 0:
		b->step = 1;
		/* Away: the home address leaves the home interface. */
		idx = if_nametoindex(kr_conf->mn.home_ifname[0] != '\0' ?
		    kr_conf->mn.home_ifname : kr_conf->mn.nifs > 0 ?
		    kr_conf->mn.ifs[0].ifname : "");
		if (idx != 0 && m->plen > 0 && m->plen < 128) {
			struct in6_addr	 pfx = m->hoa;
			unsigned int	 bit;

			kr_addr(0, &m->hoa, (uint8_t)m->plen, idx, 0,
			    kr_ignore_cb, NULL);
			/* The home prefix is on-link no more (RA, addresses). */
			for (bit = m->plen; bit < 128; bit++)
				pfx.s6_addr[bit / 8] &=
				    (uint8_t)~(0x80 >> (bit % 8));
			kr_route_del_any(&pfx, (uint8_t)m->plen, NULL, idx,
			    kr_ignore_cb, NULL);
			kr_route_del_any(&pfx, (uint8_t)m->plen, NULL, idx,
			    kr_ignore_cb, NULL);
		}
		b->pending++;
		kr_link_tnl_p2p(1, KR_MN_TNL, &m->coa, &m->ha,
		    if_nametoindex(m->ifname), kr_batch_cb, b);
		memset(&k, 0, sizeof(k));
		k.type = KO_LINK;
		strlcpy(k.name, KR_MN_TNL, sizeof(k.name));
		kr_tab_add(&k, &m->coa, b->role);
		break;
	case 1:
		b->step = 0;
		idx = if_nametoindex(KR_MN_TNL);
		b->pending += 2;
		kr_addr(1, &m->hoa, 128, idx, IFA_F_HOMEADDRESS | IFA_F_NODAD,
		    kr_batch_cb, b);
		kr_route_dev(1, &in6addr_any, 0, KR_MN_TABLE, idx, kr_batch_cb,
		    b);
		/* EEXIST on a move: the rule is there already. */
		kr_rule_src(1, &m->hoa, 128, KR_MN_TABLE, KR_MN_RULE_PRIO,
		    kr_ignore_cb, NULL);
		b->pending += xfrm_mn_ha(1, 1, esp, &m->hoa, &m->ha, &m->coa,
		    kr_batch_cb, b);
		/* route-optimization: all with a home agent found by DHAAD:
		 * the trigger and its bypass for that home agent now (with
		 * a configured one at the role's start); an update in place
		 * at each move. */
		if (kr_conf->mn.ro == RO_ALL &&
		    IN6_IS_ADDR_UNSPECIFIED(&kr_conf->mn.ha))
			b->pending += xfrm_mn_trigger(1, &m->hoa, &m->ha,
			    kr_batch_cb, b);
		/* A home agent found by DHAAD (check.c: inside the home
		 * prefix): the manual SAs are keyed on its address now. */
		if (esp && kr_conf->mn.has_sa &&
		    IN6_IS_ADDR_UNSPECIFIED(&kr_conf->mn.ha)) {
			/* Made before (a move, or another home agent of the
			 * DHAAD list): NEWSA would fail with EEXIST, and the
			 * inbound one names the home agent in its selector. */
			(void)xfrm_esp_sa(0, &m->hoa, &m->ha,
			    &kr_conf->mn.sa_out, kr_ignore_cb, NULL);
			(void)xfrm_esp_sa(0, &m->ha, &m->hoa,
			    &kr_conf->mn.sa_in, kr_ignore_cb, NULL);
			b->pending += xfrm_esp_sa(1, &m->hoa, &m->ha,
			    &kr_conf->mn.sa_out, kr_batch_cb, b);
			b->pending += xfrm_esp_sa(1, &m->ha, &m->hoa,
			    &kr_conf->mn.sa_in, kr_batch_cb, b);
		}
		memset(&k, 0, sizeof(k));
		k.type = KO_ADDR;
		k.a = m->hoa;
		k.plen = 128;
		k.ifindex = idx;
		kr_tab_add(&k, NULL, b->role);
		memset(&k, 0, sizeof(k));
		k.type = KO_RULE;
		k.a = m->hoa;
		k.plen = 128;
		k.ifindex = KR_MN_TABLE;
		k.proto = KR_MN_RULE_PRIO;
		kr_tab_add(&k, NULL, b->role);
		break;
	}
	kr_batch_go(b);
}

/* Default routes of other routers on one interface (IMSG_KR_MN_ROUTER). */
#define KR_MAX_STALE	8
struct kr_stale {
	unsigned int	 ifindex;
	struct in6_addr	 keep;
	struct in6_addr	 gw[KR_MAX_STALE];
	size_t		 n;
};

static void
kr_stale1(const struct nlmsghdr *nlh, void *arg)
{
	struct kr_stale	*st = arg;
	struct rtmsg	*rtm = nlmsg_data(nlh);
	struct nlattr	*tb[RTA_MAX + 1];
	struct in6_addr	 gw;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET6 ||
	    rtm->rtm_dst_len != 0 || rtm->rtm_protocol != RTPROT_RA ||
	    nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*rtm), tb, RTA_MAX,
	    NULL) < 0 || tb[RTA_GATEWAY] == NULL || tb[RTA_OIF] == NULL ||
	    nla_len(tb[RTA_GATEWAY]) != (int)sizeof(gw) ||
	    nla_get_u32(tb[RTA_OIF]) != st->ifindex)
		return;
	memcpy(&gw, nla_data(tb[RTA_GATEWAY]), sizeof(gw));
	if (memcmp(&gw, &st->keep, sizeof(gw)) != 0 && st->n < KR_MAX_STALE)
		st->gw[st->n++] = gw;
}

static void
kr_mn_router(struct kr_batch *b, const struct kr_mn_router *r)
{
	struct kr_stale	 st;
	struct rtmsg	 rtm;
	struct nl_msg	*msg;
	size_t		 i;

	memset(&st, 0, sizeof(st));
	if ((st.ifindex = if_nametoindex(r->ifname)) == 0) {
		b->error = ENODEV;
		return;
	}
	st.keep = r->router;
	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = AF_INET6;
	if ((msg = nlmsg_alloc_simple(RTM_GETROUTE, 0)) == NULL ||
	    nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) != 0) {
		if (msg != NULL)
			nlmsg_free(msg);
		b->error = ENOMEM;
		return;
	}
	if ((b->error = kr_nl_dump(NETLINK_ROUTE, msg, kr_stale1, &st)) != 0)
		return;
	for (i = 0; i < st.n; i++) {
		b->pending++;
		kr_route_del_any(&in6addr_any, 0, &st.gw[i], st.ifindex,
		    kr_batch_cb, b);
	}
	/* Away: the home prefix learnt on this interface while it was on
	 * the home link is not on-link here (a DHAAD request to the Home
	 * Agents anycast address would be resolved on the foreign link). */
	if (r->away && kr_conf->mn.hoa_plen > 0 && kr_conf->mn.hoa_plen < 128) {
		struct in6_addr	 pfx = kr_conf->mn.hoa;
		unsigned int	 bit;

		for (bit = kr_conf->mn.hoa_plen; bit < 128; bit++)
			pfx.s6_addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
		kr_route_del_any(&pfx, (uint8_t)kr_conf->mn.hoa_plen, NULL,
		    st.ifindex, kr_ignore_cb, NULL);
		kr_route_del_any(&pfx, (uint8_t)kr_conf->mn.hoa_plen, NULL,
		    st.ifindex, kr_ignore_cb, NULL);
	}
}

static void
kr_show1(const struct kr_obj *o, void *arg)
{
	struct kr_show_obj	 so;

	memset(&so, 0, sizeof(so));
	kr_obj_format(o, so.line, sizeof(so.line));
	if (kr_show != NULL)
		kr_show(*(uint32_t *)arg, &so, kr_reply_arg);
}

static int
kr_window_full(void)
{
	return kr_route.nwaiting + kr_route.ninflight + kr_xfrm.nwaiting +
	    kr_xfrm.ninflight >= KR_REQ_WINDOW;
}

/* Build and queue a request's netlink messages. */
static void
kr_batch_start(struct kr_batch *b)
{
	switch (b->type) {
	case IMSG_KR_BIND_ADD:
	case IMSG_KR_BIND_DEL:
		kr_do_bind(b);
		break;
	case IMSG_KR_PROXY_ADD:
	case IMSG_KR_PROXY_DEL:
		b->pending++;
		kr_proxy(b->type == IMSG_KR_PROXY_ADD, &b->u.proxy.addr,
		    kr_ifindex(b->u.proxy.ifname), kr_batch_cb, b);
		break;
	case IMSG_KR_RO_ADD:
	case IMSG_KR_RO_DEL:
		b->pending += xfrm_ro(b->type == IMSG_KR_RO_ADD,
		    b->u.ro.flags == KR_RO_MN, &b->u.ro.hoa, &b->u.ro.coa,
		    &b->u.ro.peer, kr_batch_cb, b);
		break;
	case IMSG_KR_MN_HOME:
	case IMSG_KR_MN_AT_HOME:
		b->step = 0;
		b->pending = 0;
		kr_mn_step(b);
		return;
	case IMSG_KR_MN_ROUTER:
		kr_mn_router(b, &b->u.router);
		break;
	}
	kr_batch_go(b);
}

int
kr_req_dispatch(uint32_t role, uint32_t type, uint32_t reqid,
    const void *data, size_t len)
{
	struct kr_batch	*b;
	char		 why[256];
	size_t		 count = 0;
	enum kr_verdict	 v;

	if (kr_init() == -1) {
		if (kr_reply != NULL)
			kr_reply(role, reqid, type, errno, kr_reply_arg);
		return 0;
	}
	if (role < ROLE_MAX)
		count = role == ROLE_HA ? kr_tab_count(KO_RTCHECK) :
		    kr_nro[role];
	v = kr_check(kr_conf, role, type, data, len, count, why, sizeof(why));
	if (v == KR_MALFORMED) {
		log_warnx("%s: malformed request: %s",
		    role < ROLE_MAX ? conf_role_name(role) : "?", why);
		return -1;
	}
	if (v == KR_DENIED) {
		log_warnx("%s: request refused: %s", conf_role_name(role), why);
		if (kr_reply != NULL)
			kr_reply(role, reqid, type, EPERM, kr_reply_arg);
		return 0;
	}
	if (type == IMSG_KR_SHOW) {
		kr_tab_foreach(kr_show1, &role);
		if (kr_reply != NULL)
			kr_reply(role, reqid, type, 0, kr_reply_arg);
		return 0;
	}
	if (type == IMSG_KR_SUBSCRIBE) {
		kr_subs[role] = ((const struct kr_subscribe *)data)->mask;
		/* The state so far, before the reply: the role starts from it. */
		if (kr_ev_dump(kr_subs[role] & (KR_SUB_LINK | KR_SUB_ADDR)) != 0)
			log_warnx("%s: kernel event dump failed",
			    conf_role_name(role));
		if (kr_reply != NULL)
			kr_reply(role, reqid, type, 0, kr_reply_arg);
		return 0;
	}
	if ((b = kr_batch_new(role, reqid, type)) == NULL) {
		if (kr_reply != NULL)
			kr_reply(role, reqid, type, ENOMEM, kr_reply_arg);
		return 0;
	}
	memcpy(&b->u, data, len);
	/* In order: behind those waiting already. */
	if (!TAILQ_EMPTY(&kr_defer) || kr_window_full()) {
		TAILQ_INSERT_TAIL(&kr_defer, b, entry);
		return 0;
	}
	kr_batch_start(b);
	return 0;
}

void
kr_req_run(void)
{
	struct kr_batch	*b;

	while ((b = TAILQ_FIRST(&kr_defer)) != NULL && !kr_window_full()) {
		TAILQ_REMOVE(&kr_defer, b, entry);
		kr_batch_start(b);
	}
}

/* A role went: what it asked and did not start yet goes unanswered. */
static void
kr_defer_drop(uint32_t role)
{
	struct kr_batch	*b, *next;

	for (b = TAILQ_FIRST(&kr_defer); b != NULL; b = next) {
		next = TAILQ_NEXT(b, entry);
		if (b->role == role) {
			TAILQ_REMOVE(&kr_defer, b, entry);
			free(b);
		}
	}
}

static void
kr_start_cb(void *arg, int error)
{
	int	*err = arg;

	if (error != 0 && error != EEXIST && *err == 0)
		*err = error;
}

uint32_t
kr_ro_owner(const struct in6_addr *hoa)
{
	if (kr_conf != NULL && conf_role_enabled(kr_conf, ROLE_MN) &&
	    memcmp(hoa, &kr_conf->mn.hoa, sizeof(*hoa)) == 0)
		return KR_RO_MN;
	return KR_RO_CN;
}

int
kr_ro_keep(const struct in6_addr *a, const struct in6_addr *b)
{
	if (kr_conf == NULL || !kr_conf->persist_bindings ||
	    !conf_role_enabled(kr_conf, ROLE_SIG) ||
	    IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_UNSPECIFIED(b))
		return 0;
	return kr_ro_owner(a) == KR_RO_CN && kr_ro_owner(b) == KR_RO_CN;
}

int
kr_role_start(uint32_t role)
{
	const struct mip6_conf	*c = kr_conf;
	size_t			 i;
	int			 err = 0, esp;
	unsigned int		 tnl;

	if (kr_init() == -1)
		return errno;
	switch (role) {
	case ROLE_HA:
		kr_ifindex_flush();
		esp = c->ha.ipsec == IPSEC_REQUIRED;
		if (if_nametoindex(KR_HA_TNL) == 0)
			kr_link_tnl_external(1, KR_HA_TNL, kr_start_cb, &err);
		else
			kr_link_set_up(KR_HA_TNL, 1, kr_start_cb, &err);
		kr_wait();
		if (err != 0)
			return err;
		if ((tnl = if_nametoindex(KR_HA_TNL)) == 0)
			return ENODEV;
		/* Room for every binding twice: a move adds the new pair
		 * before the old one goes (all bindings moving at once). */
		if (rtcheck_attach(tnl, c->ha.max_bindings * 2) == -1)
			return errno;
		/* proxy-nd: daemon: mip6-ha answers, proxy_ndp not needed. */
		kr_nd_daemon = c->ha.proxy_nd == PROXY_ND_DAEMON;
		for (i = 0; !kr_nd_daemon && i < c->ha.nlinks; i++) {
			/* Proxy ND answers only with proxy_ndp on. */
			if (kr_sysctl_if(c->ha.links[i].ifname, "proxy_ndp",
			    "1") == -1)
				log_warn("proxy_ndp on %s",
				    c->ha.links[i].ifname);
		}
		(void)kr_sysctl_if("all", "forwarding", "1");
		xfrm_hao_accept(1, kr_start_cb, &err);
		for (i = 0; i < c->ha.nmns; i++) {
			const struct conf_mn	*m = &c->ha.mns[i];
			const struct in6_addr	*ha = &c->ha.links[0].addr;

			if (c->ha.nlinks == 0)
				break;
			xfrm_mn_ha(1, 0, esp, &m->hoa, ha, NULL, kr_start_cb,
			    &err);
			if (esp && m->has_sa) {
				xfrm_esp_sa(1, &m->hoa, ha, &m->sa_in,
				    kr_start_cb, &err);
				xfrm_esp_sa(1, ha, &m->hoa, &m->sa_out,
				    kr_start_cb, &err);
			}
		}
		break;
	case ROLE_MN:
		esp = c->mn.ipsec == IPSEC_REQUIRED;
		/*
		 * Optimistic DAD (RFC 4429): a new care-of address is usable
		 * at once, the BU does not wait a DAD round.  Best effort (a
		 * kernel without CONFIG_IPV6_OPTIMISTIC_DAD has no such key).
		 */
		for (i = 0; i < c->mn.nifs; i++)
			if (kr_sysctl_if(c->mn.ifs[i].ifname, "optimistic_dad",
			    "1") == -1 || kr_sysctl_if(c->mn.ifs[i].ifname,
			    "use_optimistic", "1") == -1)
				log_debug("optimistic DAD on %s: %s",
				    c->mn.ifs[i].ifname, strerror(errno));
		/* At home: BU and BA protected, no option. */
		/* With home-agent: dhaad these wait for IMSG_KR_MN_HOME. */
		if (IN6_IS_ADDR_UNSPECIFIED(&c->mn.ha))
			break;
		/* route-optimization: all: the correspondents are found by
		 * the traffic from the home address (XFRM acquire). */
		if (c->mn.ro == RO_ALL)
			xfrm_mn_trigger(1, &c->mn.hoa, &c->mn.ha, kr_start_cb,
			    &err);
		xfrm_mn_ha(1, 1, esp, &c->mn.hoa, &c->mn.ha, NULL, kr_start_cb,
		    &err);
		if (esp && c->mn.has_sa) {
			xfrm_esp_sa(1, &c->mn.hoa, &c->mn.ha, &c->mn.sa_out,
			    kr_start_cb, &err);
			xfrm_esp_sa(1, &c->mn.ha, &c->mn.hoa, &c->mn.sa_in,
			    kr_start_cb, &err);
		}
		break;
	case ROLE_SIG:
		xfrm_hao_accept(1, kr_start_cb, &err);
		break;
	}
	kr_wait();
	return err;
}

int
kr_probe_conf(const struct mip6_conf *c, char *err, size_t errlen)
{
	int	 mask = 0;

	if (conf_role_enabled(c, ROLE_HA))
		mask |= PROBE_HA | (c->ha.ipsec == IPSEC_REQUIRED ?
		    PROBE_IPSEC : 0);
	if (conf_role_enabled(c, ROLE_MN))
		mask |= PROBE_MN | (c->mn.ipsec == IPSEC_REQUIRED ?
		    PROBE_IPSEC : 0);
	if (conf_role_enabled(c, ROLE_SIG))
		mask |= PROBE_SIG;
	return kr_probe(mask, err, errlen);
}

/*
 * A role died: remove what it asked for (its bindings, route-optimization
 * states, the mobile node's tunnel).  What the parent set up for the role
 * at start (the home agent's tunnel and check) stays for its restart.
 */
static void
kr_forget1(const struct kr_obj *o, void *arg)
{
	uint32_t		 role = *(uint32_t *)arg;
	const struct kr_key	*k = &o->key;
	struct kr_key		 dk = *k;

	if (o->role != role)
		return;
	switch (k->type) {
	case KO_ROUTE:
		if (!IN6_IS_ADDR_UNSPECIFIED(&o->coa)) {
			kr_route_encap(0, &k->a, (uint8_t)k->plen, NULL, NULL, 0,
			    kr_ignore_cb, NULL);
			if (role == ROLE_HA)
				kr_ha_hao_del(&k->a);
		}
		break;
	case KO_PROXY:
		kr_proxy(0, &k->a, k->ifindex, kr_ignore_cb, NULL);
		break;
	case KO_RTCHECK:
		(void)rtcheck_del(&o->coa, &k->a);
		break;
	case KO_XSTATE:
		if (k->proto == KR_RO_MN || k->proto == KR_RO_CN) {
			(void)xfrm_ro(0, k->proto == KR_RO_MN, &k->a, &o->coa,
			    &k->b, kr_ignore_cb, NULL);
			if (role < ROLE_MAX && kr_nro[role] > 0)
				kr_nro[role]--;
		}
		break;
	case KO_RULE:
		kr_rule_src(0, &k->a, (uint8_t)k->plen, k->ifindex, k->proto,
		    kr_ignore_cb, NULL);
		break;
	case KO_LINK:
		kr_link_tnl_p2p(0, k->name, NULL, NULL, 0, kr_ignore_cb, NULL);
		break;
	default:
		break;
	}
	kr_tab_del(&dk);
}

void
kr_role_forget(uint32_t role)
{
	kr_defer_drop(role);
	kr_tab_foreach(kr_forget1, &role);
	if (role < ROLE_MAX)
		kr_subs[role] = 0;
	kr_flush();
}

/*
 * persist-bindings: the objects that carry a role's bindings (the home
 * agent's tunnel route, proxy ND entry and reverse-tunnel pair) outlive
 * the role, so traffic keeps flowing while it restarts.
 */
static int
kr_is_binding(uint32_t role, const struct kr_obj *o)
{
	/* The correspondent's: a binding's route-optimization states. */
	if (role == ROLE_SIG)
		return o->key.type == KO_XSTATE && o->key.proto == KR_RO_CN;
	if (role != ROLE_HA)
		return 0;
	switch (o->key.type) {
	case KO_ROUTE:
		return !IN6_IS_ADDR_UNSPECIFIED(&o->coa);
	case KO_PROXY:
	case KO_RTCHECK:
		return 1;
	default:
		return 0;
	}
}

static void
kr_orphan1(const struct kr_obj *o, void *arg)
{
	uint32_t	 role = *(uint32_t *)arg;

	if (o->role != role)
		return;
	if (kr_is_binding(role, o))
		((struct kr_obj *)o)->adopted = 1;
	else
		kr_forget1(o, arg);
}

void
kr_role_orphan(uint32_t role)
{
	kr_defer_drop(role);
	kr_tab_foreach(kr_orphan1, &role);
	if (role < ROLE_MAX)
		kr_subs[role] = 0;
	kr_flush();
}

static void
kr_adopt_end1(const struct kr_obj *o, void *arg)
{
	uint32_t	 role = *(uint32_t *)arg, owner = role;
	char		 line[512];

	if ((o->role != role && o->role != KR_ROLE_NONE) || !o->adopted ||
	    !kr_is_binding(role, o))
		return;
	kr_obj_format(o, line, sizeof(line));
	log_info("%s: no binding for %s: removed", conf_role_name(role),
	    line);
	/* What the sweep found is the role's to remove now. */
	if (o->role == KR_ROLE_NONE && o->key.type == KO_XSTATE &&
	    role < ROLE_MAX)
		kr_nro[role]++;		/* kr_forget1 counts it out */
	((struct kr_obj *)o)->role = role;
	kr_forget1(o, &owner);
}

size_t
kr_role_adopt_end(uint32_t role)
{
	size_t	 before, after;

	/* The claims (IMSG_KR_BIND_ADD) are recorded when the kernel answers. */
	kr_wait();
	before = kr_tab_count(0);
	kr_tab_foreach(kr_adopt_end1, &role);
	after = kr_tab_count(0);
	kr_flush();
	return before - after;
}
