/*
 * mip6-priv's kernel side: netlink requests (links, routes, rules,
 * addresses, proxy neighbours), pipelined and asynchronous, and the
 * events the roles subscribed to.
 *
 * Marks that make every object recognisably ours (reconcile.c relies on
 * them):
 *   routes, rules, proxy neighbours: rtm_protocol KR_RTPROT (158, "mip6";
 *     free in /etc/iproute2/rt_protos)
 *   links: name prefix KR_LINK_PREFIX ("mip6")
 *   XFRM policies: priority band KR_XFRM_PRIO_*; XFRM states: reqid band
 *   reverse-tunnel check: a BPF filter on our own tunnel device (rtcheck.h)
 */
#ifndef MIP6_KERNEL_H
#define MIP6_KERNEL_H

#include <sys/queue.h>
#include <netinet/in.h>
#include <net/if.h>
#include <stdint.h>
#include <stddef.h>

struct nl_msg;
struct nlmsghdr;

#define KR_RTPROT		158	/* our rtm_protocol, "mip6" */
#define KR_LINK_PREFIX		"mip6"
#define KR_HA_TNL		"mip6tnl0"	/* the home agent's flow-based device */
#define KR_MN_TNL		"mip6mn0"	/* the mobile node's tunnel */
#define KR_MN_TABLE		158	/* the mobile node's routing table */
#define KR_MN_RULE_PRIO		1580	/* its source rule, before main (32766) */
#define KR_TNL_HOPLIMIT		64	/* outer hop limit of our tunnels */

/* Pipelining: requests in flight on one netlink socket. */
#define KR_NL_INFLIGHT		64

typedef void	(*kr_cb)(void *arg, int error);

struct kr_nlreq;
TAILQ_HEAD(kr_nlreq_q, kr_nlreq);

/* One netlink socket with its requests, matched to acks by sequence. */
struct kr_nl {
	int			 fd;
	int			 proto;		/* NETLINK_ROUTE, NETLINK_XFRM */
	uint32_t		 portid;
	uint32_t		 seq;
	struct kr_nlreq_q	 waiting;	/* not sent yet */
	struct kr_nlreq_q	 inflight;
	size_t			 ninflight;
	size_t			 nwaiting;
	uint64_t		 nsent;
	uint64_t		 nerrors;
};

int	 kr_nl_open(struct kr_nl *, int proto, uint32_t groups);
void	 kr_nl_close(struct kr_nl *);
/*
 * Queue msg (taken over; freed when answered).  cb(arg, error) runs when
 * the kernel acknowledged it; error is a positive errno or 0.
 */
void	 kr_nl_send(struct kr_nl *, struct nl_msg *, kr_cb, void *arg);
/* Send what is queued on both sockets (the event loop, once a turn). */
void	 kr_flush(void);
/* Read and dispatch what arrived.  -1 on a socket error. */
int	 kr_nl_dispatch(struct kr_nl *);
/* Run until nothing is queued or in flight (start, stop, tools). */
int	 kr_nl_wait(struct kr_nl *);
/* Synchronous dump on a private socket: fn for every message. */
int	 kr_nl_dump(int proto, struct nl_msg *,
	    void (*fn)(const struct nlmsghdr *, void *), void *arg);
/* Synchronous request on a private socket; returns errno or 0. */
int	 kr_nl_sync(int proto, struct nl_msg *);

/* The route socket and the xfrm socket of this process. */
extern struct kr_nl	 kr_route;
extern struct kr_nl	 kr_xfrm;

int	 kr_init(void);
void	 kr_close(void);
/* Wait on both sockets until every request was answered. */
int	 kr_wait(void);

/* Low-level operations: each queues one request.  add: 1 add, 0 delete. */
int	 kr_link_tnl_external(int add, const char *name, kr_cb, void *);
int	 kr_link_tnl_p2p(int add, const char *name, const struct in6_addr *local,
	    const struct in6_addr *remote, unsigned int link_ifindex, kr_cb,
	    void *);
int	 kr_link_set_up(const char *name, int up, kr_cb, void *);
int	 kr_link_del_index(unsigned int ifindex, kr_cb, void *);
int	 kr_route_encap(int add, const struct in6_addr *dst, uint8_t plen,
	    const struct in6_addr *coa, const struct in6_addr *src,
	    unsigned int oif, kr_cb, void *);
int	 kr_route_dev(int add, const struct in6_addr *dst, uint8_t plen,
	    uint32_t table, unsigned int oif, kr_cb, void *);
int	 kr_route_del_any(const struct in6_addr *dst, uint8_t plen,
	    const struct in6_addr *gw, unsigned int oif, kr_cb, void *);
int	 kr_rule_src(int add, const struct in6_addr *src, uint8_t plen,
	    uint32_t table, uint32_t prio, kr_cb, void *);
int	 kr_addr(int add, const struct in6_addr *, uint8_t plen,
	    unsigned int ifindex, uint32_t flags, kr_cb, void *);
int	 kr_proxy(int add, const struct in6_addr *, unsigned int ifindex,
	    kr_cb, void *);
int	 kr_sysctl_if(const char *ifname, const char *key, const char *val);

/*
 * Requests from the roles (kreq.c): checked, carried out, answered
 * through fn(role, reqid, type, error, arg) once the kernel answered.
 */
struct mip6_conf;
typedef void	(*kr_reply_fn)(uint32_t role, uint32_t reqid, uint32_t type,
	    int error, void *arg);
void	 kr_req_init(const struct mip6_conf *, kr_reply_fn, void *arg);
/* Where IMSG_KR_SHOW's lines go (to the asking role). */
struct kr_show_obj;
typedef void	(*kr_show_fn)(uint32_t role, const struct kr_show_obj *,
	    void *arg);
void	 kr_req_show_sink(kr_show_fn);
/* -1: malformed (kill the sender); 0: handled (a reply follows). */
int	 kr_req_dispatch(uint32_t role, uint32_t type, uint32_t reqid,
	    const void *data, size_t len);
/*
 * Start the requests that wait for room (at most KR_REQ_WINDOW netlink
 * requests queued or in flight); kr_flush and kr_wait call it.
 */
void	 kr_req_run(void);
/* Set up what a role needs before its first request; 0 or errno. */
int	 kr_role_start(uint32_t role);
uint32_t kr_subscriptions(uint32_t role);
/* A role died: remove the kernel state it asked for. */
void	 kr_role_forget(uint32_t role);
/*
 * A role with persist-bindings died: its binding objects stay, marked
 * adopted, for its restart; the rest goes as with kr_role_forget.
 */
void	 kr_role_orphan(uint32_t role);
/*
 * The role restored its bindings and claimed their objects: remove its
 * binding objects nobody claimed.  Returns how many went.
 */
size_t	 kr_role_adopt_end(uint32_t role);
/* Probe for the configured roles (probe.h); -1 with the one line in err. */
int	 kr_probe_conf(const struct mip6_conf *, char *err, size_t errlen);

/*
 * Events: a role subscribes with a KR_SUB_* mask; kr_ev_dispatch reads
 * the event socket and hands typed messages to sink, our own echoes
 * (the notifications our requests caused) left out.
 */
typedef void	(*kr_ev_sink)(uint32_t mask, uint32_t type, const void *data,
	    size_t len, void *arg);
int	 kr_ev_open(kr_ev_sink, void *arg);
int	 kr_ev_fd(void);
int	 kr_ev_xfrm_fd(void);
int	 kr_ev_dispatch(void);
/* The current links and addresses (KR_SUB_LINK, KR_SUB_ADDR) as events. */
int	 kr_ev_dump(uint32_t mask);
void	 kr_ev_close(void);

#endif
