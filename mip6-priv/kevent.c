/*
 * Kernel events for the roles: link, address, route and neighbour
 * changes (rtnetlink groups) and XFRM acquire/report (xfrm groups),
 * turned into typed messages (kreq.h).  Notifications caused by our own
 * requests carry our request socket's port id: those echoes are dropped.
 */
#include <net/if.h>
#include <sys/socket.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/xfrm.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "log.h"
#include "kernel.h"
#include "proto.h"

#define KEV_BUF		(64 * 1024)

static struct kr_nl	 kev_route = { .fd = -1 };
static struct kr_nl	 kev_xfrm = { .fd = -1 };
static kr_ev_sink	 kev_sink;
static void		*kev_arg;

int
kr_ev_open(kr_ev_sink sink, void *arg)
{
	uint32_t	 groups = RTMGRP_LINK | RTMGRP_IPV6_IFADDR |
	    RTMGRP_IPV6_ROUTE | RTMGRP_NEIGH;

	kev_sink = sink;
	kev_arg = arg;
	if (kr_nl_open(&kev_route, NETLINK_ROUTE, groups) == -1)
		return -1;
	/* xfrm groups are numbered from 1: bit n-1 in the legacy mask. */
	if (kr_nl_open(&kev_xfrm, NETLINK_XFRM,
	    (1u << (XFRMNLGRP_ACQUIRE - 1)) |
	    (1u << (XFRMNLGRP_REPORT - 1))) == -1) {
		kr_nl_close(&kev_route);
		return -1;
	}
	return 0;
}

int
kr_ev_fd(void)
{
	return kev_route.fd;
}

int
kr_ev_xfrm_fd(void)
{
	return kev_xfrm.fd;
}

void
kr_ev_close(void)
{
	kr_nl_close(&kev_route);
	kr_nl_close(&kev_xfrm);
}

/* Our own request caused it: the role asked for it and gets the reply. */
static int
kev_echo(const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_pid != 0 && (nlh->nlmsg_pid == kr_route.portid ||
	    nlh->nlmsg_pid == kr_xfrm.portid);
}

static void
kev_copy_addr(struct in6_addr *dst, const struct nlattr *a)
{
	if (a != NULL && nla_len(a) == (int)sizeof(*dst))
		memcpy(dst, nla_data(a), sizeof(*dst));
}

static void
kev_route_msg(const struct nlmsghdr *nlh)
{
	struct nlattr	*tb[IFLA_MAX + RTA_MAX + NDA_MAX + IFA_MAX + 4];
	int		 del;

	del = nlh->nlmsg_type == RTM_DELLINK ||
	    nlh->nlmsg_type == RTM_DELADDR ||
	    nlh->nlmsg_type == RTM_DELROUTE || nlh->nlmsg_type == RTM_DELNEIGH;
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK: {
		struct ifinfomsg	*ifi = nlmsg_data(nlh);
		struct kr_ev_link	 ev;

		if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*ifi), tb,
		    IFLA_MAX, NULL) < 0)
			return;
		memset(&ev, 0, sizeof(ev));
		ev.ifindex = (uint32_t)ifi->ifi_index;
		ev.flags = ifi->ifi_flags;
		ev.deleted = del;
		if (tb[IFLA_IFNAME])
			strlcpy(ev.ifname, nla_get_string(tb[IFLA_IFNAME]),
			    sizeof(ev.ifname));
		kev_sink(KR_SUB_LINK, IMSG_KR_EV_LINK, &ev, sizeof(ev),
		    kev_arg);
		break;
	}
	case RTM_NEWADDR:
	case RTM_DELADDR: {
		struct ifaddrmsg	*ifa = nlmsg_data(nlh);
		struct kr_ev_addr	 ev;

		if (ifa->ifa_family != AF_INET6 ||
		    nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*ifa), tb,
		    IFA_MAX, NULL) < 0)
			return;
		memset(&ev, 0, sizeof(ev));
		kev_copy_addr(&ev.addr, tb[IFA_LOCAL] ? tb[IFA_LOCAL] :
		    tb[IFA_ADDRESS]);
		ev.ifindex = ifa->ifa_index;
		ev.plen = ifa->ifa_prefixlen;
		ev.flags = tb[IFA_FLAGS] ? nla_get_u32(tb[IFA_FLAGS]) :
		    ifa->ifa_flags;
		ev.deleted = del;
		kev_sink(KR_SUB_ADDR, IMSG_KR_EV_ADDR, &ev, sizeof(ev),
		    kev_arg);
		break;
	}
	case RTM_NEWROUTE:
	case RTM_DELROUTE: {
		struct rtmsg		*rtm = nlmsg_data(nlh);
		struct kr_ev_route	 ev;

		if (rtm->rtm_family != AF_INET6 ||
		    nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*rtm), tb,
		    RTA_MAX, NULL) < 0)
			return;
		memset(&ev, 0, sizeof(ev));
		kev_copy_addr(&ev.dst, tb[RTA_DST]);
		kev_copy_addr(&ev.gw, tb[RTA_GATEWAY]);
		ev.plen = rtm->rtm_dst_len;
		ev.ifindex = tb[RTA_OIF] ? nla_get_u32(tb[RTA_OIF]) : 0;
		ev.protocol = rtm->rtm_protocol;
		ev.deleted = del;
		kev_sink(KR_SUB_ROUTE, IMSG_KR_EV_ROUTE, &ev, sizeof(ev),
		    kev_arg);
		break;
	}
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH: {
		struct ndmsg		*ndm = nlmsg_data(nlh);
		struct kr_ev_neigh	 ev;

		if (ndm->ndm_family != AF_INET6 ||
		    nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*ndm), tb,
		    NDA_MAX, NULL) < 0)
			return;
		memset(&ev, 0, sizeof(ev));
		kev_copy_addr(&ev.addr, tb[NDA_DST]);
		ev.ifindex = (uint32_t)ndm->ndm_ifindex;
		ev.state = ndm->ndm_state;
		ev.deleted = del;
		kev_sink(KR_SUB_NEIGH, IMSG_KR_EV_NEIGH, &ev, sizeof(ev),
		    kev_arg);
		break;
	}
	}
}

static void
kev_xfrm_msg(const struct nlmsghdr *nlh)
{
	struct kr_ev_xfrm	 ev;
	struct nlattr		*tb[XFRMA_MAX + 1];

	memset(&ev, 0, sizeof(ev));
	if (nlh->nlmsg_type == XFRM_MSG_ACQUIRE) {
		struct xfrm_user_acquire *a = nlmsg_data(nlh);

		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*a)))
			return;
		ev.kind = KR_XFRM_ACQUIRE;
		ev.proto = a->id.proto;
		memcpy(&ev.src, &a->saddr, sizeof(ev.src));
		memcpy(&ev.dst, &a->id.daddr, sizeof(ev.dst));
	} else if (nlh->nlmsg_type == XFRM_MSG_REPORT) {
		struct xfrm_user_report *r = nlmsg_data(nlh);

		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*r)))
			return;
		ev.kind = KR_XFRM_REPORT;
		ev.proto = r->proto;
		memcpy(&ev.src, &r->sel.saddr, sizeof(ev.src));
		memcpy(&ev.dst, &r->sel.daddr, sizeof(ev.dst));
		/* The report names the address the kernel saw (RFC 6275 BE). */
		if (nlmsg_parse((struct nlmsghdr *)nlh, sizeof(*r), tb,
		    XFRMA_MAX, NULL) == 0 && tb[XFRMA_COADDR] &&
		    nla_len(tb[XFRMA_COADDR]) >= (int)sizeof(ev.coa))
			memcpy(&ev.coa, nla_data(tb[XFRMA_COADDR]),
			    sizeof(ev.coa));
	} else
		return;
	kev_sink(KR_SUB_XFRM, IMSG_KR_EV_XFRM, &ev, sizeof(ev), kev_arg);
}

static void
kev_dump1(const struct nlmsghdr *nlh, void *arg)
{
	kev_route_msg(nlh);
}

/*
 * The current links and addresses as events, for a role that just
 * subscribed (a mobile node starting on a foreign link sees its care-of
 * address without waiting for a change).
 */
int
kr_ev_dump(uint32_t mask)
{
	struct ifinfomsg	 ifi;
	struct ifaddrmsg	 ifa;
	struct nl_msg		*msg;
	int			 err = 0;

	if (kev_sink == NULL)
		return 0;
	if (mask & KR_SUB_LINK) {
		memset(&ifi, 0, sizeof(ifi));
		ifi.ifi_family = AF_UNSPEC;
		if ((msg = nlmsg_alloc_simple(RTM_GETLINK, 0)) == NULL ||
		    nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) != 0) {
			if (msg != NULL)
				nlmsg_free(msg);
			return ENOMEM;
		}
		err = kr_nl_dump(NETLINK_ROUTE, msg, kev_dump1, NULL);
	}
	if (err == 0 && (mask & KR_SUB_ADDR)) {
		memset(&ifa, 0, sizeof(ifa));
		ifa.ifa_family = AF_INET6;
		if ((msg = nlmsg_alloc_simple(RTM_GETADDR, 0)) == NULL ||
		    nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) != 0) {
			if (msg != NULL)
				nlmsg_free(msg);
			return ENOMEM;
		}
		err = kr_nl_dump(NETLINK_ROUTE, msg, kev_dump1, NULL);
	}
	return err;
}

static int
kev_read(struct kr_nl *nl, void (*fn)(const struct nlmsghdr *))
{
	static uint8_t	 buf[KEV_BUF];
	struct nlmsghdr	*nlh;
	ssize_t		 n;
	int		 len;

	if (nl->fd == -1)
		return 0;
	for (;;) {
		if ((n = recv(nl->fd, buf, sizeof(buf), 0)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			/* Overrun: events were lost; the roles resync on their own. */
			if (errno == ENOBUFS) {
				log_warnx("kernel events: overrun, some lost");
				continue;
			}
			return -1;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
		    nlh = nlmsg_next(nlh, &len))
			if (!kev_echo(nlh))
				fn(nlh);
	}
}

int
kr_ev_dispatch(void)
{
	if (kev_read(&kev_route, kev_route_msg) == -1)
		return -1;
	return kev_read(&kev_xfrm, kev_xfrm_msg);
}
