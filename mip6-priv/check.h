/*
 * Validation of kernel requests from a role (mip6-priv trusts nothing):
 * sender role, exact length, NUL-terminated strings, value ranges, then
 * the policy: addresses inside the configured home prefixes or mobile
 * nodes, interfaces the role may use, counts below the maximum.
 */
#ifndef MIP6_CHECK_H
#define MIP6_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct mip6_conf;

enum kr_verdict {
	KR_OK = 0,
	KR_DENIED,	/* well-formed but not allowed: error reply, log */
	KR_MALFORMED	/* the child is broken or hostile: kill it */
};

/*
 * role: enum conf_role of the sender; count: what that role holds now
 * (bindings, route-optimization entries).  why gets the reason.
 */
enum kr_verdict kr_check(const struct mip6_conf *, uint32_t role,
	    uint32_t type, const void *data, size_t len, size_t count,
	    char *why, size_t whylen);

#endif
