/*
 * The mobile node's route optimization (RFC 6275 sections 5.2, 11.6,
 * 11.7.2): one binding update list entry per correspondent that the
 * configuration's route-optimization policy names.  Once the home agent
 * accepted a care-of address: the return routability test (HoTI from the
 * home address through the tunnel, CoTI from the care-of address), the
 * route-optimization states from mip6-priv (IMSG_KR_RO_ADD: Home Address
 * option out, type 2 routing header in), then a BU with Nonce Indices and
 * Binding Authorization Data.  Refreshed before the binding ends, redone
 * after a move, deregistered on return home; a Binding Error, a refusal
 * or silence removes the states (traffic goes back through the tunnel)
 * and the entry tries again after a back-off.
 */
#ifndef MIP6_MN_RO_H
#define MIP6_MN_RO_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "mip6_const.h"

#define MNRO_MAX_CNS		16

enum mnro_state {
	MNRO_IDLE = 0,		/* nothing with this correspondent */
	MNRO_RR,		/* HoTI/CoTI out, awaiting HoT/CoT */
	MNRO_KERNEL,		/* the RO states asked of mip6-priv */
	MNRO_BU,		/* BU out, awaiting its BA */
	MNRO_BOUND,		/* the correspondent accepted */
	MNRO_WAIT,		/* fell back to the tunnel: retry later */
	MNRO_DEREG,		/* at home (or stopping): lifetime 0 BU */
	MNRO_GAVEUP		/* no answer MNRO_MAX_ROUNDS rounds in a
				   row: the tunnel until a move, a Binding
				   Refresh Request or (all) new traffic */
};

/* Unanswered rounds (a test or BU retransmitted up to max-bindack-timeout
 * without any answer) in a row before the entry gives up. */
#define MNRO_MAX_ROUNDS		3
/* After a refusal other than an expired nonce: the tunnel for this long. */
#define MNRO_GIVEUP_MS		(600u * 1000u)
/* 136/137/138 answers in a row before the entry falls back. */
#define MNRO_NONCE_REDO_MAX	3

struct mnro_counters {
	uint64_t	 rr_runs;		/* tests started */
	uint64_t	 hoti_sent, coti_sent;
	uint64_t	 hot_rx, cot_rx;
	uint64_t	 bu_sent;
	uint64_t	 ba_accepted;
	uint64_t	 ba_nonce;		/* 136, 137, 138 */
	uint64_t	 ba_refused;		/* other refusals */
	uint64_t	 ba_bad_auth;		/* authenticator mismatch */
	uint64_t	 be_rx;
	uint64_t	 fallbacks;
	uint64_t	 deregistrations;
	uint64_t	 kernel_refused;	/* RO_ADD refused by mip6-priv */
	uint64_t	 gave_up;		/* MNRO_GAVEUP entered */
};

struct mnro_cn {
	struct in6_addr	 cn;
	enum mnro_state	 state;

	/* return routability */
	uint8_t		 hcookie[MIP6_COOKIE_LEN];
	uint8_t		 ccookie[MIP6_COOKIE_LEN];
	int		 hoti_out, coti_out;	/* awaiting HoT / CoT */
	uint8_t		 htoken[MIP6_TOKEN_LEN];
	uint8_t		 ctoken[MIP6_TOKEN_LEN];
	uint16_t	 hidx, cidx;
	uint64_t	 htoken_at, ctoken_at;	/* ms; 0 none */
	struct in6_addr	 ctoken_coa;		/* the care-of token's address */
	uint64_t	 rr_start;		/* ms */
	uint32_t	 rr_ms;			/* the last test's duration */
	uint32_t	 nonce_redo;		/* 136-138 answers in a row */

	/* the BU in flight */
	uint16_t	 seq;
	uint16_t	 lifetime_units;
	struct in6_addr	 bu_coa;		/* == home address: deregistration */
	int		 dereg_sent;		/* that deregistration is out */
	uint32_t	 timeout_ms;
	uint32_t	 tries;
	uint64_t	 t_retx;		/* ms; 0 none */

	/* the binding */
	uint32_t	 granted;		/* s */
	uint64_t	 bound_at, expires, refresh_at;	/* ms */
	int		 at_cn;			/* the correspondent holds one */
	int		 last_status;		/* -1 none */
	uint64_t	 ha_path_ms;		/* home BA -> this binding */
	uint64_t	 tunnel_since;		/* ms, states removed; 0 none */
	struct in6_addr	 bound_coa;		/* of the last accepted BU */

	/* kernel */
	int		 kinstalled;
	struct in6_addr	 kcoa;
	uint32_t	 kreq;			/* request out (id), 0 none */
	int		 kreq_add;
	/* One request in flight per correspondent: the next one waits
	 * for its answer (an add racing a del could leave states behind
	 * or fail with EEXIST).  0 none, 1 add, 2 del. */
	int		 knext;

	/* back-off after a fallback */
	uint32_t	 backoff_ms;
	uint64_t	 retry_at;
	char		 why[64];		/* the last fallback */
	uint32_t	 rounds;		/* unanswered rounds in a row */
	struct in6_addr	 gaveup_coa;		/* MNRO_GAVEUP: at this care-of */

	struct mnro_counters ctr;
};

struct mnro {
	int		 enabled;		/* a policy other than none */
	int		 all;			/* route-optimization: all */
	int		 full_logged;
	struct mnro_cn	 cns[MNRO_MAX_CNS];
	size_t		 ncns;
	uint32_t	 lifetime;		/* s, asked of correspondents */
	uint64_t	 home_ba_at;		/* ms, the home agent accepted */
	struct in6_addr	 coa;			/* that registration's */
	uint32_t	 initial_backoff_ms;	/* initial-bindack-timeout */
	uint64_t	 next_at;		/* ms, the timer's next run; 0 none */
};

/*
 * The entry's input and output, replaceable by a unit test
 * (tests/unit/test_mnro.c): a Mobility Header message out, a kernel
 * request to mip6-priv, a request id.
 */
struct kr_ro;
struct mnro_io {
	int		(*send)(const uint8_t *, size_t, const struct in6_addr *src,
			    const struct in6_addr *dst, uint32_t ifindex);
	void		(*kernel)(uint32_t type, uint32_t id, const struct kr_ro *);
	uint32_t	(*reqid)(void);
};

extern struct mnro	 mnro;

struct mip6_conf;
struct mh_msg;

void	 mn_ro_init(const struct mip6_conf *);
/* Replace the I/O (NULL: the daemon's); before mn_ro_init. */
void	 mn_ro_set_io(const struct mnro_io *);
/* The timer's work at mn_now() (the daemon's timer calls it). */
void	 mn_ro_tick(void);
/* After every change of the home registration (mn_act). */
void	 mn_ro_sync(void);
/* A Mobility Header message not from the home agent: 1 when it was ours. */
int	 mn_ro_input(const struct mh_msg *, const uint8_t *, size_t,
	    const struct in6_addr *src, int rh2);
/* A kernel reply: 1 when it answered one of our requests. */
int	 mn_ro_kernel_reply(uint32_t id, int error);
/* route-optimization: all: an XFRM acquire names a correspondent. */
struct kr_ev_xfrm;
void	 mn_ro_xfrm_event(const struct kr_ev_xfrm *);
/* The daemon stops: deregister where tokens allow. */
void	 mn_ro_shutdown(void);
/* mip6ctl show bul: the correspondent entries (text lines, or a JSON
 * array's members). */
size_t	 mn_ro_format(char *, size_t, int json, uint64_t now);
const char *mnro_state_str(enum mnro_state);

#endif
