/*
 * Home agent message counters for `mip6ctl show stats`: every Mobility
 * Header received (by type), rejected by the parser (by mh.h's reason),
 * every BU outcome (accepted / pending / refused / discarded, by hareg
 * reason), every
 * message sent (by type, BAs also by status).  Plain 64-bit counters in one
 * struct: no allocation, no I/O.  ha_ctr_foreach() gives each one a stable
 * dotted name ("rx.BU", "rx_error.bad_checksum", "bu.refused.not_home_subnet",
 * "tx.ba_status.135") and visits them all, zeros included, in a fixed
 * order, so scripts can rely on the keys.
 */
#ifndef MIP6_HA_COUNTERS_H
#define MIP6_HA_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "hareg.h"
#include "mh.h"

#define HA_CTR_TYPES		(MH_TYPE_MAX + 1)
/* BA status values we can send: 0 and 128..174. */
#define HA_CTR_BA_STATUS_MAX	BA_STATUS_INVALID_COA

enum ha_ctr_misc {
	HA_CTR_RX_UNKNOWN_TYPE = 0,	/* MH type above MH_TYPE_MAX */
	HA_CTR_TX_FAILED,		/* send error */
	HA_CTR_BE_RATE_LIMITED,		/* Binding Errors not sent */
	HA_CTR_EXPIRED,			/* bindings whose lifetime ran out */
	HA_CTR_SHED_RATE,		/* BUs over bu-rate-per-source */
	HA_CTR_SHED_DAD,		/* first BUs with dad-max-pending full */
	HA_CTR_SHED_KERNEL,		/* BUs with kernel-max-pending full */
	HA_CTR_SHED_SOCKET,		/* dropped at the MH socket (full, or
					   a bad checksum): SO_RXQ_OVFL */
	/* proxy-nd: daemon (ndproxy.h): Neighbor Solicitations */
	HA_CTR_ND_ANSWERED,		/* answered with an NA */
	HA_CTR_ND_IGN_NOT_BOUND,	/* target without an active binding
					   on that link */
	HA_CTR_ND_IGN_DAD,		/* target in DAD: not answered */
	HA_CTR_ND_DAD_CONFLICT,		/* another node's DAD for a target in
					   DAD: the registration fails (134) */
	HA_CTR_ND_TX_FAILED,		/* the NA could not be sent */
	/* malformed, one per enum ndp_err after NDP_OK, in its order */
	HA_CTR_ND_MAL_TRUNCATED,
	HA_CTR_ND_MAL_NOT_NS,
	HA_CTR_ND_MAL_HOP_LIMIT,
	HA_CTR_ND_MAL_CODE,
	HA_CTR_ND_MAL_ICMP_LENGTH,
	HA_CTR_ND_MAL_CHECKSUM,
	HA_CTR_ND_MAL_TARGET,
	HA_CTR_ND_MAL_OPTION,
	HA_CTR_ND_MAL_DAD_DST,
	HA_CTR_ND_MAL_DAD_SLLAO,
	HA_CTR_HAO_REPORT,		/* the kernel dropped a packet with a
					   Home Address option (RFC 6275
					   9.3.1): Binding Error 1 */
	HA_CTR_HAO_REPORT_BOUND,	/* ... from the bound care-of address:
					   no Binding Error */
	HA_CTR_MISC_COUNT
};

struct ha_counters {
	uint64_t	 rx[HA_CTR_TYPES];
	uint64_t	 rx_err[MH_ERR_COUNT];
	uint64_t	 bu[HAREG_R_COUNT];
	uint64_t	 tx[HA_CTR_TYPES];
	uint64_t	 tx_ba[HA_CTR_BA_STATUS_MAX + 1];
	uint64_t	 misc[HA_CTR_MISC_COUNT];
};

typedef void	(*ha_ctr_cb)(const char *name, uint64_t value, void *arg);

void	 ha_ctr_rx(struct ha_counters *, uint8_t mh_type);
void	 ha_ctr_rx_err(struct ha_counters *, enum mh_err);
void	 ha_ctr_bu(struct ha_counters *, enum hareg_reason);
/* A message sent; for a BA pass its status (ignored otherwise). */
void	 ha_ctr_tx(struct ha_counters *, uint8_t mh_type, uint8_t status);
void	 ha_ctr_misc(struct ha_counters *, enum ha_ctr_misc);
/* Visit every counter; returns how many. */
size_t	 ha_ctr_foreach(const struct ha_counters *, ha_ctr_cb, void *);
/* One counter by name, -1 when there is none. */
int	 ha_ctr_get(const struct ha_counters *, const char *name,
	    uint64_t *value);

#endif
