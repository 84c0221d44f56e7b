/*
 * Neighbor Solicitation parser and proxy Neighbor Advertisement builder:
 * see ndproxy.h.
 */
#include <netinet/in.h>
#include <string.h>

#include "ndproxy.h"
#include "wire.h"

#define IP6_HDR_LEN		40
#define IP6_OFF_PLEN		4
#define IP6_OFF_NXT		6
#define IP6_OFF_HLIM		7
#define IP6_OFF_SRC		8
#define IP6_OFF_DST		24
#define ND_HOP_LIMIT		255
#define ICMP6_NXT		58
#define NS_TYPE			135
#define NA_TYPE			136
#define NS_LEN			24	/* type .. target */
#define NS_OFF_TARGET		8
#define OPT_SLLA		1
#define OPT_TLLA		2
#define OPT_UNIT		8
#define NA_FLAG_SOLICITED	0x40

static const char *const ndp_err_names[NDP_ERR_COUNT] = {
	[NDP_OK] = "ok",
	[NDP_ERR_TRUNCATED] = "truncated",
	[NDP_ERR_NOT_NS] = "not_ns",
	[NDP_ERR_HOP_LIMIT] = "hop_limit",
	[NDP_ERR_CODE] = "code",
	[NDP_ERR_ICMP_LENGTH] = "icmp_length",
	[NDP_ERR_CHECKSUM] = "checksum",
	[NDP_ERR_TARGET] = "target_multicast",
	[NDP_ERR_OPTION] = "option_length",
	[NDP_ERR_DAD_DST] = "dad_destination",
	[NDP_ERR_DAD_SLLAO] = "dad_source_lla",
};

const char *
ndp_err_str(enum ndp_err e)
{
	if ((unsigned)e >= NDP_ERR_COUNT)
		return "unknown";
	return ndp_err_names[e];
}

uint16_t
ndp_cksum(const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *msg, size_t len)
{
	uint32_t	 sum = 0;
	size_t		 i;

	for (i = 0; i < 16; i += 2) {
		sum += wire_get16(&src->s6_addr[i]);
		sum += wire_get16(&dst->s6_addr[i]);
	}
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
	sum += ICMP6_NXT;
	for (i = 0; i + 1 < len; i += 2) {
		sum += wire_get16(msg + i);
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1)
		sum += (uint32_t)msg[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* ff02::1:ffXX:XXXX (RFC 4291 2.7.1), any XX. */
static int
is_solicited_node(const struct in6_addr *a)
{
	static const uint8_t	 pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
				    0, 0, 0, 0x01, 0xff };

	return memcmp(a->s6_addr, pfx, sizeof(pfx)) == 0;
}

enum ndp_err
ndp_parse_ns(const uint8_t *pkt, size_t len, struct ndp_ns *ns)
{
	const uint8_t	*icmp, *o;
	size_t		 plen, off, olen;

	memset(ns, 0, sizeof(*ns));
	if (len < IP6_HDR_LEN)
		return NDP_ERR_TRUNCATED;
	if ((pkt[0] >> 4) != 6 || pkt[IP6_OFF_NXT] != ICMP6_NXT)
		return NDP_ERR_NOT_NS;
	plen = wire_get16(pkt + IP6_OFF_PLEN);
	/* A frame may carry padding past the payload, never less. */
	if (plen > len - IP6_HDR_LEN)
		return NDP_ERR_TRUNCATED;
	if (plen < 1)
		return NDP_ERR_TRUNCATED;
	icmp = pkt + IP6_HDR_LEN;
	if (icmp[0] != NS_TYPE)
		return NDP_ERR_NOT_NS;
	memcpy(&ns->src, pkt + IP6_OFF_SRC, sizeof(ns->src));
	memcpy(&ns->dst, pkt + IP6_OFF_DST, sizeof(ns->dst));
	if (pkt[IP6_OFF_HLIM] != ND_HOP_LIMIT)
		return NDP_ERR_HOP_LIMIT;
	if (plen < 2 || icmp[1] != 0)
		return plen < 2 ? NDP_ERR_ICMP_LENGTH : NDP_ERR_CODE;
	if (plen < NS_LEN)
		return NDP_ERR_ICMP_LENGTH;
	/* A packet socket gets what the kernel did not check. */
	if (ndp_cksum(&ns->src, &ns->dst, icmp, plen) != 0)
		return NDP_ERR_CHECKSUM;
	memcpy(&ns->target, icmp + NS_OFF_TARGET, sizeof(ns->target));
	if (IN6_IS_ADDR_MULTICAST(&ns->target))
		return NDP_ERR_TARGET;
	for (off = NS_LEN; off < plen; off += olen) {
		o = icmp + off;
		if (plen - off < 2 || o[1] == 0)
			return NDP_ERR_OPTION;
		olen = (size_t)o[1] * OPT_UNIT;
		if (olen > plen - off)
			return NDP_ERR_OPTION;
		if (o[0] == OPT_SLLA)
			ns->has_sllao = 1;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&ns->src)) {
		if (!is_solicited_node(&ns->dst))
			return NDP_ERR_DAD_DST;
		if (ns->has_sllao)
			return NDP_ERR_DAD_SLLAO;
	}
	return NDP_OK;
}

size_t
ndp_build_na(const struct ndp_ns *ns, const uint8_t *mac, uint8_t *buf,
    struct in6_addr *dst)
{
	int	 dad = IN6_IS_ADDR_UNSPECIFIED(&ns->src);

	memset(buf, 0, NDP_NA_LEN);
	buf[0] = NA_TYPE;
	/* RFC 4861 7.2.8: a proxy answers with O=0, so the owner's own
	 * advertisement (O=1) wins if it is on the link after all.  R=0:
	 * the address is a mobile node's, a host's (RFC 6275 10.4.1, and
	 * what the kernel's proxy entries answer). */
	buf[4] = dad ? 0 : NA_FLAG_SOLICITED;
	memcpy(buf + NS_OFF_TARGET, &ns->target, sizeof(ns->target));
	buf[NS_LEN] = OPT_TLLA;
	buf[NS_LEN + 1] = 1;
	memcpy(buf + NS_LEN + 2, mac, NDP_MAC_LEN);
	if (dad) {
		/* RFC 4861 7.2.4: to all-nodes. */
		memset(dst, 0, sizeof(*dst));
		dst->s6_addr[0] = 0xff;
		dst->s6_addr[1] = 0x02;
		dst->s6_addr[15] = 0x01;
	} else
		*dst = ns->src;
	return NDP_NA_LEN;
}
