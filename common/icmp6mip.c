/*
 * ICMPv6 messages of Mobile IPv6: see icmp6mip.h.
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <string.h>

#include "icmp6mip.h"
#include "wire.h"

#define ND_RA_TYPE		134
#define ND_RA_FIXED_LEN		16	/* ICMPv6 header + RA fields */
#define ND_OPT_PI_TYPE		3
#define ND_OPT_UNIT		8
#define ND_OPT_HA_INFO_LEN	8
#define ANYCAST_ID		0x7e	/* RFC 2526: Mobile IPv6 Home-Agents */
#define ANYCAST_ID_BITS		7
#define EUI64_PLEN		64
#define EUI64_UBIT		0x02	/* universal/local bit of the IID */

static size_t
build_hdr(uint8_t type, uint16_t id, uint8_t *buf, size_t size)
{
	if (size < ICMP6MIP_HDR_LEN)
		return 0;
	memset(buf, 0, ICMP6MIP_HDR_LEN);
	buf[0] = type;
	wire_put16(buf + 4, id);
	return ICMP6MIP_HDR_LEN;
}

size_t
icmp6mip_build_dhaad_req(uint16_t id, uint8_t *buf, size_t size)
{
	return build_hdr(ICMP6_HADISCOV_REQUEST, id, buf, size);
}

size_t
icmp6mip_build_mps(uint16_t id, uint8_t *buf, size_t size)
{
	return build_hdr(ICMP6_MOBILEPREFIX_SOL, id, buf, size);
}

size_t
icmp6mip_build_dhaad_rep(uint16_t id, const struct in6_addr *has, size_t n,
    size_t *used, uint8_t *buf, size_t size)
{
	size_t	 len, i;

	*used = 0;
	if ((len = build_hdr(ICMP6_HADISCOV_REPLY, id, buf, size)) == 0)
		return 0;
	for (i = 0; i < n && i < ICMP6MIP_MAX_HAS &&
	    len + sizeof(has[i]) <= size; i++) {
		memcpy(buf + len, &has[i], sizeof(has[i]));
		len += sizeof(has[i]);
	}
	*used = i;
	return len;
}

size_t
icmp6mip_build_mpa(uint16_t id, uint8_t flags,
    const struct icmp6mip_prefix *p, size_t n, uint8_t *buf, size_t size)
{
	size_t		 len, i;
	uint8_t		*o;
	struct in6_addr	 a;

	if ((len = build_hdr(ICMP6_MOBILEPREFIX_ADV, id, buf, size)) == 0)
		return 0;
	buf[6] = flags & (ICMP6MIP_MPA_M | ICMP6MIP_MPA_O);
	for (i = 0; i < n; i++) {
		if (len + ICMP6MIP_PIO_LEN > size)
			return 0;
		o = buf + len;
		memset(o, 0, ICMP6MIP_PIO_LEN);
		o[0] = ND_OPT_PI_TYPE;
		o[1] = ICMP6MIP_PIO_LEN / ND_OPT_UNIT;
		o[2] = p[i].plen;
		o[3] = p[i].flags;
		wire_put32(o + 4, p[i].valid);
		wire_put32(o + 8, p[i].preferred);
		a = p[i].prefix;
		memcpy(o + 16, &a, sizeof(a));
		len += ICMP6MIP_PIO_LEN;
	}
	return len;
}

static void
parse_pio(const uint8_t *o, struct icmp6mip_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->plen = o[2];
	p->flags = o[3];
	p->valid = wire_get32(o + 4);
	p->preferred = wire_get32(o + 8);
	memcpy(&p->prefix, o + 16, sizeof(p->prefix));
}

/* Walk ND options (RFC 4861 4.6): length 0 or past the end is malformed. */
static enum icmp6mip_err
walk_opts(const uint8_t *o, size_t len, struct icmp6mip_msg *m,
    struct icmp6mip_ra *ra)
{
	size_t	 olen;

	while (len > 0) {
		if (len < 2 || o[1] == 0 ||
		    (olen = (size_t)o[1] * ND_OPT_UNIT) > len)
			return ICMP6MIP_ERR_LEN;
		if (o[0] == ND_OPT_PI_TYPE) {
			if (olen != ICMP6MIP_PIO_LEN)
				return ICMP6MIP_ERR_LEN;
			if (m != NULL && m->npfx < ICMP6MIP_MAX_PREFIXES)
				parse_pio(o, &m->pfx[m->npfx++]);
			else if (m != NULL)
				m->npfx_dropped++;
			/* RFC 6275 7.2: with R the prefix field holds the
			 * router's whole global address. */
			if (ra != NULL && (o[3] & ICMP6MIP_PIO_R) &&
			    ra->naddrs < sizeof(ra->addrs) /
			    sizeof(ra->addrs[0]))
				memcpy(&ra->addrs[ra->naddrs++], o + 16,
				    sizeof(ra->addrs[0]));
		} else if (o[0] == ND_OPT_HA_INFO && ra != NULL) {
			if (olen != ND_OPT_HA_INFO_LEN)
				return ICMP6MIP_ERR_LEN;
			ra->has_info = 1;
			ra->preference = (int16_t)wire_get16(o + 4);
			ra->ha_lifetime = wire_get16(o + 6);
		}
		o += olen;
		len -= olen;
	}
	return ICMP6MIP_OK;
}

enum icmp6mip_err
icmp6mip_parse(const uint8_t *buf, size_t len, struct icmp6mip_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (len < ICMP6MIP_HDR_LEN)
		return ICMP6MIP_ERR_SHORT;
	m->type = buf[0];
	m->id = wire_get16(buf + 4);
	switch (buf[0]) {
	case ICMP6_HADISCOV_REQUEST:
	case ICMP6_HADISCOV_REPLY:
	case ICMP6_MOBILEPREFIX_SOL:
	case ICMP6_MOBILEPREFIX_ADV:
		break;
	default:
		return ICMP6MIP_ERR_TYPE;
	}
	/* RFC 6275 6.5-6.8: code 0; receivers ignore the reserved bits. */
	if (buf[1] != 0)
		return ICMP6MIP_ERR_CODE;
	switch (m->type) {
	case ICMP6_HADISCOV_REPLY:
		if ((len - ICMP6MIP_HDR_LEN) % sizeof(struct in6_addr) != 0)
			return ICMP6MIP_ERR_LEN;
		m->has = buf + ICMP6MIP_HDR_LEN;
		m->nhas = (len - ICMP6MIP_HDR_LEN) / sizeof(struct in6_addr);
		break;
	case ICMP6_MOBILEPREFIX_ADV:
		m->flags = buf[6] & (ICMP6MIP_MPA_M | ICMP6MIP_MPA_O);
		return walk_opts(buf + ICMP6MIP_HDR_LEN, len - ICMP6MIP_HDR_LEN,
		    m, NULL);
	default:
		break;
	}
	return ICMP6MIP_OK;
}

void
icmp6mip_reply_addr(const struct icmp6mip_msg *m, size_t i,
    struct in6_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (i < m->nhas)
		memcpy(a, m->has + i * sizeof(*a), sizeof(*a));
}

enum icmp6mip_err
icmp6mip_parse_ra(const uint8_t *buf, size_t len, struct icmp6mip_ra *ra)
{
	memset(ra, 0, sizeof(*ra));
	if (len < ND_RA_FIXED_LEN)
		return ICMP6MIP_ERR_SHORT;
	if (buf[0] != ND_RA_TYPE)
		return ICMP6MIP_ERR_TYPE;
	if (buf[1] != 0)
		return ICMP6MIP_ERR_CODE;
	ra->ha = (buf[5] & ND_RA_FLAG_HA) != 0;
	ra->router_lifetime = wire_get16(buf + 6);
	return walk_opts(buf + ND_RA_FIXED_LEN, len - ND_RA_FIXED_LEN, NULL,
	    ra);
}

int
icmp6mip_ha_anycast(const struct in6_addr *prefix, unsigned int plen,
    struct in6_addr *out)
{
	unsigned int	 bit;

	if (plen > 128 - ANYCAST_ID_BITS)
		return -1;
	*out = *prefix;
	/* Every interface identifier bit one ... */
	for (bit = plen; bit < 128; bit++)
		out->s6_addr[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	/* ... but the universal/local bit of an EUI-64 identifier ... */
	if (plen == EUI64_PLEN)
		out->s6_addr[8] &= (uint8_t)~EUI64_UBIT;
	/* ... and the low seven: the anycast ID. */
	out->s6_addr[15] = (uint8_t)((out->s6_addr[15] & 0x80) | ANYCAST_ID);
	return 0;
}

const char *
icmp6mip_err_str(enum icmp6mip_err e)
{
	static const char *const s[ICMP6MIP_ERR_COUNT] = {
		"ok", "short", "type", "code", "length", "no_space",
	};

	return (unsigned int)e < ICMP6MIP_ERR_COUNT ? s[e] : "unknown";
}

const char *
icmp6mip_type_str(uint8_t type)
{
	switch (type) {
	case ICMP6_HADISCOV_REQUEST:
		return "dhaad_request";
	case ICMP6_HADISCOV_REPLY:
		return "dhaad_reply";
	case ICMP6_MOBILEPREFIX_SOL:
		return "prefix_solicitation";
	case ICMP6_MOBILEPREFIX_ADV:
		return "prefix_advertisement";
	case ND_RA_TYPE:
		return "router_advertisement";
	default:
		return "other";
	}
}
