/*
 * mip6ctl: talk to a running role over its control socket.
 *
 *	mip6ctl [-j] [-s socket] status
 *	mip6ctl [-j] [-s socket] show bindings|bul|stats|kernel|routeopt [ARG]
 *	mip6ctl [-j] [-s socket] delete binding HOME-ADDRESS
 *
 * One request with a request id, then replies until IMSG_CTL_END with the
 * same id; each reply type is printed in one switch, as text or JSON.
 */
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "ctlout.h"
#include "imsg.h"
#include "proto.h"

#define CTL_DEFAULT_DIR		"/run/mip6"

/* arg: 0 none, 1 optional, 2 required (a home address for both). */
struct command {
	const char	*name;		/* "status", "show bindings", ... */
	uint32_t	 type;
	uint32_t	 what;		/* CTL_SHOW_* */
	const char	*role;		/* default socket, NULL: first present */
	int		 arg;
};

static void	 usage(void) __attribute__((noreturn));
static void	 die(const char *, ...) __attribute__((noreturn))
		    __attribute__((format(printf, 1, 2)));
static const char *default_socket(const char *);
static void	 json_string(const char *);
static void	 show_status(const struct ctl_status *, int json);
static int	 show_reply(const struct imsg *, int json);

/* Commands and the request each sends. */
static const struct command commands[] = {
	{ "status", IMSG_CTL_STATUS, 0, NULL, 0 },
	{ "show bindings", IMSG_CTL_SHOW, CTL_SHOW_BINDINGS, "ha sig", 1 },
	{ "show bul", IMSG_CTL_SHOW, CTL_SHOW_BUL, "mn", 0 },
	{ "show stats", IMSG_CTL_SHOW, CTL_SHOW_STATS, NULL, 0 },
	{ "show kernel", IMSG_CTL_SHOW, CTL_SHOW_KERNEL, NULL, 0 },
	{ "show routeopt", IMSG_CTL_SHOW, CTL_SHOW_ROUTEOPT, NULL, 0 },
	{ "delete binding", IMSG_CTL_DELETE_BINDING, 0, "ha", 2 },
};

static void
usage(void)
{
	fprintf(stderr, "usage: mip6ctl [-j] [-s socket] command [argument]\n"
	    "commands:\n"
	    "  status\n"
	    "  show bindings [home-address]   (home agent, correspondent)\n"
	    "  show bul                       (mobile node)\n"
	    "  show stats\n"
	    "  show kernel\n"
	    "  show routeopt                  (correspondent)\n"
	    "  delete binding home-address    (home agent, correspondent)\n");
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

/*
 * The socket of role (when not NULL), else the first role socket present
 * in /run/mip6: ha, then mn, then sig.
 */
static const char *
default_socket(const char *role)
{
	static char	 path[sizeof(CTL_DEFAULT_DIR) + 16];
	static const char *const roles[] = { "ha", "mn", "sig" };
	size_t		 i;

	/* role: one name, or two ("ha sig": the first present). */
	if (role != NULL) {
		for (i = 0; i < 2; i++) {
			const char	*r = role;
			size_t		 len = strcspn(role, " ");

			if (i == 1) {
				if (role[len] == '\0')
					break;
				r = role + len + 1;
				len = strlen(r);
			}
			snprintf(path, sizeof(path), "%s/%.*s.sock",
			    CTL_DEFAULT_DIR, (int)len, r);
			if (access(path, F_OK) == 0)
				return path;
		}
		die("no %s daemon running (no socket in %s; use -s)",
		    strcmp(role, "ha sig") == 0 ?
		    "home agent or correspondent" :
		    strcmp(role, "ha") == 0 ? "home agent" :
		    strcmp(role, "sig") == 0 ? "correspondent" :
		    "mobile node", CTL_DEFAULT_DIR);
	}
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
	char	*b;
	size_t	 n = json_escape(NULL, 0, s) + 1;

	if ((b = malloc(n)) == NULL)
		die("out of memory");
	json_escape(b, n, s);
	fputs(b, stdout);
	free(b);
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
	case IMSG_CTL_TEXT:
		if (imsg->datalen > 0 &&
		    fwrite(imsg->data, 1, imsg->datalen, stdout) !=
		    imsg->datalen)
			die("stdout: %s", strerror(errno));
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
	const struct command *cmd = NULL;
	struct ctl_request req;
	struct in6_addr	 a;
	struct imsgbuf	*ibuf;
	struct imsg	 imsg;
	char		 err[512], name[64];
	size_t		 i, nw;
	ssize_t		 n;
	uint32_t	 reqid;
	int		 ch, fd, json = 0, failed = 0, done = 0, r;

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
	/* A command is one word, or two ("show bindings"). */
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		nw = strchr(commands[i].name, ' ') != NULL ? 2 : 1;
		if (nw == 1)
			r = strcmp(argv[0], commands[i].name) == 0;
		else if (argc < 2)
			continue;
		else {
			snprintf(name, sizeof(name), "%s %s", argv[0],
			    argv[1]);
			r = strcmp(name, commands[i].name) == 0;
		}
		if (r) {
			cmd = &commands[i];
			argc -= (int)nw;
			argv += nw;
			break;
		}
	}
	if (cmd == NULL)
		die("unknown command: %s%s%s (try: status, show bindings, "
		    "show bul, show stats, show kernel, show routeopt, "
		    "delete binding)", argv[0], argc > 1 ? " " : "",
		    argc > 1 ? argv[1] : "");
	if (argc > (cmd->arg ? 1 : 0))
		die("%s: unexpected argument %s", cmd->name,
		    argv[cmd->arg ? 1 : 0]);
	if (cmd->arg == 2 && argc < 1)
		die("%s: missing the home address", cmd->name);
	memset(&req, 0, sizeof(req));
	req.what = cmd->what;
	req.flags = json ? CTL_F_JSON : 0;
	if (argc == 1) {
		if (inet_pton(AF_INET6, argv[0], &a) != 1)
			die("%s: %s is not an IPv6 address", cmd->name,
			    argv[0]);
		if (inet_ntop(AF_INET6, &a, req.arg, sizeof(req.arg)) == NULL)
			die("%s: %s", cmd->name, strerror(errno));
	}
	if (sock == NULL)
		sock = default_socket(cmd->role);

	if ((fd = control_connect(sock, err, sizeof(err))) == -1)
		die("%s", err);
	if ((ibuf = malloc(sizeof(*ibuf))) == NULL)
		die("%s", strerror(errno));
	imsg_init(ibuf, fd);
	reqid = (uint32_t)getpid();
	if ((cmd->type == IMSG_CTL_STATUS ?
	    imsg_compose(ibuf, cmd->type, reqid, 0, -1, NULL, 0) :
	    imsg_compose(ibuf, cmd->type, reqid, 0, -1, &req, sizeof(req))) ==
	    -1 ||
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
