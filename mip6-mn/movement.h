/*
 * Movement detection (RFC 6275 section 11.5): what the mobile node knows
 * of its interfaces (kernel link and address events forwarded by
 * mip6-priv, router advertisements) and the decision drawn from it: at
 * home, away with a care-of address on an interface, or nowhere.
 *
 * The link an interface is on is told by the last router advertisement
 * received on it since it came up: its prefixes say home or foreign, and
 * the care-of address is a usable (not tentative, not deprecated) global
 * address of the interface inside one of them.  A carrier loss, or the
 * default route through the interface going away, forgets the link.  An
 * interface that never heard an advertisement is judged by its addresses
 * (MV_RA_WAIT_MS after it came up).
 *
 * Pure logic: no I/O.  Times in ms.
 */
#ifndef MIP6_MN_MOVEMENT_H
#define MIP6_MN_MOVEMENT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define MV_MAX_IFS	16
#define MV_MAX_ADDRS	64
#define MV_MAX_PFX	8
#define MV_IFNAMSIZ	16

struct mv_prefix {
	struct in6_addr	 prefix;
	uint8_t		 plen;
	uint8_t		 flags;		/* ND_OPT_PI_FLAG_* (L, A, R) */
	uint32_t	 valid;		/* seconds */
	uint32_t	 preferred;
};

/* A router advertisement, as mv_ra_parse read it. */
struct mv_ra {
	uint8_t		 flags;		/* M O H ... octet */
	uint16_t	 router_lifetime;
	struct mv_prefix pfx[MV_MAX_PFX];
	size_t		 npfx;
	uint32_t	 adv_interval;	/* ms, 0 without the option */
	struct in6_addr	 router;	/* its source (set by the caller) */
};
#define MV_RA_F_HA	0x20		/* Home Agent flag (RFC 6275 7.1) */

struct mv_if {
	uint32_t	 ifindex;
	char		 name[MV_IFNAMSIZ];
	int		 configured;	/* one of mobile-node.interfaces */
	int		 preference;
	int		 up;		/* IFF_UP and IFF_RUNNING */
	int		 ra_now;	/* an RA since it came up */
	int		 ra_ever;	/* an RA at all */
	struct mv_prefix pfx[MV_MAX_PFX];	/* of the last RA */
	size_t		 npfx;
	int		 ra_ha;		/* the last RA had the H flag */
	struct in6_addr	 router;	/* the last RA's source */
	uint64_t	 ra_at;
	uint64_t	 up_at;		/* when it came up (mv.now) */
};

struct mv_addr {
	struct in6_addr	 addr;
	uint32_t	 ifindex;
	uint8_t		 plen;
	uint32_t	 flags;		/* IFA_F_* */
};

struct mv_conf_if {
	char		 name[MV_IFNAMSIZ];
	int		 preference;
};

/* An interface that never heard an RA is judged by its addresses only
 * this long after it came up: an RA is usually on its way. */
#define MV_RA_WAIT_MS	2000

struct mv {
	uint64_t	 now;		/* ms, set by the caller before each call */
	struct in6_addr	 hoa;
	uint8_t		 hoa_plen;
	struct mv_if	 ifs[MV_MAX_IFS];
	size_t		 nifs;
	struct mv_addr	 addrs[MV_MAX_ADDRS];
	size_t		 naddrs;
	struct mv_conf_if conf[MV_MAX_IFS];
	size_t		 nconf;
};

enum mv_where {
	MV_NOWHERE = 0,		/* no usable link: keep what we have */
	MV_HOME,
	MV_AWAY
};

struct mv_decision {
	enum mv_where	 where;
	struct in6_addr	 coa;		/* MV_AWAY */
	uint32_t	 ifindex;	/* the interface (home or care-of) */
	char		 ifname[MV_IFNAMSIZ];
	uint32_t	 coa_valid;	/* s, the care-of prefix's valid
					   lifetime in the RA; 0 unknown */
};

void	 mv_init(struct mv *, const struct in6_addr *hoa, uint8_t plen,
	    const struct mv_conf_if *, size_t nconf);
/* Link event; returns 1 when the interface just came up (send an RS). */
int	 mv_link(struct mv *, uint32_t ifindex, const char *name,
	    uint32_t flags, int deleted);
void	 mv_addr(struct mv *, const struct in6_addr *, uint32_t ifindex,
	    uint8_t plen, uint32_t flags, int deleted);
/* The default route through ifindex went away (router lifetime). */
void	 mv_default_gone(struct mv *, uint32_t ifindex);
/* Neighbour unreachability for addr on ifindex: when it is the router
 * that told us the link, the link is forgotten (1), else 0. */
int	 mv_neigh_failed(struct mv *, uint32_t ifindex,
	    const struct in6_addr *addr);
/* A router advertisement received on ifindex; 0 when ignored. */
int	 mv_ra(struct mv *, uint32_t ifindex, const struct mv_ra *,
	    uint64_t now);
void	 mv_decide(const struct mv *, struct mv_decision *);

/*
 * Parse an ICMPv6 router advertisement (from the ICMPv6 type on):
 * 0 on success, -1 when it is not a valid RA (RFC 4861 6.1.2: code 0,
 * length, option lengths).  The caller checks hop limit 255 and a
 * link-local source.
 */
int	 mv_ra_parse(const uint8_t *, size_t, struct mv_ra *);

/* 1 when a lies inside prefix/plen. */
int	 mv_in_prefix(const struct in6_addr *a, const struct in6_addr *prefix,
	    uint8_t plen);
const struct mv_if *mv_if_by_index(const struct mv *, uint32_t);
const char *mv_where_str(enum mv_where);

#endif
