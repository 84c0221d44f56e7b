/*
 * The binding state file, the parent's side (persist-bindings): read at
 * each start of a role and sent to it, written from what the role sends.
 * See pstate.c and proto.h IMSG_STATE_*.
 */
#ifndef MIP6_PSTATE_H
#define MIP6_PSTATE_H

#include "config.h"

struct imsg;
struct priv_child;

/* Does this role keep its binding cache in a state file? */
int	 pstate_enabled(const struct mip6_conf *, enum conf_role);
/* Send the saved bindings (or none) and IMSG_STATE_LOADED. */
void	 pstate_child_start(struct priv_child *);
/* The child is gone: drop a write under way. */
void	 pstate_child_exited(struct priv_child *);
/* 1 when imsg was a state message (handled, or the child was killed). */
int	 pstate_dispatch(struct priv_child *, struct imsg *);

#endif
