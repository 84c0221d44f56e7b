/*
 * The home agent's sockets (both opened by mip6-priv, role_socket()):
 * the raw Mobility Header socket and the ICMPv6 socket for DAD probes and
 * unsolicited Neighbor Advertisements.  Plain system calls, no engine
 * state: ha.c decides, hanet.c moves bytes.
 *
 * What the MH socket sees with a CONFIG_IPV6_MIP6 kernel (net/ipv6/
 * exthdrs.c, ipv6_dest_hao): the kernel swaps the Home Address option
 * into the IPv6 source before the packet reaches us, so the source of
 * recvmsg() is the home address and the option in the IPV6_DSTOPTS cmsg
 * holds the care-of address (the source on the wire).  hanet_recv_mh()
 * turns that back into wire terms: src = care-of address, hao = home
 * address, as hareg wants it.
 */
#ifndef MIP6_HA_HANET_H
#define MIP6_HA_HANET_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define HANET_MAC_LEN	6

/* One received Mobility Header. */
struct hanet_rx {
	struct in6_addr	 src;		/* IPv6 source on the wire */
	struct in6_addr	 dst;		/* IPv6 destination (pktinfo) */
	struct in6_addr	 hoa;		/* Home Address option, when has_hao */
	struct in6_addr	 rh2;		/* type 2 routing header, when has_rh2 */
	unsigned int	 ifindex;
	int		 has_hao;
	int		 has_rh2;
	int		 bad_exthdr;	/* a destination options header we
					   could not read */
};

/* An interface learnt before the sandbox (no ioctl after it). */
struct hanet_if {
	char		 name[16];
	unsigned int	 index;
	uint8_t		 mac[HANET_MAC_LEN];
	int		 has_mac;
};

/* Receive options on the MH socket.  0, or -1 (errno). */
int	 hanet_mh_setup(int fd);
/* Receive options and filter (NS, NA) on the ICMPv6 socket. */
int	 hanet_icmp6_setup(int fd);
/*
 * One Mobility Header into buf.  Returns its length, 0 when nothing is
 * waiting, -1 on error (errno).
 */
ssize_t	 hanet_recv_mh(int fd, uint8_t *buf, size_t size, struct hanet_rx *);
/*
 * Send a Mobility Header from src to dst.  With via non-NULL the packet
 * goes to via with a type 2 routing header holding dst (RFC 3542: the
 * routing header lists the hop, the destination is the final one).
 * 0, or -1 (errno).
 */
int	 hanet_send_mh(int fd, const uint8_t *buf, size_t len,
	    const struct in6_addr *src, const struct in6_addr *dst,
	    const struct in6_addr *via);

/* Neighbor Solicitation for target on ifindex (a DAD probe). */
int	 hanet_send_ns(int fd, unsigned int ifindex,
	    const struct in6_addr *target);
/* Unsolicited all-nodes Neighbor Advertisement (O=1, S=0, R=0). */
int	 hanet_send_na(int fd, unsigned int ifindex,
	    const struct in6_addr *target, const uint8_t *mac);
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
