/*
 * Route optimization on the mobile node: see mnro.h.
 *
 * Messages: HoTI from the home address (away, the source rule sends it
 * through the tunnel to the home agent; mip6-priv's RO states let a HoTI
 * pass without the Home Address option), CoTI from the care-of address,
 * BU from the home address (the hao state of IMSG_KR_RO_ADD puts the
 * care-of address in the source and the option in).  The BU asks for an
 * acknowledgement; its Binding Authorization Data is signed with
 * Kbm = SHA1(home keygen token | care-of keygen token), or SHA1(home
 * keygen token) for a deregistration (RFC 6275 5.2.5).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#include <event2/event.h>
#include <openssl/crypto.h>

#include "addr.h"
#include "config.h"
#include "log.h"
#include "mh.h"
#include "mhsock.h"
#include "proto.h"
#include "role.h"
#include "rr.h"
#include "mn.h"
#include "mnro.h"

#define MNRO_MS			1000ull
#define MNRO_LT_UNIT		4u		/* s in a lifetime unit */
/* A keygen token is used no later than this after it came. */
#define MNRO_TOKEN_MS		(MAX_TOKEN_LIFETIME_S * MNRO_MS)
/* At home, deregistration attempts before the entry is forgotten. */
#define MNRO_DEREG_TRIES	4

struct mnro		 mnro;

static struct event	*ev_ro;
static int		 mnro_reg;		/* home BA for mnro.coa */
static struct mnro_io	 mnro_io;
static int		 mnro_io_set;

static void	 mnro_timer(evutil_socket_t, short, void *);
static void	 mnro_schedule(void);
static void	 mnro_start_rr(struct mnro_cn *, uint64_t, int refresh);
static void	 mnro_progress(struct mnro_cn *, uint64_t);
static void	 mnro_send_bu(struct mnro_cn *, uint64_t, int first);
enum mnro_fb {
	MNRO_FB_BACKOFF,	/* again after the back-off */
	MNRO_FB_REFUSED,	/* again after MNRO_GIVEUP_MS */
	MNRO_FB_SILENT		/* a round without answer: back-off, or
				   MNRO_GAVEUP after MNRO_MAX_ROUNDS */
};
static void	 mnro_fallback(struct mnro_cn *, uint64_t, enum mnro_fb,
		    const char *);
static void	 mnro_kernel(struct mnro_cn *, int add);
static void	 mnro_cn_init(struct mnro_cn *, const struct in6_addr *);

static int
addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static const char *
ntop(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

const char *
mnro_state_str(enum mnro_state s)
{
	switch (s) {
	case MNRO_IDLE:		return "idle";
	case MNRO_RR:		return "return-routability";
	case MNRO_KERNEL:	return "kernel";
	case MNRO_BU:		return "binding";
	case MNRO_BOUND:	return "bound";
	case MNRO_WAIT:		return "tunnel";
	case MNRO_DEREG:	return "deregistering";
	case MNRO_GAVEUP:	return "gave-up";
	}
	return "?";
}

/* The daemon's I/O: the role's Mobility Header socket, mip6-priv. */
static int
mnro_io_send(const uint8_t *buf, size_t len, const struct in6_addr *src,
    const struct in6_addr *dst, uint32_t ifindex)
{
	int	 fd = role_socket(ROLE_SOCK_MH);

	if (fd == -1)
		return -1;
	return mh_sock_send(fd, buf, len, src, dst, NULL, ifindex) == -1 ?
	    -1 : 0;
}

static void
mnro_io_kernel(uint32_t type, uint32_t id, const struct kr_ro *ro)
{
	role_compose_main(type, id, -1, ro, sizeof(*ro));
}

void
mn_ro_set_io(const struct mnro_io *io)
{
	if (io == NULL) {
		mnro_io.send = mnro_io_send;
		mnro_io.kernel = mnro_io_kernel;
		mnro_io.reqid = role_reqid;
		mnro_io_set = 0;
		return;
	}
	mnro_io = *io;
	mnro_io_set = 1;
}

void
mn_ro_init(const struct mip6_conf *c)
{
	size_t	 i;

	memset(&mnro, 0, sizeof(mnro));
	mnro_reg = 0;
	if (!mnro_io_set)
		mn_ro_set_io(NULL);
	/* A unit test has no event base: it calls mn_ro_tick itself. */
	ev_ro = NULL;
	if (role_base() != NULL &&
	    (ev_ro = evtimer_new(role_base(), mnro_timer, NULL)) == NULL)
		fatalx("%s: timer", __func__);
	mnro.initial_backoff_ms = c->mn.initial_bindack_timeout_ms;
	if (!c->mn.enabled || c->mn.ro == RO_NONE)
		return;
	mnro.enabled = 1;
	mnro.lifetime = c->mn.cn_lifetime ? c->mn.cn_lifetime :
	    MAX_RR_BINDING_LIFETIME_S;
	if (mnro.lifetime > MAX_RR_BINDING_LIFETIME_S)
		mnro.lifetime = MAX_RR_BINDING_LIFETIME_S;
	if (c->mn.ro == RO_ALL) {
		mnro.all = 1;
		log_info("route-optimization: all correspondents (found by "
		    "traffic from the home address)");
		return;
	}
	for (i = 0; i < c->mn.nro_cns && mnro.ncns < MNRO_MAX_CNS; i++)
		mnro_cn_init(&mnro.cns[mnro.ncns++], &c->mn.ro_cns[i]);
	if (c->mn.nro_cns > MNRO_MAX_CNS)
		log_warnx("route-optimization: only the first %d "
		    "correspondents are used", MNRO_MAX_CNS);
}

static void
mnro_cn_init(struct mnro_cn *e, const struct in6_addr *cn)
{
	memset(e, 0, sizeof(*e));
	e->cn = *cn;
	e->last_status = -1;
	e->seq = (uint16_t)arc4random_uniform(0x8000);
	e->backoff_ms = mnro.initial_backoff_ms ? mnro.initial_backoff_ms :
	    1000;
}

static struct mnro_cn *
mnro_find(const struct in6_addr *cn)
{
	size_t	 i;

	for (i = 0; i < mnro.ncns; i++)
		if (addr_eq(&mnro.cns[i].cn, cn))
			return &mnro.cns[i];
	return NULL;
}

static uint32_t
mnro_initial_ms(void)
{
	uint32_t	 ms = mn.bul.c.initial_ms;

	return ms ? ms : 1000;
}

static uint32_t
mnro_max_ms(void)
{
	uint32_t	 ms = mn.bul.c.max_ms;

	return ms ? ms : 32000;
}

static int
mnro_token_fresh(uint64_t at, uint64_t now)
{
	return at != 0 && now - at < MNRO_TOKEN_MS;
}

/* Send one Mobility Header message from src to dst. */
static int
mnro_sendmsg(const uint8_t *buf, size_t len, const struct in6_addr *src,
    const struct in6_addr *dst, uint32_t ifindex)
{
	if (mnro_io.send(buf, len, src, dst, ifindex) == -1) {
		mn.ctr.tx_failed++;
		return -1;
	}
	return 0;
}

/* HoTI (home 1) or CoTI (home 0) with the entry's cookie. */
static void
mnro_send_init(struct mnro_cn *e, int home)
{
	struct mh_msg	 m;
	uint8_t		 buf[64];
	size_t		 len;
	char		 a[INET6_ADDRSTRLEN];

	memset(&m, 0, sizeof(m));
	m.type = home ? MH_TYPE_HOTI : MH_TYPE_COTI;
	memcpy(m.u.init.cookie, home ? e->hcookie : e->ccookie,
	    MIP6_COOKIE_LEN);
	if (mh_build(&m, NULL, 0, NULL, NULL, buf, sizeof(buf), &len) !=
	    MH_OK)
		return;
	if (mnro_sendmsg(buf, len, home ? &mn.bul.hoa : &mn.bul.coa, &e->cn,
	    home && !mn.bul.away ? mn.home_ifindex : 0) == -1) {
		log_warn("ro %s: %s", ntop(&e->cn, a), home ? "HoTI" : "CoTI");
		return;
	}
	if (home)
		e->ctr.hoti_sent++;
	else
		e->ctr.coti_sent++;
	log_debug("ro %s: %s sent (try %u)", ntop(&e->cn, a),
	    home ? "HoTI" : "CoTI", e->tries);
}

static void
mnro_set_timeout(struct mnro_cn *e, uint64_t now, int first)
{
	if (first) {
		e->timeout_ms = mnro_initial_ms();
		e->tries = 1;
	} else {
		e->timeout_ms *= 2;
		e->tries++;
	}
	e->t_retx = now + e->timeout_ms;
}

/*
 * The return routability test.  refresh: both tokens anew; otherwise a
 * home keygen token still fresh is used again after a move (RFC 6275
 * 5.2.7), and at home only the home keygen token is needed.
 */
static void
mnro_start_rr(struct mnro_cn *e, uint64_t now, int refresh)
{
	int	 dereg = e->state == MNRO_DEREG;

	if (refresh || !mnro_token_fresh(e->htoken_at, now))
		e->htoken_at = 0;
	if (refresh || !mnro_token_fresh(e->ctoken_at, now) ||
	    !addr_eq(&e->ctoken_coa, &mn.bul.coa))
		e->ctoken_at = 0;
	if (!dereg)
		e->state = MNRO_RR;
	e->rr_start = now;
	e->dereg_sent = 0;
	e->ctr.rr_runs++;
	e->hoti_out = e->htoken_at == 0;
	e->coti_out = !dereg && e->ctoken_at == 0;
	mnro_set_timeout(e, now, 1);
	if (e->hoti_out) {
		arc4random_buf(e->hcookie, sizeof(e->hcookie));
		mnro_send_init(e, 1);
	}
	if (e->coti_out) {
		arc4random_buf(e->ccookie, sizeof(e->ccookie));
		e->ctoken_coa = mn.bul.coa;
		mnro_send_init(e, 0);
	}
	mnro_progress(e, now);
}

/* Both tokens in hand (or the home one for a deregistration): go on. */
static void
mnro_progress(struct mnro_cn *e, uint64_t now)
{
	char	 a[INET6_ADDRSTRLEN];

	if (e->hoti_out || e->coti_out)
		return;
	if (e->state == MNRO_DEREG) {
		if (e->kinstalled || e->kreq != 0 || e->knext != 0)
			return;		/* the states go first */
		if (e->dereg_sent)
			return;		/* out already: the timer resends */
		mnro_send_bu(e, now, 1);
		return;
	}
	if (e->state != MNRO_RR)
		return;
	e->rr_ms = (uint32_t)(now - e->rr_start);
	e->t_retx = 0;
	log_info("ro %s: return routability done in %u ms", ntop(&e->cn, a),
	    e->rr_ms);
	if (e->kinstalled && addr_eq(&e->kcoa, &mn.bul.coa) && e->kreq == 0 &&
	    e->knext == 0)
		mnro_send_bu(e, now, 1);
	else
		mnro_kernel(e, 1);
}

/* The states the requests out leave behind: 1 present, 0 none. */
static int
mnro_kwant(const struct mnro_cn *e)
{
	if (e->knext != 0)
		return e->knext == 1;
	if (e->kreq != 0)
		return e->kreq_add;
	return e->kinstalled;
}

static void
mnro_kernel_send(struct mnro_cn *e, int add)
{
	struct kr_ro	 ro;
	char		 a[INET6_ADDRSTRLEN];

	memset(&ro, 0, sizeof(ro));
	ro.hoa = mn.bul.hoa;
	ro.coa = e->kcoa;
	ro.peer = e->cn;
	ro.flags = KR_RO_MN;
	e->kreq = mnro_io.reqid();
	e->kreq_add = add;
	mn.ctr.kernel_requests++;
	log_debug("ro %s: kernel %s", ntop(&e->cn, a), add ?
	    "route optimization states" : "states removed");
	mnro_io.kernel(add ? IMSG_KR_RO_ADD : IMSG_KR_RO_DEL, e->kreq, &ro);
}

/*
 * Ask mip6-priv to add (for the current care-of address) or remove the
 * states.  One request at a time per correspondent, in order: a request
 * made while one is out waits for its answer (only the last wish counts).
 */
static void
mnro_kernel(struct mnro_cn *e, int add)
{
	if (add) {
		e->kcoa = mn.bul.coa;
		e->state = MNRO_KERNEL;
	} else {
		e->kinstalled = 0;
		if (e->tunnel_since == 0)
			e->tunnel_since = mn_now();
	}
	if (e->kreq != 0) {
		e->knext = add ? 1 : 2;
		return;
	}
	e->knext = 0;
	mnro_kernel_send(e, add);
}

int
mn_ro_kernel_reply(uint32_t id, int error)
{
	struct mnro_cn	*e = NULL;
	size_t		 i;
	char		 a[INET6_ADDRSTRLEN];
	uint64_t	 now = mn_now();

	for (i = 0; i < mnro.ncns; i++)
		if (mnro.cns[i].kreq == id && id != 0)
			e = &mnro.cns[i];
	if (e == NULL)
		return 0;
	e->kreq = 0;
	if (e->knext != 0) {
		/* Superseded: the request that waited goes now. */
		if (error != 0)
			log_debug("ro %s: kernel request superseded: %s",
			    ntop(&e->cn, a), strerror(error));
		if (!e->kreq_add || error != 0)
			e->kinstalled = 0;
		mnro_kernel_send(e, e->knext == 1);
		e->knext = 0;
		return 1;
	}
	if (!e->kreq_add) {
		if (error != 0)
			log_warnx("ro %s: removing the states: %s",
			    ntop(&e->cn, a), strerror(error));
		mnro_progress(e, now);
		mn_ro_sync();
		return 1;
	}
	if (error != 0) {
		char	 why[64];

		e->kinstalled = 0;
		e->ctr.kernel_refused++;
		snprintf(why, sizeof(why), "kernel: %s", strerror(error));
		/* Not the correspondent's fault: the back-off, not the
		 * 10 minutes of a refusal. */
		if (e->state == MNRO_KERNEL)
			mnro_fallback(e, now, MNRO_FB_BACKOFF, why);
		mn_ro_sync();
		return 1;
	}
	e->kinstalled = 1;
	if (e->state == MNRO_KERNEL && addr_eq(&e->kcoa, &mn.bul.coa))
		mnro_send_bu(e, now, 1);
	mn_ro_sync();
	return 1;
}

/* The BU the entry describes, a new sequence number for every copy. */
static void
mnro_send_bu(struct mnro_cn *e, uint64_t now, int first)
{
	struct mh_msg	 m;
	struct mh_opt	 o[2];
	uint8_t		 buf[128], kbm[MIP6_KBM_LEN];
	size_t		 len;
	uint32_t	 lt;
	int		 dereg = e->state == MNRO_DEREG;
	char		 a[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];

	if (first) {
		lt = mnro.lifetime;
		if (mn.bul.lifetime_cap != 0 && mn.bul.lifetime_cap < lt)
			lt = mn.bul.lifetime_cap;
		e->lifetime_units = dereg ? 0 :
		    (uint16_t)(lt / MNRO_LT_UNIT ? lt / MNRO_LT_UNIT : 1);
		e->bu_coa = mn.bul.away ? mn.bul.coa : mn.bul.hoa;
		if (!dereg)
			e->state = MNRO_BU;
		e->dereg_sent = dereg;
		mnro_set_timeout(e, now, 1);
	}
	e->seq++;
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.u.bu.seq = e->seq;
	m.u.bu.flags = MH_BU_F_A;
	m.u.bu.lifetime = e->lifetime_units;
	memset(o, 0, sizeof(o));
	o[0].type = MH_OPT_NONCE;
	o[0].u.nonce.home = e->hidx;
	o[0].u.nonce.coa = dereg ? 0 : e->cidx;
	o[1].type = MH_OPT_AUTH;
	if (mh_build(&m, o, 2, NULL, NULL, buf, sizeof(buf), &len) != MH_OK ||
	    rr_kbm(e->htoken, dereg || e->lifetime_units == 0 ? NULL :
	    e->ctoken, kbm) == -1 ||
	    rr_mh_sign(kbm, &e->bu_coa, &e->cn, buf, len, NULL, NULL) == -1) {
		OPENSSL_cleanse(kbm, sizeof(kbm));
		log_warnx("ro %s: cannot build the BU", ntop(&e->cn, a));
		return;
	}
	OPENSSL_cleanse(kbm, sizeof(kbm));
	e->ctr.bu_sent++;
	if (mnro_sendmsg(buf, len, &mn.bul.hoa, &e->cn, mn.bul.away ? 0 :
	    mn.home_ifindex) == -1)
		log_warn("ro %s: BU seq %u", ntop(&e->cn, a), e->seq);
	else
		log_debug("ro %s: BU seq %u lifetime %us care-of %s (try %u)",
		    ntop(&e->cn, a), e->seq, e->lifetime_units * MNRO_LT_UNIT,
		    ntop(&e->bu_coa, c), e->tries);
}

static void
mnro_fallback(struct mnro_cn *e, uint64_t now, enum mnro_fb how,
    const char *why)
{
	char	 a[INET6_ADDRSTRLEN];
	uint32_t wait = how == MNRO_FB_REFUSED ? MNRO_GIVEUP_MS : e->backoff_ms;

	e->ctr.fallbacks++;
	strlcpy(e->why, why, sizeof(e->why));
	if (mnro_kwant(e))
		mnro_kernel(e, 0);
	e->hoti_out = e->coti_out = 0;
	e->t_retx = 0;
	e->refresh_at = 0;
	if (how == MNRO_FB_SILENT && ++e->rounds >= MNRO_MAX_ROUNDS) {
		/* RFC 6275 11.8 lets the node go on at MAX_BINDACK_TIMEOUT
		 * for ever; the tunnel works without it. */
		e->state = MNRO_GAVEUP;
		e->retry_at = 0;
		e->gaveup_coa = mn.bul.coa;
		e->ctr.gave_up++;
		log_warnx("ro %s: back to the tunnel through the home agent: "
		    "%s; gave up after %u rounds without an answer (again "
		    "after a move, a Binding Refresh Request%s)",
		    ntop(&e->cn, a), why, e->rounds, mnro.all ?
		    " or new traffic" : "");
		return;
	}
	log_warnx("ro %s: back to the tunnel through the home agent: %s; "
	    "retry in %u ms", ntop(&e->cn, a), why, wait);
	e->state = MNRO_WAIT;
	e->retry_at = now + wait;
	if (how != MNRO_FB_REFUSED) {
		e->backoff_ms *= 2;
		if (e->backoff_ms > mnro_max_ms())
			e->backoff_ms = mnro_max_ms();
	}
}

/* The correspondent answered: its silence no longer counts. */
static void
mnro_heard(struct mnro_cn *e)
{
	e->rounds = 0;
}

/* A binding the correspondent no longer has (error, expiry). */
static void
mnro_forget_binding(struct mnro_cn *e)
{
	e->at_cn = 0;
	e->expires = 0;
	e->refresh_at = 0;
	e->granted = 0;
}

static void
mnro_start_dereg(struct mnro_cn *e, uint64_t now)
{
	char	 a[INET6_ADDRSTRLEN];

	log_info("ro %s: at home: deregistering", ntop(&e->cn, a));
	e->state = MNRO_DEREG;
	e->t_retx = 0;
	e->coti_out = 0;
	mnro_start_rr(e, now, 0);
}

/*
 * Bring every entry in line with the home registration: optimize once
 * the home agent accepted the care-of address, drop the states of a
 * care-of address left behind, deregister at home.
 */
void
mn_ro_sync(void)
{
	const struct bul	*b = &mn.bul;
	uint64_t		 now = mn_now();
	int			 away_ok, home_ok;
	size_t			 i;

	if (!mnro.enabled)
		return;
	if (b->away && b->state == BUL_REGISTERED && b->registered &&
	    (!mnro_reg || !addr_eq(&mnro.coa, &b->coa))) {
		mnro_reg = 1;
		mnro.coa = b->coa;
		mnro.home_ba_at = now;
	}
	if (!b->away)
		mnro_reg = 0;
	away_ok = b->away && mnro_reg && addr_eq(&mnro.coa, &b->coa) &&
	    b->kstate == BUL_K_AWAY && addr_eq(&b->kcoa, &b->coa);
	/* At home once the home agent let go: a correspondent's BA to the
	 * home address would otherwise still be tunnelled to the care-of
	 * address left behind. */
	home_ok = !b->away && b->kstate == BUL_K_HOME && !b->kpending &&
	    b->state == BUL_HOME;
	for (i = 0; i < mnro.ncns; i++) {
		struct mnro_cn	*e = &mnro.cns[i];

		/* States for a care-of address we left: gone at once. */
		if (mnro_kwant(e) && (!b->away ||
		    !addr_eq(&e->kcoa, &b->coa)))
			mnro_kernel(e, 0);
		if (away_ok) {
			switch (e->state) {
			case MNRO_IDLE:
			case MNRO_DEREG:
				mnro_start_rr(e, now, 0);
				break;
			case MNRO_WAIT:
				if (now >= e->retry_at)
					mnro_start_rr(e, now, 0);
				break;
			case MNRO_GAVEUP:
				/* A new care-of address: a new chance. */
				if (!addr_eq(&e->gaveup_coa, &b->coa)) {
					e->rounds = 0;
					mnro_start_rr(e, now, 0);
				}
				break;
			case MNRO_RR:
				if (e->coti_out &&
				    !addr_eq(&e->ctoken_coa, &b->coa))
					mnro_start_rr(e, now, 0);
				break;
			case MNRO_KERNEL:
			case MNRO_BU:
			case MNRO_BOUND:
				if (!addr_eq(e->state == MNRO_KERNEL ?
				    &e->kcoa : &e->bu_coa, &b->coa))
					mnro_start_rr(e, now, 0);
				break;
			}
		} else if (home_ok) {
			if (e->state == MNRO_DEREG)
				mnro_progress(e, now);
			else if (e->at_cn || e->state == MNRO_BU ||
			    e->state == MNRO_BOUND)
				mnro_start_dereg(e, now);
			else if (e->state != MNRO_IDLE) {
				e->state = MNRO_IDLE;
				e->hoti_out = e->coti_out = 0;
				e->t_retx = 0;
				e->rounds = 0;
			}
		} else if (e->state == MNRO_RR || e->state == MNRO_KERNEL ||
		    e->state == MNRO_BU) {
			/* Moving: wait for the home agent's answer. */
			if (!b->away || !addr_eq(&mnro.coa, &b->coa)) {
				e->state = MNRO_IDLE;
				e->hoti_out = e->coti_out = 0;
				e->t_retx = 0;
			}
		}
	}
	mnro_schedule();
}

static void
mnro_input_test(struct mnro_cn *e, const struct mh_msg *m, uint64_t now)
{
	char	 a[INET6_ADDRSTRLEN];
	int	 home = m->type == MH_TYPE_HOT;

	if (home ? (!e->hoti_out || memcmp(m->u.test.cookie, e->hcookie,
	    MIP6_COOKIE_LEN) != 0) : (!e->coti_out ||
	    memcmp(m->u.test.cookie, e->ccookie, MIP6_COOKIE_LEN) != 0)) {
		log_debug("ro %s: %s with a cookie of no test of ours",
		    ntop(&e->cn, a), home ? "HoT" : "CoT");
		return;
	}
	mnro_heard(e);
	if (home) {
		e->ctr.hot_rx++;
		e->hoti_out = 0;
		memcpy(e->htoken, m->u.test.token, MIP6_TOKEN_LEN);
		e->hidx = m->u.test.nonce_idx;
		e->htoken_at = now;
	} else {
		e->ctr.cot_rx++;
		e->coti_out = 0;
		memcpy(e->ctoken, m->u.test.token, MIP6_TOKEN_LEN);
		e->cidx = m->u.test.nonce_idx;
		e->ctoken_at = now;
	}
	log_debug("ro %s: %s nonce index %u", ntop(&e->cn, a),
	    home ? "HoT" : "CoT", m->u.test.nonce_idx);
	mnro_progress(e, now);
}

static void
mnro_input_ba(struct mnro_cn *e, const struct mh_msg *m, const uint8_t *buf,
    size_t len, uint64_t now)
{
	uint8_t		 kbm[MIP6_KBM_LEN];
	char		 a[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];
	uint32_t	 granted;
	uint64_t	 since;
	int		 dereg = e->state == MNRO_DEREG, bad = 0, refresh;

	/* Status 135 carries the correspondent's last accepted number, not
	 * the BU's (RFC 6275 9.5.1): it answers the BU in flight too. */
	if ((e->state != MNRO_BU && !dereg) || e->t_retx == 0 ||
	    (m->u.ba.seq != e->seq &&
	    m->u.ba.status != BA_STATUS_SEQ_OUT_OF_WINDOW)) {
		log_debug("ro %s: BA seq %u status %u: no BU of ours waits",
		    ntop(&e->cn, a), m->u.ba.seq, m->u.ba.status);
		return;
	}
	/* The correspondent signs the BA it answers with (RFC 6275 9.5.4). */
	if (MH_HAS_OPT(&m->opts, MH_OPT_AUTH)) {
		bad = rr_kbm(e->htoken, dereg || e->lifetime_units == 0 ? NULL :
		    e->ctoken, kbm) == -1 ||
		    rr_mh_verify(kbm, &e->bu_coa, &e->cn, buf, len, m) == -1;
		OPENSSL_cleanse(kbm, sizeof(kbm));
	}
	if (bad) {
		e->ctr.ba_bad_auth++;
		log_warnx("ro %s: BA seq %u with a bad authenticator: ignored",
		    ntop(&e->cn, a), m->u.ba.seq);
		return;
	}
	mnro_heard(e);
	e->last_status = m->u.ba.status;
	e->t_retx = 0;
	if (m->u.ba.status < BA_STATUS_REJECT_MIN) {
		e->ctr.ba_accepted++;
		e->nonce_redo = 0;
		e->backoff_ms = mnro_initial_ms();
		if (dereg) {
			e->ctr.deregistrations++;
			mnro_forget_binding(e);
			e->state = MNRO_IDLE;
			log_info("ro %s: deregistered", ntop(&e->cn, a));
			return;
		}
		granted = (uint32_t)m->u.ba.lifetime * MNRO_LT_UNIT;
		if (granted > (uint32_t)e->lifetime_units * MNRO_LT_UNIT)
			granted = (uint32_t)e->lifetime_units * MNRO_LT_UNIT;
		e->granted = granted;
		refresh = e->at_cn && e->tunnel_since == 0 &&
		    addr_eq(&e->bound_coa, &e->bu_coa);
		e->tunnel_since = 0;
		e->bound_coa = e->bu_coa;
		e->at_cn = 1;
		e->state = MNRO_BOUND;
		e->bound_at = now;
		e->expires = now + granted * MNRO_MS;
		/* A new test a quarter before the binding ends. */
		e->refresh_at = now + granted * MNRO_MS * 3 / 4;
		if (refresh) {
			log_info("ro %s: refreshed at care-of %s, lifetime %us "
			    "(return routability %u ms)", ntop(&e->cn, a),
			    ntop(&e->bu_coa, c), granted, e->rr_ms);
			return;
		}
		/* Since the traffic went through the home agent again. */
		since = e->tunnel_since > mnro.home_ba_at ? e->tunnel_since :
		    mnro.home_ba_at;
		e->ha_path_ms = since != 0 && now >= since ? now - since : 0;
		log_info("ro %s: bound at care-of %s, lifetime %us (return "
		    "routability %u ms, home agent path %llu ms after the "
		    "home binding)", ntop(&e->cn, a), ntop(&e->bu_coa, c),
		    granted, e->rr_ms, (unsigned long long)e->ha_path_ms);
		return;
	}
	switch (m->u.ba.status) {
	case BA_STATUS_SEQ_OUT_OF_WINDOW:
		e->seq = m->u.ba.seq;
		log_info("ro %s: sequence number out of window; the "
		    "correspondent's last is %u", ntop(&e->cn, a), e->seq);
		mnro_send_bu(e, now, 1);
		return;
	case BA_STATUS_EXPIRED_HOME_NONCE:
	case BA_STATUS_EXPIRED_COA_NONCE:
	case BA_STATUS_EXPIRED_NONCES:
		e->ctr.ba_nonce++;
		if (m->u.ba.status != BA_STATUS_EXPIRED_COA_NONCE)
			e->htoken_at = 0;
		if (m->u.ba.status != BA_STATUS_EXPIRED_HOME_NONCE)
			e->ctoken_at = 0;
		if (++e->nonce_redo > MNRO_NONCE_REDO_MAX) {
			mnro_fallback(e, now, MNRO_FB_BACKOFF,
			    "nonces keep expiring");
			return;
		}
		log_info("ro %s: BA %u (%s): return routability again",
		    ntop(&e->cn, a), m->u.ba.status,
		    bul_status_str(m->u.ba.status));
		mnro_start_rr(e, now, 0);
		return;
	default:
		e->ctr.ba_refused++;
		if (dereg) {
			mnro_forget_binding(e);
			e->state = MNRO_IDLE;
			log_warnx("ro %s: deregistration refused: %u",
			    ntop(&e->cn, a), m->u.ba.status);
			return;
		}
		{
			char	 why[64];

			snprintf(why, sizeof(why), "BA %u (%s)", m->u.ba.status,
			    bul_status_str(m->u.ba.status));
			mnro_fallback(e, now, MNRO_FB_REFUSED, why);
		}
		return;
	}
}

int
mn_ro_input(const struct mh_msg *m, const uint8_t *buf, size_t len,
    const struct in6_addr *src, int rh2)
{
	struct mnro_cn	*e;
	uint64_t	 now = mn_now();
	char		 a[INET6_ADDRSTRLEN], why[32];

	if (!mnro.enabled || (e = mnro_find(src)) == NULL)
		return 0;
	switch (m->type) {
	case MH_TYPE_HOT:
	case MH_TYPE_COT:
		mnro_input_test(e, m, now);
		break;
	case MH_TYPE_BA:
		log_debug("ro %s: BA seq %u status %u%s", ntop(&e->cn, a),
		    m->u.ba.seq, m->u.ba.status, rh2 ? " (routing header)" :
		    "");
		mnro_input_ba(e, m, buf, len, now);
		break;
	case MH_TYPE_BE:
		e->ctr.be_rx++;
		if (!addr_eq(&m->u.be.hoa, &mn.bul.hoa) &&
		    !IN6_IS_ADDR_UNSPECIFIED(&m->u.be.hoa))
			break;
		mnro_heard(e);
		log_info("ro %s: binding error %u", ntop(&e->cn, a),
		    m->u.be.status);
		/* A BU in flight makes the binding the error is about. */
		if (e->state == MNRO_BOUND || (e->at_cn && e->kinstalled &&
		    e->state != MNRO_BU && e->state != MNRO_KERNEL)) {
			snprintf(why, sizeof(why), "binding error %u",
			    m->u.be.status);
			mnro_forget_binding(e);
			e->htoken_at = e->ctoken_at = 0;
			mnro_fallback(e, now, m->u.be.status != 1 ?
			    MNRO_FB_REFUSED : MNRO_FB_BACKOFF, why);
		}
		break;
	case MH_TYPE_BRR:
		log_info("ro %s: binding refresh request", ntop(&e->cn, a));
		mnro_heard(e);
		if (e->state == MNRO_BOUND)
			mnro_start_rr(e, now, 1);
		else if (e->state == MNRO_GAVEUP)
			e->state = MNRO_IDLE;	/* mn_ro_sync starts it */
		break;
	default:
		break;
	}
	mn_ro_sync();
	return 1;
}

static void
mnro_timer1(struct mnro_cn *e, uint64_t now)
{
	char	 a[INET6_ADDRSTRLEN];

	if (e->expires != 0 && now >= e->expires) {
		log_warnx("ro %s: the binding ran out", ntop(&e->cn, a));
		mnro_forget_binding(e);
		if (e->state == MNRO_BOUND)
			mnro_fallback(e, now, MNRO_FB_BACKOFF,
			    "binding expired");
		else if (e->kinstalled && e->state != MNRO_KERNEL &&
		    e->state != MNRO_BU)
			mnro_kernel(e, 0);
	}
	if (e->state == MNRO_BOUND && e->refresh_at != 0 &&
	    now >= e->refresh_at) {
		e->refresh_at = 0;
		log_debug("ro %s: refreshing", ntop(&e->cn, a));
		mnro_start_rr(e, now, 1);
	}
	if (e->t_retx == 0 || now < e->t_retx)
		return;
	if (e->state == MNRO_DEREG && e->tries >= MNRO_DEREG_TRIES) {
		log_warnx("ro %s: no answer to the deregistration",
		    ntop(&e->cn, a));
		mnro_forget_binding(e);
		e->state = MNRO_IDLE;
		e->t_retx = 0;
		return;
	}
	if (e->timeout_ms * 2 > mnro_max_ms()) {
		mnro_fallback(e, now, MNRO_FB_SILENT, e->hoti_out ||
		    e->coti_out ? "no HoT/CoT" : "no BA");
		return;
	}
	mnro_set_timeout(e, now, 0);
	if (e->hoti_out)
		mnro_send_init(e, 1);
	if (e->coti_out)
		mnro_send_init(e, 0);
	if (!e->hoti_out && !e->coti_out &&
	    (e->state == MNRO_BU || e->state == MNRO_DEREG))
		mnro_send_bu(e, now, 0);
}

void
mn_ro_tick(void)
{
	uint64_t	 now = mn_now();
	size_t		 i;

	for (i = 0; i < mnro.ncns; i++)
		mnro_timer1(&mnro.cns[i], now);
	mn_ro_sync();
}

static void
mnro_timer(evutil_socket_t fd, short ev, void *arg)
{
	mn_ro_tick();
}

static void
mnro_schedule(void)
{
	struct timeval	 tv;
	uint64_t	 now = mn_now(), next = 0, t[4], d;
	size_t		 i, k;

	if (ev_ro != NULL)
		evtimer_del(ev_ro);
	for (i = 0; i < mnro.ncns; i++) {
		const struct mnro_cn *e = &mnro.cns[i];

		t[0] = e->t_retx;
		t[1] = e->state == MNRO_WAIT ? e->retry_at : 0;
		t[2] = e->state == MNRO_BOUND ? e->refresh_at : 0;
		t[3] = e->expires;
		for (k = 0; k < 4; k++)
			if (t[k] != 0 && (next == 0 || t[k] < next))
				next = t[k];
	}
	mnro.next_at = next;
	if (next == 0 || ev_ro == NULL)
		return;
	d = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(d / MNRO_MS);
	tv.tv_usec = (suseconds_t)((d % MNRO_MS) * 1000);
	evtimer_add(ev_ro, &tv);
}

/*
 * route-optimization: all.  mip6-priv's trigger policy makes the kernel
 * announce a packet from the home address to a correspondent that has no
 * route-optimization states yet (the packet itself goes on unchanged).
 */
void
mn_ro_xfrm_event(const struct kr_ev_xfrm *ev)
{
	struct mnro_cn	*e;
	char		 a[INET6_ADDRSTRLEN];

	if (!mnro.all || ev->kind != KR_XFRM_ACQUIRE ||
	    ev->proto != IPPROTO_DSTOPTS || !addr_eq(&ev->src, &mn.bul.hoa))
		return;
	if (!addr_is_global_unicast(&ev->dst) ||
	    addr_eq(&ev->dst, &mn.bul.ha) || addr_eq(&ev->dst, &mn.bul.hoa))
		return;
	if ((e = mnro_find(&ev->dst)) != NULL) {
		/* Traffic again to one that gave up: a new chance. */
		if (e->state == MNRO_GAVEUP) {
			log_info("ro %s: new traffic: trying again",
			    ntop(&ev->dst, a));
			e->rounds = 0;
			e->state = MNRO_IDLE;
			mn_ro_sync();
		}
		return;
	}
	if (mnro.ncns >= MNRO_MAX_CNS) {
		if (!mnro.full_logged)
			log_warnx("route-optimization: %d correspondents "
			    "already; %s stays on the tunnel", MNRO_MAX_CNS,
			    ntop(&ev->dst, a));
		mnro.full_logged = 1;
		return;
	}
	mnro_cn_init(&mnro.cns[mnro.ncns++], &ev->dst);
	log_info("ro %s: a correspondent (traffic from the home address)",
	    ntop(&ev->dst, a));
	mn_ro_sync();
}

void
mn_ro_shutdown(void)
{
	uint64_t	 now = mn_now();
	size_t		 i;
	char		 a[INET6_ADDRSTRLEN];

	if (!mnro.enabled || !mn.bul.away)
		return;
	for (i = 0; i < mnro.ncns; i++) {
		struct mnro_cn	*e = &mnro.cns[i];

		/* Lifetime 0 needs only the home keygen token (5.2.5). */
		if (!e->at_cn || !e->kinstalled ||
		    !mnro_token_fresh(e->htoken_at, now))
			continue;
		log_info("ro %s: stopping: deregistering", ntop(&e->cn, a));
		e->state = MNRO_DEREG;
		mnro_send_bu(e, now, 1);
	}
}

size_t
mn_ro_format(char *buf, size_t size, int json, uint64_t now)
{
	size_t		 i, len = 0;
	int		 n;
	char		 cn[INET6_ADDRSTRLEN], coa[INET6_ADDRSTRLEN];

	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < mnro.ncns; i++) {
		const struct mnro_cn *e = &mnro.cns[i];
		uint32_t	 rem = e->expires > now ?
		    (uint32_t)((e->expires - now + 999) / 1000) : 0;
		const char	*ht = e->htoken_at == 0 ? "none" :
		    mnro_token_fresh(e->htoken_at, now) ? "valid" : "expired";
		const char	*ct = e->ctoken_at == 0 ? "none" :
		    mnro_token_fresh(e->ctoken_at, now) ? "valid" : "expired";

		ntop(&e->cn, cn);
		ntop(e->at_cn ? &e->bu_coa : &mn.bul.coa, coa);
		if (json)
			n = snprintf(len < size ? buf + len : NULL,
			    len < size ? size - len : 0,
			    "%s{\"correspondent\":\"%s\",\"state\":\"%s\","
			    "\"care_of_address\":\"%s\",\"bound\":%s,"
			    "\"kernel\":%s,\"home_token\":\"%s\","
			    "\"care_of_token\":\"%s\",\"home_nonce_index\":%u,"
			    "\"care_of_nonce_index\":%u,\"sequence\":%u,"
			    "\"lifetime_granted\":%u,\"lifetime_remaining\":%u,"
			    "\"rr_ms\":%u,\"ha_path_ms\":%llu,\"last_status\":%d,"
			    "\"fallbacks\":%llu,\"last_fallback\":\"%s\","
			    "\"binding_errors\":%llu,\"unanswered_rounds\":%u,"
			    "\"kernel_refused\":%llu}", i ? "," : "", cn,
			    mnro_state_str(e->state), coa,
			    e->at_cn ? "true" : "false",
			    e->kinstalled ? "true" : "false", ht, ct, e->hidx,
			    e->cidx, e->seq, e->granted, rem, e->rr_ms,
			    (unsigned long long)e->ha_path_ms, e->last_status,
			    (unsigned long long)e->ctr.fallbacks, e->why,
			    (unsigned long long)e->ctr.be_rx, e->rounds,
			    (unsigned long long)e->ctr.kernel_refused);
		else
			n = snprintf(len < size ? buf + len : NULL,
			    len < size ? size - len : 0,
			    "correspondent    %s state=%s care-of=%s "
			    "kernel=%s home-token=%s care-of-token=%s seq=%u "
			    "lifetime=%u remaining=%u rr-ms=%u fallbacks=%llu"
			    "%s%s\n", cn, mnro_state_str(e->state), coa,
			    e->kinstalled ? "installed" : "none", ht, ct,
			    e->seq, e->granted, rem, e->rr_ms,
			    (unsigned long long)e->ctr.fallbacks,
			    e->why[0] ? " last-fallback=" : "", e->why);
		if (n > 0)
			len += (size_t)n;
	}
	return len;
}
