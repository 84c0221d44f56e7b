/*
 * mip6-mn: the mobile node (RFC 6275 section 11): movement detection
 * (movement.c), the home registration's binding update list entry
 * (bul.c), the sockets (mnnet.c), mip6ctl output (mnctl.c).
 * Started by mip6-priv with its socket on fd 3; role_main() receives the
 * configuration, sandboxes the process and serves the control socket.
 *
 * The kernel work is mip6-priv's: IMSG_KR_MN_HOME (tunnel to the home
 * agent from the care-of address, the home address on it, the source
 * rule, the XFRM states that add the Home Address option and take the
 * type 2 routing header) before the first BU from a care-of address;
 * IMSG_KR_MN_AT_HOME (all of it removed, the home address back on the
 * home interface) before the deregistration.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/neighbour.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <event2/event.h>

#include "config.h"
#include "control.h"
#include "imsg.h"
#include "log.h"
#include "proto.h"
#include "role.h"
#include "mn.h"
#include "mndhaad.h"
#include "mnro.h"

#define MN_MS		1000ull

struct mn_engine	 mn;

static int	 mn_dispatch_main(const struct imsg *);
static void	 mn_init(const struct mip6_conf *);
static void	 mn_reconf(const struct mip6_conf *);
static void	 mn_shutdown(void);
static void	 mn_timer(evutil_socket_t, short, void *);
static void	 mn_schedule(void);
static void	 mn_kernel_request(uint32_t);
static void	 mn_grace(void);
static void	 mn_grace_cb(evutil_socket_t, short, void *);
static size_t	 mn_ctl_ro(char *, size_t, size_t, int);

static struct event	*ev_timer, *ev_grace;
static int		 mn_enabled;
static uint32_t		 mn_kpending_id;	/* MN_HOME / AT_HOME in flight */
static uint32_t		 mn_sub_id;

/* Control requests (mip6ctl). */
static const struct control_handler mn_ctl[] = {
	{ IMSG_CTL_STATUS, role_ctl_status },
	{ IMSG_CTL_SHOW, mn_ctl_show },
	{ 0, NULL }
};

static const struct role_ops mn_ops = {
	.role = ROLE_MN,
	.ctl = mn_ctl,
	.init = mn_init,
	.reconf = mn_reconf,
	.shutdown = mn_shutdown,
	.dispatch_main = mn_dispatch_main,
};

uint64_t
mn_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * MN_MS + (uint64_t)ts.tv_nsec / 1000000;
}

static void
mn_init(const struct mip6_conf *c)
{
	struct bul_conf		 bc;
	struct mv_conf_if	 ifs[MV_MAX_IFS];
	struct kr_subscribe	 sub;
	size_t			 i;

	memset(&mn, 0, sizeof(mn));
	mn.started = mn.moved_at = mn_now();
	if ((ev_timer = evtimer_new(role_base(), mn_timer, NULL)) == NULL ||
	    (ev_grace = evtimer_new(role_base(), mn_grace_cb, NULL)) == NULL)
		fatalx("%s: timer", __func__);
	mn_ro_init(c);
	if (!c->mn.enabled)
		return;
	memset(&bc, 0, sizeof(bc));
	bc.lifetime = c->mn.lifetime;
	bc.first_reg_ms = c->mn.initial_bindack_timeout_first_reg_ms;
	bc.initial_ms = c->mn.initial_bindack_timeout_ms;
	bc.max_ms = c->mn.max_bindack_timeout * (uint32_t)MN_MS;
	/* RFC 6275 11.7.1: any start value; a random one is hard to guess. */
	bul_init(&mn.bul, &bc, &c->mn.hoa, &c->mn.ha,
	    (uint16_t)arc4random_uniform(0x8000));
	memset(ifs, 0, sizeof(ifs));
	for (i = 0; i < c->mn.nifs && i < MV_MAX_IFS; i++) {
		strlcpy(ifs[i].name, c->mn.ifs[i].ifname, sizeof(ifs[i].name));
		ifs[i].preference = c->mn.ifs[i].preference;
	}
	mv_init(&mn.mv, &c->mn.hoa, c->mn.hoa_plen, ifs, i);
	if (IN6_IS_ADDR_UNSPECIFIED(&c->mn.ha)) {
		/* home-agent: dhaad: discovered away from home (mndhaad.c). */
		mn.dhaad = 1;
		log_info("home-agent: dhaad: the home agent is found by "
		    "DHAAD from the first care-of address");
	}
	mn_enabled = 1;
	mn_net_init();
	mndhaad_init();
	memset(&sub, 0, sizeof(sub));
	sub.mask = KR_SUB_LINK | KR_SUB_ADDR | KR_SUB_ROUTE | KR_SUB_NEIGH;
	if (mnro.all)
		sub.mask |= KR_SUB_XFRM;	/* correspondents (acquire) */
	mn_sub_id = role_reqid();
	role_compose_main(IMSG_KR_SUBSCRIBE, mn_sub_id, -1, &sub, sizeof(sub));
}

/*
 * A reload: the binding's addresses and timers were taken at start (the
 * kernel state and the home agent's binding are keyed on them).
 */
static void
mn_reconf(const struct mip6_conf *c)
{
	if (!mn_enabled)
		return;
	if (memcmp(&c->mn.hoa, &mn.bul.hoa, sizeof(mn.bul.hoa)) != 0 ||
	    memcmp(&c->mn.ha, &mn.bul.ha, sizeof(mn.bul.ha)) != 0 ||
	    c->mn.lifetime != mn.bul.c.lifetime)
		log_warnx("mobile-node: the changed home address, home agent "
		    "or lifetime apply at the next start");
}

/*
 * Stopping away from home: one deregistration, sent while mip6-priv still
 * holds the away state, so that the home agent does not keep tunnelling
 * to an address nobody answers for until the lifetime ends.
 */
static void
mn_shutdown(void)
{
	if (mn_enabled)
		mn_ro_shutdown();
	if (mn_enabled && bul_stop(&mn.bul)) {
		log_info("stopping: deregistering from the home agent");
		(void)mn_send_bu();
	}
}

static void
mn_kernel_request(uint32_t type)
{
	struct kr_mn	 km;
	const struct mip6_conf *c = role_conf();

	memset(&km, 0, sizeof(km));
	km.hoa = mn.bul.hoa;
	km.ha = mn.bul.ha;
	km.plen = c->mn.hoa_plen;
	if (type == IMSG_KR_MN_HOME) {
		km.coa = mn.bul.coa;
		strlcpy(km.ifname, mn.where.ifname, sizeof(km.ifname));
	} else {
		km.coa = mn.bul.kcoa;
		strlcpy(km.ifname, mn.home_ifname, sizeof(km.ifname));
	}
	mn_kpending_id = role_reqid();
	mn.ctr.kernel_requests++;
	log_debug("kernel: %s via %s", type == IMSG_KR_MN_HOME ? "away" :
	    "at home", km.ifname);
	role_compose_main(type, mn_kpending_id, -1, &km, sizeof(km));
}

void
mn_act(int act)
{
	if (act & BUL_ACT_HA_FAILED) {
		/* The next home agent of the DHAAD list (mn_act again). */
		mndhaad_ha_failed();
		act &= ~BUL_ACT_HA_FAILED;
	}
	if (act & BUL_ACT_KERNEL_AWAY)
		mn_kernel_request(IMSG_KR_MN_HOME);
	if (act & BUL_ACT_KERNEL_HOME)
		mn_kernel_request(IMSG_KR_MN_AT_HOME);
	if ((act & BUL_ACT_SEND_BU) && mn_send_bu() == -1)
		bul_send_failed(&mn.bul, mn_now());
	mn_schedule();
	mn_ro_sync();
}

static void
mn_schedule(void)
{
	struct timeval	 tv;
	uint64_t	 now, d;

	if (ev_timer == NULL)
		return;
	evtimer_del(ev_timer);
	if (mn.bul.next == 0)
		return;
	now = mn_now();
	d = mn.bul.next > now ? mn.bul.next - now : 0;
	tv.tv_sec = (time_t)(d / MN_MS);
	tv.tv_usec = (suseconds_t)((d % MN_MS) * 1000);
	evtimer_add(ev_timer, &tv);
}

static void
mn_grace_cb(evutil_socket_t fd, short ev, void *arg)
{
	mn_evaluate();
}

/* Decide again once a link that stays silent may be judged by addresses. */
static void
mn_grace(void)
{
	struct timeval	 tv = { MV_RA_WAIT_MS / 1000 + 1, 0 };

	if (ev_grace != NULL)
		evtimer_add(ev_grace, &tv);
}

static void
mn_timer(evutil_socket_t fd, short ev, void *arg)
{
	mn_act(bul_timer(&mn.bul, mn_now()));
}

/*
 * A new link's router: the default routes of the routers of the link
 * left behind go (they live on for their lifetime otherwise, and the
 * kernel may keep sending to a router that is not there).
 */
static void
mn_router(const struct mv_decision *d)
{
	const struct mv_if	*i;
	struct kr_mn_router	 r;

	/* Once per link: a link with two routers must keep both. */
	if (d->where == MV_NOWHERE ||
	    (i = mv_if_by_index(&mn.mv, d->ifindex)) == NULL || !i->ra_now ||
	    (mn.router_ifindex == d->ifindex && mn.router_up_at == i->up_at &&
	    mn.router_where == d->where &&
	    memcmp(&mn.router_coa, &d->coa, sizeof(d->coa)) == 0))
		return;
	mn.router_ifindex = d->ifindex;
	mn.router_up_at = i->up_at;
	mn.router_where = d->where;
	mn.router_coa = d->coa;
	mn.router = i->router;
	memset(&r, 0, sizeof(r));
	r.router = i->router;
	r.away = d->where == MV_AWAY;
	strlcpy(r.ifname, d->ifname, sizeof(r.ifname));
	mn.ctr.kernel_requests++;
	role_compose_main(IMSG_KR_MN_ROUTER, role_reqid(), -1, &r, sizeof(r));
}

void
mn_evaluate(void)
{
	struct mv_decision	 d;
	char			 a[INET6_ADDRSTRLEN];
	uint64_t		 now = mn_now();
	int			 act = 0;

	if (!mn_enabled)
		return;
	mn.mv.now = now;
	mv_decide(&mn.mv, &d);
	if (d.where != mn.where.where || d.ifindex != mn.where.ifindex ||
	    memcmp(&d.coa, &mn.where.coa, sizeof(d.coa)) != 0) {
		inet_ntop(AF_INET6, &d.coa, a, sizeof(a));
		if (d.where == MV_AWAY)
			log_info("away: care-of address %s on %s", a, d.ifname);
		else if (d.where == MV_HOME)
			log_info("at home on %s", d.ifname);
		else
			log_info("no usable link");
		mn.ctr.handovers++;
		mn.where = d;
	}
	mn_router(&d);
	if (mn.dhaad) {
		/* No home agent yet: ask for one from the care-of address. */
		if (d.where == MV_AWAY) {
			mndhaad_away(&d.coa);
			return;
		}
		/* Home (or nowhere): no requests from a care-of address
		 * that is gone. */
		mndhaad_stop();
		/* Home after a DHAAD list was used up: the away state goes
		 * (the deregistration to the last home agent tried). */
		if (d.where != MV_HOME || (mn.bul.state == BUL_HOME &&
		    mn.bul.kstate != BUL_K_AWAY))
			return;
	}
	switch (d.where) {
	case MV_HOME:
		strlcpy(mn.home_ifname, d.ifname, sizeof(mn.home_ifname));
		mn.home_ifindex = d.ifindex;
		act = bul_home(&mn.bul, now);
		break;
	case MV_AWAY:
		mn.coa_ifindex = d.ifindex;
		mn.bul.lifetime_cap = d.coa_valid;
		act = bul_away(&mn.bul, &d.coa, now);
		break;
	case MV_NOWHERE:
		/* Keep the binding: it lasts until the next link. */
		break;
	}
	mn_act(act);
}

static void
mn_kernel_reply(const struct imsg *imsg)
{
	struct kr_reply	 r;

	if (!proto_check_len(imsg->datalen, sizeof(r)))
		fatalx("parent: kernel reply of length %zu", imsg->datalen);
	memcpy(&r, imsg->data, sizeof(r));
	if (imsg->hdr.peerid == mn_sub_id) {
		if (r.error != 0)
			log_warnx("kernel events: %s (movement from router "
			    "advertisements only)", strerror(r.error));
		mn_grace();
		mn_evaluate();
		return;
	}
	if (mn_ro_kernel_reply(imsg->hdr.peerid, r.error))
		return;
	if (imsg->hdr.peerid != mn_kpending_id) {
		if (r.error != 0)
			log_warnx("kernel request %u: %s", r.type,
			    strerror(r.error));
		return;
	}
	mn_kpending_id = 0;
	if (r.error != 0)
		log_warnx("kernel: %s: %s", r.type == IMSG_KR_MN_HOME ?
		    "away state" : "at-home state", strerror(r.error));
	mn_act(bul_kernel_reply(&mn.bul, r.error, mn_now()));
	/* Something may have moved while the request was out. */
	mn_evaluate();
}

/* Messages from the parent beyond start-up and configuration. */
static int
mn_dispatch_main(const struct imsg *imsg)
{
	struct kr_ev_link	 l;
	struct kr_ev_addr	 a;
	struct kr_ev_route	 r;
	struct kr_ev_neigh	 n;
	char			 buf[INET6_ADDRSTRLEN];

	switch (imsg->hdr.type) {
	case IMSG_KR_REPLY:
		mn_kernel_reply(imsg);
		return 1;
	case IMSG_KR_EV_LINK:
		if (!proto_check_len(imsg->datalen, sizeof(l)))
			fatalx("parent: link event of length %zu",
			    imsg->datalen);
		memcpy(&l, imsg->data, sizeof(l));
		l.ifname[sizeof(l.ifname) - 1] = '\0';
		mn.mv.now = mn_now();
		if (mv_link(&mn.mv, l.ifindex, l.ifname, l.flags, l.deleted)) {
			/* Up again: maybe another link; ask for its RA. */
			mn.moved_at = mn_now();
			mn_send_rs(l.ifindex);
			mn_grace();
		}
		break;
	case IMSG_KR_EV_ADDR:
		if (!proto_check_len(imsg->datalen, sizeof(a)))
			fatalx("parent: address event of length %zu",
			    imsg->datalen);
		memcpy(&a, imsg->data, sizeof(a));
		mv_addr(&mn.mv, &a.addr, a.ifindex, (uint8_t)a.plen, a.flags,
		    a.deleted);
		break;
	case IMSG_KR_EV_ROUTE:
		if (!proto_check_len(imsg->datalen, sizeof(r)))
			fatalx("parent: route event of length %zu",
			    imsg->datalen);
		memcpy(&r, imsg->data, sizeof(r));
		/* The default router left (its lifetime ran out). */
		if (r.deleted && r.plen == 0 &&
		    IN6_IS_ADDR_UNSPECIFIED(&r.dst) &&
		    !IN6_IS_ADDR_UNSPECIFIED(&r.gw))
			mv_default_gone(&mn.mv, r.ifindex);
		break;
	case IMSG_KR_EV_NEIGH:
		if (!proto_check_len(imsg->datalen, sizeof(n)))
			fatalx("parent: neighbour event of length %zu",
			    imsg->datalen);
		memcpy(&n, imsg->data, sizeof(n));
		/* Our router unreachable: forget the link it told us about. */
		if ((n.state & NUD_FAILED) && !n.deleted &&
		    mv_neigh_failed(&mn.mv, n.ifindex, &n.addr)) {
			inet_ntop(AF_INET6, &n.addr, buf, sizeof(buf));
			log_info("router %s unreachable: soliciting an "
			    "advertisement", buf);
			mn_send_rs(n.ifindex);
			mn_evaluate();
		}
		return 1;
	case IMSG_KR_EV_XFRM:
		if (!proto_check_len(imsg->datalen, sizeof(struct kr_ev_xfrm)))
			fatalx("parent: xfrm event of length %zu",
			    imsg->datalen);
		mn_ro_xfrm_event(imsg->data);
		return 1;
	default:
		return 0;
	}
	mn_evaluate();
	return 1;
}

/*
 * The correspondent entries after the home registration's: text lines,
 * or a "correspondents" array next to "bul" in the JSON object.
 */
static size_t
mn_ctl_ro(char *buf, size_t len, size_t size, int json)
{
	if (len >= size)
		return len;
	if (!json)
		return len + mn_ro_format(buf + len, size - len, 0, mn_now());
	/* "{"bul":[...]}\n": reopen the object. */
	if (len < 2 || buf[len - 2] != '}')
		return len;
	len -= 2;
	len += (size_t)snprintf(buf + len, size - len, ",\"correspondents\":[");
	if (len < size)
		len += mn_ro_format(buf + len, size - len, 1, mn_now());
	if (len < size)
		len += (size_t)snprintf(buf + len, size - len, "]}\n");
	return len;
}

/* mip6ctl show bul|stats: formatted here, sent as IMSG_CTL_TEXT chunks. */
void
mn_ctl_show(struct ctl_conn *c, const struct imsg *imsg, void *arg)
{
	struct ctl_request	 req;
	static char		 buf[16384];
	size_t			 len, off, n;
	int			 json;

	if (!proto_check_len(imsg->datalen, sizeof(req))) {
		control_error(c, imsg->hdr.peerid, "bad request length");
		control_end(c, imsg->hdr.peerid);
		return;
	}
	memcpy(&req, imsg->data, sizeof(req));
	json = (req.flags & CTL_F_JSON) != 0;
	switch (req.what) {
	case CTL_SHOW_BUL:
		if (!mn_enabled) {
			control_error(c, imsg->hdr.peerid,
			    "the mobile node role is not enabled");
			control_end(c, imsg->hdr.peerid);
			return;
		}
		len = mn_format_bul(buf, sizeof(buf), json, &mn, mn_now());
		len = mn_ctl_ro(buf, len, sizeof(buf), json);
		break;
	case CTL_SHOW_STATS:
		len = mn_format_stats(buf, sizeof(buf), json, &mn);
		break;
	case CTL_SHOW_KERNEL:
		/* The runtime relays the parent's answer. */
		role_ctl_kernel(c, imsg->hdr.peerid, json);
		return;
	default:
		control_error(c, imsg->hdr.peerid,
		    "the mobile node does not show that");
		control_end(c, imsg->hdr.peerid);
		return;
	}
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	for (off = 0; off < len; off += n) {
		n = len - off > IMSG_MAX_DATA ? IMSG_MAX_DATA : len - off;
		control_reply(c, IMSG_CTL_TEXT, imsg->hdr.peerid, buf + off, n);
	}
	control_end(c, imsg->hdr.peerid);
}

int
main(int argc, char *argv[])
{
	/* Link-layer addresses need netlink, which the sandbox forbids. */
	mn_net_learn_macs();
	role_main(argc, argv, &mn_ops);
}
