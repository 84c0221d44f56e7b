/*
 * The home agent's sockets: see hanet.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string.h>

#include "hanet.h"
#include "mh.h"
#include "mhsock.h"

#define ND_HOPLIMIT		255

static int	 setopt(int fd, int level, int name, int value);
static void	 solicited_node(const struct in6_addr *, struct in6_addr *);

static int
setopt(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

int
hanet_icmp6_setup(int fd)
{
	struct icmp6_filter	 f;

	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_NEIGHBOR_SOLICIT, &f);
	ICMP6_FILTER_SETPASS(ND_NEIGHBOR_ADVERT, &f);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) == -1)
		return -1;
	/* Neighbor Discovery wants 255; our own probes must not loop back. */
	if (setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) == -1 ||
	    setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ND_HOPLIMIT) == -1 ||
	    setopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, ND_HOPLIMIT) == -1 ||
	    setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) == -1)
		return -1;
	return 0;
}

/* ff02::1:ffXX:XXXX (RFC 4291 2.7.1). */
static void
solicited_node(const struct in6_addr *a, struct in6_addr *g)
{
	memset(g, 0, sizeof(*g));
	g->s6_addr[0] = 0xff;
	g->s6_addr[1] = 0x02;
	g->s6_addr[11] = 0x01;
	g->s6_addr[12] = 0xff;
	memcpy(&g->s6_addr[13], &a->s6_addr[13], 3);
}

static int
send_icmp6(int fd, unsigned int ifindex, const struct in6_addr *dst,
    const void *buf, size_t len)
{
	struct sockaddr_in6	 to;

	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	to.sin6_addr = *dst;
	to.sin6_scope_id = ifindex;
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) == -1)
		return -1;
	return 0;
}

int
hanet_send_icmp6(int fd, unsigned int ifindex, const struct in6_addr *dst,
    const void *buf, size_t len)
{
	return send_icmp6(fd, ifindex, dst, buf, len);
}

int
hanet_send_ns(int fd, unsigned int ifindex, const struct in6_addr *target)
{
	struct nd_neighbor_solicit	 ns;
	struct in6_addr			 g;

	memset(&ns, 0, sizeof(ns));
	ns.nd_ns_type = ND_NEIGHBOR_SOLICIT;
	ns.nd_ns_target = *target;
	solicited_node(target, &g);
	return send_icmp6(fd, ifindex, &g, &ns, sizeof(ns));
}

int
hanet_send_na(int fd, unsigned int ifindex, const struct in6_addr *target,
    const uint8_t *mac)
{
	struct {
		struct nd_neighbor_advert na;
		struct nd_opt_hdr	 opt;
		uint8_t			 lla[HANET_MAC_LEN];
	} __attribute__((packed)) p;
	struct in6_addr			 all;
	size_t				 len = sizeof(p.na);

	memset(&p, 0, sizeof(p));
	p.na.nd_na_type = ND_NEIGHBOR_ADVERT;
	p.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	p.na.nd_na_target = *target;
	if (mac != NULL) {
		p.opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
		p.opt.nd_opt_len = 1;
		memcpy(p.lla, mac, HANET_MAC_LEN);
		len = sizeof(p);
	}
	memset(&all, 0, sizeof(all));
	all.s6_addr[0] = 0xff;
	all.s6_addr[1] = 0x02;
	all.s6_addr[15] = 0x01;
	return send_icmp6(fd, ifindex, &all, &p, len);
}

int
hanet_solicited_group(int fd, unsigned int ifindex,
    const struct in6_addr *target, int join)
{
	struct ipv6_mreq	 mr;

	memset(&mr, 0, sizeof(mr));
	solicited_node(target, &mr.ipv6mr_multiaddr);
	mr.ipv6mr_interface = ifindex;
	return setsockopt(fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP :
	    IPV6_LEAVE_GROUP, &mr, sizeof(mr));
}

int
hanet_recv_icmp6(int fd, struct hanet_nd *nd)
{
	struct mh_rx	 rx;
	uint8_t		 buf[1500];
	ssize_t		 n;

	memset(nd, 0, sizeof(*nd));
	if ((n = mh_sock_recv(fd, buf, sizeof(buf), &rx)) <= 0)
		return n == 0 ? 0 : errno == EMSGSIZE ? 2 : -1;
	/* type, code, checksum, reserved/flags, then the target */
	if ((size_t)n < sizeof(struct nd_neighbor_solicit))
		return 2;
	if (buf[0] != ND_NEIGHBOR_SOLICIT && buf[0] != ND_NEIGHBOR_ADVERT)
		return 2;
	nd->type = buf[0];
	nd->src = rx.src;
	memcpy(&nd->target, buf + 8, sizeof(nd->target));
	nd->ifindex = rx.ifindex;
	return 1;
}

size_t
hanet_if_list(struct hanet_if *ifs, size_t max)
{
	struct ifaddrs		*ifa, *i;
	struct sockaddr_ll	*sll;
	size_t			 n = 0, k;

	if (getifaddrs(&ifa) == -1)
		return 0;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_PACKET)
			continue;
		sll = (struct sockaddr_ll *)(void *)i->ifa_addr;
		for (k = 0; k < n; k++)
			if (ifs[k].index == (unsigned int)sll->sll_ifindex)
				break;
		if (k < n || n >= max)
			continue;
		memset(&ifs[n], 0, sizeof(ifs[n]));
		strncpy(ifs[n].name, i->ifa_name, sizeof(ifs[n].name) - 1);
		ifs[n].index = (unsigned int)sll->sll_ifindex;
		if (sll->sll_halen == HANET_MAC_LEN) {
			memcpy(ifs[n].mac, sll->sll_addr, HANET_MAC_LEN);
			ifs[n].has_mac = 1;
		}
		n++;
	}
	freeifaddrs(ifa);
	return n;
}
