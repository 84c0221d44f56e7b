/*
 * Unit tests for the home agent's load limits: the pending-DAD queue
 * (mip6-ha/hadad.c) and the per-source BU rate limit (mip6-ha/hasrc.c).
 * `test_hadad` runs every case, `test_hadad NAME` one, `-l` lists them.
 */
#include <sys/types.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "hadad.h"
#include "hasrc.h"

static struct in6_addr
hoa_n(uint32_t n)
{
	struct in6_addr	 a = A("2001:db8:1::");

	a.s6_addr[12] = (uint8_t)(n >> 24);
	a.s6_addr[13] = (uint8_t)(n >> 16);
	a.s6_addr[14] = (uint8_t)(n >> 8);
	a.s6_addr[15] = (uint8_t)n;
	return a;
}

/* Probes come due in the order they started; the head's deadline arms
 * the one timer. */
static void
t_dad_fifo_order(void)
{
	struct hadad_q	 q;
	struct hadad	*d;
	struct in6_addr	 a;
	uint32_t	 i;

	CHECK(hadad_init(&q, 100) == 0);
	CHECK(hadad_next_deadline(&q) == -1);
	for (i = 0; i < 10; i++) {
		a = hoa_n(i);
		CHECK(hadad_add(&q, &a, 2, 1000 + i) != NULL);
	}
	CHECK(q.count == 10);
	CHECK(hadad_next_deadline(&q) == 1000);
	CHECK(hadad_due(&q, 999) == NULL);
	for (i = 0; i < 10; i++) {
		d = hadad_due(&q, 1005);
		if (i <= 5) {
			a = hoa_n(i);
			CHECK(d != NULL && memcmp(&d->hoa, &a, sizeof(a)) == 0);
			CHECK(d != NULL && d->ifindex == 2);
			if (d != NULL)
				hadad_remove(&q, d);
		} else
			CHECK(d == NULL);
	}
	CHECK(q.count == 4);
	CHECK(hadad_next_deadline(&q) == 1006);
	hadad_clear(&q);
}

/* Look-up by home address among thousands; removal from the middle
 * keeps the order and the hash consistent. */
static void
t_dad_find_remove(void)
{
	struct hadad_q	 q;
	struct hadad	*d;
	struct in6_addr	 a;
	uint32_t	 i, n = 20000;

	CHECK(hadad_init(&q, n) == 0);
	for (i = 0; i < n; i++) {
		a = hoa_n(i * 7919u);
		CHECK(hadad_add(&q, &a, 1, i) != NULL);
	}
	for (i = 0; i < n; i += 2) {
		a = hoa_n(i * 7919u);
		d = hadad_find(&q, &a);
		CHECK(d != NULL && d->deadline_ms == (int64_t)i);
		if (d != NULL)
			hadad_remove(&q, d);
	}
	CHECK(q.count == n / 2);
	for (i = 0; i < n; i++) {
		a = hoa_n(i * 7919u);
		CHECK((hadad_find(&q, &a) != NULL) == (i % 2 == 1));
	}
	CHECK(hadad_next_deadline(&q) == 1);
	a = hoa_n(123456789);
	CHECK(hadad_find(&q, &a) == NULL);
	hadad_clear(&q);
}

/* The bound: max probes, then ENOSPC (the engine sheds the BU); the same
 * address twice is EEXIST; room again after a removal. */
static void
t_dad_bound(void)
{
	struct hadad_q	 q;
	struct in6_addr	 a;
	uint32_t	 i;

	CHECK(hadad_init(&q, 3) == 0);
	for (i = 0; i < 3; i++) {
		a = hoa_n(i);
		CHECK(hadad_add(&q, &a, 1, 0) != NULL);
	}
	a = hoa_n(3);
	errno = 0;
	CHECK(hadad_add(&q, &a, 1, 0) == NULL && errno == ENOSPC);
	a = hoa_n(1);
	hadad_remove(&q, hadad_find(&q, &a));
	a = hoa_n(0);
	errno = 0;
	CHECK(hadad_add(&q, &a, 1, 0) == NULL && errno == EEXIST);
	a = hoa_n(3);
	CHECK(hadad_add(&q, &a, 1, 0) != NULL);
	CHECK(q.count == 3);
	hadad_clear(&q);
}

/* A burst of `rate` from one source passes, the next is shed; tokens come
 * back at rate a second; other sources have buckets of their own. */
static void
t_src_rate(void)
{
	static struct hasrc h;
	struct in6_addr	 s1 = A("2001:db8:f1::1"), s2 = A("2001:db8:f1::2");
	int		 i, ok = 0;

	hasrc_init(&h, 20);
	for (i = 0; i < 100; i++)
		ok += hasrc_allow(&h, &s1, 5000);
	CHECK(ok == 20);
	CHECK(hasrc_allow(&h, &s2, 5000) == 1);
	CHECK(hasrc_allow(&h, &s1, 5049) == 0);	/* 0.98 token */
	CHECK(hasrc_allow(&h, &s1, 5050) == 1);	/* 1 token after 50 ms */
	CHECK(hasrc_allow(&h, &s1, 5050) == 0);
	for (i = 0, ok = 0; i < 100; i++)
		ok += hasrc_allow(&h, &s1, 60000);	/* full again, no more */
	CHECK(ok == 20);
}

/* rate 0: no limit. */
static void
t_src_off(void)
{
	static struct hasrc h;
	struct in6_addr	 s = A("2001:db8:f1::1");
	int		 i, ok = 0;

	hasrc_init(&h, 0);
	for (i = 0; i < 100000; i++)
		ok += hasrc_allow(&h, &s, 0);
	CHECK(ok == 100000);
}

static const struct check_case cases[] = {
	{ "dad_fifo_order", t_dad_fifo_order },
	{ "dad_find_remove", t_dad_find_remove },
	{ "dad_bound", t_dad_bound },
	{ "src_rate", t_src_rate },
	{ "src_off", t_src_off },
};

int
main(int argc, char *argv[])
{
	return CHECK_RUN(cases, argc, argv);
}
