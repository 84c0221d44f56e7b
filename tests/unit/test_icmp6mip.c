/*
 * Unit tests for the Mobile IPv6 ICMPv6 codec (common/icmp6mip.c):
 * DHAAD request/reply, mobile prefix solicitation/advertisement, the
 * Router Advertisement fields of a home agent list, the Home Agents
 * anycast address.  `test_icmp6mip [NAME|-l]`; tests/icmp6mip.bats runs
 * each case by name.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmp6mip.h"
#include "check.h"

static int
anycast_is(const char *prefix, unsigned int plen, const char *want)
{
	struct in6_addr	 p = A(prefix), out, w = A(want);

	if (icmp6mip_ha_anycast(&p, plen, &out) == -1)
		return 0;
	return memcmp(&out, &w, sizeof(w)) == 0;
}

static void
anycast_address_rfc2526(void)
{
	struct in6_addr	 p = A("2001:db8::"), out;

	CHECK(anycast_is("2001:db8:1::", 64, "2001:db8:1::fdff:ffff:ffff:fffe"));
	CHECK(anycast_is("2001:db8:1:2::", 64,
	    "2001:db8:1:2:fdff:ffff:ffff:fffe"));
	/* Not EUI-64: every host bit one but the anycast ID 0x7e. */
	CHECK(anycast_is("2001:db8:1::", 48,
	    "2001:db8:1:ffff:ffff:ffff:ffff:fffe"));
	CHECK(anycast_is("2001:db8:1::100", 120, "2001:db8:1::1fe"));
	CHECK(anycast_is("2001:db8:1::80", 121, "2001:db8:1::fe"));
	CHECK(icmp6mip_ha_anycast(&p, 122, &out) == -1);
}

static void
dhaad_request_roundtrip(void)
{
	uint8_t			 b[64];
	struct icmp6mip_msg	 m;
	size_t			 n;

	n = icmp6mip_build_dhaad_req(0xbeef, b, sizeof(b));
	CHECK(n == 8);
	CHECK(b[0] == 144 && b[1] == 0 && b[2] == 0 && b[3] == 0);
	CHECK(b[4] == 0xbe && b[5] == 0xef && b[6] == 0 && b[7] == 0);
	CHECK(icmp6mip_parse(b, n, &m) == ICMP6MIP_OK);
	CHECK(m.type == 144 && m.id == 0xbeef);
	CHECK(icmp6mip_build_dhaad_req(1, b, 7) == 0);
	CHECK(icmp6mip_parse(b, 7, &m) == ICMP6MIP_ERR_SHORT);
	b[1] = 1;
	CHECK(icmp6mip_parse(b, n, &m) == ICMP6MIP_ERR_CODE);
}

static void
dhaad_reply_lists_in_order(void)
{
	struct in6_addr		 has[2] = { A("2001:db8:1::1"),
				    A("2001:db8:1::2") }, a;
	uint8_t			 b[128];
	struct icmp6mip_msg	 m;
	size_t			 n, used;

	n = icmp6mip_build_dhaad_rep(7, has, 2, &used, b, sizeof(b));
	CHECK(n == 8 + 32 && used == 2);
	CHECK(b[0] == 145);
	CHECK(icmp6mip_parse(b, n, &m) == ICMP6MIP_OK);
	CHECK(m.id == 7 && m.nhas == 2);
	icmp6mip_reply_addr(&m, 0, &a);
	CHECK(memcmp(&a, &has[0], sizeof(a)) == 0);
	icmp6mip_reply_addr(&m, 1, &a);
	CHECK(memcmp(&a, &has[1], sizeof(a)) == 0);
	/* Addresses must be whole. */
	CHECK(icmp6mip_parse(b, n - 1, &m) == ICMP6MIP_ERR_LEN);
	/* A small buffer takes what fits. */
	n = icmp6mip_build_dhaad_rep(7, has, 2, &used, b, 8 + 16 + 15);
	CHECK(n == 24 && used == 1);
}

static void
dhaad_reply_fits_minimum_mtu(void)
{
	static struct in6_addr	 has[200];
	static uint8_t		 b[4096];
	size_t			 n, used, i;

	for (i = 0; i < 200; i++) {
		has[i] = A("2001:db8:1::");
		has[i].s6_addr[15] = (uint8_t)i;
		has[i].s6_addr[14] = 1;
	}
	n = icmp6mip_build_dhaad_rep(1, has, 200, &used, b, sizeof(b));
	CHECK(used == 77);
	CHECK(n + 40 <= 1280);
	CHECK(n + 40 + 16 > 1280);
}

static void
mps_roundtrip(void)
{
	uint8_t			 b[8];
	struct icmp6mip_msg	 m;

	CHECK(icmp6mip_build_mps(0x1234, b, sizeof(b)) == 8);
	CHECK(b[0] == 146);
	CHECK(icmp6mip_parse(b, 8, &m) == ICMP6MIP_OK);
	CHECK(m.type == 146 && m.id == 0x1234);
}

static void
mpa_carries_prefixes(void)
{
	struct icmp6mip_prefix	 p[2];
	uint8_t			 b[256];
	struct icmp6mip_msg	 m;
	size_t			 n;

	memset(p, 0, sizeof(p));
	p[0].prefix = A("2001:db8:1::");
	p[0].plen = 64;
	p[0].flags = ICMP6MIP_PIO_L | ICMP6MIP_PIO_A;
	p[0].valid = 86400;
	p[0].preferred = 14400;
	p[1].prefix = A("2001:db8:2::");
	p[1].plen = 48;
	p[1].flags = ICMP6MIP_PIO_A;
	p[1].valid = 600;
	p[1].preferred = 300;
	n = icmp6mip_build_mpa(42, ICMP6MIP_MPA_O, p, 2, b, sizeof(b));
	CHECK(n == 8 + 64);
	CHECK(b[0] == 147 && b[6] == 0x40);
	CHECK(b[8] == 3 && b[9] == 4 && b[10] == 64 && b[11] == 0xc0);
	CHECK(icmp6mip_parse(b, n, &m) == ICMP6MIP_OK);
	CHECK(m.id == 42 && m.flags == ICMP6MIP_MPA_O && m.npfx == 2);
	CHECK(memcmp(&m.pfx[1].prefix, &p[1].prefix, 16) == 0);
	CHECK(m.pfx[1].plen == 48 && m.pfx[1].valid == 600 &&
	    m.pfx[1].preferred == 300 && m.pfx[0].valid == 86400);
	/* An option running past the end, or of length 0. */
	CHECK(icmp6mip_parse(b, n - 8, &m) == ICMP6MIP_ERR_LEN);
	b[9] = 0;
	CHECK(icmp6mip_parse(b, n, &m) == ICMP6MIP_ERR_LEN);
	CHECK(icmp6mip_build_mpa(42, 0, p, 2, b, 8 + 32) == 0);
}

static void
ra_home_agent_fields(void)
{
	/* RA: H flag, router lifetime 1800, HA info pref -5 lifetime 600,
	 * a PIO with R naming 2001:db8:1::2, an unknown option. */
	uint8_t b[16 + 8 + 32 + 8];
	struct icmp6mip_ra	 ra;
	struct in6_addr		 g = A("2001:db8:1::2");

	memset(b, 0, sizeof(b));
	b[0] = 134;
	b[5] = 0x20;
	b[6] = 0x07;
	b[7] = 0x08;
	b[16] = 8;
	b[17] = 1;
	b[20] = 0xff;
	b[21] = 0xfb;
	b[22] = 0x02;
	b[23] = 0x58;
	b[24] = 3;
	b[25] = 4;
	b[26] = 64;
	b[27] = 0xe0;
	memcpy(b + 40, &g, 16);
	b[56] = 99;
	b[57] = 1;
	CHECK(icmp6mip_parse_ra(b, sizeof(b), &ra) == ICMP6MIP_OK);
	CHECK(ra.ha && ra.router_lifetime == 1800);
	CHECK(ra.has_info && ra.preference == -5 && ra.ha_lifetime == 600);
	CHECK(ra.naddrs == 1 && memcmp(&ra.addrs[0], &g, 16) == 0);
	b[5] = 0;
	b[27] = 0xc0;
	CHECK(icmp6mip_parse_ra(b, sizeof(b), &ra) == ICMP6MIP_OK);
	CHECK(!ra.ha && ra.naddrs == 0);
	b[17] = 2;	/* HA info of the wrong length */
	CHECK(icmp6mip_parse_ra(b, sizeof(b), &ra) == ICMP6MIP_ERR_LEN);
	CHECK(icmp6mip_parse_ra(b, 15, &ra) == ICMP6MIP_ERR_SHORT);
}

static void
other_types_refused(void)
{
	uint8_t			 b[8] = { 128, 0 };
	struct icmp6mip_msg	 m;

	CHECK(icmp6mip_parse(b, 8, &m) == ICMP6MIP_ERR_TYPE);
	CHECK(strcmp(icmp6mip_type_str(144), "dhaad_request") == 0);
	CHECK(strcmp(icmp6mip_err_str(ICMP6MIP_ERR_LEN), "length") == 0);
}

static const struct check_case cases[] = {
	{ "anycast_address_rfc2526", anycast_address_rfc2526 },
	{ "dhaad_request_roundtrip", dhaad_request_roundtrip },
	{ "dhaad_reply_lists_in_order", dhaad_reply_lists_in_order },
	{ "dhaad_reply_fits_minimum_mtu", dhaad_reply_fits_minimum_mtu },
	{ "mps_roundtrip", mps_roundtrip },
	{ "mpa_carries_prefixes", mpa_carries_prefixes },
	{ "ra_home_agent_fields", ra_home_agent_fields },
	{ "other_types_refused", other_types_refused },
};

int
main(int argc, char *argv[])
{
	return CHECK_RUN(cases, argc, argv);
}
