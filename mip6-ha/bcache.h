/*
 * The home agent's binding cache (RFC 6275 sections 9.1 and 10.1).
 *
 * Design:
 * - Entries are ordered by home address in a red-black tree (libbsd
 *   <bsd/sys/tree.h>): O(log n) look-up, and `mip6ctl show bindings` walks
 *   them in address order with bc_first()/bc_next().
 * - Timers: ONE binary min-heap of entry pointers for the whole cache, keyed
 *   on each entry's next deadline (the Binding Refresh Request time while one
 *   is due, then the expiry).  The engine arms a single libevent timer for
 *   bc_next_deadline() and calls bc_pop_due() when it fires; there is no
 *   event per binding (issue 9: < 256 bytes resident per binding).  Every
 *   entry knows its heap slot, so a refresh re-keys it in O(log n).
 * - The cache is bounded by max-bindings (config); an entry waiting for DAD
 *   counts, so a flood of first registrations cannot outgrow the bound.
 * - Time is whole seconds of a monotonic clock chosen by the caller: the
 *   cache never reads a clock, which keeps it testable.
 * - No I/O, no logging: the engine owns the socket and the imsg channel.
 */
#ifndef MIP6_HA_BCACHE_H
#define MIP6_HA_BCACHE_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stdint.h>

#include <bsd/sys/tree.h>

enum bc_state {
	BC_ST_DAD = 0,		/* first registration waits for DAD */
	BC_ST_ACTIVE		/* accepted, kernel state installed */
};

/* What bc_pop_due() reports. */
enum bc_event {
	BC_EV_NONE = 0,
	BC_EV_BRR,		/* time to send a Binding Refresh Request */
	BC_EV_EXPIRE		/* lifetime ran out: remove it */
};

#define BC_NO_SLOT		UINT32_MAX	/* not in the heap */

/* Per-binding statistics for mip6ctl. */
struct bc_stats {
	uint32_t	 bu_accepted;	/* registrations and refreshes */
	uint32_t	 bu_refused;	/* BUs answered with status >= 128 */
	uint32_t	 coa_changes;
	uint32_t	 brr_sent;
};

struct bc_entry {
	RB_ENTRY(bc_entry) node;
	struct in6_addr	 hoa;
	struct in6_addr	 coa;
	int64_t		 created;	/* when first accepted (or DAD started) */
	int64_t		 expires;	/* lifetime runs out */
	int64_t		 brr_at;	/* Binding Refresh Request due, 0 none */
	int64_t		 updated;	/* last accepted BU */
	struct bc_stats	 stats;
	uint32_t	 slot;		/* heap index, BC_NO_SLOT */
	uint16_t	 seq;		/* last accepted (pending: being DADed) */
	uint16_t	 lifetime;	/* granted, 4-s units */
	uint16_t	 flags;		/* BU flags (MH_BU_F_*) of the last BU */
	uint8_t		 state;		/* enum bc_state */
	uint16_t	 link;		/* index into conf_ha.links */
};

RB_HEAD(bc_tree, bc_entry);

struct bcache {
	struct bc_tree	 tree;
	struct bc_entry	**heap;
	uint32_t	 count;		/* entries in the tree */
	uint32_t	 heap_len;	/* entries in the heap */
	uint32_t	 heap_size;	/* allocated slots */
	uint32_t	 max;		/* max-bindings */
	uint64_t	 gen;		/* changes so far (the state file's) */
};

/* An empty cache holding at most max entries.  0, or -1 (ENOMEM). */
int		 bc_init(struct bcache *, uint32_t max);
/* Free every entry and the heap. */
void		 bc_clear(struct bcache *);

struct bc_entry	*bc_lookup(const struct bcache *, const struct in6_addr *hoa);
/*
 * A new entry for hoa, zeroed but for hoa (state BC_ST_DAD, not timed).
 * NULL with errno ENOSPC when the cache is full, EEXIST when hoa is there,
 * ENOMEM.
 */
struct bc_entry	*bc_insert(struct bcache *, const struct in6_addr *hoa);
/* Unlink and free. */
void		 bc_remove(struct bcache *, struct bc_entry *);
int		 bc_full(const struct bcache *);

/* Set the expiry and the BRR time (0: none) and re-key the timer. */
void		 bc_set_times(struct bcache *, struct bc_entry *,
		    int64_t expires, int64_t brr_at);
/* The earliest deadline (for the one engine timer), -1 when none. */
int64_t		 bc_next_deadline(const struct bcache *);
/*
 * The next entry whose deadline is <= now, with *ev saying why, or NULL.
 * BC_EV_BRR clears brr_at and re-keys the entry to its expiry.
 * BC_EV_EXPIRE takes the entry out of the heap (it is still in the tree):
 * the caller undoes the kernel state and calls bc_remove().
 */
struct bc_entry	*bc_pop_due(struct bcache *, int64_t now, enum bc_event *ev);

/* Walk in home address order. */
struct bc_entry	*bc_first(const struct bcache *);
struct bc_entry	*bc_next(const struct bcache *, struct bc_entry *);

/*
 * One binding for `mip6ctl show bindings`: key=value pairs on one line, or
 * (json) the members of a JSON object without braces.  ifname may be NULL.
 * Like snprintf: returns the length needed, truncates to size.
 */
size_t		 bc_format(char *buf, size_t size, int json,
		    const struct bc_entry *, const char *ifname, int64_t now);
/* Room for any formatted entry. */
#define BC_FORMAT_MAX	512

/* Seconds left, 0 when past. */
uint32_t	 bc_remaining(const struct bc_entry *, int64_t now);
const char	*bc_state_str(enum bc_state);	/* "dad", "active" */

#endif
