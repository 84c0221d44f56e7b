/*
 * The mobile node's route optimization (mip6-mn/mnro.c) driven through
 * its I/O seam (struct mnro_io): every Mobility Header message it sends
 * and every kernel request it makes is recorded here, the correspondent's
 * answers are handed in, the clock is ours.  Run by tests/mnro-logic.bats.
 */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "mh.h"
#include "mip6_const.h"
#include "proto.h"
#include "mn.h"
#include "mnro.h"

#include "check.h"

struct mn_engine	 mn;
static uint64_t		 now_ms;

uint64_t
mn_now(void)
{
	return now_ms;
}

/* What went out. */
#define MAXREC	256
struct sent {
	uint8_t		 type;
	struct in6_addr	 src, dst;
	struct mh_msg	 m;
};
static struct sent	 sent[MAXREC];
static size_t		 nsent;
struct kreq {
	uint32_t	 type, id;
	struct kr_ro	 ro;
	int		 answered;
};
static struct kreq	 kreqs[MAXREC];
static size_t		 nkreq;
static uint32_t		 next_id;

static int
t_send(const uint8_t *buf, size_t len, const struct in6_addr *src,
    const struct in6_addr *dst, uint32_t ifindex)
{
	struct sent	*s;

	(void)ifindex;
	if (nsent >= MAXREC)
		return -1;
	s = &sent[nsent++];
	memset(s, 0, sizeof(*s));
	s->src = *src;
	s->dst = *dst;
	if (mh_parse(buf, len, NULL, NULL, &s->m) != MH_OK)
		s->type = 0xff;
	else
		s->type = s->m.type;
	return 0;
}

static void
t_kernel(uint32_t type, uint32_t id, const struct kr_ro *ro)
{
	if (nkreq >= MAXREC)
		return;
	kreqs[nkreq].type = type;
	kreqs[nkreq].id = id;
	kreqs[nkreq].ro = *ro;
	kreqs[nkreq].answered = 0;
	nkreq++;
}

static uint32_t
t_reqid(void)
{
	return ++next_id;
}

static const struct mnro_io t_io = { t_send, t_kernel, t_reqid };

static struct mip6_conf	 conf;
static struct in6_addr	 cns[2];
static struct in6_addr	 HOA, HA, COA1, COA2, CN;

/* A node registered away at coa (the home agent accepted it). */
static void
t_away(struct in6_addr coa)
{
	mn.bul.away = 1;
	mn.bul.state = BUL_REGISTERED;
	mn.bul.registered = 1;
	mn.bul.coa = coa;
	mn.bul.kstate = BUL_K_AWAY;
	mn.bul.kcoa = coa;
	mn.bul.kpending = 0;
	mn_ro_sync();
}

static void
t_home(void)
{
	mn.bul.away = 0;
	mn.bul.state = BUL_HOME;
	mn.bul.registered = 0;
	mn.bul.kstate = BUL_K_HOME;
	mn.bul.kpending = 0;
	mn_ro_sync();
}

/* route-optimization: [CN], correspondent-lifetime 20 s, 1 s to 32 s. */
static void
setup_max(uint32_t max_s)
{
	struct bul_conf	 bc;

	memset(&mn, 0, sizeof(mn));
	memset(&conf, 0, sizeof(conf));
	nsent = nkreq = 0;
	now_ms = 1000000;
	HOA = A("2001:db8:1::100");
	HA = A("2001:db8:1::2");
	COA1 = A("2001:db8:f1::10");
	COA2 = A("2001:db8:f2::10");
	CN = A("2001:db8:c::2");
	cns[0] = CN;
	conf.mn.enabled = 1;
	conf.mn.hoa = HOA;
	conf.mn.ha = HA;
	conf.mn.ro = RO_LIST;
	conf.mn.ro_cns = cns;
	conf.mn.nro_cns = 1;
	conf.mn.cn_lifetime = 20;
	conf.mn.initial_bindack_timeout_ms = 1000;
	conf.mn.max_bindack_timeout = max_s;
	memset(&bc, 0, sizeof(bc));
	bc.lifetime = 120;
	bc.initial_ms = 1000;
	bc.first_reg_ms = 1500;
	bc.max_ms = max_s * 1000;
	bul_init(&mn.bul, &bc, &HOA, &HA, 100);
	mn_ro_set_io(&t_io);
	mn_ro_init(&conf);
}

static void
setup(void)
{
	setup_max(32);
}

static struct mnro_cn *
E(void)
{
	return &mnro.cns[0];
}

/* The last message of a type sent since index from (NULL: none). */
static struct sent *
sent_since(size_t from, uint8_t type, size_t *count)
{
	struct sent	*last = NULL;
	size_t		 i, n = 0;

	for (i = from; i < nsent; i++)
		if (sent[i].type == type) {
			last = &sent[i];
			n++;
		}
	if (count != NULL)
		*count = n;
	return last;
}

static size_t
count_since(size_t from, uint8_t type)
{
	size_t	 n;

	(void)sent_since(from, type, &n);
	return n;
}

/* Answer the last HoTI / CoTI as the correspondent would. */
static void
answer_test(uint8_t init_type, uint16_t idx)
{
	struct sent	*s = sent_since(0, init_type, NULL);
	struct mh_msg	 m;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	memset(&m, 0, sizeof(m));
	m.type = init_type == MH_TYPE_HOTI ? MH_TYPE_HOT : MH_TYPE_COT;
	m.u.test.nonce_idx = idx;
	memcpy(m.u.test.cookie, s->m.u.init.cookie, MIP6_COOKIE_LEN);
	memset(m.u.test.token, init_type == MH_TYPE_HOTI ? 0x11 : 0x22,
	    MIP6_TOKEN_LEN);
	CHECK(mn_ro_input(&m, NULL, 0, &CN, 0) == 1);
}

/* Answer the oldest kernel request not answered yet. */
static struct kreq *
answer_kernel(int error)
{
	size_t	 i;

	for (i = 0; i < nkreq; i++)
		if (!kreqs[i].answered) {
			kreqs[i].answered = 1;
			CHECK(mn_ro_kernel_reply(kreqs[i].id, error) == 1);
			return &kreqs[i];
		}
	CHECK(!"no kernel request to answer");
	return NULL;
}

static size_t
kreq_open(void)
{
	size_t	 i, n = 0;

	for (i = 0; i < nkreq; i++)
		n += !kreqs[i].answered;
	return n;
}

static void
answer_ba(uint8_t status, uint16_t seq, uint16_t lifetime_units)
{
	struct mh_msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BA;
	m.u.ba.status = status;
	m.u.ba.seq = seq;
	m.u.ba.lifetime = lifetime_units;
	CHECK(mn_ro_input(&m, NULL, 0, &CN, 1) == 1);
}

static void
answer_last_bu(uint8_t status)
{
	struct sent	*bu = sent_since(0, MH_TYPE_BU, NULL);

	CHECK(bu != NULL);
	if (bu != NULL)
		answer_ba(status, bu->m.u.bu.seq, bu->m.u.bu.lifetime);
}

static void
binding_error(uint8_t status)
{
	struct mh_msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BE;
	m.u.be.status = status;
	m.u.be.hoa = HOA;
	CHECK(mn_ro_input(&m, NULL, 0, &CN, 0) == 1);
}

static void
advance(uint64_t ms)
{
	now_ms += ms;
	mn_ro_tick();
}

/* Away at coa: the whole exchange up to the binding. */
static void
bind_at(struct in6_addr coa)
{
	t_away(coa);
	if (E()->hoti_out)
		answer_test(MH_TYPE_HOTI, 7);
	if (E()->coti_out)
		answer_test(MH_TYPE_COTI, 8);
	if (kreq_open() > 0)
		answer_kernel(0);
	answer_last_bu(0);
}

static void
rr_kernel_bu_bound(void)
{
	struct sent	*hoti, *coti, *bu;
	struct kreq	*k;

	setup();
	/* Nothing before the home agent accepted a care-of address. */
	mn_ro_sync();
	CHECK(nsent == 0 && E()->state == MNRO_IDLE);
	t_away(COA1);
	CHECK(E()->state == MNRO_RR);
	hoti = sent_since(0, MH_TYPE_HOTI, NULL);
	coti = sent_since(0, MH_TYPE_COTI, NULL);
	CHECK(hoti != NULL && coti != NULL);
	if (hoti == NULL || coti == NULL)
		return;
	CHECK(IN6_ARE_ADDR_EQUAL(&hoti->src, &HOA));
	CHECK(IN6_ARE_ADDR_EQUAL(&coti->src, &COA1));
	CHECK(IN6_ARE_ADDR_EQUAL(&hoti->dst, &CN));
	answer_test(MH_TYPE_HOTI, 7);
	CHECK(nkreq == 0);		/* both tokens first */
	answer_test(MH_TYPE_COTI, 8);
	/* The states before the BU. */
	CHECK(nkreq == 1 && kreqs[0].type == IMSG_KR_RO_ADD);
	CHECK(IN6_ARE_ADDR_EQUAL(&kreqs[0].ro.coa, &COA1));
	CHECK(IN6_ARE_ADDR_EQUAL(&kreqs[0].ro.peer, &CN));
	CHECK(kreqs[0].ro.flags == KR_RO_MN);
	CHECK(count_since(0, MH_TYPE_BU) == 0);
	CHECK(E()->state == MNRO_KERNEL);
	k = answer_kernel(0);
	CHECK(k != NULL && E()->kinstalled);
	bu = sent_since(0, MH_TYPE_BU, NULL);
	CHECK(bu != NULL);
	if (bu == NULL)
		return;
	CHECK(IN6_ARE_ADDR_EQUAL(&bu->src, &HOA));
	CHECK(bu->m.u.bu.flags & MH_BU_F_A);
	CHECK(!(bu->m.u.bu.flags & MH_BU_F_H));
	CHECK(bu->m.u.bu.lifetime == 5);	/* 20 s in 4 s units */
	CHECK(bu->m.opts.home_nonce_idx == 7 && bu->m.opts.coa_nonce_idx == 8);
	CHECK(MH_HAS_OPT(&bu->m.opts, MH_OPT_AUTH));
	answer_ba(0, bu->m.u.bu.seq, 5);
	CHECK(E()->state == MNRO_BOUND && E()->at_cn);
	CHECK(E()->granted == 20);
	/* A new test three quarters into the lifetime. */
	CHECK(E()->refresh_at == now_ms + 15000);
	CHECK(E()->expires == now_ms + 20000);
}

static void
granted_shorter_is_kept(void)
{
	setup();
	t_away(COA1);
	answer_test(MH_TYPE_HOTI, 1);
	answer_test(MH_TYPE_COTI, 2);
	answer_kernel(0);
	{
		struct sent *bu = sent_since(0, MH_TYPE_BU, NULL);

		answer_ba(0, bu->m.u.bu.seq, 2);	/* 8 s */
	}
	CHECK(E()->granted == 8);
	CHECK(E()->refresh_at == now_ms + 6000);
}

static void
refresh_at_three_quarters(void)
{
	size_t	 mark, k;

	setup();
	bind_at(COA1);
	CHECK(E()->state == MNRO_BOUND);
	mark = nsent;
	k = nkreq;
	advance(14999);
	CHECK(nsent == mark);
	advance(1);
	/* Both tokens anew, the states stay. */
	CHECK(count_since(mark, MH_TYPE_HOTI) == 1);
	CHECK(count_since(mark, MH_TYPE_COTI) == 1);
	answer_test(MH_TYPE_HOTI, 9);
	answer_test(MH_TYPE_COTI, 10);
	CHECK(nkreq == k);
	CHECK(count_since(mark, MH_TYPE_BU) == 1);
	answer_last_bu(0);
	CHECK(E()->state == MNRO_BOUND);
	CHECK(E()->ctr.fallbacks == 0);
}

static void
status_135_resyncs(void)
{
	size_t	 mark;
	struct sent *bu;

	setup();
	t_away(COA1);
	answer_test(MH_TYPE_HOTI, 1);
	answer_test(MH_TYPE_COTI, 2);
	answer_kernel(0);
	mark = nsent;
	answer_ba(BA_STATUS_SEQ_OUT_OF_WINDOW, 4242, 0);
	/* At once, with the correspondent's number plus one. */
	bu = sent_since(mark, MH_TYPE_BU, NULL);
	CHECK(bu != NULL && bu->m.u.bu.seq == 4243);
	CHECK(E()->state == MNRO_BU);
	CHECK(count_since(mark, MH_TYPE_HOTI) == 0);
	answer_last_bu(0);
	CHECK(E()->state == MNRO_BOUND);
}

static void
nonce_statuses_redo_the_test(void)
{
	static const struct {
		uint8_t	 status;
		size_t	 hoti, coti;
	} t[] = {
		{ BA_STATUS_EXPIRED_HOME_NONCE, 1, 0 },
		{ BA_STATUS_EXPIRED_COA_NONCE, 0, 1 },
		{ BA_STATUS_EXPIRED_NONCES, 1, 1 },
	};
	size_t	 i, mark, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		setup();
		t_away(COA1);
		answer_test(MH_TYPE_HOTI, 1);
		answer_test(MH_TYPE_COTI, 2);
		answer_kernel(0);
		mark = nsent;
		k = nkreq;
		answer_last_bu(t[i].status);
		CHECK(E()->state == MNRO_RR);
		CHECK(count_since(mark, MH_TYPE_HOTI) == t[i].hoti);
		CHECK(count_since(mark, MH_TYPE_COTI) == t[i].coti);
		if (t[i].hoti)
			answer_test(MH_TYPE_HOTI, 3);
		if (t[i].coti)
			answer_test(MH_TYPE_COTI, 4);
		/* The states are there: straight to the BU. */
		CHECK(nkreq == k);
		CHECK(count_since(mark, MH_TYPE_BU) == 1);
		answer_last_bu(0);
		CHECK(E()->state == MNRO_BOUND);
	}
}

static void
nonces_expiring_in_a_row_fall_back(void)
{
	int	 i;

	setup();
	t_away(COA1);
	answer_test(MH_TYPE_HOTI, 1);
	answer_test(MH_TYPE_COTI, 2);
	answer_kernel(0);
	for (i = 0; i < MNRO_NONCE_REDO_MAX; i++) {
		answer_last_bu(BA_STATUS_EXPIRED_NONCES);
		CHECK(E()->state == MNRO_RR);
		answer_test(MH_TYPE_HOTI, 1);
		answer_test(MH_TYPE_COTI, 2);
	}
	answer_last_bu(BA_STATUS_EXPIRED_NONCES);
	CHECK(E()->state == MNRO_WAIT);
	CHECK(E()->retry_at == now_ms + 1000);
	CHECK(strcmp(E()->why, "nonces keep expiring") == 0);
	CHECK(kreqs[nkreq - 1].type == IMSG_KR_RO_DEL);
}

static void
other_refusal_tunnel_for_10_minutes(void)
{
	size_t	 mark;

	setup();
	t_away(COA1);
	answer_test(MH_TYPE_HOTI, 1);
	answer_test(MH_TYPE_COTI, 2);
	answer_kernel(0);
	answer_last_bu(129);
	CHECK(E()->state == MNRO_WAIT);
	CHECK(E()->retry_at == now_ms + MNRO_GIVEUP_MS);
	CHECK(E()->ctr.ba_refused == 1);
	/* The states go: the tunnel again. */
	CHECK(nkreq == 2 && kreqs[1].type == IMSG_KR_RO_DEL);
	CHECK(!E()->kinstalled);
	answer_kernel(0);
	mark = nsent;
	advance(MNRO_GIVEUP_MS - 1);
	CHECK(nsent == mark);
	advance(1);
	CHECK(E()->state == MNRO_RR || E()->state == MNRO_KERNEL);
}

static void
binding_error_1_falls_back_and_rebinds(void)
{
	size_t	 mark;

	setup();
	bind_at(COA1);
	binding_error(1);
	CHECK(E()->state == MNRO_WAIT);
	CHECK(!E()->at_cn && !E()->kinstalled);
	CHECK(E()->retry_at == now_ms + 1000);
	CHECK(kreqs[nkreq - 1].type == IMSG_KR_RO_DEL);
	answer_kernel(0);
	/* More errors while on the tunnel change nothing. */
	binding_error(1);
	CHECK(E()->ctr.fallbacks == 1);
	mark = nsent;
	advance(1000);
	/* Both tokens anew (a restarted correspondent has new keys). */
	CHECK(count_since(mark, MH_TYPE_HOTI) == 1);
	CHECK(count_since(mark, MH_TYPE_COTI) == 1);
	answer_test(MH_TYPE_HOTI, 1);
	answer_test(MH_TYPE_COTI, 2);
	CHECK(kreqs[nkreq - 1].type == IMSG_KR_RO_ADD);
	answer_kernel(0);
	answer_last_bu(0);
	CHECK(E()->state == MNRO_BOUND);
	/* And once more: the binding reset the back-off, 1 s again (not
	 * the 10 minutes of a refusal). */
	binding_error(1);
	CHECK(E()->retry_at == now_ms + 1000);
	CHECK(E()->ctr.fallbacks == 2);
}

static void
kernel_requests_one_at_a_time(void)
{
	setup();
	t_away(COA1);
	answer_test(MH_TYPE_HOTI, 1);
	answer_test(MH_TYPE_COTI, 2);
	CHECK(nkreq == 1 && kreqs[0].type == IMSG_KR_RO_ADD);
	/* An error before the add was answered: the del waits for it. */
	binding_error(2);		/* not while binding: ignored */
	CHECK(nkreq == 1);
	E()->at_cn = 1;
	E()->kinstalled = 1;		/* as after an earlier binding */
	E()->state = MNRO_BOUND;
	binding_error(1);
	CHECK(E()->state == MNRO_WAIT);
	CHECK(nkreq == 1);		/* the del is not out yet */
	CHECK(kreq_open() == 1);
	answer_kernel(0);
	CHECK(nkreq == 2 && kreqs[1].type == IMSG_KR_RO_DEL);
	/* The retry's add waits for the del in turn. */
	advance(1000);
	answer_test(MH_TYPE_HOTI, 1);
	answer_test(MH_TYPE_COTI, 2);
	CHECK(E()->state == MNRO_KERNEL);
	CHECK(nkreq == 2);
	answer_kernel(0);
	CHECK(nkreq == 3 && kreqs[2].type == IMSG_KR_RO_ADD);
	CHECK(count_since(0, MH_TYPE_BU) == 0);
	answer_kernel(0);
	CHECK(count_since(0, MH_TYPE_BU) == 1);
	CHECK(E()->kinstalled);
}

static void
kernel_refusal_backs_off(void)
{
	uint32_t	 want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 32000 };
	size_t		 i;

	setup();
	t_away(COA1);
	answer_test(MH_TYPE_HOTI, 1);
	answer_test(MH_TYPE_COTI, 2);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK(kreqs[nkreq - 1].type == IMSG_KR_RO_ADD);
		answer_kernel(EEXIST);
		CHECK(E()->state == MNRO_WAIT);
		CHECK(E()->retry_at == now_ms + want[i]);
		CHECK(strcmp(E()->why, "kernel: File exists") == 0);
		/* The del a fallback sends when an add was out: none here. */
		while (kreq_open() > 0)
			answer_kernel(0);
		advance(want[i]);
		/* Tokens still fresh: straight to the kernel again. */
		CHECK(E()->state == MNRO_KERNEL);
	}
	CHECK(E()->ctr.kernel_refused == sizeof(want) / sizeof(want[0]));
	answer_kernel(0);
	answer_last_bu(0);
	CHECK(E()->state == MNRO_BOUND);
	/* Success: the back-off starts over. */
	CHECK(E()->backoff_ms == 1000);
}

static void
unanswered_retransmits_then_gives_up(void)
{
	uint64_t	 t0;
	size_t		 mark, n;
	char		 buf[2048];

	setup();
	t_away(COA1);
	t0 = now_ms;
	/* Round 1: HoTI and CoTI at 0, 1, 3, 7, 15, 31 s (1 s doubling up
	 * to MAX_BINDACK_TIMEOUT, 32 s), the fallback at 63 s. */
	CHECK(E()->t_retx == t0 + 1000);
	advance(1000);
	CHECK(E()->t_retx == now_ms + 2000);
	advance(2000);
	CHECK(E()->t_retx == now_ms + 4000);
	advance(4000);
	advance(8000);
	CHECK(E()->t_retx == now_ms + 16000);
	advance(16000);
	CHECK(E()->t_retx == now_ms + 32000);
	CHECK(count_since(0, MH_TYPE_HOTI) == 6);
	CHECK(count_since(0, MH_TYPE_COTI) == 6);
	advance(31999);
	CHECK(E()->state == MNRO_RR);
	advance(1);
	CHECK(now_ms - t0 == 63000);
	CHECK(E()->state == MNRO_WAIT && E()->rounds == 1);
	CHECK(strcmp(E()->why, "no HoT/CoT") == 0);
	CHECK(E()->retry_at == now_ms + 1000);
	/* Round 2 after 1 s, round 3 after 2 s; then no more. */
	advance(1000);
	CHECK(E()->state == MNRO_RR);
	while (E()->state == MNRO_RR)
		advance(E()->t_retx - now_ms);
	CHECK(E()->state == MNRO_WAIT && E()->rounds == 2);
	CHECK(E()->retry_at == now_ms + 2000);
	advance(2000);
	while (E()->state == MNRO_RR)
		advance(E()->t_retx - now_ms);
	CHECK(E()->state == MNRO_GAVEUP);
	CHECK(E()->rounds == MNRO_MAX_ROUNDS);
	CHECK(E()->ctr.gave_up == 1);
	CHECK(count_since(0, MH_TYPE_HOTI) == 18);
	/* No timer of its own; nothing goes out for an hour. */
	CHECK(mnro.next_at == 0);
	mark = nsent;
	advance(3600 * 1000);
	CHECK(nsent == mark);
	n = mn_ro_format(buf, sizeof(buf), 0, now_ms);
	CHECK(n > 0 && strstr(buf, " state=gave-up ") != NULL);
	mn_ro_format(buf, sizeof(buf), 1, now_ms);
	CHECK(strstr(buf, "\"state\":\"gave-up\"") != NULL);
	CHECK(strstr(buf, "\"unanswered_rounds\":3") != NULL);
	/* The same care-of address registered again: still nothing. */
	t_away(COA1);
	CHECK(nsent == mark);
	/* A move: a new chance. */
	t_away(COA2);
	CHECK(E()->state == MNRO_RR && E()->rounds == 0);
	CHECK(count_since(mark, MH_TYPE_COTI) == 1);
}

static void
an_answer_resets_the_rounds(void)
{
	setup();
	t_away(COA1);
	while (E()->state == MNRO_RR)
		advance(E()->t_retx - now_ms);
	CHECK(E()->rounds == 1);
	advance(1000);
	/* The HoT comes, the CoT never: the correspondent is alive. */
	answer_test(MH_TYPE_HOTI, 1);
	CHECK(E()->rounds == 0);
	while (E()->state == MNRO_RR)
		advance(E()->t_retx - now_ms);
	CHECK(E()->state == MNRO_WAIT && E()->rounds == 1);
}

static void
brr_wakes_one_that_gave_up(void)
{
	struct mh_msg	 m;

	setup();
	t_away(COA1);
	while (E()->state != MNRO_GAVEUP)
		advance((E()->state == MNRO_RR ? E()->t_retx :
		    E()->retry_at) - now_ms);
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BRR;
	CHECK(mn_ro_input(&m, NULL, 0, &CN, 0) == 1);
	CHECK(E()->state == MNRO_RR && E()->rounds == 0);
}

static void
move_reuses_the_home_token(void)
{
	size_t	 mark, k;

	setup();
	bind_at(COA1);
	mark = nsent;
	k = nkreq;
	now_ms += 5000;
	/* The node moves: the old states go at once. */
	mn.bul.coa = COA2;
	mn.bul.state = BUL_REGISTERING;
	mn_ro_sync();
	CHECK(nkreq == k + 1 && kreqs[k].type == IMSG_KR_RO_DEL);
	CHECK(IN6_ARE_ADDR_EQUAL(&kreqs[k].ro.coa, &COA1));
	CHECK(nsent == mark);		/* nothing before the home BA */
	answer_kernel(0);
	t_away(COA2);
	/* Only the CoTI: the home keygen token is used again (5.2.7). */
	CHECK(count_since(mark, MH_TYPE_HOTI) == 0);
	CHECK(count_since(mark, MH_TYPE_COTI) == 1);
	CHECK(IN6_ARE_ADDR_EQUAL(&sent_since(mark, MH_TYPE_COTI, NULL)->src,
	    &COA2));
	answer_test(MH_TYPE_COTI, 12);
	CHECK(kreqs[nkreq - 1].type == IMSG_KR_RO_ADD);
	CHECK(IN6_ARE_ADDR_EQUAL(&kreqs[nkreq - 1].ro.coa, &COA2));
	answer_kernel(0);
	CHECK(sent_since(mark, MH_TYPE_BU, NULL)->m.opts.home_nonce_idx == 7);
	answer_last_bu(0);
	CHECK(E()->state == MNRO_BOUND);
	CHECK(IN6_ARE_ADDR_EQUAL(&E()->bound_coa, &COA2));
}

static void
old_home_token_is_not_reused(void)
{
	size_t	 mark;

	setup();
	bind_at(COA1);
	/* Past MAX_TOKEN_LIFETIME (210 s): both tests after the move. */
	now_ms += (uint64_t)MAX_TOKEN_LIFETIME_S * 1000;
	mark = nsent;
	mn.bul.coa = COA2;
	mn.bul.state = BUL_REGISTERING;
	mn_ro_sync();
	answer_kernel(0);
	t_away(COA2);
	CHECK(count_since(mark, MH_TYPE_HOTI) == 1);
	CHECK(count_since(mark, MH_TYPE_COTI) == 1);
}

static void
home_deregisters(void)
{
	size_t		 mark, k;
	struct sent	*bu;

	setup();
	bind_at(COA1);
	mark = nsent;
	k = nkreq;
	/* Going home: the states go at once, the BU waits until the home
	 * agent let go. */
	mn.bul.away = 0;
	mn.bul.state = BUL_DEREGISTERING;
	mn_ro_sync();
	CHECK(nkreq == k + 1 && kreqs[k].type == IMSG_KR_RO_DEL);
	CHECK(count_since(mark, MH_TYPE_BU) == 0);
	answer_kernel(0);
	CHECK(count_since(mark, MH_TYPE_BU) == 0);
	t_home();
	CHECK(E()->state == MNRO_DEREG);
	/* The home keygen token is fresh: no HoTI, no CoTI; lifetime 0,
	 * care-of address = home address, only the home nonce index. */
	CHECK(count_since(mark, MH_TYPE_HOTI) == 0);
	CHECK(count_since(mark, MH_TYPE_COTI) == 0);
	bu = sent_since(mark, MH_TYPE_BU, NULL);
	CHECK(bu != NULL);
	if (bu == NULL)
		return;
	CHECK(bu->m.u.bu.lifetime == 0);
	CHECK(bu->m.opts.coa_nonce_idx == 0);
	CHECK(IN6_ARE_ADDR_EQUAL(&E()->bu_coa, &HOA));
	answer_ba(0, bu->m.u.bu.seq, 0);
	CHECK(E()->state == MNRO_IDLE && !E()->at_cn);
	CHECK(E()->ctr.deregistrations == 1);
}

static void
home_with_an_old_token_tests_first(void)
{
	size_t	 mark;

	setup();
	bind_at(COA1);
	now_ms += (uint64_t)MAX_TOKEN_LIFETIME_S * 1000;
	mark = nsent;
	mn.bul.away = 0;
	mn_ro_sync();
	answer_kernel(0);
	t_home();
	CHECK(count_since(mark, MH_TYPE_HOTI) == 1);
	CHECK(count_since(mark, MH_TYPE_COTI) == 0);
	CHECK(count_since(mark, MH_TYPE_BU) == 0);
	answer_test(MH_TYPE_HOTI, 30);
	CHECK(count_since(mark, MH_TYPE_BU) == 1);
}

static void
acquire(struct in6_addr src, struct in6_addr dst)
{
	struct kr_ev_xfrm	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = KR_XFRM_ACQUIRE;
	ev.proto = IPPROTO_DSTOPTS;
	ev.src = src;
	ev.dst = dst;
	mn_ro_xfrm_event(&ev);
}

static void
all_finds_correspondents_by_traffic(void)
{
	setup();
	conf.mn.ro = RO_ALL;
	conf.mn.nro_cns = 0;
	mn_ro_init(&conf);
	t_away(COA1);
	CHECK(mnro.ncns == 0 && nsent == 0);
	/* The home agent, a link-local address, another source: never. */
	acquire(HOA, HA);
	acquire(HOA, A("fe80::1"));
	acquire(COA1, CN);
	CHECK(mnro.ncns == 0);
	acquire(HOA, CN);
	CHECK(mnro.ncns == 1 && IN6_ARE_ADDR_EQUAL(&E()->cn, &CN));
	CHECK(E()->state == MNRO_RR);
	CHECK(count_since(0, MH_TYPE_HOTI) == 1);
	/* Its next acquire changes nothing. */
	acquire(HOA, CN);
	CHECK(mnro.ncns == 1 && count_since(0, MH_TYPE_HOTI) == 1);
}

static void
all_new_traffic_wakes_one_that_gave_up(void)
{
	size_t	 mark;

	setup();
	conf.mn.ro = RO_ALL;
	conf.mn.nro_cns = 0;
	mn_ro_init(&conf);
	t_away(COA1);
	acquire(HOA, CN);
	while (E()->state != MNRO_GAVEUP)
		advance((E()->state == MNRO_RR ? E()->t_retx :
		    E()->retry_at) - now_ms);
	mark = nsent;
	acquire(HOA, CN);
	CHECK(E()->state == MNRO_RR && E()->rounds == 0);
	CHECK(count_since(mark, MH_TYPE_HOTI) == 1);
}

static void
policy_none_does_nothing(void)
{
	setup();
	conf.mn.ro = RO_NONE;
	mn_ro_init(&conf);
	t_away(COA1);
	CHECK(nsent == 0 && nkreq == 0 && mnro.ncns == 0);
}

int
main(int argc, char **argv)
{
	/* The engine's log on stderr (MNRO_DEBUG=1: with the debug lines). */
	log_init(1, getenv("MNRO_DEBUG") != NULL ? 2 : 1);
	static const struct check_case cases[] = {
		{ "rr_kernel_bu_bound", rr_kernel_bu_bound },
		{ "granted_shorter_is_kept", granted_shorter_is_kept },
		{ "refresh_at_three_quarters", refresh_at_three_quarters },
		{ "status_135_resyncs", status_135_resyncs },
		{ "nonce_statuses_redo_the_test", nonce_statuses_redo_the_test },
		{ "nonces_expiring_in_a_row_fall_back",
		    nonces_expiring_in_a_row_fall_back },
		{ "other_refusal_tunnel_for_10_minutes",
		    other_refusal_tunnel_for_10_minutes },
		{ "binding_error_1_falls_back_and_rebinds",
		    binding_error_1_falls_back_and_rebinds },
		{ "kernel_requests_one_at_a_time",
		    kernel_requests_one_at_a_time },
		{ "kernel_refusal_backs_off", kernel_refusal_backs_off },
		{ "unanswered_retransmits_then_gives_up",
		    unanswered_retransmits_then_gives_up },
		{ "an_answer_resets_the_rounds", an_answer_resets_the_rounds },
		{ "brr_wakes_one_that_gave_up", brr_wakes_one_that_gave_up },
		{ "move_reuses_the_home_token", move_reuses_the_home_token },
		{ "old_home_token_is_not_reused",
		    old_home_token_is_not_reused },
		{ "home_deregisters", home_deregisters },
		{ "home_with_an_old_token_tests_first",
		    home_with_an_old_token_tests_first },
		{ "all_finds_correspondents_by_traffic",
		    all_finds_correspondents_by_traffic },
		{ "all_new_traffic_wakes_one_that_gave_up",
		    all_new_traffic_wakes_one_that_gave_up },
		{ "policy_none_does_nothing", policy_none_does_nothing },
	};

	return CHECK_RUN(cases, argc, argv);
}
