/*
 * Return routability crypto (RFC 6275 section 5.2): the correspondent's
 * secret Kcn and nonce table, home and care-of keygen tokens, the binding
 * management key Kbm and the Binding Authorization Data authenticator.
 * HMAC-SHA1 and SHA-1 come from OpenSSL's libcrypto.
 */
#ifndef MIP6_RR_H
#define MIP6_RR_H

#include <sys/types.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mip6_const.h"

#define RR_SHA1_LEN		20
/* Table bound: with a schedule faster than MAX_NONCE_LIFETIME / 16 the
 * oldest nonces go before their lifetime is up. */
#define RR_MAX_NONCES		16
/* Default nonce schedule: a token handed out just before the next nonce
 * still lives MAX_TOKEN_LIFETIME within the nonce's MAX_NONCE_LIFETIME. */
#define RR_NONCE_REGEN_S	(MAX_NONCE_LIFETIME_S - MAX_TOKEN_LIFETIME_S)

/* Which token: the octet appended to the HMAC input. */
#define RR_TOKEN_HOME		0
#define RR_TOKEN_COA		1

struct rr_nonce {
	uint8_t		 nonce[MIP6_NONCE_LEN];
	uint8_t		 kcn[MIP6_KCN_LEN];	/* the Kcn it was issued under */
	time_t		 born;
	uint16_t	 idx;
	uint8_t		 valid;
};

/* A correspondent's nonce table: a ring, newest at `head`. */
struct rr_table {
	struct rr_nonce	 slot[RR_MAX_NONCES];
	uint8_t		 kcn[MIP6_KCN_LEN];
	time_t		 kcn_born;
	time_t		 regen_s;	/* new nonce every regen_s */
	time_t		 kcn_regen_s;	/* new Kcn every kcn_regen_s, 0 never */
	time_t		 life_s;	/* honoured this long: MAX_NONCE_LIFETIME */
	unsigned	 head;
	uint16_t	 next_idx;
};

/* HMAC-SHA1 (RFC 2104); returns 0, -1 on a libcrypto failure. */
int	rr_hmac_sha1(const uint8_t *key, size_t keylen, const uint8_t *data,
	    size_t len, uint8_t out[RR_SHA1_LEN]);

/* First(64, HMAC_SHA1(Kcn, addr | nonce | which)). */
int	rr_keygen_token(const uint8_t kcn[MIP6_KCN_LEN],
	    const struct in6_addr *addr, const uint8_t nonce[MIP6_NONCE_LEN],
	    uint8_t which, uint8_t token[MIP6_TOKEN_LEN]);

/* Kbm = SHA1(home token | care-of token), or SHA1(home token) for a
 * deregistration (coa_token NULL: the care-of address is the home address). */
int	rr_kbm(const uint8_t home_token[MIP6_TOKEN_LEN],
	    const uint8_t *coa_token, uint8_t kbm[MIP6_KBM_LEN]);

/* First(96, HMAC_SHA1(Kbm, coa | cn | MH data)), MH data being the Mobility
 * Header of `len` octets whose last 12 are the authenticator (excluded),
 * with its checksum taken as zero. */
int	rr_authenticator(const uint8_t kbm[MIP6_KBM_LEN],
	    const struct in6_addr *coa, const struct in6_addr *cn,
	    const uint8_t *mh, size_t len, uint8_t auth[MIP6_AUTH_LEN]);

/* Fill the Binding Authorization Data option, which mh_build put last, then
 * the checksum when src and dst are given. */
int	rr_mh_sign(const uint8_t kbm[MIP6_KBM_LEN], const struct in6_addr *coa,
	    const struct in6_addr *cn, uint8_t *mh, size_t len,
	    const struct in6_addr *src, const struct in6_addr *dst);

/* 0 when a parsed MH carries, as its last option, a Binding Authorization
 * Data option whose authenticator matches; -1 otherwise. */
struct mh_msg;
int	rr_mh_verify(const uint8_t kbm[MIP6_KBM_LEN],
	    const struct in6_addr *coa, const struct in6_addr *cn,
	    const uint8_t *mh, size_t len, const struct mh_msg *m);

/* Correspondent side; `now` is monotonic seconds (CLOCK_MONOTONIC), never
 * wall-clock time.  regen_s 0 means RR_NONCE_REGEN_S; kcn_regen_s 0 keeps
 * one Kcn.  Returns -1 if the random generator fails. */
int	rr_table_init(struct rr_table *, time_t now, unsigned regen_s,
	    unsigned kcn_regen_s);
/* Make a new nonce (and Kcn) when due and expire old ones; returns 1 when a
 * nonce was made, 0 if none was due, -1 on RNG failure. */
int	rr_table_tick(struct rr_table *, time_t now);
/* Index of the nonce to hand out now (after rr_table_tick). */
uint16_t rr_table_current(const struct rr_table *);
/* Token for nonce index idx; -1 when that nonce expired or never was. */
int	rr_table_token(const struct rr_table *, uint16_t idx, time_t now,
	    const struct in6_addr *addr, uint8_t which,
	    uint8_t token[MIP6_TOKEN_LEN]);
/* Wipe every secret. */
void	rr_table_wipe(struct rr_table *);

#endif
