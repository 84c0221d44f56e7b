/*
 * What every role process (mip6-ha, mip6-mn, mip6-sig) shares: start-up
 * from the parent on fd 3 (configuration, control socket), the sandbox,
 * the libevent loop, the control socket, exit when the parent goes away.
 *
 * A role's main() fills a struct role_ops and calls role_main(); its
 * engine files hook in through the callbacks and the control table.
 */
#ifndef MIP6_ROLE_H
#define MIP6_ROLE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "control.h"
#include "imsg.h"

struct event_base;

struct role_ops {
	enum conf_role	 role;
	/* Control requests this role answers; ends with { 0, NULL }. */
	const struct control_handler *ctl;
	/* After the sandbox, before the first input. May be NULL. */
	void		(*init)(const struct mip6_conf *);
	/* A new configuration from the parent (SIGHUP). May be NULL. */
	void		(*reconf)(const struct mip6_conf *);
	/*
	 * Engine messages from the parent (types from IMSG_KERNEL_FIRST).
	 * Returns 0 when the type is unknown (fatal). May be NULL.
	 */
	int		(*dispatch_main)(const struct imsg *);
	/* Before exit. May be NULL. */
	void		(*shutdown)(void);
};

/* Never returns. */
__attribute__((noreturn)) void role_main(int argc, char *argv[],
	    const struct role_ops *);

struct event_base	*role_base(void);
const struct mip6_conf	*role_conf(void);
/*
 * The socket of that kind the parent opened for this role (proto.h,
 * enum role_sock), or -1 when this role has none.
 */
int	 role_socket(int kind);
/* The i-th socket of a kind the parent sent more than once (ROLE_SOCK_ND,
 * one per home link; 0 is role_socket()), or -1 past the last. */
int	 role_socket_nth(int kind, size_t i);
/* Queue a message to the parent and schedule its write. */
int	 role_compose_main(uint32_t type, uint32_t peerid, int fd,
	    const void *, size_t);

/*
 * A fresh id for a request to the parent, 1 to 0x7fffffff (wrapping):
 * the runtime keeps the ids with the top bit for its own requests.
 */
uint32_t role_reqid(void);

/* Control handler shared by all roles: IMSG_CTL_STATUS. */
void	 role_ctl_status(struct ctl_conn *, const struct imsg *, void *);
/*
 * `show kernel` for the client's request id: the runtime asks the parent
 * for its table (IMSG_KR_SHOW) and relays the lines as they come, text or
 * JSON (`{"kernel":["line",...]}`), then ends the request.  One listing
 * at a time; a second gets an error.
 */
void	 role_ctl_kernel(struct ctl_conn *, uint32_t id, int json);

#endif
