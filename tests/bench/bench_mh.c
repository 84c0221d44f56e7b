/*
 * Benchmark of the Mobility Header codec and return-routability crypto, on
 * one core (pinned to the first CPU we may use).  `make bench` runs it.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mh.h"
#include "rr.h"

#define RUN_NS		500000000LL	/* each figure: about half a second */
#define BATCH		1000

static volatile unsigned sink;

static long long	 now_ns(void);
static struct in6_addr	 A(const char *);
static void		 pin_one_core(void);
static size_t		 make_bu(uint8_t *, const struct in6_addr *,
			    const struct in6_addr *);
static size_t		 make_ba(uint8_t *, const struct in6_addr *,
			    const struct in6_addr *);

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct in6_addr
A(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		abort();
	return a;
}

static void
pin_one_core(void)
{
	cpu_set_t set;
	int i;

	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		return;
	for (i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			break;
	CPU_ZERO(&set);
	CPU_SET(i, &set);
	(void)sched_setaffinity(0, sizeof(set), &set);
}

/* A route-optimization BU: Alternate CoA, Nonce Indices, authenticator. */
static size_t
make_bu(uint8_t *buf, const struct in6_addr *src, const struct in6_addr *dst)
{
	struct mh_msg m = { .type = MH_TYPE_BU };
	struct mh_opt o[3];
	size_t len;

	memset(o, 0, sizeof(o));
	m.u.bu.seq = 1234;
	m.u.bu.flags = MH_BU_F_A;
	m.u.bu.lifetime = mip6_sec_to_lifetime(MAX_RR_BINDING_LIFETIME_S);
	o[0].type = MH_OPT_ALTCOA;
	o[0].u.altcoa = A("2001:db8:f::1");
	o[1].type = MH_OPT_NONCE;
	o[1].u.nonce.home = 10;
	o[1].u.nonce.coa = 11;
	o[2].type = MH_OPT_AUTH;
	if (mh_build(&m, o, 3, src, dst, buf, MH_MAX_LEN, &len) != MH_OK)
		abort();
	return len;
}

/* The answering BA: Binding Refresh Advice and authenticator. */
static size_t
make_ba(uint8_t *buf, const struct in6_addr *src, const struct in6_addr *dst)
{
	struct mh_msg m = { .type = MH_TYPE_BA };
	struct mh_opt o[2];
	size_t len;

	memset(o, 0, sizeof(o));
	m.u.ba.status = BA_STATUS_ACCEPTED;
	m.u.ba.seq = 1234;
	m.u.ba.lifetime = mip6_sec_to_lifetime(MAX_RR_BINDING_LIFETIME_S);
	o[0].type = MH_OPT_BRA;
	o[0].u.refresh = mip6_sec_to_lifetime(300);
	o[1].type = MH_OPT_AUTH;
	if (mh_build(&m, o, 2, src, dst, buf, MH_MAX_LEN, &len) != MH_OK)
		abort();
	return len;
}

#define MEASURE(label, unit, body) do {					\
	long long t0 = now_ns(), t, n = 0;				\
	int k;								\
									\
	do {								\
		for (k = 0; k < BATCH; k++) {				\
			body;						\
		}							\
		n += BATCH;						\
	} while ((t = now_ns() - t0) < RUN_NS);				\
	if (unit)							\
		printf("%-52s %10.0f /s\n", label, n * 1e9 / t);	\
	else								\
		printf("%-52s %10.1f ns\n", label, (double)t / n);	\
} while (0)

int
main(void)
{
	struct in6_addr hoa = A("2001:db8:1::100"), cn = A("2001:db8:c::1");
	struct in6_addr coa = A("2001:db8:f::1");
	uint8_t bu[MH_MAX_LEN], ba[MH_MAX_LEN], out[MH_MAX_LEN];
	uint8_t kcn[MIP6_KCN_LEN], nonce[MIP6_NONCE_LEN];
	uint8_t tok[MIP6_TOKEN_LEN], tok2[MIP6_TOKEN_LEN], kbm[MIP6_KBM_LEN];
	uint8_t auth[MIP6_AUTH_LEN];
	struct mh_msg m;
	size_t bulen, balen, len;
	char label[80];

	pin_one_core();
	memset(kcn, 0x5a, sizeof(kcn));
	memset(nonce, 0xa5, sizeof(nonce));
	memset(kbm, 0x33, sizeof(kbm));
	bulen = make_bu(bu, &hoa, &cn);
	balen = make_ba(ba, &cn, &hoa);
	if (mh_parse(bu, bulen, &hoa, &cn, &m) != MH_OK ||
	    mh_parse(ba, balen, &cn, &hoa, &m) != MH_OK)
		abort();

	printf("mip6 Mobility Header codec and RR crypto, one core\n");
	snprintf(label, sizeof(label), "parse+validate BU, %zu octets, 3 options",
	    bulen);
	MEASURE(label, 0,
	    sink += mh_parse(bu, bulen, &hoa, &cn, &m) + m.u.bu.seq);
	snprintf(label, sizeof(label), "parse+validate BA, %zu octets, 2 options",
	    balen);
	MEASURE(label, 0,
	    sink += mh_parse(ba, balen, &cn, &hoa, &m) + m.u.ba.seq);
	{
		struct mh_msg b = { .type = MH_TYPE_BA };
		struct mh_opt o[2];

		memset(o, 0, sizeof(o));
		b.u.ba.seq = 1234;
		b.u.ba.lifetime = 105;
		o[0].type = MH_OPT_BRA;
		o[0].u.refresh = 75;
		o[1].type = MH_OPT_AUTH;
		MEASURE("build BA with checksum, 2 options", 0,
		    sink += mh_build(&b, o, 2, &cn, &hoa, out, sizeof(out),
		    &len) + (unsigned)len);
	}
	MEASURE("keygen tokens (HMAC-SHA1)", 1,
	    sink += rr_keygen_token(kcn, &hoa, nonce, RR_TOKEN_HOME, tok) +
	    tok[0]);
	MEASURE("Kbm (SHA-1 of two tokens)", 1,
	    sink += rr_kbm(tok, tok2, kbm) + kbm[0]);
	snprintf(label, sizeof(label), "BU authenticators (HMAC-SHA1, %zu octets)",
	    bulen);
	MEASURE(label, 1,
	    sink += rr_authenticator(kbm, &coa, &cn, bu, bulen, auth) +
	    auth[0]);
	MEASURE("BU verify (parse + authenticator + compare)", 1,
	    sink += mh_parse(bu, bulen, &hoa, &cn, &m) +
	    rr_mh_verify(kbm, &coa, &cn, bu, bulen, &m));
	return 0;
}
