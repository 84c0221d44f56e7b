/* Movement detection: see movement.h. */
#include <net/if.h>
#include <string.h>

#include <bsd/string.h>
#include <linux/if_addr.h>

#include "movement.h"
#include "wire.h"

#define ICMP6_RA_TYPE		134
#define RA_FIXED_LEN		16	/* type .. retrans timer */
#define ND_OPT_PREFIX		3
#define ND_OPT_PREFIX_LEN	32
#define ND_OPT_ADV_INTERVAL	7
#define ND_OPT_ADV_INTERVAL_LEN	8
#define ND_OPT_UNIT		8

static struct mv_if	*mv_if_get(struct mv *, uint32_t, int);

int
mv_in_prefix(const struct in6_addr *a, const struct in6_addr *p,
    uint8_t plen)
{
	size_t	 full = plen / 8;
	uint8_t	 mask;

	if (plen > 128)
		return 0;
	if (memcmp(a, p, full) != 0)
		return 0;
	if (plen % 8 == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - plen % 8));
	return (a->s6_addr[full] & mask) == (p->s6_addr[full] & mask);
}

static int
mv_global(const struct in6_addr *a)
{
	/* 2000::/3: global unicast. */
	return (a->s6_addr[0] & 0xe0) == 0x20;
}

void
mv_init(struct mv *m, const struct in6_addr *hoa, uint8_t plen,
    const struct mv_conf_if *c, size_t nc)
{
	memset(m, 0, sizeof(*m));
	m->hoa = *hoa;
	m->hoa_plen = plen;
	if (nc > MV_MAX_IFS)
		nc = MV_MAX_IFS;
	memcpy(m->conf, c, nc * sizeof(*c));
	m->nconf = nc;
}

const struct mv_if *
mv_if_by_index(const struct mv *m, uint32_t ifindex)
{
	size_t	 i;

	for (i = 0; i < m->nifs; i++)
		if (m->ifs[i].ifindex == ifindex)
			return &m->ifs[i];
	return NULL;
}

static struct mv_if *
mv_if_get(struct mv *m, uint32_t ifindex, int create)
{
	size_t	 i;

	for (i = 0; i < m->nifs; i++)
		if (m->ifs[i].ifindex == ifindex)
			return &m->ifs[i];
	if (!create || m->nifs >= MV_MAX_IFS)
		return NULL;
	memset(&m->ifs[m->nifs], 0, sizeof(m->ifs[0]));
	m->ifs[m->nifs].ifindex = ifindex;
	return &m->ifs[m->nifs++];
}

static void
mv_forget_link(struct mv_if *i)
{
	i->ra_now = 0;
	i->npfx = 0;
	i->ra_ha = 0;
}

int
mv_link(struct mv *m, uint32_t ifindex, const char *name, uint32_t flags,
    int deleted)
{
	struct mv_if	*i;
	size_t		 k;
	int		 was, up;

	if (deleted) {
		for (k = 0; k < m->nifs; k++)
			if (m->ifs[k].ifindex == ifindex) {
				m->ifs[k] = m->ifs[--m->nifs];
				break;
			}
		/* Its addresses went with it. */
		for (k = 0; k < m->naddrs; )
			if (m->addrs[k].ifindex == ifindex)
				m->addrs[k] = m->addrs[--m->naddrs];
			else
				k++;
		return 0;
	}
	if ((i = mv_if_get(m, ifindex, 1)) == NULL)
		return 0;
	if (name != NULL && name[0] != '\0') {
		strlcpy(i->name, name, sizeof(i->name));
		i->configured = 0;
		for (k = 0; k < m->nconf; k++)
			if (strcmp(m->conf[k].name, i->name) == 0) {
				i->configured = 1;
				i->preference = m->conf[k].preference;
			}
	}
	was = i->up;
	up = (flags & IFF_UP) && (flags & IFF_RUNNING);
	i->up = up;
	/* A carrier loss may mean another link: wait for its RA. */
	if (!up || !was)
		mv_forget_link(i);
	if (up && !was)
		i->up_at = m->now;
	return up && !was && i->configured;
}

void
mv_addr(struct mv *m, const struct in6_addr *a, uint32_t ifindex,
    uint8_t plen, uint32_t flags, int deleted)
{
	size_t	 k;

	for (k = 0; k < m->naddrs; k++)
		if (m->addrs[k].ifindex == ifindex &&
		    memcmp(&m->addrs[k].addr, a, sizeof(*a)) == 0)
			break;
	if (deleted) {
		if (k < m->naddrs)
			m->addrs[k] = m->addrs[--m->naddrs];
		return;
	}
	if (k == m->naddrs) {
		if (m->naddrs >= MV_MAX_ADDRS)
			return;
		m->naddrs++;
	}
	m->addrs[k].addr = *a;
	m->addrs[k].ifindex = ifindex;
	m->addrs[k].plen = plen;
	m->addrs[k].flags = flags;
}

void
mv_default_gone(struct mv *m, uint32_t ifindex)
{
	struct mv_if	*i;

	if ((i = mv_if_get(m, ifindex, 0)) != NULL)
		mv_forget_link(i);
}

int
mv_neigh_failed(struct mv *m, uint32_t ifindex, const struct in6_addr *a)
{
	struct mv_if	*i;

	if ((i = mv_if_get(m, ifindex, 0)) == NULL || !i->ra_now ||
	    memcmp(&i->router, a, sizeof(*a)) != 0)
		return 0;
	mv_forget_link(i);
	return 1;
}

int
mv_ra(struct mv *m, uint32_t ifindex, const struct mv_ra *ra, uint64_t now)
{
	struct mv_if	*i;
	size_t		 k;

	if ((i = mv_if_get(m, ifindex, 0)) == NULL || !i->configured)
		return 0;
	i->ra_now = i->ra_ever = 1;
	i->ra_at = now;
	i->ra_ha = (ra->flags & MV_RA_F_HA) != 0;
	i->router = ra->router;
	i->npfx = 0;
	for (k = 0; k < ra->npfx && i->npfx < MV_MAX_PFX; k++)
		if (ra->pfx[k].valid != 0)
			i->pfx[i->npfx++] = ra->pfx[k];
	/* An RA without prefixes (router lifetime only) says nothing new. */
	if (i->npfx == 0)
		i->ra_now = 0;
	return 1;
}

static int
mv_usable(const struct mv_addr *a)
{
	/* Optimistic DAD (RFC 4429) lets a tentative address be used. */
	return mv_global(&a->addr) &&
	    !(a->flags & (IFA_F_DADFAILED | IFA_F_DEPRECATED)) &&
	    (!(a->flags & IFA_F_TENTATIVE) || (a->flags & IFA_F_OPTIMISTIC));
}

/* On interface i, the home link (1), a foreign link with coa (2), or 0. */
static int
mv_judge(const struct mv *m, const struct mv_if *i, struct in6_addr *coa,
    uint32_t *valid)
{
	const struct mv_addr	*a;
	size_t			 k, p;
	int			 home = 0, found = 0;

	*valid = 0;
	if (i->ra_now) {
		for (p = 0; p < i->npfx; p++)
			if (i->pfx[p].plen == m->hoa_plen &&
			    mv_in_prefix(&m->hoa, &i->pfx[p].prefix,
			    m->hoa_plen))
				home = 1;
		if (home)
			return 1;
		for (k = 0; k < m->naddrs && !found; k++) {
			a = &m->addrs[k];
			if (a->ifindex != i->ifindex || !mv_usable(a))
				continue;
			for (p = 0; p < i->npfx; p++)
				if (mv_in_prefix(&a->addr, &i->pfx[p].prefix,
				    i->pfx[p].plen)) {
					*coa = a->addr;
					*valid = i->pfx[p].valid;
					found = 1;
					break;
				}
		}
		return found ? 2 : 0;
	}
	if (i->ra_ever || m->now < i->up_at + MV_RA_WAIT_MS)
		return 0;
	/* Never an RA here (static addressing): the addresses tell. */
	for (k = 0; k < m->naddrs; k++) {
		a = &m->addrs[k];
		if (a->ifindex != i->ifindex || !mv_usable(a) ||
		    (a->flags & IFA_F_HOMEADDRESS))
			continue;
		if (mv_in_prefix(&a->addr, &m->hoa, m->hoa_plen)) {
			if (memcmp(&a->addr, &m->hoa, sizeof(m->hoa)) != 0)
				home = 1;
		} else if (!found) {
			*coa = a->addr;
			found = 1;
		}
	}
	return home ? 1 : found ? 2 : 0;
}

void
mv_decide(const struct mv *m, struct mv_decision *d)
{
	const struct mv_if	*i, *best = NULL;
	struct in6_addr		 coa, bestcoa;
	uint32_t		 valid, bestvalid = 0;
	size_t			 k;
	int			 r;

	memset(d, 0, sizeof(*d));
	memset(&bestcoa, 0, sizeof(bestcoa));
	for (k = 0; k < m->nifs; k++) {
		i = &m->ifs[k];
		if (!i->configured || !i->up)
			continue;
		r = mv_judge(m, i, &coa, &valid);
		if (r == 1) {
			/* Home wins over any foreign link. */
			d->where = MV_HOME;
			d->ifindex = i->ifindex;
			strlcpy(d->ifname, i->name, sizeof(d->ifname));
			return;
		}
		if (r == 2 && (best == NULL || i->preference >
		    best->preference || (i->preference == best->preference &&
		    i->ifindex < best->ifindex))) {
			best = i;
			bestcoa = coa;
			bestvalid = valid;
		}
	}
	if (best != NULL) {
		d->where = MV_AWAY;
		d->coa = bestcoa;
		d->coa_valid = bestvalid;
		d->ifindex = best->ifindex;
		strlcpy(d->ifname, best->name, sizeof(d->ifname));
	}
}

int
mv_ra_parse(const uint8_t *b, size_t len, struct mv_ra *ra)
{
	size_t		 off, olen;
	struct mv_prefix *p;

	memset(ra, 0, sizeof(*ra));
	if (len < RA_FIXED_LEN || b[0] != ICMP6_RA_TYPE || b[1] != 0)
		return -1;
	ra->flags = b[5];
	ra->router_lifetime = (uint16_t)(b[6] << 8 | b[7]);
	for (off = RA_FIXED_LEN; off < len; off += olen) {
		if (len - off < 2)
			return -1;
		olen = (size_t)b[off + 1] * ND_OPT_UNIT;
		if (olen == 0 || olen > len - off)
			return -1;
		switch (b[off]) {
		case ND_OPT_PREFIX:
			if (olen != ND_OPT_PREFIX_LEN)
				return -1;
			if (ra->npfx >= MV_MAX_PFX || b[off + 2] > 128)
				break;
			p = &ra->pfx[ra->npfx++];
			p->plen = b[off + 2];
			p->flags = b[off + 3];
			p->valid = wire_get32(b + off + 4);
			p->preferred = wire_get32(b + off + 8);
			memcpy(&p->prefix, b + off + 16, sizeof(p->prefix));
			break;
		case ND_OPT_ADV_INTERVAL:
			if (olen == ND_OPT_ADV_INTERVAL_LEN)
				ra->adv_interval = wire_get32(b + off + 4);
			break;
		default:
			break;
		}
	}
	return 0;
}

const char *
mv_where_str(enum mv_where w)
{
	switch (w) {
	case MV_NOWHERE:
		return "nowhere";
	case MV_HOME:
		return "home";
	case MV_AWAY:
		return "away";
	}
	return "?";
}
