/*
 * Kernel requests (role -> mip6-priv) and their replies and events
 * (mip6-priv -> role).  Narrow, typed, fixed-size: never raw netlink.
 * Every request carries its request id in imsg hdr.peerid; the reply
 * (IMSG_KR_REPLY) carries the same id and an errno value (0: done).
 *
 * Staging header: these move into common/proto.h's kernel section.
 */
#ifndef MIP6_KREQ_H
#define MIP6_KREQ_H

#include <netinet/in.h>
#include <net/if.h>
#include <stdint.h>

enum kr_imsg_type {
	IMSG_KR_BIND_ADD = 1000,	/* ha: struct kr_bind (add or move) */
	IMSG_KR_BIND_DEL,		/* ha: struct kr_bind (coa ignored) */
	IMSG_KR_PROXY_ADD,		/* ha: struct kr_proxy */
	IMSG_KR_PROXY_DEL,		/* ha: struct kr_proxy */
	IMSG_KR_RO_ADD,			/* mn, sig: struct kr_ro */
	IMSG_KR_RO_DEL,			/* mn, sig: struct kr_ro */
	IMSG_KR_MN_HOME,		/* mn: struct kr_mn (away: tunnel, HoA) */
	IMSG_KR_MN_AT_HOME,		/* mn: struct kr_mn (tear the tunnel) */
	IMSG_KR_SUBSCRIBE,		/* any: struct kr_subscribe */
	IMSG_KR_REPLY,			/* parent -> role: struct kr_reply */
	IMSG_KR_EV_LINK,		/* parent -> role: struct kr_ev_link */
	IMSG_KR_EV_ADDR,		/* parent -> role: struct kr_ev_addr */
	IMSG_KR_EV_ROUTE,		/* parent -> role: struct kr_ev_route */
	IMSG_KR_EV_NEIGH,		/* parent -> role: struct kr_ev_neigh */
	IMSG_KR_EV_XFRM,		/* parent -> role: struct kr_ev_xfrm */
	IMSG_KR_LAST
};

/*
 * Home agent: the home address hoa is bound to care-of address coa; the
 * home link is ifname.  Installs the encapsulating host route through the
 * flow-based tunnel, proxy ND for hoa on the home link and the
 * reverse-tunnel check entry (coa, hoa).  Sent again with a new coa, it
 * moves the binding without a window where the old pair is accepted.
 */
struct kr_bind {
	struct in6_addr	 hoa;
	struct in6_addr	 coa;
	char		 ifname[IF_NAMESIZE];
};

/* Home agent: proxy ND for addr on ifname (e.g. while DAD runs). */
struct kr_proxy {
	struct in6_addr	 addr;
	char		 ifname[IF_NAMESIZE];
};

/* Route optimization between hoa (at coa) and the correspondent peer. */
#define KR_RO_MN	0x01	/* we are the mobile node (hoa is ours) */
#define KR_RO_CN	0x02	/* we are the correspondent */
struct kr_ro {
	struct in6_addr	 hoa;
	struct in6_addr	 coa;
	struct in6_addr	 peer;
	uint32_t	 flags;		/* KR_RO_MN or KR_RO_CN */
};

/*
 * Mobile node away from home: tunnel to the home agent ha from coa on
 * ifname, the home address hoa/plen on the tunnel, routes through it and
 * the source rule.  Sent again with a new coa it moves everything, also
 * the RFC 3776 ESP policies keyed on hoa.
 */
struct kr_mn {
	struct in6_addr	 hoa;
	struct in6_addr	 coa;
	struct in6_addr	 ha;
	uint32_t	 plen;
	char		 ifname[IF_NAMESIZE];
};

#define KR_SUB_LINK	0x01
#define KR_SUB_ADDR	0x02
#define KR_SUB_ROUTE	0x04
#define KR_SUB_NEIGH	0x08
#define KR_SUB_XFRM	0x10
#define KR_SUB_ALL	0x1f
struct kr_subscribe {
	uint32_t	 mask;
};

struct kr_reply {
	uint32_t	 type;		/* the request's imsg type */
	int32_t		 error;		/* 0, or an errno value */
};

struct kr_ev_link {
	uint32_t	 ifindex;
	uint32_t	 flags;		/* IFF_* */
	uint32_t	 deleted;
	char		 ifname[IF_NAMESIZE];
};

struct kr_ev_addr {
	struct in6_addr	 addr;
	uint32_t	 ifindex;
	uint32_t	 plen;
	uint32_t	 flags;		/* IFA_F_* */
	uint32_t	 deleted;
};

struct kr_ev_route {
	struct in6_addr	 dst;
	struct in6_addr	 gw;
	uint32_t	 plen;
	uint32_t	 ifindex;
	uint32_t	 protocol;
	uint32_t	 deleted;
};

struct kr_ev_neigh {
	struct in6_addr	 addr;
	uint32_t	 ifindex;
	uint32_t	 state;		/* NUD_* */
	uint32_t	 deleted;
};

#define KR_XFRM_ACQUIRE	1
#define KR_XFRM_REPORT	2
struct kr_ev_xfrm {
	uint32_t	 kind;		/* KR_XFRM_* */
	uint32_t	 proto;		/* IPPROTO_ROUTING, IPPROTO_DSTOPTS, ESP */
	struct in6_addr	 src;
	struct in6_addr	 dst;
	struct in6_addr	 coa;	/* report: the address the kernel saw */
};

#endif
