/*
 * Unit tests for the mobile node's binding update list entry
 * (mip6-mn/bul.c) and its mip6ctl output (mnctl.c): kernel state first,
 * retransmission timing, every BA status, refresh, expiry, deregistration.
 * `test_mn_bul` runs every case, `test_mn_bul NAME` one, `-l` lists them.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mh.h"
#include "bul.h"
#include "mn.h"
#include "check.h"

#define SEQ0		100
#define LIFE		60

static struct bul b;

static void
setup(void)
{
	struct bul_conf	 c;
	struct in6_addr	 hoa = A("2001:db8:1::100"), ha = A("2001:db8:1::2");

	memset(&c, 0, sizeof(c));
	c.lifetime = LIFE;
	c.first_reg_ms = 1500;
	c.initial_ms = 1000;
	c.max_ms = 32000;
	bul_init(&b, &c, &hoa, &ha, SEQ0);
}

/* Away at coa from t, kernel answered at once: the first BU is out. */
static void
go_away(const char *coa, uint64_t t)
{
	struct in6_addr	 a = A(coa);

	CHECK(bul_away(&b, &a, t) == BUL_ACT_KERNEL_AWAY);
	CHECK(bul_kernel_reply(&b, 0, t) == BUL_ACT_SEND_BU);
}

static void
accept_now(uint64_t t)
{
	enum bul_ba_result	 r;

	CHECK(bul_ba(&b, 0, b.seq, LIFE / 4, 0, t, &r) == 0);
	CHECK(r == BUL_BA_ACCEPTED);
}

static void
kernel_first_then_bu(void)
{
	struct in6_addr	 coa = A("2001:db8:f1::10");

	setup();
	CHECK(bul_away(&b, &coa, 0) == BUL_ACT_KERNEL_AWAY);
	CHECK(b.state == BUL_REGISTERING);
	CHECK(b.ctr.bu_sent == 0);
	/* Nothing happens on a timer while the kernel works. */
	CHECK(bul_timer(&b, 5000) == 0);
	CHECK(bul_kernel_reply(&b, 0, 10) == BUL_ACT_SEND_BU);
	CHECK(b.seq == SEQ0 + 1);
	CHECK(b.flags == (MH_BU_F_A | MH_BU_F_H));
	CHECK(b.lifetime_units == LIFE / 4);
	CHECK(b.timeout_ms == 1500);
	CHECK(b.next == 1510);
	CHECK(b.away == 1);
	/* The same address again changes nothing. */
	CHECK(bul_away(&b, &coa, 20) == 0);
}

static void
retransmission_doubles_to_max(void)
{
	uint64_t	 t = 0, want[] = { 1500, 3000, 6000, 12000, 24000, 32000,
	    32000, 32000 };
	size_t		 i;

	setup();
	go_away("2001:db8:f1::10", 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		t += want[i];
		CHECK(bul_timer(&b, t - 1) == 0);
		CHECK(bul_timer(&b, t) == BUL_ACT_SEND_BU);
		/* Each transmission has its own, newer number. */
		CHECK(b.seq == SEQ0 + 2 + i);
	}
	CHECK(b.tries == 9);
	CHECK(b.ctr.bu_retransmitted == 8);
	CHECK(b.ctr.bu_sent == 9);
}

static void
later_registration_uses_initial_timeout(void)
{
	setup();
	go_away("2001:db8:f1::10", 0);
	accept_now(100);
	CHECK(b.state == BUL_REGISTERED);
	go_away("2001:db8:f2::10", 200);
	CHECK(b.timeout_ms == 1000);
	CHECK(b.state == BUL_REGISTERING);
	CHECK(b.ctr.moves == 2);
}

static void
accepted_sets_lifetime_and_refresh(void)
{
	enum bul_ba_result	 r;

	setup();
	go_away("2001:db8:f1::10", 1000);
	CHECK(bul_ba(&b, 0, b.seq, LIFE / 4, 0, 1200, &r) == 0);
	CHECK(r == BUL_BA_ACCEPTED);
	CHECK(b.granted == LIFE);
	/* Counted from the BU's transmission, refreshed a quarter early. */
	CHECK(b.expires == 1000 + LIFE * 1000);
	CHECK(b.refresh_at == 1000 + LIFE * 1000 - LIFE * 250);
	CHECK(bul_remaining(&b, 1200) == LIFE);
	CHECK(bul_remaining(&b, 31000) == 30);
	CHECK(b.last_status == 0);
	CHECK(b.ctr.registrations == 1);
	/* The BA says at most what we asked. */
	go_away("2001:db8:f2::10", 2000);
	CHECK(bul_ba(&b, 0, b.seq, 0xffff, 0, 2100, &r) == 0);
	CHECK(b.granted == LIFE);
}

static void
lifetime_capped_by_care_of_address(void)
{
	setup();
	/* The care-of prefix is valid 20 s more: ask no more than that. */
	b.lifetime_cap = 20;
	go_away("2001:db8:f1::10", 0);
	CHECK(b.lifetime_units == 5);
	accept_now(10);
	CHECK(b.granted == 20);
	/* A prefix that outlives the configured lifetime changes nothing. */
	setup();
	b.lifetime_cap = 100000;
	go_away("2001:db8:f1::10", 0);
	CHECK(b.lifetime_units == LIFE / 4);
}

/* RFC 6275 11.7.1: nor longer than the home address lives (the home
 * prefix's valid lifetime from the last prefix advertisement). */
static void
lifetime_capped_by_home_prefix(void)
{
	setup();
	b.hoa_expires = 20000;
	go_away("2001:db8:f1::10", 0);
	CHECK(b.lifetime_units == 5);
	accept_now(10);
	/* The refresh 10 s later asks for the 10 s left. */
	CHECK(bul_brr(&b, 10000) == BUL_ACT_SEND_BU);
	CHECK(b.lifetime_units == 2);
	/* Known to live longer than the configured lifetime: no change. */
	setup();
	b.hoa_expires = 1000000;
	go_away("2001:db8:f1::10", 0);
	CHECK(b.lifetime_units == LIFE / 4);
}

static void
refresh_before_expiry(void)
{
	setup();
	go_away("2001:db8:f1::10", 0);
	accept_now(10);
	CHECK(bul_timer(&b, b.refresh_at - 1) == 0);
	CHECK(bul_timer(&b, b.refresh_at) == BUL_ACT_SEND_BU);
	CHECK(b.state == BUL_REGISTERING);
	CHECK(b.ctr.refreshes == 1);
	/* Still bound meanwhile, and no kernel request again. */
	CHECK(b.registered == 1);
	CHECK(b.timeout_ms == 1000);
	accept_now(b.refresh_at + 100);
	CHECK(b.state == BUL_REGISTERED);
}

static void
binding_refresh_advice_shortens_refresh(void)
{
	enum bul_ba_result	 r;

	setup();
	go_away("2001:db8:f1::10", 0);
	CHECK(bul_ba(&b, 0, b.seq, LIFE / 4, 2, 10, &r) == 0);
	CHECK(b.refresh_at == 8000);
}

static void
brr_refreshes_now(void)
{
	setup();
	go_away("2001:db8:f1::10", 0);
	CHECK(bul_brr(&b, 5) == 0);	/* not registered yet */
	accept_now(10);
	CHECK(bul_brr(&b, 20) == BUL_ACT_SEND_BU);
	CHECK(b.state == BUL_REGISTERING);
}

static void
expiry_without_answer(void)
{
	uint64_t	 t;

	setup();
	go_away("2001:db8:f1::10", 0);
	accept_now(10);
	t = b.refresh_at;
	CHECK(bul_timer(&b, t) == BUL_ACT_SEND_BU);
	/* The home agent stays silent: retransmissions until expiry. */
	while (b.registered && t < 200000) {
		t = b.next;
		(void)bul_timer(&b, t);
	}
	CHECK(!b.registered);
	CHECK(t == (uint64_t)LIFE * 1000);
	CHECK(b.ctr.expired == 1);
	CHECK(b.state == BUL_REGISTERING);
	CHECK(bul_remaining(&b, t) == 0);
}

static void
status_135_resyncs(void)
{
	enum bul_ba_result	 r;

	setup();
	go_away("2001:db8:f1::10", 0);
	/* The home agent's last accepted number: the next BU goes above it. */
	CHECK(bul_ba(&b, BA_STATUS_SEQ_OUT_OF_WINDOW, 5000, 0, 0, 50, &r) ==
	    BUL_ACT_SEND_BU);
	CHECK(r == BUL_BA_RESYNC);
	CHECK(b.seq == 5001);
	CHECK(b.last_status == 135);
	CHECK(b.ctr.resyncs == 1);
	CHECK(b.state == BUL_REGISTERING);
	CHECK(bul_ba(&b, 0, 5001, LIFE / 4, 0, 60, &r) == 0);
	CHECK(r == BUL_BA_ACCEPTED);
	CHECK(b.state == BUL_REGISTERED);
}

static void
status_135_in_a_loop_backs_off(void)
{
	enum bul_ba_result	 r;
	int			 i;

	setup();
	go_away("2001:db8:f1::10", 0);
	for (i = 0; i < BUL_RESYNC_BURST; i++)
		CHECK(bul_ba(&b, 135, (uint16_t)(7000 + i), 0, 0, 10, &r) ==
		    BUL_ACT_SEND_BU);
	CHECK(bul_ba(&b, 135, 7100, 0, 0, 10, &r) == 0);
	CHECK(r == BUL_BA_RESYNC);
	CHECK(b.retry_pending);
	CHECK(bul_timer(&b, 10 + 999) == 0);
	CHECK(bul_timer(&b, 10 + 1000) == BUL_ACT_SEND_BU);
	CHECK(b.seq == 7101);
}

static void
every_refusal_backs_off(void)
{
	static const uint8_t st[] = { 128, 129, 130, 131, 132, 133, 134, 136,
	    137, 138, 139, 140, 143, 174 };
	enum bul_ba_result	 r;
	size_t			 i;

	for (i = 0; i < sizeof(st); i++) {
		setup();
		go_away("2001:db8:f1::10", 0);
		CHECK(bul_ba(&b, st[i], b.seq, 0, 0, 100, &r) == 0);
		CHECK(r == BUL_BA_REJECTED);
		CHECK(b.last_status == st[i]);
		CHECK(b.ctr.rejected == 1);
		CHECK(b.state == BUL_REGISTERING);
		CHECK(!b.bu_pending);
		/* No BU before the back-off, a new one after it. */
		CHECK(bul_timer(&b, 1099) == 0);
		CHECK(bul_timer(&b, 1100) == BUL_ACT_SEND_BU);
		/* Refused again: twice as long. */
		CHECK(bul_ba(&b, st[i], b.seq, 0, 0, 1200, &r) == 0);
		CHECK(bul_timer(&b, 3199) == 0);
		CHECK(bul_timer(&b, 3200) == BUL_ACT_SEND_BU);
	}
}

static void
accepted_for_no_time_is_refused(void)
{
	enum bul_ba_result	 r;

	setup();
	go_away("2001:db8:f1::10", 0);
	CHECK(bul_ba(&b, 0, b.seq, 0, 0, 100, &r) == 0);
	CHECK(r == BUL_BA_REJECTED);
	CHECK(b.state == BUL_REGISTERING);
}

static void
stale_and_unexpected_bas_ignored(void)
{
	enum bul_ba_result	 r;
	uint16_t		 first;

	setup();
	CHECK(bul_ba(&b, 0, SEQ0, LIFE / 4, 0, 0, &r) == 0);
	CHECK(r == BUL_BA_UNEXPECTED);
	go_away("2001:db8:f1::10", 0);
	first = b.seq;
	CHECK(bul_timer(&b, 1500) == BUL_ACT_SEND_BU);
	/* A number we never sent, and an older one: nothing changes. */
	CHECK(bul_ba(&b, 0, (uint16_t)(b.seq + 1), LIFE / 4, 0, 1600, &r) == 0);
	CHECK(r == BUL_BA_STALE);
	CHECK(bul_ba(&b, 0, (uint16_t)(first - 1), LIFE / 4, 0, 1600, &r) ==
	    0);
	CHECK(r == BUL_BA_STALE);
	CHECK(b.state == BUL_REGISTERING);
	CHECK(b.ctr.ba[BUL_BA_STALE] == 2);
	CHECK(b.ctr.ba[BUL_BA_UNEXPECTED] == 1);
	/* The answer to the first transmission still counts. */
	CHECK(bul_ba(&b, 0, first, LIFE / 4, 0, 1700, &r) == 0);
	CHECK(r == BUL_BA_ACCEPTED);
}

static void
sequence_numbers_wrap(void)
{
	setup();
	b.seq = 0xffff;
	go_away("2001:db8:f1::10", 0);
	CHECK(b.seq == 0);
	accept_now(10);
	CHECK(b.state == BUL_REGISTERED);
	CHECK(bul_seq_newer(0, 0xffff));
	CHECK(bul_seq_newer(10, 0xfff0));
	CHECK(!bul_seq_newer(0xfff0, 10));
	CHECK(!bul_seq_newer(5, 5));
}

static void
home_at_start_sends_nothing(void)
{
	setup();
	CHECK(bul_home(&b, 0) == BUL_ACT_KERNEL_HOME);
	CHECK(bul_home(&b, 1) == 0);	/* request out already */
	CHECK(bul_kernel_reply(&b, 0, 5) == 0);
	CHECK(b.state == BUL_HOME);
	CHECK(b.kstate == BUL_K_HOME);
	CHECK(bul_home(&b, 10) == 0);
	CHECK(b.ctr.bu_sent == 0);
}

static void
return_home_deregisters(void)
{
	enum bul_ba_result	 r;

	setup();
	go_away("2001:db8:f1::10", 0);
	accept_now(10);
	CHECK(bul_home(&b, 100) == BUL_ACT_KERNEL_HOME);
	CHECK(b.state == BUL_DEREGISTERING);
	CHECK(bul_kernel_reply(&b, 0, 110) == BUL_ACT_SEND_BU);
	CHECK(b.lifetime_units == 0);
	CHECK(!b.away);
	CHECK(b.timeout_ms == 1000);
	CHECK(bul_timer(&b, 1110) == BUL_ACT_SEND_BU);
	CHECK(bul_ba(&b, 0, b.seq, 0, 0, 1200, &r) == 0);
	CHECK(r == BUL_BA_DEREGISTERED);
	CHECK(b.state == BUL_HOME);
	CHECK(!b.registered);
	CHECK(b.ctr.deregistrations == 1);
	CHECK(b.ctr.returns_home == 1);
	CHECK(b.next == 0);
}

static void
deregistration_refused_ends_at_home(void)
{
	enum bul_ba_result	 r;

	setup();
	go_away("2001:db8:f1::10", 0);
	accept_now(10);
	CHECK(bul_home(&b, 100) == BUL_ACT_KERNEL_HOME);
	CHECK(bul_kernel_reply(&b, 0, 110) == BUL_ACT_SEND_BU);
	CHECK(bul_ba(&b, 133, b.seq, 0, 0, 200, &r) == 0);
	CHECK(r == BUL_BA_REJECTED);
	CHECK(b.state == BUL_HOME);
}

static void
unanswered_deregistration_ends_with_the_binding(void)
{
	uint64_t	 t = 110;

	setup();
	go_away("2001:db8:f1::10", 0);
	accept_now(10);
	CHECK(bul_home(&b, 100) == BUL_ACT_KERNEL_HOME);
	CHECK(bul_kernel_reply(&b, 0, t) == BUL_ACT_SEND_BU);
	while (b.state == BUL_DEREGISTERING && t < 1000000) {
		t = b.next;
		(void)bul_timer(&b, t);
	}
	CHECK(b.state == BUL_HOME);
	CHECK(t == (uint64_t)LIFE * 1000);
}

static void
stop_away_deregisters_once(void)
{
	setup();
	CHECK(bul_stop(&b) == 0);		/* at home: nothing */
	go_away("2001:db8:f1::10", 0);
	CHECK(bul_stop(&b) == 0);		/* no binding yet */
	accept_now(10);
	CHECK(bul_stop(&b) == 1);
	CHECK(b.lifetime_units == 0);
	CHECK(b.away == 1);
	CHECK(b.state == BUL_DEREGISTERING);
}

static void
kernel_failure_is_retried(void)
{
	struct in6_addr	 coa = A("2001:db8:f1::10");

	setup();
	CHECK(bul_away(&b, &coa, 0) == BUL_ACT_KERNEL_AWAY);
	CHECK(bul_kernel_reply(&b, 1, 10) == 0);
	CHECK(b.ctr.kernel_failed == 1);
	CHECK(bul_timer(&b, 1009) == 0);
	CHECK(bul_timer(&b, 1010) == BUL_ACT_KERNEL_AWAY);
	CHECK(bul_kernel_reply(&b, 0, 1020) == BUL_ACT_SEND_BU);
}

static void
send_failure_retried_without_doubling(void)
{
	setup();
	go_away("2001:db8:f1::10", 0);
	/* No route yet: the same timeout again, soon. */
	bul_send_failed(&b, 5);
	CHECK(bul_timer(&b, 5 + BUL_SEND_RETRY_MS - 1) == 0);
	CHECK(bul_timer(&b, 5 + BUL_SEND_RETRY_MS) == BUL_ACT_SEND_BU);
	CHECK(b.timeout_ms == 1500);
	CHECK(b.ctr.bu_retransmitted == 0);
	CHECK(b.next == 5 + BUL_SEND_RETRY_MS + 1500);
	CHECK(bul_timer(&b, b.next) == BUL_ACT_SEND_BU);
	CHECK(b.timeout_ms == 3000);
}

static void
move_while_kernel_works(void)
{
	struct in6_addr	 c1 = A("2001:db8:f1::10"), c2 = A("2001:db8:f2::10");

	setup();
	CHECK(bul_away(&b, &c1, 0) == BUL_ACT_KERNEL_AWAY);
	CHECK(bul_away(&b, &c2, 5) == 0);
	/* The first answer is for c1: c2 is asked next, no BU from c1. */
	CHECK(bul_kernel_reply(&b, 0, 10) == BUL_ACT_KERNEL_AWAY);
	CHECK(b.ctr.bu_sent == 0);
	CHECK(bul_kernel_reply(&b, 0, 20) == BUL_ACT_SEND_BU);
	CHECK(memcmp(&b.kcoa, &c2, sizeof(c2)) == 0);
}

static void
show_bul_text_and_json(void)
{
	struct mn_engine	*e = calloc(1, sizeof(*e));
	char			 buf[4096];
	size_t			 n;

	setup();
	go_away("2001:db8:f1::10", 0);
	accept_now(10);
	e->bul = b;
	strcpy(e->where.ifname, "mn0");
	n = mn_format_bul(buf, sizeof(buf), 0, e, 20000);
	CHECK(n == strlen(buf));
	CHECK(strstr(buf, "home-address     2001:db8:1::100\n") != NULL);
	CHECK(strstr(buf, "home-agent       2001:db8:1::2\n") != NULL);
	CHECK(strstr(buf, "care-of-address  2001:db8:f1::10 on mn0\n") !=
	    NULL);
	CHECK(strstr(buf, "state            registered\n") != NULL);
	CHECK(strstr(buf, "lifetime         granted 60s, remaining 40s") !=
	    NULL);
	CHECK(strstr(buf, "last-status      0 (accepted)\n") != NULL);
	n = mn_format_bul(buf, sizeof(buf), 1, e, 20000);
	CHECK(strncmp(buf, "{\"bul\":[{\"home_address\":\"2001:db8:1::100\"",
	    40) == 0);
	CHECK(strstr(buf, "\"state\":\"registered\"") != NULL);
	CHECK(strstr(buf, "\"lifetime_remaining\":40") != NULL);
	CHECK(strstr(buf, "\"last_status\":0,") != NULL);
	CHECK(buf[n - 1] == '\n' && buf[n - 2] == '}');
	/* Truncation reports the length needed, like snprintf. */
	CHECK(mn_format_bul(buf, 10, 0, e, 20000) > 10);
	CHECK(strlen(buf) == 9);
	n = mn_format_stats(buf, sizeof(buf), 0, e);
	CHECK(strstr(buf, "registrations                1\n") != NULL);
	CHECK(strstr(buf, "ba_status.135                0\n") != NULL);
	n = mn_format_stats(buf, sizeof(buf), 1, e);
	CHECK(buf[0] == '{' && strstr(buf, "\"bu.sent\":1,") != NULL);
	free(e);
}

/* show bul with DHAAD's list: each home agent and what it did. */
static void
show_bul_home_agent_list(void)
{
	struct mn_engine	*e = calloc(1, sizeof(*e));
	char			 buf[4096];

	setup();
	go_away("2001:db8:f1::10", 0);
	accept_now(10);
	e->bul = b;
	e->nhas = 3;
	e->has[0] = A("2001:db8:1::a");
	e->has[1] = A("2001:db8:1::2");
	e->has[2] = A("2001:db8:1::b");
	e->ha_fail[0] = 133;
	e->ha_fail[1] = -2;
	e->ha_fail[2] = -2;
	e->ha_cur = 1;
	(void)mn_format_bul(buf, sizeof(buf), 0, e, 20000);
	CHECK(strstr(buf, "home-agents      2001:db8:1::a refused 133, "
	    "2001:db8:1::2 in-use, 2001:db8:1::b untried\n") != NULL);
	(void)mn_format_bul(buf, sizeof(buf), 1, e, 20000);
	CHECK(strstr(buf, "\"home_agents\":[{\"address\":\"2001:db8:1::a\","
	    "\"state\":\"refused\",\"status\":133},{\"address\":"
	    "\"2001:db8:1::2\",\"state\":\"in-use\",\"status\":null},"
	    "{\"address\":\"2001:db8:1::b\",\"state\":\"untried\","
	    "\"status\":null}]}]}\n") != NULL);
	e->ha_fail[1] = -1;
	e->ha_fail[2] = 129;
	e->dhaad = 1;
	(void)mn_format_bul(buf, sizeof(buf), 0, e, 20000);
	CHECK(strstr(buf, "home-agent       none (dhaad: none of the list "
	    "accepted, asking again)\n") != NULL);
	CHECK(strstr(buf, "2001:db8:1::2 no-answer, 2001:db8:1::b refused "
	    "129\n") != NULL);
	(void)mn_format_stats(buf, sizeof(buf), 0, e);
	CHECK(strstr(buf, "dhaad.next_home_agent        0\n") != NULL);
	CHECK(strstr(buf, "dhaad.list_used_up           0\n") != NULL);
	free(e);
}

/* DHAAD's list (fallback on): a refusal 128-133 hands over to the caller,
 * which names the next home agent; the away state is made again for it
 * and the BU waits InitialBindackTimeoutFirstReg (RFC 6275 11.4.1). */
static void
dhaad_refusal_goes_to_next_home_agent(void)
{
	struct in6_addr		 ha2 = A("2001:db8:1::a");
	enum bul_ba_result	 r;
	int			 st;

	for (st = 128; st <= 133; st++) {
		setup();
		b.fallback = 1;
		go_away("2001:db8:f1::10", 0);
		CHECK(bul_ba(&b, (uint8_t)st, b.seq, 0, 0, 100, &r) ==
		    BUL_ACT_HA_FAILED);
		CHECK(r == BUL_BA_REJECTED);
		CHECK(b.fail_status == st);
		CHECK(!b.bu_pending && !b.retry_pending && b.t_action == 0);
		CHECK(bul_timer(&b, 60000) == 0);
		CHECK(bul_set_ha(&b, &ha2, 200) == BUL_ACT_KERNEL_AWAY);
		CHECK(memcmp(&b.kasked_ha, &ha2, sizeof(ha2)) == 0);
		CHECK(bul_kernel_reply(&b, 0, 250) == BUL_ACT_SEND_BU);
		CHECK(b.timeout_ms == 1500);
		CHECK(memcmp(&b.ha, &ha2, sizeof(ha2)) == 0);
		accept_now(300);
		CHECK(b.state == BUL_REGISTERED);
	}
}

/* Other refusals keep the home agent and back off, and so does every
 * refusal without fallback (a configured home agent) or of a refresh
 * (the binding there still runs). */
static void
dhaad_other_refusals_back_off(void)
{
	enum bul_ba_result	 r;

	setup();
	b.fallback = 1;
	go_away("2001:db8:f1::10", 0);
	CHECK(bul_ba(&b, 134, b.seq, 0, 0, 100, &r) == 0);
	CHECK(b.retry_pending && b.t_action == 1100);
	setup();
	go_away("2001:db8:f1::10", 0);
	CHECK(bul_ba(&b, 129, b.seq, 0, 0, 100, &r) == 0);
	CHECK(b.retry_pending && b.t_action == 1100);
	setup();
	b.fallback = 1;
	go_away("2001:db8:f1::10", 0);
	accept_now(100);
	CHECK(bul_brr(&b, 1000) == BUL_ACT_SEND_BU);
	CHECK(bul_ba(&b, 129, b.seq, 0, 0, 1100, &r) == 0);
	CHECK(b.retry_pending);
}

/* Unanswered: the BUs go at 0, 1.5, 4.5 s (max 4 s), and once the one
 * sent with the timeout at its maximum is unanswered too, the caller is
 * told; without fallback the BU goes on at the maximum. */
static void
dhaad_unanswered_goes_to_next_home_agent(void)
{
	uint64_t	 t[] = { 1500, 4500 };
	size_t		 i;

	setup();
	b.c.max_ms = 4000;
	b.fallback = 1;
	go_away("2001:db8:f1::10", 0);
	for (i = 0; i < 2; i++) {
		CHECK(bul_timer(&b, t[i] - 1) == 0);
		CHECK(bul_timer(&b, t[i]) == BUL_ACT_SEND_BU);
	}
	CHECK(b.timeout_ms == 4000);
	CHECK(bul_timer(&b, 8499) == 0);
	CHECK(bul_timer(&b, 8500) == BUL_ACT_HA_FAILED);
	CHECK(b.fail_status == -1 && !b.bu_pending && b.next == 0);
	CHECK(b.ctr.bu_sent == 3);
	setup();
	b.c.max_ms = 4000;
	go_away("2001:db8:f1::10", 0);
	CHECK(bul_timer(&b, 1500) == BUL_ACT_SEND_BU);
	CHECK(bul_timer(&b, 4500) == BUL_ACT_SEND_BU);
	CHECK(bul_timer(&b, 8500) == BUL_ACT_SEND_BU);
	CHECK(bul_timer(&b, 12500) == BUL_ACT_SEND_BU);
}

/* bul_halt: nothing more goes until a home agent is named. */
static void
halt_sends_nothing(void)
{
	struct in6_addr	 ha2 = A("2001:db8:1::a");

	setup();
	b.fallback = 1;
	go_away("2001:db8:f1::10", 0);
	bul_halt(&b, 10);
	CHECK(b.next == 0);
	CHECK(bul_timer(&b, 100000) == 0);
	CHECK(bul_set_ha(&b, &ha2, 100000) == BUL_ACT_KERNEL_AWAY);
}

static const struct check_case cases[] = {
	{ "kernel_first_then_bu", kernel_first_then_bu },
	{ "retransmission_doubles_to_max", retransmission_doubles_to_max },
	{ "later_registration_uses_initial_timeout",
	    later_registration_uses_initial_timeout },
	{ "accepted_sets_lifetime_and_refresh",
	    accepted_sets_lifetime_and_refresh },
	{ "lifetime_capped_by_care_of_address",
	    lifetime_capped_by_care_of_address },
	{ "refresh_before_expiry", refresh_before_expiry },
	{ "binding_refresh_advice_shortens_refresh",
	    binding_refresh_advice_shortens_refresh },
	{ "brr_refreshes_now", brr_refreshes_now },
	{ "expiry_without_answer", expiry_without_answer },
	{ "status_135_resyncs", status_135_resyncs },
	{ "status_135_in_a_loop_backs_off", status_135_in_a_loop_backs_off },
	{ "every_refusal_backs_off", every_refusal_backs_off },
	{ "accepted_for_no_time_is_refused", accepted_for_no_time_is_refused },
	{ "stale_and_unexpected_bas_ignored",
	    stale_and_unexpected_bas_ignored },
	{ "sequence_numbers_wrap", sequence_numbers_wrap },
	{ "home_at_start_sends_nothing", home_at_start_sends_nothing },
	{ "return_home_deregisters", return_home_deregisters },
	{ "deregistration_refused_ends_at_home",
	    deregistration_refused_ends_at_home },
	{ "unanswered_deregistration_ends_with_the_binding",
	    unanswered_deregistration_ends_with_the_binding },
	{ "stop_away_deregisters_once", stop_away_deregisters_once },
	{ "kernel_failure_is_retried", kernel_failure_is_retried },
	{ "send_failure_retried_without_doubling",
	    send_failure_retried_without_doubling },
	{ "move_while_kernel_works", move_while_kernel_works },
	{ "show_bul_text_and_json", show_bul_text_and_json },
	{ "dhaad_refusal_goes_to_next_home_agent",
	    dhaad_refusal_goes_to_next_home_agent },
	{ "dhaad_other_refusals_back_off", dhaad_other_refusals_back_off },
	{ "dhaad_unanswered_goes_to_next_home_agent",
	    dhaad_unanswered_goes_to_next_home_agent },
	{ "halt_sends_nothing", halt_sends_nothing },
	{ "show_bul_home_agent_list", show_bul_home_agent_list },
	{ "lifetime_capped_by_home_prefix", lifetime_capped_by_home_prefix },
};

int
main(int argc, char *argv[])
{
	int	 rc;

	rc = CHECK_RUN(cases, argc, argv);
	return rc;
}
