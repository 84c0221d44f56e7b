/*
 * mip6-mn: the mobile node: binding update list, movement detection (engine to come).
 * Started by mip6-priv with its socket on fd 3; role_main() receives the
 * configuration, sandboxes the process and serves the control socket.
 * Engine files hook in through mn_ops and mn_ctl below.
 */
#include <stddef.h>

#include "config.h"
#include "control.h"
#include "imsg.h"
#include "proto.h"
#include "role.h"

static int	 mn_dispatch_main(const struct imsg *);

/* Control requests (mip6ctl); add show/stats handlers here. */
static const struct control_handler mn_ctl[] = {
	{ IMSG_CTL_STATUS, role_ctl_status },
	{ 0, NULL }
};

static const struct role_ops mn_ops = {
	.role = ROLE_MN,
	.ctl = mn_ctl,
	.dispatch_main = mn_dispatch_main,
};

/* Messages from the parent beyond start-up and configuration. */
static int
mn_dispatch_main(const struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	/* kernel replies and events for the engine go here */
	default:
		return 0;
	}
}

int
main(int argc, char *argv[])
{
	role_main(argc, argv, &mn_ops);
}
