/*
 * proxy-nd: daemon (mip6.yaml(5)): the home agent answers the Neighbor
 * Solicitations of its home links for the home addresses it holds
 * bindings for (RFC 6275 10.4.1), instead of a kernel proxy ND entry per
 * binding.  This file only parses and builds bytes: the Neighbor
 * Solicitation as the packet socket (proto.h ROLE_SOCK_ND, SOCK_DGRAM)
 * delivers it, from the IPv6 header on, and the Neighbor Advertisement
 * that answers it (RFC 4861 7.2.4 and 7.2.8).  ha.c decides whom to
 * answer.
 */
#ifndef MIP6_HA_NDPROXY_H
#define MIP6_HA_NDPROXY_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define NDP_MAC_LEN	6
/* IPv6 header + NS (24) + one option of 8 octets, and the NA we send. */
#define NDP_NA_LEN	32

/* Why a solicitation was dropped as malformed (RFC 4861 7.1.1). */
enum ndp_err {
	NDP_OK = 0,
	NDP_ERR_TRUNCATED,	/* shorter than its IPv6 payload length, or
				   than an IPv6 header */
	NDP_ERR_NOT_NS,		/* not IPv6 + ICMPv6 type 135 (the filter
				   lets only those through) */
	NDP_ERR_HOP_LIMIT,	/* IPv6 hop limit not 255 */
	NDP_ERR_CODE,		/* ICMP code not 0 */
	NDP_ERR_ICMP_LENGTH,	/* ICMP length below 24 */
	NDP_ERR_CHECKSUM,	/* ICMPv6 checksum wrong */
	NDP_ERR_TARGET,		/* target multicast */
	NDP_ERR_OPTION,		/* an option of length 0, or past the end */
	NDP_ERR_DAD_DST,	/* from :: but not to a solicited-node group */
	NDP_ERR_DAD_SLLAO,	/* from :: with a source link-layer option */
	NDP_ERR_COUNT
};

struct ndp_ns {
	struct in6_addr	 src;
	struct in6_addr	 dst;
	struct in6_addr	 target;
	int		 has_sllao;
};

/* Validate a solicitation of len octets (IPv6 header first). */
enum ndp_err	 ndp_parse_ns(const uint8_t *pkt, size_t len, struct ndp_ns *);
/* Stable counter name of a reason ("truncated", "checksum", ...). */
const char	*ndp_err_str(enum ndp_err);

/*
 * The proxy answer to ns (RFC 4861 7.2.4, 7.2.8): R=0 (the target is a
 * mobile node, a host: RFC 6275 10.4.1, as the kernel's proxy entries
 * answer), S=1 unless the solicitation came from ::, O=0, Target
 * Link-Layer Address option mac.  The checksum is left 0 (the ICMPv6 raw
 * socket fills it).  buf holds NDP_NA_LEN octets; *dst becomes where to
 * send it: the solicitation's source, or ff02::1 when that was ::.
 * Returns the length.
 */
size_t		 ndp_build_na(const struct ndp_ns *ns, const uint8_t *mac,
		    uint8_t *buf, struct in6_addr *dst);

/* The ICMPv6 checksum of msg over the pseudo header (RFC 8200 8.1). */
uint16_t	 ndp_cksum(const struct in6_addr *src, const struct in6_addr *dst,
		    const uint8_t *msg, size_t len);

#endif
