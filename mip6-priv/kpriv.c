/*
 * Glue between priv.c (children, event loop) and the kernel side.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <net/if.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "config.h"
#include "imsg.h"
#include "proto.h"
#include "priv.h"
#include "kernel.h"
#include "proto.h"
#include "reconcile.h"
#include "kpriv.h"
#include "pstate.h"

static int		 kp_enabled;
static struct event	*kp_ev[4];
static const struct mip6_conf *kp_conf;
static int		 kp_keep;	/* persist-bindings: keep at stop */

static void
kp_reply(uint32_t role, uint32_t reqid, uint32_t type, int error, void *arg)
{
	struct priv_child	*c = priv_child((enum conf_role)role);
	struct kr_reply		 r;

	if (c == NULL)
		return;
	memset(&r, 0, sizeof(r));
	r.type = type;
	r.error = error;
	(void)priv_compose_child(c, IMSG_KR_REPLY, reqid, -1, &r, sizeof(r));
}

static void
kp_show(uint32_t role, const struct kr_show_obj *so, void *arg)
{
	struct priv_child	*c = priv_child((enum conf_role)role);

	if (c != NULL)
		(void)priv_compose_child(c, IMSG_KR_SHOW_OBJ, 0, -1, so,
		    sizeof(*so));
}

static void
kp_event(uint32_t mask, uint32_t type, const void *data, size_t len,
    void *arg)
{
	struct priv_child	*c;
	int			 r;

	for (r = 0; r < ROLE_MAX; r++)
		if ((kr_subscriptions((uint32_t)r) & mask) &&
		    (c = priv_child((enum conf_role)r)) != NULL)
			(void)priv_compose_child(c, type, 0, -1, data, len);
}

/*
 * The abstract socket that says "this network namespace's kernel state
 * has a manager".  Its name lives in the network namespace (each lab
 * namespace has its own) and goes away with the process, so a crash
 * leaves nothing stale behind.
 */
#define KP_CLAIM_NAME	"mip6-priv.kernel"

static int		 kp_claim_fd = -1;

static socklen_t
kp_claim_addr(struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* sun_path[0] stays NUL: abstract. */
	memcpy(sun->sun_path + 1, KP_CLAIM_NAME, strlen(KP_CLAIM_NAME));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(KP_CLAIM_NAME));
}

int
priv_kernel_claim(char *err, size_t errlen)
{
	const char		*env = getenv("MIP6_KERNEL");
	struct sockaddr_un	 sun;
	struct ucred		 cr;
	socklen_t		 len, crlen = sizeof(cr);
	int			 fd, e;

	if (env != NULL && strcmp(env, "none") == 0)
		return 0;
	len = kp_claim_addr(&sun);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, len) == 0 &&
	    listen(fd, 1) == 0) {
		kp_claim_fd = fd;
		return 0;
	}
	e = errno;
	close(fd);
	if (e != EADDRINUSE) {
		snprintf(err, errlen, "claiming the kernel state: %s",
		    strerror(e));
		return -1;
	}
	/* Who holds it: the listener's credentials come with a connect. */
	memset(&cr, 0, sizeof(cr));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) != -1) {
		if (connect(fd, (struct sockaddr *)&sun, len) == -1 ||
		    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) == -1)
			cr.pid = 0;
		close(fd);
	}
	if (cr.pid > 0)
		snprintf(err, errlen, "another mip6-priv (pid %ld) manages "
		    "the kernel state of this host (network namespace); run "
		    "one instance with all the roles (see mip6-priv(8))",
		    (long)cr.pid);
	else
		snprintf(err, errlen, "another mip6-priv manages the kernel "
		    "state of this host (network namespace); run one "
		    "instance with all the roles (see mip6-priv(8))");
	return -1;
}

int
priv_kernel_start(const struct mip6_conf *conf, unsigned int roles,
    char *err, size_t errlen)
{
	const char	*env = getenv("MIP6_KERNEL");
	int		 r, e, adopt = 0;

	kp_conf = conf;
	if (env != NULL && strcmp(env, "none") == 0) {
		log_warnx("kernel side disabled (MIP6_KERNEL=none)");
		return 0;
	}
	kr_req_init(conf, kp_reply, NULL);
	kr_req_show_sink(kp_show);
	if (kr_probe_conf(conf, err, errlen) == -1)
		return -1;
	if (kr_init() == -1) {
		snprintf(err, errlen, "netlink: %s", strerror(errno));
		return -1;
	}
	kp_enabled = 1;
	/* Saved bindings keep their kernel objects: adopt, the roles claim. */
	for (r = 0; r < ROLE_MAX; r++)
		if ((roles & (1u << r)) &&
		    pstate_enabled(conf, (enum conf_role)r))
			adopt = kp_keep = 1;
	/* An adopted run keeps its tunnel: the role start finds it. */
	if (conf->kernel_start == KSTART_REMOVE && !adopt &&
	    kr_reconcile(0) == -1)
		log_warnx("kernel: could not remove every leftover");
	for (r = 0; r < ROLE_MAX; r++) {
		if (!(roles & (1u << r)))
			continue;
		if ((e = kr_role_start((uint32_t)r)) != 0) {
			snprintf(err, errlen, "%s: kernel setup: %s",
			    conf_role_name((enum conf_role)r), strerror(e));
			return -1;
		}
	}
	if ((conf->kernel_start == KSTART_ADOPT || adopt) &&
	    kr_reconcile(1) == -1)
		log_warnx("kernel: could not adopt every leftover");
	if (kr_ev_open(kp_event, NULL) == -1)
		log_warn("kernel events");
	return 0;
}

static void
kp_read(evutil_socket_t fd, short ev, void *arg)
{
	struct kr_nl	*nl = arg;

	if (nl == NULL) {
		if (kr_ev_dispatch() == -1)
			log_warn("kernel events");
		return;
	}
	if (kr_nl_dispatch(nl) == -1)
		log_warn("netlink");
	/* A callback may have queued on the other socket (a multi-step request). */
	kr_flush();
}

int
priv_kernel_events(struct event_base *base)
{
	int	 fds[4], i;
	void	*args[4] = { &kr_route, &kr_xfrm, NULL, NULL };

	if (!kp_enabled)
		return 0;
	fds[0] = kr_route.fd;
	fds[1] = kr_xfrm.fd;
	fds[2] = kr_ev_fd();
	fds[3] = kr_ev_xfrm_fd();
	for (i = 0; i < 4; i++) {
		if (fds[i] == -1)
			continue;
		if ((kp_ev[i] = event_new(base, fds[i], EV_READ | EV_PERSIST,
		    kp_read, args[i])) == NULL || event_add(kp_ev[i],
		    NULL) == -1)
			return -1;
	}
	return 0;
}

int
priv_kernel_dispatch(struct priv_child *c, struct imsg *imsg)
{
	uint32_t	 t = imsg->hdr.type;

	if (t < IMSG_KERNEL_FIRST || t >= IMSG_ENGINE_FIRST)
		return 0;
	if (!kp_enabled) {
		kp_reply(c->role, imsg->hdr.peerid, t, ENOSYS, NULL);
		return 1;
	}
	if (kr_req_dispatch(c->role, t, imsg->hdr.peerid, imsg->data,
	    imsg->datalen) == -1)
		priv_child_fatal(c, "malformed kernel request");
	kr_flush();
	return 1;
}

void
priv_kernel_child_exited(struct priv_child *c)
{
	pstate_child_exited(c);
	if (!kp_enabled)
		return;
	if (pstate_enabled(priv_conf(), c->role))
		kr_role_orphan(c->role);
	else
		kr_role_forget(c->role);
}

void
priv_kernel_adopt_end(struct priv_child *c)
{
	size_t	 n;

	if (!kp_enabled)
		return;
	if ((n = kr_role_adopt_end(c->role)) > 0)
		log_info("%s: removed %zu kernel object(s) no restored binding "
		    "claimed", c->name, n);
}

void
priv_kernel_stop(void)
{
	int	 i, n;

	for (i = 0; i < 4; i++)
		if (kp_ev[i] != NULL) {
			event_free(kp_ev[i]);
			kp_ev[i] = NULL;
		}
	if (!kp_enabled)
		return;
	kr_ev_close();
	kr_wait();
	/* persist-bindings: the bindings' forwarding stays for the next
	 * start (the state file names them); everything else goes. */
	if (kp_keep) {
		n = kr_remove_all_but_bindings();
		if (n > 0)
			log_info("kernel: %d binding object(s) kept for the next "
			    "start (persist-bindings)", n);
	} else
		/* Everything ours goes, also what crashed children left. */
		kr_remove_all();
	kr_close();
	kp_enabled = 0;
}
