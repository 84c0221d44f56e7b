/*
 * Correspondent counters: see cnctr.h.
 */
#include <stdio.h>
#include <string.h>

#include "cnctr.h"

/* The BA statuses a correspondent sends, in cn_counters.tx_ba order. */
static const uint8_t ba_status[CN_CTR_BA_NSTATUS] = {
	BA_STATUS_ACCEPTED, BA_STATUS_NO_RESOURCES,
	BA_STATUS_HOME_REG_NOT_SUPP, BA_STATUS_SEQ_OUT_OF_WINDOW,
	BA_STATUS_EXPIRED_HOME_NONCE, BA_STATUS_EXPIRED_COA_NONCE,
	BA_STATUS_EXPIRED_NONCES, BA_STATUS_UNSPECIFIED
};

static const char *const misc_names[CN_CTR_MISC_COUNT] = {
	[CN_CTR_RX_UNKNOWN_TYPE] = "rx.unknown_type",
	[CN_CTR_RX_INIT_WITH_HAO] = "rx.test_init_with_hao",
	[CN_CTR_RX_IGNORED] = "rx.ignored",
	[CN_CTR_RATE_LIMITED] = "rate_limited",
	[CN_CTR_BE_RATE_LIMITED] = "be_rate_limited",
	[CN_CTR_BE_BINDING_EXISTS] = "be_binding_exists",
	[CN_CTR_TX_FAILED] = "tx_failed",
	[CN_CTR_EXPIRED] = "expired",
	[CN_CTR_KERNEL_FAILED] = "kernel_failed",
};

void
cn_ctr_rx(struct cn_counters *c, uint8_t t)
{
	if (t < CN_CTR_TYPES)
		c->rx[t]++;
	else
		c->misc[CN_CTR_RX_UNKNOWN_TYPE]++;
}

void
cn_ctr_rx_err(struct cn_counters *c, enum mh_err e)
{
	if ((unsigned)e < MH_ERR_COUNT)
		c->rx_err[e]++;
}

void
cn_ctr_bu(struct cn_counters *c, enum cnreg_reason r)
{
	if ((unsigned)r < CNREG_R_COUNT)
		c->bu[r]++;
}

void
cn_ctr_tx(struct cn_counters *c, uint8_t t, uint8_t status)
{
	size_t	 i;

	if (t >= CN_CTR_TYPES)
		return;
	c->tx[t]++;
	if (t == MH_TYPE_BA) {
		for (i = 0; i < CN_CTR_BA_NSTATUS; i++)
			if (ba_status[i] == status)
				break;
		/* anything else counts as "unspecified", the last slot */
		c->tx_ba[i < CN_CTR_BA_NSTATUS ? i : CN_CTR_BA_NSTATUS - 1]++;
	} else if (t == MH_TYPE_BE && status <= CN_CTR_BE_STATUS_MAX)
		c->tx_be[status]++;
}

void
cn_ctr_misc(struct cn_counters *c, enum cn_ctr_misc m)
{
	if ((unsigned)m < CN_CTR_MISC_COUNT)
		c->misc[m]++;
}

size_t
cn_ctr_foreach(const struct cn_counters *c, cn_ctr_cb fn, void *arg)
{
	char	 name[64];
	size_t	 n = 0, i;

	for (i = 0; i < CN_CTR_TYPES; i++, n++) {
		snprintf(name, sizeof(name), "rx.%s", mh_type_str((uint8_t)i));
		fn(name, c->rx[i], arg);
	}
	for (i = 1; i < MH_ERR_COUNT; i++, n++) {
		snprintf(name, sizeof(name), "rx_error.%s",
		    mh_err_str((enum mh_err)i));
		fn(name, c->rx_err[i], arg);
	}
	for (i = 0; i < CNREG_R_COUNT; i++, n++) {
		snprintf(name, sizeof(name), "bu.%s",
		    cnreg_reason_str((enum cnreg_reason)i));
		fn(name, c->bu[i], arg);
	}
	for (i = 0; i < CN_CTR_TYPES; i++, n++) {
		snprintf(name, sizeof(name), "tx.%s", mh_type_str((uint8_t)i));
		fn(name, c->tx[i], arg);
	}
	for (i = 0; i < CN_CTR_BA_NSTATUS; i++, n++) {
		snprintf(name, sizeof(name), "tx.ba_status.%u", ba_status[i]);
		fn(name, c->tx_ba[i], arg);
	}
	for (i = 1; i <= CN_CTR_BE_STATUS_MAX; i++, n++) {
		snprintf(name, sizeof(name), "tx.be_status.%zu", i);
		fn(name, c->tx_be[i], arg);
	}
	for (i = 0; i < CN_CTR_MISC_COUNT; i++, n++)
		fn(misc_names[i], c->misc[i], arg);
	return n;
}

struct ctr_find {
	const char	*name;
	uint64_t	 value;
	int		 found;
};

static void
ctr_find_cb(const char *name, uint64_t value, void *arg)
{
	struct ctr_find	*f = arg;

	if (!f->found && strcmp(name, f->name) == 0) {
		f->value = value;
		f->found = 1;
	}
}

int
cn_ctr_get(const struct cn_counters *c, const char *name, uint64_t *value)
{
	struct ctr_find	 f = { name, 0, 0 };

	cn_ctr_foreach(c, ctr_find_cb, &f);
	if (!f.found)
		return -1;
	*value = f.value;
	return 0;
}
