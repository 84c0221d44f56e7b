/*
 * Pending DAD probes: see hadad.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hadad.h"

#define HADAD_MIN_BUCKETS	64
#define HADAD_MAX_BUCKETS	(1u << 20)

static uint32_t
hadad_hash(const struct hadad_q *q, const struct in6_addr *a)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	/* FNV-1a over the interface identifier and the prefix's tail. */
	for (i = 4; i < 16; i++) {
		h ^= a->s6_addr[i];
		h *= 16777619u;
	}
	return h & (q->nbuckets - 1);
}

int
hadad_init(struct hadad_q *q, uint32_t max)
{
	uint32_t	 nb = HADAD_MIN_BUCKETS;

	memset(q, 0, sizeof(*q));
	TAILQ_INIT(&q->fifo);
	while (nb < max && nb < HADAD_MAX_BUCKETS)
		nb <<= 1;
	if ((q->hash = calloc(nb, sizeof(*q->hash))) == NULL)
		return -1;
	q->nbuckets = nb;
	q->max = max;
	return 0;
}

void
hadad_clear(struct hadad_q *q)
{
	struct hadad	*d;

	while ((d = TAILQ_FIRST(&q->fifo)) != NULL)
		hadad_remove(q, d);
	free(q->hash);
	q->hash = NULL;
	q->nbuckets = 0;
}

struct hadad *
hadad_find(const struct hadad_q *q, const struct in6_addr *hoa)
{
	struct hadad	*d;

	if (q->count == 0)
		return NULL;
	for (d = q->hash[hadad_hash(q, hoa)]; d != NULL; d = d->hnext)
		if (memcmp(&d->hoa, hoa, sizeof(*hoa)) == 0)
			return d;
	return NULL;
}

struct hadad *
hadad_add(struct hadad_q *q, const struct in6_addr *hoa,
    unsigned int ifindex, int64_t deadline_ms)
{
	struct hadad	*d;
	uint32_t	 b;

	if (q->count >= q->max) {
		errno = ENOSPC;
		return NULL;
	}
	if (hadad_find(q, hoa) != NULL) {
		errno = EEXIST;
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->hoa = *hoa;
	d->ifindex = ifindex;
	d->deadline_ms = deadline_ms;
	b = hadad_hash(q, hoa);
	d->hnext = q->hash[b];
	q->hash[b] = d;
	TAILQ_INSERT_TAIL(&q->fifo, d, fifo);
	q->count++;
	return d;
}

void
hadad_remove(struct hadad_q *q, struct hadad *d)
{
	struct hadad	**pp;

	for (pp = &q->hash[hadad_hash(q, &d->hoa)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == d) {
			*pp = d->hnext;
			break;
		}
	TAILQ_REMOVE(&q->fifo, d, fifo);
	q->count--;
	free(d);
}

struct hadad *
hadad_due(const struct hadad_q *q, int64_t now_ms)
{
	struct hadad	*d = TAILQ_FIRST(&q->fifo);

	return d != NULL && d->deadline_ms <= now_ms ? d : NULL;
}

int64_t
hadad_next_deadline(const struct hadad_q *q)
{
	struct hadad	*d = TAILQ_FIRST(&q->fifo);

	return d != NULL ? d->deadline_ms : -1;
}
