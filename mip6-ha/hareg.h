/*
 * Home registration decisions (RFC 6275 sections 9.5.1, 10.3.1, 10.3.2;
 * RFC 3776 for IPsec; RFC 3963 for the R flag).
 *
 * Design: pure logic, no I/O.  hareg_decide() looks at one parsed Binding
 * Update and the cache (read only) and fills a struct hareg_result saying
 * what to do: send a BA (status, sequence number, lifetime), the binding
 * operation (add / update / remove / none), whether DAD must run first, or
 * discard.  hareg_commit() then applies the operation to the cache, so the
 * engine can send kernel requests between the two.  hareg_dad_done() turns
 * an asynchronous DAD answer into the delayed BA.  hareg_build_ba() lays out
 * the BA with mh.h's builder and the checksum over the right pseudo-header.
 *
 * Check order (RFC 6275 9.5.1 first, then 10.3.1/10.3.2):
 *  1. silent discards: home address not global unicast; H=1 not under ESP
 *     while ipsec is required (RFC 6275 5.1/9.5.1 and RFC 3776 4: the packet
 *     fails the authentication requirement, so it is dropped without a BA;
 *     the kernel's XFRM policy drops it before us anyway); care-of address
 *     not global unicast; a care-of address that is the home address of a
 *     binding whose care-of address leads back to this home address,
 *     directly or through more bindings (RFC 6275 9.5.1: a tunnel loop);
 *     H=0 with no home binding (a correspondent registration: mip6-sig's
 *     business).
 *  2. existing binding: H=0 -> 139; R or L changed -> 139 (RFC 3963 6.2
 *     for R; RFC 6275 defines no way to start or stop defending the
 *     link-local address inside a binding, so L is fixed too; K may change);
 *     sequence number not newer -> 135 with the last accepted one.  An entry
 *     still in DAD has no accepted number: a retransmission of the pending
 *     BU is absorbed (the BA follows DAD), a newer one replaces it.
 *  3. role disabled, or the BU sent to an address that is no link's home
 *     agent address -> 131; home address in no served prefix, or the BU
 *     sent to the home agent address of another link -> 132; a mobile-node
 *     list exists and lacks it -> 133; deregistration without a binding ->
 *     133 (10.3.2); R=1 without NEMO -> 140; the home address is the home
 *     agent's own or the prefix's subnet-router anycast -> 129; a new
 *     binding with the cache full -> 130.
 *  4. accept: lifetime = min(asked, max-lifetime, prefix valid lifetime),
 *     rounded down to 4-s units (a prefix about to vanish gives 132); a
 *     first registration with L=1 whose link-local address is held already
 *     (hareg_ll_taken) -> 134; DAD before the first acceptance when
 *     enabled, of the link-local address too with L=1 (dad_ll; the BA
 *     waits); deregistration
 *     (lifetime 0 or care-of == home address) removes with lifetime 0.
 *  BA: sent on every refusal and on every acceptance, A=1 or not (RFC 6275
 *  10.3.1 and 10.3.2: "Regardless of the setting of the Acknowledge (A)
 *  bit ... the home agent MUST return a Binding Acknowledgement"; the A
 *  flag matters to a correspondent only, 9.5.4).  It goes to the BU's IPv6
 *  source, with a type 2 routing header holding the home address
 *  unless that source is the home address itself (deregistration from home).
 */
#ifndef MIP6_HA_HAREG_H
#define MIP6_HA_HAREG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "bcache.h"
#include "config.h"
#include "mh.h"

#define HAREG_LIFETIME_UNKNOWN	UINT32_MAX	/* prefix valid lifetime */

/* Why: one counter per value (hareg_reason_str gives the name). */
enum hareg_reason {
	HAREG_R_ACCEPTED = 0,
	HAREG_R_REFRESHED,
	HAREG_R_DEREGISTERED,
	HAREG_R_DAD_STARTED,
	HAREG_R_DAD_PENDING,		/* retransmission during DAD, absorbed */
	/* silently discarded */
	HAREG_R_BAD_HOA,
	HAREG_R_NO_ESP,
	HAREG_R_BAD_COA,
	HAREG_R_CIRCULAR_COA,		/* care-of address leads back */
	HAREG_R_NOT_HOME_REG,
	HAREG_R_STALE_DURING_DAD,
	/* refused with a BA */
	HAREG_R_PROHIBITED,		/* 129 */
	HAREG_R_NO_RESOURCES,		/* 130 */
	HAREG_R_NOT_SUPPORTED,		/* 131 */
	HAREG_R_NOT_HOME_SUBNET,	/* 132 */
	HAREG_R_NOT_HA_FOR_MN,		/* 133 */
	HAREG_R_DAD_FAILED,		/* 134 */
	HAREG_R_SEQ_WINDOW,		/* 135 */
	HAREG_R_TYPE_CHANGE,		/* 139 */
	HAREG_R_MR_NOT_PERMITTED,	/* 140 */
	HAREG_R_COUNT
};

enum hareg_op {
	HAREG_OP_NONE = 0,
	HAREG_OP_ADD,		/* new binding: install kernel state */
	HAREG_OP_UPDATE,	/* refresh, maybe a new care-of address */
	HAREG_OP_REMOVE		/* deregistration: remove kernel state */
};

struct hareg_ctx {
	const struct conf_ha	*conf;
	struct bcache		*bc;
	int			 km_mobility;	/* IKE K-bit support (0: manual SAs) */
	int			 nemo;		/* RFC 3963 mobile routers served */
	/* conf->mns sorted by home address (hareg_ctx_init), so a list of
	 * 100k mobile nodes costs a binary search per BU, not a scan. */
	const struct conf_mn	**mn_index;
	size_t			 nmn_index;
};

/* One received Binding Update and where it came from. */
struct hareg_in {
	const struct mh_msg	*bu;		/* parsed, type MH_TYPE_BU */
	struct in6_addr		 src;		/* IPv6 source */
	struct in6_addr		 dst;		/* IPv6 destination */
	const struct in6_addr	*hao;		/* Home Address option, or NULL */
	int			 esp;		/* arrived under ESP */
	uint32_t		 prefix_valid;	/* s, HAREG_LIFETIME_UNKNOWN */
	int64_t			 now;		/* monotonic seconds */
};

struct hareg_result {
	enum hareg_reason	 reason;
	enum hareg_op		 op;
	int			 send_ba;
	int			 need_dad;	/* start DAD; BA after hareg_dad_done */
	int			 dad_ll;	/* also the link-local (L=1) */
	int			 coa_changed;	/* UPDATE with a new care-of address */
	uint8_t			 status;	/* BA_STATUS_* */
	uint8_t			 ba_flags;	/* MH_BA_F_* */
	uint16_t		 seq;		/* for the BA */
	uint16_t		 lifetime;	/* granted, 4-s units */
	uint16_t		 bu_flags;
	int			 link;		/* conf_ha.links index, -1 */
	struct in6_addr		 hoa;
	struct in6_addr		 coa;
	struct in6_addr		 ha;		/* BA source: the BU's destination */
	struct in6_addr		 ba_dst;	/* the BU's source */
	int			 ba_rh2;	/* type 2 routing header with hoa */
	int64_t			 brr_at;	/* BRR time for the binding, 0 none */
};

/* Fill ctx for conf and bc, index the mobile-node list.  0, or -1. */
int		 hareg_ctx_init(struct hareg_ctx *, const struct conf_ha *,
		    struct bcache *);
void		 hareg_ctx_free(struct hareg_ctx *);
/* The configured mobile node with home address hoa, or NULL. */
const struct conf_mn *hareg_mn_find(const struct hareg_ctx *,
		    const struct in6_addr *hoa);
void		 hareg_decide(const struct hareg_ctx *, const struct hareg_in *,
		    struct hareg_result *);
/*
 * Apply r->op to the cache (and the per-binding statistics).  Returns the
 * entry added or updated, NULL for a removal or no-op.  When the entry
 * cannot be allocated r becomes a refusal with 130.
 *
 * What the engine does with the kernel (through mip6-priv) per result:
 *  ADD, need_dad      start DAD for hoa (and its link-local with dad_ll);
 *                     nothing else until hareg_dad_done()
 *  ADD                install proxy ND, tunnel route, reverse-tunnel check
 *  UPDATE             coa_changed: move the tunnel route to the new coa;
 *                     an entry still in DAD (bc state) has no kernel state
 *  REMOVE             take the kernel state down (read it before commit)
 * then sends the BA when send_ba.
 */
struct bc_entry	*hareg_commit(const struct hareg_ctx *, const struct hareg_in *,
		    struct hareg_result *);
/*
 * DAD finished for hoa: fills r with what to do: on success op ADD
 * (install the kernel state now) and BA 0 (whatever the A flag); on failure op
 * NONE, BA 134, and the pending entry is gone.  Returns 0, or -1 when no
 * entry waits for DAD (late answer: nothing to do).
 */
int		 hareg_dad_done(const struct hareg_ctx *, const struct in6_addr *hoa,
		    int ok, int64_t now, struct hareg_result *);
/*
 * Link-Local Address Compatibility (L flag, RFC 6275 6.1.7, 10.3.1,
 * 10.4.1): a binding with L=1 also holds the mobile node's link-local
 * address, fe80::/64 with the home address's interface identifier
 * (addr_link_local_of).  hareg_ll_find: the binding with L=1 on home link
 * `link` whose link-local address is ll, but for the one of home address
 * except (may be NULL); the candidates are the link's prefixes with ll's
 * interface identifier (a look-up per prefix, no walk).  hareg_ll_taken:
 * whether hoa's link-local address is already held on the link, by
 * another binding with L=1 or by the home agent (its address on the link
 * has the same identifier): a first registration with L=1 gets 134.
 */
struct bc_entry	*hareg_ll_find(const struct hareg_ctx *, int link,
		    const struct in6_addr *ll, const struct in6_addr *except);
int		 hareg_ll_taken(const struct hareg_ctx *, int link,
		    const struct in6_addr *hoa);
/* Lifetime to grant in seconds (before unit rounding). */
uint32_t	 hareg_grant(const struct conf_ha *, uint32_t asked_s,
		    uint32_t prefix_valid_s);
/*
 * The BA of r as Mobility Header bytes, checksummed with the pseudo-header
 * the receiver uses: source r->ha, destination the home address (the final
 * destination of the type 2 routing header, or the BA's own destination
 * when there is none).
 */
enum mh_err	 hareg_build_ba(const struct hareg_result *, uint8_t *buf,
		    size_t size, size_t *outlen);
/* Binding Refresh Request to a binding: pseudo-header source ha,
 * destination the home address (it travels with a type 2 routing header). */
enum mh_err	 hareg_build_brr(const struct in6_addr *ha,
		    const struct in6_addr *hoa, uint8_t *buf, size_t size,
		    size_t *outlen);
/*
 * Binding Error (RFC 6275 9.3.3) with status and home address, from src to
 * dst, the source of the offending packet (its care-of address when it
 * carried a Home Address option; no routing header then).
 */
enum mh_err	 hareg_build_be(const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t status,
		    const struct in6_addr *hoa, uint8_t *buf, size_t size,
		    size_t *outlen);

/* Token bucket for Binding Errors (be-rate per second, bursts of as many). */
struct hareg_rate {
	uint32_t		 per_s;		/* 0: unlimited */
	uint32_t		 tokens;
	int64_t			 last_ms;
};
void		 hareg_rate_init(struct hareg_rate *, uint32_t per_s,
		    int64_t now_ms);
/* 1 when one more message may go now (and counts it), 0 when over. */
int		 hareg_rate_allow(struct hareg_rate *, int64_t now_ms);

const char	*hareg_reason_str(enum hareg_reason);
const char	*hareg_op_str(enum hareg_op);
/* 1 when the reason is a silent discard. */
int		 hareg_reason_discard(enum hareg_reason);

#endif
