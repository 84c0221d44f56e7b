/*
 * Unit tests for mip6-priv's table of kernel objects (mip6-priv/
 * reconcile.c): a home agent binding's route, proxy entry and check pair
 * live in one compact record, everything else in a tree, and the table
 * answers as one.  The kernel side is stubbed: the sweep is not run.
 * `test_krtab` runs every case, `test_krtab NAME` one, `-l` lists them.
 */
#include <malloc.h>

#include "../../mip6-priv/reconcile.c"
#include "config.h"
#include "check.h"

/* Stubs of what reconcile.c calls on the kernel side. */
struct kr_nl	 kr_route = { .fd = -1 };
struct kr_nl	 kr_xfrm = { .fd = -1 };
int kr_init(void) { return -1; }
int kr_wait(void) { return 0; }
void kr_nl_send(struct kr_nl *nl, struct nl_msg *m, kr_cb cb, void *a)
{ nlmsg_free(m); }
int kr_nl_dump(int p, struct nl_msg *m,
    void (*fn)(const struct nlmsghdr *, void *), void *a)
{ nlmsg_free(m); return 0; }
int kr_link_del_index(unsigned int i, kr_cb cb, void *a) { return 0; }
int rtcheck_add(const struct in6_addr *c, const struct in6_addr *h)
{ return 0; }
void rtcheck_detach(void) { }
uint32_t kr_ro_owner(const struct in6_addr *h) { return KR_RO_CN; }
int kr_ro_keep(const struct in6_addr *a, const struct in6_addr *b)
{ return 0; }

#define HOME_IF		7
#define OTHER_IF	9

static struct in6_addr
addr_n(const char *pfx, uint32_t n)
{
	struct in6_addr	 a = A(pfx);

	a.s6_addr[12] = (uint8_t)(n >> 24);
	a.s6_addr[13] = (uint8_t)(n >> 16);
	a.s6_addr[14] = (uint8_t)(n >> 8);
	a.s6_addr[15] = (uint8_t)n;
	return a;
}

/* The keys kreq.c records for a binding (kr_key_bind). */
static struct kr_key
key(uint32_t type, uint32_t n, unsigned int ifindex)
{
	struct kr_key	 k;

	memset(&k, 0, sizeof(k));
	k.type = type;
	k.a = addr_n("2001:db8:1::", n);
	if (type == KO_ROUTE) {
		k.plen = 128;
		strlcpy(k.name, KR_HA_TNL, sizeof(k.name));
	} else if (type == KO_PROXY)
		k.ifindex = ifindex;
	return k;
}

static void
bind_add(uint32_t n, uint32_t coa, uint32_t role)
{
	struct kr_key	 k;
	struct in6_addr	 c = addr_n("2001:db8:f1::", coa);

	k = key(KO_ROUTE, n, 0);
	kr_tab_add(&k, &c, role);
	k = key(KO_PROXY, n, HOME_IF);
	kr_tab_add(&k, NULL, role);
	k = key(KO_RTCHECK, n, 0);
	kr_tab_add(&k, &c, role);
}

static void
bind_del(uint32_t n)
{
	struct kr_key	 k;

	k = key(KO_ROUTE, n, 0);
	kr_tab_del(&k);
	k = key(KO_PROXY, n, HOME_IF);
	kr_tab_del(&k);
	k = key(KO_RTCHECK, n, 0);
	kr_tab_del(&k);
}

static int
coa_is(uint32_t type, uint32_t n, uint32_t coa)
{
	struct kr_key	 k = key(type, n, 0);
	struct kr_obj	*o = kr_tab_find(&k);
	struct in6_addr	 c = addr_n("2001:db8:f1::", coa);

	return o != NULL && memcmp(&o->coa, &c, sizeof(c)) == 0;
}

/* Three objects a binding, found, listed once each, gone after the
 * deletion; the records reused. */
static void
bindings(void)
{
	struct kr_key	 k;
	uint32_t	 i;

	for (i = 0; i < 10000; i++)
		bind_add(i, i % 256, ROLE_HA);
	CHECK(kr_tab_count(KO_ROUTE) == 10000);
	CHECK(kr_tab_count(KO_PROXY) == 10000);
	CHECK(kr_tab_count(KO_RTCHECK) == 10000);
	CHECK(kr_tab_count(0) == 30000);
	CHECK(kb_live == 10000);
	for (i = 0; i < 10000; i += 997) {
		CHECK(coa_is(KO_ROUTE, i, i % 256));
		CHECK(coa_is(KO_RTCHECK, i, i % 256));
		k = key(KO_PROXY, i, HOME_IF);
		CHECK(kr_tab_find(&k) != NULL);
		CHECK(kr_tab_find(&k)->role == ROLE_HA);
		k = key(KO_PROXY, i, OTHER_IF);
		CHECK(kr_tab_find(&k) == NULL);
	}
	k = key(KO_ROUTE, 10000, 0);
	CHECK(kr_tab_find(&k) == NULL);
	for (i = 0; i < 10000; i += 2)
		bind_del(i);
	CHECK(kr_tab_count(0) == 15000);
	CHECK(kb_live == 5000);
	for (i = 0; i < 10000; i++)
		CHECK(coa_is(KO_ROUTE, i, i % 256) == (i % 2 == 1));
	for (i = 0; i < 10000; i += 2)
		bind_add(i, 1, ROLE_HA);
	CHECK(kb_used == 10000);	/* the freed records came back */
	kr_tab_clear();
	CHECK(kr_tab_count(0) == 0);
}

/* A move: the route's care-of changes, the check pair's its own. */
static void
move(void)
{
	struct kr_key	 k = key(KO_ROUTE, 1, 0);
	struct in6_addr	 c = addr_n("2001:db8:f1::", 9);

	bind_add(1, 5, ROLE_HA);
	kr_tab_add(&k, &c, ROLE_HA);
	CHECK(coa_is(KO_ROUTE, 1, 9));
	CHECK(coa_is(KO_RTCHECK, 1, 5));
	CHECK(kr_tab_count(0) == 3);
	kr_tab_clear();
}

/* The same address proxied on a second link: both entries kept, each
 * removed on its own, and no double after the first one went. */
static void
proxy_two_links(void)
{
	struct kr_key	 a = key(KO_PROXY, 1, HOME_IF);
	struct kr_key	 b = key(KO_PROXY, 1, OTHER_IF);

	kr_tab_add(&a, NULL, ROLE_HA);
	kr_tab_add(&b, NULL, ROLE_HA);
	CHECK(kr_tab_count(KO_PROXY) == 2);
	CHECK(kr_tab_find(&a) != NULL && kr_tab_find(&a)->key.ifindex ==
	    HOME_IF);
	CHECK(kr_tab_find(&b) != NULL && kr_tab_find(&b)->key.ifindex ==
	    OTHER_IF);
	kr_tab_del(&a);
	CHECK(kr_tab_find(&a) == NULL);
	CHECK(kr_tab_find(&b) != NULL);
	kr_tab_add(&b, NULL, ROLE_MN);
	CHECK(kr_tab_count(KO_PROXY) == 1);
	CHECK(kr_tab_find(&b)->role == ROLE_MN);
	kr_tab_del(&b);
	CHECK(kr_tab_count(0) == 0);
	kr_tab_clear();
}

struct lines {
	char	 l[16][128];
	int	 n;
};

static void
collect(const struct kr_obj *o, void *arg)
{
	struct lines	*ls = arg;

	if (ls->n < 16)
		kr_obj_format(o, ls->l[ls->n], sizeof(ls->l[0]));
	ls->n++;
}

/* `show kernel` lists by type: links, routes, rules, proxies, checks,
 * XFRM, records and tree nodes as one. */
static void
listing(void)
{
	struct kr_key	 k;
	struct lines	 ls;

	memset(&k, 0, sizeof(k));
	k.type = KO_LINK;
	strlcpy(k.name, KR_HA_TNL, sizeof(k.name));
	kr_tab_add(&k, NULL, ROLE_HA);
	memset(&k, 0, sizeof(k));
	k.type = KO_XPOLICY;
	k.a = A("2001:db8:1::1");
	kr_tab_add(&k, NULL, ROLE_HA);
	memset(&k, 0, sizeof(k));
	k.type = KO_RULE;
	k.a = A("2001:db8:1::1");
	k.plen = 128;
	kr_tab_add(&k, NULL, ROLE_MN);
	bind_add(1, 2, ROLE_HA);
	memset(&ls, 0, sizeof(ls));
	kr_tab_foreach(collect, &ls);
	CHECK(ls.n == 6);
	CHECK(strncmp(ls.l[0], "link mip6tnl0", 13) == 0);
	CHECK(strcmp(ls.l[1], "route 2001:db8:1::1/128 encap ip6 dst "
	    "2001:db8:f1::2 dev mip6tnl0") == 0);
	CHECK(strncmp(ls.l[2], "rule from 2001:db8:1::1/128", 27) == 0);
	CHECK(strncmp(ls.l[3], "proxy 2001:db8:1::1 dev ", 24) == 0);
	CHECK(strcmp(ls.l[4], "rtcheck coa 2001:db8:f1::2 hoa "
	    "2001:db8:1::1") == 0);
	CHECK(strncmp(ls.l[5], "xfrm policy", 11) == 0);
	kr_tab_clear();
}

static void
orphan1(const struct kr_obj *o, void *arg)
{
	if (o->key.type == KO_PROXY)
		((struct kr_obj *)o)->adopted = 1;
	else if (o->key.type == KO_RTCHECK) {
		struct kr_key	 k = o->key;

		kr_tab_del(&k);
	} else
		((struct kr_obj *)o)->role = ROLE_MN;
}

/* What a walk's function changes (kr_role_orphan marks adopted,
 * kr_role_adopt_end sets the role) sticks; what it deletes goes. */
static void
walk_writes_back(void)
{
	struct kr_key	 k;
	uint32_t	 i;

	for (i = 0; i < 100; i++)
		bind_add(i, 1, ROLE_HA);
	kr_tab_foreach(orphan1, NULL);
	CHECK(kr_tab_count(KO_RTCHECK) == 0);
	CHECK(kr_tab_count(0) == 200);
	for (i = 0; i < 100; i++) {
		k = key(KO_PROXY, i, HOME_IF);
		CHECK(kr_tab_find(&k)->adopted == 1);
		CHECK(kr_tab_find(&k)->role == ROLE_HA);
		k = key(KO_ROUTE, i, 0);
		CHECK(kr_tab_find(&k)->adopted == 0);
		CHECK(kr_tab_find(&k)->role == ROLE_MN);
	}
	/* A request's record claims what the sweep found. */
	k = key(KO_PROXY, 3, HOME_IF);
	kr_tab_add(&k, NULL, ROLE_HA);
	CHECK(kr_tab_find(&k)->adopted == 0);
	kr_tab_clear();
}

/* The sweep's records: role none, adopted. */
static void
adopting(void)
{
	struct kr_key	 k = key(KO_ROUTE, 4, 0);

	kr_tab_adopting = 1;
	bind_add(4, 1, 0);
	kr_tab_adopting = 0;
	CHECK(kr_tab_find(&k)->role == KR_ROLE_NONE);
	CHECK(kr_tab_find(&k)->adopted == 1);
	kr_tab_clear();
}

/* Random adds and deletions against a plain array: the index's
 * deletions (closing up the probe run) lose nothing. */
static void
random_ops(void)
{
	enum { N = 4096 };
	static uint8_t	 have[N];
	struct kr_key	 k;
	uint32_t	 i, n, x = 12345, cnt = 0;

	memset(have, 0, sizeof(have));
	for (i = 0; i < 200000; i++) {
		x = x * 1103515245 + 12345;
		n = (x >> 8) % N;
		if (have[n]) {
			bind_del(n);
			have[n] = 0;
			cnt--;
		} else {
			bind_add(n, n, ROLE_HA);
			have[n] = 1;
			cnt++;
		}
	}
	CHECK(kb_live == cnt);
	CHECK(kr_tab_count(KO_ROUTE) == cnt);
	for (n = 0; n < N; n++) {
		k = key(KO_RTCHECK, n, 0);
		CHECK((kr_tab_find(&k) != NULL) == have[n]);
	}
	kr_tab_clear();
}

/* The heap a binding costs in the table (issue 9: under 256 octets a
 * binding in all of mip6-priv). */
static void
memory(void)
{
	struct mallinfo2 m0, m1;
	size_t		 per;
	uint32_t	 i;

	m0 = mallinfo2();
	for (i = 0; i < 10000; i++)
		bind_add(i, i % 256, ROLE_HA);
	m1 = mallinfo2();
	per = (m1.uordblks + m1.hblkhd - m0.uordblks - m0.hblkhd) / 10000;
	printf("# table heap per binding at 10,000: %zu octets\n", per);
	CHECK(per > 0 && per <= 128);
	kr_tab_clear();
}

int
main(int argc, char *argv[])
{
	static const struct check_case cases[] = {
		{ "bindings", bindings },
		{ "move", move },
		{ "proxy_two_links", proxy_two_links },
		{ "listing", listing },
		{ "walk_writes_back", walk_writes_back },
		{ "adopting", adopting },
		{ "random_ops", random_ops },
		{ "memory", memory },
	};

	return CHECK_RUN(cases, argc, argv);
}
