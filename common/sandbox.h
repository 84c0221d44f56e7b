/*
 * Privilege reduction.
 *
 * Roles (sandbox_enter), before they handle any input: chroot to an empty
 * directory, drop every capability (bounding set included), switch to the
 * unprivileged user, set NO_NEW_PRIVS and install a seccomp allow-list.
 *
 * The parent (sandbox_priv_caps) stays uid 0 with only CAP_NET_ADMIN and
 * CAP_NET_RAW effective and permitted; see the function for why its
 * bounding set keeps a few more.
 */
#ifndef MIP6_SANDBOX_H
#define MIP6_SANDBOX_H

#include <sys/types.h>
#include <stdint.h>

/* Exit status of a role killed by its own SIGSYS handler (128 + SIGSYS). */
#define SANDBOX_SECCOMP_EXIT	159

/*
 * Create dir (and its parents) if missing: owned by root, mode 0755.
 * Then check it is a directory owned by root, writable by nobody else,
 * and empty.  Returns 0, or -1 with a one-line reason in err.
 */
int	 sandbox_prepare_chroot(const char *dir, char *err, size_t errlen);

/* Look up user; -1 with a reason in err when it does not exist. */
int	 sandbox_lookup_user(const char *user, uid_t *, gid_t *, char *err,
	    size_t errlen);

/* Role: the whole sequence above; fatal on any failure. */
void	 sandbox_enter(const char *chroot_dir, const char *user);

/* Parent: keep CAP_NET_ADMIN|CAP_NET_RAW; fatal on failure. */
void	 sandbox_priv_caps(void);

/* The effective capability mask of this process (for tests and logs). */
uint64_t sandbox_cap_effective(void);

#endif
