/*
 * Rate-limited logging: see ratelog.h.
 */
#include <stdint.h>

#include "ratelog.h"

int
ratelog_allow(struct ratelog *rl, int64_t now_ms, uint64_t *held)
{
	if (rl->started && now_ms - rl->last_ms < RATELOG_INTERVAL_MS &&
	    now_ms >= rl->last_ms) {
		rl->held++;
		return 0;
	}
	rl->started = 1;
	rl->last_ms = now_ms;
	*held = rl->held;
	rl->held = 0;
	return 1;
}
