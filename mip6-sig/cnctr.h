/*
 * Correspondent counters for `mip6ctl show stats`: Mobility Header
 * messages received (by type) and rejected by the parser (by reason),
 * every Binding Update outcome (by cnreg reason), messages sent (by type;
 * BAs by status, BEs by status) and the rest (rate limits, expiries,
 * kernel failures).  Every counter has a stable dotted name ("rx.HoTI",
 * "bu.bad_authenticator", "tx.ba_status.136", "tx.be_status.1",
 * "rate_limited") and cn_ctr_foreach visits them all, zeros included,
 * in a fixed order.
 */
#ifndef MIP6_SIG_CNCTR_H
#define MIP6_SIG_CNCTR_H

#include <stddef.h>
#include <stdint.h>

#include "cnreg.h"
#include "mh.h"

#define CN_CTR_TYPES		(MH_TYPE_MAX + 1)

enum cn_ctr_misc {
	CN_CTR_RX_UNKNOWN_TYPE = 0,	/* MH type above MH_TYPE_MAX */
	CN_CTR_RX_INIT_WITH_HAO,	/* HoTI/CoTI with a HAO: discarded */
	CN_CTR_RX_IGNORED,		/* HoT, CoT, BA, BE, BRR: not ours */
	CN_CTR_RATE_LIMITED,		/* signalling over rate-limit, dropped */
	CN_CTR_BE_RATE_LIMITED,		/* Binding Errors not sent */
	CN_CTR_BE_BINDING_EXISTS,	/* kernel report for a bound address */
	CN_CTR_TX_FAILED,		/* sendmsg error */
	CN_CTR_EXPIRED,			/* bindings whose lifetime ran out */
	CN_CTR_KERNEL_FAILED,		/* route-optimization request refused */
	CN_CTR_MISC_COUNT
};

/* Binding Error statuses we send: 1 and 2. */
#define CN_CTR_BE_STATUS_MAX	BE_STATUS_UNKNOWN_MH_TYPE
/* BA status values: 0 .. 255 fit a small table of the ones we send. */
#define CN_CTR_BA_NSTATUS	8

struct cn_counters {
	uint64_t	 rx[CN_CTR_TYPES];
	uint64_t	 rx_err[MH_ERR_COUNT];
	uint64_t	 bu[CNREG_R_COUNT];
	uint64_t	 tx[CN_CTR_TYPES];
	uint64_t	 tx_ba[CN_CTR_BA_NSTATUS];
	uint64_t	 tx_be[CN_CTR_BE_STATUS_MAX + 1];
	uint64_t	 misc[CN_CTR_MISC_COUNT];
};

typedef void	(*cn_ctr_cb)(const char *name, uint64_t value, void *arg);

void	 cn_ctr_rx(struct cn_counters *, uint8_t mh_type);
void	 cn_ctr_rx_err(struct cn_counters *, enum mh_err);
void	 cn_ctr_bu(struct cn_counters *, enum cnreg_reason);
/* A message sent; for a BA or BE pass its status. */
void	 cn_ctr_tx(struct cn_counters *, uint8_t mh_type, uint8_t status);
void	 cn_ctr_misc(struct cn_counters *, enum cn_ctr_misc);
size_t	 cn_ctr_foreach(const struct cn_counters *, cn_ctr_cb, void *);
/* One counter by name; -1 when there is none. */
int	 cn_ctr_get(const struct cn_counters *, const char *name,
	    uint64_t *value);

#endif
