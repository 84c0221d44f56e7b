/*
 * IPv6 address and prefix helpers shared by the configuration parser and
 * by mip6-priv's request checks ("is this address inside a configured home
 * prefix?").  Pure functions, no allocation.
 */
#ifndef MIP6_ADDR_H
#define MIP6_ADDR_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_MAX_PLEN		128
#define ADDR_STRLEN		INET6_ADDRSTRLEN
/* "addr/128" and the terminating NUL. */
#define ADDR_PREFIX_STRLEN	(INET6_ADDRSTRLEN + 4)

/* Results of addr_parse_prefix(). */
enum addr_perr {
	ADDR_OK = 0,
	ADDR_EBADADDR,		/* the address part does not parse */
	ADDR_EBADPLEN,		/* the length is not a decimal number */
	ADDR_EPLENRANGE,	/* the length is above 128 */
	ADDR_ENOPLEN,		/* no "/len" where one is required */
	ADDR_EPLENGIVEN		/* a "/len" where none is allowed */
};

/* Parse a bare IPv6 address (no zone, no length).  0, or -1. */
int	 addr_parse(const char *, struct in6_addr *);
/*
 * Parse "ADDR/LEN".  want_plen: 1 the length is required, 0 it is
 * optional (*plen is then 128), -1 it is refused.
 */
enum addr_perr addr_parse_prefix(const char *, struct in6_addr *,
	    unsigned int *plen, int want_plen);

/* Is a inside prefix/plen? plen above 128 never matches. */
int	 addr_in_prefix(const struct in6_addr *a,
	    const struct in6_addr *prefix, unsigned int plen);
/* Do the two prefixes share any address? */
int	 addr_prefix_overlap(const struct in6_addr *, unsigned int,
	    const struct in6_addr *, unsigned int);
/* Clear the bits after plen. */
void	 addr_mask(struct in6_addr *, unsigned int plen);
/* Are all bits after plen zero (a prefix, or a subnet-router anycast)? */
int	 addr_host_bits_zero(const struct in6_addr *, unsigned int plen);
/* Unicast with global scope: not ::, ::1, multicast, link-local or
 * IPv4-mapped.  Unique local addresses (fc00::/7) count as global. */
int	 addr_is_global_unicast(const struct in6_addr *);
int	 addr_equal(const struct in6_addr *, const struct in6_addr *);
/* The link-local address fe80::/64 with a's interface identifier (its
 * last 64 bits): a mobile node's with the L flag (RFC 6275 6.1.7). */
void	 addr_link_local_of(const struct in6_addr *a, struct in6_addr *ll);
int	 addr_cmp(const struct in6_addr *, const struct in6_addr *);

/* Text forms into the caller's buffer; they return buf. */
const char *addr_ntop(const struct in6_addr *, char *buf, size_t len);
const char *addr_prefix_ntop(const struct in6_addr *, unsigned int plen,
	    char *buf, size_t len);

#endif
