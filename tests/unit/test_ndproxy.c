/*
 * proxy-nd: daemon: the Neighbor Solicitation parser and the proxy
 * Neighbor Advertisement builder (mip6-ha/ndproxy.c).  Frames are built
 * here byte by byte, as the packet socket hands them over (IPv6 header
 * first); the checksum is computed here independently of ndp_cksum().
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "ndproxy.h"

#define HDR	40

static const uint8_t	 mac_r[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t	 mac_ha[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

/* A plain RFC 1071 sum, not the code under test. */
static uint16_t
sum_ref(const uint8_t *pkt, size_t plen)
{
	uint8_t		 ph[40 + 2048];
	uint64_t	 s = 0;
	size_t		 i, n = 0;

	memcpy(ph, pkt + 8, 32);		/* src, dst */
	n = 32;
	ph[n++] = (uint8_t)(plen >> 24);
	ph[n++] = (uint8_t)(plen >> 16);
	ph[n++] = (uint8_t)(plen >> 8);
	ph[n++] = (uint8_t)plen;
	ph[n++] = 0; ph[n++] = 0; ph[n++] = 0; ph[n++] = 58;
	memcpy(ph + n, pkt + HDR, plen);
	n += plen;
	if (n & 1)
		ph[n++] = 0;
	for (i = 0; i < n; i += 2)
		s += (uint32_t)(ph[i] << 8 | ph[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An NS from src to dst for target; with sllao a Source Link-Layer
 * Address option; the checksum right.  Returns the frame length. */
static size_t
mk_ns(uint8_t *p, const char *src, const char *dst, const char *target,
    int sllao)
{
	struct in6_addr	 s = A(src), d = A(dst), t = A(target);
	size_t		 plen = 24 + (sllao ? 8 : 0);
	uint16_t	 c;

	memset(p, 0, HDR + plen);
	p[0] = 0x60;
	p[4] = (uint8_t)(plen >> 8);
	p[5] = (uint8_t)plen;
	p[6] = 58;
	p[7] = 255;
	memcpy(p + 8, &s, 16);
	memcpy(p + 24, &d, 16);
	p[HDR] = 135;
	memcpy(p + HDR + 8, &t, 16);
	if (sllao) {
		p[HDR + 24] = 1;
		p[HDR + 25] = 1;
		memcpy(p + HDR + 26, mac_r, 6);
	}
	c = sum_ref(p, plen);
	p[HDR + 2] = (uint8_t)(c >> 8);
	p[HDR + 3] = (uint8_t)c;
	return HDR + plen;
}

/* Recompute the checksum after a test changed a byte. */
static void
resum(uint8_t *p)
{
	size_t		 plen = (size_t)(p[4] << 8 | p[5]);
	uint16_t	 c;

	p[HDR + 2] = p[HDR + 3] = 0;
	c = sum_ref(p, plen);
	p[HDR + 2] = (uint8_t)(c >> 8);
	p[HDR + 3] = (uint8_t)c;
}

static void
t_unicast_ns_answered_s_not_r_o(void)
{
	uint8_t		 p[128], na[NDP_NA_LEN];
	struct ndp_ns	 ns;
	struct in6_addr	 dst, t = A("2001:db8:1::100");
	size_t		 n = mk_ns(p, "fe80::1", "ff02::1:ff00:100",
			    "2001:db8:1::100", 1);

	CHECK(ndp_parse_ns(p, n, &ns) == NDP_OK);
	CHECK(ns.has_sllao);
	CHECK(memcmp(&ns.target, &t, 16) == 0);
	CHECK(ndp_build_na(&ns, mac_ha, na, &dst) == NDP_NA_LEN);
	CHECK(na[0] == 136 && na[1] == 0);
	/* R=0 S=1 O=0, the rest reserved */
	CHECK(na[4] == 0x40 && na[5] == 0 && na[6] == 0 && na[7] == 0);
	CHECK(memcmp(na + 8, &t, 16) == 0);
	CHECK(na[24] == 2 && na[25] == 1 && memcmp(na + 26, mac_ha, 6) == 0);
	CHECK(memcmp(&dst, &ns.src, 16) == 0);
	/* A unicast NS (neighbour unreachability detection) too. */
	n = mk_ns(p, "2001:db8:1::fe", "2001:db8:1::100", "2001:db8:1::100", 0);
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_OK && !ns.has_sllao);
}

static void
t_dad_ns_answered_to_all_nodes_without_s(void)
{
	uint8_t		 p[128], na[NDP_NA_LEN];
	struct ndp_ns	 ns;
	struct in6_addr	 dst, all = A("ff02::1");
	size_t		 n = mk_ns(p, "::", "ff02::1:ff00:100",
			    "2001:db8:1::100", 0);

	CHECK(ndp_parse_ns(p, n, &ns) == NDP_OK);
	CHECK(IN6_IS_ADDR_UNSPECIFIED(&ns.src));
	ndp_build_na(&ns, mac_ha, na, &dst);
	CHECK(na[4] == 0);		/* R=0 S=0 O=0 */
	CHECK(memcmp(&dst, &all, 16) == 0);
}

static void
t_malformed_each_reason(void)
{
	uint8_t		 p[128];
	struct ndp_ns	 ns;
	size_t		 n;

	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 1);
	p[7] = 254;
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_HOP_LIMIT);
	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 1);
	p[HDR + 1] = 1;
	resum(p);
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_CODE);
	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 1);
	p[HDR + 3] ^= 0x01;
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_CHECKSUM);
	/* the pseudo header counts: another source, same bytes after it */
	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 1);
	p[8 + 15] = 2;
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_CHECKSUM);
	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "ff02::1", 0);
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_TARGET);
	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 1);
	p[HDR + 25] = 0;		/* option length 0 */
	resum(p);
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_OPTION);
	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 1);
	p[HDR + 25] = 2;		/* past the end */
	resum(p);
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_OPTION);
	n = mk_ns(p, "::", "2001:db8:1::100", "2001:db8:1::100", 0);
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_DAD_DST);
	n = mk_ns(p, "::", "ff02::1:ff00:100", "2001:db8:1::100", 1);
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_DAD_SLLAO);
	/* ICMP length 20 (payload length says so, checksum right) */
	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 0);
	p[5] = 20;
	resum(p);
	CHECK(ndp_parse_ns(p, n - 4, &ns) == NDP_ERR_ICMP_LENGTH);
	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 0);
	p[6] = 0;			/* hop-by-hop header first */
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_NOT_NS);
	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 0);
	p[HDR] = 136;
	CHECK(ndp_parse_ns(p, n, &ns) == NDP_ERR_NOT_NS);
	CHECK(strcmp(ndp_err_str(NDP_ERR_CHECKSUM), "checksum") == 0);
	CHECK(strcmp(ndp_err_str(NDP_ERR_COUNT), "unknown") == 0);
}

/* Every prefix of a good frame is refused (read past nothing: ASan). */
static void
t_truncated_never_accepted(void)
{
	uint8_t		 p[128], *q;
	struct ndp_ns	 ns;
	size_t		 n, k;

	n = mk_ns(p, "fe80::1", "ff02::1:ff00:100", "2001:db8:1::100", 1);
	for (k = 0; k < n; k++) {
		if ((q = malloc(k ? k : 1)) == NULL)
			abort();
		memcpy(q, p, k);
		CHECK(ndp_parse_ns(q, k, &ns) != NDP_OK);
		free(q);
	}
	/* Ethernet padding after the payload is fine. */
	memset(p + n, 0xee, 6);
	CHECK(ndp_parse_ns(p, n + 6, &ns) == NDP_OK);
}

static const struct check_case cases[] = {
	{ "unicast_ns_answered_s_not_r_o", t_unicast_ns_answered_s_not_r_o },
	{ "dad_ns_answered_to_all_nodes_without_s",
	    t_dad_ns_answered_to_all_nodes_without_s },
	{ "malformed_each_reason", t_malformed_each_reason },
	{ "truncated_never_accepted", t_truncated_never_accepted },
};

int
main(int argc, char *argv[])
{
	return CHECK_RUN(cases, argc, argv);
}
