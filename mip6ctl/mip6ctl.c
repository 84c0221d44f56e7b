/*
 * mip6ctl: talk to a running role over its control socket.
 *
 *	mip6ctl [-j] [-s socket] status
 *
 * One request with a request id, then replies until IMSG_CTL_END with the
 * same id; each reply type is printed in one switch, as text or JSON.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "imsg.h"
#include "proto.h"

#define CTL_DEFAULT_DIR		"/run/mip6"

struct command {
	const char	*name;
	uint32_t	 type;
};

static void	 usage(void) __attribute__((noreturn));
static void	 die(const char *, ...) __attribute__((noreturn))
		    __attribute__((format(printf, 1, 2)));
static const char *default_socket(void);
static void	 json_string(const char *);
static void	 show_status(const struct ctl_status *, int json);
static int	 show_reply(const struct imsg *, int json);

/* Commands and the request each sends; later: show bindings, show bul. */
static const struct command commands[] = {
	{ "status", IMSG_CTL_STATUS },
};

static void
usage(void)
{
	fprintf(stderr, "usage: mip6ctl [-j] [-s socket] status\n");
	exit(2);
}

static void
die(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "mip6ctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* The first role socket present in /run/mip6: ha, then mn, then sig. */
static const char *
default_socket(void)
{
	static char	 path[sizeof(CTL_DEFAULT_DIR) + 16];
	static const char *const roles[] = { "ha", "mn", "sig" };
	size_t		 i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.sock", CTL_DEFAULT_DIR,
		    roles[i]);
		if (access(path, F_OK) == 0)
			return path;
	}
	die("no daemon running (no socket in %s; use -s)", CTL_DEFAULT_DIR);
}

static void
json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
show_status(const struct ctl_status *st, int json)
{
	if (json) {
		printf("{\"role\":");
		json_string(st->role);
		printf(",\"pid\":%u,\"parent_pid\":%u,\"uptime\":%llu,"
		    "\"started\":%lld,\"version\":", st->pid, st->parent_pid,
		    (unsigned long long)st->uptime, (long long)st->started);
		json_string(st->version);
		printf(",\"config\":");
		json_string(st->config);
		printf("}\n");
		return;
	}
	printf("role: %s\n", st->role);
	printf("pid: %u\n", st->pid);
	printf("parent-pid: %u\n", st->parent_pid);
	printf("uptime: %llus\n", (unsigned long long)st->uptime);
	printf("version: %s\n", st->version);
	printf("config: %s\n", st->config);
}

/* Print one reply; returns 1 when it was an error message. */
static int
show_reply(const struct imsg *imsg, int json)
{
	struct ctl_status	 st;
	struct ctl_error	 e;

	switch (imsg->hdr.type) {
	case IMSG_CTL_STATUS:
		if (imsg->datalen != sizeof(st))
			die("status reply: bad length %zu (daemon of "
			    "another version?)", imsg->datalen);
		memcpy(&st, imsg->data, sizeof(st));
		st.role[sizeof(st.role) - 1] = '\0';
		st.version[sizeof(st.version) - 1] = '\0';
		st.config[sizeof(st.config) - 1] = '\0';
		show_status(&st, json);
		return 0;
	case IMSG_CTL_ERROR:
		if (imsg->datalen != sizeof(e))
			die("error reply: bad length %zu", imsg->datalen);
		memcpy(&e, imsg->data, sizeof(e));
		e.msg[sizeof(e.msg) - 1] = '\0';
		fprintf(stderr, "mip6ctl: %s\n", e.msg);
		return 1;
	default:
		die("unexpected reply type %u", imsg->hdr.type);
	}
}

int
main(int argc, char *argv[])
{
	const char	*sock = NULL;
	struct imsgbuf	*ibuf;
	struct imsg	 imsg;
	char		 err[512];
	size_t		 i;
	ssize_t		 n;
	uint32_t	 reqid, type = 0;
	int		 ch, fd, json = 0, failed = 0, done = 0;

	while ((ch = getopt(argc, argv, "js:")) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			type = commands[i].type;
	if (type == 0)
		die("unknown command: %s (try: status)", argv[0]);
	if (argc > 1)
		die("%s: unexpected argument %s", argv[0], argv[1]);
	if (sock == NULL)
		sock = default_socket();

	if ((fd = control_connect(sock, err, sizeof(err))) == -1)
		die("%s", err);
	if ((ibuf = malloc(sizeof(*ibuf))) == NULL)
		die("%s", strerror(errno));
	imsg_init(ibuf, fd);
	reqid = (uint32_t)getpid();
	if (imsg_compose(ibuf, type, reqid, 0, -1, NULL, 0) == -1 ||
	    imsg_flush(ibuf) == -1)
		die("%s: %s", sock, imsg_strerror(ibuf));
	while (!done) {
		if ((n = imsg_read(ibuf)) == -1)
			die("%s: %s", sock, imsg_strerror(ibuf));
		if (n == 0)
			die("%s: the daemon closed the connection", sock);
		while (!done) {
			if ((n = imsg_get(ibuf, &imsg)) == -1)
				die("%s: %s", sock, imsg_strerror(ibuf));
			if (n == 0)
				break;
			if (imsg.hdr.peerid != reqid)
				die("reply for request %u, expected %u",
				    imsg.hdr.peerid, reqid);
			if (imsg.hdr.type == IMSG_CTL_END)
				done = 1;
			else
				failed |= show_reply(&imsg, json);
			imsg_free(&imsg);
		}
	}
	close(fd);
	free(ibuf);
	return failed;
}
