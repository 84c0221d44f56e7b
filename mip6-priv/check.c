/*
 * Request validation (check.h).  Order: type known and allowed for this
 * role, exact length, strings terminated (malformed when not), then
 * policy (denied when not).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "proto.h"
#include "check.h"

static const size_t kr_req_len[] = {
	[IMSG_KR_BIND_ADD - IMSG_KR_BIND_ADD] = sizeof(struct kr_bind),
	[IMSG_KR_BIND_DEL - IMSG_KR_BIND_ADD] = sizeof(struct kr_bind),
	[IMSG_KR_PROXY_ADD - IMSG_KR_BIND_ADD] = sizeof(struct kr_proxy),
	[IMSG_KR_PROXY_DEL - IMSG_KR_BIND_ADD] = sizeof(struct kr_proxy),
	[IMSG_KR_RO_ADD - IMSG_KR_BIND_ADD] = sizeof(struct kr_ro),
	[IMSG_KR_RO_DEL - IMSG_KR_BIND_ADD] = sizeof(struct kr_ro),
	[IMSG_KR_MN_HOME - IMSG_KR_BIND_ADD] = sizeof(struct kr_mn),
	[IMSG_KR_MN_AT_HOME - IMSG_KR_BIND_ADD] = sizeof(struct kr_mn),
	[IMSG_KR_SUBSCRIBE - IMSG_KR_BIND_ADD] = sizeof(struct kr_subscribe),
	[IMSG_KR_SHOW - IMSG_KR_BIND_ADD] = 0,
	[IMSG_KR_MN_ROUTER - IMSG_KR_BIND_ADD] = sizeof(struct kr_mn_router),
};

/* Which role may send which request. */
static int
kr_role_may(uint32_t role, uint32_t type)
{
	switch (type) {
	case IMSG_KR_BIND_ADD:
	case IMSG_KR_BIND_DEL:
	case IMSG_KR_PROXY_ADD:
	case IMSG_KR_PROXY_DEL:
		return role == ROLE_HA;
	case IMSG_KR_RO_ADD:
	case IMSG_KR_RO_DEL:
		return role == ROLE_MN || role == ROLE_SIG;
	case IMSG_KR_MN_HOME:
	case IMSG_KR_MN_AT_HOME:
	case IMSG_KR_MN_ROUTER:
		return role == ROLE_MN;
	case IMSG_KR_SUBSCRIBE:
	case IMSG_KR_SHOW:
		return role < ROLE_MAX;
	default:
		return 0;
	}
}

static int
in_prefix(const struct in6_addr *a, const struct conf_prefix *p)
{
	unsigned int	 bits = p->plen, i;
	uint8_t		 mask;

	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a->s6_addr[i] != p->addr.s6_addr[i])
			return 0;
	if (bits == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - bits));
	return (a->s6_addr[i] & mask) == (p->addr.s6_addr[i] & mask);
}

/* A unicast address a peer can be reached at: not ::, ::1, fe80::/10, ff::/8. */
static int
global_unicast(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	    !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_LINKLOCAL(a) &&
	    !IN6_IS_ADDR_V4MAPPED(a);
}

/*
 * The configured home agent; with `home-agent: dhaad` the one DHAAD
 * found: a global unicast address on the home link (inside the home
 * address's prefix), not the home address itself.
 */
static int
mn_home_agent(const struct mip6_conf *c, const struct in6_addr *ha)
{
	struct conf_prefix	 home;

	if (!IN6_IS_ADDR_UNSPECIFIED(&c->mn.ha))
		return memcmp(ha, &c->mn.ha, sizeof(*ha)) == 0;
	home.addr = c->mn.hoa;
	home.plen = c->mn.hoa_plen;
	return global_unicast(ha) && in_prefix(ha, &home) &&
	    memcmp(ha, &c->mn.hoa, sizeof(*ha)) != 0;
}

/* The home link named ifname, or NULL. */
static const struct conf_ha_link *
ha_link(const struct mip6_conf *c, const char *ifname)
{
	size_t	 i;

	for (i = 0; i < c->ha.nlinks; i++)
		if (strcmp(c->ha.links[i].ifname, ifname) == 0)
			return &c->ha.links[i];
	return NULL;
}

static int
ha_home_address(const struct mip6_conf *c, const struct conf_ha_link *l,
    const struct in6_addr *hoa)
{
	size_t	 i;
	int	 inside = 0;

	for (i = 0; i < l->nprefixes; i++)
		if (in_prefix(hoa, &l->prefixes[i]))
			inside = 1;
	if (!inside)
		return 0;
	/* With a list of mobile nodes, only those. */
	if (c->ha.nmns == 0)
		return 1;
	for (i = 0; i < c->ha.nmns; i++)
		if (memcmp(&c->ha.mns[i].hoa, hoa, sizeof(*hoa)) == 0)
			return 1;
	return 0;
}

/*
 * KR_BIND_LL: the link-local address mip6-priv derives from hoa (its
 * interface identifier under fe80::/64) may be proxied unless that
 * identifier is the link's subnet-router anycast (zero), a reserved
 * anycast one (RFC 2526: fdff:ffff:ffff:ff80 and up) or the home agent's
 * own on the link.
 */
static int
ha_ll_allowed(const struct conf_ha_link *l, const struct in6_addr *hoa)
{
	static const uint8_t	 zero[8];
	static const uint8_t	 anycast[7] = { 0xfd, 0xff, 0xff, 0xff, 0xff,
				    0xff, 0xff };

	if (memcmp(&hoa->s6_addr[8], zero, sizeof(zero)) == 0)
		return 0;
	if (memcmp(&hoa->s6_addr[8], anycast, sizeof(anycast)) == 0 &&
	    hoa->s6_addr[15] >= 0x80)
		return 0;
	return memcmp(&hoa->s6_addr[8], &l->addr.s6_addr[8], 8) != 0;
}

static int
ha_in_any_prefix(const struct mip6_conf *c, const struct in6_addr *a)
{
	size_t	 i, j;

	for (i = 0; i < c->ha.nlinks; i++)
		for (j = 0; j < c->ha.links[i].nprefixes; j++)
			if (in_prefix(a, &c->ha.links[i].prefixes[j]))
				return 1;
	return 0;
}

static int
mn_interface(const struct mip6_conf *c, const char *ifname)
{
	size_t	 i;

	for (i = 0; i < c->mn.nifs; i++)
		if (strcmp(c->mn.ifs[i].ifname, ifname) == 0)
			return 1;
	return 0;
}

#define DENY(...)	do { snprintf(why, whylen, __VA_ARGS__); \
	return KR_DENIED; } while (0)

enum kr_verdict
kr_check(const struct mip6_conf *c, uint32_t role, uint32_t type,
    const void *data, size_t len, size_t count, char *why, size_t whylen)
{
	char			 a[INET6_ADDRSTRLEN];
	const struct kr_bind	*b = data;
	const struct kr_proxy	*p = data;
	const struct kr_ro	*ro = data;
	const struct kr_mn	*mn = data;
	const struct kr_subscribe *sub = data;
	const struct kr_mn_router *rt = data;
	const struct conf_ha_link *l;
	size_t			 i;
	int			 listed;

	if (type < IMSG_KR_BIND_ADD || type > IMSG_KR_MN_ROUTER ||
	    (type > IMSG_KR_SUBSCRIBE && type != IMSG_KR_SHOW &&
	    type != IMSG_KR_MN_ROUTER)) {
		snprintf(why, whylen, "unknown kernel request type %u", type);
		return KR_MALFORMED;
	}
	if (role >= ROLE_MAX || !kr_role_may(role, type)) {
		snprintf(why, whylen, "request type %u not for role %s", type,
		    role < ROLE_MAX ? conf_role_name(role) : "?");
		return KR_MALFORMED;
	}
	if (len != kr_req_len[type - IMSG_KR_BIND_ADD]) {
		snprintf(why, whylen, "request type %u: length %zu, want %zu",
		    type, len, kr_req_len[type - IMSG_KR_BIND_ADD]);
		return KR_MALFORMED;
	}
	switch (type) {
	case IMSG_KR_BIND_ADD:
	case IMSG_KR_BIND_DEL:
		if (memchr(b->ifname, '\0', sizeof(b->ifname)) == NULL)
			goto unterminated;
		inet_ntop(AF_INET6, &b->hoa, a, sizeof(a));
		if ((l = ha_link(c, b->ifname)) == NULL)
			DENY("%s is not a home link", b->ifname);
		if (!ha_home_address(c, l, &b->hoa))
			DENY("%s is not a home address on %s", a, b->ifname);
		if (b->flags & ~(uint32_t)KR_BIND_LL) {
			snprintf(why, whylen, "binding for %s: flags %#x", a,
			    b->flags);
			return KR_MALFORMED;
		}
		if (type == IMSG_KR_BIND_DEL)
			break;
		if ((b->flags & KR_BIND_LL) && !ha_ll_allowed(l, &b->hoa))
			DENY("binding for %s: its link-local address is "
			    "reserved", a);
		if (!global_unicast(&b->coa) || ha_in_any_prefix(c, &b->coa))
			DENY("binding for %s: unusable care-of address", a);
		if (count >= c->ha.max_bindings)
			DENY("binding for %s: %zu bindings, the maximum", a,
			    count);
		break;
	case IMSG_KR_PROXY_ADD:
	case IMSG_KR_PROXY_DEL:
		if (memchr(p->ifname, '\0', sizeof(p->ifname)) == NULL)
			goto unterminated;
		inet_ntop(AF_INET6, &p->addr, a, sizeof(a));
		if ((l = ha_link(c, p->ifname)) == NULL)
			DENY("%s is not a home link", p->ifname);
		if (!ha_home_address(c, l, &p->addr))
			DENY("%s is not a home address on %s", a, p->ifname);
		if (type == IMSG_KR_PROXY_ADD && count >= c->ha.max_bindings)
			DENY("proxy for %s: the maximum reached", a);
		break;
	case IMSG_KR_RO_ADD:
	case IMSG_KR_RO_DEL:
		if (ro->flags != (role == ROLE_MN ? KR_RO_MN : KR_RO_CN)) {
			snprintf(why, whylen, "route optimization flags %#x "
			    "for role %s", ro->flags, conf_role_name(role));
			return KR_MALFORMED;
		}
		inet_ntop(AF_INET6, &ro->hoa, a, sizeof(a));
		if (!global_unicast(&ro->hoa) || !global_unicast(&ro->peer) ||
		    (type == IMSG_KR_RO_ADD && !global_unicast(&ro->coa)))
			DENY("route optimization for %s: unusable address", a);
		if (role == ROLE_MN) {
			if (memcmp(&ro->hoa, &c->mn.hoa, sizeof(ro->hoa)) != 0)
				DENY("%s is not our home address", a);
			if (c->mn.ro == RO_NONE)
				DENY("route optimization is off");
			if (c->mn.ro == RO_LIST) {
				for (listed = 0, i = 0; i < c->mn.nro_cns; i++)
					if (memcmp(&c->mn.ro_cns[i], &ro->peer,
					    sizeof(ro->peer)) == 0)
						listed = 1;
				if (!listed)
					DENY("correspondent not listed for "
					    "route optimization");
			}
		} else if (type == IMSG_KR_RO_ADD &&
		    count >= c->sig.max_bindings)
			DENY("route optimization for %s: the maximum reached",
			    a);
		break;
	case IMSG_KR_MN_HOME:
	case IMSG_KR_MN_AT_HOME:
		if (memchr(mn->ifname, '\0', sizeof(mn->ifname)) == NULL)
			goto unterminated;
		inet_ntop(AF_INET6, &mn->hoa, a, sizeof(a));
		if (memcmp(&mn->hoa, &c->mn.hoa, sizeof(mn->hoa)) != 0 ||
		    !mn_home_agent(c, &mn->ha))
			DENY("%s is not our home address with our home agent",
			    a);
		if (mn->plen > 128) {
			snprintf(why, whylen, "prefix length %u", mn->plen);
			return KR_MALFORMED;
		}
		if (type == IMSG_KR_MN_HOME && (!mn_interface(c, mn->ifname) ||
		    !global_unicast(&mn->coa)))
			DENY("care-of address on %s not allowed", mn->ifname);
		if (type == IMSG_KR_MN_AT_HOME && !mn_interface(c, mn->ifname))
			DENY("home interface %s not ours", mn->ifname);
		break;
	case IMSG_KR_MN_ROUTER:
		if (memchr(rt->ifname, '\0', sizeof(rt->ifname)) == NULL)
			goto unterminated;
		if (!mn_interface(c, rt->ifname))
			DENY("interface %s not ours", rt->ifname);
		if (!IN6_IS_ADDR_LINKLOCAL(&rt->router))
			DENY("router on %s not link-local", rt->ifname);
		break;
	case IMSG_KR_SUBSCRIBE:
		if (sub->mask & ~(uint32_t)KR_SUB_ALL) {
			snprintf(why, whylen, "subscription mask %#x",
			    sub->mask);
			return KR_MALFORMED;
		}
		break;
	}
	return KR_OK;
 unterminated:
	snprintf(why, whylen, "request type %u: interface name not "
	    "terminated", type);
	return KR_MALFORMED;
}
