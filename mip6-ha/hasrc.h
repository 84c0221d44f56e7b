/*
 * Per-source rate limit of Binding Updates (home-agent
 * bu-rate-per-source, issue 9): a token bucket per source address (the
 * care-of address on the wire), rate tokens a second, as many in the
 * bucket at most.  The buckets live in a fixed table indexed by a hash of
 * the address: no allocation per source; a source whose slot another
 * address took starts with a full bucket (many sources are bounded by the
 * home agent's queues instead).  Pure logic: no I/O.
 */
#ifndef MIP6_HA_HASRC_H
#define MIP6_HA_HASRC_H

#include <netinet/in.h>
#include <stdint.h>

#define HASRC_SLOTS	4096

struct hasrc_slot {
	struct in6_addr	 addr;
	int64_t		 last_ms;
	uint32_t	 milli;		/* tokens x 1000 */
	int		 used;
};

struct hasrc {
	uint32_t		 rate;	/* per second; 0: no limit */
	struct hasrc_slot	 slot[HASRC_SLOTS];
};

void	 hasrc_init(struct hasrc *, uint32_t rate);
/* 1 when a BU from src may be handled now (a token taken), 0 to shed. */
int	 hasrc_allow(struct hasrc *, const struct in6_addr *src, int64_t now_ms);

#endif
