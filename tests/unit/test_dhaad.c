/*
 * Unit tests for the home agent list of mip6-ha/dhaad.c (RFC 6275 10.1,
 * 10.5): entries from Router Advertisements with the H flag, removal,
 * expiry, and the order a DHAAD reply lists them in.  `test_dhaad
 * [NAME|-l]`; tests/icmp6mip.bats runs each case by name.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhaad.h"
#include "check.h"

static struct icmp6mip_ra
RA(int h, const char *addr, int has_info, int pref, unsigned int ha_life,
    unsigned int router_life)
{
	struct icmp6mip_ra	 ra;

	memset(&ra, 0, sizeof(ra));
	ra.ha = h;
	ra.router_lifetime = (uint16_t)router_life;
	ra.has_info = has_info;
	ra.preference = (int16_t)pref;
	ra.ha_lifetime = (uint16_t)ha_life;
	if (addr != NULL) {
		ra.addrs[0] = A(addr);
		ra.naddrs = 1;
	}
	return ra;
}

static int
listed(const struct in6_addr *out, size_t n, const char *const *want,
    size_t nwant)
{
	size_t	 i;

	if (n != nwant)
		return 0;
	for (i = 0; i < n; i++) {
		struct in6_addr w = A(want[i]);

		if (memcmp(&out[i], &w, sizeof(w)) != 0)
			return 0;
	}
	return 1;
}

static void
adds_home_agent_from_advertisement(void)
{
	static struct hal	 h;
	struct icmp6mip_ra	 ra = RA(1, "2001:db8:1::a", 1, 20, 60, 1800);
	struct in6_addr		 ll = A("fe80::a"), own = A("2001:db8:1::2");

	memset(&h, 0, sizeof(h));
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 1000) == HAL_ADDED);
	CHECK(h.n == 1 && h.e[0].pref == 20);
	/* The Home Agent Information lifetime wins over the router's. */
	CHECK(h.e[0].expires == 1000 + 60000);
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 2000) == HAL_UPDATED);
	CHECK(h.n == 1 && h.e[0].expires == 62000);
	/* Without the option: preference 0, the router lifetime. */
	ra = RA(1, "2001:db8:1::a", 0, 0, 0, 1800);
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 3000) == HAL_UPDATED);
	CHECK(h.e[0].pref == 0 && h.e[0].expires == 3000 + 1800000);
}

static void
ignores_own_and_addressless(void)
{
	static struct hal	 h;
	struct icmp6mip_ra	 ra = RA(1, "2001:db8:1::2", 1, 5, 60, 0);
	struct in6_addr		 ll = A("fe80::2"), own = A("2001:db8:1::2");

	memset(&h, 0, sizeof(h));
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) == HAL_IGNORED);
	ra = RA(1, NULL, 1, 5, 60, 0);
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) == HAL_IGNORED);
	ra = RA(0, "2001:db8:1::9", 1, 5, 60, 1800);
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) == HAL_IGNORED);
	CHECK(h.n == 0);
}

static void
lifetime_zero_or_no_h_flag_removes(void)
{
	static struct hal	 h;
	struct icmp6mip_ra	 ra = RA(1, "2001:db8:1::a", 1, 1, 60, 0);
	struct in6_addr		 ll = A("fe80::a"), ll2 = A("fe80::b");
	struct in6_addr		 own = A("2001:db8:1::2");

	memset(&h, 0, sizeof(h));
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) == HAL_ADDED);
	ra = RA(1, "2001:db8:1::b", 1, 1, 60, 0);
	CHECK(hal_ra(&h, 0, &ll2, &ra, &own, 0) == HAL_ADDED);
	ra = RA(1, "2001:db8:1::a", 1, 1, 0, 1800);
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) == HAL_REMOVED);
	/* No address needed to leave. */
	ra = RA(0, NULL, 0, 0, 0, 1800);
	CHECK(hal_ra(&h, 0, &ll2, &ra, &own, 0) == HAL_REMOVED);
	CHECK(h.n == 0);
}

static void
expired_entries_go(void)
{
	static struct hal	 h;
	struct icmp6mip_ra	 ra = RA(1, "2001:db8:1::a", 1, 1, 2, 0);
	struct in6_addr		 ll = A("fe80::a"), own = A("2001:db8:1::2");
	struct in6_addr		 out[4];

	memset(&h, 0, sizeof(h));
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) == HAL_ADDED);
	CHECK(hal_reply(&h, 0, &own, 0, 1999, out, 4) == 2);
	/* Expired: not listed even before hal_expire runs. */
	CHECK(hal_reply(&h, 0, &own, 0, 2000, out, 4) == 1);
	hal_expire(&h, 2000);
	CHECK(h.n == 0);
}

static void
reply_by_preference_own_included(void)
{
	static struct hal	 h;
	struct icmp6mip_ra	 ra;
	struct in6_addr		 own = A("2001:db8:1::2"), out[8], ll;
	static const char *const want[] = { "2001:db8:1::a", "2001:db8:1::c",
		"2001:db8:1::2", "2001:db8:1::b" };
	static const char *const want2[] = { "2001:db8:1::a",
		"2001:db8:1::c" };
	static const char *const other[] = { "2001:db8:1::2" };

	memset(&h, 0, sizeof(h));
	ll = A("fe80::a");
	ra = RA(1, "2001:db8:1::a", 1, 20, 60, 0);
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) == HAL_ADDED);
	ll = A("fe80::b");
	ra = RA(1, "2001:db8:1::b", 1, -5, 60, 0);
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) == HAL_ADDED);
	ll = A("fe80::c");
	ra = RA(1, "2001:db8:1::c", 1, 20, 60, 0);
	CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) == HAL_ADDED);
	CHECK(listed(out, hal_reply(&h, 0, &own, 10, 0, out, 8), want, 4));
	/* Room for two: the two best. */
	CHECK(listed(out, hal_reply(&h, 0, &own, 10, 0, out, 2), want2, 2));
	/* Another link: this home agent alone. */
	CHECK(listed(out, hal_reply(&h, 1, &own, 10, 0, out, 8), other, 1));
}

static void
list_is_bounded(void)
{
	static struct hal	 h;
	struct icmp6mip_ra	 ra;
	struct in6_addr		 own = A("2001:db8:1::2"), ll;
	size_t			 i;

	memset(&h, 0, sizeof(h));
	for (i = 0; i <= HAL_MAX; i++) {
		ll = A("fe80::");
		ll.s6_addr[15] = (uint8_t)(i + 1);
		ra = RA(1, "2001:db8:1::", 1, 0, 60, 0);
		ra.addrs[0].s6_addr[14] = 1;
		ra.addrs[0].s6_addr[15] = (uint8_t)i;
		CHECK(hal_ra(&h, 0, &ll, &ra, &own, 0) ==
		    (i < HAL_MAX ? HAL_ADDED : HAL_FULL));
	}
	CHECK(h.n == HAL_MAX);
}

static const struct check_case cases[] = {
	{ "adds_home_agent_from_advertisement",
	    adds_home_agent_from_advertisement },
	{ "ignores_own_and_addressless", ignores_own_and_addressless },
	{ "lifetime_zero_or_no_h_flag_removes",
	    lifetime_zero_or_no_h_flag_removes },
	{ "expired_entries_go", expired_entries_go },
	{ "reply_by_preference_own_included",
	    reply_by_preference_own_included },
	{ "list_is_bounded", list_is_bounded },
};

int
main(int argc, char *argv[])
{
	return CHECK_RUN(cases, argc, argv);
}
