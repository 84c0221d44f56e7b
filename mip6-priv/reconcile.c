/*
 * Our kernel objects: the table of what we installed, and the sweep that
 * finds objects by their marks (kernel.h, xfrm.h) at start and at stop.
 * The sweep is what guarantees "nothing of ours is left": it does not
 * trust the table, it asks the kernel.
 */
#include <net/if.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef __unused
#define __unused __attribute__((unused))
#endif
#include <bsd/sys/tree.h>
#include <bsd/string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/lwtunnel.h>
#include <linux/neighbour.h>
#include <linux/fib_rules.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "log.h"
#include "kernel.h"
#include "xfrm.h"
#include "rtcheck.h"
#include "reconcile.h"
#include "proto.h"

struct kr_node {
	RB_ENTRY(kr_node)	 entry;
	struct kr_obj		 o;
};

static int
kr_node_cmp(struct kr_node *x, struct kr_node *y)
{
	return memcmp(&x->o.key, &y->o.key, sizeof(x->o.key));
}

RB_HEAD(kr_tree, kr_node);
RB_GENERATE_STATIC(kr_tree, kr_node, entry, kr_node_cmp)

/*
 * Objects other than a home agent binding's (links, rules, addresses,
 * XFRM, route-optimization pairs): a tree, a few dozen at most.
 */
static struct kr_tree	 kr_tab = RB_INITIALIZER(&kr_tab);
static size_t		 kr_tab_n[KO_XPOLICY + 1];
static int		 kr_tab_adopting;	/* the sweep is recording */

/*
 * A home agent binding's three objects (its tunnel route, proxy ND entry
 * and reverse-tunnel check pair) are one record keyed by the home
 * address: 56 octets in one array, found through an open-addressing
 * index of 4-octet slots (issue 9: three tree nodes of ~130 octets each,
 * allocated among the burst's netlink messages, made most of mip6-priv's
 * 1.4 KB per binding).  A key the record cannot hold (a second proxy
 * entry of the same address on another link, a route of another shape)
 * goes to the tree; the table's semantics are the tree's.
 */
#define KB_ROUTE	0
#define KB_PROXY	1
#define KB_CHECK	2
#define KB_NOBJ		3
#define KB_ROLE_NONE	0xff	/* KR_ROLE_NONE in a record */

struct kr_brec {
	struct in6_addr	 hoa;
	struct in6_addr	 coa;		/* the route's encapsulation dst */
	struct in6_addr	 ccoa;		/* the check pair's care-of */
	uint32_t	 ifindex;	/* the proxy entry's link; free: next */
	uint8_t		 role[KB_NOBJ];
	uint8_t		 flags;		/* bit i: object i present,
					   bit 4 + i: adopted */
};

static struct kr_brec	*kb_rec;	/* records, dense; freed ones listed */
static uint32_t		 kb_cap, kb_used, kb_free = UINT32_MAX;
static uint32_t		*kb_idx;	/* record index + 1; 0 empty */
static uint32_t		 kb_mask;	/* slots - 1 (a power of two) */
static uint32_t		 kb_live;	/* records in use */
static struct kr_obj	 kb_found;	/* what kr_tab_find returns for one */

static const uint32_t	 kb_type[KB_NOBJ] = { KO_ROUTE, KO_PROXY, KO_RTCHECK };
static const char	 kb_tnl[IF_NAMESIZE] = KR_HA_TNL;

/* Which object of a record k names, or -1 for the tree. */
static int
kb_which(const struct kr_key *k)
{
	static const struct in6_addr	 any;
	static const char		 noname[IF_NAMESIZE];

	if (memcmp(&k->b, &any, sizeof(any)) != 0 || k->proto != 0)
		return -1;
	switch (k->type) {
	case KO_ROUTE:
		return k->plen == 128 && k->ifindex == 0 &&
		    memcmp(k->name, kb_tnl, sizeof(kb_tnl)) == 0 ?
		    KB_ROUTE : -1;
	case KO_PROXY:
		return k->plen == 0 && k->ifindex != 0 &&
		    memcmp(k->name, noname, sizeof(noname)) == 0 ?
		    KB_PROXY : -1;
	case KO_RTCHECK:
		return k->plen == 0 && k->ifindex == 0 &&
		    memcmp(k->name, noname, sizeof(noname)) == 0 ?
		    KB_CHECK : -1;
	default:
		return -1;
	}
}

static uint32_t
kb_hash(const struct in6_addr *a)
{
	uint32_t	 w[4];
	uint64_t	 h;

	memcpy(w, a, sizeof(w));
	h = ((uint64_t)(w[0] ^ w[2]) << 32 | (w[1] ^ w[3])) *
	    0x9e3779b97f4a7c15ULL;
	return (uint32_t)(h >> 32);
}

/* The slot that holds hoa's record, or the empty slot where it goes. */
static uint32_t
kb_slot(const struct in6_addr *hoa)
{
	uint32_t	 i = kb_hash(hoa) & kb_mask;

	while (kb_idx[i] != 0 &&
	    memcmp(&kb_rec[kb_idx[i] - 1].hoa, hoa, sizeof(*hoa)) != 0)
		i = (i + 1) & kb_mask;
	return i;
}

static struct kr_brec *
kb_find(const struct in6_addr *hoa)
{
	uint32_t	 i;

	if (kb_idx == NULL)
		return NULL;
	i = kb_slot(hoa);
	return kb_idx[i] ? &kb_rec[kb_idx[i] - 1] : NULL;
}

/* Index at most 3/4 full: twice the slots, every record placed again. */
static int
kb_grow_index(void)
{
	uint32_t	*old = kb_idx, oldn = kb_idx ? kb_mask + 1 : 0;
	uint32_t	 n = oldn ? oldn * 2 : 64, i;

	if ((kb_idx = calloc(n, sizeof(*kb_idx))) == NULL) {
		kb_idx = old;
		return -1;
	}
	kb_mask = n - 1;
	for (i = 0; i < oldn; i++)
		if (old[i] != 0)
			kb_idx[kb_slot(&kb_rec[old[i] - 1].hoa)] = old[i];
	free(old);
	return 0;
}

static struct kr_brec *
kb_new(const struct in6_addr *hoa)
{
	struct kr_brec	*r, *nrec;
	uint32_t	 ri, ncap;

	if ((kb_idx == NULL || (uint64_t)(kb_live + 1) * 4 >
	    (uint64_t)(kb_mask + 1) * 3) && kb_grow_index() == -1)
		return NULL;
	if (kb_free != UINT32_MAX) {
		ri = kb_free;
		kb_free = kb_rec[ri].ifindex;
	} else {
		if (kb_used == kb_cap) {
			ncap = kb_cap ? kb_cap + kb_cap / 2 : 64;
			if ((nrec = reallocarray(kb_rec, ncap,
			    sizeof(*nrec))) == NULL)
				return NULL;
			kb_rec = nrec;
			kb_cap = ncap;
		}
		ri = kb_used++;
	}
	r = &kb_rec[ri];
	memset(r, 0, sizeof(*r));
	r->hoa = *hoa;
	kb_idx[kb_slot(hoa)] = ri + 1;
	kb_live++;
	return r;
}

/* The record goes: its slot is emptied and the run after it closed up. */
static void
kb_free_rec(struct kr_brec *r)
{
	uint32_t	 i = kb_slot(&r->hoa), j = i, h, ri;

	ri = kb_idx[i] - 1;
	kb_idx[i] = 0;
	for (;;) {
		j = (j + 1) & kb_mask;
		if (kb_idx[j] == 0)
			break;
		h = kb_hash(&kb_rec[kb_idx[j] - 1].hoa) & kb_mask;
		/* Moves back unless its home slot lies in (i, j]. */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		kb_idx[i] = kb_idx[j];
		kb_idx[j] = 0;
		i = j;
	}
	memset(r, 0, sizeof(*r));
	r->ifindex = kb_free;
	kb_free = ri;
	kb_live--;
}

static void
kb_clear(void)
{
	free(kb_rec);
	free(kb_idx);
	kb_rec = NULL;
	kb_idx = NULL;
	kb_cap = kb_used = kb_live = kb_mask = 0;
	kb_free = UINT32_MAX;
}

/* Object w of record r as the tree would hold it. */
static void
kb_obj(const struct kr_brec *r, int w, struct kr_obj *o)
{
	memset(o, 0, sizeof(*o));
	o->key.type = kb_type[w];
	o->key.a = r->hoa;
	switch (w) {
	case KB_ROUTE:
		o->key.plen = 128;
		strlcpy(o->key.name, KR_HA_TNL, sizeof(o->key.name));
		o->coa = r->coa;
		break;
	case KB_PROXY:
		o->key.ifindex = r->ifindex;
		break;
	case KB_CHECK:
		o->coa = r->ccoa;
		break;
	}
	o->role = r->role[w] == KB_ROLE_NONE ? KR_ROLE_NONE : r->role[w];
	o->adopted = (r->flags >> (4 + w)) & 1;
}

static int
kr_tab_in_tree(const struct kr_key *k)
{
	struct kr_node	 find;

	find.o.key = *k;
	return RB_FIND(kr_tree, &kr_tab, &find) != NULL;
}

/* 1: the record took it; 0: the tree's. */
static int
kb_add(const struct kr_key *k, const struct in6_addr *coa, uint32_t role)
{
	struct kr_brec	*r;
	int		 w = kb_which(k);

	if (w == -1 || (role != KR_ROLE_NONE && role >= KB_ROLE_NONE))
		return 0;
	if ((r = kb_find(&k->a)) != NULL && w == KB_PROXY &&
	    (r->flags & (1 << KB_PROXY)) && r->ifindex != k->ifindex)
		return 0;	/* another link's entry: the tree's */
	if (w == KB_PROXY && kr_tab_in_tree(k))
		return 0;	/* there since the record held another */
	if (r == NULL && (r = kb_new(&k->a)) == NULL) {
		log_warn("%s", __func__);
		return 1;
	}
	if (!(r->flags & (1 << w)))
		kr_tab_n[k->type]++;
	r->flags |= 1 << w;
	if (w == KB_PROXY)
		r->ifindex = k->ifindex;
	else if (w == KB_ROUTE)
		r->coa = coa ? *coa : in6addr_any;
	else
		r->ccoa = coa ? *coa : in6addr_any;
	r->role[w] = role == KR_ROLE_NONE ? KB_ROLE_NONE : (uint8_t)role;
	if (kr_tab_adopting)
		r->flags |= 1 << (4 + w);
	else
		r->flags &= ~(1 << (4 + w));
	return 1;
}

/* The record holding k's object, or NULL. */
static struct kr_brec *
kb_lookup(const struct kr_key *k, int *wp)
{
	struct kr_brec	*r;
	int		 w = kb_which(k);

	if (w == -1 || (r = kb_find(&k->a)) == NULL ||
	    !(r->flags & (1 << w)) ||
	    (w == KB_PROXY && r->ifindex != k->ifindex))
		return NULL;
	*wp = w;
	return r;
}

void
kr_tab_add(const struct kr_key *k, const struct in6_addr *coa, uint32_t role)
{
	struct kr_node	*n, *old;

	if (kr_tab_adopting)
		role = KR_ROLE_NONE;
	if (kb_add(k, coa, role))
		return;
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		log_warn("%s", __func__);
		return;
	}
	n->o.key = *k;
	if (coa != NULL)
		n->o.coa = *coa;
	n->o.role = role;
	n->o.adopted = kr_tab_adopting;
	if ((old = RB_INSERT(kr_tree, &kr_tab, n)) != NULL) {
		old->o.coa = n->o.coa;
		old->o.role = n->o.role;
		old->o.adopted = kr_tab_adopting;
		free(n);
		return;
	}
	if (k->type <= KO_XPOLICY)
		kr_tab_n[k->type]++;
}

/* A record's object: a copy, valid until the next call. */
struct kr_obj *
kr_tab_find(const struct kr_key *k)
{
	struct kr_node	 find, *n;
	struct kr_brec	*r;
	int		 w;

	if ((r = kb_lookup(k, &w)) != NULL) {
		kb_obj(r, w, &kb_found);
		return &kb_found;
	}
	find.o.key = *k;
	n = RB_FIND(kr_tree, &kr_tab, &find);
	return n ? &n->o : NULL;
}

void
kr_tab_del(const struct kr_key *k)
{
	struct kr_node	 find, *n;
	struct kr_brec	*r;
	int		 w;

	if ((r = kb_lookup(k, &w)) != NULL) {
		r->flags &= ~(1 << w | 1 << (4 + w));
		kr_tab_n[k->type]--;
		if ((r->flags & ((1 << KB_NOBJ) - 1)) == 0)
			kb_free_rec(r);
		return;
	}
	find.o.key = *k;
	if ((n = RB_FIND(kr_tree, &kr_tab, &find)) == NULL)
		return;
	RB_REMOVE(kr_tree, &kr_tab, n);
	if (k->type <= KO_XPOLICY)
		kr_tab_n[k->type]--;
	free(n);
}

size_t
kr_tab_count(uint32_t type)
{
	size_t	 i, n = 0;

	if (type != 0)
		return type <= KO_XPOLICY ? kr_tab_n[type] : 0;
	for (i = 0; i <= KO_XPOLICY; i++)
		n += kr_tab_n[i];
	return n;
}

/*
 * fn on every record's objects of one type.  fn sees a copy: what it
 * changes (role, adopted) is written back unless it deleted the object.
 */
static void
kb_foreach(int w, void (*fn)(const struct kr_obj *, void *), void *arg)
{
	struct kr_obj	 o;
	struct kr_brec	*r;
	uint32_t	 i;

	for (i = 0; i < kb_used; i++) {
		r = &kb_rec[i];
		if (!(r->flags & (1 << w)))
			continue;
		kb_obj(r, w, &o);
		fn(&o, arg);
		/* fn may have deleted it (and the record with it). */
		if (!(r->flags & (1 << w)) ||
		    memcmp(&r->hoa, &o.key.a, sizeof(r->hoa)) != 0)
			continue;
		r->role[w] = o.role == KR_ROLE_NONE || o.role >= KB_ROLE_NONE ?
		    KB_ROLE_NONE : (uint8_t)o.role;
		r->flags = (uint8_t)((r->flags & ~(1 << (4 + w))) |
		    (o.adopted ? 1 << (4 + w) : 0));
	}
}

/* In the tree's order: by type, a type's records after its tree nodes. */
void
kr_tab_foreach(void (*fn)(const struct kr_obj *, void *), void *arg)
{
	struct kr_node	*n, *next;
	int		 w = 0;

	RB_FOREACH_SAFE(n, kr_tree, &kr_tab, next) {
		for (; w < KB_NOBJ && kb_type[w] < n->o.key.type; w++)
			kb_foreach(w, fn, arg);
		fn(&n->o, arg);
	}
	for (; w < KB_NOBJ; w++)
		kb_foreach(w, fn, arg);
}

/* Everything out of the table (the kernel objects stay). */
static void
kr_tab_clear(void)
{
	struct kr_node	*n, *next;

	RB_FOREACH_SAFE(n, kr_tree, &kr_tab, next) {
		RB_REMOVE(kr_tree, &kr_tab, n);
		free(n);
	}
	kb_clear();
	memset(kr_tab_n, 0, sizeof(kr_tab_n));
}

static const char *
kr_proto_name(uint32_t p)
{
	switch (p) {
	case IPPROTO_ROUTING:
		return "route2";
	case IPPROTO_DSTOPTS:
		return "hao";
	case IPPROTO_ESP:
		return "esp";
	default:
		return "?";
	}
}

int
kr_obj_format(const struct kr_obj *o, char *buf, size_t len)
{
	char		 a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	char		 c[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];
	const struct kr_key *k = &o->key;

	inet_ntop(AF_INET6, &k->a, a, sizeof(a));
	inet_ntop(AF_INET6, &k->b, b, sizeof(b));
	inet_ntop(AF_INET6, &o->coa, c, sizeof(c));
	if (if_indextoname(k->ifindex, ifn) == NULL)
		snprintf(ifn, sizeof(ifn), "if%u", k->ifindex);
	switch (k->type) {
	case KO_LINK:
		return snprintf(buf, len, "link %s", k->name);
	case KO_ROUTE:
		if (!IN6_IS_ADDR_UNSPECIFIED(&o->coa))
			return snprintf(buf, len, "route %s/%u encap ip6 dst %s "
			    "dev %s", a, k->plen, c, k->name);
		return snprintf(buf, len, "route %s/%u table %u dev %s", a,
		    k->plen, k->ifindex, k->name);
	case KO_RULE:
		return snprintf(buf, len, "rule from %s/%u lookup %u pref %u",
		    a, k->plen, k->ifindex, k->proto);
	case KO_ADDR:
		return snprintf(buf, len, "address %s/%u dev %s", a, k->plen,
		    ifn);
	case KO_PROXY:
		return snprintf(buf, len, "proxy %s dev %s", a, ifn);
	case KO_RTCHECK:
		return snprintf(buf, len, "rtcheck coa %s hoa %s", c, a);
	case KO_XSTATE:
		/* A route-optimization entry (kreq.c): proto holds KR_RO_*. */
		if (k->proto == KR_RO_MN || k->proto == KR_RO_CN)
			return snprintf(buf, len, "ro hoa %s peer %s coa %s as %s",
			    a, b, c, k->proto == KR_RO_MN ? "mn" : "cn");
		return snprintf(buf, len, "xfrm state src %s dst %s proto %s "
		    "coa %s", a, b, kr_proto_name(k->proto), c);
	case KO_XPOLICY:
		return snprintf(buf, len, "xfrm policy src %s dst %s dir %s%s",
		    a, b, k->ifindex == XFRM_POLICY_IN ? "in" : "out",
		    k->proto ? (k->proto - 1 == 5 ? " mh BU" : " mh BA") : "");
	default:
		return snprintf(buf, len, "unknown %u", k->type);
	}
}

static void
kr_tab_print1(const struct kr_obj *o, void *arg)
{
	char	 line[512];

	kr_obj_format(o, line, sizeof(line));
	fprintf(arg, "%s\n", line);
}

void
kr_tab_print(FILE *fp)
{
	kr_tab_foreach(kr_tab_print1, fp);
}

/* The sweep. */

/* adopt: 0 remove, 1 adopt, KR_SWEEP_KEEP remove all but the bindings. */
#define KR_SWEEP_KEEP	2

struct kr_sweep {
	int		 adopt;
	int		 found;
	int		 kept;
	struct kr_nl	*nl;
};

static void
kr_sweep_cb(void *arg, int error)
{
	/* Gone already (a device took its routes with it): fine. */
	if (error != 0 && error != ENOENT && error != ESRCH &&
	    error != ENODEV && error != EADDRNOTAVAIL)
		log_warnx("kernel sweep: delete: %s", strerror(error));
}

/* Send a copy of nlh with a new type and flags. */
static void
kr_sweep_del(struct kr_nl *nl, const struct nlmsghdr *nlh, int type)
{
	struct nl_msg	*msg;

	if ((msg = nlmsg_alloc_simple(type, 0)) == NULL)
		return;
	if (nlmsg_append(msg, nlmsg_data(nlh), nlmsg_datalen(nlh),
	    NLMSG_ALIGNTO) != 0) {
		nlmsg_free(msg);
		return;
	}
	kr_nl_send(nl, msg, kr_sweep_cb, NULL);
}

static void
kr_sweep_route(const struct nlmsghdr *nlh, void *arg)
{
	struct kr_sweep		*sw = arg;
	struct rtmsg		*rtm = nlmsg_data(nlh);
	struct nlattr		*tb[RTA_MAX + 1], *en[LWTUNNEL_IP6_MAX + 1];
	struct kr_key		 k;
	struct in6_addr		 coa;

	if (rtm->rtm_protocol != KR_RTPROT || rtm->rtm_family != AF_INET6)
		return;
	sw->found++;
	if (sw->adopt == KR_SWEEP_KEEP) {
		/* A binding's tunnel route carries an encapsulation. */
		if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*rtm), tb,
		    RTA_MAX, NULL) < 0 || tb[RTA_ENCAP] == NULL)
			kr_sweep_del(sw->nl, nlh, RTM_DELROUTE);
		else
			sw->kept++;
		return;
	}
	if (!sw->adopt) {
		kr_sweep_del(sw->nl, nlh, RTM_DELROUTE);
		return;
	}
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*rtm), tb, RTA_MAX,
	    NULL) < 0)
		return;
	memset(&k, 0, sizeof(k));
	memset(&coa, 0, sizeof(coa));
	k.type = KO_ROUTE;
	k.plen = rtm->rtm_dst_len;
	if (tb[RTA_DST] && nla_len(tb[RTA_DST]) == sizeof(k.a))
		memcpy(&k.a, nla_data(tb[RTA_DST]), sizeof(k.a));
	if (tb[RTA_ENCAP] && nla_parse_nested(en, LWTUNNEL_IP6_MAX,
	    tb[RTA_ENCAP], NULL) == 0 && en[LWTUNNEL_IP6_DST] &&
	    nla_len(en[LWTUNNEL_IP6_DST]) == sizeof(coa)) {
		memcpy(&coa, nla_data(en[LWTUNNEL_IP6_DST]), sizeof(coa));
		/* The reverse-tunnel check is rebuilt from these routes. */
		if (rtcheck_add(&coa, &k.a) == 0) {
			struct kr_key	 rk;

			memset(&rk, 0, sizeof(rk));
			rk.type = KO_RTCHECK;
			rk.a = k.a;
			kr_tab_add(&rk, &coa, 0);
		}
		strlcpy(k.name, KR_HA_TNL, sizeof(k.name));
	} else {
		k.ifindex = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) :
		    rtm->rtm_table;
		strlcpy(k.name, KR_MN_TNL, sizeof(k.name));
	}
	kr_tab_add(&k, &coa, 0);
}

static void
kr_sweep_rule(const struct nlmsghdr *nlh, void *arg)
{
	struct kr_sweep		*sw = arg;
	struct fib_rule_hdr	*frh = nlmsg_data(nlh);
	struct nlattr		*tb[FRA_MAX + 1];
	struct kr_key		 k;

	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*frh), tb, FRA_MAX,
	    NULL) < 0 || tb[FRA_PROTOCOL] == NULL ||
	    nla_get_u8(tb[FRA_PROTOCOL]) != KR_RTPROT)
		return;
	sw->found++;
	if (!sw->adopt || sw->adopt == KR_SWEEP_KEEP) {
		kr_sweep_del(sw->nl, nlh, RTM_DELRULE);
		return;
	}
	memset(&k, 0, sizeof(k));
	k.type = KO_RULE;
	k.plen = frh->src_len;
	if (tb[FRA_SRC] && nla_len(tb[FRA_SRC]) == sizeof(k.a))
		memcpy(&k.a, nla_data(tb[FRA_SRC]), sizeof(k.a));
	k.ifindex = tb[FRA_TABLE] ? nla_get_u32(tb[FRA_TABLE]) : frh->table;
	k.proto = tb[FRA_PRIORITY] ? nla_get_u32(tb[FRA_PRIORITY]) : 0;
	kr_tab_add(&k, NULL, 0);
}

static void
kr_sweep_neigh(const struct nlmsghdr *nlh, void *arg)
{
	struct kr_sweep		*sw = arg;
	struct ndmsg		*ndm = nlmsg_data(nlh);
	struct nlattr		*tb[NDA_MAX + 1];
	struct kr_key		 k;

	if (!(ndm->ndm_flags & NTF_PROXY) || ndm->ndm_family != AF_INET6)
		return;
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*ndm), tb, NDA_MAX,
	    NULL) < 0 || tb[NDA_PROTOCOL] == NULL ||
	    nla_get_u8(tb[NDA_PROTOCOL]) != KR_RTPROT)
		return;
	sw->found++;
	if (sw->adopt == KR_SWEEP_KEEP) {
		sw->kept++;
		return;
	}
	if (!sw->adopt) {
		kr_sweep_del(sw->nl, nlh, RTM_DELNEIGH);
		return;
	}
	memset(&k, 0, sizeof(k));
	k.type = KO_PROXY;
	if (tb[NDA_DST] && nla_len(tb[NDA_DST]) == sizeof(k.a))
		memcpy(&k.a, nla_data(tb[NDA_DST]), sizeof(k.a));
	k.ifindex = (uint32_t)ndm->ndm_ifindex;
	kr_tab_add(&k, NULL, 0);
}

static void
kr_sweep_link(const struct nlmsghdr *nlh, void *arg)
{
	struct kr_sweep		*sw = arg;
	struct ifinfomsg	*ifi = nlmsg_data(nlh);
	struct nlattr		*tb[IFLA_MAX + 1];
	struct kr_key		 k;
	const char		*name;

	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*ifi), tb, IFLA_MAX,
	    NULL) < 0 || tb[IFLA_IFNAME] == NULL)
		return;
	name = nla_get_string(tb[IFLA_IFNAME]);
	if (strncmp(name, KR_LINK_PREFIX, strlen(KR_LINK_PREFIX)) != 0)
		return;
	sw->found++;
	if (sw->adopt == KR_SWEEP_KEEP && strcmp(name, KR_HA_TNL) == 0)
		return;		/* the bindings' routes go through it */
	if (!sw->adopt || sw->adopt == KR_SWEEP_KEEP) {
		kr_link_del_index((unsigned int)ifi->ifi_index, kr_sweep_cb,
		    NULL);
		return;
	}
	memset(&k, 0, sizeof(k));
	k.type = KO_LINK;
	strlcpy(k.name, name, sizeof(k.name));
	kr_tab_add(&k, NULL, 0);
}

static void
kr_sweep_policy(const struct nlmsghdr *nlh, void *arg)
{
	struct kr_sweep			*sw = arg;
	struct xfrm_userpolicy_info	*p = nlmsg_data(nlh);
	struct xfrm_userpolicy_id	 id;
	struct nl_msg			*msg;
	struct kr_key			 k;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*p)) ||
	    !XFRM_IS_OURS_PRIO(p->priority))
		return;
	sw->found++;
	/*
	 * A home agent binding's Home Address option policy (xfrm_ha_hao)
	 * goes with the binding's route: kept with it at a stop, updated by
	 * the restored binding's claim, removed with an unclaimed one.
	 */
	if (sw->adopt && p->priority == XFRM_PRIO_HA_HAO) {
		if (sw->adopt == KR_SWEEP_KEEP)
			sw->kept++;
		return;
	}
	/* A correspondent binding's policies stay with its states. */
	if (sw->adopt == KR_SWEEP_KEEP && (p->priority == XFRM_PRIO_RO ||
	    p->priority == XFRM_PRIO_RO - 1) && p->sel.prefixlen_s == 128 &&
	    p->sel.prefixlen_d == 128 &&
	    kr_ro_keep((const struct in6_addr *)&p->sel.saddr,
	    (const struct in6_addr *)&p->sel.daddr)) {
		sw->kept++;
		return;
	}
	if (!sw->adopt || sw->adopt == KR_SWEEP_KEEP) {
		memset(&id, 0, sizeof(id));
		id.sel = p->sel;
		id.dir = p->dir;
		id.index = p->index;
		if ((msg = nlmsg_alloc_simple(XFRM_MSG_DELPOLICY, 0)) == NULL)
			return;
		if (nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO) != 0) {
			nlmsg_free(msg);
			return;
		}
		kr_nl_send(sw->nl, msg, kr_sweep_cb, NULL);
		return;
	}
	/*
	 * A binding's route-optimization policies (one host to another)
	 * belong to its "ro" object (kr_sweep_state): the claim updates
	 * them, the removal of an unclaimed one takes them along.
	 */
	if ((p->priority == XFRM_PRIO_RO || p->priority == XFRM_PRIO_RO - 1) &&
	    p->sel.prefixlen_s == 128 && p->sel.prefixlen_d == 128)
		return;
	memset(&k, 0, sizeof(k));
	k.type = KO_XPOLICY;
	memcpy(&k.a, &p->sel.saddr, sizeof(k.a));
	memcpy(&k.b, &p->sel.daddr, sizeof(k.b));
	k.ifindex = p->dir;
	k.proto = p->sel.proto == IPPROTO_MH && p->sel.sport_mask ?
	    (uint32_t)ntohs(p->sel.sport) + 1 : 0;
	kr_tab_add(&k, NULL, 0);
}

static void
kr_sweep_state(const struct nlmsghdr *nlh, void *arg)
{
	struct kr_sweep		*sw = arg;
	struct xfrm_usersa_info	*sa = nlmsg_data(nlh);
	struct nlattr		*tb[XFRMA_MAX + 1];
	struct xfrm_usersa_id	 id;
	struct nl_msg		*msg;
	struct kr_key		 k;
	struct in6_addr		 coa;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*sa)) ||
	    !XFRM_IS_OURS_REQID(sa->reqid))
		return;
	sw->found++;
	/* A home agent binding's hao state: as its policy (above). */
	if (sw->adopt && sa->reqid == XFRM_REQID_HA_HAO) {
		if (sw->adopt == KR_SWEEP_KEEP)
			sw->kept++;
		return;
	}
	/*
	 * persist-bindings: a correspondent binding's route-optimization
	 * states stay at a stop like the home agent's forwarding: the
	 * direct path keeps working until the restored binding claims them.
	 */
	if (sw->adopt == KR_SWEEP_KEEP && sa->reqid == XFRM_REQID_RO &&
	    sa->mode == XFRM_MODE_ROUTEOPTIMIZATION &&
	    kr_ro_keep((const struct in6_addr *)&sa->saddr,
	    (const struct in6_addr *)&sa->id.daddr)) {
		sw->kept++;
		return;
	}
	if (!sw->adopt || sw->adopt == KR_SWEEP_KEEP) {
		memset(&id, 0, sizeof(id));
		id.daddr = sa->id.daddr;
		id.spi = sa->id.spi;
		id.family = sa->family;
		id.proto = sa->id.proto;
		if ((msg = nlmsg_alloc_simple(XFRM_MSG_DELSA, 0)) == NULL)
			return;
		if (nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO) != 0 ||
		    nla_put(msg, XFRMA_SRCADDR, sizeof(sa->saddr),
		    &sa->saddr) != 0) {
			nlmsg_free(msg);
			return;
		}
		kr_nl_send(sw->nl, msg, kr_sweep_cb, NULL);
		return;
	}
	memset(&k, 0, sizeof(k));
	memset(&coa, 0, sizeof(coa));
	k.type = KO_XSTATE;
	memcpy(&k.a, &sa->saddr, sizeof(k.a));
	memcpy(&k.b, &sa->id.daddr, sizeof(k.b));
	k.proto = sa->id.proto;
	k.plen = ntohl(sa->id.spi);
	if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*sa), tb, XFRMA_MAX,
	    NULL) == 0 && tb[XFRMA_COADDR] &&
	    nla_len(tb[XFRMA_COADDR]) >= (int)sizeof(coa))
		memcpy(&coa, nla_data(tb[XFRMA_COADDR]), sizeof(coa));
	/*
	 * A binding's pair of route-optimization states (xfrm_ro: RH2 from
	 * the correspondent to the home address, HAO from the home address
	 * to the correspondent) is one object in the table, keyed as the
	 * request records it (home address, correspondent, KR_RO_*): a
	 * restored binding's IMSG_KR_RO_ADD claims it.  The wildcard state
	 * (an unspecified address) keeps its own key.
	 */
	if (sa->reqid == XFRM_REQID_RO &&
	    sa->mode == XFRM_MODE_ROUTEOPTIMIZATION &&
	    (sa->id.proto == IPPROTO_ROUTING ||
	    sa->id.proto == IPPROTO_DSTOPTS) &&
	    !IN6_IS_ADDR_UNSPECIFIED(&k.a) && !IN6_IS_ADDR_UNSPECIFIED(&k.b)) {
		if (sa->id.proto == IPPROTO_ROUTING) {
			memcpy(&k.a, &sa->id.daddr, sizeof(k.a));
			memcpy(&k.b, &sa->saddr, sizeof(k.b));
		}
		k.plen = 0;
		k.proto = kr_ro_owner(&k.a);
	}
	kr_tab_add(&k, &coa, 0);
}

static int
kr_dump(int proto, int type, const void *hdr, size_t len,
    void (*fn)(const struct nlmsghdr *, void *), struct kr_sweep *sw)
{
	struct nl_msg	*msg;
	int		 err;

	if ((msg = nlmsg_alloc_simple(type, 0)) == NULL)
		return ENOMEM;
	if (len > 0 && nlmsg_append(msg, (void *)hdr, len,
	    NLMSG_ALIGNTO) != 0) {
		nlmsg_free(msg);
		return ENOMEM;
	}
	if ((err = kr_nl_dump(proto, msg, fn, sw)) != 0)
		log_warnx("kernel sweep: dump %d: %s", type, strerror(err));
	return err;
}

static int
kr_sweep(int adopt)
{
	struct kr_sweep		 sw;
	struct rtmsg		 rtm;
	struct fib_rule_hdr	 frh;
	struct ndmsg		 ndm;
	struct ifinfomsg	 ifi;
	int			 err = 0;

	if (kr_init() == -1)
		return -1;
	memset(&sw, 0, sizeof(sw));
	sw.adopt = adopt;
	kr_tab_adopting = adopt == 1;
	/* XFRM first: policies before the states they point at. */
	sw.nl = &kr_xfrm;
	err |= kr_dump(NETLINK_XFRM, XFRM_MSG_GETPOLICY, NULL, 0,
	    kr_sweep_policy, &sw);
	kr_wait();
	err |= kr_dump(NETLINK_XFRM, XFRM_MSG_GETSA, NULL, 0, kr_sweep_state,
	    &sw);
	sw.nl = &kr_route;
	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = AF_INET6;
	err |= kr_dump(NETLINK_ROUTE, RTM_GETROUTE, &rtm, sizeof(rtm),
	    kr_sweep_route, &sw);
	memset(&frh, 0, sizeof(frh));
	frh.family = AF_INET6;
	err |= kr_dump(NETLINK_ROUTE, RTM_GETRULE, &frh, sizeof(frh),
	    kr_sweep_rule, &sw);
	memset(&ndm, 0, sizeof(ndm));
	ndm.ndm_family = AF_INET6;
	ndm.ndm_flags = NTF_PROXY;
	err |= kr_dump(NETLINK_ROUTE, RTM_GETNEIGH, &ndm, sizeof(ndm),
	    kr_sweep_neigh, &sw);
	kr_wait();
	/* Links last: deleting one takes its routes and filters along. */
	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	err |= kr_dump(NETLINK_ROUTE, RTM_GETLINK, &ifi, sizeof(ifi),
	    kr_sweep_link, &sw);
	kr_wait();
	kr_tab_adopting = 0;
	return err ? -1 : adopt == KR_SWEEP_KEEP ? sw.kept : sw.found;
}

int
kr_reconcile(int adopt)
{
	int	 n = kr_sweep(adopt);

	if (n > 0)
		log_info("kernel: %s %d object%s of an earlier run",
		    adopt ? "adopted" : "removed", n, n == 1 ? "" : "s");
	return n;
}

int
kr_remove_all_but_bindings(void)
{
	int		 rc;

	/* The reverse-tunnel filter stays on the tunnel with its pairs. */
	rc = kr_sweep(KR_SWEEP_KEEP);
	kr_tab_clear();
	return rc;
}

int
kr_remove_all(void)
{
	int		 rc;

	rtcheck_detach();
	rc = kr_sweep(0);
	kr_tab_clear();
	return rc;
}
