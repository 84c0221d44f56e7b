/*
 * Rate-limited logging of what strangers make a role say: one line per
 * interval at most, with the number held back since the last one.  A
 * flood of malformed packets costs a counter increment each, not a log
 * line each.
 */
#ifndef MIP6_RATELOG_H
#define MIP6_RATELOG_H

#include <stdint.h>

#define RATELOG_INTERVAL_MS	1000

struct ratelog {
	int64_t		 last_ms;	/* when the last line went out */
	uint64_t	 held;		/* lines held back since then */
	int		 started;
};

/*
 * 1: log now; *held gets how many were held back before this one (and
 * the count starts again).  0: hold this one back.
 */
int	 ratelog_allow(struct ratelog *, int64_t now_ms, uint64_t *held);

#endif
