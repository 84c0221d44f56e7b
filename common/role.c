/* Role process runtime: see role.h. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf_imsg.h"
#include "control.h"
#include "ctlout.h"
#include "log.h"
#include "proto.h"
#include "role.h"
#include "sandbox.h"

static void	 role_usage(const char *) __attribute__((noreturn));
static void	 role_startup(void);
static void	 role_dispatch_main(evutil_socket_t, short, void *);
static void	 role_write_main(evutil_socket_t, short, void *);
static void	 role_drain_main(void);
static void	 role_exit(int) __attribute__((noreturn));
static int	 role_kshow_dispatch(const struct imsg *);
static int	 role_conf_imsg(const struct imsg *, const char *);

/* The runtime's own request to the parent: `show kernel`. */
#define ROLE_KSHOW_ID	0x80000000U

static const char *const role_names[ROLE_MAX] = { "ha", "mn", "sig" };

static const struct role_ops	*ops;
static struct imsgbuf		*ibuf_main;
static struct event_base	*base;
static struct event		*ev_main_r, *ev_main_w;
static struct mip6_conf		*conf;
static struct conf_rcv		 conf_rcv;
static int			 ctl_fd = -1;
static int			 sock_fds[ROLE_SOCK_MAX] = { -1, -1, -1, -1 };
/* Further sockets of a kind sent more than once (ROLE_SOCK_ND). */
static int			 sock_more[ROLE_SOCK_MAX][ROLE_SOCK_NTH_MAX];
static size_t			 sock_nmore[ROLE_SOCK_MAX];
static uint32_t			 parent_pid;
static time_t			 started_wall;
static struct timespec		 started_mono;

static void
role_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-dv]  (started by mip6-priv, with its "
	    "socket on fd %d)\n", prog, PROTO_PARENT_FD);
	exit(1);
}

struct event_base *
role_base(void)
{
	return base;
}

const struct mip6_conf *
role_conf(void)
{
	return conf;
}

int
role_socket(int kind)
{
	if (kind < 0 || kind >= ROLE_SOCK_MAX)
		return -1;
	return sock_fds[kind];
}

int
role_socket_nth(int kind, size_t i)
{
	if (kind < 0 || kind >= ROLE_SOCK_MAX)
		return -1;
	if (i == 0)
		return sock_fds[kind];
	if (i - 1 >= sock_nmore[kind])
		return -1;
	return sock_more[kind][i - 1];
}

int
role_compose_main(uint32_t type, uint32_t peerid, int fd, const void *data,
    size_t len)
{
	if (imsg_compose(ibuf_main, type, peerid, 0, fd, data, len) == -1) {
		log_warnx("%s: %s", __func__, imsg_strerror(ibuf_main));
		return -1;
	}
	if (ev_main_w != NULL)
		event_add(ev_main_w, NULL);
	return 0;
}

/*
 * A piece of the configuration the parent sends (at start-up, and again
 * on a reload): 1 when imsg was one.  The whole of it replaces conf at
 * IMSG_CONF_END.
 */
static int
role_conf_imsg(const struct imsg *imsg, const char *when)
{
	struct mip6_conf	*nconf;
	char			 err[256];

	switch (imsg->hdr.type) {
	case IMSG_CONF_MAIN:
	case IMSG_CONF_HA_LINK:
	case IMSG_CONF_HA_PREFIX:
	case IMSG_CONF_HA_MN:
	case IMSG_CONF_MN_IF:
	case IMSG_CONF_MN_RO_CN:
	case IMSG_CONF_END:
		break;
	default:
		return 0;
	}
	if (conf_recv(&conf_rcv, imsg, &nconf, err, sizeof(err)) == -1)
		fatalx("%s: %s", when, err);
	if (imsg->hdr.type == IMSG_CONF_END) {
		if (conf != NULL)
			conf_free(conf);
		conf = nconf;
	}
	return 1;
}

/* Read what the parent sends before we may sandbox ourselves. */
static void
role_startup(void)
{
	struct imsg_startup	 su;
	struct imsg		 imsg;
	ssize_t			 n;
	int			 done = 0;

	while (!done) {
		if ((n = imsg_read(ibuf_main)) == -1)
			fatalx("start-up: parent: %s", imsg_strerror(ibuf_main));
		if (n == 0)
			fatalx("start-up: the parent closed the connection");
		while (!done) {
			if ((n = imsg_get(ibuf_main, &imsg)) == -1)
				fatalx("start-up: parent: %s",
				    imsg_strerror(ibuf_main));
			if (n == 0)
				break;
			if (role_conf_imsg(&imsg, "start-up")) {
				imsg_free(&imsg);
				continue;
			}
			switch (imsg.hdr.type) {
			case IMSG_CONTROL_FD:
				if (imsg.fd == -1)
					fatalx("start-up: control socket "
					    "missing");
				if (ctl_fd != -1)
					close(ctl_fd);
				ctl_fd = imsg.fd;
				imsg.fd = -1;
				break;
			case IMSG_SOCKET_FD: {
				struct imsg_socket	 is;

				if (!proto_check_len(imsg.datalen, sizeof(is)) ||
				    imsg.fd == -1)
					fatalx("start-up: bad socket message");
				memcpy(&is, imsg.data, sizeof(is));
				if (is.kind >= ROLE_SOCK_MAX)
					fatalx("start-up: unknown socket kind %u",
					    is.kind);
				if (is.kind == ROLE_SOCK_ND &&
				    sock_fds[is.kind] != -1) {
					/* One per home link: keep them all. */
					if (sock_nmore[is.kind] >=
					    ROLE_SOCK_NTH_MAX)
						close(imsg.fd);
					else
						sock_more[is.kind]
						    [sock_nmore[is.kind]++] =
						    imsg.fd;
					imsg.fd = -1;
					break;
				}
				if (sock_fds[is.kind] != -1)
					close(sock_fds[is.kind]);
				sock_fds[is.kind] = imsg.fd;
				imsg.fd = -1;
				break;
			}
			case IMSG_STARTUP:
				if (!proto_check_len(imsg.datalen, sizeof(su)))
					fatalx("start-up: bad length %zu",
					    imsg.datalen);
				memcpy(&su, imsg.data, sizeof(su));
				if (su.role != (uint32_t)ops->role)
					fatalx("start-up: started as role %u",
					    su.role);
				log_setverbose((int)su.verbose);
				parent_pid = su.parent_pid;
				done = 1;
				break;
			default:
				fatalx("start-up: unexpected message type %u",
				    imsg.hdr.type);
			}
			imsg_free(&imsg);
		}
	}
	if (conf == NULL)
		fatalx("start-up: no configuration from the parent");
	if (ctl_fd == -1)
		fatalx("start-up: no control socket from the parent");
}

void
role_main(int argc, char *argv[], const struct role_ops *o)
{
	struct stat	 st;
	int		 ch, debug = 0, verbose = 1;

	ops = o;
	while ((ch = getopt(argc, argv, "dv")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'v':
			verbose++;
			break;
		default:
			role_usage(argv[0]);
		}
	}
	if (optind != argc)
		role_usage(argv[0]);
	log_init(debug ? LOG_TO_STDERR : LOG_TO_SYSLOG, verbose);
	log_procinit(role_names[ops->role]);
	if (fstat(PROTO_PARENT_FD, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		/* Run by hand: say it where the user looks, too. */
		if (!debug)
			fprintf(stderr, "%s: must be started by mip6-priv (no "
			    "socket on fd %d); run mip6-priv --role %s\n",
			    argv[0], PROTO_PARENT_FD, role_names[ops->role]);
		fatalx("must be started by mip6-priv (no socket on fd %d)",
		    PROTO_PARENT_FD);
	}
	if ((ibuf_main = malloc(sizeof(*ibuf_main))) == NULL)
		fatal("%s", __func__);
	imsg_init(ibuf_main, PROTO_PARENT_FD);

	role_startup();

	/* The parent stops us by closing fd 3; keyboard signals are its. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* epoll and friends are created before seccomp forbids it. */
	if ((base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");

	sandbox_enter(conf->chroot_dir, conf->user);

	started_wall = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &started_mono);
	if (ops->init != NULL)
		ops->init(conf);
	if (control_listen(base, ctl_fd, ops->ctl, NULL) == -1)
		fatalx("cannot serve the control socket");
	ctl_fd = -1;
	if (fcntl(PROTO_PARENT_FD, F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	ev_main_r = event_new(base, PROTO_PARENT_FD, EV_READ | EV_PERSIST,
	    role_dispatch_main, NULL);
	ev_main_w = event_new(base, PROTO_PARENT_FD, EV_WRITE,
	    role_write_main, NULL);
	if (ev_main_r == NULL || ev_main_w == NULL ||
	    event_add(ev_main_r, NULL) == -1)
		fatalx("cannot watch the parent's socket");
	role_compose_main(IMSG_READY, 0, -1, NULL, 0);
	log_info("serving (pid %d)", (int)getpid());
	/* what arrived behind IMSG_STARTUP (an early reload) */
	role_drain_main();

	event_base_dispatch(base);
	role_exit(0);
}

static void
role_write_main(evutil_socket_t fd, short ev, void *arg)
{
	int	 r;

	if ((r = imsg_write(ibuf_main)) == -1) {
		log_warnx("parent: %s; exiting", imsg_strerror(ibuf_main));
		role_exit(0);
	}
	if (r == 1)
		event_add(ev_main_w, NULL);
}

static void
role_dispatch_main(evutil_socket_t fd, short ev, void *arg)
{
	ssize_t			 n;

	if ((n = imsg_read(ibuf_main)) == -1) {
		if (errno == EAGAIN)
			return;
		log_warnx("parent: %s; exiting", imsg_strerror(ibuf_main));
		role_exit(0);
	}
	if (n == 0) {
		log_info("the parent closed the connection; exiting");
		role_exit(0);
	}
	role_drain_main();
}

/* Handle every complete message buffered from the parent. */
static void
role_drain_main(void)
{
	struct imsg		 imsg;
	ssize_t			 n;
	uint32_t		 v;

	for (;;) {
		if ((n = imsg_get(ibuf_main, &imsg)) == -1)
			fatalx("parent: %s", imsg_strerror(ibuf_main));
		if (n == 0)
			break;
		if (role_conf_imsg(&imsg, "parent")) {
			if (imsg.hdr.type == IMSG_CONF_END) {
				if (ops->reconf != NULL)
					ops->reconf(conf);
				log_info("configuration reloaded");
			}
		} else if (imsg.hdr.type == IMSG_VERBOSE) {
			if (!proto_check_len(imsg.datalen, sizeof(v)))
				fatalx("parent: log level of %zu octets",
				    imsg.datalen);
			memcpy(&v, imsg.data, sizeof(v));
			if ((int)v != log_getverbose()) {
				log_setverbose((int)v);
				log_warnx("log level now %s", v == 0 ?
				    "warning" : v == 1 ? "info" : "debug");
			}
		} else if (!role_kshow_dispatch(&imsg) &&
		    (ops->dispatch_main == NULL || !ops->dispatch_main(&imsg)))
			fatalx("parent: unexpected message type %u",
			    imsg.hdr.type);
		imsg_free(&imsg);
	}
}

void
role_ctl_status(struct ctl_conn *c, const struct imsg *imsg, void *arg)
{
	struct ctl_status	 st;
	struct timespec		 now;

	memset(&st, 0, sizeof(st));
	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(st.role, sizeof(st.role), "%s", role_names[ops->role]);
	st.pid = (uint32_t)getpid();
	st.parent_pid = parent_pid;
	st.started = (int64_t)started_wall;
	now.tv_sec -= started_mono.tv_sec;
	if (now.tv_nsec < started_mono.tv_nsec)
		now.tv_sec--;
	st.uptime = (uint64_t)now.tv_sec;
	snprintf(st.version, sizeof(st.version), "%s", MIP6_VERSION);
	snprintf(st.config, sizeof(st.config), "%s", conf->path);
	control_reply(c, IMSG_CTL_STATUS, imsg->hdr.peerid, &st, sizeof(st));
	control_end(c, imsg->hdr.peerid);
}

uint32_t
role_reqid(void)
{
	static uint32_t	 last;

	last = (last + 1) & ~ROLE_KSHOW_ID;
	if (last == 0)
		last = 1;
	return last;
}

/* The pending `show kernel`: where the parent's lines go. */
static struct {
	struct ctl_conn	*c;
	uint32_t	 id;		/* the client's request id */
	int		 busy;
	int		 json;
	int		 n;
} kshow;

void
role_ctl_kernel(struct ctl_conn *c, uint32_t id, int json)
{
	if (kshow.busy || role_compose_main(IMSG_KR_SHOW, ROLE_KSHOW_ID, -1,
	    NULL, 0) == -1) {
		control_error(c, id, "a kernel listing is under way; try "
		    "again");
		control_end(c, id);
		return;
	}
	kshow.c = c;
	kshow.id = id;
	kshow.busy = 1;
	kshow.json = json;
	kshow.n = 0;
}

/*
 * The parent's lines (IMSG_KR_SHOW_OBJ) and its closing reply to our
 * IMSG_KR_SHOW.  1 when the message was the listing's.
 */
static int
role_kshow_dispatch(const struct imsg *imsg)
{
	const struct kr_show_obj	*so;
	const struct kr_reply		*rep;
	struct ctl_out			 o;
	size_t				 len = imsg->hdr.len - IMSG_HEADER_SIZE;

	if (imsg->hdr.type == IMSG_KR_SHOW_OBJ) {
		if (len != sizeof(*so) ||
		    !proto_check_str(((const struct kr_show_obj *)
		    imsg->data)->line, KR_SHOW_LEN))
			fatalx("parent: malformed kernel object");
		so = imsg->data;
		/* The client may have gone while the parent answered. */
		if (!kshow.busy || !control_alive(kshow.c))
			return 1;
		ctl_out_init(&o, kshow.c, kshow.id);
		if (kshow.json) {
			ctl_out_str(&o, kshow.n == 0 ? "{\"kernel\":[" : ",");
			ctl_out_json(&o, so->line);
		} else {
			ctl_out_str(&o, so->line);
			ctl_out_str(&o, "\n");
		}
		kshow.n++;
		ctl_out_flush(&o);
		control_flush(kshow.c);
		return 1;
	}
	if (imsg->hdr.type != IMSG_KR_REPLY || imsg->hdr.peerid !=
	    ROLE_KSHOW_ID)
		return 0;
	if (len != sizeof(*rep))
		fatalx("parent: kernel reply of %zu octets", len);
	rep = imsg->data;
	if (!kshow.busy)
		return 1;
	kshow.busy = 0;
	if (!control_alive(kshow.c))
		return 1;
	ctl_out_init(&o, kshow.c, kshow.id);
	if (rep->error != 0)
		control_error(kshow.c, kshow.id, "kernel listing: %s",
		    strerror(rep->error));
	else if (kshow.json)
		ctl_out_str(&o, kshow.n == 0 ? "{\"kernel\":[]}\n" : "]}\n");
	ctl_out_flush(&o);
	control_end(kshow.c, kshow.id);
	control_flush(kshow.c);
	return 1;
}

static void
role_exit(int status)
{
	if (ops->shutdown != NULL)
		ops->shutdown();
	control_shutdown();
	if (ev_main_r != NULL)
		event_free(ev_main_r);
	if (ev_main_w != NULL)
		event_free(ev_main_w);
	if (base != NULL)
		event_base_free(base);
	imsg_clear(ibuf_main);
	free(ibuf_main);
	conf_rcv_clear(&conf_rcv);
	if (conf != NULL)
		conf_free(conf);
	exit(status);
}
