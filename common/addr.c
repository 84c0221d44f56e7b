/* IPv6 address and prefix helpers: see addr.h. */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

#define ADDR_BYTES	16
#define BITS_PER_BYTE	8
#define PLEN_DIGITS	3	/* "128" */

int
addr_parse(const char *s, struct in6_addr *a)
{
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : -1;
}

enum addr_perr
addr_parse_prefix(const char *s, struct in6_addr *a, unsigned int *plen,
    int want_plen)
{
	char		 buf[ADDR_STRLEN];
	const char	*slash, *p;
	size_t		 alen;
	unsigned int	 n = 0;

	if ((slash = strchr(s, '/')) == NULL) {
		if (want_plen > 0)
			return addr_parse(s, a) == 0 ? ADDR_ENOPLEN :
			    ADDR_EBADADDR;
		*plen = ADDR_MAX_PLEN;
		return addr_parse(s, a) == 0 ? ADDR_OK : ADDR_EBADADDR;
	}
	alen = (size_t)(slash - s);
	if (alen >= sizeof(buf))
		return ADDR_EBADADDR;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (addr_parse(buf, a) == -1)
		return ADDR_EBADADDR;
	if (want_plen < 0)
		return ADDR_EPLENGIVEN;
	p = slash + 1;
	if (*p == '\0' || strlen(p) > PLEN_DIGITS)
		return *p != '\0' && strspn(p, "0123456789") == strlen(p) ?
		    ADDR_EPLENRANGE : ADDR_EBADPLEN;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return ADDR_EBADPLEN;
		n = n * 10 + (unsigned int)(*p - '0');
	}
	if (n > ADDR_MAX_PLEN)
		return ADDR_EPLENRANGE;
	*plen = n;
	return ADDR_OK;
}

int
addr_in_prefix(const struct in6_addr *a, const struct in6_addr *prefix,
    unsigned int plen)
{
	unsigned int	 full, rest;
	uint8_t		 mask;

	if (plen > ADDR_MAX_PLEN)
		return 0;
	full = plen / BITS_PER_BYTE;
	rest = plen % BITS_PER_BYTE;
	if (memcmp(a->s6_addr, prefix->s6_addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (BITS_PER_BYTE - rest));
	return (a->s6_addr[full] & mask) == (prefix->s6_addr[full] & mask);
}

int
addr_prefix_overlap(const struct in6_addr *a, unsigned int alen,
    const struct in6_addr *b, unsigned int blen)
{
	/* Two prefixes overlap exactly when the shorter contains the other. */
	return alen <= blen ? addr_in_prefix(b, a, alen) :
	    addr_in_prefix(a, b, blen);
}

void
addr_mask(struct in6_addr *a, unsigned int plen)
{
	unsigned int	 i;

	if (plen >= ADDR_MAX_PLEN)
		return;
	a->s6_addr[plen / BITS_PER_BYTE] &=
	    (uint8_t)(0xff << (BITS_PER_BYTE - plen % BITS_PER_BYTE));
	for (i = plen / BITS_PER_BYTE + 1; i < ADDR_BYTES; i++)
		a->s6_addr[i] = 0;
}

int
addr_host_bits_zero(const struct in6_addr *a, unsigned int plen)
{
	struct in6_addr	 m = *a;

	addr_mask(&m, plen);
	return addr_equal(&m, a);
}

int
addr_is_global_unicast(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	    !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_LINKLOCAL(a) &&
	    !IN6_IS_ADDR_V4MAPPED(a);
}

void
addr_link_local_of(const struct in6_addr *a, struct in6_addr *ll)
{
	struct in6_addr	 l;

	memset(&l, 0, sizeof(l));
	l.s6_addr[0] = 0xfe;
	l.s6_addr[1] = 0x80;
	memcpy(&l.s6_addr[8], &a->s6_addr[8], 8);
	*ll = l;
}

int
addr_equal(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

int
addr_cmp(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a));
}

const char *
addr_ntop(const struct in6_addr *a, char *buf, size_t len)
{
	if (inet_ntop(AF_INET6, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

const char *
addr_prefix_ntop(const struct in6_addr *a, unsigned int plen, char *buf,
    size_t len)
{
	char	 tmp[ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", addr_ntop(a, tmp, sizeof(tmp)), plen);
	return buf;
}
