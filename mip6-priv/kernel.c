/*
 * Netlink for mip6-priv: the request pipeline (several requests in flight
 * per socket, answered in order and matched by sequence number) and the
 * rtnetlink operations on links, routes, rules, addresses and proxy
 * neighbours.  Messages are built with libnl's message API; encap routes
 * and flow-based tunnels have no libnl-route helper, so every message is
 * built attribute by attribute the same way.
 */
#include <net/if.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_tunnel.h>
#include <linux/ip6_tunnel.h>
#include <linux/lwtunnel.h>
#include <linux/neighbour.h>
#include <linux/fib_rules.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "log.h"
#include "kernel.h"
#include "proto.h"
#include "rtcheck.h"

#define KR_RCVBUF	(4 * 1024 * 1024)
#define KR_RXBUF	(64 * 1024)
/*
 * Acks read per recvmmsg() in kr_nl_dispatch, each into a slot of
 * KR_RXBUF / KR_RX_BATCH octets: with NETLINK_CAP_ACK an ack is its
 * header, the error and the kernel's extended-ack text, far below that.
 */
#define KR_RX_BATCH	64
#define KR_NLMSG_SIZE	1024
/* Requests between two malloc_trim() calls, at most one a burst. */
#define KR_TRIM_EVERY	1024

static uint64_t	 kr_trim_mark;

/*
 * A request holds a copy of its message, exactly as long as the message:
 * libnl's buffer (KR_NLMSG_SIZE, to fit the largest) is freed when the
 * request is queued.  Thousands wait in a cold start (issue 9: at a
 * kilobyte each they made most of mip6-priv's peak).
 */
struct kr_nlreq {
	TAILQ_ENTRY(kr_nlreq)	 entry;
	uint32_t		 seq;
	kr_cb			 cb;
	void			*arg;
	struct nlmsghdr		 nlh[];		/* nlh->nlmsg_len octets */
};

struct kr_nl	 kr_route = { .fd = -1 };
struct kr_nl	 kr_xfrm = { .fd = -1 };

static void	 kr_nl_pump(struct kr_nl *);
static void	 kr_nl_answer(struct kr_nl *, uint32_t, int);
static struct nl_msg *kr_msg(int type, int flags, const void *hdr, size_t len);

int
kr_nl_open(struct kr_nl *nl, int proto, uint32_t groups)
{
	struct sockaddr_nl	 sa;
	socklen_t		 salen = sizeof(sa);
	int			 bufsz = KR_RCVBUF, one = 1;

	memset(nl, 0, sizeof(*nl));
	TAILQ_INIT(&nl->waiting);
	TAILQ_INIT(&nl->inflight);
	nl->proto = proto;
	nl->seq = (uint32_t)getpid() << 8;
	if ((nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, proto)) == -1)
		return -1;
	/* RCVBUFFORCE works as root; fall back to what the sysctl allows. */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz,
	    sizeof(bufsz)) == -1)
		(void)setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &bufsz,
		    sizeof(bufsz));
	/* Extended acks give the kernel's reason in the log. */
	(void)setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
	    sizeof(one));
	/* An error ack without the request copied back: small acks, many
	 * per recvmmsg (kr_nl_dispatch reads only the error and sequence). */
	if (groups == 0)
		(void)setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
		    sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = groups;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &salen) == -1) {
		close(nl->fd);
		nl->fd = -1;
		return -1;
	}
	nl->portid = sa.nl_pid;
	return 0;
}

void
kr_nl_close(struct kr_nl *nl)
{
	struct kr_nlreq	*r;

	while ((r = TAILQ_FIRST(&nl->inflight)) != NULL)
		kr_nl_answer(nl, r->seq, ECANCELED);
	while ((r = TAILQ_FIRST(&nl->waiting)) != NULL) {
		TAILQ_REMOVE(&nl->waiting, r, entry);
		nl->nwaiting--;
		if (r->cb != NULL)
			r->cb(r->arg, ECANCELED);
		free(r);
	}
	if (nl->fd != -1)
		close(nl->fd);
	nl->fd = -1;
}

void
kr_nl_send(struct kr_nl *nl, struct nl_msg *msg, kr_cb cb, void *arg)
{
	struct kr_nlreq	*r;
	struct nlmsghdr	*nlh;

	if (nl->fd == -1) {
		nlmsg_free(msg);
		if (cb != NULL)
			cb(arg, ENOTCONN);
		return;
	}
	nlh = nlmsg_hdr(msg);
	if ((r = malloc(sizeof(*r) + nlh->nlmsg_len)) == NULL) {
		nlmsg_free(msg);
		if (cb != NULL)
			cb(arg, ENOMEM);
		return;
	}
	memset(r, 0, sizeof(*r));
	memcpy(r->nlh, nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
	r->cb = cb;
	r->arg = arg;
	TAILQ_INSERT_TAIL(&nl->waiting, r, entry);
	/* Sent at the next kr_flush (or wait, or dispatch): in batches. */
	if (++nl->nwaiting >= KR_NL_INFLIGHT)
		kr_nl_pump(nl);
}

/*
 * Move waiting requests into flight while there is room, several in one
 * datagram: the kernel handles each message of it in turn and acks each.
 */
static void
kr_nl_pump(struct kr_nl *nl)
{
	struct kr_nlreq		*r, *batch[KR_NL_INFLIGHT];
	struct iovec		 iov[KR_NL_INFLIGHT];
	struct nlmsghdr		*nlh;
	struct sockaddr_nl	 sa;
	struct msghdr		 mh;
	size_t			 n, i;
	int			 err;

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	for (;;) {
		n = 0;
		TAILQ_FOREACH(r, &nl->waiting, entry) {
			if (nl->ninflight + n >= KR_NL_INFLIGHT)
				break;
			nlh = r->nlh;
			r->seq = nl->seq + (uint32_t)n + 1;
			nlh->nlmsg_seq = r->seq;
			nlh->nlmsg_pid = nl->portid;
			nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
			iov[n].iov_base = nlh;
			iov[n].iov_len = nlh->nlmsg_len;
			batch[n++] = r;
		}
		if (n == 0)
			return;
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &sa;
		mh.msg_namelen = sizeof(sa);
		mh.msg_iov = iov;
		mh.msg_iovlen = n;
		if (sendmsg(nl->fd, &mh, 0) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			/* The whole datagram was refused: fail its requests. */
			err = errno;
			log_warn("%s: sendmsg", __func__);
			for (i = 0; i < n; i++) {
				r = batch[i];
				TAILQ_REMOVE(&nl->waiting, r, entry);
				nl->nwaiting--;
				nl->nerrors++;
				if (r->cb != NULL)
					r->cb(r->arg, err);
				free(r);
			}
			continue;
		}
		nl->seq += (uint32_t)n;
		for (i = 0; i < n; i++) {
			r = batch[i];
			TAILQ_REMOVE(&nl->waiting, r, entry);
			nl->nwaiting--;
			TAILQ_INSERT_TAIL(&nl->inflight, r, entry);
		}
		nl->ninflight += n;
		nl->nsent += n;
	}
}

void
kr_flush(void)
{
	kr_req_run();
	/* Check-map removals of the requests just started, in one call. */
	rtcheck_flush();
	if (kr_route.fd != -1)
		kr_nl_pump(&kr_route);
	if (kr_xfrm.fd != -1)
		kr_nl_pump(&kr_xfrm);
}

static void
kr_nl_answer(struct kr_nl *nl, uint32_t seq, int error)
{
	struct kr_nlreq	*r;

	/* Answers come in order: the head matches unless one was lost. */
	TAILQ_FOREACH(r, &nl->inflight, entry)
		if (r->seq == seq)
			break;
	if (r == NULL)
		return;
	TAILQ_REMOVE(&nl->inflight, r, entry);
	nl->ninflight--;
	if (error != 0)
		nl->nerrors++;
	if (r->cb != NULL)
		r->cb(r->arg, error);
	free(r);
}

int
kr_nl_dispatch(struct kr_nl *nl)
{
	static uint8_t		 buf[KR_RXBUF];
	struct mmsghdr		 mm[KR_RX_BATCH];
	struct iovec		 iov[KR_RX_BATCH];
	struct nlmsghdr		*nlh;
	struct nlmsgerr		*e;
	size_t			 slot = KR_RXBUF / KR_RX_BATCH;
	int			 i, n, len;

	/* Removals started before: in the kernel before any answer goes. */
	rtcheck_flush();
	for (;;) {
		/* Many acks a system call (one recv an ack before: a good
		 * part of a mass deregistration under user-mode Linux). */
		for (i = 0; i < KR_RX_BATCH; i++) {
			iov[i].iov_base = buf + (size_t)i * slot;
			iov[i].iov_len = slot;
			memset(&mm[i], 0, sizeof(mm[i]));
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(nl->fd, mm, KR_RX_BATCH, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			if (errno == ENOBUFS) {
				/* Acks were lost: fail everything in flight. */
				log_warnx("%s: netlink overrun", __func__);
				while (!TAILQ_EMPTY(&nl->inflight))
					kr_nl_answer(nl, TAILQ_FIRST(
					    &nl->inflight)->seq, ENOBUFS);
				continue;
			}
			return -1;
		}
		for (i = 0; i < n; i++) {
			nlh = iov[i].iov_base;
			len = (int)mm[i].msg_len;
			/* Cut short (it should not be): its first ack still
			 * has what we read, the sequence and the error. */
			if ((mm[i].msg_hdr.msg_flags & MSG_TRUNC) &&
			    len >= (int)NLMSG_LENGTH(sizeof(*e)) &&
			    nlh->nlmsg_type == NLMSG_ERROR) {
				e = nlmsg_data(nlh);
				kr_nl_answer(nl, nlh->nlmsg_seq, -e->error);
				continue;
			}
			for (; nlmsg_ok(nlh, len); nlh = nlmsg_next(nlh, &len)) {
				if (nlh->nlmsg_type != NLMSG_ERROR)
					continue;
				if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					continue;
				e = nlmsg_data(nlh);
				kr_nl_answer(nl, nlh->nlmsg_seq, -e->error);
			}
		}
		if (n < KR_RX_BATCH)
			break;
	}
	kr_nl_pump(nl);
	/* A burst (a cold start) is over: give its requests' memory back,
	 * so the resident size is what the table holds. */
	if (nl->nsent - kr_trim_mark >= KR_TRIM_EVERY &&
	    TAILQ_EMPTY(&nl->inflight) && TAILQ_EMPTY(&nl->waiting)) {
		kr_trim_mark = nl->nsent;
		(void)malloc_trim(0);
	}
	return 0;
}

int
kr_nl_wait(struct kr_nl *nl)
{
	struct pollfd	 pfd;

	kr_nl_pump(nl);
	while (!TAILQ_EMPTY(&nl->inflight) || !TAILQ_EMPTY(&nl->waiting)) {
		pfd.fd = nl->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, -1) == -1 && errno != EINTR)
			return -1;
		if (kr_nl_dispatch(nl) == -1)
			return -1;
	}
	return 0;
}

static int
kr_nl_private(int proto, struct nl_msg *msg, int flags)
{
	struct sockaddr_nl	 sa;
	struct nlmsghdr		*nlh = nlmsg_hdr(msg);
	int			 fd, bufsz = KR_RCVBUF;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz,
	    sizeof(bufsz));
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	nlh->nlmsg_flags |= NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = 1;
	if (sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
kr_nl_dump(int proto, struct nl_msg *msg,
    void (*fn)(const struct nlmsghdr *, void *), void *arg)
{
	static uint8_t		 buf[KR_RXBUF];
	struct nlmsghdr		*nlh;
	ssize_t			 n;
	int			 fd, len, err = 0;

	fd = kr_nl_private(proto, msg, NLM_F_DUMP);
	nlmsg_free(msg);
	if (fd == -1)
		return errno;
	for (;;) {
		if ((n = recv(fd, buf, sizeof(buf), 0)) == -1) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
		    nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				goto done;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = -((struct nlmsgerr *)nlmsg_data(nlh))->error;
				goto done;
			}
			fn(nlh, arg);
		}
	}
 done:
	close(fd);
	return err;
}

int
kr_nl_sync(int proto, struct nl_msg *msg)
{
	uint8_t			 buf[KR_RXBUF];
	struct nlmsghdr		*nlh;
	ssize_t			 n;
	int			 fd, len;

	fd = kr_nl_private(proto, msg, NLM_F_ACK);
	nlmsg_free(msg);
	if (fd == -1)
		return errno;
	for (;;) {
		if ((n = recv(fd, buf, sizeof(buf), 0)) == -1) {
			if (errno == EINTR)
				continue;
			n = errno;
			close(fd);
			return (int)n;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
		    nlh = nlmsg_next(nlh, &len))
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				close(fd);
				return -((struct nlmsgerr *)
				    nlmsg_data(nlh))->error;
			}
	}
}

int
kr_init(void)
{
	/* libnl's default is a page per message; ours are smaller (the
	 * largest, an SA with two keys, is about 500 bytes), and a queued
	 * request keeps a copy of its exact length (kr_nl_send). */
	nlmsg_set_default_size(KR_NLMSG_SIZE);
	if (kr_route.fd == -1 && kr_nl_open(&kr_route, NETLINK_ROUTE, 0) == -1)
		return -1;
	if (kr_xfrm.fd == -1 && kr_nl_open(&kr_xfrm, NETLINK_XFRM, 0) == -1)
		return -1;
	return 0;
}

void
kr_close(void)
{
	kr_nl_close(&kr_route);
	kr_nl_close(&kr_xfrm);
}

int
kr_wait(void)
{
	struct pollfd	 pfd[2];
	int		 busy_r, busy_x;

	for (;;) {
		/* The answers made room: the requests waiting for it go. */
		kr_flush();
		busy_r = kr_route.fd != -1 &&
		    (kr_route.ninflight || !TAILQ_EMPTY(&kr_route.waiting));
		busy_x = kr_xfrm.fd != -1 &&
		    (kr_xfrm.ninflight || !TAILQ_EMPTY(&kr_xfrm.waiting));

		if (!busy_r && !busy_x)
			return 0;
		pfd[0].fd = busy_r ? kr_route.fd : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = busy_x ? kr_xfrm.fd : -1;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			return -1;
		if (busy_r && kr_nl_dispatch(&kr_route) == -1)
			return -1;
		if (busy_x && kr_nl_dispatch(&kr_xfrm) == -1)
			return -1;
	}
}

static struct nl_msg *
kr_msg(int type, int flags, const void *hdr, size_t len)
{
	struct nl_msg	*msg;

	if ((msg = nlmsg_alloc_simple(type, flags)) == NULL)
		return NULL;
	if (nlmsg_append(msg, (void *)hdr, len, NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Queue msg on the route socket, or report ENOMEM through cb. */
static int
kr_queue(struct nl_msg *msg, int ok, kr_cb cb, void *arg)
{
	if (msg == NULL || !ok) {
		if (msg != NULL)
			nlmsg_free(msg);
		if (cb != NULL)
			cb(arg, ENOMEM);
		return -1;
	}
	kr_nl_send(&kr_route, msg, cb, arg);
	return 0;
}

int
kr_link_tnl_external(int add, const char *name, kr_cb cb, void *arg)
{
	struct ifinfomsg	 ifi;
	struct nl_msg		*msg;
	struct nlattr		*li, *data;
	int			 ok;

	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	if (!add) {
		msg = kr_msg(RTM_DELLINK, 0, &ifi, sizeof(ifi));
		ok = msg != NULL && nla_put_string(msg, IFLA_IFNAME, name) == 0;
		return kr_queue(msg, ok, cb, arg);
	}
	ifi.ifi_flags = ifi.ifi_change = IFF_UP;
	msg = kr_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	ok = msg != NULL &&
	    nla_put_string(msg, IFLA_IFNAME, name) == 0 &&
	    (li = nla_nest_start(msg, IFLA_LINKINFO)) != NULL &&
	    nla_put_string(msg, IFLA_INFO_KIND, "ip6tnl") == 0 &&
	    (data = nla_nest_start(msg, IFLA_INFO_DATA)) != NULL &&
	    nla_put_flag(msg, IFLA_IPTUN_COLLECT_METADATA) == 0 &&
	    nla_put_u8(msg, IFLA_IPTUN_PROTO, IPPROTO_IPV6) == 0 &&
	    nla_put_u32(msg, IFLA_IPTUN_FLAGS, IP6_TNL_F_IGN_ENCAP_LIMIT) == 0 &&
	    nla_nest_end(msg, data) == 0 && nla_nest_end(msg, li) == 0;
	return kr_queue(msg, ok, cb, arg);
}

int
kr_link_tnl_p2p(int add, const char *name, const struct in6_addr *local,
    const struct in6_addr *remote, unsigned int link_ifindex, kr_cb cb,
    void *arg)
{
	struct ifinfomsg	 ifi;
	struct nl_msg		*msg;
	struct nlattr		*li, *data;
	unsigned int		 idx;
	int			 ok;

	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	if (!add) {
		msg = kr_msg(RTM_DELLINK, 0, &ifi, sizeof(ifi));
		ok = msg != NULL && nla_put_string(msg, IFLA_IFNAME, name) == 0;
		return kr_queue(msg, ok, cb, arg);
	}
	/* Present already: change its endpoints in place (a CoA move). */
	idx = if_nametoindex(name);
	ifi.ifi_index = (int)idx;
	ifi.ifi_flags = ifi.ifi_change = IFF_UP;
	msg = kr_msg(RTM_NEWLINK, idx ? 0 : NLM_F_CREATE | NLM_F_EXCL, &ifi,
	    sizeof(ifi));
	ok = msg != NULL &&
	    (idx || nla_put_string(msg, IFLA_IFNAME, name) == 0) &&
	    (li = nla_nest_start(msg, IFLA_LINKINFO)) != NULL &&
	    nla_put_string(msg, IFLA_INFO_KIND, "ip6tnl") == 0 &&
	    (data = nla_nest_start(msg, IFLA_INFO_DATA)) != NULL &&
	    nla_put(msg, IFLA_IPTUN_LOCAL, sizeof(*local), local) == 0 &&
	    nla_put(msg, IFLA_IPTUN_REMOTE, sizeof(*remote), remote) == 0 &&
	    nla_put_u8(msg, IFLA_IPTUN_PROTO, IPPROTO_IPV6) == 0 &&
	    nla_put_u8(msg, IFLA_IPTUN_TTL, KR_TNL_HOPLIMIT) == 0 &&
	    nla_put_u32(msg, IFLA_IPTUN_FLAGS, IP6_TNL_F_IGN_ENCAP_LIMIT) == 0 &&
	    (link_ifindex == 0 ||
	    nla_put_u32(msg, IFLA_IPTUN_LINK, link_ifindex) == 0) &&
	    nla_nest_end(msg, data) == 0 && nla_nest_end(msg, li) == 0;
	return kr_queue(msg, ok, cb, arg);
}

int
kr_link_set_up(const char *name, int up, kr_cb cb, void *arg)
{
	struct ifinfomsg	 ifi;
	struct nl_msg		*msg;
	int			 ok;

	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_change = IFF_UP;
	ifi.ifi_flags = up ? IFF_UP : 0;
	msg = kr_msg(RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	ok = msg != NULL && nla_put_string(msg, IFLA_IFNAME, name) == 0;
	return kr_queue(msg, ok, cb, arg);
}

int
kr_link_del_index(unsigned int ifindex, kr_cb cb, void *arg)
{
	struct ifinfomsg	 ifi;

	memset(&ifi, 0, sizeof(ifi));
	ifi.ifi_family = AF_UNSPEC;
	ifi.ifi_index = (int)ifindex;
	return kr_queue(kr_msg(RTM_DELLINK, 0, &ifi, sizeof(ifi)), 1, cb, arg);
}

static void
kr_rtmsg(struct rtmsg *rtm, uint8_t plen, uint32_t table, int add)
{
	memset(rtm, 0, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = plen;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = KR_RTPROT;
	rtm->rtm_scope = add ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
	rtm->rtm_type = RTN_UNICAST;
}

int
kr_route_encap(int add, const struct in6_addr *dst, uint8_t plen,
    const struct in6_addr *coa, const struct in6_addr *src, unsigned int oif,
    kr_cb cb, void *arg)
{
	struct rtmsg	 rtm;
	struct nl_msg	*msg;
	struct nlattr	*encap;
	int		 ok;

	kr_rtmsg(&rtm, plen, RT_TABLE_MAIN, add);
	if (!add) {
		msg = kr_msg(RTM_DELROUTE, 0, &rtm, sizeof(rtm));
		ok = msg != NULL &&
		    nla_put(msg, RTA_DST, sizeof(*dst), dst) == 0;
		return kr_queue(msg, ok, cb, arg);
	}
	/* REPLACE: a CoA move swaps the route in one step. */
	msg = kr_msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &rtm,
	    sizeof(rtm));
	ok = msg != NULL &&
	    nla_put(msg, RTA_DST, sizeof(*dst), dst) == 0 &&
	    nla_put_u32(msg, RTA_OIF, oif) == 0 &&
	    nla_put_u16(msg, RTA_ENCAP_TYPE, LWTUNNEL_ENCAP_IP6) == 0 &&
	    (encap = nla_nest_start(msg, RTA_ENCAP)) != NULL &&
	    nla_put(msg, LWTUNNEL_IP6_DST, sizeof(*coa), coa) == 0 &&
	    (src == NULL || IN6_IS_ADDR_UNSPECIFIED(src) ||
	    nla_put(msg, LWTUNNEL_IP6_SRC, sizeof(*src), src) == 0) &&
	    nla_put_u8(msg, LWTUNNEL_IP6_HOPLIMIT, KR_TNL_HOPLIMIT) == 0 &&
	    nla_nest_end(msg, encap) == 0;
	return kr_queue(msg, ok, cb, arg);
}

int
kr_route_dev(int add, const struct in6_addr *dst, uint8_t plen,
    uint32_t table, unsigned int oif, kr_cb cb, void *arg)
{
	struct rtmsg	 rtm;
	struct nl_msg	*msg;
	int		 ok;

	kr_rtmsg(&rtm, plen, table, add);
	msg = add ? kr_msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &rtm,
	    sizeof(rtm)) : kr_msg(RTM_DELROUTE, 0, &rtm, sizeof(rtm));
	ok = msg != NULL &&
	    (plen == 0 || nla_put(msg, RTA_DST, sizeof(*dst), dst) == 0) &&
	    nla_put_u32(msg, RTA_TABLE, table) == 0 &&
	    (oif == 0 || nla_put_u32(msg, RTA_OIF, oif) == 0);
	return kr_queue(msg, ok, cb, arg);
}

/*
 * Remove one main-table route to prefix/plen through oif whatever its
 * protocol (an on-link prefix route that RA or an address added): the
 * mobile node away from home must not find its home prefix on-link.
 */
int
kr_route_del_any(const struct in6_addr *dst, uint8_t plen,
    const struct in6_addr *gw, unsigned int oif, kr_cb cb, void *arg)
{
	struct rtmsg	 rtm;
	struct nl_msg	*msg;
	int		 ok;

	kr_rtmsg(&rtm, plen, RT_TABLE_MAIN, 0);
	rtm.rtm_protocol = RTPROT_UNSPEC;
	msg = kr_msg(RTM_DELROUTE, 0, &rtm, sizeof(rtm));
	ok = msg != NULL &&
	    (plen == 0 || nla_put(msg, RTA_DST, sizeof(*dst), dst) == 0) &&
	    (gw == NULL || nla_put(msg, RTA_GATEWAY, sizeof(*gw), gw) == 0) &&
	    nla_put_u32(msg, RTA_OIF, oif) == 0;
	return kr_queue(msg, ok, cb, arg);
}

int
kr_rule_src(int add, const struct in6_addr *src, uint8_t plen,
    uint32_t table, uint32_t prio, kr_cb cb, void *arg)
{
	struct fib_rule_hdr	 frh;
	struct nl_msg		*msg;
	int			 ok;

	memset(&frh, 0, sizeof(frh));
	frh.family = AF_INET6;
	frh.src_len = plen;
	frh.table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	frh.action = FR_ACT_TO_TBL;
	msg = add ? kr_msg(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, &frh,
	    sizeof(frh)) : kr_msg(RTM_DELRULE, 0, &frh, sizeof(frh));
	ok = msg != NULL &&
	    nla_put(msg, FRA_SRC, sizeof(*src), src) == 0 &&
	    nla_put_u32(msg, FRA_TABLE, table) == 0 &&
	    nla_put_u32(msg, FRA_PRIORITY, prio) == 0 &&
	    nla_put_u8(msg, FRA_PROTOCOL, KR_RTPROT) == 0;
	return kr_queue(msg, ok, cb, arg);
}

int
kr_addr(int add, const struct in6_addr *a, uint8_t plen,
    unsigned int ifindex, uint32_t flags, kr_cb cb, void *arg)
{
	struct ifaddrmsg	 ifa;
	struct nl_msg		*msg;
	int			 ok;

	memset(&ifa, 0, sizeof(ifa));
	ifa.ifa_family = AF_INET6;
	ifa.ifa_prefixlen = plen;
	ifa.ifa_index = ifindex;
	ifa.ifa_flags = (uint8_t)flags;
	msg = add ? kr_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, &ifa,
	    sizeof(ifa)) : kr_msg(RTM_DELADDR, 0, &ifa, sizeof(ifa));
	ok = msg != NULL &&
	    nla_put(msg, IFA_LOCAL, sizeof(*a), a) == 0 &&
	    nla_put(msg, IFA_ADDRESS, sizeof(*a), a) == 0 &&
	    (!add || nla_put_u32(msg, IFA_FLAGS, flags) == 0);
	return kr_queue(msg, ok, cb, arg);
}

int
kr_proxy(int add, const struct in6_addr *a, unsigned int ifindex, kr_cb cb,
    void *arg)
{
	struct ndmsg	 ndm;
	struct nl_msg	*msg;
	int		 ok;

	memset(&ndm, 0, sizeof(ndm));
	ndm.ndm_family = AF_INET6;
	ndm.ndm_ifindex = (int)ifindex;
	ndm.ndm_flags = NTF_PROXY;
	ndm.ndm_state = NUD_PERMANENT;
	msg = add ? kr_msg(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &ndm,
	    sizeof(ndm)) : kr_msg(RTM_DELNEIGH, 0, &ndm, sizeof(ndm));
	ok = msg != NULL &&
	    nla_put(msg, NDA_DST, sizeof(*a), a) == 0 &&
	    (!add || nla_put_u8(msg, NDA_PROTOCOL, KR_RTPROT) == 0);
	return kr_queue(msg, ok, cb, arg);
}

/* Write /proc/sys/net/ipv6/conf/IFNAME/KEY (proxy_ndp, forwarding). */
int
kr_sysctl_if(const char *ifname, const char *key, const char *val)
{
	char	 path[128];
	int	 fd, n;
	ssize_t	 len = (ssize_t)strlen(val);

	if (strchr(ifname, '/') != NULL || strchr(key, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	n = snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s",
	    ifname, key);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	if (write(fd, val, (size_t)len) != len) {
		close(fd);
		return -1;
	}
	return close(fd);
}
