/*
 * mip6-ha: the home agent: binding cache, home registration, DHAAD (engine to come).
 * Started by mip6-priv with its socket on fd 3; role_main() receives the
 * configuration, sandboxes the process and serves the control socket.
 * Engine files hook in through ha_ops and ha_ctl below.
 */
#include <stddef.h>

#include "config.h"
#include "control.h"
#include "imsg.h"
#include "proto.h"
#include "role.h"

static int	 ha_dispatch_main(const struct imsg *);

/* Control requests (mip6ctl); add show/stats handlers here. */
static const struct control_handler ha_ctl[] = {
	{ IMSG_CTL_STATUS, role_ctl_status },
	{ 0, NULL }
};

static const struct role_ops ha_ops = {
	.role = ROLE_HA,
	.ctl = ha_ctl,
	.dispatch_main = ha_dispatch_main,
};

/* Messages from the parent beyond start-up and configuration. */
static int
ha_dispatch_main(const struct imsg *imsg)
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
	role_main(argc, argv, &ha_ops);
}
