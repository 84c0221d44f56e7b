/*
 * The kernel side as priv.c sees it: start (probe, reconcile, per-role
 * setup), the netlink sockets in the event loop, kernel requests from
 * the children, and the removal of everything at stop.
 */
#ifndef MIP6_KPRIV_H
#define MIP6_KPRIV_H

#include <stddef.h>

struct event_base;
struct imsg;
struct mip6_conf;
struct priv_child;

/*
 * One mip6-priv per network namespace: the marks on our kernel objects
 * do not tell instances apart, so a second one would remove the first
 * one's state at its start and stop.  -1 with the reason (and the other
 * one's pid) in err when another instance holds this namespace.
 */
int	 priv_kernel_claim(char *err, size_t errlen);
/*
 * Before the capabilities are dropped.  roles: which roles this parent
 * runs (bit 1 << enum conf_role).  -1 with the one-line reason in err.
 * MIP6_KERNEL=none in the environment skips the kernel side (tests of
 * the process machinery on a kernel without Mobile IPv6).
 */
int	 priv_kernel_start(const struct mip6_conf *, unsigned int roles,
	    char *err, size_t errlen);
/* Watch the netlink sockets in base. */
int	 priv_kernel_events(struct event_base *);
/* 1 when imsg was a kernel request (handled, or the child was killed). */
int	 priv_kernel_dispatch(struct priv_child *, struct imsg *);
/* A child died: remove the kernel state it asked for (never half a binding). */
void	 priv_kernel_child_exited(struct priv_child *);
/*
 * persist-bindings: the role restored its bindings and claimed their
 * objects (IMSG_STATE_ADOPTED); what no binding claimed goes.
 */
void	 priv_kernel_adopt_end(struct priv_child *);
/* Remove everything we installed (or keep it: kernel-state-on-start adopt). */
void	 priv_kernel_stop(void);

#endif
