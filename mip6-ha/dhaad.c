/*
 * Dynamic Home Agent Address Discovery and Mobile Prefix Discovery, the
 * home agent's side: see dhaad.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "addr.h"
#include "bcache.h"
#include "config.h"
#include "dhaad.h"
#include "icmp6mip.h"
#include "log.h"
#include "mh.h"
#include "mhsock.h"
#include "proto.h"
#include "role.h"

#define DH_RX_BURST		64
#define DH_BUF_LEN		2048
#define ND_HOPLIMIT		255	/* RFC 4861 6.1.2 */
#define MS_PER_S		1000
#define NS_PER_MS		1000000
/* Prefix lifetimes an advertisement carries: the configuration has none
 * yet, so RFC 4861 6.2.1's defaults (AdvValidLifetime 30 days,
 * AdvPreferredLifetime 7 days). */
#define DH_PREFIX_VALID_S	2592000
#define DH_PREFIX_PREFERRED_S	604800

static void	 dh_read(evutil_socket_t, short, void *);
static void	 dh_request(const uint8_t *, size_t, const struct mh_rx *);
static void	 dh_solicitation(const uint8_t *, size_t, const struct mh_rx *);
static void	 dh_ra(const uint8_t *, size_t, const struct mh_rx *);
static int64_t	 dh_now_ms(void);

static const struct mip6_conf	*dh_conf;
static struct bcache		*dh_bc;
static struct hal		 dh_hal;
static int			 dh_fd = -1;
static struct event		*dh_ev;
static uint64_t			 dh_ctr[DH_CTR_COUNT];

static const char *const dh_ctr_names[DH_CTR_COUNT] = {
	[DH_RX_REQUEST] = "dhaad.rx_request",
	[DH_TX_REPLY] = "dhaad.tx_reply",
	[DH_DROP_NOT_ANYCAST] = "dhaad.drop.not_anycast",
	[DH_DROP_MALFORMED] = "dhaad.drop.malformed",
	[DH_RX_RA] = "halist.rx_ra",
	[DH_RA_IGNORED] = "halist.ra_ignored",
	[DH_HA_ADDED] = "halist.added",
	[DH_HA_REMOVED] = "halist.removed",
	[DH_RX_MPS] = "mpd.rx_solicitation",
	[DH_TX_MPA] = "mpd.tx_advertisement",
	[DH_MPS_NO_BINDING] = "mpd.drop.no_binding",
	[DH_MPS_NOT_OURS] = "mpd.drop.not_ours",
	[DH_TX_FAILED] = "dhaad.tx_failed",
};

/* ---- the home agent list (RFC 6275 10.1), no I/O ---- */

static struct hal_entry *
hal_find(struct hal *h, size_t link, const struct in6_addr *ll)
{
	size_t	 i;

	for (i = 0; i < h->n; i++)
		if (h->e[i].link == link && addr_equal(&h->e[i].ll, ll))
			return &h->e[i];
	return NULL;
}

static void
hal_del(struct hal *h, struct hal_entry *e)
{
	*e = h->e[--h->n];
}

enum hal_result
hal_ra(struct hal *h, size_t link, const struct in6_addr *ll,
    const struct icmp6mip_ra *ra, const struct in6_addr *own, int64_t now)
{
	struct hal_entry	*e = hal_find(h, link, ll);
	uint32_t		 lifetime;
	const struct in6_addr	*addr = NULL;
	size_t			 i;
	int			 added = 0;

	for (i = 0; i < ra->naddrs; i++)
		if (addr_is_global_unicast(&ra->addrs[i])) {
			addr = &ra->addrs[i];
			break;
		}
	if (addr != NULL && own != NULL && addr_equal(addr, own))
		return HAL_IGNORED;	/* our own advertisement */
	/* The Home Agent Information option's lifetime, or else the
	 * router lifetime; 0, or no H flag, ends the entry. */
	lifetime = ra->has_info ? ra->ha_lifetime : ra->router_lifetime;
	if (!ra->ha || lifetime == 0) {
		if (e == NULL)
			return HAL_IGNORED;
		hal_del(h, e);
		return HAL_REMOVED;
	}
	if (e == NULL) {
		if (addr == NULL)
			return HAL_IGNORED;	/* no global address to list */
		if (h->n >= HAL_MAX)
			return HAL_FULL;
		e = &h->e[h->n++];
		memset(e, 0, sizeof(*e));
		e->ll = *ll;
		e->link = link;
		added = 1;
	}
	if (addr != NULL)
		e->addr = *addr;
	e->pref = ra->has_info ? ra->preference : ICMP6MIP_DEF_HA_PREF;
	e->expires = now + (int64_t)lifetime * MS_PER_S;
	return added ? HAL_ADDED : HAL_UPDATED;
}

void
hal_expire(struct hal *h, int64_t now)
{
	size_t	 i = 0;

	while (i < h->n)
		if (h->e[i].expires <= now)
			hal_del(h, &h->e[i]);
		else
			i++;
}

size_t
hal_reply(const struct hal *h, size_t link, const struct in6_addr *own,
    int16_t own_pref, int64_t now, struct in6_addr *out, size_t max)
{
	struct {
		const struct in6_addr	*a;
		int16_t			 pref;
	}		 l[HAL_MAX + 1], t;
	size_t		 n = 0, i, j;

	l[n].a = own;
	l[n++].pref = own_pref;
	for (i = 0; i < h->n; i++) {
		if (h->e[i].link != link || h->e[i].expires <= now ||
		    addr_equal(&h->e[i].addr, own))
			continue;
		l[n].a = &h->e[i].addr;
		l[n++].pref = h->e[i].pref;
	}
	/* Highest preference first (RFC 6275 10.5); stable for equals. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && l[j].pref > l[j - 1].pref; j--) {
			t = l[j];
			l[j] = l[j - 1];
			l[j - 1] = t;
		}
	for (i = 0; i < n && i < max; i++)
		out[i] = *l[i].a;
	return i;
}

/* ---- the engine ---- */

const char *
dhaad_ctr_name(enum dhaad_ctr c)
{
	return (unsigned int)c < DH_CTR_COUNT ? dh_ctr_names[c] : "unknown";
}

void
dhaad_ctr_foreach(void (*cb)(const char *, uint64_t, void *), void *arg)
{
	size_t	 i;

	hal_expire(&dh_hal, dh_now_ms());
	cb("halist.entries", dh_hal.n, arg);
	for (i = 0; i < DH_CTR_COUNT; i++)
		cb(dh_ctr_names[i], dh_ctr[i], arg);
}

static int64_t
dh_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * MS_PER_S + ts.tv_nsec / NS_PER_MS;
}

void
dhaad_init(const struct mip6_conf *conf, struct bcache *bc)
{
	struct icmp6_filter	 f;
	int			 on = 1;

	dh_conf = conf;
	dh_bc = bc;
	if ((dh_fd = role_socket(ROLE_SOCK_DHAAD)) == -1) {
		log_warnx("no DHAAD socket from the parent: dynamic home agent "
		    "address discovery and mobile prefix discovery are off");
		return;
	}
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &f);
	ICMP6_FILTER_SETPASS(ICMP6_HADISCOV_REQUEST, &f);
	ICMP6_FILTER_SETPASS(ICMP6_MOBILEPREFIX_SOL, &f);
	if (setsockopt(dh_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
	    sizeof(f)) == -1 || mh_sock_setup(dh_fd) == -1 ||
	    setsockopt(dh_fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
	    sizeof(on)) == -1)
		fatal("DHAAD socket options");
	if ((dh_ev = event_new(role_base(), dh_fd, EV_READ | EV_PERSIST,
	    dh_read, NULL)) == NULL || event_add(dh_ev, NULL) == -1)
		fatalx("cannot watch the DHAAD socket");
}

void
dhaad_reconf(const struct mip6_conf *conf)
{
	dh_conf = conf;
	/* Entries of links that went away. */
	while (dh_hal.n > 0 && dh_hal.e[dh_hal.n - 1].link >= conf->ha.nlinks)
		dh_hal.n--;
	hal_expire(&dh_hal, 0);
}

static void
dh_read(evutil_socket_t fd, short ev, void *arg)
{
	uint8_t		 buf[DH_BUF_LEN];
	struct mh_rx	 rx;
	ssize_t		 n;
	int		 i;

	for (i = 0; i < DH_RX_BURST; i++) {
		if ((n = mh_sock_recv(fd, buf, sizeof(buf), &rx)) == 0)
			return;
		if (n == -1) {
			if (errno == EMSGSIZE) {
				dh_ctr[DH_DROP_MALFORMED]++;
				continue;
			}
			log_warn("%s: recvmsg", __func__);
			return;
		}
		if (n < 1)
			continue;
		switch (buf[0]) {
		case ICMP6_HADISCOV_REQUEST:
			dh_request(buf, (size_t)n, &rx);
			break;
		case ICMP6_MOBILEPREFIX_SOL:
			dh_solicitation(buf, (size_t)n, &rx);
			break;
		case ND_ROUTER_ADVERT:
			dh_ra(buf, (size_t)n, &rx);
			break;
		}
	}
}

/* Which link and prefix dst is the Home Agents anycast address of. */
static int
dh_anycast_link(const struct in6_addr *dst, size_t *link)
{
	const struct conf_ha_link	*l;
	struct in6_addr			 any;
	size_t				 i, j;

	for (i = 0; i < dh_conf->ha.nlinks; i++) {
		l = &dh_conf->ha.links[i];
		for (j = 0; j < l->nprefixes; j++)
			if (icmp6mip_ha_anycast(&l->prefixes[j].addr,
			    l->prefixes[j].plen, &any) == 0 &&
			    addr_equal(&any, dst)) {
				*link = i;
				return 0;
			}
	}
	return -1;
}

/* RFC 6275 10.5: 144 -> 145 listing the link's home agents. */
static void
dh_request(const uint8_t *buf, size_t len, const struct mh_rx *rx)
{
	struct icmp6mip_msg	 m;
	struct in6_addr		 has[ICMP6MIP_MAX_HAS];
	uint8_t			 out[ICMP6MIP_MIN_MTU];
	const struct in6_addr	*own;
	size_t			 link, n, olen, used;
	char			 a[ADDR_STRLEN];

	dh_ctr[DH_RX_REQUEST]++;
	if (icmp6mip_parse(buf, len, &m) != ICMP6MIP_OK) {
		dh_ctr[DH_DROP_MALFORMED]++;
		return;
	}
	if (!rx->has_dst || dh_anycast_link(&rx->dst, &link) == -1) {
		dh_ctr[DH_DROP_NOT_ANYCAST]++;
		return;
	}
	/* The reply goes to the request's source, its care-of address. */
	if (!addr_is_global_unicast(&rx->src)) {
		dh_ctr[DH_DROP_MALFORMED]++;
		return;
	}
	own = &dh_conf->ha.links[link].addr;
	n = hal_reply(&dh_hal, link, own, (int16_t)dh_conf->ha.preference,
	    dh_now_ms(), has, ICMP6MIP_MAX_HAS);
	olen = icmp6mip_build_dhaad_rep(m.id, has, n, &used, out,
	    sizeof(out) - ICMP6MIP_IP6_HDR_LEN);
	if (mh_sock_send(dh_fd, out, olen, own, &rx->src, NULL, 0) == -1) {
		log_warn("DHAAD reply to %s", addr_ntop(&rx->src, a,
		    sizeof(a)));
		dh_ctr[DH_TX_FAILED]++;
		return;
	}
	dh_ctr[DH_TX_REPLY]++;
	log_debug("DHAAD request %u from %s: %zu home agent(s)", m.id,
	    addr_ntop(&rx->src, a, sizeof(a)), used);
}

/* RFC 6275 10.6.2: 146 from a mobile node with a binding -> 147. */
static void
dh_solicitation(const uint8_t *buf, size_t len, const struct mh_rx *rx)
{
	struct icmp6mip_msg		 m;
	struct icmp6mip_prefix		 p[ICMP6MIP_MAX_PREFIXES];
	uint8_t				 out[ICMP6MIP_MIN_MTU];
	const struct conf_ha_link	*l = NULL;
	const struct in6_addr		*hoa;
	struct bc_entry			*e;
	size_t				 i, n, olen;
	char				 a[ADDR_STRLEN];

	dh_ctr[DH_RX_MPS]++;
	if (icmp6mip_parse(buf, len, &m) != ICMP6MIP_OK || rx->bad_exthdr) {
		dh_ctr[DH_DROP_MALFORMED]++;
		return;
	}
	for (i = 0; rx->has_dst && i < dh_conf->ha.nlinks; i++)
		if (addr_equal(&dh_conf->ha.links[i].addr, &rx->dst))
			l = &dh_conf->ha.links[i];
	if (l == NULL) {
		dh_ctr[DH_MPS_NOT_OURS]++;
		return;
	}
	/* With the Home Address option from the care-of address; without
	 * it the home address itself (through the reverse tunnel).  RFC
	 * 6275 9.3.1: the option counts only with a binding for it. */
	hoa = rx->has_hao ? &rx->hoa : &rx->src;
	if ((e = bc_lookup(dh_bc, hoa)) == NULL || e->state != BC_ST_ACTIVE ||
	    (rx->has_hao && !addr_equal(&e->coa, &rx->src))) {
		dh_ctr[DH_MPS_NO_BINDING]++;
		log_debug("prefix solicitation from %s: no binding",
		    addr_ntop(hoa, a, sizeof(a)));
		return;
	}
	for (n = 0; n < l->nprefixes && n < ICMP6MIP_MAX_PREFIXES; n++) {
		memset(&p[n], 0, sizeof(p[n]));
		p[n].prefix = l->prefixes[n].addr;
		p[n].plen = l->prefixes[n].plen;
		p[n].flags = ICMP6MIP_PIO_L | ICMP6MIP_PIO_A;
		p[n].valid = DH_PREFIX_VALID_S;
		p[n].preferred = DH_PREFIX_PREFERRED_S;
	}
	olen = icmp6mip_build_mpa(m.id, 0, p, n, out, sizeof(out));
	/* To the home address through a type 2 routing header. */
	if (olen == 0 || mh_sock_send(dh_fd, out, olen, &l->addr, &e->hoa,
	    &e->coa, 0) == -1) {
		log_warn("prefix advertisement to %s", addr_ntop(&e->hoa, a,
		    sizeof(a)));
		dh_ctr[DH_TX_FAILED]++;
		return;
	}
	dh_ctr[DH_TX_MPA]++;
	log_debug("prefix advertisement %u to %s: %zu prefix(es)", m.id,
	    addr_ntop(&e->hoa, a, sizeof(a)), n);
}

/* RFC 6275 10.1: the home link's advertisements build the list. */
static void
dh_ra(const uint8_t *buf, size_t len, const struct mh_rx *rx)
{
	struct icmp6mip_ra		 ra;
	const struct conf_ha_link	*l;
	struct hal_entry		*e;
	size_t				 i, link = SIZE_MAX;
	char				 a[ADDR_STRLEN];

	dh_ctr[DH_RX_RA]++;
	/* RFC 4861 6.1.2: from a link-local source, hop limit 255. */
	if (!IN6_IS_ADDR_LINKLOCAL(&rx->src) || rx->hoplimit != ND_HOPLIMIT ||
	    icmp6mip_parse_ra(buf, len, &ra) != ICMP6MIP_OK) {
		dh_ctr[DH_RA_IGNORED]++;
		return;
	}
	/* The link: the one whose home prefix holds the router's address,
	 * or for an advertisement without it the link we know it on. */
	for (i = 0; i < ra.naddrs && link == SIZE_MAX; i++)
		if ((l = conf_ha_link_for(&dh_conf->ha, &ra.addrs[i])) != NULL)
			link = (size_t)(l - dh_conf->ha.links);
	for (i = 0; i < dh_hal.n && link == SIZE_MAX; i++) {
		e = &dh_hal.e[i];
		if (addr_equal(&e->ll, &rx->src))
			link = e->link;
	}
	if (link == SIZE_MAX) {
		dh_ctr[DH_RA_IGNORED]++;
		return;
	}
	switch (hal_ra(&dh_hal, link, &rx->src, &ra,
	    &dh_conf->ha.links[link].addr, dh_now_ms())) {
	case HAL_ADDED:
		dh_ctr[DH_HA_ADDED]++;
		log_info("home agent %s on %s (preference %d)",
		    addr_ntop(&ra.addrs[0], a, sizeof(a)),
		    dh_conf->ha.links[link].ifname, ra.has_info ?
		    ra.preference : ICMP6MIP_DEF_HA_PREF);
		break;
	case HAL_REMOVED:
		dh_ctr[DH_HA_REMOVED]++;
		log_info("home agent at %s left the list",
		    addr_ntop(&rx->src, a, sizeof(a)));
		break;
	case HAL_FULL:
		log_warnx("home agent list full (%d)", HAL_MAX);
		break;
	case HAL_UPDATED:
		break;
	case HAL_IGNORED:
		dh_ctr[DH_RA_IGNORED]++;
		break;
	}
}
