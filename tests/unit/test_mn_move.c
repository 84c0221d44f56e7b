/*
 * Unit tests for the mobile node's movement detection
 * (mip6-mn/movement.c): router advertisement parsing, care-of address
 * selection (prefix of the link's RA, address state, interface
 * preference), coming home, forgetting a link on carrier loss.
 * `test_mn_move` runs every case, `test_mn_move NAME` one, `-l` lists them.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>

#include "movement.h"
#include "check.h"

#define UP		(IFF_UP | IFF_RUNNING)
#define ETH0		2
#define WLAN0		3
#define OTHER		4

static struct mv m;
static struct mv_decision d;

static int
is(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = A(s);

	return memcmp(a, &b, sizeof(b)) == 0;
}

static void
setup(void)
{
	struct mv_conf_if	 c[2];
	struct in6_addr		 hoa = A("2001:db8:1::100");

	memset(c, 0, sizeof(c));
	strcpy(c[0].name, "eth0");
	c[0].preference = 5;
	strcpy(c[1].name, "wlan0");
	c[1].preference = 10;
	mv_init(&m, &hoa, 64, c, 2);
}

static void
addr(const char *a, uint32_t ifindex, uint32_t flags)
{
	struct in6_addr	 x = A(a);

	mv_addr(&m, &x, ifindex, 64, flags, 0);
}

/* An RA with one /64 prefix (a router address, as the R flag allows). */
static void
ra(uint32_t ifindex, const char *prefix, uint8_t flags)
{
	struct mv_ra	 r;

	memset(&r, 0, sizeof(r));
	r.flags = flags;
	r.router_lifetime = 3;
	r.npfx = 1;
	r.pfx[0].prefix = A(prefix);
	r.pfx[0].plen = 64;
	r.pfx[0].valid = 60;
	r.pfx[0].preferred = 30;
	CHECK(mv_ra(&m, ifindex, &r, 0) == 1);
}

static size_t
ra_bytes(uint8_t *b, uint8_t flags, const char *prefix, int interval)
{
	struct in6_addr	 p = A(prefix);
	size_t		 n = 16;

	memset(b, 0, 64);
	b[0] = 134;
	b[5] = flags;
	b[7] = 3;
	b[n] = 3;			/* prefix information */
	b[n + 1] = 4;
	b[n + 2] = 64;
	b[n + 3] = 0xe0;		/* L A R */
	b[n + 7] = 60;
	b[n + 11] = 30;
	memcpy(b + n + 16, &p, 16);
	n += 32;
	if (interval) {
		b[n] = 7;		/* advertisement interval */
		b[n + 1] = 1;
		b[n + 6] = 0x01;
		b[n + 7] = 0xf4;	/* 500 ms */
		n += 8;
	}
	return n;
}

static void
ra_parse_fields(void)
{
	uint8_t		 b[64];
	struct mv_ra	 r;
	size_t		 n = ra_bytes(b, MV_RA_F_HA, "2001:db8:1::2", 1);

	CHECK(mv_ra_parse(b, n, &r) == 0);
	CHECK(r.flags == MV_RA_F_HA);
	CHECK(r.router_lifetime == 3);
	CHECK(r.npfx == 1);
	CHECK(r.pfx[0].plen == 64);
	CHECK(r.pfx[0].flags == 0xe0);
	CHECK(r.pfx[0].valid == 60 && r.pfx[0].preferred == 30);
	CHECK(is(&r.pfx[0].prefix, "2001:db8:1::2"));
	CHECK(r.adv_interval == 500);
}

static void
ra_parse_refuses_malformed(void)
{
	uint8_t		 b[64];
	struct mv_ra	 r;
	size_t		 n = ra_bytes(b, 0, "2001:db8:f1::", 0);

	CHECK(mv_ra_parse(b, 15, &r) == -1);		/* short */
	b[1] = 1;
	CHECK(mv_ra_parse(b, n, &r) == -1);		/* code 1 */
	b[1] = 0;
	b[0] = 133;
	CHECK(mv_ra_parse(b, n, &r) == -1);		/* an RS */
	b[0] = 134;
	b[17] = 0;
	CHECK(mv_ra_parse(b, n, &r) == -1);		/* zero-length option */
	b[17] = 5;
	CHECK(mv_ra_parse(b, n, &r) == -1);		/* past the end */
	b[17] = 3;
	CHECK(mv_ra_parse(b, n, &r) == -1);		/* prefix option of 24 */
	b[17] = 4;
	CHECK(mv_ra_parse(b, n + 1, &r) == -1);		/* one octet left */
	CHECK(mv_ra_parse(b, n, &r) == 0);
}

static void
foreign_ra_gives_care_of_address(void)
{
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	addr("fe80::10", ETH0, 0);
	addr("2001:db8:f1::10", ETH0, 0);
	mv_decide(&m, &d);
	/* Heard nothing yet: an RA is on its way... */
	CHECK(d.where == MV_NOWHERE);
	/* ...or not: a link without RAs, its address tells. */
	m.now = MV_RA_WAIT_MS;
	mv_decide(&m, &d);
	CHECK(d.where == MV_AWAY);
	m.now = 0;
	ra(ETH0, "2001:db8:f1::1", 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_AWAY);
	CHECK(is(&d.coa, "2001:db8:f1::10"));
	CHECK(d.ifindex == ETH0 && strcmp(d.ifname, "eth0") == 0);
	/* The prefix's valid lifetime bounds the binding's (RFC 6275 11.7.1). */
	CHECK(d.coa_valid == 60);
}

static void
unusable_addresses_are_not_care_of(void)
{
	static const uint32_t bad[] = { IFA_F_TENTATIVE, IFA_F_DADFAILED,
	    IFA_F_DEPRECATED };
	size_t	 i;

	for (i = 0; i < 3; i++) {
		setup();
		mv_link(&m, ETH0, "eth0", UP, 0);
		ra(ETH0, "2001:db8:f1::1", 0);
		addr("2001:db8:f1::10", ETH0, bad[i]);
		mv_decide(&m, &d);
		CHECK(d.where == MV_NOWHERE);
		/* DAD done: the same address, usable now. */
		addr("2001:db8:f1::10", ETH0, 0);
		mv_decide(&m, &d);
		CHECK(d.where == MV_AWAY);
	}
	/* An optimistic address (RFC 4429) may be used while DAD runs. */
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	ra(ETH0, "2001:db8:f1::1", 0);
	addr("2001:db8:f1::10", ETH0, IFA_F_TENTATIVE | IFA_F_OPTIMISTIC);
	mv_decide(&m, &d);
	CHECK(d.where == MV_AWAY);
}

static void
home_prefix_means_home(void)
{
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	ra(ETH0, "2001:db8:1::2", MV_RA_F_HA);
	mv_decide(&m, &d);
	CHECK(d.where == MV_HOME);
	CHECK(strcmp(d.ifname, "eth0") == 0);
	CHECK(m.ifs[0].ra_ha == 1);
}

static void
stale_address_of_the_last_link_ignored(void)
{
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	ra(ETH0, "2001:db8:1::2", 0);
	addr("2001:db8:1::ff:fe00:10", ETH0, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_HOME);
	/* Carrier lost, then up on foreign link 1: the home address stays. */
	mv_link(&m, ETH0, "eth0", IFF_UP, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);
	CHECK(mv_link(&m, ETH0, "eth0", UP, 0) == 1);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);	/* wait for this link's RA */
	ra(ETH0, "2001:db8:f1::1", 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);	/* no address in f1 yet */
	addr("2001:db8:f1::ff:fe00:10", ETH0, IFA_F_TENTATIVE);
	addr("2001:db8:f1::ff:fe00:10", ETH0, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_AWAY);
	CHECK(is(&d.coa, "2001:db8:f1::ff:fe00:10"));
	/* Then foreign link 2: f1's address is stale. */
	mv_link(&m, ETH0, "eth0", IFF_UP, 0);
	mv_link(&m, ETH0, "eth0", UP, 0);
	ra(ETH0, "2001:db8:f2::1", 0);
	addr("2001:db8:f2::ff:fe00:10", ETH0, 0);
	mv_decide(&m, &d);
	CHECK(is(&d.coa, "2001:db8:f2::ff:fe00:10"));
}

static void
preference_picks_the_interface(void)
{
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	mv_link(&m, WLAN0, "wlan0", UP, 0);
	ra(ETH0, "2001:db8:f1::1", 0);
	ra(WLAN0, "2001:db8:f2::1", 0);
	addr("2001:db8:f1::10", ETH0, 0);
	addr("2001:db8:f2::10", WLAN0, 0);
	mv_decide(&m, &d);
	CHECK(is(&d.coa, "2001:db8:f2::10"));	/* wlan0: preference 10 */
	mv_link(&m, WLAN0, "wlan0", IFF_UP, 0);
	mv_decide(&m, &d);
	CHECK(is(&d.coa, "2001:db8:f1::10"));
	/* Equal preferences: the lower interface index. */
	m.conf[1].preference = 5;
	mv_link(&m, WLAN0, "wlan0", UP, 0);
	ra(WLAN0, "2001:db8:f2::1", 0);
	mv_decide(&m, &d);
	CHECK(d.ifindex == ETH0);
}

static void
home_wins_over_foreign(void)
{
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	mv_link(&m, WLAN0, "wlan0", UP, 0);
	ra(WLAN0, "2001:db8:f2::1", 0);
	addr("2001:db8:f2::10", WLAN0, 0);
	ra(ETH0, "2001:db8:1::2", 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_HOME && d.ifindex == ETH0);
}

static void
unconfigured_interface_ignored(void)
{
	setup();
	mv_link(&m, OTHER, "eth9", UP, 0);
	CHECK(mv_ra(&m, OTHER, &(struct mv_ra){ .npfx = 0 }, 0) == 0);
	addr("2001:db8:f1::10", OTHER, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);
	/* Our own tunnel, with the home address on it, is not a link. */
	mv_link(&m, 9, "mip6mn0", UP, 0);
	addr("2001:db8:1::100", 9, IFA_F_HOMEADDRESS);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);
}

static void
without_advertisements_addresses_decide(void)
{
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	m.now = MV_RA_WAIT_MS;
	/* The home address alone does not make home (we put it there)... */
	addr("2001:db8:1::100", ETH0, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);
	/* ...another address in the home prefix does. */
	addr("2001:db8:1::5", ETH0, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_HOME);
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	m.now = MV_RA_WAIT_MS;
	addr("2001:db8:99::5", ETH0, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_AWAY && is(&d.coa, "2001:db8:99::5"));
	/* Link-local and ULA-less non-global addresses never are care-of. */
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	m.now = MV_RA_WAIT_MS;
	addr("fe80::5", ETH0, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);
}

static void
default_router_gone_forgets_the_link(void)
{
	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	ra(ETH0, "2001:db8:f1::1", 0);
	addr("2001:db8:f1::10", ETH0, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_AWAY);
	mv_default_gone(&m, ETH0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);
	ra(ETH0, "2001:db8:f1::1", 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_AWAY);
}

static void
unreachable_router_forgets_the_link(void)
{
	struct mv_ra	 r;
	struct in6_addr	 rt = A("fe80::1"), other = A("fe80::2");

	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	memset(&r, 0, sizeof(r));
	r.npfx = 1;
	r.pfx[0].prefix = A("2001:db8:f1::");
	r.pfx[0].plen = 64;
	r.pfx[0].valid = 60;
	r.router = rt;
	CHECK(mv_ra(&m, ETH0, &r, 0) == 1);
	addr("2001:db8:f1::10", ETH0, 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_AWAY);
	/* Another neighbour, or another interface: nothing. */
	CHECK(mv_neigh_failed(&m, ETH0, &other) == 0);
	CHECK(mv_neigh_failed(&m, WLAN0, &rt) == 0);
	CHECK(mv_neigh_failed(&m, ETH0, &rt) == 1);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);
	CHECK(mv_neigh_failed(&m, ETH0, &rt) == 0);
}

static void
deleted_link_and_address(void)
{
	struct in6_addr	 x = A("2001:db8:f1::10");

	setup();
	mv_link(&m, ETH0, "eth0", UP, 0);
	ra(ETH0, "2001:db8:f1::1", 0);
	addr("2001:db8:f1::10", ETH0, 0);
	mv_addr(&m, &x, ETH0, 64, 0, 1);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);
	addr("2001:db8:f1::10", ETH0, 0);
	CHECK(m.naddrs == 1);
	mv_link(&m, ETH0, "eth0", 0, 1);
	CHECK(m.nifs == 0 && m.naddrs == 0);
	mv_decide(&m, &d);
	CHECK(d.where == MV_NOWHERE);
}

static void
prefix_match(void)
{
	struct in6_addr	 a = A("2001:db8:1::100"), p = A("2001:db8:1::");

	CHECK(mv_in_prefix(&a, &p, 64));
	CHECK(mv_in_prefix(&a, &p, 0));
	CHECK(mv_in_prefix(&a, &p, 120) == 0);
	p = A("2001:db8:1::1ff");
	CHECK(mv_in_prefix(&a, &p, 119));
	CHECK(!mv_in_prefix(&a, &p, 129));
}

static const struct check_case cases[] = {
	{ "ra_parse_fields", ra_parse_fields },
	{ "ra_parse_refuses_malformed", ra_parse_refuses_malformed },
	{ "foreign_ra_gives_care_of_address", foreign_ra_gives_care_of_address },
	{ "unusable_addresses_are_not_care_of",
	    unusable_addresses_are_not_care_of },
	{ "home_prefix_means_home", home_prefix_means_home },
	{ "stale_address_of_the_last_link_ignored",
	    stale_address_of_the_last_link_ignored },
	{ "preference_picks_the_interface", preference_picks_the_interface },
	{ "home_wins_over_foreign", home_wins_over_foreign },
	{ "unconfigured_interface_ignored", unconfigured_interface_ignored },
	{ "without_advertisements_addresses_decide",
	    without_advertisements_addresses_decide },
	{ "default_router_gone_forgets_the_link",
	    default_router_gone_forgets_the_link },
	{ "unreachable_router_forgets_the_link",
	    unreachable_router_forgets_the_link },
	{ "deleted_link_and_address", deleted_link_and_address },
	{ "prefix_match", prefix_match },
};

int
main(int argc, char *argv[])
{
	int	 rc;

	rc = CHECK_RUN(cases, argc, argv);
	return rc;
}
