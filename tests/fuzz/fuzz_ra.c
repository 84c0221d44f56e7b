/*
 * libFuzzer harness for the mobile node's movement detection
 * (mip6-mn/movement.c): the input is a stream of events, each chosen by
 * one octet: a link change, an address change, a router advertisement
 * (parsed by mv_ra_parse from the bytes that follow), a default route
 * gone, a neighbour failure.  After each, mv_decide must give a decision
 * that holds: away means a global care-of address on a configured
 * interface that is up.
 */
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "movement.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct mv *m)
{
	struct mv_decision	 d;
	const struct mv_if	*i;

	mv_decide(m, &d);
	if (d.where == MV_NOWHERE)
		return;
	if ((i = mv_if_by_index(m, d.ifindex)) == NULL || !i->configured ||
	    !i->up)
		abort();
	if (d.where == MV_AWAY && (d.coa.s6_addr[0] & 0xe0) != 0x20)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	static const char *const names[] = { "eth0", "wlan0", "eth9", "mip6mn0" };
	struct mv_conf_if	 c[2];
	struct mv		*m;
	struct mv_ra		 ra;
	struct in6_addr		 a, hoa;
	size_t			 len;
	uint32_t		 ifindex;

	memset(c, 0, sizeof(c));
	strcpy(c[0].name, "eth0");
	strcpy(c[1].name, "wlan0");
	c[1].preference = 3;
	memset(&hoa, 0, sizeof(hoa));
	hoa.s6_addr[0] = 0x20;
	hoa.s6_addr[1] = 0x01;
	hoa.s6_addr[15] = 0x10;
	if ((m = malloc(sizeof(*m))) == NULL)
		return 0;
	mv_init(m, &hoa, 64, c, 2);
	while (n >= 2) {
		ifindex = 1 + p[1] % 4;
		m->now += p[1];
		switch (p[0] % 5) {
		case 0:
			mv_link(m, ifindex, names[ifindex - 1],
			    (p[0] & 0x80 ? IFF_UP : 0) |
			    (p[0] & 0x40 ? IFF_RUNNING : 0), (p[0] & 0x38) == 0x38);
			p += 2, n -= 2;
			break;
		case 1:
			if (n < 2 + 16 + 1)
				goto out;
			memcpy(&a, p + 2, sizeof(a));
			mv_addr(m, &a, ifindex, p[18], (uint32_t)p[0] & 0xfc,
			    (p[0] & 0x80) != 0);
			p += 19, n -= 19;
			break;
		case 2:
			len = n - 2 < p[1] ? n - 2 : p[1];
			if (mv_ra_parse(p + 2, len, &ra) == 0) {
				if (ra.npfx > MV_MAX_PFX)
					abort();
				memset(&ra.router, 0, sizeof(ra.router));
				ra.router.s6_addr[0] = 0xfe;
				ra.router.s6_addr[1] = 0x80;
				ra.router.s6_addr[15] = p[0];
				(void)mv_ra(m, 1 + p[0] % 2, &ra, m->now);
			}
			p += 2 + len, n -= 2 + len;
			break;
		case 3:
			mv_default_gone(m, ifindex);
			p += 2, n -= 2;
			break;
		default:
			memset(&a, 0, sizeof(a));
			a.s6_addr[0] = 0xfe;
			a.s6_addr[1] = 0x80;
			a.s6_addr[15] = p[1];
			(void)mv_neigh_failed(m, ifindex, &a);
			p += 2, n -= 2;
			break;
		}
		check(m);
	}
 out:
	free(m);
	return 0;
}
