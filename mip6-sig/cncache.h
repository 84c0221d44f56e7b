/*
 * Correspondent binding cache (RFC 6275 sections 9.1, 9.5): one entry per
 * (home address, correspondent address) pair, ordered (libbsd's RB tree,
 * <bsd/sys/tree.h>), bounded by max-bindings.  No I/O: the engine asks
 * mip6-priv for the route-optimization states of each entry.
 */
#ifndef MIP6_SIG_CNCACHE_H
#define MIP6_SIG_CNCACHE_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include <bsd/sys/tree.h>

/* The kernel side of an entry (route-optimization states). */
enum cn_kstate {
	CN_K_NONE = 0,		/* nothing asked yet */
	CN_K_PENDING,		/* IMSG_KR_RO_ADD sent, no reply yet */
	CN_K_INSTALLED		/* the parent installed the states */
};

struct cn_entry {
	RB_ENTRY(cn_entry)	 entry;
	struct in6_addr		 hoa;
	struct in6_addr		 cn;		/* our address the BU went to */
	struct in6_addr		 coa;
	struct in6_addr		 kcoa;		/* care-of address in the kernel */
	uint16_t		 seq;		/* last accepted */
	uint16_t		 flags;		/* BU flags, MH_BU_F_* */
	uint32_t		 lifetime;	/* granted, seconds */
	int64_t			 created;	/* monotonic seconds */
	int64_t			 refreshed;
	int64_t			 expires;
	uint32_t		 updates;	/* BUs accepted, the first included */
	uint32_t		 coa_changes;
	enum cn_kstate		 kstate;
};

RB_HEAD(cn_tree, cn_entry);

struct cncache {
	struct cn_tree		 head;
	size_t			 count;
	size_t			 max;
	uint64_t		 gen;	/* changes (persist-bindings) */
};

void		 cc_init(struct cncache *, size_t max);
/* Remove and free every entry; fn (may be NULL) sees each one first. */
void		 cc_clear(struct cncache *, void (*fn)(struct cn_entry *,
		    void *), void *);
struct cn_entry	*cc_find(const struct cncache *, const struct in6_addr *hoa,
		    const struct in6_addr *cn);
/* The first entry for hoa, whatever our address (Binding Errors). */
struct cn_entry	*cc_find_hoa(const struct cncache *,
		    const struct in6_addr *hoa);
/* A new zeroed entry for (hoa, cn); NULL when full, present or no memory. */
struct cn_entry	*cc_insert(struct cncache *, const struct in6_addr *hoa,
		    const struct in6_addr *cn);
void		 cc_remove(struct cncache *, struct cn_entry *);
struct cn_entry	*cc_first(const struct cncache *);
struct cn_entry	*cc_next(const struct cncache *, struct cn_entry *);
/* Seconds left, 0 when expired. */
uint32_t	 cc_remaining(const struct cn_entry *, int64_t now);
/*
 * One binding for `mip6ctl show bindings`: key=value pairs on one line, or
 * (json) the members of a JSON object without braces.  Like snprintf.
 */
size_t		 cc_format(char *buf, size_t size, int json,
		    const struct cn_entry *, int64_t now);
#define CC_FORMAT_MAX	512

#endif
