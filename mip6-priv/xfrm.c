/*
 * XFRM states and policies for Mobile IPv6 (see xfrm.h), as raw
 * NETLINK_XFRM messages built with libnl's message API and sent through
 * the same pipeline as the route requests (kernel.c).
 */
#include <net/if.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include <linux/xfrm.h>
#include <linux/ipsec.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "log.h"
#include "config.h"
#include "mip6_const.h"
#include "kernel.h"
#include "xfrm.h"

#define XFRM_BITS_PER_BYTE	8

static void
xfrm_sel(struct xfrm_selector *sel, const struct in6_addr *src,
    const struct in6_addr *dst, uint8_t proto, int mhtype)
{
	memset(sel, 0, sizeof(*sel));
	sel->family = AF_INET6;
	if (src != NULL) {
		memcpy(&sel->saddr, src, sizeof(*src));
		sel->prefixlen_s = 128;
	}
	if (dst != NULL) {
		memcpy(&sel->daddr, dst, sizeof(*dst));
		sel->prefixlen_d = 128;
	}
	sel->proto = proto;
	if (mhtype >= 0) {
		/* The kernel keys MH selectors on the type in sport. */
		sel->sport = htons((uint16_t)mhtype);
		sel->sport_mask = 0xffff;
	}
}

static void
xfrm_lft_inf(struct xfrm_lifetime_cfg *l)
{
	l->soft_byte_limit = l->hard_byte_limit = XFRM_INF;
	l->soft_packet_limit = l->hard_packet_limit = XFRM_INF;
}

static int
xfrm_queue(struct nl_msg *msg, int ok, kr_cb cb, void *arg)
{
	if (msg == NULL || !ok) {
		if (msg != NULL)
			nlmsg_free(msg);
		if (cb != NULL)
			cb(arg, ENOMEM);
		return -1;
	}
	kr_nl_send(&kr_xfrm, msg, cb, arg);
	return 0;
}

/* A route-optimization state: proto route2 or hao, mode ro, coa. */
static struct nl_msg *
xfrm_ro_state_msg_r(int add, int upd, uint8_t proto,
    const struct in6_addr *src, const struct in6_addr *dst,
    const struct in6_addr *coa, uint32_t reqid)
{
	struct xfrm_usersa_info	 sa;
	struct xfrm_usersa_id	 id;
	struct nl_msg		*msg;
	xfrm_address_t		 c;
	int			 ok;

	if (!add) {
		memset(&id, 0, sizeof(id));
		memcpy(&id.daddr, dst, sizeof(*dst));
		id.family = AF_INET6;
		id.proto = proto;
		if ((msg = nlmsg_alloc_simple(XFRM_MSG_DELSA, 0)) == NULL)
			return NULL;
		ok = nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO) == 0 &&
		    nla_put(msg, XFRMA_SRCADDR, sizeof(xfrm_address_t),
		    src) == 0;
		if (!ok) {
			nlmsg_free(msg);
			return NULL;
		}
		return msg;
	}
	memset(&sa, 0, sizeof(sa));
	xfrm_sel(&sa.sel, IN6_IS_ADDR_UNSPECIFIED(src) ? NULL : src,
	    IN6_IS_ADDR_UNSPECIFIED(dst) ? NULL : dst, 0, -1);
	memcpy(&sa.id.daddr, dst, sizeof(*dst));
	sa.id.proto = proto;
	memcpy(&sa.saddr, src, sizeof(*src));
	xfrm_lft_inf(&sa.lft);
	sa.reqid = reqid;
	sa.family = AF_INET6;
	sa.mode = XFRM_MODE_ROUTEOPTIMIZATION;
	/* A wildcard state only matches input with WILDRECV
	 * (xfrm6_input_addr): without it every HAO packet is dropped. */
	if (IN6_IS_ADDR_UNSPECIFIED(src) || IN6_IS_ADDR_UNSPECIFIED(dst))
		sa.flags |= XFRM_STATE_WILDRECV;
	memset(&c, 0, sizeof(c));
	memcpy(&c, coa, sizeof(*coa));
	if ((msg = nlmsg_alloc_simple(upd ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA,
	    0)) == NULL)
		return NULL;
	ok = nlmsg_append(msg, &sa, sizeof(sa), NLMSG_ALIGNTO) == 0 &&
	    nla_put(msg, XFRMA_COADDR, sizeof(c), &c) == 0;
	if (!ok) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct nl_msg *
xfrm_ro_state_msg(int add, int upd, uint8_t proto, const struct in6_addr *src,
    const struct in6_addr *dst, const struct in6_addr *coa)
{
	return xfrm_ro_state_msg_r(add, upd, proto, src, dst, coa,
	    XFRM_REQID_RO);
}

struct xfrm_tmplspec {
	uint8_t		 proto;		/* IPPROTO_ESP, _ROUTING, _DSTOPTS */
	uint8_t		 mode;
	uint8_t		 optional;
	uint32_t	 reqid;
	/* NULL: any state; set: only a state of these addresses (in RO
	 * mode the kernel compares them, xfrm_state_ok) */
	const struct in6_addr *saddr, *daddr;
};

static struct nl_msg *
xfrm_policy_msg(int add, const struct xfrm_selector *sel, uint8_t dir,
    uint32_t prio, const struct xfrm_tmplspec *ts, size_t nts)
{
	struct xfrm_userpolicy_info	 p;
	struct xfrm_userpolicy_id	 pid;
	struct xfrm_user_tmpl		 t[2];
	struct nl_msg			*msg;
	size_t				 i;
	int				 ok;

	if (!add) {
		memset(&pid, 0, sizeof(pid));
		pid.sel = *sel;
		pid.dir = dir;
		if ((msg = nlmsg_alloc_simple(XFRM_MSG_DELPOLICY, 0)) == NULL)
			return NULL;
		if (nlmsg_append(msg, &pid, sizeof(pid), NLMSG_ALIGNTO) != 0) {
			nlmsg_free(msg);
			return NULL;
		}
		return msg;
	}
	memset(&p, 0, sizeof(p));
	p.sel = *sel;
	xfrm_lft_inf(&p.lft);
	p.priority = prio;
	p.dir = dir;
	p.action = XFRM_POLICY_ALLOW;
	memset(t, 0, sizeof(t));
	for (i = 0; i < nts && i < 2; i++) {
		t[i].id.proto = ts[i].proto;
		t[i].family = AF_INET6;
		t[i].reqid = ts[i].reqid;
		t[i].mode = ts[i].mode;
		t[i].optional = ts[i].optional;
		t[i].aalgos = t[i].ealgos = t[i].calgos = ~0u;
		if (ts[i].saddr != NULL)
			memcpy(&t[i].saddr, ts[i].saddr, sizeof(*ts[i].saddr));
		if (ts[i].daddr != NULL)
			memcpy(&t[i].id.daddr, ts[i].daddr,
			    sizeof(*ts[i].daddr));
	}
	/* UPDPOLICY creates or replaces: a move never drops the policy. */
	if ((msg = nlmsg_alloc_simple(XFRM_MSG_UPDPOLICY, 0)) == NULL)
		return NULL;
	ok = nlmsg_append(msg, &p, sizeof(p), NLMSG_ALIGNTO) == 0 &&
	    (nts == 0 || nla_put(msg, XFRMA_TMPL,
	    (int)(sizeof(t[0]) * nts), t) == 0);
	if (!ok) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * UPDSA changes a state in place (the care-of address of a move, with no
 * moment without the state) but fails with ESRCH when there is none yet;
 * then the same message goes again as NEWSA.  The NEWSA goes at the back
 * of the queue, behind the policies of the same request: a packet that
 * meets the new out policy first makes the kernel create a larval
 * (acquire) state of the same selector, and the NEWSA then fails with
 * EEXIST.  UPDSA replaces a larval state (xfrm_state_update), so EEXIST
 * sends the message again as UPDSA: the upsert is idempotent whatever
 * appeared in between (a few rounds at most).
 */
#define XFRM_UPSERT_TRIES	4

struct xfrm_upsert {
	struct nl_msg	*copy;		/* the message, for another round */
	kr_cb		 cb;
	void		*arg;
	int		 tries;
};

static struct nl_msg *
xfrm_msg_dup(struct nl_msg *src, int type)
{
	struct nlmsghdr	*nlh = nlmsg_hdr(src);
	struct nl_msg	*m;

	if ((m = nlmsg_alloc_simple(type, 0)) == NULL)
		return NULL;
	if (nlmsg_append(m, nlmsg_data(nlh), nlmsg_datalen(nlh),
	    NLMSG_ALIGNTO) != 0) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

static void
xfrm_upsert_cb(void *arg, int error)
{
	struct xfrm_upsert	*u = arg;
	struct nl_msg		*m = NULL;

	if ((error == ESRCH || error == EEXIST) && u->copy != NULL &&
	    ++u->tries < XFRM_UPSERT_TRIES &&
	    (m = xfrm_msg_dup(u->copy, error == ESRCH ? XFRM_MSG_NEWSA :
	    XFRM_MSG_UPDSA)) != NULL) {
		kr_nl_send(&kr_xfrm, m, xfrm_upsert_cb, u);
		return;
	}
	if (u->copy != NULL)
		nlmsg_free(u->copy);
	if (u->cb != NULL)
		u->cb(u->arg, error);
	free(u);
}

/*
 * Send; an UPDSA (or with upsert an NEWSA) goes round again as NEWSA when
 * the state is missing, as UPDSA when it exists (xfrm_upsert_cb).
 */
static void
xfrm_send_up(struct nl_msg *msg, int upsert, kr_cb cb, void *arg,
    int *queued)
{
	struct xfrm_upsert	*u;

	(*queued)++;
	if (msg == NULL) {
		if (cb != NULL)
			cb(arg, ENOMEM);
		return;
	}
	if (nlmsg_hdr(msg)->nlmsg_type != XFRM_MSG_UPDSA && !upsert) {
		kr_nl_send(&kr_xfrm, msg, cb, arg);
		return;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL) {
		nlmsg_free(msg);
		if (cb != NULL)
			cb(arg, ENOMEM);
		return;
	}
	/* Without a copy the first answer is final (no second round). */
	u->copy = xfrm_msg_dup(msg, XFRM_MSG_UPDSA);
	u->cb = cb;
	u->arg = arg;
	kr_nl_send(&kr_xfrm, msg, xfrm_upsert_cb, u);
}

static void
xfrm_send(struct nl_msg *msg, kr_cb cb, void *arg, int *queued)
{
	xfrm_send_up(msg, 0, cb, arg, queued);
}

/*
 * Four requests: out state and policy, in state and policy.  cb runs once
 * per request; callers count (kreq.c uses a batch).  Returns the number
 * of requests queued.
 */
int
xfrm_ro(int add, int mn, const struct in6_addr *hoa,
    const struct in6_addr *coa, const struct in6_addr *peer, kr_cb cb,
    void *arg)
{
	struct xfrm_selector	 sel;
	struct xfrm_tmplspec	 ts;
	int			 n = 0;
	/* mobile node: out carries HAO, in carries RH2; correspondent: reverse */
	uint8_t			 outp = mn ? IPPROTO_DSTOPTS : IPPROTO_ROUTING;
	uint8_t			 inp = mn ? IPPROTO_ROUTING : IPPROTO_DSTOPTS;
	const struct in6_addr	*me = mn ? hoa : peer;
	const struct in6_addr	*them = mn ? peer : hoa;

	memset(&ts, 0, sizeof(ts));
	ts.mode = XFRM_MODE_ROUTEOPTIMIZATION;
	ts.reqid = XFRM_REQID_RO;
	if (add) {
		/* States first (update in place if present), then policies. */
		xfrm_send(xfrm_ro_state_msg(1, 1, outp, me, them, coa), cb,
		    arg, &n);
		xfrm_send(xfrm_ro_state_msg(1, 1, inp, them, me, coa), cb,
		    arg, &n);
	}
	xfrm_sel(&sel, me, them, 0, -1);
	ts.proto = outp;
	xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_OUT, XFRM_PRIO_RO,
	    &ts, 1), cb, arg, &n);
	/*
	 * Correspondent: its Mobility Header messages bypass the binding (a
	 * policy without template ahead of the RO one).  The Home Test goes
	 * to the home address through the home agent (RFC 6275 5.2.5: the
	 * return routability test checks the home path); a BA goes to the
	 * BU's source with the routing header mip6-sig attaches itself (the
	 * route2 state would add a second one, to the old care-of address).
	 */
	if (!mn) {
		xfrm_sel(&sel, me, them, IPPROTO_MH, -1);
		xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_OUT,
		    XFRM_PRIO_RO - 1, NULL, 0), cb, arg, &n);
	} else {
		/* Mobile node: a HoTI (a refresh's) goes through the home
		 * agent without the option (RFC 6275 5.2.5). */
		xfrm_sel(&sel, me, them, IPPROTO_MH, MH_TYPE_HOTI);
		xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_OUT,
		    XFRM_PRIO_RO - 1, NULL, 0), cb, arg, &n);
	}
	xfrm_sel(&sel, them, me, 0, -1);
	ts.proto = inp;
	/* Inbound the header is optional: plain packets still pass. */
	ts.optional = 1;
	if (!mn) {
		/*
		 * RFC 6275 9.3.1: a Home Address option is good only from
		 * the registered care-of address.  The binding's own hao
		 * state checks the care-of address; the template names its
		 * addresses so that the wildcard state (any care-of) does
		 * not satisfy the policy: from another care-of address the
		 * kernel drops the packet and reports it (mip6-sig answers
		 * Binding Error 1).  Mobility Header messages keep the
		 * wildcard (a BU from a new care-of address).
		 */
		xfrm_sel(&sel, them, me, IPPROTO_MH, -1);
		xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_IN,
		    XFRM_PRIO_RO - 1, &ts, 1), cb, arg, &n);
		xfrm_sel(&sel, them, me, 0, -1);
		ts.saddr = them;
		ts.daddr = me;
	}
	xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_IN, XFRM_PRIO_RO,
	    &ts, 1), cb, arg, &n);
	if (!add) {
		xfrm_send(xfrm_ro_state_msg(0, 0, outp, me, them, coa), cb,
		    arg, &n);
		xfrm_send(xfrm_ro_state_msg(0, 0, inp, them, me, coa), cb,
		    arg, &n);
	}
	return n;
}

int
xfrm_hao_accept(int add, kr_cb cb, void *arg)
{
	struct xfrm_selector	 sel;
	struct xfrm_tmplspec	 ts;
	struct in6_addr		 any;
	int			 n = 0;

	memset(&any, 0, sizeof(any));
	memset(&ts, 0, sizeof(ts));
	ts.proto = IPPROTO_DSTOPTS;
	ts.mode = XFRM_MODE_ROUTEOPTIMIZATION;
	/* Any reqid: a home agent binding's own state (xfrm_ha_hao, the
	 * option from the bound care-of address) satisfies it too. */
	ts.reqid = 0;
	ts.optional = 1;
	/* A wildcard state (any coa): the role checks the binding itself. */
	if (add)
		xfrm_send(xfrm_ro_state_msg(1, 1, IPPROTO_DSTOPTS, &any, &any,
		    &any), cb, arg, &n);
	xfrm_sel(&sel, NULL, NULL, IPPROTO_MH, -1);
	xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_IN,
	    XFRM_PRIO_HAO_IN, &ts, 1), cb, arg, &n);
	if (!add)
		xfrm_send(xfrm_ro_state_msg(0, 0, IPPROTO_DSTOPTS, &any, &any,
		    &any), cb, arg, &n);
	return n;
}

int
xfrm_ha_hao(int op, const struct in6_addr *hoa, const struct in6_addr *ha,
    const struct in6_addr *coa, kr_cb cb, void *arg)
{
	int			 add = op != XFRM_HA_DEL;
	struct xfrm_selector	 sel;
	struct xfrm_tmplspec	 ts;
	int			 n = 0;

	memset(&ts, 0, sizeof(ts));
	ts.proto = IPPROTO_DSTOPTS;
	ts.mode = XFRM_MODE_ROUTEOPTIMIZATION;
	ts.reqid = XFRM_REQID_HA_HAO;
	/* Optional: a plain packet (home, or out of the reverse tunnel)
	 * passes; one with the option needs this binding's state. */
	ts.optional = 1;
	ts.saddr = hoa;
	ts.daddr = ha;
	/*
	 * A new binding: NEWSA first (one round trip; UPDSA if a state is
	 * there after all).  A move changes the state's care-of address
	 * only: the policy names no care-of address.
	 */
	if (add)
		xfrm_send_up(xfrm_ro_state_msg_r(1, op == XFRM_HA_MOVE,
		    IPPROTO_DSTOPTS, hoa, ha, coa, XFRM_REQID_HA_HAO), 1, cb,
		    arg, &n);
	if (op == XFRM_HA_MOVE)
		return n;
	/*
	 * ICMPv6 only (Mobile Prefix Solicitations, echo requests): the
	 * Mobility Header keeps the wildcard policy (a BU from a new
	 * care-of address).  No type in the selector: Linux 6.1's
	 * _decode_session6 reads the ICMPv6 type at the offset of the
	 * destination options header, so a type behind a Home Address
	 * option never matches.
	 */
	xfrm_sel(&sel, hoa, ha, IPPROTO_ICMPV6, -1);
	xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_IN, XFRM_PRIO_HA_HAO,
	    &ts, 1), cb, arg, &n);
	if (!add)
		xfrm_send(xfrm_ro_state_msg_r(0, 0, IPPROTO_DSTOPTS, hoa, ha,
		    hoa, XFRM_REQID_HA_HAO), cb, arg, &n);
	return n;
}

int
xfrm_mn_trigger(int add, const struct in6_addr *hoa,
    const struct in6_addr *ha, kr_cb cb, void *arg)
{
	struct xfrm_selector	 sel;
	struct xfrm_tmplspec	 ts;
	int			 n = 0;

	memset(&ts, 0, sizeof(ts));
	ts.proto = IPPROTO_DSTOPTS;
	ts.mode = XFRM_MODE_ROUTEOPTIMIZATION;
	ts.reqid = XFRM_REQID_RO;
	/* Optional: no state, the packet goes as it is (the tunnel). */
	ts.optional = 1;
	xfrm_sel(&sel, hoa, ha, 0, -1);
	xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_OUT,
	    XFRM_PRIO_RO_TRIGGER - 1, NULL, 0), cb, arg, &n);
	xfrm_sel(&sel, hoa, NULL, 0, -1);
	xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_OUT,
	    XFRM_PRIO_RO_TRIGGER, &ts, 1), cb, arg, &n);
	return n;
}

int
xfrm_mn_ha(int add, int mn, int esp, const struct in6_addr *hoa,
    const struct in6_addr *ha, const struct in6_addr *coa, kr_cb cb,
    void *arg)
{
	struct xfrm_selector	 sel;
	struct xfrm_tmplspec	 ts[2];
	int			 n = 0, away = coa != NULL;
	size_t			 nt;

	memset(ts, 0, sizeof(ts));
	ts[0].proto = IPPROTO_ESP;
	ts[0].mode = XFRM_MODE_TRANSPORT;
	ts[0].reqid = XFRM_REQID_ESP;
	ts[1].mode = XFRM_MODE_ROUTEOPTIMIZATION;
	ts[1].reqid = XFRM_REQID_RO;
	/* Away, the mobile node's states carry the care-of address. */
	if (mn && away && add) {
		xfrm_send(xfrm_ro_state_msg(1, 1, IPPROTO_DSTOPTS, hoa, ha, coa),
		    cb, arg, &n);
		xfrm_send(xfrm_ro_state_msg(1, 1, IPPROTO_ROUTING, ha, hoa, coa),
		    cb, arg, &n);
	}
	/*
	 * BU (mobile node -> home agent): ESP (RFC 3776), then the Home
	 * Address option when away; the home agent accepts it with or
	 * without the option.  The kernel walks inbound templates from the
	 * last, so the option's template follows ESP's.  Inbound (home
	 * agent) without the type: Linux 6.1 matches an MH type selector
	 * only behind an extension header, so a plain BU spoofed from the
	 * home address passed without ESP (tests/lab/hostile.bats).  The
	 * mobile node sends the home agent no other Mobility Header.
	 */
	xfrm_sel(&sel, hoa, ha, IPPROTO_MH, mn ? MH_TYPE_BU : -1);
	ts[1].proto = IPPROTO_DSTOPTS;
	ts[1].optional = !mn;
	/* Home agent: the wildcard state or the binding's own (any reqid,
	 * xfrm_ha_hao). */
	if (!mn)
		ts[1].reqid = 0;
	if (esp)
		nt = mn && !away ? 1 : 2;
	else
		nt = mn && !away ? 0 : 1;
	if (nt > 0)
		xfrm_send(xfrm_policy_msg(add, &sel, mn ? XFRM_POLICY_OUT :
		    XFRM_POLICY_IN, XFRM_PRIO_IPSEC, esp ? ts : ts + 1, nt), cb,
		    arg, &n);
	/* BA (home agent -> mobile node): ESP; the RH2 comes optional. */
	ts[1].reqid = XFRM_REQID_RO;
	xfrm_sel(&sel, ha, hoa, IPPROTO_MH, MH_TYPE_BA);
	ts[1].proto = IPPROTO_ROUTING;
	ts[1].optional = 1;
	if (esp)
		xfrm_send(xfrm_policy_msg(add, &sel, mn ? XFRM_POLICY_IN :
		    XFRM_POLICY_OUT, XFRM_PRIO_IPSEC, ts, mn ? 2 : 1), cb, arg,
		    &n);
	else if (mn && (away || !add))
		/* Without ESP still a policy: a packet the route2 state took
		 * in without one is dropped (XfrmInNoPols). */
		xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_IN,
		    XFRM_PRIO_IPSEC, ts + 1, 1), cb, arg, &n);
	/*
	 * The home agent's other messages to the mobile node (Binding
	 * Refresh Request, Binding Error) come through the type 2 routing
	 * header without ESP (RFC 3776 protects BU and BA only).  Without a
	 * policy the kernel dropped what its route2 state took in
	 * (XfrmInNoPols): the mobile node never saw a BRR.  Below the BA's
	 * policy, which keeps a BA under ESP.
	 */
	if (mn && (away || !add)) {
		xfrm_sel(&sel, ha, hoa, IPPROTO_MH, -1);
		xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_IN,
		    XFRM_PRIO_IPSEC + 1, ts + 1, 1), cb, arg, &n);
	}
	/* Mobile prefix discovery away from home (RFC 6275 11.4.2-11.4.3):
	 * the solicitation leaves with the Home Address option, the
	 * advertisement arrives with the type 2 routing header. */
	if (mn && away) {
		ts[1].proto = IPPROTO_DSTOPTS;
		ts[1].optional = 0;
		xfrm_sel(&sel, hoa, ha, IPPROTO_ICMPV6, ICMP6_MOBILEPREFIX_SOL);
		xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_OUT,
		    XFRM_PRIO_IPSEC, ts + 1, 1), cb, arg, &n);
		ts[1].proto = IPPROTO_ROUTING;
		ts[1].optional = 1;
		/* Any type: behind the routing header Linux 6.1 does not
		 * see the ICMPv6 type (Linux 6.1's _decode_session6 reads
		 * it at the offset of the extension header). */
		xfrm_sel(&sel, ha, hoa, IPPROTO_ICMPV6, -1);
		xfrm_send(xfrm_policy_msg(add, &sel, XFRM_POLICY_IN,
		    XFRM_PRIO_IPSEC, ts + 1, 1), cb, arg, &n);
	}
	if (mn && away && !add) {
		xfrm_send(xfrm_ro_state_msg(0, 0, IPPROTO_DSTOPTS, hoa, ha, coa),
		    cb, arg, &n);
		xfrm_send(xfrm_ro_state_msg(0, 0, IPPROTO_ROUTING, ha, hoa, coa),
		    cb, arg, &n);
	}
	return n;
}

static int
xfrm_put_algo(struct nl_msg *msg, int attr, const char *name,
    const uint8_t *key, size_t keylen)
{
	uint8_t			 buf[sizeof(struct xfrm_algo) + 64];
	struct xfrm_algo	*a = (struct xfrm_algo *)buf;

	if (keylen > 64)
		return -1;
	memset(buf, 0, sizeof(buf));
	strncpy(a->alg_name, name, sizeof(a->alg_name) - 1);
	a->alg_key_len = (unsigned int)(keylen * XFRM_BITS_PER_BYTE);
	memcpy(a->alg_key, key, keylen);
	return nla_put(msg, attr, (int)(sizeof(*a) + keylen), a);
}

static struct nl_msg *
xfrm_esp_msg(int add, const struct in6_addr *src, const struct in6_addr *dst,
    const struct conf_sa *c)
{
	struct xfrm_usersa_info	 sa;
	struct xfrm_usersa_id	 id;
	struct nl_msg		*msg;
	int			 ok;

	if (!add) {
		memset(&id, 0, sizeof(id));
		memcpy(&id.daddr, dst, sizeof(*dst));
		id.spi = htonl(c->spi);
		id.family = AF_INET6;
		id.proto = IPPROTO_ESP;
		msg = nlmsg_alloc_simple(XFRM_MSG_DELSA, 0);
		ok = msg != NULL &&
		    nlmsg_append(msg, &id, sizeof(id), NLMSG_ALIGNTO) == 0;
	} else {
		memset(&sa, 0, sizeof(sa));
		xfrm_sel(&sa.sel, src, dst, 0, -1);
		memcpy(&sa.id.daddr, dst, sizeof(*dst));
		sa.id.spi = htonl(c->spi);
		sa.id.proto = IPPROTO_ESP;
		memcpy(&sa.saddr, src, sizeof(*src));
		xfrm_lft_inf(&sa.lft);
		sa.reqid = XFRM_REQID_ESP;
		sa.family = AF_INET6;
		sa.mode = XFRM_MODE_TRANSPORT;
		msg = nlmsg_alloc_simple(XFRM_MSG_NEWSA, 0);
		ok = msg != NULL &&
		    nlmsg_append(msg, &sa, sizeof(sa), NLMSG_ALIGNTO) == 0 &&
		    xfrm_put_algo(msg, XFRMA_ALG_AUTH, c->auth_alg,
		    c->auth_key, c->auth_keylen) == 0 &&
		    (c->enc_alg[0] == '\0' ? xfrm_put_algo(msg,
		    XFRMA_ALG_CRYPT, "ecb(cipher_null)", NULL, 0) :
		    xfrm_put_algo(msg, XFRMA_ALG_CRYPT, c->enc_alg, c->enc_key,
		    c->enc_keylen)) == 0;
	}
	if (msg != NULL && !ok) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int
xfrm_esp_sa(int add, const struct in6_addr *src, const struct in6_addr *dst,
    const struct conf_sa *c, kr_cb cb, void *arg)
{
	struct nl_msg	*msg = xfrm_esp_msg(add, src, dst, c);

	return xfrm_queue(msg, msg != NULL, cb, arg);
}

/* Add and remove a throwaway state of proto: 0, or the errno. */
static int
xfrm_probe_state(uint8_t proto)
{
	struct conf_sa	 c;
	struct in6_addr	 a, b;
	struct nl_msg	*msg;
	int		 err;

	/* Documentation addresses (RFC 3849): never on the wire. */
	inet_pton(AF_INET6, "2001:db8:ffff::1", &a);
	inet_pton(AF_INET6, "2001:db8:ffff::2", &b);
	memset(&c, 0, sizeof(c));
	/* An SPI below 256 is reserved (RFC 4303): no real SA uses it. */
	c.spi = 0xff;
	strlcpy(c.auth_alg, "digest_null", sizeof(c.auth_alg));
	if (proto == IPPROTO_ESP)
		msg = xfrm_esp_msg(1, &a, &b, &c);
	else
		msg = xfrm_ro_state_msg(1, 0, proto, &a, &b, &a);
	if (msg == NULL)
		return ENOMEM;
	if ((err = kr_nl_sync(NETLINK_XFRM, msg)) != 0)
		return err;
	if (proto == IPPROTO_ESP)
		msg = xfrm_esp_msg(0, &a, &b, &c);
	else
		msg = xfrm_ro_state_msg(0, 0, proto, &a, &b, &a);
	if (msg != NULL)
		(void)kr_nl_sync(NETLINK_XFRM, msg);
	return 0;
}

int
xfrm_probe_mip6(void)
{
	return xfrm_probe_state(IPPROTO_DSTOPTS);
}

int
xfrm_probe_esp(void)
{
	return xfrm_probe_state(IPPROTO_ESP);
}
