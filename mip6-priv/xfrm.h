/*
 * XFRM for Mobile IPv6: route-optimization states (proto route2 and hao,
 * mode ro, with the care-of address) and their policies; the RFC 3776 ESP
 * transport policies protecting BU/BA between mobile node and home agent;
 * manual ESP SAs from the configuration.
 *
 * Marks: our policies use priorities in [XFRM_PRIO_MIN, XFRM_PRIO_MAX];
 * our states a reqid in the band XFRM_REQID_BASE (mask XFRM_REQID_MASK).
 */
#ifndef MIP6_XFRM_H
#define MIP6_XFRM_H

#include <netinet/in.h>
#include <stdint.h>

#include "kernel.h"

struct conf_sa;

#define XFRM_PRIO_MIN		0x9e00
#define XFRM_PRIO_IPSEC		0x9e00	/* BU/BA protection: before RO */
#define XFRM_PRIO_RO		0x9e10
#define XFRM_PRIO_HA_HAO	0x9e14	/* home agent: a binding's HAO in */
#define XFRM_PRIO_RO_TRIGGER	0x9e18	/* mobile node: after RO, finds CNs */
#define XFRM_PRIO_HAO_IN	0x9e20	/* catch-all HAO acceptance */
#define XFRM_PRIO_MAX		0x9eff
#define XFRM_REQID_BASE		0x9e000000u
#define XFRM_REQID_MASK		0xffffff00u
#define XFRM_REQID_RO		(XFRM_REQID_BASE | 1)
#define XFRM_REQID_ESP		(XFRM_REQID_BASE | 2)
#define XFRM_REQID_HA_HAO	(XFRM_REQID_BASE | 3)	/* xfrm_ha_hao */

#define XFRM_IS_OURS_PRIO(p)	((p) >= XFRM_PRIO_MIN && (p) <= XFRM_PRIO_MAX)
#define XFRM_IS_OURS_REQID(r)	(((r) & XFRM_REQID_MASK) == XFRM_REQID_BASE)

/*
 * Route optimization between hoa (at coa) and peer.  mn: we are the
 * mobile node (out: hao, in: route2), else the correspondent (out:
 * route2, in: hao).  add 1: add or move to a new coa (states updated in
 * place, so no packet goes out without the header); 0: remove.
 */
int	 xfrm_ro(int add, int mn, const struct in6_addr *hoa,
	    const struct in6_addr *coa, const struct in6_addr *peer, kr_cb,
	    void *arg);

/*
 * The state and policy that accept a Home Address option from any mobile
 * node on the Mobility Header (home agent, correspondent: BU reception).
 * Any other packet with the option needs a binding's policy: without one
 * the kernel drops it and reports it (XFRM_MSG_REPORT; Binding Error 1).
 */
int	 xfrm_hao_accept(int add, kr_cb, void *arg);

/*
 * Home agent, one binding (RFC 6275 9.3.1): a hao state hoa -> ha with
 * the care-of address (updated in place by a move) and an inbound ICMPv6
 * policy hoa -> ha whose template names that state, so a Home Address
 * option is taken only from the registered care-of address (Mobile
 * Prefix Solicitations, echo requests); from another one, or for a home
 * address without binding, the kernel drops the packet and reports it.
 * op XFRM_HA_ADD: a new binding; XFRM_HA_MOVE: the state takes the new
 * care-of address (the policy stays); XFRM_HA_DEL: remove (coa ignored).
 * Returns the number of requests queued.
 */
#define XFRM_HA_DEL	0
#define XFRM_HA_ADD	1
#define XFRM_HA_MOVE	2
int	 xfrm_ha_hao(int op, const struct in6_addr *hoa,
	    const struct in6_addr *ha, const struct in6_addr *coa, kr_cb,
	    void *arg);

/*
 * Mobile node <-> home agent signalling (mn: we are the mobile node).
 * esp: RFC 3776 ESP transport on BU and BA, selectors on the home
 * address, so a move changes no ESP policy or SA.  coa: away from home
 * (NULL at home): the mobile node's BU carries the Home Address option
 * and its hao/route2 states the care-of address (updated in place).
 * Returns the number of requests queued (cb runs for each).
 */
int	 xfrm_mn_ha(int add, int mn, int esp, const struct in6_addr *hoa,
	    const struct in6_addr *ha, const struct in6_addr *coa, kr_cb,
	    void *arg);

/*
 * Mobile node with route-optimization: all: an out policy from the home
 * address to anywhere with an optional Home Address template, behind the
 * per-correspondent ones, makes the kernel announce (XFRM acquire) every
 * correspondent without states; the home agent's traffic bypasses it.
 */
int	 xfrm_mn_trigger(int add, const struct in6_addr *hoa,
	    const struct in6_addr *ha, kr_cb, void *arg);

/* A manual ESP transport SA src -> dst from the configuration. */
int	 xfrm_esp_sa(int add, const struct in6_addr *src,
	    const struct in6_addr *dst, const struct conf_sa *, kr_cb,
	    void *arg);

/* Probes: 0 when the kernel has it, else the errno of the attempt. */
int	 xfrm_probe_mip6(void);
int	 xfrm_probe_esp(void);

#endif
