/*
 * Unit tests for the home agent's binding cache (mip6-ha/bcache.c).
 * `test_bcache` runs every case, `test_bcache NAME` one, `-l` lists them.
 * `test_bcache memory N` fills N bindings and prints the cost per binding.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bcache.h"
#include "check.h"


#define BIG_N		100000
#define SEED		12345u

static struct in6_addr
hoa_n(uint32_t n)
{
	struct in6_addr a;

	inet_pton(AF_INET6, "2001:db8:1::", &a);
	a.s6_addr[12] = (uint8_t)(n >> 24);
	a.s6_addr[13] = (uint8_t)(n >> 16);
	a.s6_addr[14] = (uint8_t)(n >> 8);
	a.s6_addr[15] = (uint8_t)n;
	return a;
}

/* A permutation of 0..n-1, so insertion order is not address order. */
static uint32_t *
shuffled(uint32_t n)
{
	uint32_t *p = calloc(n, sizeof(*p)), i, j, t;

	if (p == NULL)
		abort();
	for (i = 0; i < n; i++)
		p[i] = i;
	srand(SEED);
	for (i = n - 1; i > 0; i--) {
		j = (uint32_t)rand() % (i + 1);
		t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	return p;
}

static void
t_insert_lookup_remove(void)
{
	struct bcache bc;
	struct bc_entry *e;
	struct in6_addr a = hoa_n(1), b = hoa_n(2);

	CHECK(bc_init(&bc, 10) == 0);
	CHECK(bc_lookup(&bc, &a) == NULL);
	CHECK((e = bc_insert(&bc, &a)) != NULL);
	CHECK(e != NULL && e->state == BC_ST_DAD && e->slot == BC_NO_SLOT);
	CHECK(bc_lookup(&bc, &a) == e);
	CHECK(bc_lookup(&bc, &b) == NULL);
	errno = 0;
	CHECK(bc_insert(&bc, &a) == NULL && errno == EEXIST);
	CHECK(bc.count == 1);
	bc_set_times(&bc, e, 100, 0);
	bc_remove(&bc, e);
	CHECK(bc.count == 0 && bc.heap_len == 0);
	CHECK(bc_lookup(&bc, &a) == NULL);
	CHECK(bc_next_deadline(&bc) == -1);
	bc_clear(&bc);
}

static void
t_walks_in_home_address_order(void)
{
	struct bcache bc;
	struct bc_entry *e;
	uint32_t *p = shuffled(1000), i, n = 0;

	CHECK(bc_init(&bc, 1000) == 0);
	for (i = 0; i < 1000; i++) {
		struct in6_addr a = hoa_n(p[i]);

		CHECK(bc_insert(&bc, &a) != NULL);
	}
	for (e = bc_first(&bc); e != NULL; e = bc_next(&bc, e)) {
		struct in6_addr want = hoa_n(n);

		CHECK(memcmp(&e->hoa, &want, sizeof(want)) == 0);
		n++;
	}
	CHECK(n == 1000);
	free(p);
	bc_clear(&bc);
}

static void
t_bound_reached_refuses_insert(void)
{
	struct bcache bc;
	struct in6_addr a;
	uint32_t i;

	CHECK(bc_init(&bc, 3) == 0);
	for (i = 0; i < 3; i++) {
		a = hoa_n(i);
		CHECK(bc_insert(&bc, &a) != NULL);
	}
	CHECK(bc_full(&bc));
	a = hoa_n(99);
	errno = 0;
	CHECK(bc_insert(&bc, &a) == NULL && errno == ENOSPC);
	bc_remove(&bc, bc_first(&bc));
	CHECK(!bc_full(&bc));
	CHECK(bc_insert(&bc, &a) != NULL);
	bc_clear(&bc);
}

/* 100k bindings with random expiries come out in deadline order, also
 * after a third of them were refreshed and a tenth removed. */
static void
t_expiry_order_100k(void)
{
	struct bcache bc;
	struct bc_entry *e;
	enum bc_event ev;
	uint32_t *p = shuffled(BIG_N), i, n = 0, removed = 0;
	int64_t last = -1;

	CHECK(bc_init(&bc, BIG_N) == 0);
	srand(SEED);
	for (i = 0; i < BIG_N; i++) {
		struct in6_addr a = hoa_n(p[i]);

		e = bc_insert(&bc, &a);
		CHECK(e != NULL);
		if (e == NULL)
			break;
		bc_set_times(&bc, e, 1000 + rand() % 100000, 0);
	}
	for (i = 0; i < BIG_N; i += 3) {
		struct in6_addr a = hoa_n(i);

		e = bc_lookup(&bc, &a);
		bc_set_times(&bc, e, 1000 + rand() % 200000, 0);
	}
	for (i = 1; i < BIG_N; i += 10) {
		struct in6_addr a = hoa_n(i);

		bc_remove(&bc, bc_lookup(&bc, &a));
		removed++;
	}
	CHECK(bc_pop_due(&bc, 999, &ev) == NULL && ev == BC_EV_NONE);
	while ((e = bc_pop_due(&bc, INT64_MAX, &ev)) != NULL) {
		CHECK(ev == BC_EV_EXPIRE);
		CHECK(e->expires >= last);
		CHECK(e->slot == BC_NO_SLOT);
		last = e->expires;
		bc_remove(&bc, e);
		n++;
	}
	CHECK(n + removed == BIG_N);
	CHECK(bc.count == 0 && bc.heap_len == 0);
	free(p);
	bc_clear(&bc);
}

static void
t_refresh_request_fires_before_expiry(void)
{
	struct bcache bc;
	struct bc_entry *e, *f;
	struct in6_addr a = hoa_n(1), b = hoa_n(2);
	enum bc_event ev;

	CHECK(bc_init(&bc, 10) == 0);
	e = bc_insert(&bc, &a);
	f = bc_insert(&bc, &b);
	bc_set_times(&bc, e, 100, 90);
	bc_set_times(&bc, f, 95, 0);
	CHECK(bc_next_deadline(&bc) == 90);
	CHECK(bc_pop_due(&bc, 89, &ev) == NULL);
	CHECK(bc_pop_due(&bc, 90, &ev) == e && ev == BC_EV_BRR);
	CHECK(e->brr_at == 0);
	CHECK(bc_next_deadline(&bc) == 95);
	CHECK(bc_pop_due(&bc, 99, &ev) == f && ev == BC_EV_EXPIRE);
	CHECK(bc_pop_due(&bc, 99, &ev) == NULL);
	CHECK(bc_pop_due(&bc, 100, &ev) == e && ev == BC_EV_EXPIRE);
	/* Popped for expiry but still findable until removed. */
	CHECK(bc_lookup(&bc, &a) == e);
	bc_remove(&bc, e);
	bc_remove(&bc, f);
	CHECK(bc.count == 0);
	bc_clear(&bc);
}

static void
t_formats_binding_for_show(void)
{
	struct bcache bc;
	struct bc_entry *e;
	struct in6_addr a = hoa_n(0x100);
	char buf[BC_FORMAT_MAX];
	size_t n;

	CHECK(bc_init(&bc, 10) == 0);
	e = bc_insert(&bc, &a);
	inet_pton(AF_INET6, "2001:db8:f1::10", &e->coa);
	e->state = BC_ST_ACTIVE;
	e->seq = 7;
	e->flags = 0x8000 | 0x4000;	/* A H */
	e->lifetime = 100;
	e->created = 1000;
	e->stats.bu_accepted = 3;
	bc_set_times(&bc, e, 1400, 0);
	n = bc_format(buf, sizeof(buf), 0, e, "home0", 1010);
	CHECK(strcmp(buf, "hoa=2001:db8:1::100 coa=2001:db8:f1::10 "
	    "state=active seq=7 flags=AH link=home0 lifetime=400 "
	    "remaining=390 age=10 accepted=3 refused=0 coa_changes=0 "
	    "brr_sent=0") == 0);
	CHECK(n == strlen(buf));
	bc_format(buf, sizeof(buf), 1, e, NULL, 1500);
	CHECK(strcmp(buf, "\"hoa\":\"2001:db8:1::100\","
	    "\"coa\":\"2001:db8:f1::10\",\"state\":\"active\","
	    "\"seq\":7,\"flags\":\"AH\",\"link\":\"\","
	    "\"lifetime\":400,\"remaining\":0,\"age\":500,"
	    "\"accepted\":3,\"refused\":0,\"coa_changes\":0,"
	    "\"brr_sent\":0") == 0);
	/* Truncates like snprintf and says how much it needed. */
	CHECK(bc_format(buf, 10, 0, e, "home0", 1010) == n);
	CHECK(strlen(buf) == 9);
	bc_clear(&bc);
}

static long
rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size, rss = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

/* Fill n bindings; print what each costs. */
static int
memory(uint32_t n)
{
	struct bcache bc;
	struct bc_entry *e = NULL;
	long before, after;
	uint32_t i;
	size_t usable;

	bc_init(&bc, n);
	before = rss_bytes();
	for (i = 0; i < n; i++) {
		struct in6_addr a = hoa_n(i);

		if ((e = bc_insert(&bc, &a)) == NULL)
			return 1;
		bc_set_times(&bc, e, i, 0);
	}
	after = rss_bytes();
	usable = malloc_usable_size(e);
	printf("bindings=%" PRIu32 " sizeof_entry=%zu malloc_usable=%zu "
	    "heap_slot=%zu rss_per_binding=%ld\n", n, sizeof(struct bc_entry),
	    usable, sizeof(struct bc_entry *), (after - before) / (long)n);
	bc_clear(&bc);
	return 0;
}

static const struct check_case cases[] = {
	{ "insert_lookup_remove", t_insert_lookup_remove },
	{ "walks_in_home_address_order", t_walks_in_home_address_order },
	{ "bound_reached_refuses_insert", t_bound_reached_refuses_insert },
	{ "expiry_order_100k", t_expiry_order_100k },
	{ "refresh_request_fires_before_expiry",
	    t_refresh_request_fires_before_expiry },
	{ "formats_binding_for_show", t_formats_binding_for_show },
};

int
main(int argc, char *argv[])
{
	int	 rc;

	if (argc > 2 && strcmp(argv[1], "memory") == 0)
		return memory((uint32_t)strtoul(argv[2], NULL, 10));
	rc = CHECK_RUN(cases, argc, argv);
	return rc;
}
