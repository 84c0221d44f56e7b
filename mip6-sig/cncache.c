/*
 * Correspondent binding cache: an RB tree keyed by (home address,
 * correspondent address).  See cncache.h.
 */
/* libbsd's tree.h marks its static functions __unused without defining it. */
#ifndef __unused
#define __unused __attribute__((unused))
#endif

#include <sys/types.h>
#include <netinet/in.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cncache.h"
#include "mip6_const.h"

static int	 cc_cmp(struct cn_entry *, struct cn_entry *);

RB_GENERATE_STATIC(cn_tree, cn_entry, entry, cc_cmp)

static int
cc_cmp(struct cn_entry *a, struct cn_entry *b)
{
	int	 c;

	if ((c = memcmp(&a->hoa, &b->hoa, sizeof(a->hoa))) != 0)
		return c;
	return memcmp(&a->cn, &b->cn, sizeof(a->cn));
}

void
cc_init(struct cncache *cc, size_t max)
{
	RB_INIT(&cc->head);
	cc->count = 0;
	cc->max = max;
}

void
cc_clear(struct cncache *cc, void (*fn)(struct cn_entry *, void *),
    void *arg)
{
	struct cn_entry	*e;

	while ((e = RB_MIN(cn_tree, &cc->head)) != NULL) {
		if (fn != NULL)
			fn(e, arg);
		cc_remove(cc, e);
	}
}

struct cn_entry *
cc_find(const struct cncache *cc, const struct in6_addr *hoa,
    const struct in6_addr *cn)
{
	struct cn_entry	 key;

	memcpy(&key.hoa, hoa, sizeof(key.hoa));
	memcpy(&key.cn, cn, sizeof(key.cn));
	return RB_FIND(cn_tree, (struct cn_tree *)&cc->head, &key);
}

struct cn_entry *
cc_find_hoa(const struct cncache *cc, const struct in6_addr *hoa)
{
	struct cn_entry	 key, *e;

	memcpy(&key.hoa, hoa, sizeof(key.hoa));
	memset(&key.cn, 0, sizeof(key.cn));
	/* The smallest entry at or after (hoa, ::). */
	e = RB_NFIND(cn_tree, (struct cn_tree *)&cc->head, &key);
	if (e != NULL && memcmp(&e->hoa, hoa, sizeof(*hoa)) == 0)
		return e;
	return NULL;
}

struct cn_entry *
cc_insert(struct cncache *cc, const struct in6_addr *hoa,
    const struct in6_addr *cn)
{
	struct cn_entry	*e;

	if (cc->count >= cc->max || cc_find(cc, hoa, cn) != NULL)
		return NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	memcpy(&e->hoa, hoa, sizeof(e->hoa));
	memcpy(&e->cn, cn, sizeof(e->cn));
	RB_INSERT(cn_tree, &cc->head, e);
	cc->count++;
	cc->gen++;
	return e;
}

void
cc_remove(struct cncache *cc, struct cn_entry *e)
{
	RB_REMOVE(cn_tree, &cc->head, e);
	cc->count--;
	cc->gen++;
	free(e);
}

struct cn_entry *
cc_first(const struct cncache *cc)
{
	return RB_MIN(cn_tree, (struct cn_tree *)&cc->head);
}

struct cn_entry *
cc_next(const struct cncache *cc, struct cn_entry *e)
{
	return RB_NEXT(cn_tree, (struct cn_tree *)&cc->head, e);
}

uint32_t
cc_remaining(const struct cn_entry *e, int64_t now)
{
	return e->expires > now ? (uint32_t)(e->expires - now) : 0;
}

static const char *
kstate_str(enum cn_kstate k)
{
	switch (k) {
	case CN_K_PENDING:
		return "pending";
	case CN_K_INSTALLED:
		return "installed";
	default:
		return "none";
	}
}

size_t
cc_format(char *buf, size_t size, int json, const struct cn_entry *e,
    int64_t now)
{
	char	 hoa[ADDR_STRLEN], coa[ADDR_STRLEN], cn[ADDR_STRLEN];
	int64_t	 age = now > e->created ? now - e->created : 0;
	int	 n;

	addr_ntop(&e->hoa, hoa, sizeof(hoa));
	addr_ntop(&e->coa, coa, sizeof(coa));
	addr_ntop(&e->cn, cn, sizeof(cn));
	/* Addresses and fixed words need no JSON escaping. */
	if (json)
		n = snprintf(buf, size, "\"hoa\":\"%s\",\"coa\":\"%s\","
		    "\"cn\":\"%s\",\"seq\":%u,\"lifetime\":%" PRIu32 ","
		    "\"remaining\":%" PRIu32 ",\"age\":%" PRId64 ","
		    "\"updates\":%" PRIu32 ",\"coa_changes\":%" PRIu32 ","
		    "\"kernel\":\"%s\"", hoa, coa, cn, e->seq, e->lifetime,
		    cc_remaining(e, now), age, e->updates, e->coa_changes,
		    kstate_str(e->kstate));
	else
		n = snprintf(buf, size, "hoa=%s coa=%s cn=%s seq=%u "
		    "lifetime=%" PRIu32 " remaining=%" PRIu32 " age=%" PRId64
		    " updates=%" PRIu32 " coa_changes=%" PRIu32 " kernel=%s",
		    hoa, coa, cn, e->seq, e->lifetime, cc_remaining(e, now),
		    age, e->updates, e->coa_changes, kstate_str(e->kstate));
	return n < 0 ? 0 : (size_t)n;
}
