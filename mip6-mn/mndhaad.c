/*
 * Dynamic Home Agent Address Discovery and Mobile Prefix Discovery, the
 * mobile node's side: see mndhaad.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <event2/event.h>

#include "config.h"
#include "icmp6mip.h"
#include "log.h"
#include "mhsock.h"
#include "mip6_const.h"
#include "proto.h"
#include "role.h"
#include "mn.h"
#include "mndhaad.h"

#define MND_BUF_LEN		1500
#define MND_RX_BURST		16
#define MND_MS			1000ull
/* Ask again for the home prefixes when this share of their valid
 * lifetime is left (RFC 6275 11.4.2: "nears expiry"). */
#define MND_PREFIX_LEFT_DIV	8
#define MND_MAX_SOLICIT_MS	(MAX_BINDACK_TIMEOUT_MS)

struct mndhaad_state	 mndhaad;

static int		 mnd_fd = -1;
static struct event	*mnd_ev_rx, *mnd_ev_req, *mnd_ev_mps;

static void	 mnd_read(evutil_socket_t, short, void *);
static void	 mnd_request_timer(evutil_socket_t, short, void *);
static void	 mnd_mps_timer(evutil_socket_t, short, void *);
static void	 mnd_send_request(void);
static void	 mnd_send_mps(void);
static void	 mnd_arm(struct event *, uint64_t ms);

void
mndhaad_init(void)
{
	struct icmp6_filter	 f;

	memset(&mndhaad, 0, sizeof(mndhaad));
	if ((mnd_ev_req = evtimer_new(role_base(), mnd_request_timer,
	    NULL)) == NULL || (mnd_ev_mps = evtimer_new(role_base(),
	    mnd_mps_timer, NULL)) == NULL)
		fatalx("%s: timer", __func__);
	if ((mnd_fd = role_socket(ROLE_SOCK_DHAAD)) == -1) {
		log_warnx("home-agent: dhaad: no DHAAD socket from the parent");
		return;
	}
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ICMP6_HADISCOV_REPLY, &f);
	ICMP6_FILTER_SETPASS(ICMP6_MOBILEPREFIX_ADV, &f);
	if (setsockopt(mnd_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
	    sizeof(f)) == -1 || mh_sock_setup(mnd_fd) == -1)
		log_warn("%s: socket options", __func__);
	if ((mnd_ev_rx = event_new(role_base(), mnd_fd, EV_READ | EV_PERSIST,
	    mnd_read, NULL)) == NULL || event_add(mnd_ev_rx, NULL) == -1)
		fatalx("%s: cannot watch the DHAAD socket", __func__);
}

static void
mnd_arm(struct event *ev, uint64_t ms)
{
	struct timeval	 tv;

	tv.tv_sec = (time_t)(ms / MND_MS);
	tv.tv_usec = (suseconds_t)((ms % MND_MS) * 1000);
	evtimer_add(ev, &tv);
}

void
mndhaad_away(const struct in6_addr *coa)
{
	if (mndhaad.known || mnd_fd == -1)
		return;
	if (mndhaad.active &&
	    memcmp(&mndhaad.coa, coa, sizeof(*coa)) == 0)
		return;
	/* A new care-of address starts the discovery over. */
	mndhaad.active = 1;
	mndhaad.coa = *coa;
	mndhaad.tries = 0;
	mndhaad.timeout_ms = INITIAL_DHAAD_TIMEOUT_MS;
	mnd_send_request();
}

static void
mnd_send_request(void)
{
	const struct mip6_conf	*c = role_conf();
	struct in6_addr		 any;
	uint8_t			 buf[ICMP6MIP_HDR_LEN];
	size_t			 len;
	char			 a[INET6_ADDRSTRLEN];

	if (icmp6mip_ha_anycast(&c->mn.hoa, c->mn.hoa_plen, &any) == -1) {
		log_warnx("home-agent: dhaad: home prefix /%u has no Home "
		    "Agents anycast address", c->mn.hoa_plen);
		mndhaad.active = 0;
		return;
	}
	/* A new identifier per transmission: a late reply to an old one
	 * is as good (same question), but one we never asked is not. */
	mndhaad.id = (uint16_t)arc4random();
	len = icmp6mip_build_dhaad_req(mndhaad.id, buf, sizeof(buf));
	if (mh_sock_send(mnd_fd, buf, len, &mndhaad.coa, &any, NULL, 0) == -1)
		log_warn("DHAAD request to %s", inet_ntop(AF_INET6, &any, a,
		    sizeof(a)));
	else {
		mn.ctr.dhaad_tx_request++;
		log_info("DHAAD request %u from %s", mndhaad.id,
		    inet_ntop(AF_INET6, &mndhaad.coa, a, sizeof(a)));
	}
	mndhaad.tries++;
	mnd_arm(mnd_ev_req, mndhaad.timeout_ms);
}

/* RFC 6275 11.4.1: retransmit after INITIAL_DHAAD_TIMEOUT, doubling, up
 * to DHAAD_RETRIES times; then wait for the next movement. */
static void
mnd_request_timer(evutil_socket_t fd, short ev, void *arg)
{
	if (!mndhaad.active || mndhaad.known)
		return;
	if (mndhaad.tries == 0) {
		/* The back-off after a used-up list ended. */
		mnd_send_request();
		return;
	}
	if (mndhaad.tries > DHAAD_RETRIES) {
		mndhaad.active = 0;
		mn.ctr.dhaad_gave_up++;
		log_warnx("home-agent: dhaad: no reply after %u requests; "
		    "trying again on the next move", mndhaad.tries);
		return;
	}
	mndhaad.timeout_ms *= 2;
	mnd_send_request();
}

/* 1 when a is inside the home prefix and is not the home address. */
static int
mnd_on_home_link(const struct in6_addr *a)
{
	const struct mip6_conf	*c = role_conf();
	unsigned int		 i;

	for (i = 0; i < c->mn.hoa_plen; i++)
		if ((a->s6_addr[i / 8] ^ c->mn.hoa.s6_addr[i / 8]) &
		    (0x80 >> (i % 8)))
			return 0;
	return memcmp(a, &c->mn.hoa, sizeof(*a)) != 0;
}

static void
mnd_reply(const struct icmp6mip_msg *m, const struct mh_rx *rx)
{
	struct in6_addr		 ha;
	size_t			 i, j, n = 0;
	char			 a[INET6_ADDRSTRLEN];

	if (!mndhaad.active || m->id != mndhaad.id || m->nhas == 0 ||
	    (rx->has_dst && memcmp(&rx->dst, &mndhaad.coa,
	    sizeof(rx->dst)) != 0)) {
		mn.ctr.dhaad_reply_ignored++;
		return;
	}
	/* The list comes by preference (RFC 6275 11.4.1): kept in its
	 * order, each one tried in turn.  A home agent lives on the home
	 * link: inside the home prefix; the others are left out. */
	for (i = 0; i < m->nhas && n < MN_MAX_HAS; i++) {
		icmp6mip_reply_addr(m, i, &ha);
		if (!mnd_on_home_link(&ha)) {
			log_warnx("DHAAD reply names %s, not on the home link",
			    inet_ntop(AF_INET6, &ha, a, sizeof(a)));
			continue;
		}
		for (j = 0; j < n; j++)
			if (memcmp(&mn.has[j], &ha, sizeof(ha)) == 0)
				break;
		if (j == n) {
			mn.has[n] = ha;
			mn.ha_fail[n++] = -2;
		}
	}
	if (n == 0) {
		mn.ctr.dhaad_reply_ignored++;
		return;
	}
	mn.nhas = n;
	mn.ha_cur = 0;
	mn.ctr.dhaad_rx_reply++;
	mndhaad.active = 0;
	mndhaad.known = 1;
	evtimer_del(mnd_ev_req);
	log_info("home agent %s found by DHAAD (%zu listed, %zu usable)",
	    inet_ntop(AF_INET6, &mn.has[0], a, sizeof(a)), m->nhas, n);
	mn.dhaad = 0;
	mn.bul.fallback = 1;
	if (mn.bul.away || mn.bul.state != BUL_HOME)
		/* Discovered again (the last list was used up). */
		mn_act(bul_set_ha(&mn.bul, &mn.has[0], mn_now()));
	else
		mn.bul.ha = mn.has[0];
	mn_evaluate();
}

void
mndhaad_stop(void)
{
	if (!mndhaad.active)
		return;
	mndhaad.active = 0;
	if (mnd_ev_req != NULL)
		evtimer_del(mnd_ev_req);
	log_info("DHAAD stopped: no care-of address");
}

void
mndhaad_ha_failed(void)
{
	char		 a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	char		 why[64];
	uint32_t	 delay;
	int		 st = mn.bul.fail_status;

	if (!mndhaad.known || mn.nhas == 0)
		return;
	inet_ntop(AF_INET6, &mn.bul.ha, a, sizeof(a));
	if (st < 0)
		snprintf(why, sizeof(why), "did not answer");
	else
		snprintf(why, sizeof(why), "refused: %d (%s)", st,
		    bul_status_str(st));
	if (mn.ha_cur < mn.nhas)
		mn.ha_fail[mn.ha_cur] = st;
	if (mn.ha_cur + 1 < mn.nhas) {
		mn.ha_cur++;
		mn.ctr.dhaad_next_ha++;
		log_warnx("home agent %s %s; trying the next one of the DHAAD "
		    "list: %s (%zu of %zu)", a, why, inet_ntop(AF_INET6,
		    &mn.has[mn.ha_cur], b, sizeof(b)), mn.ha_cur + 1, mn.nhas);
		mn.ha_fail[mn.ha_cur] = -2;
		mn_act(bul_set_ha(&mn.bul, &mn.has[mn.ha_cur], mn_now()));
		return;
	}
	/* None of the list: ask again (after a back-off, the same list
	 * may come back), from the care-of address in use. */
	mn.ctr.dhaad_list_done++;
	mndhaad.known = 0;
	mn.dhaad = 1;
	bul_halt(&mn.bul, mn_now());
	mn_act(0);
	if (mndhaad.rounds < 4)
		mndhaad.rounds++;
	delay = INITIAL_DHAAD_TIMEOUT_MS << (mndhaad.rounds - 1);
	log_warnx("home agent %s %s; none of the %zu home agents of the DHAAD "
	    "list accepted: DHAAD again in %u ms", a, why, mn.nhas, delay);
	mndhaad.active = 1;
	mndhaad.coa = mn.bul.coa;
	mndhaad.tries = 0;
	mndhaad.timeout_ms = INITIAL_DHAAD_TIMEOUT_MS;
	mnd_arm(mnd_ev_req, delay);
}

void
mndhaad_ba(uint8_t status)
{
	if (mnd_fd == -1 || mn.dhaad)
		return;
	if (mn.bul.state != BUL_REGISTERED)
		return;
	mndhaad.rounds = 0;
	/* Status 1: prefix discovery necessary (RFC 6275 11.7.3, with a
	 * configured home agent too); with DHAAD also while nothing is
	 * learnt yet. */
	if ((status == BA_STATUS_PREFIX_DISCOV ||
	    (mndhaad.known && mndhaad.prefix_expires == 0)) &&
	    !mndhaad.mps_pending) {
		mndhaad.mps_pending = 1;
		mndhaad.mps_tries = 0;
		mndhaad.mps_timeout_ms = INITIAL_SOLICIT_TIMER_MS;
		mnd_send_mps();
	}
}

static void
mnd_send_mps(void)
{
	uint8_t		 buf[ICMP6MIP_HDR_LEN];
	size_t		 len;
	char		 a[INET6_ADDRSTRLEN];

	mndhaad.mps_id = (uint16_t)arc4random();
	len = icmp6mip_build_mps(mndhaad.mps_id, buf, sizeof(buf));
	/* From the home address: mip6-priv's policy adds the Home Address
	 * option with the care-of address (RFC 6275 11.4.2). */
	if (mh_sock_send(mnd_fd, buf, len, &mn.bul.hoa, &mn.bul.ha, NULL,
	    0) == -1)
		log_warn("prefix solicitation to %s", inet_ntop(AF_INET6,
		    &mn.bul.ha, a, sizeof(a)));
	else {
		mn.ctr.mpd_tx_solicit++;
		log_info("prefix solicitation %u to %s", mndhaad.mps_id,
		    inet_ntop(AF_INET6, &mn.bul.ha, a, sizeof(a)));
	}
	mndhaad.mps_tries++;
	mnd_arm(mnd_ev_mps, mndhaad.mps_timeout_ms);
}

static void
mnd_mps_timer(evutil_socket_t fd, short ev, void *arg)
{
	if (mn.bul.state != BUL_REGISTERED) {
		/* Not registered now: the next BA asks again. */
		mndhaad.mps_pending = 0;
		return;
	}
	if (mndhaad.mps_pending) {
		if (mndhaad.mps_tries > PREFIX_ADV_RETRIES) {
			mndhaad.mps_pending = 0;
			return;
		}
		if (mndhaad.mps_timeout_ms < MND_MAX_SOLICIT_MS)
			mndhaad.mps_timeout_ms *= 2;
	} else {
		/* The home prefix nears the end of its lifetime. */
		mndhaad.mps_pending = 1;
		mndhaad.mps_tries = 0;
		mndhaad.mps_timeout_ms = INITIAL_SOLICIT_TIMER_MS;
	}
	mnd_send_mps();
}

static void
mnd_adv(const struct icmp6mip_msg *m, const struct mh_rx *rx)
{
	const struct mip6_conf	*c = role_conf();
	size_t			 i;
	unsigned int		 b;
	int			 ours;
	uint64_t		 now = mn_now(), left;
	char			 a[INET6_ADDRSTRLEN];

	/* Only from our home agent, to our home address (RFC 6275
	 * 11.4.3), with a configured home agent too. */
	if (mn.dhaad ||
	    memcmp(&rx->src, &mn.bul.ha, sizeof(rx->src)) != 0 ||
	    !rx->has_dst ||
	    memcmp(&rx->dst, &mn.bul.hoa, sizeof(rx->dst)) != 0) {
		mn.ctr.mpd_adv_ignored++;
		log_debug("prefix advertisement from %s ignored",
		    inet_ntop(AF_INET6, &rx->src, a, sizeof(a)));
		return;
	}
	/* Not the answer to our solicitation (unsolicited, or another
	 * identifier): its prefixes are not taken; a solicitation asks for
	 * a fresh one (RFC 6275 11.4.3; UMIP does the same). */
	if (!mndhaad.mps_pending || m->id != mndhaad.mps_id) {
		mn.ctr.mpd_adv_unsolicited++;
		log_info("unsolicited prefix advertisement %u from %s%s", m->id,
		    inet_ntop(AF_INET6, &rx->src, a, sizeof(a)),
		    mndhaad.mps_pending ? " (a solicitation is out)" :
		    mn.bul.state == BUL_REGISTERED ? ": soliciting" : "");
		if (!mndhaad.mps_pending && mn.bul.state == BUL_REGISTERED) {
			mndhaad.mps_pending = 1;
			mndhaad.mps_tries = 0;
			mndhaad.mps_timeout_ms = INITIAL_SOLICIT_TIMER_MS;
			mnd_send_mps();
		}
		return;
	}
	mn.ctr.mpd_rx_adv++;
	mndhaad.mps_pending = 0;
	evtimer_del(mnd_ev_mps);
	for (i = 0; i < m->npfx; i++) {
		ours = m->pfx[i].plen == c->mn.hoa_plen;
		for (b = 0; ours && b < m->pfx[i].plen; b++)
			if ((m->pfx[i].prefix.s6_addr[b / 8] ^
			    c->mn.hoa.s6_addr[b / 8]) & (0x80 >> (b % 8)))
				ours = 0;
		if (!ours)
			continue;
		mndhaad.prefix_valid = m->pfx[i].valid;
		mndhaad.prefix_expires = now +
		    (uint64_t)m->pfx[i].valid * MND_MS;
		/* RFC 6275 11.7.1: no BU lifetime beyond the home address's. */
		mn.bul.hoa_expires = m->pfx[i].valid == 0xffffffffu ? 0 :
		    mndhaad.prefix_expires;
		log_info("home prefix %s/%u valid %u s (prefix advertisement "
		    "%u)", inet_ntop(AF_INET6, &m->pfx[i].prefix, a,
		    sizeof(a)), m->pfx[i].plen, m->pfx[i].valid, m->id);
		left = (uint64_t)m->pfx[i].valid * MND_MS / MND_PREFIX_LEFT_DIV;
		mndhaad.mps_next = mndhaad.prefix_expires - left;
		if (m->pfx[i].valid != 0xffffffffu)
			mnd_arm(mnd_ev_mps, mndhaad.mps_next - now);
	}
}

static void
mnd_read(evutil_socket_t fd, short ev, void *arg)
{
	uint8_t			 buf[MND_BUF_LEN];
	struct icmp6mip_msg	 m;
	struct mh_rx		 rx;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < MND_RX_BURST; i++) {
		if ((n = mh_sock_recv(fd, buf, sizeof(buf), &rx)) == 0)
			return;
		if (n == -1) {
			if (errno == EMSGSIZE)
				continue;
			log_warn("%s", __func__);
			return;
		}
		if (icmp6mip_parse(buf, (size_t)n, &m) != ICMP6MIP_OK)
			continue;
		if (m.type == ICMP6_HADISCOV_REPLY)
			mnd_reply(&m, &rx);
		else if (m.type == ICMP6_MOBILEPREFIX_ADV)
			mnd_adv(&m, &rx);
	}
}
