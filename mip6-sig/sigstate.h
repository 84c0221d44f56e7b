/*
 * persist-bindings, the correspondent's side: the correspondent binding
 * cache restored at start from what mip6-priv read in STATE-DIR/sig.state,
 * each restored binding claiming its route-optimization states (which
 * mip6-priv kept or adopted, so a direct path keeps working across a
 * restart), and written back through mip6-priv (the role has no file
 * system) at most state-sync-delay after a change; with 0, an accepted
 * BA waits until the file holds its binding.  See common/rolestate.h and
 * proto.h IMSG_STATE_*.
 */
#ifndef MIP6_SIG_SIGSTATE_H
#define MIP6_SIG_SIGSTATE_H

#include "cncache.h"
#include "cnreg.h"
#include "config.h"
#include "imsg.h"
#include "rolestate.h"

void	 sigstate_init(const struct mip6_conf *, struct cncache *);
void	 sigstate_reconf(const struct mip6_conf *);
/*
 * The role stops: nothing is written from here on (the file stays).
 * 1 when the bindings persist: their states stay for the next start.
 */
static inline int
sigstate_stop(void)
{
	return rstate_stop();
}
/* 1 while the saved bindings are being restored (hold the MH socket). */
static inline int
sigstate_restoring(void)
{
	return rstate_restoring();
}
/* 1 when imsg was a state message. */
static inline int
sigstate_dispatch(const struct imsg *imsg)
{
	return rstate_dispatch(imsg);
}
/* The cache may have changed (cncache.gen): schedule a write. */
static inline void
sigstate_changed(void)
{
	rstate_changed();
}
/*
 * With state-sync-delay 0: 1 when the accepted BA r must wait for the
 * write (it is kept and sent by sig_send_ba_now() once written).
 */
int	 sigstate_hold_ba(const struct cnreg_result *);

/* sig.c: what the restore needs of the engine. */
void	 sig_send_ba_now(const struct cnreg_result *);
/* Claim (or re-install) the route-optimization states of a binding. */
void	 sig_restore_kernel(struct cn_entry *);
/* The restore is over: read the MH socket. */
void	 sig_restored(void);

#endif
