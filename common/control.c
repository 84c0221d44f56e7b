/* Control socket: see control.h. */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "control.h"
#include "log.h"
#include "proto.h"

struct ctl_conn {
	TAILQ_ENTRY(ctl_conn)	 entry;
	struct imsgbuf		 ibuf;
	struct event		*rev;
	struct event		*wev;
};

static void	 control_accept(evutil_socket_t, short, void *);
static void	 control_read(evutil_socket_t, short, void *);
static void	 control_write(evutil_socket_t, short, void *);
static void	 control_close(struct ctl_conn *);
static void	 control_dispatch(struct ctl_conn *, const struct imsg *);
static void	 control_schedule_write(struct ctl_conn *);

static TAILQ_HEAD(, ctl_conn)	 ctl_conns = TAILQ_HEAD_INITIALIZER(ctl_conns);
static size_t			 ctl_nconns;
static struct event_base	*ctl_base;
static struct event		*ctl_lev;
static int			 ctl_fd = -1;
static const struct control_handler *ctl_handlers;
static void			*ctl_arg;

int
control_listen(struct event_base *base, int fd,
    const struct control_handler *handlers, void *arg)
{
	int	 fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		log_warn("%s: fcntl", __func__);
		return -1;
	}
	ctl_base = base;
	ctl_fd = fd;
	ctl_handlers = handlers;
	ctl_arg = arg;
	if ((ctl_lev = event_new(base, fd, EV_READ | EV_PERSIST,
	    control_accept, NULL)) == NULL || event_add(ctl_lev, NULL) == -1) {
		log_warnx("%s: cannot watch the control socket", __func__);
		return -1;
	}
	return 0;
}

void
control_shutdown(void)
{
	struct ctl_conn	*c;

	while ((c = TAILQ_FIRST(&ctl_conns)) != NULL)
		control_close(c);
	if (ctl_lev != NULL)
		event_free(ctl_lev);
	ctl_lev = NULL;
	if (ctl_fd != -1)
		close(ctl_fd);
	ctl_fd = -1;
}

static void
control_accept(evutil_socket_t lfd, short ev, void *arg)
{
	struct ctl_conn	*c;
	int		 fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("%s: accept", __func__);
		return;
	}
	if (ctl_nconns >= CONTROL_MAX_CONNS) {
		log_warnx("control: more than %d clients, refusing one",
		    CONTROL_MAX_CONNS);
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("%s", __func__);
		close(fd);
		return;
	}
	imsg_init(&c->ibuf, fd);
	c->rev = event_new(ctl_base, fd, EV_READ | EV_PERSIST, control_read,
	    c);
	c->wev = event_new(ctl_base, fd, EV_WRITE, control_write, c);
	if (c->rev == NULL || c->wev == NULL || event_add(c->rev, NULL) == -1) {
		log_warnx("%s: cannot watch a client", __func__);
		if (c->rev != NULL)
			event_free(c->rev);
		if (c->wev != NULL)
			event_free(c->wev);
		close(fd);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&ctl_conns, c, entry);
	ctl_nconns++;
}

static void
control_close(struct ctl_conn *c)
{
	TAILQ_REMOVE(&ctl_conns, c, entry);
	ctl_nconns--;
	event_free(c->rev);
	event_free(c->wev);
	imsg_clear(&c->ibuf);
	close(c->ibuf.fd);
	free(c);
}

static void
control_read(evutil_socket_t fd, short ev, void *arg)
{
	struct ctl_conn	*c = arg;
	struct imsg	 imsg;
	ssize_t		 n;

	if ((n = imsg_read(&c->ibuf)) == -1) {
		if (errno == EAGAIN)
			return;
		log_debug("control: client: %s", imsg_strerror(&c->ibuf));
		control_close(c);
		return;
	}
	if (n == 0) {
		control_close(c);
		return;
	}
	for (;;) {
		if ((n = imsg_get(&c->ibuf, &imsg)) == -1) {
			log_warnx("control: client: %s",
			    imsg_strerror(&c->ibuf));
			control_close(c);
			return;
		}
		if (n == 0)
			break;
		control_dispatch(c, &imsg);
		imsg_free(&imsg);
	}
	control_schedule_write(c);
}

static void
control_dispatch(struct ctl_conn *c, const struct imsg *imsg)
{
	const struct control_handler	*h;

	for (h = ctl_handlers; h != NULL && h->fn != NULL; h++) {
		if (h->type == imsg->hdr.type) {
			h->fn(c, imsg, ctl_arg);
			return;
		}
	}
	control_error(c, imsg->hdr.peerid, "unknown request type %u",
	    imsg->hdr.type);
	control_end(c, imsg->hdr.peerid);
}

static void
control_schedule_write(struct ctl_conn *c)
{
	if (imsg_queued(&c->ibuf) > 0)
		event_add(c->wev, NULL);
}

static void
control_write(evutil_socket_t fd, short ev, void *arg)
{
	struct ctl_conn	*c = arg;

	if (imsg_write(&c->ibuf) == -1) {
		log_debug("control: client: %s", imsg_strerror(&c->ibuf));
		control_close(c);
		return;
	}
	control_schedule_write(c);
}

void
control_reply(struct ctl_conn *c, uint32_t type, uint32_t reqid,
    const void *data, size_t len)
{
	if (imsg_compose(&c->ibuf, type, reqid, 0, -1, data, len) == -1)
		log_warnx("control: reply: %s", imsg_strerror(&c->ibuf));
}

void
control_error(struct ctl_conn *c, uint32_t reqid, const char *fmt, ...)
{
	struct ctl_error	 e;
	va_list			 ap;

	memset(&e, 0, sizeof(e));
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	control_reply(c, IMSG_CTL_ERROR, reqid, &e, sizeof(e));
}

void
control_end(struct ctl_conn *c, uint32_t reqid)
{
	control_reply(c, IMSG_CTL_END, reqid, NULL, 0);
}

int
control_alive(const struct ctl_conn *c)
{
	const struct ctl_conn	*x;

	TAILQ_FOREACH(x, &ctl_conns, entry)
		if (x == c)
			return 1;
	return 0;
}

void
control_flush(struct ctl_conn *c)
{
	if (control_alive(c))
		control_schedule_write(c);
}

int
control_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		int saved = errno;

		close(fd);
		if (saved == ENOENT || saved == ECONNREFUSED)
			snprintf(err, errlen, "%s: daemon not running (%s)",
			    path, strerror(saved));
		else if (saved == EACCES || saved == EPERM)
			snprintf(err, errlen, "%s: permission denied (need "
			    "root or the socket's group)", path);
		else
			snprintf(err, errlen, "%s: %s", path,
			    strerror(saved));
		return -1;
	}
	return fd;
}
