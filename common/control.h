/*
 * Control protocol between a role and mip6ctl, over the role's control
 * socket (/run/mip6/ROLE.sock), in imsg framing.  A request carries its
 * request id in hdr.peerid; the role answers with zero or more replies
 * carrying the same id, then IMSG_CTL_END (proto.h).
 *
 * Server side (roles): control_listen() serves the listening socket on a
 * libevent base and calls the handler registered for each request type.
 */
#ifndef MIP6_CONTROL_H
#define MIP6_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "imsg.h"

/* Concurrent mip6ctl connections a role accepts; more are refused. */
#define CONTROL_MAX_CONNS	32

struct event_base;
struct ctl_conn;

typedef void (*control_fn)(struct ctl_conn *, const struct imsg *, void *);

/* One entry per request type; the table ends with { 0, NULL }. */
struct control_handler {
	uint32_t	 type;
	control_fn	 fn;
};

int	 control_listen(struct event_base *, int fd,
	    const struct control_handler *, void *arg);
void	 control_shutdown(void);

/* Replies, from a handler: any number of control_reply, then control_end. */
void	 control_reply(struct ctl_conn *, uint32_t type, uint32_t reqid,
	    const void *, size_t);
void	 control_error(struct ctl_conn *, uint32_t reqid, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 control_end(struct ctl_conn *, uint32_t reqid);
/*
 * For replies sent later than the handler (an answer that waits for the
 * parent): whether the connection is still open, and write what is queued.
 */
int	 control_alive(const struct ctl_conn *);
void	 control_flush(struct ctl_conn *);

/*
 * Client side (mip6ctl): connect to the socket at path.  Returns the
 * connected fd, or -1 with a one-line reason in err.
 */
int	 control_connect(const char *path, char *err, size_t errlen);

#endif
