/*
 * mip6-sig: the correspondent node (RFC 6275 sections 5.2, 9): return
 * routability (HoTI -> HoT, CoTI -> CoT), Binding Updates checked with the
 * Binding Authorization Data, the correspondent binding cache, the
 * route-optimization states through mip6-priv, Binding Errors.
 *
 * Started by mip6-priv with its socket on fd 3; role_main() receives the
 * configuration, sandboxes the process and serves the control socket.
 * Files: cnreg.c (decisions, pure), cncache.c (binding cache), cnctr.c
 * (counters), signet.c (raw MH socket), sigctl.c (mip6ctl), this one (the
 * engine: parent messages, timers, what to send when).
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <netinet/in.h>

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "addr.h"
#include "config.h"
#include "control.h"
#include "imsg.h"
#include "log.h"
#include "mh.h"
#include "proto.h"
#include "ratelog.h"
#include "role.h"
#include "sig.h"
#include "sigstate.h"

/* A route-optimization request waiting for the parent's answer. */
struct sig_pending {
	TAILQ_ENTRY(sig_pending) entry;
	uint32_t		 reqid;
	uint32_t		 type;		/* IMSG_KR_RO_ADD / _DEL */
	struct cnreg_result	 r;		/* the BA to send then */
};

static void	 sig_init(const struct mip6_conf *);
static void	 sig_reconf(const struct mip6_conf *);
static void	 sig_shutdown(void);
static int	 sig_dispatch_main(const struct imsg *);
static void	 sig_tick(evutil_socket_t, short, void *);
static void	 sig_apply_conf(const struct mip6_conf *);
static void	 sig_bu(const uint8_t *, size_t, const struct mh_msg *,
		    const struct sig_pkt *);
static void	 sig_send_ba(const struct cnreg_result *);
static void	 sig_send_be(const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t status,
		    const struct in6_addr *hoa);
static uint32_t	 sig_ro(uint32_t type, const struct in6_addr *hoa,
		    const struct in6_addr *coa, const struct in6_addr *cn);
static void	 sig_kr_reply(uint32_t reqid, const struct kr_reply *);
static void	 sig_xfrm_event(const struct kr_ev_xfrm *);
static void	 sig_unbind(struct cn_entry *, void *);
static void	 sig_log_discard(const struct in6_addr *, const char *);

/* Control requests (mip6ctl). */
static const struct control_handler sig_ctl[] = {
	{ IMSG_CTL_STATUS, role_ctl_status },
	{ IMSG_CTL_SHOW, sig_ctl_show },
	{ IMSG_CTL_DELETE_BINDING, sig_ctl_delete },
	{ 0, NULL }
};

static const struct role_ops sig_ops = {
	.role = ROLE_SIG,
	.ctl = sig_ctl,
	.init = sig_init,
	.reconf = sig_reconf,
	.dispatch_main = sig_dispatch_main,
	.shutdown = sig_shutdown,
};

struct sig_env		*sig_env;
static struct event	*ev_tick;
static int		 sig_mhfd = -1;	/* read once a restore is over */
static TAILQ_HEAD(, sig_pending) pending = TAILQ_HEAD_INITIALIZER(pending);

int64_t
sig_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t
sig_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* New nonce every regen s: a token handed out just before the next one
 * still lives MAX_TOKEN_LIFETIME, or a quarter of a shorter lifetime. */
static unsigned
sig_regen(uint32_t life)
{
	if (life > MAX_TOKEN_LIFETIME_S)
		return life - MAX_TOKEN_LIFETIME_S;
	return life >= 4 ? life / 4 : 1;
}

static void
sig_apply_conf(const struct mip6_conf *c)
{
	struct sig_env	*s = sig_env;

	s->ctx.conf = &c->sig;
	s->ctx.home_agent = conf_role_enabled(c, ROLE_HA);
	s->cc.max = c->sig.max_bindings;
	s->rr.life_s = c->sig.nonce_lifetime;
	s->rr.regen_s = sig_regen(c->sig.nonce_lifetime);
	/* RFC 6275 5.2.7: a new Kcn with every nonce; a nonce keeps the Kcn
	 * it was issued under, its index names both. */
	s->rr.kcn_regen_s = s->rr.regen_s;
	s->in_rate.per_s = c->sig.rate_limit;
	s->be_peer.per_s = c->sig.rate_limit;
	s->be_rate = c->sig.be_rate;
}

static void
sig_init(const struct mip6_conf *c)
{
	struct kr_subscribe	 sub;
	struct timeval		 tv = { 1, 0 };
	struct sig_env		*s;
	int			 fd;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	sig_env = s;
	if (rr_table_init(&s->rr, (time_t)sig_now(),
	    sig_regen(c->sig.nonce_lifetime),
	    sig_regen(c->sig.nonce_lifetime)) == -1)
		fatalx("return routability: no random numbers");
	cc_init(&s->cc, c->sig.max_bindings);
	cn_rate_init(&s->in_rate, c->sig.rate_limit);
	cn_rate_init(&s->be_peer, c->sig.rate_limit);
	s->ctx.rr = &s->rr;
	s->ctx.cc = &s->cc;
	sig_apply_conf(c);
	s->be_tokens = s->be_rate * 1000;
	s->be_last_ms = sig_now_ms();

	/* persist-bindings: BUs wait in the socket until the restore. */
	sigstate_init(c, &s->cc);
	if ((fd = role_socket(ROLE_SOCK_MH)) == -1)
		log_warnx("no Mobility Header socket from the parent: no "
		    "return routability, no bindings");
	else if (sigstate_restoring())
		sig_mhfd = fd;
	else
		signet_init(fd);
	/* Kernel reports: a Home Address option from an unbound address. */
	memset(&sub, 0, sizeof(sub));
	sub.mask = KR_SUB_XFRM;
	role_compose_main(IMSG_KR_SUBSCRIBE, role_reqid(), -1, &sub,
	    sizeof(sub));
	if ((ev_tick = event_new(role_base(), -1, EV_PERSIST, sig_tick,
	    NULL)) == NULL || event_add(ev_tick, &tv) == -1)
		fatalx("cannot start the timer");
	log_info("correspondent: max %u bindings, lifetime <= %us, nonces "
	    "live %us (new every %us)", c->sig.max_bindings,
	    c->sig.max_lifetime, c->sig.nonce_lifetime,
	    sig_regen(c->sig.nonce_lifetime));
}

static void
sig_reconf(const struct mip6_conf *c)
{
	if (sig_env != NULL)
		sig_apply_conf(c);
	sigstate_reconf(c);
}

static void
sig_shutdown(void)
{
	struct sig_pending	*p;

	if (sig_env == NULL)
		return;
	/* mip6-priv removes what it installed for us when we are gone;
	 * still ask, in case the parent outlives us.  With
	 * persist-bindings the file keeps the bindings and their states
	 * stay for the next start. */
	cc_clear(&sig_env->cc, sigstate_stop() ? NULL : sig_unbind, NULL);
	while ((p = TAILQ_FIRST(&pending)) != NULL) {
		TAILQ_REMOVE(&pending, p, entry);
		free(p);
	}
	signet_close();
	rr_table_wipe(&sig_env->rr);
}

static void
sig_unbind(struct cn_entry *e, void *arg)
{
	if (e->kstate != CN_K_NONE)
		(void)sig_ro(IMSG_KR_RO_DEL, &e->hoa, &e->kcoa, &e->cn);
	e->kstate = CN_K_NONE;
}

/* Once a second: a new nonce when due, bindings whose lifetime ran out. */
static void
sig_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct sig_env	*s = sig_env;
	struct cn_entry	*e, *next;
	int64_t		 now = sig_now();
	char		 a[ADDR_STRLEN];
	uint8_t		 kcn[MIP6_KCN_LEN];

	memcpy(kcn, s->rr.kcn, sizeof(kcn));
	if (rr_table_tick(&s->rr, (time_t)now) == -1)
		log_warnx("return routability: no random numbers for a nonce");
	else if (CRYPTO_memcmp(kcn, s->rr.kcn, sizeof(kcn)) != 0)
		s->kcn_renewals++;
	OPENSSL_cleanse(kcn, sizeof(kcn));
	for (e = cc_first(&s->cc); e != NULL; e = next) {
		next = cc_next(&s->cc, e);
		if (e->expires > now)
			continue;
		log_info("%s: binding expired", addr_ntop(&e->hoa, a,
		    sizeof(a)));
		sig_unbind(e, NULL);
		cc_remove(&s->cc, e);
		cn_ctr_misc(&s->ctr, CN_CTR_EXPIRED);
	}
	sigstate_changed();
}

int
sig_binding_delete(const struct in6_addr *hoa)
{
	struct cn_entry	*e;
	int		 n = 0;

	while ((e = cc_find_hoa(&sig_env->cc, hoa)) != NULL) {
		sig_unbind(e, NULL);
		cc_remove(&sig_env->cc, e);
		n++;
	}
	sigstate_changed();
	return n ? 0 : -1;
}

static uint32_t
sig_ro(uint32_t type, const struct in6_addr *hoa, const struct in6_addr *coa,
    const struct in6_addr *cn)
{
	struct kr_ro	 ro;
	uint32_t	 id = role_reqid();

	memset(&ro, 0, sizeof(ro));
	ro.hoa = *hoa;
	ro.coa = *coa;
	ro.peer = *cn;
	ro.flags = KR_RO_CN;
	role_compose_main(type, id, -1, &ro, sizeof(ro));
	return id;
}

static void
sig_pend(uint32_t reqid, uint32_t type, const struct cnreg_result *r)
{
	struct sig_pending	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		/* No memory to wait: answer now. */
		if (r->send_ba)
			sig_send_ba(r);
		return;
	}
	p->reqid = reqid;
	p->type = type;
	p->r = *r;
	TAILQ_INSERT_TAIL(&pending, p, entry);
}

/* Messages from the parent beyond start-up and configuration. */
static int
sig_dispatch_main(const struct imsg *imsg)
{
	size_t	 len = imsg->hdr.len - IMSG_HEADER_SIZE;

	if (sigstate_dispatch(imsg))
		return 1;
	switch (imsg->hdr.type) {
	case IMSG_KR_REPLY:
		if (len != sizeof(struct kr_reply))
			fatalx("parent: kernel reply of %zu octets", len);
		sig_kr_reply(imsg->hdr.peerid, imsg->data);
		return 1;
	case IMSG_KR_EV_XFRM:
		if (len != sizeof(struct kr_ev_xfrm))
			fatalx("parent: xfrm event of %zu octets", len);
		sig_xfrm_event(imsg->data);
		return 1;
	case IMSG_KR_EV_LINK:
	case IMSG_KR_EV_ADDR:
	case IMSG_KR_EV_ROUTE:
	case IMSG_KR_EV_NEIGH:
		return 1;
	default:
		return 0;
	}
}

static void
sig_kr_reply(uint32_t reqid, const struct kr_reply *rep)
{
	struct sig_pending	*p;
	struct cn_entry		*e;
	char			 a[ADDR_STRLEN];

	TAILQ_FOREACH(p, &pending, entry)
		if (p->reqid == reqid)
			break;
	if (p == NULL) {
		/* subscriptions, deletions nobody waits for */
		if (rep->error != 0)
			log_warnx("parent: request %u (type %u): %s", reqid,
			    rep->type, strerror(rep->error));
		return;
	}
	TAILQ_REMOVE(&pending, p, entry);
	addr_ntop(&p->r.hoa, a, sizeof(a));
	e = cc_find(&sig_env->cc, &p->r.hoa, &p->r.cn);
	if (p->type == IMSG_KR_RO_ADD) {
		if (rep->error != 0) {
			log_warnx("%s: route optimization refused: %s", a,
			    strerror(rep->error));
			cn_ctr_misc(&sig_env->ctr, CN_CTR_KERNEL_FAILED);
			if (e != NULL) {
				sig_unbind(e, NULL);
				cc_remove(&sig_env->cc, e);
				sigstate_changed();
			}
			cnreg_refuse(&p->r);
			cn_ctr_bu(&sig_env->ctr, CNREG_R_NO_RESOURCES);
		} else if (e != NULL && addr_equal(&e->kcoa, &p->r.coa))
			e->kstate = CN_K_INSTALLED;
	} else if (rep->error != 0)
		log_warnx("%s: removing route optimization: %s", a,
		    strerror(rep->error));
	if (p->r.send_ba)
		sig_send_ba(&p->r);
	free(p);
}

/* A malformed message: counted always, logged a line a second at most. */
static void
sig_log_discard(const struct in6_addr *from, const char *why)
{
	static struct ratelog	 rl;
	uint64_t		 held;
	char			 a[ADDR_STRLEN];

	if (!ratelog_allow(&rl, sig_now_ms(), &held))
		return;
	log_warnx("MH from %s discarded: %s (%llu more discarded messages "
	    "not logged)", addr_ntop(from, a, sizeof(a)), why,
	    (unsigned long long)held);
}

void
sig_input(const uint8_t *buf, size_t len, const struct sig_pkt *pkt)
{
	struct sig_env		*s = sig_env;
	struct mh_msg		 m;
	enum mh_err		 err;
	uint8_t			 out[MH_MAX_LEN];
	size_t			 olen;
	const struct in6_addr	*from = pkt->has_hao ? &pkt->hao : &pkt->src;

	if (!cn_rate_allow(&s->in_rate, from, sig_now_ms())) {
		cn_ctr_misc(&s->ctr, CN_CTR_RATE_LIMITED);
		return;
	}
	/* The raw socket verified the checksum (IPV6_CHECKSUM). */
	if ((err = mh_parse(buf, len, NULL, NULL, &m)) != MH_OK) {
		cn_ctr_rx_err(&s->ctr, err);
		sig_log_discard(from, mh_err_str(err));
		if (err == MH_ERR_TYPE) {
			cn_ctr_misc(&s->ctr, CN_CTR_RX_UNKNOWN_TYPE);
			/* RFC 6275 9.2: BE 2 to the source; a home agent on
			 * this host answers it itself. */
			if (!s->ctx.home_agent)
				sig_send_be(&pkt->dst, from,
				    BE_STATUS_UNKNOWN_MH_TYPE,
				    pkt->has_hao ? &pkt->src : NULL);
		}
		return;
	}
	cn_ctr_rx(&s->ctr, m.type);
	switch (m.type) {
	case MH_TYPE_HOTI:
	case MH_TYPE_COTI:
		/* RFC 6275 9.4.1/9.4.2: never with a Home Address option. */
		if (pkt->has_hao) {
			cn_ctr_misc(&s->ctr, CN_CTR_RX_INIT_WITH_HAO);
			return;
		}
		if (!addr_is_global_unicast(&pkt->src))
			return;
		if (cnreg_test_reply(&s->ctx, &m, &pkt->src, &pkt->dst,
		    sig_now(), 0, out, sizeof(out), &olen) != MH_OK) {
			log_warnx("%s: cannot answer", __func__);
			return;
		}
		if (signet_send(&pkt->dst, &pkt->src, NULL, out, olen) == 0)
			cn_ctr_tx(&s->ctr, m.type == MH_TYPE_HOTI ?
			    MH_TYPE_HOT : MH_TYPE_COT, 0);
		break;
	case MH_TYPE_BU:
		sig_bu(buf, len, &m, pkt);
		break;
	default:
		cn_ctr_misc(&s->ctr, CN_CTR_RX_IGNORED);
		break;
	}
}

static void
sig_bu(const uint8_t *buf, size_t len, const struct mh_msg *m,
    const struct sig_pkt *pkt)
{
	struct sig_env		*s = sig_env;
	struct cnreg_in		 in;
	struct cnreg_result	 r;
	struct cn_entry		*e;
	struct in6_addr		 oldcoa;
	enum cn_kstate		 oldk = CN_K_NONE;
	char			 a[ADDR_STRLEN], c[ADDR_STRLEN];
	uint32_t		 id;

	memset(&in, 0, sizeof(in));
	in.bu = m;
	in.mh = buf;
	in.len = len;
	in.src = pkt->src;
	in.dst = pkt->dst;
	in.hao = pkt->has_hao ? &pkt->hao : NULL;
	in.now = sig_now();
	cnreg_decide(&s->ctx, &in, &r);
	if (r.op == CNREG_OP_REMOVE &&
	    (e = cc_find(&s->cc, &r.hoa, &r.cn)) != NULL) {
		oldk = e->kstate;
		oldcoa = e->kcoa;
	}
	e = cnreg_commit(&s->ctx, &in, &r);
	if (r.op != CNREG_OP_NONE) {
		s->cc.gen++;		/* an update changes the entry */
		sigstate_changed();
	}
	cn_ctr_bu(&s->ctr, r.reason);
	addr_ntop(&r.hoa, a, sizeof(a));
	addr_ntop(&r.coa, c, sizeof(c));
	if (r.op == CNREG_OP_NONE)
		log_debug("%s: BU seq %u from %s: %s", a, m->u.bu.seq, c,
		    cnreg_reason_str(r.reason));
	else
		log_info("%s: BU seq %u care-of %s: %s, lifetime %us", a,
		    m->u.bu.seq, c, cnreg_reason_str(r.reason),
		    mip6_lifetime_to_sec(r.lifetime));

	switch (r.op) {
	case CNREG_OP_ADD:
	case CNREG_OP_UPDATE:
		if (e == NULL)
			break;
		if (r.op == CNREG_OP_ADD || r.coa_changed ||
		    e->kstate == CN_K_NONE) {
			e->kstate = CN_K_PENDING;
			e->kcoa = r.coa;
			id = sig_ro(IMSG_KR_RO_ADD, &r.hoa, &r.coa, &r.cn);
			/* The BA follows the states: then it and the
			 * first packets take the direct path. */
			sig_pend(id, IMSG_KR_RO_ADD, &r);
			return;
		}
		break;
	case CNREG_OP_REMOVE:
		if (oldk != CN_K_NONE) {
			id = sig_ro(IMSG_KR_RO_DEL, &r.hoa, &oldcoa, &r.cn);
			sig_pend(id, IMSG_KR_RO_DEL, &r);
			return;
		}
		break;
	default:
		break;
	}
	if (r.send_ba)
		sig_send_ba(&r);
}

/*
 * The BA goes to the BU's source, through a type 2 routing header when
 * that is not the home address (RFC 6275 9.5.4).  Our Mobility Header
 * messages bypass the binding's route2 state (mip6-priv's policy), so the
 * header is always ours, also while a binding points elsewhere.
 */
static void
sig_send_ba(const struct cnreg_result *r)
{
	/* state-sync-delay 0: once the file holds the binding. */
	if (!sigstate_hold_ba(r))
		sig_send_ba_now(r);
}

void
sig_send_ba_now(const struct cnreg_result *r)
{
	const struct in6_addr	*via = r->ba_rh2 ? &r->ba_dst : NULL;
	uint8_t			 out[MH_MAX_LEN];
	size_t			 olen;

	if (cnreg_build_ba(r, 0, out, sizeof(out), &olen) != MH_OK) {
		log_warnx("%s: cannot build the BA", __func__);
		return;
	}
	if (signet_send(&r->cn, &r->hoa, via, out, olen) == 0)
		cn_ctr_tx(&sig_env->ctr, MH_TYPE_BA, r->status);
}

static int
sig_be_allow(const struct in6_addr *dst)
{
	struct sig_env	*s = sig_env;
	int64_t		 now = sig_now_ms(), add;
	int64_t		 cap = (int64_t)s->be_rate * 1000;

	if (now > s->be_last_ms) {
		add = (now - s->be_last_ms) * (int64_t)s->be_rate +
		    s->be_tokens;
		s->be_tokens = (uint32_t)(add > cap ? cap : add);
		s->be_last_ms = now;
	}
	if (s->be_tokens < 1000 || !cn_rate_allow(&s->be_peer, dst, now)) {
		cn_ctr_misc(&s->ctr, CN_CTR_BE_RATE_LIMITED);
		return 0;
	}
	s->be_tokens -= 1000;
	return 1;
}

static void
sig_send_be(const struct in6_addr *src, const struct in6_addr *dst,
    uint8_t status, const struct in6_addr *hoa)
{
	uint8_t	 out[MH_MAX_LEN];
	size_t	 olen;

	/* RFC 6275 9.3.3: never to a source that is not unicast. */
	if (!addr_is_global_unicast(dst) || !sig_be_allow(dst))
		return;
	if (cnreg_build_be(status, hoa, out, sizeof(out), &olen) != MH_OK)
		return;
	if (signet_send(src, dst, NULL, out, olen) == 0)
		cn_ctr_tx(&sig_env->ctr, MH_TYPE_BE, status);
}

/*
 * The kernel saw a Home Address option it has no binding for (the
 * wildcard state accepted the option, no policy of a binding matched),
 * or one from another care-of address than the binding's (the binding's
 * policy wants its own state): Binding Error 1 to the care-of address,
 * the home address inside.
 */
static void
sig_xfrm_event(const struct kr_ev_xfrm *ev)
{
	struct sig_env	*s = sig_env;
	struct cn_entry	*e;
	char		 a[ADDR_STRLEN], c[ADDR_STRLEN];

	if (ev->kind != KR_XFRM_REPORT || ev->proto != IPPROTO_DSTOPTS)
		return;
	/* Restoring: the binding may be about to come back. */
	if (sigstate_restoring())
		return;
	addr_ntop(&ev->src, a, sizeof(a));
	addr_ntop(&ev->coa, c, sizeof(c));
	/* RFC 6275 9.3.1: the option is good only from the registered
	 * care-of address (the kernel reports one from another). */
	if ((e = cc_find(&s->cc, &ev->src, &ev->dst)) != NULL &&
	    (IN6_IS_ADDR_UNSPECIFIED(&ev->coa) ||
	    addr_equal(&e->coa, &ev->coa))) {
		cn_ctr_misc(&s->ctr, CN_CTR_BE_BINDING_EXISTS);
		return;
	}
	if (s->ctx.home_agent)
		return;
	log_debug("%s: Home Address option from %s without a binding", a, c);
	sig_send_be(&ev->dst, &ev->coa, BE_STATUS_UNKNOWN_HAO, &ev->src);
}

/* persist-bindings: a restored binding claims its states. */
void
sig_restore_kernel(struct cn_entry *e)
{
	struct cnreg_result	 r;
	uint32_t		 id;

	memset(&r, 0, sizeof(r));
	r.op = CNREG_OP_ADD;
	r.hoa = e->hoa;
	r.coa = e->coa;
	r.cn = e->cn;
	e->kstate = CN_K_PENDING;
	e->kcoa = e->coa;
	id = sig_ro(IMSG_KR_RO_ADD, &e->hoa, &e->coa, &e->cn);
	sig_pend(id, IMSG_KR_RO_ADD, &r);	/* no BA to send */
}

void
sig_restored(void)
{
	if (sig_mhfd != -1) {
		signet_init(sig_mhfd);
		sig_mhfd = -1;
	}
}

int
main(int argc, char *argv[])
{
	role_main(argc, argv, &sig_ops);
}
