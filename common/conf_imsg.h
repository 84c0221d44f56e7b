/*
 * Sending a parsed configuration from mip6-priv to a role over imsg, and
 * rebuilding it there (the role is chrooted: it cannot read the file).
 */
#ifndef MIP6_CONF_IMSG_H
#define MIP6_CONF_IMSG_H

#include <stddef.h>

#include "config.h"
#include "imsg.h"

struct conf_rcv {
	struct mip6_conf	*conf;		/* being rebuilt */
};

/* Queue IMSG_CONF_MAIN, the lists and IMSG_CONF_END.  0, or -1. */
int	 conf_compose(struct imsgbuf *, const struct mip6_conf *);

/*
 * Feed one IMSG_CONF_* message.  Returns 1 when IMSG_CONF_END completed a
 * configuration (*out is set; free it with conf_free), 0 when more is
 * expected, -1 when the message is malformed (reason in err).
 */
int	 conf_recv(struct conf_rcv *, const struct imsg *,
	    struct mip6_conf **out, char *err, size_t errlen);
void	 conf_rcv_clear(struct conf_rcv *);

#endif
