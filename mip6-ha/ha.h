/*
 * The home agent engine (ha.c) as the control handlers (hactl.c) see it.
 */
#ifndef MIP6_HA_HA_H
#define MIP6_HA_HA_H

#include <netinet/in.h>
#include <stdint.h>

#include "bcache.h"
#include "counters.h"
#include "control.h"
#include "imsg.h"

struct ctl_conn;

/* Monotonic seconds, rounded up (a deadline never fires early). */
int64_t			 ha_now(void);
const struct bcache	*ha_bcache(void);
const struct ha_counters *ha_counters(void);
/* The home link's interface name of an entry, or NULL. */
const char		*ha_entry_ifname(const struct bc_entry *);
/*
 * Remove the binding for hoa and its kernel state.  0, or -1 when there
 * is none.
 */
int			 ha_delete_binding(const struct in6_addr *hoa);

/* hactl.c */
extern const struct control_handler ha_ctl[];

#endif
