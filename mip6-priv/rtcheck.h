/*
 * The reverse-tunnel check of the home agent (RFC 6275 10.4.5): a packet
 * that arrives through the home agent's tunnel is accepted only when its
 * outer source is the care-of address bound to its inner source, the
 * home address.
 *
 * Mechanism: a hash set of (care-of address, home address) pairs in a BPF
 * map, looked up by a small classifier on the ingress of the flow-based
 * ip6ip6 device (tc clsact, direct action).  After decapsulation that
 * device still carries the outer header's source in the packet's tunnel
 * metadata, so one lookup decides: pair present, pass; absent, drop.
 * Chosen over an nftables set because the lab's kernel (Debian's UML 6.1)
 * has nf_tables without the ip6, inet and netdev families; the cost is
 * the same (one hash lookup a packet, one entry a binding) and updates are
 * one bpf(2) call, no netlink round trip.  See README "Kernel state".
 */
#ifndef MIP6_RTCHECK_H
#define MIP6_RTCHECK_H

#include <netinet/in.h>
#include <stdint.h>

#define RTCHECK_NAME		"mip6_rtcheck"	/* map and program name */
#define RTCHECK_PRIO		1		/* tc filter priority */

/*
 * Load the program with a new map of up to max entries and attach it to
 * ifindex's ingress (creating the clsact qdisc).  0, or -1 with errno.
 */
int	 rtcheck_attach(unsigned int ifindex, uint32_t max);
void	 rtcheck_detach(void);
int	 rtcheck_add(const struct in6_addr *coa, const struct in6_addr *hoa);
/* Removal is deferred: it reaches the kernel at rtcheck_flush (or with
 * the next add, walk or detach), in batches. */
int	 rtcheck_del(const struct in6_addr *coa, const struct in6_addr *hoa);
void	 rtcheck_flush(void);
/* Entries in the map (walks it). */
size_t	 rtcheck_count(void);
/* Walk the map: fn(coa, hoa, arg) for each pair. */
void	 rtcheck_walk(void (*fn)(const struct in6_addr *,
	    const struct in6_addr *, void *), void *arg);
/* Can this kernel load and attach the program?  0, or errno. */
int	 rtcheck_probe(void);

#endif
