/*
 * The mobile node's sockets (opened by mip6-priv): Mobility Header in and
 * out, router advertisements in, router solicitations out.
 *
 * A BU goes from the home address to the home agent.  Away, the XFRM
 * policy mip6-priv installed with IMSG_KR_MN_HOME applies ESP (RFC 3776,
 * keyed on the home address) and then the hao state, which puts the
 * care-of address in the source and the home address in a Home Address
 * option: the role needs no privilege (a Destination Options header given
 * as ancillary data would need CAP_NET_RAW, and would come after ESP's
 * selectors had seen the care-of address).  The kernel fills in the MH
 * checksum over the home address (IPV6_CHECKSUM on the socket).
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdint.h>
#include <string.h>

#include <event2/event.h>

#include "addr.h"
#include "log.h"
#include "mh.h"
#include "mhsock.h"
#include "proto.h"
#include "role.h"
#include "mn.h"
#include "mndhaad.h"
#include "ratelog.h"
#include "mnro.h"

#define MN_RXBUF	2048
/* Messages read per readiness event before the loop looks elsewhere. */
#define MN_RX_BURST	64
#define ND_HOPLIMIT	255
#define RS_LEN		8

static void	 mn_mh_read(evutil_socket_t, short, void *);
static int	 mn_log_allow(void);
static void	 mn_log_discard(const char *, const char *);
static void	 mn_icmp_read(evutil_socket_t, short, void *);
static void	 mn_mh_input(const uint8_t *, size_t, const struct mh_rx *);

#define MN_MAC_LEN	6
#define MN_MAX_MACS	32

static struct event	*ev_mh, *ev_icmp;
/* The interfaces' link-layer addresses, learnt before the sandbox. */
static struct {
	unsigned int	 index;
	uint8_t		 mac[MN_MAC_LEN];
}			 mn_macs[MN_MAX_MACS];
static size_t		 mn_nmacs;
/* What a stranger makes us log: a line a second at most. */
static struct ratelog	 rl_mh;

static void
sockopt_on(int fd, int level, int opt, const char *name)
{
	int	 on = 1;

	if (setsockopt(fd, level, opt, &on, sizeof(on)) == -1)
		log_warn("%s: %s", __func__, name);
}

void
mn_net_init(void)
{
	struct icmp6_filter	 f;
	int			 mh = role_socket(ROLE_SOCK_MH);
	int			 ic = role_socket(ROLE_SOCK_ICMP6);
	int			 hops = ND_HOPLIMIT;

	if (mh == -1)
		log_warnx("%s: no Mobility Header socket", __func__);
	else {
		if (mh_sock_setup(mh) == -1)
			log_warn("%s: Mobility Header socket options",
			    __func__);
		if ((ev_mh = event_new(role_base(), mh, EV_READ | EV_PERSIST,
		    mn_mh_read, NULL)) == NULL || event_add(ev_mh, NULL) == -1)
			fatalx("%s: cannot watch the MH socket", __func__);
	}
	if (ic == -1) {
		log_warnx("%s: no ICMPv6 socket: movement from kernel events "
		    "only", __func__);
		return;
	}
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &f);
	if (setsockopt(ic, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) == -1)
		log_warn("%s: ICMP6_FILTER", __func__);
	sockopt_on(ic, IPPROTO_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO");
	sockopt_on(ic, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, "IPV6_RECVHOPLIMIT");
	if (setsockopt(ic, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
	    sizeof(hops)) == -1)
		log_warn("%s: IPV6_MULTICAST_HOPS", __func__);
	if ((ev_icmp = event_new(role_base(), ic, EV_READ | EV_PERSIST,
	    mn_icmp_read, NULL)) == NULL || event_add(ev_icmp, NULL) == -1)
		fatalx("%s: cannot watch the ICMPv6 socket", __func__);
}

/* L: the home address has the interface identifier of a link-local one. */
static int
mn_lflag(void)
{
	size_t	 k;

	for (k = 0; k < mn.mv.naddrs; k++) {
		const struct in6_addr *a = &mn.mv.addrs[k].addr;

		if (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80 &&
		    memcmp(a->s6_addr + 8, mn.bul.hoa.s6_addr + 8, 8) == 0)
			return 1;
	}
	return 0;
}

int
mn_send_bu(void)
{
	struct bul		*b = &mn.bul;
	struct mh_msg		 m;
	struct mh_opt		 opt;
	uint8_t			 buf[128];
	size_t			 len, nopts = 0;
	enum mh_err		 e;
	char			 a[INET6_ADDRSTRLEN];
	int			 fd = role_socket(ROLE_SOCK_MH);

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.u.bu.seq = b->seq;
	m.u.bu.flags = b->flags | (mn_lflag() ? MH_BU_F_L : 0);
	m.u.bu.lifetime = b->lifetime_units;
	if (b->away) {
		/* The care-of address inside the ESP-protected part too. */
		memset(&opt, 0, sizeof(opt));
		opt.type = MH_OPT_ALTCOA;
		opt.u.altcoa = b->coa;
		nopts = 1;
	}
	if ((e = mh_build(&m, &opt, nopts, NULL, NULL, buf, sizeof(buf),
	    &len)) != MH_OK) {
		log_warnx("%s: %s", __func__, mh_err_str(e));
		return -1;
	}
	inet_ntop(AF_INET6, &b->coa, a, sizeof(a));
	if (fd == -1 || mh_sock_send(fd, buf, len, &b->hoa, &b->ha, NULL,
	    b->away ? 0 : mn.home_ifindex) == -1) {
		mn.ctr.tx_failed++;
		log_warn("BU seq %u to the home agent (care-of %s)", b->seq, a);
		return -1;
	}
	log_debug("BU seq %u lifetime %us %s care-of %s (try %u)", b->seq,
	    (unsigned int)b->lifetime_units * 4, b->away ? "away" : "home", a,
	    b->tries);
	return 0;
}

void
mn_net_learn_macs(void)
{
	struct ifaddrs		*ifa, *i;
	struct sockaddr_ll	*sll;

	if (getifaddrs(&ifa) == -1)
		return;
	for (i = ifa; i != NULL && mn_nmacs < MN_MAX_MACS; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_PACKET)
			continue;
		sll = (struct sockaddr_ll *)(void *)i->ifa_addr;
		if (sll->sll_halen != MN_MAC_LEN)
			continue;
		mn_macs[mn_nmacs].index = (unsigned int)sll->sll_ifindex;
		memcpy(mn_macs[mn_nmacs++].mac, sll->sll_addr, MN_MAC_LEN);
	}
	freeifaddrs(ifa);
}

/*
 * An ICMPv6 message to the link-scope multicast GROUP on IFINDEX, sent
 * from that interface (IPV6_PKTINFO; the socket sets hop limit 255 and
 * the checksum).  -1 with errno on a failure.
 */
static int
mn_icmp6_to_group(int fd, uint32_t ifindex, const char *group,
    const void *buf, size_t len)
{
	struct sockaddr_in6	 dst;
	struct in6_pktinfo	 pi;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	union {
		struct cmsghdr	 hdr;
		uint8_t		 buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	}			 cbuf;

	memset(&dst, 0, sizeof(dst));
	dst.sin6_family = AF_INET6;
	inet_pton(AF_INET6, group, &dst.sin6_addr);
	dst.sin6_scope_id = ifindex;
	memset(&pi, 0, sizeof(pi));
	pi.ipi6_ifindex = ifindex;
	memset(&cbuf, 0, sizeof(cbuf));
	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &dst;
	msg.msg_namelen = sizeof(dst);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	return sendmsg(fd, &msg, 0) == -1 ? -1 : 0;
}

/*
 * RFC 6275 11.5.4: back home, once the home agent accepted the
 * deregistration, a Neighbor Advertisement to all nodes on the home link
 * for the home address (S clear, O set, our link-layer address), so that
 * the neighbours forget the home agent's proxy entry.
 */
void
mn_send_home_na(uint32_t ifindex)
{
	struct {
		struct nd_neighbor_advert na;
		struct nd_opt_hdr	 opt;
		uint8_t			 lla[MN_MAC_LEN];
	} __attribute__((packed))	 p;
	size_t			 i, len = sizeof(p.na);
	int			 fd = role_socket(ROLE_SOCK_ICMP6);

	if (fd == -1 || ifindex == 0)
		return;
	memset(&p, 0, sizeof(p));
	p.na.nd_na_type = ND_NEIGHBOR_ADVERT;
	p.na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	p.na.nd_na_target = mn.bul.hoa;
	for (i = 0; i < mn_nmacs; i++)
		if (mn_macs[i].index == ifindex) {
			p.opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
			p.opt.nd_opt_len = 1;
			memcpy(p.lla, mn_macs[i].mac, MN_MAC_LEN);
			len = sizeof(p);
			break;
		}
	if (mn_icmp6_to_group(fd, ifindex, "ff02::1", &p, len) == -1) {
		mn.ctr.tx_failed++;
		log_warn("neighbor advertisement for the home address");
	} else {
		mn.ctr.tx_home_na++;
		log_info("home: neighbor advertisement for the home address "
		    "to all nodes%s", len == sizeof(p) ? "" :
		    " (no link-layer address known)");
	}
}

void
mn_send_rs(uint32_t ifindex)
{
	uint8_t			 rs[RS_LEN];
	int			 fd = role_socket(ROLE_SOCK_ICMP6);

	if (fd == -1)
		return;
	memset(rs, 0, sizeof(rs));
	rs[0] = ND_ROUTER_SOLICIT;
	/* Best effort: the kernel solicits too, and RAs come unasked. */
	if (mn_icmp6_to_group(fd, ifindex, "ff02::2", rs, sizeof(rs)) == -1)
		log_debug("router solicitation on %u: %s", ifindex,
		    strerror(errno));
	else
		mn.ctr.tx_rs++;
}

/* One log line a second at most for what arrives from outside. */
static int
mn_log_allow(void)
{
	uint64_t	 held;

	if (!ratelog_allow(&rl_mh, (int64_t)mn_now(), &held))
		return 0;
	if (held > 0)
		log_info("%llu more messages not logged in the last second",
		    (unsigned long long)held);
	return 1;
}

static void
mn_log_discard(const char *from, const char *why)
{
	if (mn_log_allow())
		log_warnx("MH from %s discarded: %s", from, why);
}

static void
mn_mh_read(evutil_socket_t fd, short ev, void *arg)
{
	uint8_t			 buf[MN_RXBUF];
	struct mh_rx		 rx;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < MN_RX_BURST; i++) {
		if ((n = mh_sock_recv(fd, buf, sizeof(buf), &rx)) == 0)
			return;
		if (n == -1) {
			if (errno == EMSGSIZE) {
				mn.ctr.rx_mh_bad++;
				continue;
			}
			log_warn("%s", __func__);
			return;
		}
		mn_mh_input(buf, (size_t)n, &rx);
	}
}

static void
mn_mh_input(const uint8_t *buf, size_t len, const struct mh_rx *rx)
{
	const struct in6_addr	*src = &rx->src;
	int			 rh2 = rx->has_rh2;
	struct mh_msg		 m;
	enum mh_err		 e;
	enum bul_ba_result	 r;
	char			 a[INET6_ADDRSTRLEN];
	uint16_t		 refresh;
	int			 act = 0;
	uint64_t		 now = mn_now();

	inet_ntop(AF_INET6, src, a, sizeof(a));
	/* The raw socket checked the checksum already. */
	if ((e = mh_parse(buf, len, NULL, NULL, &m)) != MH_OK) {
		mn.ctr.rx_mh_bad++;
		mn_log_discard(a, mh_err_str(e));
		return;
	}
	if (m.type < 8)
		mn.ctr.rx_mh[m.type]++;
	if (memcmp(src, &mn.bul.ha, sizeof(*src)) != 0) {
		/* A correspondent of route optimization (mnro.c)? */
		if (mn_ro_input(&m, buf, len, src, rh2))
			return;
		mn.ctr.rx_mh_foreign++;
		log_debug("%s from %s: not our home agent", mh_type_str(m.type)
		    ? mh_type_str(m.type) : "MH", a);
		return;
	}
	switch (m.type) {
	case MH_TYPE_BA:
		/*
		 * RFC 3776: the BA must come under ESP.  The kernel's policy
		 * covers a BA to the home address (through the type 2
		 * routing header when away); one to any other address of
		 * ours passed no policy at all.
		 */
		if (role_conf()->mn.ipsec == IPSEC_REQUIRED &&
		    (!rx->has_dst || !addr_equal(&rx->dst, &mn.bul.hoa))) {
			mn.ctr.rx_ba_unprotected++;
			mn_log_discard(a, "Binding Acknowledgement not to the "
			    "home address (not under ESP)");
			return;
		}
		mn.ctr.rx_ba_status[m.u.ba.status]++;
		if (rh2)
			mn.ctr.rx_ba_rh2++;
		refresh = MH_HAS_OPT(&m.opts, MH_OPT_BRA) ? m.opts.refresh : 0;
		act = bul_ba(&mn.bul, m.u.ba.status, m.u.ba.seq,
		    m.u.ba.lifetime, refresh, now, &r);
		mndhaad_ba(m.u.ba.status);
		switch (r) {
		case BUL_BA_ACCEPTED:
			mn.handover_ms = now - mn.moved_at;
			log_info("home agent %s accepted seq %u: %s, lifetime "
			    "%us (%llu ms after the link change)", a,
			    m.u.ba.seq, mn.bul.away ? "registered" : "?",
			    mn.bul.granted, (unsigned long long)mn.handover_ms);
			break;
		case BUL_BA_DEREGISTERED:
			log_info("home agent %s accepted the deregistration "
			    "(seq %u): at home", a, m.u.ba.seq);
			mn_send_home_na(mn.home_ifindex);
			break;
		case BUL_BA_RESYNC:
			log_warnx("home agent %s: sequence number out of window; "
			    "its last is %u, sending %u", a, m.u.ba.seq,
			    mn.bul.seq + (act ? 0 : 1));
			break;
		case BUL_BA_REJECTED:
			log_warnx("home agent %s refused seq %u: %u (%s); "
			    "retry in %u ms", a, m.u.ba.seq, m.u.ba.status,
			    bul_status_str(m.u.ba.status),
			    mn.bul.retry_pending ? mn.bul.backoff_ms : 0);
			break;
		default:
			log_debug("BA from %s seq %u status %u: %s", a,
			    m.u.ba.seq, m.u.ba.status, bul_ba_result_str(r));
			break;
		}
		break;
	case MH_TYPE_BRR:
		if (mn_log_allow())
			log_info("binding refresh request from %s", a);
		act = bul_brr(&mn.bul, now);
		break;
	case MH_TYPE_BE:
		if (mn_log_allow())
			log_warnx("binding error from %s: status %u", a,
			    m.u.be.status);
		/*
		 * RFC 6275 11.3.6: status 1 from the home agent about our
		 * home address: it has no binding for us (a restart, a
		 * deletion) while we think we are registered: register
		 * again now rather than at the refresh.
		 */
		if (m.u.be.status == 1 && mn.bul.away &&
		    mn.bul.state == BUL_REGISTERED &&
		    (addr_equal(&m.u.be.hoa, &mn.bul.hoa) ||
		    IN6_IS_ADDR_UNSPECIFIED(&m.u.be.hoa))) {
			mn.ctr.rx_be_rereg++;
			log_info("home agent %s knows no binding for the home "
			    "address: registering again", a);
			act = bul_brr(&mn.bul, now);
		}
		break;
	default:
		mn.ctr.rx_mh_ignored++;
		break;
	}
	mn_act(act);
}

static void
mn_icmp_read(evutil_socket_t fd, short ev, void *arg)
{
	uint8_t			 buf[MN_RXBUF];
	struct mh_rx		 rx;
	struct mv_ra		 ra;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < MN_RX_BURST; i++) {
		if ((n = mh_sock_recv(fd, buf, sizeof(buf), &rx)) == 0)
			return;
		if (n == -1 && errno != EMSGSIZE) {
			log_warn("%s", __func__);
			return;
		}
		/* RFC 4861 6.1.2: from a link-local source, hop limit 255. */
		if (n == -1 || rx.hoplimit != ND_HOPLIMIT || !rx.has_dst ||
		    !IN6_IS_ADDR_LINKLOCAL(&rx.src) ||
		    mv_ra_parse(buf, (size_t)n, &ra) == -1) {
			mn.ctr.rx_ra_bad++;
			continue;
		}
		ra.router = rx.src;
		if (mv_ra(&mn.mv, rx.ifindex, &ra, mn_now())) {
			mn.ctr.rx_ra++;
			mn_evaluate();
		}
	}
}
