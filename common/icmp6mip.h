/*
 * ICMPv6 messages of Mobile IPv6 (RFC 6275 6.5-6.8): Dynamic Home Agent
 * Address Discovery Request/Reply (144, 145), Mobile Prefix
 * Solicitation/Advertisement (146, 147); the Neighbor Discovery additions
 * a home agent list is built from (RFC 6275 7.1-7.4: H flag, Home Agent
 * Information option, R flag of the Prefix Information option); the Home
 * Agents anycast address (RFC 2526).
 *
 * Builders leave the checksum zero: the kernel fills it on a raw ICMPv6
 * socket.  The parser works in the caller's buffer and never reads past
 * len.
 */
#ifndef MIP6_ICMP6MIP_H
#define MIP6_ICMP6MIP_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "mip6_const.h"

#define ICMP6MIP_HDR_LEN	8	/* type, code, checksum, id, reserved */
#define ICMP6MIP_MPA_M		0x80	/* Managed Address Configuration */
#define ICMP6MIP_MPA_O		0x40	/* Other Stateful Configuration */
#define ICMP6MIP_PIO_LEN	32	/* Prefix Information option */
#define ICMP6MIP_PIO_L		0x80
#define ICMP6MIP_PIO_A		0x40
#define ICMP6MIP_PIO_R		ND_PI_FLAG_ROUTER
#define ICMP6MIP_MAX_PREFIXES	16	/* kept from one MPA */
/* RFC 6275 10.5: a reply stays within the minimum IPv6 MTU. */
#define ICMP6MIP_MIN_MTU	1280
#define ICMP6MIP_IP6_HDR_LEN	40
/* Home agent addresses a reply to an unextended IPv6 header can carry. */
#define ICMP6MIP_MAX_HAS	((ICMP6MIP_MIN_MTU - ICMP6MIP_IP6_HDR_LEN - \
				  ICMP6MIP_HDR_LEN) / 16)
/* RFC 6275 7.4: a Home Agent Information option's default preference. */
#define ICMP6MIP_DEF_HA_PREF	0

enum icmp6mip_err {
	ICMP6MIP_OK = 0,
	ICMP6MIP_ERR_SHORT,	/* shorter than the fixed part */
	ICMP6MIP_ERR_TYPE,	/* not one of 134, 144-147 */
	ICMP6MIP_ERR_CODE,	/* code not 0 */
	ICMP6MIP_ERR_LEN,	/* 145: addresses not whole; bad option length */
	ICMP6MIP_ERR_NOSPACE,	/* builder: buffer too small */
	ICMP6MIP_ERR_COUNT
};

struct icmp6mip_prefix {
	struct in6_addr	 prefix;
	uint8_t		 plen;
	uint8_t		 flags;		/* ICMP6MIP_PIO_L|A|R */
	uint32_t	 valid;		/* seconds */
	uint32_t	 preferred;
};

/* A parsed 144-147. */
struct icmp6mip_msg {
	uint8_t		 type;
	uint16_t	 id;
	uint8_t		 flags;		/* 147: M, O */
	/* 145: the addresses, in the order sent (they point into the
	 * caller's buffer: read with icmp6mip_reply_addr) */
	const uint8_t	*has;
	size_t		 nhas;
	/* 147 */
	struct icmp6mip_prefix pfx[ICMP6MIP_MAX_PREFIXES];
	size_t		 npfx;
	size_t		 npfx_dropped;	/* beyond ICMP6MIP_MAX_PREFIXES */
};

/* What a home agent list needs from a Router Advertisement. */
struct icmp6mip_ra {
	int		 ha;		/* H flag */
	uint16_t	 router_lifetime;
	int		 has_info;	/* Home Agent Information option */
	int16_t		 preference;
	uint16_t	 ha_lifetime;
	/* global addresses of the router (R flag prefixes), first ones */
	struct in6_addr	 addrs[4];
	size_t		 naddrs;
};

size_t	 icmp6mip_build_dhaad_req(uint16_t id, uint8_t *, size_t);
/* At most n addresses and as many as fit size (and ICMP6MIP_MAX_HAS);
 * *used says how many went in.  0 when size is below the header. */
size_t	 icmp6mip_build_dhaad_rep(uint16_t id, const struct in6_addr *has,
	    size_t n, size_t *used, uint8_t *, size_t size);
size_t	 icmp6mip_build_mps(uint16_t id, uint8_t *, size_t);
size_t	 icmp6mip_build_mpa(uint16_t id, uint8_t flags,
	    const struct icmp6mip_prefix *, size_t n, uint8_t *, size_t size);

enum icmp6mip_err icmp6mip_parse(const uint8_t *, size_t,
	    struct icmp6mip_msg *);
void	 icmp6mip_reply_addr(const struct icmp6mip_msg *, size_t i,
	    struct in6_addr *);
/* A Router Advertisement (type 134), for the H flag and its options. */
enum icmp6mip_err icmp6mip_parse_ra(const uint8_t *, size_t,
	    struct icmp6mip_ra *);

/* RFC 2526: the Mobile IPv6 Home-Agents anycast address (ID 0x7e) of
 * prefix/plen; for /64 prefix::fdff:ffff:ffff:fffe.  -1 when plen > 121. */
int	 icmp6mip_ha_anycast(const struct in6_addr *prefix, unsigned int plen,
	    struct in6_addr *out);

const char *icmp6mip_err_str(enum icmp6mip_err);
const char *icmp6mip_type_str(uint8_t type);

#endif
