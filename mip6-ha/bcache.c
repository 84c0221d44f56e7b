/*
 * Binding cache: red-black tree by home address plus one min-heap of
 * deadlines.  See bcache.h for the design.
 */
#include <sys/types.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libbsd's tree.h marks its static functions __unused without defining it. */
#ifndef __unused
#define __unused __attribute__((unused))
#endif
#include "addr.h"
#include "bcache.h"
#include "mip6_const.h"

#define BC_HEAP_MIN	64	/* first heap allocation, in slots */

static int	 bc_cmp(struct bc_entry *, struct bc_entry *);
static int64_t	 bc_deadline(const struct bc_entry *);
static void	 heap_swap(struct bcache *, uint32_t, uint32_t);
static void	 heap_up(struct bcache *, uint32_t);
static void	 heap_down(struct bcache *, uint32_t);
static void	 heap_fix(struct bcache *, uint32_t);
static int	 heap_reserve(struct bcache *);
static void	 heap_push(struct bcache *, struct bc_entry *);
static void	 heap_del(struct bcache *, struct bc_entry *);
static void	 flag_letters(uint16_t, char *, size_t);

RB_GENERATE_STATIC(bc_tree, bc_entry, node, bc_cmp)

static int
bc_cmp(struct bc_entry *a, struct bc_entry *b)
{
	return memcmp(&a->hoa, &b->hoa, sizeof(a->hoa));
}

/* The BRR while one is due before the expiry, else the expiry. */
static int64_t
bc_deadline(const struct bc_entry *e)
{
	if (e->brr_at != 0 && e->brr_at < e->expires)
		return e->brr_at;
	return e->expires;
}

static void
heap_swap(struct bcache *bc, uint32_t i, uint32_t j)
{
	struct bc_entry *t = bc->heap[i];

	bc->heap[i] = bc->heap[j];
	bc->heap[j] = t;
	bc->heap[i]->slot = i;
	bc->heap[j]->slot = j;
}

static void
heap_up(struct bcache *bc, uint32_t i)
{
	uint32_t p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (bc_deadline(bc->heap[p]) <= bc_deadline(bc->heap[i]))
			return;
		heap_swap(bc, i, p);
		i = p;
	}
}

static void
heap_down(struct bcache *bc, uint32_t i)
{
	uint32_t n = bc->heap_len, l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < n &&
		    bc_deadline(bc->heap[l]) < bc_deadline(bc->heap[m]))
			m = l;
		if (r < n &&
		    bc_deadline(bc->heap[r]) < bc_deadline(bc->heap[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(bc, i, m);
		i = m;
	}
}

/* Restore order after slot i's key changed either way. */
static void
heap_fix(struct bcache *bc, uint32_t i)
{
	heap_up(bc, i);
	heap_down(bc, i);
}

/* Room for one more; the heap grows by doubling, up to max entries. */
static int
heap_reserve(struct bcache *bc)
{
	struct bc_entry **h;
	uint32_t n;

	if (bc->heap_len < bc->heap_size)
		return 0;
	n = bc->heap_size == 0 ? BC_HEAP_MIN : bc->heap_size * 2;
	if (n > bc->max)
		n = bc->max;
	if (n <= bc->heap_len)
		n = bc->heap_len + 1;
	h = reallocarray(bc->heap, n, sizeof(*h));
	if (h == NULL)
		return -1;
	bc->heap = h;
	bc->heap_size = n;
	return 0;
}

static void
heap_push(struct bcache *bc, struct bc_entry *e)
{
	e->slot = bc->heap_len++;
	bc->heap[e->slot] = e;
	heap_up(bc, e->slot);
}

static void
heap_del(struct bcache *bc, struct bc_entry *e)
{
	uint32_t i = e->slot, last;

	if (i == BC_NO_SLOT)
		return;
	last = --bc->heap_len;
	if (i != last) {
		heap_swap(bc, i, last);
		bc->heap[last] = NULL;
		heap_fix(bc, i);
	} else
		bc->heap[last] = NULL;
	e->slot = BC_NO_SLOT;
}

int
bc_init(struct bcache *bc, uint32_t max)
{
	memset(bc, 0, sizeof(*bc));
	RB_INIT(&bc->tree);
	bc->max = max;
	return 0;
}

void
bc_clear(struct bcache *bc)
{
	struct bc_entry *e, *n;

	for (e = RB_MIN(bc_tree, &bc->tree); e != NULL; e = n) {
		n = RB_NEXT(bc_tree, &bc->tree, e);
		RB_REMOVE(bc_tree, &bc->tree, e);
		free(e);
	}
	free(bc->heap);
	bc->heap = NULL;
	bc->heap_len = bc->heap_size = bc->count = 0;
}

struct bc_entry *
bc_lookup(const struct bcache *bc, const struct in6_addr *hoa)
{
	struct bc_entry key;

	key.hoa = *hoa;
	/* RB_FIND does not modify the tree; its macro just wants non-const. */
	return RB_FIND(bc_tree, (struct bc_tree *)&bc->tree, &key);
}

int
bc_full(const struct bcache *bc)
{
	return bc->count >= bc->max;
}

struct bc_entry *
bc_insert(struct bcache *bc, const struct in6_addr *hoa)
{
	struct bc_entry *e;

	if (bc_full(bc)) {
		errno = ENOSPC;
		return NULL;
	}
	if (bc_lookup(bc, hoa) != NULL) {
		errno = EEXIST;
		return NULL;
	}
	/* Reserve the heap slot now so bc_set_times() cannot fail later. */
	if (heap_reserve(bc) == -1)
		return NULL;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->hoa = *hoa;
	e->slot = BC_NO_SLOT;
	e->state = BC_ST_DAD;
	RB_INSERT(bc_tree, &bc->tree, e);
	bc->count++;
	bc->gen++;
	return e;
}

void
bc_remove(struct bcache *bc, struct bc_entry *e)
{
	heap_del(bc, e);
	RB_REMOVE(bc_tree, &bc->tree, e);
	bc->count--;
	bc->gen++;
	free(e);
}

void
bc_set_times(struct bcache *bc, struct bc_entry *e, int64_t expires,
    int64_t brr_at)
{
	e->expires = expires;
	e->brr_at = brr_at;
	bc->gen++;
	if (e->slot == BC_NO_SLOT) {
		/* bc_insert() reserved room for every entry in the tree. */
		heap_push(bc, e);
		return;
	}
	heap_fix(bc, e->slot);
}

int64_t
bc_next_deadline(const struct bcache *bc)
{
	if (bc->heap_len == 0)
		return -1;
	return bc_deadline(bc->heap[0]);
}

struct bc_entry *
bc_pop_due(struct bcache *bc, int64_t now, enum bc_event *ev)
{
	struct bc_entry *e;

	*ev = BC_EV_NONE;
	if (bc->heap_len == 0 || bc_deadline(bc->heap[0]) > now)
		return NULL;
	e = bc->heap[0];
	if (e->brr_at != 0 && e->brr_at < e->expires) {
		e->brr_at = 0;
		heap_fix(bc, 0);
		*ev = BC_EV_BRR;
	} else {
		heap_del(bc, e);
		*ev = BC_EV_EXPIRE;
	}
	return e;
}

struct bc_entry *
bc_first(const struct bcache *bc)
{
	return RB_MIN(bc_tree, (struct bc_tree *)&bc->tree);
}

struct bc_entry *
bc_next(const struct bcache *bc, struct bc_entry *e)
{
	return RB_NEXT(bc_tree, (struct bc_tree *)&bc->tree, e);
}

uint32_t
bc_remaining(const struct bc_entry *e, int64_t now)
{
	int64_t left = e->expires - now;

	if (left <= 0)
		return 0;
	return left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
}

const char *
bc_state_str(enum bc_state s)
{
	switch (s) {
	case BC_ST_DAD:
		return "dad";
	case BC_ST_ACTIVE:
		return "active";
	}
	return "unknown";
}

/* BU flags as letters in wire order, "-" for none. */
static void
flag_letters(uint16_t f, char *out, size_t size)
{
	static const struct {
		uint16_t	 bit;
		char		 c;
	} fl[] = {
		{ MH_BU_F_A, 'A' }, { MH_BU_F_H, 'H' }, { MH_BU_F_L, 'L' },
		{ MH_BU_F_K, 'K' }, { MH_BU_F_M, 'M' }, { MH_BU_F_R, 'R' },
		{ MH_BU_F_P, 'P' }, { MH_BU_F_F, 'F' }, { MH_BU_F_T, 'T' },
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(fl) / sizeof(fl[0]) && n + 1 < size; i++)
		if (f & fl[i].bit)
			out[n++] = fl[i].c;
	if (n == 0 && size > 1)
		out[n++] = '-';
	out[n] = '\0';
}

size_t
bc_format(char *buf, size_t size, int json, const struct bc_entry *e,
    const char *ifname, int64_t now)
{
	char hoa[ADDR_STRLEN], coa[ADDR_STRLEN], fl[16];
	int64_t age = now > e->created ? now - e->created : 0;
	int n;

	addr_ntop(&e->hoa, hoa, sizeof(hoa));
	addr_ntop(&e->coa, coa, sizeof(coa));
	flag_letters(e->flags, fl, sizeof(fl));
	if (ifname == NULL)
		ifname = "";
	/* Addresses, flag letters and interface names need no escaping. */
	if (json)
		n = snprintf(buf, size, "\"hoa\":\"%s\",\"coa\":\"%s\","
		    "\"state\":\"%s\",\"seq\":%u,\"flags\":\"%s\","
		    "\"link\":\"%s\",\"lifetime\":%" PRIu32 ","
		    "\"remaining\":%" PRIu32 ",\"age\":%" PRId64 ","
		    "\"accepted\":%" PRIu32 ",\"refused\":%" PRIu32 ","
		    "\"coa_changes\":%" PRIu32 ",\"brr_sent\":%" PRIu32,
		    hoa, coa, bc_state_str(e->state), e->seq, fl, ifname,
		    mip6_lifetime_to_sec(e->lifetime), bc_remaining(e, now),
		    age, e->stats.bu_accepted, e->stats.bu_refused,
		    e->stats.coa_changes, e->stats.brr_sent);
	else
		n = snprintf(buf, size, "hoa=%s coa=%s state=%s seq=%u "
		    "flags=%s link=%s lifetime=%" PRIu32 " remaining=%" PRIu32
		    " age=%" PRId64 " accepted=%" PRIu32 " refused=%" PRIu32
		    " coa_changes=%" PRIu32 " brr_sent=%" PRIu32,
		    hoa, coa, bc_state_str(e->state), e->seq, fl, ifname,
		    mip6_lifetime_to_sec(e->lifetime), bc_remaining(e, now),
		    age, e->stats.bu_accepted, e->stats.bu_refused,
		    e->stats.coa_changes, e->stats.brr_sent);
	return n < 0 ? 0 : (size_t)n;
}
