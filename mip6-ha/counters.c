/*
 * Home agent message counters: see counters.h.
 */
#include <sys/types.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"

#define CTR_NAME_MAX	64

static const char *const misc_names[HA_CTR_MISC_COUNT] = {
	[HA_CTR_RX_UNKNOWN_TYPE] = "rx.unknown_type",
	[HA_CTR_TX_FAILED] = "tx.failed",
	[HA_CTR_BE_RATE_LIMITED] = "tx.be_rate_limited",
	[HA_CTR_EXPIRED] = "binding.expired",
	[HA_CTR_SHED_RATE] = "shed.source_rate",
	[HA_CTR_SHED_DAD] = "shed.dad_queue_full",
	[HA_CTR_SHED_KERNEL] = "shed.kernel_queue_full",
	[HA_CTR_SHED_SOCKET] = "shed.socket_overflow",
	[HA_CTR_ND_ANSWERED] = "nd.answered",
	[HA_CTR_ND_IGN_NOT_BOUND] = "nd.ignored.not_bound",
	[HA_CTR_ND_IGN_DAD] = "nd.ignored.dad_pending",
	[HA_CTR_ND_DAD_CONFLICT] = "nd.dad_conflict",
	[HA_CTR_ND_TX_FAILED] = "nd.tx_failed",
	[HA_CTR_ND_MAL_TRUNCATED] = "nd.malformed.truncated",
	[HA_CTR_ND_MAL_NOT_NS] = "nd.malformed.not_ns",
	[HA_CTR_ND_MAL_HOP_LIMIT] = "nd.malformed.hop_limit",
	[HA_CTR_ND_MAL_CODE] = "nd.malformed.code",
	[HA_CTR_ND_MAL_ICMP_LENGTH] = "nd.malformed.icmp_length",
	[HA_CTR_ND_MAL_CHECKSUM] = "nd.malformed.checksum",
	[HA_CTR_ND_MAL_TARGET] = "nd.malformed.target_multicast",
	[HA_CTR_ND_MAL_OPTION] = "nd.malformed.option_length",
	[HA_CTR_ND_MAL_DAD_DST] = "nd.malformed.dad_destination",
	[HA_CTR_ND_MAL_DAD_SLLAO] = "nd.malformed.dad_source_lla",
	[HA_CTR_HAO_REPORT] = "kernel.hao_dropped",
	[HA_CTR_HAO_REPORT_BOUND] = "kernel.hao_dropped_bound",
};

struct get_arg {
	const char	*name;
	uint64_t	*value;
	int		 found;
};

static const char	*bu_class(enum hareg_reason);
static int		 ba_status_sendable(unsigned int);
static void		 get_cb(const char *, uint64_t, void *);

void
ha_ctr_rx(struct ha_counters *c, uint8_t type)
{
	if (type < HA_CTR_TYPES)
		c->rx[type]++;
	else
		c->misc[HA_CTR_RX_UNKNOWN_TYPE]++;
}

void
ha_ctr_rx_err(struct ha_counters *c, enum mh_err e)
{
	if ((unsigned)e < MH_ERR_COUNT)
		c->rx_err[e]++;
}

void
ha_ctr_bu(struct ha_counters *c, enum hareg_reason r)
{
	if ((unsigned)r < HAREG_R_COUNT)
		c->bu[r]++;
}

void
ha_ctr_tx(struct ha_counters *c, uint8_t type, uint8_t status)
{
	if (type >= HA_CTR_TYPES)
		return;
	c->tx[type]++;
	if (type == MH_TYPE_BA && status <= HA_CTR_BA_STATUS_MAX)
		c->tx_ba[status]++;
}

void
ha_ctr_misc(struct ha_counters *c, enum ha_ctr_misc m)
{
	if ((unsigned)m < HA_CTR_MISC_COUNT)
		c->misc[m]++;
}

/* "accepted", "pending" (DAD), "refused" (a BA says no) or "discarded"
 * (silence). */
static const char *
bu_class(enum hareg_reason r)
{
	if (r == HAREG_R_DAD_STARTED || r == HAREG_R_DAD_PENDING)
		return "pending";
	if (hareg_reason_discard(r))
		return "discarded";
	if (r >= HAREG_R_PROHIBITED)
		return "refused";
	return "accepted";
}

/* Only the statuses a home agent sends get a key (136-138 are the
 * correspondent's nonce errors). */
static int
ba_status_sendable(unsigned int s)
{
	return s == BA_STATUS_ACCEPTED ||
	    (s >= BA_STATUS_PROHIBITED && s <= BA_STATUS_SEQ_OUT_OF_WINDOW) ||
	    s == BA_STATUS_REG_TYPE_CHANGE || s == BA_STATUS_MR_NOT_PERMITTED;
}

size_t
ha_ctr_foreach(const struct ha_counters *c, ha_ctr_cb cb, void *arg)
{
	char name[CTR_NAME_MAX];
	size_t n = 0;
	unsigned int i;

	for (i = 0; i < HA_CTR_TYPES; i++, n++) {
		snprintf(name, sizeof(name), "rx.%s", mh_type_str(i));
		cb(name, c->rx[i], arg);
	}
	for (i = MH_OK + 1; i < MH_ERR_COUNT; i++) {
		/* Builder-only reasons never count a received message. */
		if (i == MH_ERR_NOSPACE || i == MH_ERR_INVAL)
			continue;
		snprintf(name, sizeof(name), "rx_error.%s", mh_err_str(i));
		cb(name, c->rx_err[i], arg);
		n++;
	}
	for (i = 0; i < HAREG_R_COUNT; i++, n++) {
		snprintf(name, sizeof(name), "bu.%s.%s", bu_class(i),
		    hareg_reason_str(i));
		cb(name, c->bu[i], arg);
	}
	for (i = 0; i < HA_CTR_TYPES; i++, n++) {
		snprintf(name, sizeof(name), "tx.%s", mh_type_str(i));
		cb(name, c->tx[i], arg);
	}
	for (i = 0; i <= HA_CTR_BA_STATUS_MAX; i++) {
		if (!ba_status_sendable(i))
			continue;
		snprintf(name, sizeof(name), "tx.ba_status.%u", i);
		cb(name, c->tx_ba[i], arg);
		n++;
	}
	for (i = 0; i < HA_CTR_MISC_COUNT; i++, n++)
		cb(misc_names[i], c->misc[i], arg);
	return n;
}

static void
get_cb(const char *name, uint64_t v, void *arg)
{
	struct get_arg *g = arg;

	if (!g->found && strcmp(name, g->name) == 0) {
		*g->value = v;
		g->found = 1;
	}
}

int
ha_ctr_get(const struct ha_counters *c, const char *name, uint64_t *value)
{
	struct get_arg g = { name, value, 0 };

	ha_ctr_foreach(c, get_cb, &g);
	return g.found ? 0 : -1;
}
