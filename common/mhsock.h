/*
 * The raw Mobility Header socket every role gets from mip6-priv
 * (role_socket(ROLE_SOCK_MH): SOCK_RAW, IPPROTO_MH, the kernel fills and
 * checks the checksum).  One receive and one send path for all roles.
 *
 * What the socket sees with a CONFIG_IPV6_MIP6 kernel (net/ipv6/exthdrs.c,
 * ipv6_dest_hao): the kernel swaps the Home Address option into the IPv6
 * source before the packet reaches us, so the source of recvmsg() is the
 * home address and the option in the IPV6_DSTOPTS cmsg holds the care-of
 * address (the source on the wire).  mh_sock_recv() turns that back into
 * wire terms: src = care-of address, hoa = home address.
 */
#ifndef MIP6_MHSOCK_H
#define MIP6_MHSOCK_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* One received Mobility Header, in wire terms. */
struct mh_rx {
	struct in6_addr	 src;		/* IPv6 source on the wire */
	struct in6_addr	 dst;		/* IPv6 destination (pktinfo) */
	struct in6_addr	 hoa;		/* Home Address option, when has_hao */
	struct in6_addr	 rh2;		/* type 2 routing header, when has_rh2 */
	unsigned int	 ifindex;
	int		 has_dst;	/* dst and ifindex are known */
	int		 has_hao;
	int		 has_rh2;
	int		 bad_exthdr;	/* a destination options header we
					   could not read */
	int		 hoplimit;	/* IPV6_RECVHOPLIMIT set: the hop
					   limit; -1 when not known */
	int		 has_drops;	/* SO_RXQ_OVFL set on the socket */
	uint32_t	 drops;		/* datagrams the full socket dropped
					   so far (a running total) */
};

/*
 * Receive options: IPV6_RECVPKTINFO, IPV6_RECVDSTOPTS, IPV6_RECVRTHDR.
 * 0, or -1 (errno).
 */
int	 mh_sock_setup(int fd);
/*
 * One datagram into buf: a Mobility Header, or on the roles' ICMPv6
 * sockets an ICMPv6 message (the same ancillary data).  Returns its length, 0 when nothing is
 * waiting, -1 on error (errno; EMSGSIZE for a truncated datagram, which
 * is consumed: the caller counts it and reads on).
 */
ssize_t	 mh_sock_recv(int fd, uint8_t *buf, size_t size, struct mh_rx *);
/*
 * Up to n datagrams (at most MH_SOCK_BATCH) in one recvmmsg: datagram i
 * into buf + i * size, its ancillary data into rx[i], its length into
 * len[i] (-1 for a truncated one, consumed).  Returns how many, 0 when
 * nothing is waiting, -1 on error (errno).  One system call for a burst
 * (issue 9: under user-mode Linux a call costs some 35 us).
 */
#define MH_SOCK_BATCH	32
int	 mh_sock_recvm(int fd, uint8_t *buf, size_t size, struct mh_rx *rx,
	    ssize_t *len, int n);
/*
 * Send a Mobility Header from src (NULL: the kernel picks) to dst, out
 * of ifindex when not 0.  With via non-NULL the packet goes to via with a
 * type 2 routing header holding dst (RFC 3542: the routing header lists
 * the hop, the destination is the final one).  0, or -1 (errno).
 */
int	 mh_sock_send(int fd, const uint8_t *buf, size_t len,
	    const struct in6_addr *src, const struct in6_addr *dst,
	    const struct in6_addr *via, unsigned int ifindex);

#endif
