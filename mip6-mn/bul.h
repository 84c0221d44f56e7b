/*
 * The mobile node's binding update list entry for its home registration
 * (RFC 6275 section 11.7.1, 11.7.3, 11.8): state, sequence numbers,
 * retransmission with exponential back-off, refresh before the granted
 * lifetime runs out, the answer to every BA status.
 *
 * Pure logic: no I/O, no clock.  Every call takes the time (ms, any
 * monotonic origin) and returns what the caller must do (BUL_ACT_*): ask
 * mip6-priv for the away or at-home kernel state, send the BU that the
 * entry now describes.  The kernel state comes first: the Home Address
 * option is added by an XFRM state that IMSG_KR_MN_HOME installs.
 */
#ifndef MIP6_MN_BUL_H
#define MIP6_MN_BUL_H

#include <netinet/in.h>
#include <stdint.h>

enum bul_state {
	BUL_HOME = 0,		/* at home, no binding at the home agent */
	BUL_REGISTERING,	/* away: a BU awaits its BA (or a retry) */
	BUL_REGISTERED,		/* away: the home agent accepted */
	BUL_DEREGISTERING	/* back home: the deregistration awaits its BA */
};

/* What the kernel holds (as far as mip6-priv answered). */
enum bul_kstate {
	BUL_K_NONE = 0,		/* unknown: nothing asked yet */
	BUL_K_AWAY,		/* tunnel, HoA, policies for kcoa */
	BUL_K_HOME		/* HoA on the home interface */
};

#define BUL_ACT_SEND_BU		0x01	/* send the BU described by the entry */
#define BUL_ACT_KERNEL_AWAY	0x02	/* IMSG_KR_MN_HOME for coa */
#define BUL_ACT_KERNEL_HOME	0x04	/* IMSG_KR_MN_AT_HOME */
/* With `fallback` (a home agent found by DHAAD): this home agent refused
 * the registration or never answered; the caller tries the next one of
 * the list (bul_set_ha) or discovers again (RFC 6275 11.4.1). */
#define BUL_ACT_HA_FAILED	0x08

/* What a BA did to the entry (for logs and counters). */
enum bul_ba_result {
	BUL_BA_ACCEPTED = 0,	/* registration (or refresh) done */
	BUL_BA_DEREGISTERED,	/* deregistration done: home */
	BUL_BA_RESYNC,		/* 135: sequence number taken, BU again */
	BUL_BA_REJECTED,	/* refused: retry after a back-off */
	BUL_BA_UNEXPECTED,	/* no BU outstanding: ignored */
	BUL_BA_STALE,		/* sequence number of no BU of ours: ignored */
	BUL_BA_RESULT_COUNT
};

struct bul_conf {
	uint32_t	 lifetime;		/* asked, seconds */
	uint32_t	 first_reg_ms;		/* InitialBindackTimeoutFirstReg */
	uint32_t	 initial_ms;		/* INITIAL_BINDACK_TIMEOUT */
	uint32_t	 max_ms;		/* MAX_BINDACK_TIMEOUT */
};

/* In a row, 135 answers resent at once; then the back-off applies. */
#define BUL_RESYNC_BURST	3

struct bul_counters {
	uint64_t	 bu_sent;		/* transmissions, all kinds */
	uint64_t	 bu_retransmitted;	/* of those, retransmissions */
	uint64_t	 registrations;		/* BAs accepting a registration */
	uint64_t	 refreshes;		/* BUs sent to refresh */
	uint64_t	 deregistrations;	/* BAs accepting a deregistration */
	uint64_t	 moves;			/* new care-of addresses */
	uint64_t	 returns_home;		/* home link detected while bound */
	uint64_t	 resyncs;		/* 135 answers */
	uint64_t	 rejected;		/* other refusals */
	uint64_t	 ba[BUL_BA_RESULT_COUNT];
	uint64_t	 kernel_failed;		/* mip6-priv refused or failed */
	uint64_t	 expired;		/* granted lifetime ran out */
};

struct bul {
	struct bul_conf	 c;
	enum bul_state	 state;
	struct in6_addr	 hoa;
	struct in6_addr	 ha;
	struct in6_addr	 coa;		/* away: the care-of address */
	int		 away;		/* the target: 1 away at coa, 0 home */
	uint32_t	 lifetime_cap;	/* s, the care-of address's remaining
					   valid lifetime; 0 none (caller) */
	uint64_t	 hoa_expires;	/* ms, the home prefix's valid lifetime
					   ends (last prefix advertisement); 0
					   unknown */
	int		 fallback;	/* BUL_ACT_HA_FAILED on: the home agent
					   may be replaced (DHAAD) */
	int		 fail_status;	/* why the last BUL_ACT_HA_FAILED: the
					   BA status, -1 no answer */

	/* kernel state */
	enum bul_kstate	 kstate;
	struct in6_addr	 kcoa;		/* what BUL_K_AWAY was set up for */
	struct in6_addr	 kha;		/* and the home agent it points at */
	int		 kpending;	/* a request is out */
	enum bul_kstate	 kasked;	/* what it asks for */
	struct in6_addr	 kasked_coa;
	struct in6_addr	 kasked_ha;

	/* the BU in flight */
	uint16_t	 seq;		/* of the last BU sent */
	uint16_t	 seq_first;	/* first of this attempt's BUs */
	uint16_t	 flags;		/* MH_BU_F_* of the BUs sent */
	uint16_t	 lifetime_units;/* asked in the last BU (4 s units) */
	int		 seq_valid;	/* seq was initialised */
	int		 bu_pending;	/* a BU awaits its BA */
	int		 retry_pending;	/* a back-off runs before the next BU */
	int		 resend;	/* the last send failed: again, same timeout */
	int		 registered;	/* the home agent has a binding (we think) */
	uint32_t	 timeout_ms;	/* current retransmission timeout */
	uint32_t	 tries;		/* transmissions of this attempt */
	uint32_t	 resync_row;	/* 135 answers in a row */
	uint32_t	 backoff_ms;	/* after a refusal or a kernel failure */
	uint64_t	 first_tx;	/* first transmission of this attempt */
	uint64_t	 t_action;	/* retransmission, retry; 0 none */
	uint64_t	 next;		/* earliest deadline for bul_timer, 0 none */

	/* the binding */
	uint32_t	 granted;	/* seconds */
	uint64_t	 expires;	/* ms; 0 none */
	uint64_t	 refresh_at;	/* ms; 0 none */
	int		 last_status;	/* of the last BA, -1 none */

	struct bul_counters ctr;
};

void	 bul_init(struct bul *, const struct bul_conf *,
	    const struct in6_addr *hoa, const struct in6_addr *ha,
	    uint16_t initial_seq);

/* Movement: a (new) care-of address, or the home link. */
int	 bul_away(struct bul *, const struct in6_addr *coa, uint64_t now);
int	 bul_home(struct bul *, uint64_t now);
/* mip6-priv answered the request BUL_ACT_KERNEL_* asked for. */
int	 bul_kernel_reply(struct bul *, int error, uint64_t now);
/* A BA from the home agent (status, seq, lifetime and BRA in 4 s units,
 * refresh 0 when the BA had no Binding Refresh Advice). */
int	 bul_ba(struct bul *, uint8_t status, uint16_t seq, uint16_t lifetime,
	    uint16_t refresh, uint64_t now, enum bul_ba_result *);
/* A Binding Refresh Request from the home agent: refresh now. */
int	 bul_brr(struct bul *, uint64_t now);
/* Another home agent (DHAAD's next): a first registration with it, the
 * away state made again for it.  Returns BUL_ACT_*. */
int	 bul_set_ha(struct bul *, const struct in6_addr *ha, uint64_t now);
/* Send nothing more (no home agent to send to) until bul_set_ha. */
void	 bul_halt(struct bul *, uint64_t now);
/* 1 when a refusal with this status sends a node with `fallback` to the
 * next home agent (128-133: the home agent will not serve it). */
int	 bul_status_next_ha(uint8_t status);
/* The BU could not be sent (no route yet): try again soon, same timeout. */
void	 bul_send_failed(struct bul *, uint64_t now);
#define BUL_SEND_RETRY_MS	100
/* The daemon stops: 1 when a last deregistration (lifetime 0, from the
 * care-of address) should go, the entry then describing it. */
int	 bul_stop(struct bul *);
/* The deadline passed (or not: then nothing happens). */
int	 bul_timer(struct bul *, uint64_t now);

/* The first retransmission timeout for the attempt starting now. */
uint32_t bul_initial_timeout(const struct bul *);
/* Seconds left of the granted lifetime, 0 when none. */
uint32_t bul_remaining(const struct bul *, uint64_t now);
/* 1 when sequence number a is newer than b (modulo 2^16). */
int	 bul_seq_newer(uint16_t a, uint16_t b);

const char *bul_state_str(enum bul_state);
const char *bul_ba_result_str(enum bul_ba_result);
/* "accepted", "sequence number out of window", ... */
const char *bul_status_str(int status);

#endif
