/* Binding update list entry of the home registration: see bul.h. */
#include <netinet/in.h>
#include <string.h>

#include "bul.h"
#include "mip6_const.h"

#define BUL_MS		1000u		/* ms in a second */
#define BUL_LT_UNIT	4u		/* seconds in a lifetime unit */
/* Refresh this long before the granted lifetime ends, at most a quarter of it. */
#define BUL_REFRESH_MARGIN_MS	(60u * BUL_MS)

static int	 bul_kick(struct bul *, uint64_t);
static int	 bul_start(struct bul *, uint64_t);
static void	 bul_schedule(struct bul *);
static int	 bul_kernel_ready(const struct bul *);
static void	 bul_backoff(struct bul *, uint64_t);

static int
addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

void
bul_init(struct bul *b, const struct bul_conf *c, const struct in6_addr *hoa,
    const struct in6_addr *ha, uint16_t initial_seq)
{
	memset(b, 0, sizeof(*b));
	b->c = *c;
	if (b->c.max_ms == 0)
		b->c.max_ms = 32 * BUL_MS;
	if (b->c.initial_ms == 0)
		b->c.initial_ms = BUL_MS;
	if (b->c.first_reg_ms == 0)
		b->c.first_reg_ms = 1500;
	b->hoa = *hoa;
	b->ha = *ha;
	b->state = BUL_HOME;
	b->seq = initial_seq;
	b->seq_valid = 1;
	b->flags = MH_BU_F_A | MH_BU_F_H;
	b->last_status = -1;
	b->fail_status = -1;
}

int
bul_seq_newer(uint16_t a, uint16_t b)
{
	uint16_t	 d = (uint16_t)(a - b);

	return d != 0 && d < 0x8000;
}

uint32_t
bul_initial_timeout(const struct bul *b)
{
	/* RFC 6275 11.8: the first registration waits for the HA's DAD. */
	if (b->state == BUL_REGISTERING && !b->registered)
		return b->c.first_reg_ms;
	return b->c.initial_ms;
}

uint32_t
bul_remaining(const struct bul *b, uint64_t now)
{
	if (!b->registered || b->expires == 0 || now >= b->expires)
		return 0;
	return (uint32_t)((b->expires - now + BUL_MS - 1) / BUL_MS);
}

static void
bul_schedule(struct bul *b)
{
	uint64_t	 t[3] = { b->t_action, 0, 0 };
	size_t		 i;

	if (b->state == BUL_REGISTERED)
		t[1] = b->refresh_at;
	if (b->registered)
		t[2] = b->expires;
	b->next = 0;
	for (i = 0; i < 3; i++)
		if (t[i] != 0 && (b->next == 0 || t[i] < b->next))
			b->next = t[i];
}

static int
bul_kernel_ready(const struct bul *b)
{
	if (b->away)
		return b->kstate == BUL_K_AWAY && addr_eq(&b->kcoa, &b->coa) &&
		    addr_eq(&b->kha, &b->ha);
	return b->kstate == BUL_K_HOME;
}

/* The kernel state first, then the BU the state calls for. */
static int
bul_kick(struct bul *b, uint64_t now)
{
	int	 act = 0;

	if (b->kpending) {
		bul_schedule(b);
		return 0;
	}
	if (!bul_kernel_ready(b)) {
		b->kpending = 1;
		b->kasked = b->away ? BUL_K_AWAY : BUL_K_HOME;
		b->kasked_coa = b->coa;
		b->kasked_ha = b->ha;
		act = b->away ? BUL_ACT_KERNEL_AWAY : BUL_ACT_KERNEL_HOME;
	} else if ((b->state == BUL_REGISTERING ||
	    b->state == BUL_DEREGISTERING) && !b->bu_pending &&
	    !b->retry_pending)
		act = bul_start(b, now);
	bul_schedule(b);
	return act;
}

/* A new BU (a new attempt): next sequence number, initial timeout. */
static int
bul_start(struct bul *b, uint64_t now)
{
	uint32_t	 lt;

	b->seq++;
	b->seq_first = b->seq;
	if (b->state == BUL_DEREGISTERING)
		b->lifetime_units = 0;
	else {
		/* RFC 6275 11.7.1: no longer than the care-of address lives. */
		lt = b->c.lifetime;
		if (b->lifetime_cap != 0 && b->lifetime_cap < lt)
			lt = b->lifetime_cap;
		/* Nor longer than the home address lives (the home prefix's
		 * valid lifetime from the last prefix advertisement). */
		if (b->hoa_expires != 0 && b->hoa_expires > now &&
		    (b->hoa_expires - now) / BUL_MS < lt)
			lt = (uint32_t)((b->hoa_expires - now) / BUL_MS);
		lt /= BUL_LT_UNIT;
		b->lifetime_units = (uint16_t)(lt > 0xffff ? 0xffff :
		    lt == 0 ? 1 : lt);
	}
	b->timeout_ms = bul_initial_timeout(b);
	b->tries = 1;
	b->first_tx = now;
	b->bu_pending = 1;
	b->retry_pending = 0;
	b->resend = 0;
	b->t_action = now + b->timeout_ms;
	b->ctr.bu_sent++;
	return BUL_ACT_SEND_BU;
}

static void
bul_backoff(struct bul *b, uint64_t now)
{
	if (b->backoff_ms == 0)
		b->backoff_ms = b->c.initial_ms;
	else if (b->backoff_ms < b->c.max_ms / 2)
		b->backoff_ms *= 2;
	else
		b->backoff_ms = b->c.max_ms;
	b->t_action = now + b->backoff_ms;
}

int
bul_away(struct bul *b, const struct in6_addr *coa, uint64_t now)
{
	if (b->away && addr_eq(&b->coa, coa) &&
	    (b->state == BUL_REGISTERING || b->state == BUL_REGISTERED))
		return 0;
	b->ctr.moves++;
	b->away = 1;
	b->coa = *coa;
	b->state = BUL_REGISTERING;
	b->bu_pending = 0;
	b->retry_pending = 0;
	b->resync_row = 0;
	b->t_action = 0;
	b->backoff_ms = 0;
	return bul_kick(b, now);
}

int
bul_home(struct bul *b, uint64_t now)
{
	if (!b->away && (b->state == BUL_HOME ||
	    b->state == BUL_DEREGISTERING))
		return b->kstate == BUL_K_HOME || b->kpending ? 0 :
		    bul_kick(b, now);
	b->away = 0;
	b->coa = b->hoa;
	b->bu_pending = 0;
	b->retry_pending = 0;
	b->resync_row = 0;
	b->t_action = 0;
	b->backoff_ms = 0;
	/* RFC 6275 11.5.4: a binding (or a BU that may have made one) goes. */
	if (b->state != BUL_HOME) {
		b->ctr.returns_home++;
		b->state = BUL_DEREGISTERING;
	}
	return bul_kick(b, now);
}

int
bul_kernel_reply(struct bul *b, int error, uint64_t now)
{
	if (!b->kpending)
		return 0;
	b->kpending = 0;
	if (error != 0) {
		b->ctr.kernel_failed++;
		/* Try again after a back-off (bul_timer kicks). */
		b->kstate = BUL_K_NONE;
		bul_backoff(b, now);
		bul_schedule(b);
		return 0;
	}
	b->kstate = b->kasked;
	b->kcoa = b->kasked_coa;
	b->kha = b->kasked_ha;
	return bul_kick(b, now);
}

int
bul_ba(struct bul *b, uint8_t status, uint16_t seq, uint16_t lifetime,
    uint16_t refresh, uint64_t now, enum bul_ba_result *res)
{
	uint64_t	 granted_ms, margin;
	int		 act = 0;

	if (!b->bu_pending) {
		*res = BUL_BA_UNEXPECTED;
		goto out;
	}
	if (status == BA_STATUS_SEQ_OUT_OF_WINDOW) {
		/* RFC 6275 11.7.3: the BA carries the last accepted number. */
		b->last_status = status;
		b->ctr.resyncs++;
		b->seq = seq;
		b->bu_pending = 0;
		*res = BUL_BA_RESYNC;
		if (++b->resync_row > BUL_RESYNC_BURST) {
			b->retry_pending = 1;
			bul_backoff(b, now);
		} else
			act = bul_start(b, now);
		goto out;
	}
	/* One of this attempt's BUs (each retransmission has its own). */
	if ((uint16_t)(seq - b->seq_first) > (uint16_t)(b->seq - b->seq_first)) {
		*res = BUL_BA_STALE;
		goto out;
	}
	b->last_status = status;
	b->bu_pending = 0;
	b->t_action = 0;
	b->resync_row = 0;
	if (status >= BA_STATUS_REJECT_MIN) {
		b->ctr.rejected++;
		*res = BUL_BA_REJECTED;
		if (b->state == BUL_DEREGISTERING) {
			/* Nothing more to ask: the binding ends with its lifetime. */
			b->state = BUL_HOME;
			b->registered = 0;
			b->expires = b->refresh_at = 0;
			b->granted = 0;
			goto out;
		}
		/* RFC 6275 11.4.1: a home agent of the DHAAD list that will
		 * not serve us: the next one (no binding here to keep). */
		if (b->fallback && !b->registered &&
		    b->state == BUL_REGISTERING &&
		    bul_status_next_ha(status)) {
			b->fail_status = status;
			act = BUL_ACT_HA_FAILED;
			goto out;
		}
		b->retry_pending = 1;
		bul_backoff(b, now);
		goto out;
	}
	b->backoff_ms = 0;
	if (b->state == BUL_DEREGISTERING) {
		b->ctr.deregistrations++;
		b->state = BUL_HOME;
		b->registered = 0;
		b->granted = 0;
		b->expires = b->refresh_at = 0;
		*res = BUL_BA_DEREGISTERED;
		goto out;
	}
	/* At most what we asked. */
	if (lifetime > b->lifetime_units)
		lifetime = b->lifetime_units;
	b->granted = (uint32_t)lifetime * BUL_LT_UNIT;
	if (b->granted == 0) {
		/* Accepted for no time: as good as refused. */
		b->ctr.rejected++;
		*res = BUL_BA_REJECTED;
		b->retry_pending = 1;
		bul_backoff(b, now);
		goto out;
	}
	b->ctr.registrations++;
	b->state = BUL_REGISTERED;
	b->registered = 1;
	/* The lifetime runs from when the BU was sent (RFC 6275 11.7.3). */
	granted_ms = (uint64_t)b->granted * BUL_MS;
	b->expires = b->first_tx + granted_ms;
	margin = granted_ms / 4;
	if (margin > BUL_REFRESH_MARGIN_MS)
		margin = BUL_REFRESH_MARGIN_MS;
	b->refresh_at = b->expires - margin;
	if (refresh != 0 && (uint64_t)refresh * BUL_LT_UNIT * BUL_MS <
	    granted_ms - margin)
		b->refresh_at = b->first_tx +
		    (uint64_t)refresh * BUL_LT_UNIT * BUL_MS;
	*res = BUL_BA_ACCEPTED;
 out:
	b->ctr.ba[*res]++;
	bul_schedule(b);
	return act;
}

int
bul_status_next_ha(uint8_t status)
{
	return status >= BA_STATUS_UNSPECIFIED &&
	    status <= BA_STATUS_NOT_HA_FOR_MN;
}

int
bul_set_ha(struct bul *b, const struct in6_addr *ha, uint64_t now)
{
	b->ha = *ha;
	b->registered = 0;
	b->granted = 0;
	b->expires = b->refresh_at = 0;
	b->bu_pending = 0;
	b->retry_pending = 0;
	b->resend = 0;
	b->t_action = 0;
	b->backoff_ms = 0;
	b->resync_row = 0;
	b->tries = 0;
	if (!b->away) {
		bul_schedule(b);
		return 0;
	}
	/* A first registration: InitialBindackTimeoutFirstReg again. */
	b->state = BUL_REGISTERING;
	return bul_kick(b, now);
}

void
bul_halt(struct bul *b, uint64_t now)
{
	(void)now;
	b->bu_pending = 0;
	b->retry_pending = 0;
	b->resend = 0;
	b->t_action = 0;
	bul_schedule(b);
}

void
bul_send_failed(struct bul *b, uint64_t now)
{
	if (!b->bu_pending)
		return;
	b->resend = 1;
	b->t_action = now + BUL_SEND_RETRY_MS;
	bul_schedule(b);
}

int
bul_stop(struct bul *b)
{
	if (!b->away || !b->registered || b->kstate != BUL_K_AWAY)
		return 0;
	/* Lifetime 0 from the care-of address: the binding goes at once. */
	b->state = BUL_DEREGISTERING;
	b->seq++;
	b->lifetime_units = 0;
	b->ctr.bu_sent++;
	return 1;
}

int
bul_brr(struct bul *b, uint64_t now)
{
	if (b->state != BUL_REGISTERED)
		return 0;
	b->state = BUL_REGISTERING;
	b->ctr.refreshes++;
	return bul_kick(b, now);
}

int
bul_timer(struct bul *b, uint64_t now)
{
	int	 act = 0;

	if (b->next == 0 || now < b->next)
		return 0;
	if (b->registered && b->expires != 0 && now >= b->expires) {
		b->ctr.expired++;
		b->registered = 0;
		b->granted = 0;
		b->expires = b->refresh_at = 0;
		if (b->state == BUL_REGISTERED)
			b->state = BUL_REGISTERING;
		else if (b->state == BUL_DEREGISTERING) {
			/* The home agent forgot us anyway. */
			b->state = BUL_HOME;
			b->bu_pending = 0;
			b->t_action = 0;
		}
	}
	if (b->t_action != 0 && now >= b->t_action) {
		b->t_action = 0;
		if (!b->kpending && !bul_kernel_ready(b)) {
			act = bul_kick(b, now);
		} else if (b->bu_pending && b->resend) {
			/* Never left: not a retransmission, no doubling. */
			b->resend = 0;
			b->seq++;
			b->ctr.bu_sent++;
			b->t_action = now + b->timeout_ms;
			act = BUL_ACT_SEND_BU;
		} else if (b->bu_pending) {
			/* Retransmit: a new number, the timeout doubled. */
			if (b->state == BUL_DEREGISTERING && !b->registered &&
			    b->timeout_ms >= b->c.max_ms) {
				b->state = BUL_HOME;
				b->bu_pending = 0;
			} else if (b->fallback && !b->registered &&
			    b->state == BUL_REGISTERING &&
			    b->timeout_ms >= b->c.max_ms) {
				/* RFC 6275 11.4.1, 11.8: unanswered up to
				 * MAX_BINDACK_TIMEOUT: the next home agent. */
				b->bu_pending = 0;
				b->fail_status = -1;
				act = BUL_ACT_HA_FAILED;
			} else {
				b->seq++;
				b->tries++;
				b->ctr.bu_sent++;
				b->ctr.bu_retransmitted++;
				if (b->timeout_ms < b->c.max_ms / 2)
					b->timeout_ms *= 2;
				else
					b->timeout_ms = b->c.max_ms;
				b->t_action = now + b->timeout_ms;
				act = BUL_ACT_SEND_BU;
			}
		} else if (b->retry_pending) {
			b->retry_pending = 0;
			act = bul_kick(b, now);
		}
	}
	if (b->state == BUL_REGISTERED && b->refresh_at != 0 &&
	    now >= b->refresh_at && !b->bu_pending) {
		b->state = BUL_REGISTERING;
		b->ctr.refreshes++;
		act |= bul_kick(b, now);
	}
	bul_schedule(b);
	return act;
}

const char *
bul_state_str(enum bul_state s)
{
	switch (s) {
	case BUL_HOME:
		return "home";
	case BUL_REGISTERING:
		return "registering";
	case BUL_REGISTERED:
		return "registered";
	case BUL_DEREGISTERING:
		return "deregistering";
	}
	return "?";
}

const char *
bul_ba_result_str(enum bul_ba_result r)
{
	static const char *const n[BUL_BA_RESULT_COUNT] = {
		"accepted", "deregistered", "resync", "rejected",
		"unexpected", "stale"
	};

	return (unsigned int)r < BUL_BA_RESULT_COUNT ? n[r] : "?";
}

const char *
bul_status_str(int s)
{
	switch (s) {
	case -1:
		return "none";
	case BA_STATUS_ACCEPTED:
		return "accepted";
	case BA_STATUS_PREFIX_DISCOV:
		return "accepted, prefix discovery necessary";
	case BA_STATUS_UNSPECIFIED:
		return "reason unspecified";
	case BA_STATUS_PROHIBITED:
		return "administratively prohibited";
	case BA_STATUS_NO_RESOURCES:
		return "insufficient resources";
	case BA_STATUS_HOME_REG_NOT_SUPP:
		return "home registration not supported";
	case BA_STATUS_NOT_HOME_SUBNET:
		return "not home subnet";
	case BA_STATUS_NOT_HA_FOR_MN:
		return "not home agent for this mobile node";
	case BA_STATUS_DAD_FAILED:
		return "duplicate address detection failed";
	case BA_STATUS_SEQ_OUT_OF_WINDOW:
		return "sequence number out of window";
	case BA_STATUS_EXPIRED_HOME_NONCE:
		return "expired home nonce index";
	case BA_STATUS_EXPIRED_COA_NONCE:
		return "expired care-of nonce index";
	case BA_STATUS_EXPIRED_NONCES:
		return "expired nonces";
	case BA_STATUS_REG_TYPE_CHANGE:
		return "registration type change disallowed";
	case BA_STATUS_INVALID_COA:
		return "invalid care-of address";
	}
	return s < BA_STATUS_REJECT_MIN ? "accepted" : "refused";
}
