/*
 * Pending duplicate address detection probes of the home agent (issue 9).
 * Every probe waits the same time (RetransTimer), so the probes form a
 * FIFO ordered by deadline: one timer serves them all (the head's
 * deadline), and a hash on the home address finds the probe an NS or NA
 * names in O(1).  Thousands may run at once; the queue holds at most
 * `max` (home-agent dad-max-pending) and refuses more, so the caller can
 * shed the Binding Update and count it.  Pure data structure: no I/O.
 */
#ifndef MIP6_HA_HADAD_H
#define MIP6_HA_HADAD_H

#include <sys/queue.h>
#include <netinet/in.h>
#include <stdint.h>

struct hadad {
	TAILQ_ENTRY(hadad)	 fifo;
	struct hadad		*hnext;		/* hash chain */
	struct in6_addr		 hoa;
	int64_t			 deadline_ms;
	unsigned int		 ifindex;
	int			 joined;	/* solicited-node group joined */
	/* L=1: the probe of the mobile node's link-local address (hoa
	 * holds it) for the registration of home address owner. */
	int			 ll;
	struct in6_addr		 owner;
	/* Where the BA goes when DAD is over: the IPv6 source of the
	 * registration's latest BU (RFC 6275 9.5.4; the binding keeps the
	 * care-of address, which an Alternate Care-of Address option may
	 * have made another address). */
	struct in6_addr		 ba_dst;
};

struct hadad_q {
	TAILQ_HEAD(, hadad)	 fifo;
	struct hadad		**hash;
	uint32_t		 nbuckets;	/* power of two */
	uint32_t		 count;
	uint32_t		 max;
};

/* An empty queue of at most max probes.  0, or -1 (ENOMEM). */
int		 hadad_init(struct hadad_q *, uint32_t max);
/* Free every probe (the caller left the groups already). */
void		 hadad_clear(struct hadad_q *);
struct hadad	*hadad_find(const struct hadad_q *, const struct in6_addr *);
/* A new probe due at deadline_ms (not before any queued one's).  NULL
 * with errno ENOSPC when max probes are pending, EEXIST, or ENOMEM. */
struct hadad	*hadad_add(struct hadad_q *, const struct in6_addr *hoa,
		    unsigned int ifindex, int64_t deadline_ms);
/* Unlink and free. */
void		 hadad_remove(struct hadad_q *, struct hadad *);
/* The oldest probe when due at now_ms, else NULL (not unlinked). */
struct hadad	*hadad_due(const struct hadad_q *, int64_t now_ms);
/* The head's deadline, -1 when empty. */
int64_t		 hadad_next_deadline(const struct hadad_q *);

#endif
