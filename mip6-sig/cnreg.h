/*
 * Correspondent decisions (RFC 6275 sections 5.2, 9.4, 9.5): answer Home
 * and Care-of Test Init messages, check a Binding Update made with return
 * routability, and lay out the answers.  Pure logic, no I/O: the engine
 * (sig.c) feeds parsed messages and sends what comes out.
 *
 * HoTI -> HoT to the home address (the HoTI's source), CoTI -> CoT to the
 * care-of address: the current nonce index, the cookie echoed, the keygen
 * token First(64, HMAC_SHA1(Kcn, address | nonce | 0 or 1)).
 *
 * Binding Update check order (RFC 6275 9.5.1):
 *  1. H=1: a home registration.  When this host also runs the home agent,
 *     it answers (discard here); otherwise BA 131.
 *  2. silent discards: home address (the IPv6 source after the kernel
 *     swapped in the Home Address option) or care-of address (Alternate
 *     Care-of Address option, else the packet's original source) not
 *     global unicast; no Nonce Indices or no Binding Authorization Data
 *     option (it must come last).
 *  3. nonce indices: the home one always, the care-of one unless this is a
 *     deregistration (lifetime 0 or care-of == home address); an index
 *     whose nonce is gone (older than nonce-lifetime, or never issued) ->
 *     BA 136 (home), 137 (care-of), 138 (both), without authenticator.
 *  4. Kbm = SHA1(home token | care-of token), SHA1(home token) for a
 *     deregistration; a wrong authenticator -> silent discard.
 *  5. existing binding and a sequence number not newer -> 135 with the
 *     last accepted one.
 *  6. deregistration: remove the binding (none: nothing to do, success);
 *     otherwise lifetime = min(asked, max-lifetime <= 420 s), in 4-s
 *     units; a new binding with the cache full -> 130.
 *  BA: on every refusal; on success when A=1.  It carries the Binding
 *  Authorization Data option (made with Kbm) whenever the BU's
 *  authenticator was verified.  It goes to the BU's original source (the
 *  care-of address) with a type 2 routing header holding the home address,
 *  or straight to the home address when that was the source.
 */
#ifndef MIP6_SIG_CNREG_H
#define MIP6_SIG_CNREG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "cncache.h"
#include "config.h"
#include "mh.h"
#include "rr.h"

enum cnreg_reason {
	CNREG_R_ACCEPTED = 0,
	CNREG_R_REFRESHED,
	CNREG_R_DEREGISTERED,
	CNREG_R_DEREG_UNKNOWN,		/* no binding to remove: success */
	/* silently discarded */
	CNREG_R_HOME_REG_HA,		/* H=1: the home agent answers */
	CNREG_R_BAD_HOA,
	CNREG_R_BAD_COA,
	CNREG_R_NO_NONCE_OPT,
	CNREG_R_NO_AUTH_OPT,
	CNREG_R_BAD_AUTH,
	/* refused with a BA */
	CNREG_R_NO_RESOURCES,		/* 130 */
	CNREG_R_HOME_REG_NOT_SUPP,	/* 131 */
	CNREG_R_SEQ_WINDOW,		/* 135 */
	CNREG_R_EXPIRED_HOME_NONCE,	/* 136 */
	CNREG_R_EXPIRED_COA_NONCE,	/* 137 */
	CNREG_R_EXPIRED_NONCES,		/* 138 */
	CNREG_R_COUNT
};

enum cnreg_op {
	CNREG_OP_NONE = 0,
	CNREG_OP_ADD,		/* new binding: install the RO states */
	CNREG_OP_UPDATE,	/* refresh, maybe a new care-of address */
	CNREG_OP_REMOVE		/* deregistration: remove the RO states */
};

struct cnreg_ctx {
	const struct conf_sig	*conf;
	struct rr_table		*rr;
	struct cncache		*cc;
	int			 home_agent;	/* this host runs mip6-ha too */
};

/* One received Binding Update and where it came from. */
struct cnreg_in {
	const struct mh_msg	*bu;		/* parsed, MH_TYPE_BU */
	const uint8_t		*mh;		/* its bytes */
	size_t			 len;
	struct in6_addr		 src;		/* IPv6 source: the home address */
	struct in6_addr		 dst;		/* IPv6 destination: us */
	const struct in6_addr	*hao;		/* what the Home Address option
						   holds after the kernel's swap
						   (the care-of address), NULL */
	int64_t			 now;		/* monotonic seconds */
};

struct cnreg_result {
	enum cnreg_reason	 reason;
	enum cnreg_op		 op;
	int			 send_ba;
	int			 coa_changed;
	uint8_t			 status;	/* BA_STATUS_* */
	uint16_t		 seq;		/* for the BA */
	uint16_t		 lifetime;	/* granted, 4-s units */
	uint16_t		 bu_flags;
	struct in6_addr		 hoa;
	struct in6_addr		 coa;
	struct in6_addr		 cn;		/* BA source: the BU's destination */
	struct in6_addr		 ba_dst;	/* the BU's original source */
	int			 ba_rh2;	/* type 2 routing header, hoa */
	int			 has_kbm;	/* authenticated: BA gets the BAD */
	uint8_t			 kbm[MIP6_KBM_LEN];
};

/* Name of a reason ("accepted", "expired_home_nonce"), for counters. */
const char	*cnreg_reason_str(enum cnreg_reason);

/*
 * Answer a parsed HoTI (src: the home address) or CoTI (src: the care-of
 * address) received at dst: the HoT or CoT, checksum left zero (the raw MH
 * socket fills it) unless cksum is set.  MH_ERR_INVAL for another type.
 */
enum mh_err	 cnreg_test_reply(const struct cnreg_ctx *,
		    const struct mh_msg *init, const struct in6_addr *src,
		    const struct in6_addr *dst, int64_t now, int cksum,
		    uint8_t *buf, size_t size, size_t *outlen);

void		 cnreg_decide(const struct cnreg_ctx *, const struct cnreg_in *,
		    struct cnreg_result *);
/*
 * Apply r->op to the cache.  Returns the entry added or updated, NULL for
 * a removal or no-op.  A failed allocation turns r into a refusal (130).
 */
struct cn_entry	*cnreg_commit(const struct cnreg_ctx *, const struct cnreg_in *,
		    struct cnreg_result *);
/* Make r a refusal with status 130 (the kernel states could not be had). */
void		 cnreg_refuse(struct cnreg_result *);
/* Lifetime to grant in seconds (before unit rounding). */
uint32_t	 cnreg_grant(const struct conf_sig *, uint32_t asked_s);
/*
 * The BA of r, with the Binding Authorization Data option when r->has_kbm;
 * the checksum is left zero unless cksum is set (then over source r->cn
 * and destination r->hoa, the final destination).
 */
enum mh_err	 cnreg_build_ba(const struct cnreg_result *, int cksum,
		    uint8_t *buf, size_t size, size_t *outlen);
/* Binding Error (RFC 6275 9.3.3), checksum left zero. */
enum mh_err	 cnreg_build_be(uint8_t status, const struct in6_addr *hoa,
		    uint8_t *buf, size_t size, size_t *outlen);

/*
 * Token buckets per peer address, for incoming signalling (rate-limit) and
 * Binding Errors: a fixed table of CN_RATE_SLOTS slots hashed by address;
 * a colliding peer takes the slot over (bounded memory, fair enough for
 * a flood from many addresses).  per_s 0: unlimited.
 */
#define CN_RATE_SLOTS	1024
struct cn_rate_slot {
	struct in6_addr		 addr;
	uint32_t		 tokens;	/* in 1/1000 message */
	int64_t			 last_ms;
	int			 used;
};
struct cn_rate {
	uint32_t		 per_s;
	struct cn_rate_slot	 slot[CN_RATE_SLOTS];
};
void		 cn_rate_init(struct cn_rate *, uint32_t per_s);
/* 1 when one more message from/to addr may go now (and counts it). */
int		 cn_rate_allow(struct cn_rate *, const struct in6_addr *,
		    int64_t now_ms);

#endif
