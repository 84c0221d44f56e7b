/*
 * Per-source BU rate limit: see hasrc.h.
 */
#include <string.h>

#include "hasrc.h"

void
hasrc_init(struct hasrc *h, uint32_t rate)
{
	memset(h, 0, sizeof(*h));
	h->rate = rate;
}

static uint32_t
hasrc_hash(const struct in6_addr *a)
{
	uint32_t	 x = 2166136261u;
	size_t		 i;

	for (i = 0; i < 16; i++) {
		x ^= a->s6_addr[i];
		x *= 16777619u;
	}
	return x % HASRC_SLOTS;
}

int
hasrc_allow(struct hasrc *h, const struct in6_addr *src, int64_t now_ms)
{
	struct hasrc_slot	*s;
	uint64_t		 full, add;

	if (h->rate == 0)
		return 1;
	full = (uint64_t)h->rate * 1000;
	s = &h->slot[hasrc_hash(src)];
	if (!s->used || memcmp(&s->addr, src, sizeof(*src)) != 0) {
		s->used = 1;
		s->addr = *src;
		s->milli = (uint32_t)(full > UINT32_MAX ? UINT32_MAX : full);
		s->last_ms = now_ms;
	} else if (now_ms > s->last_ms) {
		/* rate tokens per second = rate milli-tokens per ms */
		add = (uint64_t)(now_ms - s->last_ms) * h->rate + s->milli;
		s->milli = (uint32_t)(add > full ? full : add);
		s->last_ms = now_ms;
	}
	if (s->milli < 1000)
		return 0;
	s->milli -= 1000;
	return 1;
}
