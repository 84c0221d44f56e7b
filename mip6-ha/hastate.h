/*
 * persist-bindings, the home agent's side: the binding cache restored at
 * start from what mip6-priv read in the state file, and written back
 * through mip6-priv (the role has no file system) at most
 * state-sync-delay after a change; with 0, an accepted BA waits until
 * the file holds its binding.  See common/rolestate.h and proto.h
 * IMSG_STATE_*.
 */
#ifndef MIP6_HA_HASTATE_H
#define MIP6_HA_HASTATE_H

#include "bcache.h"
#include "config.h"
#include "hareg.h"
#include "imsg.h"
#include "rolestate.h"

void	 hastate_init(const struct mip6_conf *, struct bcache *);
void	 hastate_reconf(const struct mip6_conf *);
/* 1 while the saved bindings are being restored (hold the MH socket). */
static inline int
hastate_restoring(void)
{
	return rstate_restoring();
}
/* 1 when imsg was a state message. */
static inline int
hastate_dispatch(const struct imsg *imsg)
{
	return rstate_dispatch(imsg);
}
/* The cache may have changed: schedule a write. */
static inline void
hastate_changed(void)
{
	rstate_changed();
}
/*
 * With state-sync-delay 0: 1 when the accepted BA r must wait for the
 * write (it is kept and sent by ha_send_ba_now() once written).
 */
int	 hastate_hold_ba(const struct hareg_result *);

/* ha.c: what the restore needs of the engine. */
void	 ha_send_ba_now(const struct hareg_result *);
/* Claim (or re-install) the kernel objects of a restored binding. */
void	 ha_restore_kernel(const struct bc_entry *);
/* The restore is over: read the MH socket, arm the binding timer. */
void	 ha_restored(void);

#endif
