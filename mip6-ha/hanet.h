/*
 * The home agent's ICMPv6 socket (opened by mip6-priv, role_socket()):
 * DAD probes and unsolicited Neighbor Advertisements.  Plain system calls,
 * no engine state: ha.c decides, hanet.c moves bytes.  The Mobility
 * Header socket is common/mhsock.c.
 */
#ifndef MIP6_HA_HANET_H
#define MIP6_HA_HANET_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define HANET_MAC_LEN	6

/* An interface learnt before the sandbox (no ioctl after it). */
struct hanet_if {
	char		 name[16];
	unsigned int	 index;
	uint8_t		 mac[HANET_MAC_LEN];
	int		 has_mac;
};

/* Receive options and filter (NS, NA) on the ICMPv6 socket. */
int	 hanet_icmp6_setup(int fd);
/* Neighbor Solicitation for target on ifindex (a DAD probe). */
int	 hanet_send_ns(int fd, unsigned int ifindex,
	    const struct in6_addr *target);
/* Unsolicited all-nodes Neighbor Advertisement (O=1, S=0, R=0). */
int	 hanet_send_na(int fd, unsigned int ifindex,
	    const struct in6_addr *target, const uint8_t *mac);
/* An ICMPv6 message (checksum filled by the kernel) to dst on ifindex. */
int	 hanet_send_icmp6(int fd, unsigned int ifindex,
	    const struct in6_addr *dst, const void *buf, size_t len);
/* Join (1) or leave (0) the solicited-node group of target on ifindex. */
int	 hanet_solicited_group(int fd, unsigned int ifindex,
	    const struct in6_addr *target, int join);

/* What hanet_recv_icmp6 saw: an NS or NA about target. */
struct hanet_nd {
	uint8_t		 type;		/* ND_NEIGHBOR_SOLICIT / _ADVERT */
	struct in6_addr	 src;
	struct in6_addr	 target;
	unsigned int	 ifindex;
};
/* 1 with nd filled, 2 a packet that is no NS/NA (read on), 0 nothing
 * waiting, -1 error. */
int	 hanet_recv_icmp6(int fd, struct hanet_nd *);

/* The interfaces as they are now (call before the sandbox). */
size_t	 hanet_if_list(struct hanet_if *, size_t max);

#endif
