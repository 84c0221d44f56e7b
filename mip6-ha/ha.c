/*
 * mip6-ha: the home agent (RFC 6275 sections 9 and 10).
 *
 * Started by mip6-priv with its socket on fd 3; role_main() receives the
 * configuration, sandboxes the process and serves the control socket.
 * The engine:
 *   raw MH socket -> mh_parse -> hareg_decide -> hareg_commit
 *     -> kernel requests to mip6-priv (IMSG_KR_BIND_ADD/DEL)
 *     -> BA with a type 2 routing header once the kernel said yes
 *   one libevent timer for the binding cache's earliest deadline
 *     (Binding Refresh Request, expiry)
 *   DAD probe on the home link before a first registration (ICMPv6 socket)
 * Control handlers live in hactl.c, the socket code in hanet.c.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <linux/if_packet.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "addr.h"
#include "bcache.h"
#include "config.h"
#include "control.h"
#include "counters.h"
#include "dhaad.h"
#include "ha.h"
#include "hadad.h"
#include "hanet.h"
#include "hareg.h"
#include "hasrc.h"
#include "hastate.h"
#include "imsg.h"
#include "log.h"
#include "mh.h"
#include "mhsock.h"
#include "ndproxy.h"
#include "proto.h"
#include "ratelog.h"
#include "role.h"

/* RFC 4861 RETRANS_TIMER: how long a DAD probe waits for a defender. */
#define HA_DAD_WAIT_MS		1000
/* Datagrams read per wake-up, so the control socket is not starved. */
#define HA_RX_BURST		64
/* Datagrams per recvmmsg in a burst (32 KiB of buffers). */
#define HA_RX_BATCH		16
#define HA_MAX_IFS		64
/* Kernel answers between two malloc_trim() calls, at most one a burst. */
#define HA_TRIM_EVERY		1024
#define MS_PER_S		1000
#define NS_PER_MS		1000000

/* A kernel request waiting for mip6-priv's answer. */
struct ha_pend {
	TAILQ_ENTRY(ha_pend)	 entry;
	uint32_t		 reqid;
	uint32_t		 type;
	struct hareg_result	 r;	/* the BA to send when it succeeds */
	int			 has_result;
	unsigned int		 ifindex;	/* home link, for the NA */
};


static int	 ha_dispatch_main(const struct imsg *);
static void	 ha_init(const struct mip6_conf *);
static void	 ha_reconf(const struct mip6_conf *);
static void	 ha_mh_read(evutil_socket_t, short, void *);
static void	 ha_icmp6_read(evutil_socket_t, short, void *);
static void	 ha_nd_read(evutil_socket_t, short, void *);
static void	 ha_nd_init(const struct mip6_conf *);
static void	 ha_timer(evutil_socket_t, short, void *);
static void	 ha_timer_arm(void);
static void	 ha_bu(const uint8_t *, size_t, const struct mh_msg *,
		    const struct mh_rx *);
static void	 ha_result(struct hareg_result *, const char *ifname,
		    int was_active);
static void	 ha_send_ba(const struct hareg_result *);
static void	 ha_send_be(const struct mh_rx *, uint8_t status);
static void	 ha_send_brr(struct bc_entry *);
static int	 ha_kr_bind(uint32_t type, const struct in6_addr *hoa,
		    const struct in6_addr *coa, const char *ifname,
		    const struct hareg_result *);
static void	 ha_kr_reply(const struct imsg *);
static void	 ha_dad_start(const struct hareg_result *);
static void	 ha_dad_timeout(evutil_socket_t, short, void *);
static void	 ha_dad_arm(void);
static void	 ha_dad_finish(struct hadad *, int ok);
static void	 ha_dad_cancel(const struct in6_addr *);
static void	 ha_dad_start_ll(struct hadad *);
static void	 ha_dad_ba_dst(const struct hareg_result *);
static void	 ha_dad_answer(struct hareg_result *,
		    const struct in6_addr *ba_dst);
static struct hadad *ha_dad_sibling(const struct in6_addr *, int of_ll);
static int	 ha_shed(const struct hareg_result *, int was_active);
static const struct hanet_if *ha_if(const char *name);
static void	 ha_link_event(const struct kr_ev_link *);
static void	 ha_xfrm_event(const struct kr_ev_xfrm *);
static int64_t	 ha_now_ms(void);
static void	 ha_log_discard(const struct in6_addr *, const char *);
static int	 ha_esp(const struct in6_addr *hoa);

static const struct role_ops ha_ops = {
	.role = ROLE_HA,
	.ctl = ha_ctl,
	.init = ha_init,
	.reconf = ha_reconf,
	.dispatch_main = ha_dispatch_main,
};

static const struct mip6_conf	*ha_conf;
static struct bcache		 ha_bc;
static struct hareg_ctx		 ha_reg;
static struct ha_counters	 ha_ctr;
static struct hareg_rate	 ha_be_rate;
static int			 ha_mhfd = -1, ha_icmpfd = -1;
static struct event		*ha_ev_mh, *ha_ev_icmp, *ha_ev_timer, *ha_ev_dad;
static TAILQ_HEAD(, ha_pend)	 ha_pends = TAILQ_HEAD_INITIALIZER(ha_pends);
static uint32_t			 ha_npends, ha_ndone;
/* Pending DAD probes (one timer for all) and the groups joined for them. */
static struct hadad_q		 ha_dq;
static uint32_t			 ha_njoined, ha_join_cap = UINT32_MAX;
/* Per-source BU rate limit and the MH socket's drop count so far. */
static struct hasrc		 ha_src;
static uint32_t			 ha_mh_drops;
/* The clock read once per burst of datagrams (a system call each under
 * user-mode Linux): seconds as ha_now(), and milliseconds. */
static int64_t			 ha_rx_now, ha_rx_now_ms;
/* Interfaces, learnt before the sandbox (no ioctl inside it). */
static struct hanet_if		 ha_ifs[HA_MAX_IFS];
static size_t			 ha_nifs;
/* proxy-nd: daemon: the packet sockets of the home links (ROLE_SOCK_ND). */
static struct event		*ha_ev_nd[ROLE_SOCK_NTH_MAX];
static size_t			 ha_nnd;
/* The pending `mip6ctl show kernel`. */

int64_t
ha_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec + (ts.tv_nsec > 0);
}

static int64_t
ha_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * MS_PER_S + ts.tv_nsec / NS_PER_MS;
}

const struct bcache *
ha_bcache(void)
{
	return &ha_bc;
}

const struct ha_counters *
ha_counters(void)
{
	return &ha_ctr;
}

const char *
ha_entry_ifname(const struct bc_entry *e)
{
	if (ha_conf == NULL || e->link >= ha_conf->ha.nlinks)
		return NULL;
	return ha_conf->ha.links[e->link].ifname;
}

static const struct hanet_if *
ha_if(const char *name)
{
	size_t	 i;

	for (i = 0; i < ha_nifs; i++)
		if (ha_ifs[i].index != 0 && strcmp(ha_ifs[i].name, name) == 0)
			return &ha_ifs[i];
	return NULL;
}

/* A link appeared, changed or went: keep its index (by name) current. */
static void
ha_link_event(const struct kr_ev_link *ev)
{
	struct hanet_if	*hi = NULL;
	char		 name[KR_IFNAMSIZ];
	size_t		 i;

	memcpy(name, ev->ifname, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	for (i = 0; i < ha_nifs; i++)
		if (strcmp(ha_ifs[i].name, name) == 0)
			hi = &ha_ifs[i];
	if (ev->deleted) {
		if (hi != NULL)
			hi->index = 0;
		return;
	}
	if (hi == NULL) {
		if (ha_nifs >= HA_MAX_IFS)
			return;
		hi = &ha_ifs[ha_nifs++];
		memset(hi, 0, sizeof(*hi));
		strncpy(hi->name, name, sizeof(hi->name) - 1);
	}
	if (hi->index != ev->ifindex)
		log_debug("interface %s has index %u", name, ev->ifindex);
	hi->index = ev->ifindex;
}

/*
 * Whether a BU from hoa arrived under ESP.  The socket cannot tell; the
 * kernel can: with ipsec required, mip6-priv installed for every
 * configured mobile node an inbound policy that lets a BU from its home
 * address in only through ESP (RFC 3776), so a BU we read from such an
 * address was protected.  Any other home address has no such policy.
 */
static int
ha_esp(const struct in6_addr *hoa)
{
	if (ha_conf->ha.ipsec != IPSEC_REQUIRED || ha_conf->ha.nlinks == 0)
		return 0;
	return hareg_mn_find(&ha_reg, hoa) != NULL;
}

static void
ha_init(const struct mip6_conf *conf)
{
	struct kr_subscribe	 sub;

	ha_conf = conf;
	if (bc_init(&ha_bc, conf->ha.max_bindings) == -1 ||
	    hareg_ctx_init(&ha_reg, &conf->ha, &ha_bc) == -1 ||
	    hadad_init(&ha_dq, conf->ha.dad_max_pending) == -1)
		fatal("%s", __func__);
	hareg_rate_init(&ha_be_rate, conf->ha.be_rate, ha_now_ms());
	hasrc_init(&ha_src, conf->ha.bu_rate_per_source);
	if (conf->ha.ipsec == IPSEC_DISABLED)
		log_warnx("ipsec: disabled: home registrations are accepted "
		    "without ESP (RFC 3776 requires it; use only in a lab)");
	else if (conf->ha.nmns == 0)
		log_warnx("ipsec: required but no mobile node is configured: "
		    "every home registration will be dropped");
	ha_mhfd = role_socket(ROLE_SOCK_MH);
	ha_icmpfd = role_socket(ROLE_SOCK_ICMP6);
	dhaad_init(conf, &ha_bc);
	if (ha_mhfd == -1)
		fatalx("no Mobility Header socket from the parent");
	if (mh_sock_setup(ha_mhfd) == -1)
		fatal("Mobility Header socket options");
	/* Datagrams the full socket dropped: counted as shed. */
	if (setsockopt(ha_mhfd, SOL_SOCKET, SO_RXQ_OVFL, &(int){ 1 },
	    sizeof(int)) == -1)
		log_warn("SO_RXQ_OVFL");
	/* persist-bindings: BUs wait in the socket until the restore. */
	hastate_init(conf, &ha_bc);
	if ((ha_ev_mh = event_new(role_base(), ha_mhfd, EV_READ | EV_PERSIST,
	    ha_mh_read, NULL)) == NULL || (!hastate_restoring() &&
	    event_add(ha_ev_mh, NULL) == -1))
		fatalx("cannot watch the Mobility Header socket");
	if (ha_icmpfd != -1) {
		if (hanet_icmp6_setup(ha_icmpfd) == -1)
			fatal("ICMPv6 socket options");
		if ((ha_ev_icmp = event_new(role_base(), ha_icmpfd,
		    EV_READ | EV_PERSIST, ha_icmp6_read, NULL)) == NULL ||
		    event_add(ha_ev_icmp, NULL) == -1)
			fatalx("cannot watch the ICMPv6 socket");
	} else if (conf->ha.dad)
		log_warnx("no ICMPv6 socket: DAD probes are not sent");
	ha_nd_init(conf);
	if ((ha_ev_timer = evtimer_new(role_base(), ha_timer, NULL)) == NULL ||
	    (ha_ev_dad = evtimer_new(role_base(), ha_dad_timeout, NULL)) ==
	    NULL)
		fatalx("cannot create the binding timer");
	/* Link events keep the interface indexes right when a home link
	 * is recreated (the table above comes from before the sandbox);
	 * XFRM reports name packets with a Home Address option the kernel
	 * dropped (RFC 6275 9.3.1: Binding Error 1). */
	sub.mask = KR_SUB_LINK | KR_SUB_XFRM;
	if (role_compose_main(IMSG_KR_SUBSCRIBE, 0, -1, &sub, sizeof(sub)) ==
	    -1)
		log_warnx("cannot subscribe to link events");
	log_info("home agent: %zu home link(s), max-bindings %u, "
	    "max-lifetime %u s, dad %s, ipsec %s", conf->ha.nlinks,
	    conf->ha.max_bindings, conf->ha.max_lifetime,
	    conf->ha.dad ? "on" : "off",
	    conf->ha.ipsec == IPSEC_REQUIRED ? "required" : "disabled");
}

static void
ha_reconf(const struct mip6_conf *conf)
{
	ha_conf = conf;
	hareg_ctx_free(&ha_reg);
	if (hareg_ctx_init(&ha_reg, &conf->ha, &ha_bc) == -1)
		fatal("%s", __func__);
	ha_bc.max = conf->ha.max_bindings;
	ha_dq.max = conf->ha.dad_max_pending;
	hasrc_init(&ha_src, conf->ha.bu_rate_per_source);
	dhaad_reconf(conf);
	hareg_rate_init(&ha_be_rate, conf->ha.be_rate, ha_now_ms());
	hastate_reconf(conf);
}

/* Messages from the parent beyond start-up and configuration. */
static int
ha_dispatch_main(const struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_KR_REPLY:
		ha_kr_reply(imsg);
		return 1;
	case IMSG_KR_EV_LINK:
		if (!proto_check_len(imsg->datalen, sizeof(struct kr_ev_link)))
			fatalx("parent: bad link event length");
		ha_link_event(imsg->data);
		return 1;
	case IMSG_KR_EV_XFRM:
		if (!proto_check_len(imsg->datalen, sizeof(struct kr_ev_xfrm)))
			fatalx("parent: bad xfrm event length");
		ha_xfrm_event(imsg->data);
		return 1;
	case IMSG_KR_EV_ADDR:
	case IMSG_KR_EV_ROUTE:
	case IMSG_KR_EV_NEIGH:
		return 1;
	default:
		return hastate_dispatch(imsg);
	}
}

/* A malformed message: counted always, logged a line a second at most. */
static void
ha_log_discard(const struct in6_addr *from, const char *why)
{
	static struct ratelog	 rl;
	uint64_t		 held;
	char			 a[ADDR_STRLEN];

	if (!ratelog_allow(&rl, ha_now_ms(), &held))
		return;
	log_warnx("MH from %s discarded: %s (%llu more discarded messages "
	    "not logged)", addr_ntop(from, a, sizeof(a)), why,
	    (unsigned long long)held);
}

static void
ha_mh_read(evutil_socket_t fd, short ev, void *arg)
{
	/* A burst read HA_RX_BATCH datagrams a system call. */
	static uint8_t		 bufs[HA_RX_BATCH][MH_MAX_LEN];
	static struct mh_rx	 rxs[HA_RX_BATCH];
	static ssize_t		 lens[HA_RX_BATCH];
	uint8_t			*buf;
	struct mh_rx		 rx;
	struct mh_msg		 m;
	enum mh_err		 err;
	struct timespec		 ts;
	ssize_t			 n;
	int			 i, nbu = 0, nb = 0, bi = 0;
	char			 a[ADDR_STRLEN];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ha_rx_now = (int64_t)ts.tv_sec + (ts.tv_nsec > 0);
	ha_rx_now_ms = (int64_t)ts.tv_sec * MS_PER_S + ts.tv_nsec / NS_PER_MS;
	/* The burst's log lines in a few writes (log_release below). */
	log_hold();
	for (i = 0; i < HA_RX_BURST; i++) {
		if (bi == nb) {
			bi = 0;
			nb = mh_sock_recvm(fd, &bufs[0][0], MH_MAX_LEN, rxs,
			    lens, HA_RX_BURST - i < HA_RX_BATCH ?
			    HA_RX_BURST - i : HA_RX_BATCH);
			if (nb == 0)
				break;
			if (nb == -1) {
				log_warn("%s: recvmmsg", __func__);
				break;
			}
		}
		buf = bufs[bi];
		rx = rxs[bi];
		n = lens[bi++];
		if (n == -1) {
			/* Longer than any Mobility Header: gone. */
			ha_ctr_rx_err(&ha_ctr, MH_ERR_HDRLEN);
			continue;
		}
		if (rx.has_drops && rx.drops != ha_mh_drops) {
			ha_ctr.misc[HA_CTR_SHED_SOCKET] += (uint32_t)(rx.drops -
			    ha_mh_drops);
			ha_mh_drops = rx.drops;
		}
		/* The raw MH socket verified the checksum already. */
		err = mh_parse(buf, (size_t)n, NULL, NULL, &m);
		if (err == MH_ERR_TYPE && (size_t)n > 2)
			ha_ctr_rx(&ha_ctr, buf[2]);
		if (err != MH_OK) {
			ha_ctr_rx_err(&ha_ctr, err);
			ha_log_discard(&rx.src, mh_err_str(err));
			if (m.answer.kind == MH_ANSWER_BE)
				ha_send_be(&rx, m.answer.be_status);
			continue;
		}
		ha_ctr_rx(&ha_ctr, m.type);
		if (rx.bad_exthdr) {
			ha_ctr_rx_err(&ha_ctr, MH_ERR_EXTHDR);
			continue;
		}
		switch (m.type) {
		case MH_TYPE_BU:
			if (ha_src.rate != 0 &&
			    !hasrc_allow(&ha_src, &rx.src, ha_rx_now_ms)) {
				ha_ctr_misc(&ha_ctr, HA_CTR_SHED_RATE);
				break;
			}
			ha_bu(buf, (size_t)n, &m, &rx);
			nbu++;
			break;
		default:
			/* RFC 6275 9.3.3: a Home Address option from an
			 * address we have no binding for. */
			if (rx.has_hao && bc_lookup(&ha_bc, &rx.hoa) == NULL)
				ha_send_be(&rx, BE_STATUS_UNKNOWN_HAO);
			log_debug("%s from %s ignored", mh_type_str(m.type),
			    addr_ntop(&rx.src, a, sizeof(a)));
			break;
		}
	}
	/* The binding timer, once for the burst. */
	if (nbu > 0)
		ha_timer_arm();
	log_release();
}

static void
ha_bu(const uint8_t *buf, size_t len, const struct mh_msg *m,
    const struct mh_rx *rx)
{
	struct hareg_in		 in;
	struct hareg_result	 r;
	struct bc_entry		*e;
	const char		*ifname = NULL;
	int			 was_active = 0;
	char			 h[ADDR_STRLEN], c[ADDR_STRLEN];

	memset(&in, 0, sizeof(in));
	in.bu = m;
	in.src = rx->src;
	in.dst = rx->dst;
	in.hao = rx->has_hao ? &rx->hoa : NULL;
	in.esp = ha_esp(rx->has_hao ? &rx->hoa : &rx->src);
	in.prefix_valid = HAREG_LIFETIME_UNKNOWN;
	in.now = ha_rx_now;
	hareg_decide(&ha_reg, &in, &r);
	/* Read the binding before commit: a removal frees it. */
	if ((e = bc_lookup(&ha_bc, &r.hoa)) != NULL) {
		ifname = ha_entry_ifname(e);
		was_active = e->state == BC_ST_ACTIVE;
	}
	/* Full queues: drop it before it changes anything (the mobile node
	 * sends it again); refreshes need no queue and still pass. */
	if (ha_shed(&r, was_active))
		return;
	(void)hareg_commit(&ha_reg, &in, &r);
	ha_ctr_bu(&ha_ctr, r.reason);
	log_debug("BU seq %u from %s hoa %s: %s, op %s, status %u",
	    m->u.bu.seq, addr_ntop(&rx->src, c, sizeof(c)),
	    addr_ntop(&r.hoa, h, sizeof(h)), hareg_reason_str(r.reason),
	    hareg_op_str(r.op), r.status);
	(void)buf;
	(void)len;
	ha_result(&r, ifname, was_active);
	/* ha_mh_read arms the binding timer after the burst. */
}

/* Carry out a decision: kernel work, DAD, BA. */
static void
ha_result(struct hareg_result *r, const char *ifname, int was_active)
{
	const char	*lname = NULL;
	char		 h[ADDR_STRLEN], c[ADDR_STRLEN];

	if (r->link >= 0 && (size_t)r->link < ha_conf->ha.nlinks)
		lname = ha_conf->ha.links[r->link].ifname;
	switch (r->op) {
	case HAREG_OP_NONE:
		break;
	case HAREG_OP_ADD:
		if (r->need_dad) {
			ha_dad_start(r);
			return;
		}
		log_info("binding %s -> %s accepted (lifetime %u s)",
		    addr_ntop(&r->hoa, h, sizeof(h)),
		    addr_ntop(&r->coa, c, sizeof(c)),
		    mip6_lifetime_to_sec(r->lifetime));
		/* The BA waits for the kernel state. */
		if (ha_kr_bind(IMSG_KR_BIND_ADD, &r->hoa, &r->coa, lname, r)
		    == 0)
			return;
		break;
	case HAREG_OP_UPDATE:
		if (!was_active) {
			/* Still in DAD: the BA follows it, to this BU's
			 * source. */
			ha_dad_ba_dst(r);
			return;
		}
		if (r->coa_changed) {
			log_info("binding %s moves to %s",
			    addr_ntop(&r->hoa, h, sizeof(h)),
			    addr_ntop(&r->coa, c, sizeof(c)));
			if (ha_kr_bind(IMSG_KR_BIND_ADD, &r->hoa, &r->coa,
			    lname, r) == 0)
				return;
		}
		break;
	case HAREG_OP_REMOVE:
		log_info("binding %s deregistered",
		    addr_ntop(&r->hoa, h, sizeof(h)));
		if (!was_active) {
			ha_dad_cancel(&r->hoa);
			break;
		}
		/* The BA waits until the tunnel route is gone: a mobile
		 * node back home must get it on the home link. */
		if (ha_kr_bind(IMSG_KR_BIND_DEL, &r->hoa, NULL,
		    ifname != NULL ? ifname : lname, r) == 0)
			return;
		break;
	}
	if (r->send_ba)
		ha_send_ba(r);
}

static void
ha_send_ba(const struct hareg_result *r)
{
	/* state-sync-delay 0: the binding is on disk before its BA. */
	if (!hastate_hold_ba(r))
		ha_send_ba_now(r);
}

void
ha_send_ba_now(const struct hareg_result *r)
{
	uint8_t		 buf[MH_MAX_LEN];
	size_t		 len;
	char		 a[ADDR_STRLEN];

	if (hareg_build_ba(r, buf, sizeof(buf), &len) != MH_OK) {
		ha_ctr_misc(&ha_ctr, HA_CTR_TX_FAILED);
		return;
	}
	/* With a type 2 routing header the BA travels to the care-of
	 * address and names the home address as its final destination. */
	if (mh_sock_send(ha_mhfd, buf, len, &r->ha,
	    r->ba_rh2 ? &r->hoa : &r->ba_dst,
	    r->ba_rh2 ? &r->ba_dst : NULL, 0) == -1) {
		log_warn("BA to %s", addr_ntop(&r->ba_dst, a, sizeof(a)));
		ha_ctr_misc(&ha_ctr, HA_CTR_TX_FAILED);
		return;
	}
	ha_ctr_tx(&ha_ctr, MH_TYPE_BA, r->status);
}

/* Binding Error to the packet's source (its care-of address), rate limited. */
static void
ha_send_be(const struct mh_rx *rx, uint8_t status)
{
	uint8_t			 buf[MH_MAX_LEN];
	size_t			 len;
	struct in6_addr		 hoa;
	char			 a[ADDR_STRLEN];

	if (!addr_is_global_unicast(&rx->src) ||
	    IN6_IS_ADDR_UNSPECIFIED(&rx->dst))
		return;
	if (!hareg_rate_allow(&ha_be_rate, ha_now_ms())) {
		ha_ctr_misc(&ha_ctr, HA_CTR_BE_RATE_LIMITED);
		return;
	}
	memset(&hoa, 0, sizeof(hoa));
	if (rx->has_hao)
		hoa = rx->hoa;
	if (hareg_build_be(&rx->dst, &rx->src, status, &hoa, buf, sizeof(buf),
	    &len) != MH_OK)
		return;
	if (mh_sock_send(ha_mhfd, buf, len, &rx->dst, &rx->src, NULL, 0) ==
	    -1) {
		log_warn("BE to %s", addr_ntop(&rx->src, a, sizeof(a)));
		ha_ctr_misc(&ha_ctr, HA_CTR_TX_FAILED);
		return;
	}
	ha_ctr_tx(&ha_ctr, MH_TYPE_BE, 0);
}

/*
 * RFC 6275 9.3.1: the kernel dropped a packet with a Home Address option
 * (mip6-priv's report, XFRM_MSG_REPORT): no binding for the home address
 * (the wildcard hao state took the option, no binding's policy matched),
 * or one from another care-of address than the registered one (the
 * binding's ICMPv6 policy wants its own state, xfrm_ha_hao).  Binding
 * Error 1 to the care-of address the kernel saw, the home address inside,
 * rate limited with the others.
 */
static void
ha_xfrm_event(const struct kr_ev_xfrm *ev)
{
	struct bc_entry	*e;
	struct mh_rx	 rx;
	char		 a[ADDR_STRLEN], c[ADDR_STRLEN];

	if (ev->kind != KR_XFRM_REPORT || ev->proto != IPPROTO_DSTOPTS)
		return;
	ha_ctr_misc(&ha_ctr, HA_CTR_HAO_REPORT);
	/* Restoring: the binding may be about to come back. */
	if (hastate_restoring() || IN6_IS_ADDR_UNSPECIFIED(&ev->coa))
		return;
	if ((e = bc_lookup(&ha_bc, &ev->src)) != NULL &&
	    addr_equal(&e->coa, &ev->coa)) {
		ha_ctr_misc(&ha_ctr, HA_CTR_HAO_REPORT_BOUND);
		return;
	}
	log_debug("Home Address option %s from %s without a binding: "
	    "dropped", addr_ntop(&ev->src, a, sizeof(a)),
	    addr_ntop(&ev->coa, c, sizeof(c)));
	memset(&rx, 0, sizeof(rx));
	rx.src = ev->coa;
	rx.dst = ev->dst;
	rx.hoa = ev->src;
	rx.has_hao = 1;
	rx.has_dst = 1;
	ha_send_be(&rx, BE_STATUS_UNKNOWN_HAO);
}

static void
ha_send_brr(struct bc_entry *e)
{
	uint8_t			 buf[MH_MAX_LEN];
	size_t			 len;
	const struct in6_addr	*ha;
	char			 a[ADDR_STRLEN];

	if (e->link >= ha_conf->ha.nlinks)
		return;
	ha = &ha_conf->ha.links[e->link].addr;
	if (hareg_build_brr(ha, &e->hoa, buf, sizeof(buf), &len) != MH_OK)
		return;
	if (mh_sock_send(ha_mhfd, buf, len, ha, &e->hoa, &e->coa, 0) == -1) {
		log_warn("BRR to %s", addr_ntop(&e->coa, a, sizeof(a)));
		ha_ctr_misc(&ha_ctr, HA_CTR_TX_FAILED);
		return;
	}
	e->stats.brr_sent++;
	ha_ctr_tx(&ha_ctr, MH_TYPE_BRR, 0);
}

/*
 * Ask mip6-priv to bind (or unbind) hoa.  With r the BA of r is sent when
 * the kernel answered.  0 when asked, -1 when the request could not go.
 */
static int
ha_kr_bind(uint32_t type, const struct in6_addr *hoa,
    const struct in6_addr *coa, const char *ifname,
    const struct hareg_result *r)
{
	struct kr_bind		 kb;
	struct ha_pend		*p;
	const struct hanet_if	*hi;
	const struct bc_entry	*e;

	if (ifname == NULL)
		return -1;
	memset(&kb, 0, sizeof(kb));
	kb.hoa = *hoa;
	if (coa != NULL)
		kb.coa = *coa;
	strncpy(kb.ifname, ifname, sizeof(kb.ifname) - 1);
	/* L=1: mip6-priv proxies the link-local address too (it derives
	 * it from hoa); a removal takes it whatever the flag. */
	if (r != NULL)
		kb.flags = (r->bu_flags & MH_BU_F_L) ? KR_BIND_LL : 0;
	else if ((e = bc_lookup(&ha_bc, hoa)) != NULL)
		kb.flags = (e->flags & MH_BU_F_L) ? KR_BIND_LL : 0;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_warn("%s", __func__);
		return -1;
	}
	p->reqid = role_reqid();
	p->type = type;
	if (r != NULL) {
		p->r = *r;
		p->has_result = 1;
	} else
		p->r.hoa = *hoa;
	if ((hi = ha_if(ifname)) != NULL)
		p->ifindex = hi->index;
	if (role_compose_main(type, p->reqid, -1, &kb, sizeof(kb)) == -1) {
		free(p);
		return -1;
	}
	TAILQ_INSERT_TAIL(&ha_pends, p, entry);
	ha_npends++;
	return 0;
}

/*
 * Whether to shed a BU whose decision is r because a bounded queue is
 * full: DAD (dad-max-pending) for a first registration, kernel requests
 * in flight (kernel-max-pending) for anything that needs kernel work.
 * Counted; the mobile node retransmits.
 */
static int
ha_shed(const struct hareg_result *r, int was_active)
{
	int	 kernel = 0;

	switch (r->op) {
	case HAREG_OP_ADD:
		if (r->need_dad) {
			/* L=1: a second probe, the link-local address. */
			if (ha_dq.count + (r->dad_ll ? 2 : 1) > ha_dq.max &&
			    hadad_find(&ha_dq, &r->hoa) == NULL) {
				ha_ctr_misc(&ha_ctr, HA_CTR_SHED_DAD);
				return 1;
			}
			return 0;
		}
		kernel = 1;
		break;
	case HAREG_OP_UPDATE:
		kernel = was_active && r->coa_changed;
		break;
	case HAREG_OP_REMOVE:
		kernel = was_active;
		break;
	case HAREG_OP_NONE:
		break;
	}
	if (kernel && ha_npends >= ha_conf->ha.kernel_max_pending) {
		ha_ctr_misc(&ha_ctr, HA_CTR_SHED_KERNEL);
		return 1;
	}
	return 0;
}

static void
ha_kr_reply(const struct imsg *imsg)
{
	const struct kr_reply	*kr;
	struct ha_pend		*p;
	struct bc_entry		*e;
	const struct hanet_if	*hi;
	struct in6_addr		 ll;
	char			 h[ADDR_STRLEN];

	if (!proto_check_len(imsg->datalen, sizeof(*kr)))
		fatalx("parent: bad kernel reply length");
	kr = imsg->data;
	TAILQ_FOREACH(p, &ha_pends, entry)
		if (p->reqid == imsg->hdr.peerid)
			break;
	if (p == NULL)
		return;
	TAILQ_REMOVE(&ha_pends, p, entry);
	ha_npends--;
	/* After a burst (a cold start): give the memory of its requests
	 * back, so the resident size is what the bindings hold. */
	if (++ha_ndone >= HA_TRIM_EVERY && ha_npends == 0 && ha_dq.count == 0) {
		ha_ndone = 0;
		(void)malloc_trim(0);
	}
	addr_ntop(&p->r.hoa, h, sizeof(h));
	if (kr->error != 0) {
		log_warnx("kernel state for %s: %s", h, strerror(kr->error));
		/* A deregistration is done for us whatever the kernel said. */
		if (p->type == IMSG_KR_BIND_DEL && p->has_result &&
		    p->r.send_ba)
			ha_send_ba(&p->r);
		if (p->type == IMSG_KR_BIND_ADD && p->has_result) {
			/* No forwarding for it: refuse, and forget it. */
			e = bc_lookup(&ha_bc, &p->r.hoa);
			if (e != NULL && addr_equal(&e->coa, &p->r.coa)) {
				if (p->r.op == HAREG_OP_UPDATE)
					(void)ha_kr_bind(IMSG_KR_BIND_DEL,
					    &e->hoa, NULL, ha_entry_ifname(e),
					    NULL);
				bc_remove(&ha_bc, e);
				ha_timer_arm();
			}
			p->r.status = BA_STATUS_NO_RESOURCES;
			p->r.lifetime = 0;
			p->r.send_ba = 1;
			ha_ctr_bu(&ha_ctr, HAREG_R_NO_RESOURCES);
			ha_send_ba(&p->r);
		}
		free(p);
		return;
	}
	if (p->type == IMSG_KR_BIND_DEL && p->has_result && p->r.send_ba)
		ha_send_ba(&p->r);
	if (p->type == IMSG_KR_BIND_ADD && p->has_result) {
		/* RFC 6275 10.4.1: neighbours learn the home agent's
		 * link-layer address for the home address (before the BA,
		 * so they have it when the mobile node's traffic starts). */
		if (p->r.op == HAREG_OP_ADD && ha_icmpfd != -1 &&
		    p->ifindex != 0) {
			hi = NULL;
			if (p->r.link >= 0 &&
			    (size_t)p->r.link < ha_conf->ha.nlinks)
				hi = ha_if(ha_conf->ha.links[p->r.link].ifname);
			if (hanet_send_na(ha_icmpfd, p->ifindex, &p->r.hoa,
			    hi != NULL && hi->has_mac ? hi->mac : NULL) == -1)
				log_warn("unsolicited NA for %s", h);
			/* L=1: for its link-local address as well. */
			addr_link_local_of(&p->r.hoa, &ll);
			if ((p->r.bu_flags & MH_BU_F_L) &&
			    hanet_send_na(ha_icmpfd, p->ifindex, &ll,
			    hi != NULL && hi->has_mac ? hi->mac : NULL) == -1)
				log_warn("unsolicited NA for %s's link-local "
				    "address", h);
		}
		if (p->r.send_ba)
			ha_send_ba(&p->r);
	}
	free(p);
}

int
ha_delete_binding(const struct in6_addr *hoa)
{
	struct bc_entry	*e;
	char		 h[ADDR_STRLEN];

	if ((e = bc_lookup(&ha_bc, hoa)) == NULL)
		return -1;
	log_info("binding %s deleted by the operator",
	    addr_ntop(hoa, h, sizeof(h)));
	if (e->state == BC_ST_ACTIVE)
		(void)ha_kr_bind(IMSG_KR_BIND_DEL, &e->hoa, NULL,
		    ha_entry_ifname(e), NULL);
	else
		ha_dad_cancel(&e->hoa);
	bc_remove(&ha_bc, e);
	ha_timer_arm();
	return 0;
}

/* The one binding timer: Binding Refresh Requests and expiries. */
static void
ha_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct bc_entry	*e;
	enum bc_event	 bev;
	int64_t		 now = ha_now();
	char		 h[ADDR_STRLEN];

	while ((e = bc_pop_due(&ha_bc, now, &bev)) != NULL) {
		switch (bev) {
		case BC_EV_BRR:
			if (e->state == BC_ST_ACTIVE)
				ha_send_brr(e);
			break;
		case BC_EV_EXPIRE:
			log_info("binding %s expired",
			    addr_ntop(&e->hoa, h, sizeof(h)));
			ha_ctr_misc(&ha_ctr, HA_CTR_EXPIRED);
			if (e->state == BC_ST_ACTIVE)
				(void)ha_kr_bind(IMSG_KR_BIND_DEL, &e->hoa,
				    NULL, ha_entry_ifname(e), NULL);
			else
				ha_dad_cancel(&e->hoa);
			bc_remove(&ha_bc, e);
			break;
		case BC_EV_NONE:
			break;
		}
	}
	ha_timer_arm();
}

static void
ha_timer_arm(void)
{
	struct timespec	 ts;
	struct timeval	 tv;
	int64_t		 d = bc_next_deadline(&ha_bc), ms;

	/* Every change of the cache passes here: the state file follows. */
	hastate_changed();
	if (d < 0) {
		evtimer_del(ha_ev_timer);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ms = d * MS_PER_S - ((int64_t)ts.tv_sec * MS_PER_S +
	    ts.tv_nsec / NS_PER_MS);
	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / MS_PER_S);
	tv.tv_usec = (suseconds_t)((ms % MS_PER_S) * 1000);
	evtimer_add(ha_ev_timer, &tv);
}

/*
 * DAD for a first registration (RFC 6275 10.3.1).  The role cannot send
 * from the unspecified address (a raw socket picks a source of its own),
 * so the probe is a Neighbor Solicitation from the home agent's
 * link-local address to the home address's solicited-node group: a node
 * that holds the address answers it with an NA, a node doing its own DAD
 * sends an NS from ::; we listen for both for RETRANS_TIMER.
 */
static void
ha_dad_start(const struct hareg_result *r)
{
	struct hadad		*d;
	const struct hanet_if	*hi = NULL;
	struct hareg_result	 res;
	char			 h[ADDR_STRLEN];

	if (r->link >= 0 && (size_t)r->link < ha_conf->ha.nlinks)
		hi = ha_if(ha_conf->ha.links[r->link].ifname);
	if (hadad_find(&ha_dq, &r->hoa) != NULL)
		return;
	if (ha_icmpfd == -1 || hi == NULL) {
		/* No way to probe: the address counts as unique. */
		if (hareg_dad_done(&ha_reg, &r->hoa, 1, ha_now(), &res) == 0) {
			ha_dad_answer(&res, &r->ba_dst);
			ha_ctr_bu(&ha_ctr, res.reason);
			ha_result(&res, NULL, 0);
		}
		return;
	}
	/* Every probe waits the same RetransTimer: a FIFO, one timer. */
	if ((d = hadad_add(&ha_dq, &r->hoa, hi->index,
	    ha_now_ms() + HA_DAD_WAIT_MS)) == NULL) {
		/* Full (ha_shed let it through only with room) or ENOMEM:
		 * no BA; the binding in DAD state is dropped below. */
		log_warn("%s", __func__);
		if (hareg_dad_done(&ha_reg, &r->hoa, 0, ha_now(), &res) == 0) {
			ha_dad_answer(&res, &r->ba_dst);
			ha_result(&res, NULL, 0);
		}
		return;
	}
	d->ba_dst = r->ba_dst;
	/* Another node's own DAD (from ::) goes to the solicited-node
	 * group; an owner's NA to our probe comes unicast, so past the
	 * socket's membership limit (optmem) a probe still hears it. */
	if (ha_njoined < ha_join_cap) {
		if (hanet_solicited_group(ha_icmpfd, d->ifindex, &d->hoa, 1)
		    == 0) {
			d->joined = 1;
			ha_njoined++;
		} else if (errno == ENOBUFS || errno == ENOMEM)
			ha_join_cap = ha_njoined;
	}
	if (hanet_send_ns(ha_icmpfd, d->ifindex, &d->hoa) == -1)
		log_warn("DAD probe for %s", addr_ntop(&d->hoa, h, sizeof(h)));
	if (ha_dq.count == 1)
		ha_dad_arm();
	log_debug("DAD for %s started", addr_ntop(&d->hoa, h, sizeof(h)));
	if (r->dad_ll)
		ha_dad_start_ll(d);
}

/*
 * L=1: DAD for the mobile node's link-local address too (RFC 6275
 * 10.3.1), a probe due with the home address's.  Its solicited-node
 * group is the home address's (the same last 24 bits): joined already.
 * The registration waits for both; a defender of either fails it.
 */
static void
ha_dad_start_ll(struct hadad *hd)
{
	struct hadad	*d;
	struct in6_addr	 ll;
	char		 h[ADDR_STRLEN];

	addr_link_local_of(&hd->hoa, &ll);
	if ((d = hadad_add(&ha_dq, &ll, hd->ifindex, hd->deadline_ms)) ==
	    NULL) {
		/* EEXIST: the same identifier in DAD on another link. */
		log_warn("DAD probe for the link-local address of %s",
		    addr_ntop(&hd->hoa, h, sizeof(h)));
		ha_dad_finish(hd, 0);
		return;
	}
	d->ll = 1;
	d->owner = hd->hoa;
	d->ba_dst = hd->ba_dst;
	if (hanet_send_ns(ha_icmpfd, d->ifindex, &d->hoa) == -1)
		log_warn("DAD probe for %s", addr_ntop(&d->hoa, h, sizeof(h)));
	log_debug("DAD for %s started", addr_ntop(&d->hoa, h, sizeof(h)));
}

/* A newer BU for a registration in DAD: its BA goes to that BU's source. */
static void
ha_dad_ba_dst(const struct hareg_result *r)
{
	struct hadad	*d;

	if ((d = hadad_find(&ha_dq, &r->hoa)) != NULL)
		d->ba_dst = r->ba_dst;
	if ((d = ha_dad_sibling(&r->hoa, 0)) != NULL)
		d->ba_dst = r->ba_dst;
}

/*
 * hareg_dad_done addresses the BA to the binding's care-of address; RFC
 * 6275 9.5.4 sends it where the BU came from, as an answer at once does:
 * the BU's source, with a type 2 routing header unless that is the home
 * address itself.
 */
static void
ha_dad_answer(struct hareg_result *r, const struct in6_addr *ba_dst)
{
	if (IN6_IS_ADDR_UNSPECIFIED(ba_dst))
		return;
	r->ba_dst = *ba_dst;
	r->ba_rh2 = !addr_equal(ba_dst, &r->hoa);
}

/* The other probe of the same registration, or NULL. */
static struct hadad *
ha_dad_sibling(const struct in6_addr *hoa, int of_ll)
{
	struct hadad	*d;
	struct in6_addr	 ll;

	if (of_ll)
		return hadad_find(&ha_dq, hoa);
	addr_link_local_of(hoa, &ll);
	if ((d = hadad_find(&ha_dq, &ll)) != NULL && d->ll &&
	    addr_equal(&d->owner, hoa))
		return d;
	return NULL;
}

static void
ha_dad_arm(void)
{
	struct timeval	 tv;
	int64_t		 d = hadad_next_deadline(&ha_dq), ms;

	if (d < 0) {
		evtimer_del(ha_ev_dad);
		return;
	}
	ms = d - ha_now_ms();
	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / MS_PER_S);
	tv.tv_usec = (suseconds_t)((ms % MS_PER_S) * 1000);
	evtimer_add(ha_ev_dad, &tv);
}

static void
ha_dad_free(struct hadad *d)
{
	if (d->joined) {
		(void)hanet_solicited_group(ha_icmpfd, d->ifindex, &d->hoa, 0);
		ha_njoined--;
		/* Room again: try joining from now on. */
		ha_join_cap = UINT32_MAX;
	}
	hadad_remove(&ha_dq, d);
}

static void
ha_dad_cancel(const struct in6_addr *hoa)
{
	struct hadad	*d;

	if ((d = hadad_find(&ha_dq, hoa)) != NULL)
		ha_dad_free(d);
	if ((d = ha_dad_sibling(hoa, 0)) != NULL)
		ha_dad_free(d);
}

/* The probes whose second is over: their addresses are unique. */
static void
ha_dad_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct hadad	*d;
	int64_t		 now = ha_now_ms();

	while ((d = hadad_due(&ha_dq, now)) != NULL)
		ha_dad_finish(d, 1);
	ha_dad_arm();
}

static void
ha_dad_finish(struct hadad *d, int ok)
{
	struct hareg_result	 r;
	struct hadad		*sib;
	struct in6_addr		 hoa = d->ll ? d->owner : d->hoa;
	struct in6_addr		 probed = d->hoa;
	struct in6_addr		 ba_dst = d->ba_dst;
	int			 ll = d->ll;
	char			 h[ADDR_STRLEN], a[ADDR_STRLEN];

	ha_dad_free(d);
	/* L=1: the registration waits for both probes. */
	if ((sib = ha_dad_sibling(&hoa, ll)) != NULL) {
		if (ok)
			return;
		ha_dad_free(sib);
	}
	if (hareg_dad_done(&ha_reg, &hoa, ok, ha_now(), &r) == -1)
		return;
	ha_dad_answer(&r, &ba_dst);
	ha_ctr_bu(&ha_ctr, r.reason);
	if (!ok && ll)
		log_warnx("DAD for %s failed: its link-local address %s is in "
		    "use on the home link", addr_ntop(&hoa, h, sizeof(h)),
		    addr_ntop(&probed, a, sizeof(a)));
	else if (!ok)
		log_warnx("DAD for %s failed: the address is in use on the "
		    "home link", addr_ntop(&hoa, h, sizeof(h)));
	ha_result(&r, NULL, 0);
	ha_timer_arm();
}

static void
ha_icmp6_read(evutil_socket_t fd, short ev, void *arg)
{
	struct hanet_nd	 nd;
	struct hadad	*d;
	int		 i, n;

	for (i = 0; i < HA_RX_BURST; i++) {
		if ((n = hanet_recv_icmp6(fd, &nd)) <= 0) {
			if (n == -1)
				log_warn("%s: recvmsg", __func__);
			return;
		}
		if (n != 1 || (d = hadad_find(&ha_dq, &nd.target)) == NULL)
			continue;
		if (nd.ifindex != 0 && nd.ifindex != d->ifindex)
			continue;
		/* An owner's NA, or another node's DAD for it (counted
		 * as the packet socket counts it: whichever reads first). */
		if (nd.type == ND_NEIGHBOR_SOLICIT &&
		    IN6_IS_ADDR_UNSPECIFIED(&nd.src))
			ha_ctr_misc(&ha_ctr, HA_CTR_ND_DAD_CONFLICT);
		if (nd.type == ND_NEIGHBOR_ADVERT ||
		    IN6_IS_ADDR_UNSPECIFIED(&nd.src))
			ha_dad_finish(d, 0);
	}
}

/*
 * proxy-nd: daemon: watch the packet sockets mip6-priv opened on the
 * home links.  Answers go out of the ICMPv6 socket (hop limit 255, the
 * kernel picks our address on the link and fills the checksum).
 */
static void
ha_nd_init(const struct mip6_conf *conf)
{
	int	 fd;

	for (ha_nnd = 0; ha_nnd < ROLE_SOCK_NTH_MAX; ha_nnd++) {
		if ((fd = role_socket_nth(ROLE_SOCK_ND, ha_nnd)) == -1)
			break;
		if ((ha_ev_nd[ha_nnd] = event_new(role_base(), fd,
		    EV_READ | EV_PERSIST, ha_nd_read, NULL)) == NULL ||
		    event_add(ha_ev_nd[ha_nnd], NULL) == -1)
			fatalx("cannot watch the proxy-nd socket");
	}
	if (conf->ha.proxy_nd == PROXY_ND_DAEMON && (ha_nnd == 0 ||
	    ha_icmpfd == -1))
		log_warnx("proxy-nd: daemon but no %s socket: no one answers "
		    "Neighbor Solicitations for the home addresses",
		    ha_nnd == 0 ? "packet" : "ICMPv6");
	else if (ha_nnd > 0)
		log_info("proxy-nd: daemon: answering Neighbor Solicitations "
		    "for home addresses on %zu home link(s)", ha_nnd);
}

/* The home link (conf_ha.links index) with interface index ifindex, -1. */
static int
ha_link_of_index(unsigned int ifindex)
{
	const struct hanet_if	*hi;
	size_t			 i;

	for (i = 0; i < ha_conf->ha.nlinks; i++)
		if ((hi = ha_if(ha_conf->ha.links[i].ifname)) != NULL &&
		    hi->index == ifindex)
			return (int)i;
	return -1;
}

/* A malformed solicitation: counted always, logged a line a second. */
static void
ha_nd_log_malformed(const struct ndp_ns *ns, enum ndp_err err)
{
	static struct ratelog	 rl;
	uint64_t		 held;
	char			 a[ADDR_STRLEN];

	if (!ratelog_allow(&rl, ha_now_ms(), &held))
		return;
	log_warnx("Neighbor Solicitation from %s discarded: %s (%llu more "
	    "discarded solicitations not logged)",
	    addr_ntop(&ns->src, a, sizeof(a)), ndp_err_str(err),
	    (unsigned long long)held);
}

/* One valid solicitation received on ifindex: answer it, or not. */
static void
ha_nd_solicited(const struct ndp_ns *ns, unsigned int ifindex)
{
	const struct hanet_if	*hi;
	const struct bc_entry	*e;
	const char		*ifn;
	struct hadad		*d;
	struct in6_addr		 dst;
	uint8_t			 na[NDP_NA_LEN];
	size_t			 len;

	/* In DAD: not ours yet.  Another node's own DAD for it (from ::)
	 * means the address is in use: the registration fails (134). */
	if ((d = hadad_find(&ha_dq, &ns->target)) != NULL) {
		if (IN6_IS_ADDR_UNSPECIFIED(&ns->src) &&
		    d->ifindex == ifindex) {
			ha_ctr_misc(&ha_ctr, HA_CTR_ND_DAD_CONFLICT);
			ha_dad_finish(d, 0);
		} else
			ha_ctr_misc(&ha_ctr, HA_CTR_ND_IGN_DAD);
		return;
	}
	e = bc_lookup(&ha_bc, &ns->target);
	/* L=1: a binding's mobile node's link-local address. */
	if (e == NULL && IN6_IS_ADDR_LINKLOCAL(&ns->target))
		e = hareg_ll_find(&ha_reg, ha_link_of_index(ifindex),
		    &ns->target, NULL);
	if (e == NULL || e->state != BC_ST_ACTIVE || (ifn = ha_entry_ifname(e)) == NULL ||
	    (hi = ha_if(ifn)) == NULL || hi->index != ifindex ||
	    !hi->has_mac) {
		ha_ctr_misc(&ha_ctr, HA_CTR_ND_IGN_NOT_BOUND);
		return;
	}
	len = ndp_build_na(ns, hi->mac, na, &dst);
	if (hanet_send_icmp6(ha_icmpfd, ifindex, &dst, na, len) == -1) {
		ha_ctr_misc(&ha_ctr, HA_CTR_ND_TX_FAILED);
		return;
	}
	ha_ctr_misc(&ha_ctr, HA_CTR_ND_ANSWERED);
}

static void
ha_nd_read(evutil_socket_t fd, short ev, void *arg)
{
	uint8_t			 buf[2048];
	struct sockaddr_ll	 from;
	socklen_t		 fl;
	struct ndp_ns		 ns;
	enum ndp_err		 err;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < HA_RX_BURST; i++) {
		fl = sizeof(from);
		memset(&from, 0, sizeof(from));
		/* MSG_TRUNC: the frame's real length, a longer one is cut. */
		if ((n = recvfrom(fd, buf, sizeof(buf), MSG_TRUNC,
		    (struct sockaddr *)&from, &fl)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("%s: recvfrom", __func__);
			return;
		}
		/* Our own frames (without PACKET_IGNORE_OUTGOING), or one
		 * for another host (promiscuous link): not solicitations. */
		if (from.sll_pkttype == PACKET_OUTGOING ||
		    from.sll_pkttype == PACKET_OTHERHOST)
			continue;
		if ((size_t)n > sizeof(buf))
			err = NDP_ERR_TRUNCATED;
		else
			err = ndp_parse_ns(buf, (size_t)n, &ns);
		if (err != NDP_OK) {
			ha_ctr_misc(&ha_ctr, (enum ha_ctr_misc)
			    (HA_CTR_ND_MAL_TRUNCATED + (err - 1)));
			ha_nd_log_malformed(&ns, err);
			continue;
		}
		/* The sockets exist when the role started with proxy-nd:
		 * daemon; a reload changes it at the next start only (so
		 * does mip6-priv, which installs no proxy entries meanwhile). */
		if (ha_icmpfd == -1)
			continue;
		ha_nd_solicited(&ns, (unsigned int)from.sll_ifindex);
	}
}

/* persist-bindings: a restored binding claims its kernel objects. */
void
ha_restore_kernel(const struct bc_entry *e)
{
	(void)ha_kr_bind(IMSG_KR_BIND_ADD, &e->hoa, &e->coa,
	    ha_entry_ifname(e), NULL);
}

void
ha_restored(void)
{
	if (event_add(ha_ev_mh, NULL) == -1)
		fatalx("cannot watch the Mobility Header socket");
	ha_timer_arm();
}

int
main(int argc, char *argv[])
{
	/* Interface indexes and link-layer addresses need ioctl/netlink,
	 * which the sandbox forbids: learn them now. */
	ha_nifs = hanet_if_list(ha_ifs, HA_MAX_IFS);
	role_main(argc, argv, &ha_ops);
}
