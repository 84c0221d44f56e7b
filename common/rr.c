/*
 * Return routability (RFC 6275 5.2): keygen tokens, Kbm, the Binding
 * Authorization Data authenticator and the correspondent's nonce table.
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "mh.h"
#include "rr.h"

static int	 new_nonce(struct rr_table *, time_t);
static const struct rr_nonce *find_nonce(const struct rr_table *, uint16_t,
		    time_t);

int
rr_hmac_sha1(const uint8_t *key, size_t keylen, const uint8_t *data,
    size_t len, uint8_t out[RR_SHA1_LEN])
{
	unsigned int olen = RR_SHA1_LEN;

	if (keylen > INT32_MAX)
		return -1;
	if (HMAC(EVP_sha1(), key, (int)keylen, data, len, out, &olen) ==
	    NULL || olen != RR_SHA1_LEN)
		return -1;
	return 0;
}

int
rr_keygen_token(const uint8_t kcn[MIP6_KCN_LEN], const struct in6_addr *addr,
    const uint8_t nonce[MIP6_NONCE_LEN], uint8_t which,
    uint8_t token[MIP6_TOKEN_LEN])
{
	uint8_t in[sizeof(*addr) + MIP6_NONCE_LEN + 1], md[RR_SHA1_LEN];
	int rc;

	memcpy(in, addr, sizeof(*addr));
	memcpy(in + sizeof(*addr), nonce, MIP6_NONCE_LEN);
	in[sizeof(*addr) + MIP6_NONCE_LEN] = which;
	rc = rr_hmac_sha1(kcn, MIP6_KCN_LEN, in, sizeof(in), md);
	memcpy(token, md, MIP6_TOKEN_LEN);
	OPENSSL_cleanse(md, sizeof(md));
	OPENSSL_cleanse(in, sizeof(in));
	return rc;
}

int
rr_kbm(const uint8_t home_token[MIP6_TOKEN_LEN], const uint8_t *coa_token,
    uint8_t kbm[MIP6_KBM_LEN])
{
	uint8_t in[2 * MIP6_TOKEN_LEN];
	unsigned int olen = MIP6_KBM_LEN;
	size_t len = MIP6_TOKEN_LEN;
	int rc = 0;

	memcpy(in, home_token, MIP6_TOKEN_LEN);
	if (coa_token != NULL) {
		memcpy(in + MIP6_TOKEN_LEN, coa_token, MIP6_TOKEN_LEN);
		len += MIP6_TOKEN_LEN;
	}
	if (!EVP_Digest(in, len, kbm, &olen, EVP_sha1(), NULL) ||
	    olen != MIP6_KBM_LEN)
		rc = -1;
	OPENSSL_cleanse(in, sizeof(in));
	return rc;
}

int
rr_authenticator(const uint8_t kbm[MIP6_KBM_LEN], const struct in6_addr *coa,
    const struct in6_addr *cn, const uint8_t *mh, size_t len,
    uint8_t auth[MIP6_AUTH_LEN])
{
	/* Contiguous input on the stack: an MH is at most MH_MAX_LEN. */
	uint8_t in[2 * sizeof(struct in6_addr) + MH_MAX_LEN];
	uint8_t md[RR_SHA1_LEN];
	size_t dlen, a = sizeof(*coa);
	int rc;

	if (len < MH_HDR_LEN + MIP6_AUTH_LEN || len > MH_MAX_LEN)
		return -1;
	dlen = len - MIP6_AUTH_LEN;
	memcpy(in, coa, a);
	memcpy(in + a, cn, a);
	memcpy(in + 2 * a, mh, dlen);
	/* Computed as if the checksum were zero (RFC 6275 6.2.7). */
	in[2 * a + MH_OFF_CKSUM] = 0;
	in[2 * a + MH_OFF_CKSUM + 1] = 0;
	rc = rr_hmac_sha1(kbm, MIP6_KBM_LEN, in, 2 * a + dlen, md);
	memcpy(auth, md, MIP6_AUTH_LEN);
	OPENSSL_cleanse(md, sizeof(md));
	return rc;
}

int
rr_mh_sign(const uint8_t kbm[MIP6_KBM_LEN], const struct in6_addr *coa,
    const struct in6_addr *cn, uint8_t *mh, size_t len,
    const struct in6_addr *src, const struct in6_addr *dst)
{
	uint8_t auth[MIP6_AUTH_LEN];

	/* The option must end the header: type and length just before. */
	if (len < MH_HDR_LEN + MH_OPT_HDR_LEN + MIP6_AUTH_LEN ||
	    mh[len - MIP6_AUTH_LEN - MH_OPT_HDR_LEN] != MH_OPT_AUTH ||
	    mh[len - MIP6_AUTH_LEN - 1] != MH_OPT_AUTH_LEN)
		return -1;
	if (rr_authenticator(kbm, coa, cn, mh, len, auth) == -1)
		return -1;
	memcpy(mh + len - MIP6_AUTH_LEN, auth, MIP6_AUTH_LEN);
	if (src != NULL && dst != NULL)
		mh_set_checksum(src, dst, mh, len);
	return 0;
}

int
rr_mh_verify(const uint8_t kbm[MIP6_KBM_LEN], const struct in6_addr *coa,
    const struct in6_addr *cn, const uint8_t *mh, size_t len,
    const struct mh_msg *m)
{
	uint8_t auth[MIP6_AUTH_LEN];
	int rc;

	/* Only an authenticator that closes the header covers all options. */
	if (!MH_HAS_OPT(&m->opts, MH_OPT_AUTH) ||
	    (size_t)m->opts.auth_off + MIP6_AUTH_LEN != len)
		return -1;
	if (rr_authenticator(kbm, coa, cn, mh, len, auth) == -1)
		return -1;
	rc = CRYPTO_memcmp(auth, mh + len - MIP6_AUTH_LEN, MIP6_AUTH_LEN);
	OPENSSL_cleanse(auth, sizeof(auth));
	return rc == 0 ? 0 : -1;
}

static int
new_nonce(struct rr_table *t, time_t now)
{
	struct rr_nonce *n;

	if (t->kcn_regen_s && now - t->kcn_born >= t->kcn_regen_s) {
		if (RAND_bytes(t->kcn, sizeof(t->kcn)) != 1)
			return -1;
		t->kcn_born = now;
	}
	t->head = (t->head + 1) % RR_MAX_NONCES;
	n = &t->slot[t->head];
	OPENSSL_cleanse(n, sizeof(*n));
	if (RAND_bytes(n->nonce, sizeof(n->nonce)) != 1)
		return -1;
	memcpy(n->kcn, t->kcn, sizeof(n->kcn));
	n->born = now;
	n->idx = t->next_idx++;
	n->valid = 1;
	return 0;
}

int
rr_table_init(struct rr_table *t, time_t now, unsigned regen_s,
    unsigned kcn_regen_s)
{
	memset(t, 0, sizeof(*t));
	t->regen_s = regen_s ? regen_s : RR_NONCE_REGEN_S;
	t->kcn_regen_s = kcn_regen_s;
	t->life_s = MAX_NONCE_LIFETIME_S;
	if (RAND_bytes(t->kcn, sizeof(t->kcn)) != 1 ||
	    RAND_bytes((uint8_t *)&t->next_idx, sizeof(t->next_idx)) != 1)
		return -1;
	t->kcn_born = now;
	t->head = RR_MAX_NONCES - 1;
	return new_nonce(t, now);
}

int
rr_table_tick(struct rr_table *t, time_t now)
{
	unsigned i;
	int made = 0;

	if (now - t->slot[t->head].born >= t->regen_s) {
		if (new_nonce(t, now) == -1)
			return -1;
		made = 1;
	}
	/* Expired nonces go, secrets first; the ring bounds the rest. */
	for (i = 0; i < RR_MAX_NONCES; i++)
		if (t->slot[i].valid && now - t->slot[i].born > t->life_s)
			OPENSSL_cleanse(&t->slot[i], sizeof(t->slot[i]));
	return made;
}

uint16_t
rr_table_current(const struct rr_table *t)
{
	return t->slot[t->head].idx;
}

static const struct rr_nonce *
find_nonce(const struct rr_table *t, uint16_t idx, time_t now)
{
	unsigned i;

	for (i = 0; i < RR_MAX_NONCES; i++) {
		const struct rr_nonce *n = &t->slot[i];

		if (n->valid && n->idx == idx && now >= n->born &&
		    now - n->born <= t->life_s)
			return n;
	}
	return NULL;
}

int
rr_table_token(const struct rr_table *t, uint16_t idx, time_t now,
    const struct in6_addr *addr, uint8_t which,
    uint8_t token[MIP6_TOKEN_LEN])
{
	const struct rr_nonce *n = find_nonce(t, idx, now);

	if (n == NULL)
		return -1;
	return rr_keygen_token(n->kcn, addr, n->nonce, which, token);
}

void
rr_table_wipe(struct rr_table *t)
{
	OPENSSL_cleanse(t, sizeof(*t));
}
