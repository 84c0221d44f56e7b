/*
 * Unit tests for home registration decisions (mip6-ha/hareg.c): every BA
 * status, the sequence window, lifetimes, deregistration, the A flag, DAD.
 * `test_hareg` runs every case, `test_hareg NAME` one, `-l` lists them.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "bcache.h"
#include "config.h"
#include "counters.h"
#include "hareg.h"
#include "mh.h"
#include "check.h"

#define NOW		1000
#define MAX_LIFE_S	3600
#define MAX_BIND	4
#define A_H		(MH_BU_F_A | MH_BU_F_H)

/* Two home links, any home address allowed, DAD off, ESP required. */
static struct conf_prefix pfx1, pfx2;
static struct conf_ha_link links[2];
static struct conf_ha conf;
static struct bcache bc;
static struct hareg_ctx ctx;

static const char *HA1 = "2001:db8:1::1", *HOA = "2001:db8:1::100",
    *COA = "2001:db8:f1::10", *COA2 = "2001:db8:f2::10";

static void
setup(void)
{
	memset(&conf, 0, sizeof(conf));
	pfx1.addr = A("2001:db8:1::");
	pfx1.plen = 64;
	pfx2.addr = A("2001:db8:2::");
	pfx2.plen = 64;
	strcpy(links[0].ifname, "home0");
	links[0].addr = A(HA1);
	links[0].prefixes = &pfx1;
	links[0].nprefixes = 1;
	strcpy(links[1].ifname, "home1");
	links[1].addr = A("2001:db8:2::1");
	links[1].prefixes = &pfx2;
	links[1].nprefixes = 1;
	conf.enabled = 1;
	conf.links = links;
	conf.nlinks = 2;
	conf.max_bindings = MAX_BIND;
	conf.max_lifetime = MAX_LIFE_S;
	conf.ipsec = IPSEC_REQUIRED;
	bc_clear(&bc);
	bc_init(&bc, conf.max_bindings);
	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = &conf;
	ctx.bc = &bc;
}

struct bu {
	uint16_t	 seq, flags, life;	/* life in 4-s units */
	const char	*src, *hoa, *dst, *altcoa;
	int		 noesp;
	int		 at_home;	/* from the home address, no HAO */
	uint32_t	 prefix_valid;
	int64_t		 now;
};

static int
eq(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = A(s);

	return addr_equal(a, &b);
}

static struct bc_entry *
find(const char *s)
{
	struct in6_addr a = A(s);

	return bc_lookup(&bc, &a);
}

/* Decide on one BU and commit it, as the engine will. */
static struct hareg_result
reg(struct bu b)
{
	struct mh_msg m;
	struct hareg_in in;
	struct hareg_result r;
	struct in6_addr hao;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.u.bu.seq = b.seq;
	m.u.bu.flags = b.flags;
	m.u.bu.lifetime = b.life;
	if (b.altcoa != NULL) {
		m.opts.present |= 1u << MH_OPT_ALTCOA;
		m.opts.altcoa = A(b.altcoa);
	}
	memset(&in, 0, sizeof(in));
	in.bu = &m;
	hao = A(b.hoa ? b.hoa : HOA);
	in.src = b.at_home ? hao : A(b.src ? b.src : COA);
	in.dst = A(b.dst ? b.dst : HA1);
	in.hao = b.at_home ? NULL : &hao;
	in.esp = !b.noesp;
	in.prefix_valid = b.prefix_valid ? b.prefix_valid :
	    HAREG_LIFETIME_UNKNOWN;
	in.now = b.now ? b.now : NOW;
	hareg_decide(&ctx, &in, &r);
	hareg_commit(&ctx, &in, &r);
	return r;
}

static void
t_accepts_home_registration(void)
{
	struct hareg_result r;
	struct bc_entry *e;

	setup();
	r = reg((struct bu){ .seq = 7, .flags = A_H, .life = 100 });
	CHECK(r.send_ba && r.status == BA_STATUS_ACCEPTED);
	CHECK(r.reason == HAREG_R_ACCEPTED);
	CHECK(r.op == HAREG_OP_ADD && !r.need_dad);
	CHECK(r.seq == 7 && r.lifetime == 100);
	CHECK(r.ba_rh2 && eq(&r.ba_dst, COA) && eq(&r.ha, HA1));
	e = find(HOA);
	CHECK(e != NULL && e->state == BC_ST_ACTIVE && e->seq == 7);
	CHECK(e != NULL && e->expires == NOW + 400 && e->link == 0);
	CHECK(e != NULL && eq(&e->coa, COA));
	CHECK(e != NULL && e->stats.bu_accepted == 1);
}

static void
t_ba_on_success_without_a_flag(void)
{
	struct hareg_result r;
	struct in6_addr h = A(HOA);

	/* RFC 6275 10.3.1, 10.3.2: a home agent answers every accepted
	 * home registration and deregistration, whatever the A flag. */
	setup();
	r = reg((struct bu){ .seq = 1, .flags = MH_BU_F_H, .life = 10 });
	CHECK(r.send_ba && r.op == HAREG_OP_ADD);
	CHECK(r.status == BA_STATUS_ACCEPTED && r.seq == 1 && r.lifetime == 10);
	CHECK(find(HOA) != NULL);
	r = reg((struct bu){ .seq = 2, .flags = MH_BU_F_H, .life = 10 });
	CHECK(r.send_ba && r.op == HAREG_OP_UPDATE);
	CHECK(r.status == BA_STATUS_ACCEPTED && r.seq == 2);
	r = reg((struct bu){ .seq = 3, .flags = MH_BU_F_H, .life = 0 });
	CHECK(r.send_ba && r.op == HAREG_OP_REMOVE);
	CHECK(r.status == BA_STATUS_ACCEPTED && r.seq == 3 && r.lifetime == 0);
	CHECK(find(HOA) == NULL);
	/* With DAD: nothing while it runs, the BA after it. */
	conf.dad = 1;
	r = reg((struct bu){ .seq = 4, .flags = MH_BU_F_H, .life = 10 });
	CHECK(r.need_dad && !r.send_ba && r.op == HAREG_OP_ADD);
	CHECK(hareg_dad_done(&ctx, &h, 1, NOW + 1, &r) == 0);
	CHECK(r.send_ba && r.status == BA_STATUS_ACCEPTED && r.seq == 4);
	conf.dad = 0;
}

static void
t_ba_on_refusal_even_without_a_flag(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 1, .flags = MH_BU_F_H, .life = 10,
	    .hoa = "2001:db8:99::1" });
	CHECK(r.send_ba && r.status == BA_STATUS_NOT_HOME_SUBNET);
	CHECK(r.lifetime == 0 && r.seq == 1);
}

static void
t_not_under_esp_discarded_when_required(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .noesp = 1 });
	CHECK(!r.send_ba && r.op == HAREG_OP_NONE);
	CHECK(r.reason == HAREG_R_NO_ESP && hareg_reason_discard(r.reason));
	CHECK(find(HOA) == NULL);
	conf.ipsec = IPSEC_DISABLED;
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .noesp = 1 });
	CHECK(r.send_ba && r.status == BA_STATUS_ACCEPTED);
}

static void
t_status_129_for_reserved_home_address(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10, .hoa = HA1 });
	CHECK(r.send_ba && r.status == BA_STATUS_PROHIBITED);
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:1::" });
	CHECK(r.send_ba && r.status == BA_STATUS_PROHIBITED);
	/* Mobile IPv6 Home-Agents anycast (RFC 2526). */
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:1::fdff:ffff:ffff:fffe" });
	CHECK(r.send_ba && r.status == BA_STATUS_PROHIBITED);
	CHECK(bc.count == 0);
}

static void
t_status_130_when_cache_full(void)
{
	struct hareg_result r;
	char hoa[64];
	int i;

	setup();
	for (i = 0; i < MAX_BIND; i++) {
		snprintf(hoa, sizeof(hoa), "2001:db8:1::%d", 0x200 + i);
		r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
		    .hoa = hoa });
		CHECK(r.status == BA_STATUS_ACCEPTED);
	}
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10 });
	CHECK(r.send_ba && r.status == BA_STATUS_NO_RESOURCES);
	CHECK(r.reason == HAREG_R_NO_RESOURCES && bc.count == MAX_BIND);
	/* Existing bindings still refresh. */
	r = reg((struct bu){ .seq = 2, .flags = A_H, .life = 10,
	    .hoa = hoa });
	CHECK(r.status == BA_STATUS_ACCEPTED && r.op == HAREG_OP_UPDATE);
}

static void
t_status_131_when_home_agent_disabled(void)
{
	struct hareg_result r;

	setup();
	conf.enabled = 0;
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10 });
	CHECK(r.send_ba && r.status == BA_STATUS_HOME_REG_NOT_SUPP);
	CHECK(bc.count == 0);
	/* Enabled, but the BU went to an address that serves no link. */
	conf.enabled = 1;
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .dst = "2001:db8:1::2" });
	CHECK(r.send_ba && r.status == BA_STATUS_HOME_REG_NOT_SUPP);
	CHECK(bc.count == 0);
}

static void
t_status_132_not_home_subnet(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:99::1" });
	CHECK(r.send_ba && r.status == BA_STATUS_NOT_HOME_SUBNET);
	/* Served by this home agent, but on the other link than the
	 * address the BU was sent to. */
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:2::100" });
	CHECK(r.send_ba && r.status == BA_STATUS_NOT_HOME_SUBNET);
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:2::100", .dst = "2001:db8:2::1" });
	CHECK(r.status == BA_STATUS_ACCEPTED && r.link == 1);
	CHECK(bc.count == 1);
}

static void
t_status_133_not_home_agent_for_mn(void)
{
	struct hareg_result r;
	struct conf_mn mn;

	setup();
	/* Deregistration without a binding (RFC 6275 10.3.2). */
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 0 });
	CHECK(r.send_ba && r.status == BA_STATUS_NOT_HA_FOR_MN);
	/* A mobile-node list that does not hold it. */
	memset(&mn, 0, sizeof(mn));
	mn.hoa = A("2001:db8:1::200");
	conf.mns = &mn;
	conf.nmns = 1;
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10 });
	CHECK(r.send_ba && r.status == BA_STATUS_NOT_HA_FOR_MN);
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:1::200" });
	CHECK(r.status == BA_STATUS_ACCEPTED);
	conf.mns = NULL;
	conf.nmns = 0;
}

/* The sorted index answers like the configuration's own list. */
static void
t_mobile_node_index_matches_list(void)
{
	struct conf_mn mns[500];
	struct in6_addr a;
	size_t i;

	setup();
	memset(mns, 0, sizeof(mns));
	for (i = 0; i < 500; i++) {
		a = A("2001:db8:1::");
		/* Out of address order on purpose. */
		a.s6_addr[14] = (uint8_t)((i * 7919) >> 8);
		a.s6_addr[15] = (uint8_t)(i * 7919);
		mns[i].hoa = a;
	}
	conf.mns = mns;
	conf.nmns = 500;
	CHECK(hareg_ctx_init(&ctx, &conf, &bc) == 0);
	CHECK(ctx.mn_index != NULL && ctx.nmn_index == 500);
	for (i = 0; i < 500; i++)
		CHECK(hareg_mn_find(&ctx, &mns[i].hoa) == &mns[i]);
	a = A("2001:db8:1::ffff:ffff");
	CHECK(hareg_mn_find(&ctx, &a) == NULL);
	CHECK(reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:1::ffff:ffff" }).status ==
	    BA_STATUS_NOT_HA_FOR_MN);
	a = mns[321].hoa;
	{
		char buf[ADDR_STRLEN];

		CHECK(reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
		    .hoa = addr_ntop(&a, buf, sizeof(buf)) }).status ==
		    BA_STATUS_ACCEPTED);
	}
	hareg_ctx_free(&ctx);
	conf.mns = NULL;
	conf.nmns = 0;
}

static void
t_status_134_when_dad_fails(void)
{
	struct hareg_result r;

	setup();
	conf.dad = 1;
	r = reg((struct bu){ .seq = 5, .flags = MH_BU_F_H, .life = 10 });
	CHECK(r.need_dad && !r.send_ba && r.op == HAREG_OP_ADD);
	CHECK(find(HOA) != NULL && find(HOA)->state == BC_ST_DAD);
	CHECK(hareg_dad_done(&ctx, &(struct in6_addr){ .s6_addr = { 0 } },
	    0, NOW + 1, &r) == -1);
	{
		struct in6_addr h = A(HOA);

		CHECK(hareg_dad_done(&ctx, &h, 0, NOW + 1, &r) == 0);
		/* Refused: answered although A was clear. */
		CHECK(r.send_ba && r.status == BA_STATUS_DAD_FAILED);
		CHECK(r.seq == 5 && r.lifetime == 0);
		CHECK(r.op == HAREG_OP_NONE && find(HOA) == NULL);
		CHECK(hareg_dad_done(&ctx, &h, 1, NOW + 1, &r) == -1);
	}
}

static void
t_dad_before_first_acceptance_only(void)
{
	struct hareg_result r;
	struct in6_addr h = A(HOA);
	struct bc_entry *e;

	setup();
	conf.dad = 1;
	r = reg((struct bu){ .seq = 5, .flags = A_H | MH_BU_F_L, .life = 10 });
	CHECK(r.need_dad && r.dad_ll && !r.send_ba);
	CHECK(r.reason == HAREG_R_DAD_STARTED);
	/* Retransmission while DAD runs: absorbed, the BA follows DAD. */
	r = reg((struct bu){ .seq = 5, .flags = A_H | MH_BU_F_L, .life = 10 });
	CHECK(!r.send_ba && r.op == HAREG_OP_NONE);
	CHECK(r.reason == HAREG_R_DAD_PENDING);
	/* A newer one with a new care-of address replaces it. */
	r = reg((struct bu){ .seq = 6, .flags = A_H | MH_BU_F_L, .life = 12,
	    .src = COA2 });
	CHECK(!r.send_ba && r.op == HAREG_OP_UPDATE && !r.need_dad);
	CHECK(hareg_dad_done(&ctx, &h, 1, NOW + 2, &r) == 0);
	CHECK(r.send_ba && r.status == BA_STATUS_ACCEPTED && r.seq == 6);
	CHECK(r.op == HAREG_OP_ADD);
	CHECK(r.lifetime == 12 && eq(&r.ba_dst, COA2) && eq(&r.ha, HA1));
	e = find(HOA);
	CHECK(e != NULL && e->state == BC_ST_ACTIVE);
	CHECK(e != NULL && e->expires == NOW + 2 + 48);
	/* Refresh: no DAD again. */
	r = reg((struct bu){ .seq = 7, .flags = A_H | MH_BU_F_L, .life = 10 });
	CHECK(r.send_ba && !r.need_dad && r.op == HAREG_OP_UPDATE);
	CHECK(r.reason == HAREG_R_REFRESHED);
}

/*
 * L=1 (RFC 6275 10.3.1, 10.4.1): the mobile node's link-local address is
 * probed with the home address and held by the binding; a first
 * registration whose link-local address is held already (another binding
 * with L=1 on the link, the home agent's own identifier) gets 134.
 */
static void
t_link_local_compatibility(void)
{
	struct hareg_result r;
	struct conf_prefix two[2];
	struct in6_addr ll = A("fe80::100"), h = A(HOA), o = A("fe80::1"), h3;
	struct bc_entry *e;

	setup();
	bc_clear(&bc);
	conf.max_bindings = 16;
	bc_init(&bc, conf.max_bindings);
	/* Home link 0 serves two prefixes. */
	two[0] = pfx1;
	two[1].addr = A("2001:db8:3::");
	two[1].plen = 64;
	links[0].prefixes = two;
	links[0].nprefixes = 2;
	conf.dad = 1;
	/* L=0: the home address only. */
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:1::200" });
	CHECK(r.need_dad && !r.dad_ll);
	/* L=1: both probed; the flag stays with the entry for the kernel
	 * request (KR_BIND_LL) after DAD. */
	r = reg((struct bu){ .seq = 1, .flags = A_H | MH_BU_F_L, .life = 10 });
	CHECK(r.need_dad && r.dad_ll && r.op == HAREG_OP_ADD);
	CHECK(r.reason == HAREG_R_DAD_STARTED);
	/* Held from the start of DAD: a second node with the same
	 * identifier under the other prefix is refused with 134. */
	r = reg((struct bu){ .seq = 1, .flags = A_H | MH_BU_F_L, .life = 10,
	    .hoa = "2001:db8:3::100" });
	CHECK(r.send_ba && r.status == BA_STATUS_DAD_FAILED);
	CHECK(r.reason == HAREG_R_DAD_FAILED && !r.need_dad);
	CHECK(find("2001:db8:3::100") == NULL);
	CHECK(hareg_dad_done(&ctx, &h, 1, NOW + 1, &r) == 0);
	CHECK(r.op == HAREG_OP_ADD && (r.bu_flags & MH_BU_F_L));
	e = find(HOA);
	CHECK(e != NULL && e->state == BC_ST_ACTIVE);
	/* Found by its link-local address on its link only. */
	CHECK(hareg_ll_find(&ctx, 0, &ll, NULL) == e);
	CHECK(hareg_ll_find(&ctx, 0, &ll, &h) == NULL);
	CHECK(hareg_ll_find(&ctx, 1, &ll, NULL) == NULL);
	CHECK(hareg_ll_find(&ctx, 0, &h, NULL) == NULL);
	CHECK(hareg_ll_find(&ctx, 7, &ll, NULL) == NULL);
	/* Active: still held. */
	r = reg((struct bu){ .seq = 1, .flags = A_H | MH_BU_F_L, .life = 10,
	    .hoa = "2001:db8:3::100" });
	CHECK(r.status == BA_STATUS_DAD_FAILED && find("2001:db8:3::100") ==
	    NULL);
	/* Without L it claims no link-local address: accepted. */
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:3::100" });
	CHECK(r.need_dad && !r.dad_ll && r.op == HAREG_OP_ADD);
	/* The home agent's own identifier (2001:db8:1::1): 134 with L=1,
	 * accepted without. */
	r = reg((struct bu){ .seq = 1, .flags = A_H | MH_BU_F_L, .life = 10,
	    .hoa = "2001:db8:3::1" });
	CHECK(r.status == BA_STATUS_DAD_FAILED);
	h3 = A("2001:db8:3::1");
	CHECK(hareg_ll_taken(&ctx, 0, &h3) && hareg_ll_find(&ctx, 0, &o,
	    NULL) == NULL);
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:3::1" });
	CHECK(r.op == HAREG_OP_ADD);
	/* L cannot change inside the binding (139), in either direction. */
	r = reg((struct bu){ .seq = 2, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_REG_TYPE_CHANGE);
	r = reg((struct bu){ .seq = 2, .flags = A_H | MH_BU_F_L, .life = 10,
	    .hoa = "2001:db8:1::200" });
	CHECK(r.status == BA_STATUS_REG_TYPE_CHANGE);
	/* Deregistered: the link-local address is free again. */
	r = reg((struct bu){ .seq = 2, .flags = A_H | MH_BU_F_L, .life = 0 });
	CHECK(r.op == HAREG_OP_REMOVE && find(HOA) == NULL);
	CHECK(hareg_ll_find(&ctx, 0, &ll, NULL) == NULL);
	h3 = A("2001:db8:3::100");
	CHECK(!hareg_ll_taken(&ctx, 0, &h3));
	/* A home agent without DAD still refuses a held one. */
	conf.dad = 0;
	r = reg((struct bu){ .seq = 1, .flags = A_H | MH_BU_F_L, .life = 10,
	    .hoa = "2001:db8:3::300" });
	CHECK(r.status == BA_STATUS_ACCEPTED && !r.dad_ll);
	r = reg((struct bu){ .seq = 1, .flags = A_H | MH_BU_F_L, .life = 10,
	    .hoa = "2001:db8:1::300" });
	CHECK(r.status == BA_STATUS_DAD_FAILED);
	links[0].prefixes = &pfx1;
	links[0].nprefixes = 1;
}

static void
t_status_135_carries_last_accepted_seq(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 100, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED);
	r = reg((struct bu){ .seq = 100, .flags = MH_BU_F_H, .life = 10 });
	CHECK(r.send_ba && r.status == BA_STATUS_SEQ_OUT_OF_WINDOW);
	CHECK(r.seq == 100 && r.op == HAREG_OP_NONE);
	r = reg((struct bu){ .seq = 40, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_SEQ_OUT_OF_WINDOW && r.seq == 100);
	CHECK(find(HOA)->seq == 100 && find(HOA)->stats.bu_refused == 2);
	r = reg((struct bu){ .seq = 101, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED && r.seq == 101);
	/* Without a binding any number goes (RFC 6275 9.5.1). */
	reg((struct bu){ .seq = 102, .flags = A_H, .life = 0 });
	r = reg((struct bu){ .seq = 3, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED && r.seq == 3);
}

static void
t_seq_window_wraps_at_2_16(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 65535, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED);
	r = reg((struct bu){ .seq = 0, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED && r.seq == 0);
	r = reg((struct bu){ .seq = 32767, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED);
	/* Exactly half the circle ahead is not newer. */
	r = reg((struct bu){ .seq = 65535, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_SEQ_OUT_OF_WINDOW && r.seq == 32767);
	r = reg((struct bu){ .seq = 0, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_SEQ_OUT_OF_WINDOW && r.seq == 32767);
	r = reg((struct bu){ .seq = 32768, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED && r.seq == 32768);
}

static void
t_status_139_registration_type_change(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED);
	/* A correspondent registration for a home binding (H=0). */
	r = reg((struct bu){ .seq = 2, .flags = MH_BU_F_A, .life = 10 });
	CHECK(r.send_ba && r.status == BA_STATUS_REG_TYPE_CHANGE);
	/* L changed inside the binding. */
	r = reg((struct bu){ .seq = 2, .flags = A_H | MH_BU_F_L, .life = 10 });
	CHECK(r.send_ba && r.status == BA_STATUS_REG_TYPE_CHANGE);
	CHECK(find(HOA)->flags == A_H && find(HOA)->seq == 1);
	/* K may change. */
	r = reg((struct bu){ .seq = 2, .flags = A_H | MH_BU_F_K, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED);
	/* R changed, on a home agent that serves mobile routers. */
	ctx.nemo = 1;
	r = reg((struct bu){ .seq = 3, .flags = A_H | MH_BU_F_R, .life = 10 });
	CHECK(r.send_ba && r.status == BA_STATUS_REG_TYPE_CHANGE);
	ctx.nemo = 0;
	/* H=0 without a binding is the correspondent's: not ours. */
	r = reg((struct bu){ .seq = 1, .flags = MH_BU_F_A, .life = 10,
	    .hoa = "2001:db8:1::300" });
	CHECK(!r.send_ba && r.reason == HAREG_R_NOT_HOME_REG);
}

static void
t_status_140_mobile_router_not_served(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 1, .flags = A_H | MH_BU_F_R, .life = 10 });
	CHECK(r.send_ba && r.status == BA_STATUS_MR_NOT_PERMITTED);
	ctx.nemo = 1;
	r = reg((struct bu){ .seq = 1, .flags = A_H | MH_BU_F_R, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED && (r.ba_flags & MH_BA_F_R));
}

static void
t_lifetime_clamped(void)
{
	struct hareg_result r;

	setup();
	/* To the request. */
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 5 });
	CHECK(r.lifetime == 5);
	/* To max-lifetime (3600 s = 900 units). */
	r = reg((struct bu){ .seq = 2, .flags = A_H, .life = 65535 });
	CHECK(r.lifetime == MAX_LIFE_S / 4);
	CHECK(find(HOA)->expires == NOW + MAX_LIFE_S);
	/* To the prefix's valid lifetime, rounded down to 4-s units. */
	r = reg((struct bu){ .seq = 3, .flags = A_H, .life = 65535,
	    .prefix_valid = 1001 });
	CHECK(r.lifetime == 250);
	/* A prefix about to vanish is no home for long. */
	r = reg((struct bu){ .seq = 4, .flags = A_H, .life = 65535,
	    .prefix_valid = 3 });
	CHECK(r.status == BA_STATUS_NOT_HOME_SUBNET);
	CHECK(hareg_grant(&conf, 100, HAREG_LIFETIME_UNKNOWN) == 100);
	CHECK(hareg_grant(&conf, 100000, HAREG_LIFETIME_UNKNOWN) ==
	    MAX_LIFE_S);
	CHECK(hareg_grant(&conf, 100, 50) == 50);
}

static void
t_deregistration_removes_binding(void)
{
	struct hareg_result r;

	setup();
	reg((struct bu){ .seq = 1, .flags = A_H, .life = 10 });
	r = reg((struct bu){ .seq = 2, .flags = A_H, .life = 0 });
	CHECK(r.send_ba && r.status == BA_STATUS_ACCEPTED);
	CHECK(r.op == HAREG_OP_REMOVE && r.lifetime == 0);
	CHECK(r.reason == HAREG_R_DEREGISTERED && find(HOA) == NULL);
	/* Care-of address equal to the home address, sent from home:
	 * no HAO in, no type 2 routing header out. */
	reg((struct bu){ .seq = 3, .flags = A_H, .life = 10 });
	r = reg((struct bu){ .seq = 4, .flags = A_H, .life = 10,
	    .at_home = 1 });
	CHECK(r.send_ba && r.status == BA_STATUS_ACCEPTED);
	CHECK(r.op == HAREG_OP_REMOVE && r.lifetime == 0 && !r.ba_rh2);
	CHECK(eq(&r.ba_dst, HOA) && find(HOA) == NULL);
	/* Alternate CoA equal to the home address. */
	reg((struct bu){ .seq = 5, .flags = A_H, .life = 10 });
	r = reg((struct bu){ .seq = 6, .flags = A_H, .life = 10,
	    .altcoa = HOA });
	CHECK(r.op == HAREG_OP_REMOVE && find(HOA) == NULL);
}

static void
t_alternate_coa_option_names_the_coa(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10,
	    .altcoa = COA2 });
	CHECK(r.status == BA_STATUS_ACCEPTED && eq(&r.coa, COA2));
	CHECK(eq(&find(HOA)->coa, COA2));
	/* The BA goes back where the BU came from. */
	CHECK(eq(&r.ba_dst, COA));
	r = reg((struct bu){ .seq = 2, .flags = A_H, .life = 10 });
	CHECK(r.coa_changed && eq(&find(HOA)->coa, COA));
	CHECK(find(HOA)->stats.coa_changes == 1);
	/* A care-of address that is not global unicast: dropped. */
	r = reg((struct bu){ .seq = 3, .flags = A_H, .life = 10,
	    .altcoa = "ff02::1" });
	CHECK(!r.send_ba && r.reason == HAREG_R_BAD_COA);
	r = reg((struct bu){ .seq = 3, .flags = A_H, .life = 10,
	    .hoa = "fe80::1" });
	CHECK(!r.send_ba && r.reason == HAREG_R_BAD_HOA);
}

static void
t_circular_coa_discarded(void)
{
	struct hareg_result r;
	const char *H2 = "2001:db8:1::200", *H3 = "2001:db8:1::300";

	/* RFC 6275 9.5.1: a care-of address that is the home address of a
	 * binding leading back to this home address is silently dropped. */
	setup();
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED);
	/* H2 -> HOA -> COA: no loop, accepted. */
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10, .hoa = H2,
	    .altcoa = HOA });
	CHECK(r.send_ba && r.status == BA_STATUS_ACCEPTED);
	CHECK(eq(&find(H2)->coa, HOA));
	/* HOA -> H2 -> HOA: a loop of two. */
	r = reg((struct bu){ .seq = 2, .flags = A_H, .life = 10,
	    .altcoa = H2 });
	CHECK(!r.send_ba && r.op == HAREG_OP_NONE);
	CHECK(r.reason == HAREG_R_CIRCULAR_COA && hareg_reason_discard(r.reason));
	CHECK(eq(&find(HOA)->coa, COA) && find(HOA)->seq == 1);
	/* H3 -> H2 -> HOA -> COA: accepted; then HOA -> H3: a loop of three. */
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 10, .hoa = H3,
	    .altcoa = H2 });
	CHECK(r.status == BA_STATUS_ACCEPTED && find(H3) != NULL);
	r = reg((struct bu){ .seq = 3, .flags = A_H, .life = 10,
	    .altcoa = H3 });
	CHECK(!r.send_ba && r.reason == HAREG_R_CIRCULAR_COA);
	/* A deregistration is no loop. */
	r = reg((struct bu){ .seq = 3, .flags = A_H, .life = 0,
	    .altcoa = H3 });
	CHECK(r.send_ba && r.op == HAREG_OP_REMOVE);
}

static void
t_key_management_flag(void)
{
	struct hareg_result r;

	setup();
	r = reg((struct bu){ .seq = 1, .flags = A_H | MH_BU_F_K, .life = 10 });
	CHECK(r.status == BA_STATUS_ACCEPTED && !(r.ba_flags & MH_BA_F_K));
	ctx.km_mobility = 1;
	r = reg((struct bu){ .seq = 2, .flags = A_H | MH_BU_F_K, .life = 10 });
	CHECK(r.ba_flags & MH_BA_F_K);
	r = reg((struct bu){ .seq = 3, .flags = A_H, .life = 10 });
	CHECK(!(r.ba_flags & MH_BA_F_K));
}

static void
t_refresh_request_scheduled_before_expiry(void)
{
	struct hareg_result r;
	enum bc_event ev;
	struct bc_entry *e;

	setup();
	conf.brr_before = 30;
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 25 });
	CHECK(r.brr_at == NOW + 100 - 30);
	CHECK(bc_next_deadline(&bc) == NOW + 70);
	e = bc_pop_due(&bc, NOW + 70, &ev);
	CHECK(e != NULL && ev == BC_EV_BRR);
	e = bc_pop_due(&bc, NOW + 99, &ev);
	CHECK(e == NULL);
	e = bc_pop_due(&bc, NOW + 100, &ev);
	CHECK(e != NULL && ev == BC_EV_EXPIRE);
	/* Lifetime no longer than brr-before: no BRR. */
	setup();
	conf.brr_before = 30;
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 5 });
	CHECK(r.brr_at == 0);
}

static void
t_ba_bytes_parse_back_with_checksum(void)
{
	struct hareg_result r;
	uint8_t buf[MH_MAX_LEN];
	size_t len = 0;
	struct mh_msg m;
	/* Not COA: its words happen to sum like HOA's. */
	struct in6_addr src = A(HA1), dst = A(HOA), coa = A(COA2);

	setup();
	r = reg((struct bu){ .seq = 4242, .flags = A_H, .life = 77 });
	CHECK(hareg_build_ba(&r, buf, sizeof(buf), &len) == MH_OK);
	CHECK(len == 16);
	/* The receiver's pseudo-header: source the home agent, destination
	 * the home address (the type 2 routing header's final one). */
	CHECK(mh_parse(buf, len, &src, &dst, &m) == MH_OK);
	CHECK(m.type == MH_TYPE_BA && m.u.ba.status == 0);
	CHECK(m.u.ba.seq == 4242 && m.u.ba.lifetime == 77);
	CHECK(mh_parse(buf, len, &src, &coa, &m) == MH_ERR_CKSUM);
	r = reg((struct bu){ .seq = 1, .flags = A_H, .life = 77 });
	CHECK(hareg_build_ba(&r, buf, sizeof(buf), &len) == MH_OK);
	CHECK(mh_parse(buf, len, &src, &dst, &m) == MH_OK);
	CHECK(m.u.ba.status == BA_STATUS_SEQ_OUT_OF_WINDOW);
	CHECK(m.u.ba.seq == 4242 && m.u.ba.lifetime == 0);
	CHECK(hareg_build_ba(&r, buf, 8, &len) == MH_ERR_NOSPACE);
}

static void
t_brr_and_be_bytes_parse_back(void)
{
	uint8_t buf[MH_MAX_LEN];
	size_t len = 0;
	struct mh_msg m;
	struct in6_addr ha = A(HA1), hoa = A(HOA), coa = A(COA);

	CHECK(hareg_build_brr(&ha, &hoa, buf, sizeof(buf), &len) == MH_OK);
	CHECK(len == 8);
	CHECK(mh_parse(buf, len, &ha, &hoa, &m) == MH_OK);
	CHECK(m.type == MH_TYPE_BRR);
	CHECK(hareg_build_be(&ha, &coa, BE_STATUS_UNKNOWN_HAO, &hoa, buf,
	    sizeof(buf), &len) == MH_OK);
	CHECK(mh_parse(buf, len, &ha, &coa, &m) == MH_OK);
	CHECK(m.type == MH_TYPE_BE && m.u.be.status == BE_STATUS_UNKNOWN_HAO);
	CHECK(addr_equal(&m.u.be.hoa, &hoa));
}

static void
t_binding_errors_rate_limited(void)
{
	struct hareg_rate rl;
	int i, n;

	hareg_rate_init(&rl, 10, 0);
	/* A burst of the rate, then nothing within the same second. */
	for (i = n = 0; i < 100; i++)
		n += hareg_rate_allow(&rl, 5);
	CHECK(n == 10);
	/* 100 ms gives one more. */
	CHECK(hareg_rate_allow(&rl, 105) == 1);
	CHECK(hareg_rate_allow(&rl, 105) == 0);
	/* A steady second at 1 ms steps gives the rate, not more. */
	for (i = 1, n = 0; i <= 1000; i++)
		n += hareg_rate_allow(&rl, 105 + i);
	CHECK(n == 10);
	/* A long pause refills only to the burst. */
	for (i = n = 0; i < 100; i++)
		n += hareg_rate_allow(&rl, 100000);
	CHECK(n == 10);
	hareg_rate_init(&rl, 0, 0);
	for (i = n = 0; i < 100; i++)
		n += hareg_rate_allow(&rl, 0);
	CHECK(n == 100);
}

static void
t_reason_names_are_unique(void)
{
	int i, j;

	for (i = 0; i < HAREG_R_COUNT; i++) {
		CHECK(strcmp(hareg_reason_str(i), "unknown") != 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(hareg_reason_str(i),
			    hareg_reason_str(j)) != 0);
	}
}

#define MAX_NAMES	256

struct names {
	char	 name[MAX_NAMES][64];
	size_t	 n;
	int	 dup;
};

static void
collect(const char *name, uint64_t v, void *arg)
{
	struct names *ns = arg;
	size_t i;

	(void)v;
	for (i = 0; i < ns->n; i++)
		if (strcmp(ns->name[i], name) == 0)
			ns->dup = 1;
	if (ns->n < MAX_NAMES)
		snprintf(ns->name[ns->n++], sizeof(ns->name[0]), "%s", name);
}

/* Count one BU the way the engine will. */
static void
count(struct ha_counters *c, struct hareg_result r)
{
	ha_ctr_rx(c, MH_TYPE_BU);
	ha_ctr_bu(c, r.reason);
	if (r.send_ba)
		ha_ctr_tx(c, MH_TYPE_BA, r.status);
}

static uint64_t
ctr(const struct ha_counters *c, const char *name)
{
	uint64_t v = UINT64_MAX;

	CHECK(ha_ctr_get(c, name, &v) == 0);
	return v;
}

static void
t_counters_account_every_outcome(void)
{
	static struct names ns;
	struct ha_counters c;
	size_t n;

	memset(&c, 0, sizeof(c));
	memset(&ns, 0, sizeof(ns));
	setup();
	count(&c, reg((struct bu){ .seq = 1, .flags = A_H, .life = 10 }));
	count(&c, reg((struct bu){ .seq = 1, .flags = A_H, .life = 10 }));
	count(&c, reg((struct bu){ .seq = 2, .flags = A_H, .life = 10,
	    .noesp = 1 }));
	count(&c, reg((struct bu){ .seq = 2, .flags = A_H, .life = 10,
	    .hoa = "2001:db8:99::1" }));
	ha_ctr_rx_err(&c, MH_ERR_CKSUM);
	ha_ctr_rx(&c, 200);
	CHECK(ctr(&c, "rx.BU") == 4);
	CHECK(ctr(&c, "bu.accepted.accepted") == 1);
	CHECK(ctr(&c, "bu.refused.seq_out_of_window") == 1);
	CHECK(ctr(&c, "bu.discarded.not_under_esp") == 1);
	CHECK(ctr(&c, "bu.refused.not_home_subnet") == 1);
	CHECK(ctr(&c, "tx.BA") == 3);
	CHECK(ctr(&c, "tx.ba_status.0") == 1);
	CHECK(ctr(&c, "tx.ba_status.135") == 1);
	CHECK(ctr(&c, "tx.ba_status.132") == 1);
	CHECK(ctr(&c, "rx_error.bad_checksum") == 1);
	CHECK(ctr(&c, "rx.unknown_type") == 1);
	CHECK(ha_ctr_get(&c, "no.such", &(uint64_t){ 0 }) == -1);
	n = ha_ctr_foreach(&c, collect, &ns);
	CHECK(n == ns.n && n < MAX_NAMES && !ns.dup);
}

static const struct check_case cases[] = {
	{ "accepts_home_registration", t_accepts_home_registration },
	{ "ba_on_success_without_a_flag",
	    t_ba_on_success_without_a_flag },
	{ "ba_on_refusal_even_without_a_flag",
	    t_ba_on_refusal_even_without_a_flag },
	{ "not_under_esp_discarded_when_required",
	    t_not_under_esp_discarded_when_required },
	{ "status_129_for_reserved_home_address",
	    t_status_129_for_reserved_home_address },
	{ "status_130_when_cache_full", t_status_130_when_cache_full },
	{ "status_131_when_home_agent_disabled",
	    t_status_131_when_home_agent_disabled },
	{ "status_132_not_home_subnet", t_status_132_not_home_subnet },
	{ "status_133_not_home_agent_for_mn",
	    t_status_133_not_home_agent_for_mn },
	{ "mobile_node_index_matches_list",
	    t_mobile_node_index_matches_list },
	{ "status_134_when_dad_fails", t_status_134_when_dad_fails },
	{ "dad_before_first_acceptance_only",
	    t_dad_before_first_acceptance_only },
	{ "link_local_compatibility", t_link_local_compatibility },
	{ "status_135_carries_last_accepted_seq",
	    t_status_135_carries_last_accepted_seq },
	{ "seq_window_wraps_at_2_16", t_seq_window_wraps_at_2_16 },
	{ "status_139_registration_type_change",
	    t_status_139_registration_type_change },
	{ "status_140_mobile_router_not_served",
	    t_status_140_mobile_router_not_served },
	{ "lifetime_clamped", t_lifetime_clamped },
	{ "deregistration_removes_binding", t_deregistration_removes_binding },
	{ "alternate_coa_option_names_the_coa",
	    t_alternate_coa_option_names_the_coa },
	{ "circular_coa_discarded", t_circular_coa_discarded },
	{ "key_management_flag", t_key_management_flag },
	{ "refresh_request_scheduled_before_expiry",
	    t_refresh_request_scheduled_before_expiry },
	{ "ba_bytes_parse_back_with_checksum",
	    t_ba_bytes_parse_back_with_checksum },
	{ "brr_and_be_bytes_parse_back", t_brr_and_be_bytes_parse_back },
	{ "binding_errors_rate_limited", t_binding_errors_rate_limited },
	{ "reason_names_are_unique", t_reason_names_are_unique },
	{ "counters_account_every_outcome", t_counters_account_every_outcome },
};

static double
secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* n bindings registered, refreshed, deregistered: decide + commit only. */
static int
bench(uint32_t n)
{
	struct mh_msg m;
	struct hareg_in in;
	struct hareg_result r;
	struct in6_addr hao = A(HOA);
	double t[4];
	uint32_t i, bad = 0;
	int pass;
	static const uint16_t life[3] = { 100, 100, 0 };

	setup();
	bc_clear(&bc);
	bc_init(&bc, n);
	conf.max_bindings = n;
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	memset(&in, 0, sizeof(in));
	in.bu = &m;
	in.src = A(COA);
	in.dst = A(HA1);
	in.hao = &hao;
	in.esp = 1;
	in.prefix_valid = HAREG_LIFETIME_UNKNOWN;
	in.now = NOW;
	t[0] = secs();
	for (pass = 0; pass < 3; pass++) {
		m.u.bu.seq = (uint16_t)(pass + 1);
		m.u.bu.flags = A_H;
		m.u.bu.lifetime = life[pass];
		for (i = 0; i < n; i++) {
			hao.s6_addr[12] = (uint8_t)(i >> 24);
			hao.s6_addr[13] = (uint8_t)(i >> 16);
			hao.s6_addr[14] = (uint8_t)(i >> 8);
			hao.s6_addr[15] = (uint8_t)i;
			hao.s6_addr[11] = 1;	/* clear of the anycast range */
			hareg_decide(&ctx, &in, &r);
			if (r.status != BA_STATUS_ACCEPTED)
				bad++;
			hareg_commit(&ctx, &in, &r);
		}
		t[pass + 1] = secs();
	}
	printf("bindings=%" PRIu32 " register_per_s=%.0f refresh_per_s=%.0f "
	    "deregister_per_s=%.0f refused=%" PRIu32 " left=%" PRIu32 "\n",
	    n, n / (t[1] - t[0]), n / (t[2] - t[1]), n / (t[3] - t[2]), bad,
	    bc.count);
	return bad != 0 || bc.count != 0;
}

int
main(int argc, char *argv[])
{
	int	 rc;

	if (argc > 2 && strcmp(argv[1], "bench") == 0)
		return bench((uint32_t)strtoul(argv[2], NULL, 10));

	rc = CHECK_RUN(cases, argc, argv);
	bc_clear(&bc);
	return rc;
}
