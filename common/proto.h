/*
 * The messages the processes exchange: one enum of types and every
 * payload struct.  Parent <-> role messages travel on the socketpair at
 * fd 3 of each role; control messages on the role's control socket
 * (mip6ctl <-> role).  Both use imsg framing (imsg.h).
 *
 * Payloads are fixed-size structs; the receiver checks the exact length
 * (proto_check_len) before it looks inside, and that strings are
 * NUL-terminated.
 */
#ifndef MIP6_PROTO_H
#define MIP6_PROTO_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* The parent's end of the socketpair in every role process. */
#define PROTO_PARENT_FD		3

enum imsg_type {
	IMSG_NONE = 0,

	/*
	 * Configuration, parent -> role, at start and at every reload:
	 * CONF_MAIN, then the lists, then CONF_END (which applies it).
	 */
	IMSG_CONF_MAIN,		/* struct mip6_conf, pointers zeroed */
	IMSG_CONF_HA_LINK,	/* struct conf_ha_link, prefixes follow */
	IMSG_CONF_HA_PREFIX,	/* struct conf_prefix, for the last link */
	IMSG_CONF_HA_MN,	/* struct conf_mn */
	IMSG_CONF_MN_IF,	/* struct conf_mn_if */
	IMSG_CONF_MN_RO_CN,	/* struct in6_addr */
	IMSG_CONF_END,		/* no data */

	/* Start-up, parent -> role. */
	IMSG_CONTROL_FD,	/* fd: the listening control socket */
	IMSG_SOCKET_FD,		/* fd + struct imsg_socket: a socket the
				   role may not open itself (raw MH, ICMPv6) */
	IMSG_STARTUP,		/* struct imsg_startup: sandbox and serve */
	IMSG_VERBOSE,		/* after a reload, parent -> role: uint32_t,
				   the log level (as imsg_startup.verbose) */

	/* Role -> parent. */
	IMSG_READY,		/* no data: the role is serving */

	/*
	 * Control protocol (mip6ctl <-> role).  A request carries its
	 * request id in hdr.peerid; every reply carries the same id and the
	 * reply stream ends with IMSG_CTL_END.  Later commands (show
	 * bindings, show bul, stats) add a request type here and a handler
	 * in the role's control table.
	 */
	IMSG_CTL_STATUS,	/* request: no data; reply: struct ctl_status */
	IMSG_CTL_ERROR,		/* reply: struct ctl_error */
	IMSG_CTL_END,		/* reply: no data; ends the stream */
	IMSG_CTL_SHOW,		/* request: struct ctl_request (what, -j,
				   argument); reply: IMSG_CTL_TEXT... */
	IMSG_CTL_DELETE_BINDING,/* request: struct ctl_request, arg = home
				   address; reply: IMSG_CTL_TEXT or ERROR */
	IMSG_CTL_TEXT,		/* reply: text as mip6ctl prints it, any
				   length up to the imsg maximum, no NUL
				   needed; a role sends as many as it needs */

	/* kernel requests: mip6-priv/kernel.c (role -> parent, replies) */
	IMSG_KERNEL_FIRST = 1000,
	/* BEGIN kernel requests (owner: mip6-priv kernel side) */
	IMSG_KR_BIND_ADD = IMSG_KERNEL_FIRST,	/* ha: struct kr_bind (add or move) */
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
	IMSG_KR_SHOW,			/* any: no data; for `mip6ctl show kernel` */
	IMSG_KR_SHOW_OBJ,		/* parent -> role: struct kr_show_obj */
	IMSG_KR_MN_ROUTER,		/* mn: struct kr_mn_router */
	IMSG_KR_LAST,
	/* END kernel requests */

	/* role engine messages go after the kernel requests */
	IMSG_ENGINE_FIRST = 2000,

	/*
	 * The binding state file (persist-bindings; mip6-priv/pstate.c,
	 * common/statefile.h).  Only the parent touches the file.  At start,
	 * parent -> role: STATE_REC..., then STATE_LOADED; the role restores
	 * what is still valid, claims its kernel objects (IMSG_KR_BIND_ADD)
	 * and answers STATE_ADOPTED: the parent then removes the objects no
	 * binding claimed.  A write, role -> parent: STATE_BEGIN,
	 * STATE_REC..., STATE_COMMIT; the parent answers STATE_DONE once the
	 * file is renamed in place and synced.
	 */
	IMSG_STATE_FIRST = 3000,
	IMSG_STATE_REC = IMSG_STATE_FIRST,	/* 1..STATE_MAX_RECS encoded
						   records (SF_REC_SIZE each) */
	IMSG_STATE_LOADED,	/* parent -> role: struct state_loaded */
	IMSG_STATE_ADOPTED,	/* role -> parent: no data */
	IMSG_STATE_BEGIN,	/* role -> parent: struct state_gen */
	IMSG_STATE_COMMIT,	/* role -> parent: struct state_gen (count) */
	IMSG_STATE_DONE,	/* parent -> role: struct state_gen (error) */
	IMSG_STATE_FLUSH,	/* parent -> role: a clean stop; write what
				   the file lacks now (no data) */
	IMSG_STATE_FLUSHED,	/* role -> parent: the file has every
				   change, or the write failed (no data) */
	IMSG_STATE_LAST,
};

/* Records in one IMSG_STATE_REC (80 octets each, under IMSG_MAX_DATA). */
#define STATE_MAX_RECS		200

/* IMSG_STATE_LOADED */
struct state_loaded {
	uint32_t	 count;		/* records sent */
	uint32_t	 bad;		/* 1: the file was refused, moved aside */
};

/* IMSG_STATE_BEGIN, COMMIT, DONE */
struct state_gen {
	uint64_t	 gen;		/* the role's change count written */
	uint32_t	 count;		/* COMMIT: records sent */
	int32_t		 error;		/* DONE: 0, or an errno value */
};

/* IMSG_STARTUP */
struct imsg_startup {
	uint32_t	 role;		/* enum conf_role */
	uint32_t	 debug;		/* log to stderr */
	uint32_t	 verbose;	/* 0 warnings, 1 info, 2 debug */
	uint32_t	 parent_pid;
};

/*
 * IMSG_SOCKET_FD: sockets mip6-priv opens for a role before it starts
 * (roles keep no capabilities).  The role sets its own receive options
 * (IPV6_RECVPKTINFO, IPV6_RECVDSTOPTS, ICMP6_FILTER, ...).
 *   ROLE_SOCK_MH     SOCK_RAW IPPROTO_MH, IPV6_CHECKSUM at offset 4
 *                    (the kernel fills and checks the MH checksum);
 *                    ha, mn, sig
 *   ROLE_SOCK_ICMP6  SOCK_RAW IPPROTO_ICMPV6; ha (DAD, NA, DHAAD), mn
 *                    (RS/RA, movement detection)
 *   ROLE_SOCK_DHAAD  SOCK_RAW IPPROTO_ICMPV6; ha: DHAAD and mobile prefix
 *                    discovery, the home link's advertisements; member of
 *                    the Home Agents anycast address of every home prefix
 *                    (IPV6_JOIN_ANYCAST on the home link, RFC 6275 10.5)
 *   ROLE_SOCK_ND     ha with proxy-nd: daemon, one per home link (sent
 *                    once each, role_socket_nth()): AF_PACKET SOCK_DGRAM
 *                    ETH_P_IPV6 bound to the link, a classic BPF filter
 *                    passing only ICMPv6 Neighbor Solicitations (next
 *                    header 58 right after the IPv6 header), all
 *                    multicast received (PACKET_MR_ALLMULTI), its own
 *                    frames ignored (PACKET_IGNORE_OUTGOING)
 */
enum role_sock {
	ROLE_SOCK_MH = 0,
	ROLE_SOCK_ICMP6,
	ROLE_SOCK_DHAAD,	/* ha: ICMPv6, Home Agents anycast joined */
	ROLE_SOCK_ND,		/* ha: packet sockets, NS of the home links */
	ROLE_SOCK_MAX
};
/* Sockets of one kind a role keeps at most (ROLE_SOCK_ND: home links). */
#define ROLE_SOCK_NTH_MAX	16
struct imsg_socket {
	uint32_t	 kind;		/* enum role_sock */
};

#define CTL_ROLE_LEN		8
#define CTL_VERSION_LEN		32
#define CTL_PATH_LEN		4096
#define CTL_ERROR_LEN		256

/* IMSG_CTL_STATUS reply */
struct ctl_status {
	char		 role[CTL_ROLE_LEN];	/* "ha", "mn", "sig" */
	uint32_t	 pid;			/* the role process */
	uint32_t	 parent_pid;		/* its mip6-priv */
	int64_t		 started;		/* time(2) at start */
	uint64_t	 uptime;		/* seconds */
	char		 version[CTL_VERSION_LEN];
	char		 config[CTL_PATH_LEN];	/* configuration file */
};

/*
 * IMSG_CTL_SHOW and other requests with an argument.  The role formats
 * the answer itself (text, or JSON when CTL_F_JSON is set) and sends it
 * as IMSG_CTL_TEXT chunks; mip6ctl writes them out unchanged.  A role
 * that does not know `what` answers IMSG_CTL_ERROR.
 */
#define CTL_SHOW_BINDINGS	1	/* ha: binding cache */
#define CTL_SHOW_BUL		2	/* mn: binding update list */
#define CTL_SHOW_STATS		3	/* any: counters */
#define CTL_SHOW_KERNEL		4	/* any: mip6-priv's kernel objects */
#define CTL_SHOW_ROUTEOPT	5	/* sig/mn: route-optimization bindings */
#define CTL_F_JSON		0x01
#define CTL_ARG_LEN		128
struct ctl_request {
	uint32_t	 what;		/* CTL_SHOW_* */
	uint32_t	 flags;		/* CTL_F_* */
	char		 arg[CTL_ARG_LEN];	/* "" or e.g. a home address */
};

/* IMSG_CTL_ERROR reply */
struct ctl_error {
	char		 msg[CTL_ERROR_LEN];
};

/*
 * BEGIN kernel requests (owner: mip6-priv kernel side, kernel.h).
 * Role -> parent, narrow and typed, never raw netlink.  A request carries
 * its request id in hdr.peerid; the parent answers IMSG_KR_REPLY with the
 * same id and an errno value (0: done).  Events come unasked, to the
 * roles that subscribed (IMSG_KR_SUBSCRIBE).
 */
#define KR_IFNAMSIZ	16	/* IF_NAMESIZE, without <net/if.h> here */

/*
 * Home agent: the home address hoa is bound to care-of address coa; the
 * home link is ifname.  Installs the encapsulating host route through the
 * flow-based tunnel, proxy ND for hoa on the home link and the
 * reverse-tunnel check entry (coa, hoa).  Sent again with a new coa, it
 * moves the binding without a window where the old pair is accepted.
 * KR_BIND_LL (the BU's L flag, RFC 6275 10.4.1): proxy ND for the mobile
 * node's link-local address too, fe80::/64 with hoa's interface
 * identifier; mip6-priv derives it from hoa (a role cannot name another).
 * BIND_DEL removes the link-local entry whenever one is recorded.
 */
#define KR_BIND_LL	0x01
struct kr_bind {
	struct in6_addr	 hoa;
	struct in6_addr	 coa;
	char		 ifname[KR_IFNAMSIZ];
	uint32_t	 flags;		/* KR_BIND_* */
};

/* Home agent: proxy ND for addr on ifname (e.g. while DAD runs). */
struct kr_proxy {
	struct in6_addr	 addr;
	char		 ifname[KR_IFNAMSIZ];
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
	char		 ifname[KR_IFNAMSIZ];
};

/*
 * Mobile node: the default router on ifname is now router (link-local,
 * from the advertisement that told the link): the default routes that
 * advertisements of the link it left installed on ifname go, so that
 * nothing is sent to a router that is not there.
 */
struct kr_mn_router {
	struct in6_addr	 router;
	char		 ifname[KR_IFNAMSIZ];
	uint32_t	 away;		/* a foreign link: the home prefix's
					   on-link routes on it go too */
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
	char		 ifname[KR_IFNAMSIZ];
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

/*
 * IMSG_KR_SHOW: the parent answers one IMSG_KR_SHOW_OBJ per object it
 * installed (all roles'), then IMSG_KR_REPLY.  One line each, the text
 * `mip6ctl show kernel` prints, e.g. "route 2001:db8:1::10/128 encap ip6
 * dst 2001:db8:f::10 dev mip6tnl0".
 */
#define KR_SHOW_LEN	256
struct kr_show_obj {
	char		 line[KR_SHOW_LEN];
};

/* END kernel requests */

/* 1 when len is exactly the payload size, else 0. */
static inline int
proto_check_len(size_t len, size_t want)
{
	return len == want;
}

/* 1 when the fixed-size string field s holds a NUL. */
static inline int
proto_check_str(const char *s, size_t size)
{
	size_t	 i;

	for (i = 0; i < size; i++)
		if (s[i] == '\0')
			return 1;
	return 0;
}

#endif
