/*
 * test_addr: the address and prefix helpers mip6-priv's request checks
 * rely on.  Prints each failed check and exits 1; prints "N checks" and
 * exits 0 when all pass.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "config.h"

/* A home agent for the policy look-ups mip6-priv uses. */
static const char ha_yaml[] =
    "home-agent:\n"
    "  links:\n"
    "    - {interface: eth0, address: 2001:db8:1::1,\n"
    "       home-prefixes: [2001:db8:1::/64]}\n"
    "    - {interface: eth1, address: 2001:db8:2::1,\n"
    "       home-prefixes: [2001:db8:2::/64, 2001:db8:3::/64]}\n"
    "  mobile-nodes:\n"
    "    - home-address: 2001:db8:3::7\n";

static int	 failed, checks;

static void
check(int cond, const char *what)
{
	checks++;
	if (!cond) {
		printf("FAIL: %s\n", what);
		failed++;
	}
}

static struct in6_addr
A(const char *s)
{
	struct in6_addr	 a;

	memset(&a, 0, sizeof(a));
	if (addr_parse(s, &a) == -1) {
		printf("FAIL: cannot parse %s\n", s);
		failed++;
	}
	return a;
}

int
main(void)
{
	struct in6_addr	 a, p;
	struct mip6_conf *c;
	const struct conf_ha_link *l;
	char		 err[256];
	unsigned int	 plen = 0;
	char		 buf[ADDR_PREFIX_STRLEN];

	p = A("2001:db8:1::");
	a = A("2001:db8:1::100");
	check(addr_in_prefix(&a, &p, 64), "inside /64");
	check(addr_in_prefix(&a, &p, 0), "everything is inside /0");
	check(!addr_in_prefix(&a, &p, 128), "not equal: outside /128");
	check(addr_in_prefix(&p, &p, 128), "itself inside /128");
	check(!addr_in_prefix(&a, &p, 129), "/129 never matches");
	a = A("2001:db8:1:8000::1");
	check(addr_in_prefix(&a, &p, 48), "inside /48");
	check(!addr_in_prefix(&a, &p, 49), "bit 49 set: outside /49");
	check(addr_in_prefix(&a, &p, 48 + 0), "byte boundary");
	a = A("2001:db8:1:7fff::1");
	check(addr_in_prefix(&a, &p, 49), "bit 49 clear: inside /49");
	check(!addr_in_prefix(&a, &p, 50), "bit 50 set: outside /50");

	check(addr_prefix_overlap(&p, 64, &p, 48), "/48 holds its /64");
	a = A("2001:db8:2::");
	check(!addr_prefix_overlap(&p, 64, &a, 64), "sibling /64s apart");
	check(addr_prefix_overlap(&p, 64, &a, 0), "/0 overlaps all");

	a = A("2001:db8:1::1");
	check(!addr_host_bits_zero(&a, 64), "host bit set");
	addr_mask(&a, 64);
	check(addr_equal(&a, &p), "mask clears host bits");
	a = A("2001:db8:1:ffff:ffff::");
	addr_mask(&a, 52);
	check(addr_equal(&a, &(struct in6_addr){ .s6_addr = { 0x20, 0x01,
	    0x0d, 0xb8, 0x00, 0x01, 0xf0 } }), "mask /52 inside a byte");

	check(addr_parse_prefix("2001:db8::/64", &a, &plen, 1) == ADDR_OK &&
	    plen == 64, "prefix parses");
	check(addr_parse_prefix("2001:db8::", &a, &plen, 1) == ADDR_ENOPLEN,
	    "length required");
	check(addr_parse_prefix("2001:db8::", &a, &plen, 0) == ADDR_OK &&
	    plen == 128, "length optional: 128");
	check(addr_parse_prefix("2001:db8::/64", &a, &plen, -1) ==
	    ADDR_EPLENGIVEN, "length refused");
	check(addr_parse_prefix("2001:db8::/129", &a, &plen, 1) ==
	    ADDR_EPLENRANGE, "129 out of range");
	check(addr_parse_prefix("2001:db8::/1000", &a, &plen, 1) ==
	    ADDR_EPLENRANGE, "1000 out of range");
	check(addr_parse_prefix("2001:db8::/6a", &a, &plen, 1) ==
	    ADDR_EBADPLEN, "letters in length");
	check(addr_parse_prefix("2001:db8::/", &a, &plen, 1) ==
	    ADDR_EBADPLEN, "empty length");
	check(addr_parse_prefix("2001:db8::/-1", &a, &plen, 1) ==
	    ADDR_EBADPLEN, "negative length");
	check(addr_parse_prefix("192.0.2.1/24", &a, &plen, 1) ==
	    ADDR_EBADADDR, "IPv4 refused");
	check(addr_parse_prefix("fe80::1%eth0/64", &a, &plen, 1) ==
	    ADDR_EBADADDR, "zone refused");

	check(!addr_is_global_unicast(&(struct in6_addr){ { { 0 } } }),
	    ":: is not global");
	a = A("::1");
	check(!addr_is_global_unicast(&a), "::1 is not global");
	a = A("fe80::1");
	check(!addr_is_global_unicast(&a), "link-local is not global");
	a = A("ff02::1");
	check(!addr_is_global_unicast(&a), "multicast is not global");
	a = A("::ffff:192.0.2.1");
	check(!addr_is_global_unicast(&a), "v4-mapped is not global");
	a = A("fd00::1");
	check(addr_is_global_unicast(&a), "ULA counts as global");

	a = A("2001:db8:1::");
	check(strcmp(addr_prefix_ntop(&a, 64, buf, sizeof(buf)),
	    "2001:db8:1::/64") == 0, "prefix text");

	c = conf_load_mem("ha", ha_yaml, strlen(ha_yaml), err, sizeof(err));
	check(c != NULL, "home agent configuration loads from memory");
	if (c != NULL) {
		a = A("2001:db8:3::99");
		l = conf_ha_link_for(&c->ha, &a);
		check(l != NULL && strcmp(l->ifname, "eth1") == 0,
		    "second prefix of eth1 found");
		a = A("2001:db8:4::1");
		check(conf_ha_link_for(&c->ha, &a) == NULL,
		    "outside every home prefix");
		a = A("2001:db8:3::7");
		check(conf_ha_mn_find(&c->ha, &a) != NULL, "listed node found");
		a = A("2001:db8:3::8");
		check(conf_ha_mn_find(&c->ha, &a) == NULL, "unlisted node");
		check(conf_role_enabled(c, ROLE_HA) &&
		    !conf_role_enabled(c, ROLE_MN) &&
		    !conf_role_enabled(c, ROLE_SIG), "only the home agent");
		conf_free(c);
	} else
		printf("%s\n", err);
	check(conf_role_from_name("ha") == ROLE_HA &&
	    conf_role_from_name("correspondent") == ROLE_SIG &&
	    conf_role_from_name("nope") == -1, "role names");
	check(strcmp(conf_role_name(ROLE_MN), "mn") == 0, "role name mn");
	/* RFC 6275 L flag: fe80::/64 and the interface identifier. */
	a = A("2001:db8:1:2:a8bb:ccff:fedd:eeff");
	addr_link_local_of(&a, &p);
	check(addr_equal(&p, &(struct in6_addr){ .s6_addr = { 0xfe, 0x80, 0,
	    0, 0, 0, 0, 0, 0xa8, 0xbb, 0xcc, 0xff, 0xfe, 0xdd, 0xee, 0xff } }),
	    "link-local of a home address");
	addr_link_local_of(&p, &p);
	check(IN6_IS_ADDR_LINKLOCAL(&p) && p.s6_addr[15] == 0xff,
	    "link-local of itself (in place)");

	if (failed) {
		printf("%d of %d checks failed\n", failed, checks);
		return 1;
	}
	printf("%d checks\n", checks);
	return 0;
}
