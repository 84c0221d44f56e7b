/*
 * mip6-priv: the privileged parent.  Reads the configuration, creates the
 * control sockets, keeps only CAP_NET_ADMIN and CAP_NET_RAW, and runs one
 * child per role (fork + exec of mip6-ha, mip6-mn, mip6-sig with the imsg
 * socket on fd 3).  It restarts a dead child with backoff (or stops, by
 * configuration), re-reads the configuration on SIGHUP and stops the
 * children on SIGTERM/SIGINT by closing their sockets.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <net/if.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf_imsg.h"
#include "config.h"
#include "icmp6mip.h"
#include "imsg.h"
#include "log.h"
#include "priv.h"
#include "kpriv.h"
#include "proto.h"
#include "pstate.h"
#include "sandbox.h"

/* A role's control socket: owner root, group from the configuration. */
#define PRIV_CTL_MODE		0660
#define PRIV_CTL_UMASK		0117
#define PRIV_CTL_BACKLOG	16
#define PRIV_CTL_DIR_MODE	0755

static void	 usage(void) __attribute__((noreturn));
static void	 priv_find_binary(struct priv_child *, const char *self);
static int	 priv_control_socket(struct priv_child *, gid_t);
static void	 priv_start_child(struct priv_child *);
static void	 priv_send_conf(struct priv_child *);
static void	 priv_send_sockets(struct priv_child *);
static void	 priv_send_dhaad_socket(struct priv_child *);
static void	 priv_send_nd_sockets(struct priv_child *);
static void	 priv_close_channel(struct priv_child *);
static void	 priv_dispatch_child(evutil_socket_t, short, void *);
static void	 priv_write_child(evutil_socket_t, short, void *);
static void	 main_dispatch_ha(struct priv_child *, struct imsg *);
static void	 main_dispatch_mn(struct priv_child *, struct imsg *);
static void	 main_dispatch_sig(struct priv_child *, struct imsg *);
static void	 priv_child_ready(struct priv_child *);
static void	 priv_sigchld(evutil_socket_t, short, void *);
static void	 priv_sigterm(evutil_socket_t, short, void *);
static void	 priv_sighup(evutil_socket_t, short, void *);
static void	 priv_restart(evutil_socket_t, short, void *);
static void	 priv_stop_timeout(evutil_socket_t, short, void *);
static void	 priv_child_exited(struct priv_child *, int status);
static void	 priv_stop(int exitcode);
static void	 priv_stop_close(void);
static void	 priv_flush_timeout(evutil_socket_t, short, void *);
static void	 priv_notify(const char *);

static struct priv_child	 children[ROLE_MAX];
static int			 nchildren;
static struct mip6_conf		*conf;
static struct event_base	*base;
static int			 stopping;
static struct event		*ev_stop;	/* stop timeout */
static struct event		*ev_flush;	/* stop: state file timeout */
static int			 closing;	/* stop: channels closed */
static int			 exit_code;
static int			 debug;
static int			 verbose_opt;	/* -v count, 0 when not given */

static void
usage(void)
{
	fprintf(stderr, "usage: mip6-priv [-dnv] [-f file] "
	    "[--role ha|mn|sig]...\n");
	exit(1);
}

const struct mip6_conf *
priv_conf(void)
{
	return conf;
}

struct priv_child *
priv_child(enum conf_role role)
{
	if ((int)role < 0 || role >= ROLE_MAX || children[role].name == NULL)
		return NULL;
	return &children[role];
}

static int
priv_verbose(void)
{
	return verbose_opt > 0 ? 1 + verbose_opt : conf->verbose;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*file = CONF_DEFAULT_PATH;
	struct event	*ev_term, *ev_int, *ev_hup, *ev_chld;
	char		 err[1024], self[PATH_MAX];
	ssize_t		 n;
	uid_t		 uid;
	gid_t		 gid;
	struct group	*gr;
	int		 ch, noaction = 0, named = 0, r;
	int		 want[ROLE_MAX] = { 0 };

	while ((ch = getopt_long(argc, argv, "df:nv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			noaction = 1;
			break;
		case 'v':
			verbose_opt++;
			break;
		case 'r':
			if ((r = conf_role_from_name(optarg)) == -1) {
				fprintf(stderr, "mip6-priv: unknown role %s "
				    "(ha, mn or sig)\n", optarg);
				exit(1);
			}
			want[r] = 1;
			named = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	if ((conf = conf_load(file, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	if (noaction) {
		conf_print(stdout, conf);
		conf_free(conf);
		exit(0);
	}

	log_init(debug ? LOG_TO_STDERR : LOG_TO_SYSLOG, priv_verbose());
	log_procinit("priv");
	if (geteuid() != 0)
		fatalx("must run as root");

	for (r = 0; r < ROLE_MAX; r++) {
		if (named ? !want[r] : !conf_role_enabled(conf, r))
			continue;
		children[r].role = r;
		children[r].name = conf_role_name(r);
		children[r].ctl_fd = -1;
		nchildren++;
	}
	if (nchildren == 0)
		fatalx("%s: no role enabled (and none named with --role)",
		    conf->path);

	/* Everything that needs root is done before the capabilities go. */
	if (sandbox_lookup_user(conf->user, &uid, &gid, err, sizeof(err)) ==
	    -1)
		fatalx("%s", err);
	if ((gr = getgrnam(conf->group)) == NULL)
		fatalx("group %s does not exist (control socket group)",
		    conf->group);
	if (sandbox_prepare_chroot(conf->chroot_dir, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) == -1)
		fatal("readlink /proc/self/exe");
	self[n] = '\0';
	/* Before the control sockets: a second instance touches nothing. */
	if (priv_kernel_claim(err, sizeof(err)) == -1) {
		if (!debug)
			fprintf(stderr, "mip6-priv: %s\n", err);
		fatalx("%s", err);
	}
	for (r = 0; r < ROLE_MAX; r++) {
		if (children[r].name == NULL)
			continue;
		priv_find_binary(&children[r], self);
		if (priv_control_socket(&children[r], gr->gr_gid) == -1)
			exit(1);
	}
	{
		unsigned int	 roles = 0;

		for (r = 0; r < ROLE_MAX; r++)
			if (children[r].name != NULL)
				roles |= 1u << r;
		if (priv_kernel_start(conf, roles, err, sizeof(err)) == -1) {
			/* Before the daemon runs: the user at the terminal. */
			if (!debug)
				fprintf(stderr, "mip6-priv: %s\n", err);
			fatalx("%s", err);
		}
	}
	sandbox_priv_caps();
	log_debug("capabilities: effective 0x%llx",
	    (unsigned long long)sandbox_cap_effective());

	if ((base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	ev_term = evsignal_new(base, SIGTERM, priv_sigterm, NULL);
	ev_int = evsignal_new(base, SIGINT, priv_sigterm, NULL);
	ev_hup = evsignal_new(base, SIGHUP, priv_sighup, NULL);
	ev_chld = evsignal_new(base, SIGCHLD, priv_sigchld, NULL);
	if (ev_term == NULL || ev_int == NULL || ev_hup == NULL ||
	    ev_chld == NULL || evsignal_add(ev_term, NULL) == -1 ||
	    evsignal_add(ev_int, NULL) == -1 ||
	    evsignal_add(ev_hup, NULL) == -1 ||
	    evsignal_add(ev_chld, NULL) == -1)
		fatalx("cannot watch signals");
	signal(SIGPIPE, SIG_IGN);
	if (priv_kernel_events(base) == -1)
		fatalx("cannot watch the netlink sockets");

	for (r = 0; r < ROLE_MAX; r++) {
		if (children[r].name == NULL)
			continue;
		children[r].backoff = conf->restart_backoff_min;
		priv_start_child(&children[r]);
	}
	log_info("started (pid %d, config %s)", (int)getpid(), conf->path);

	event_base_dispatch(base);
	priv_kernel_stop();

	for (r = 0; r < ROLE_MAX; r++) {
		struct priv_child *c = &children[r];

		if (c->name == NULL)
			continue;
		priv_close_channel(c);
		if (c->ev_restart != NULL)
			event_free(c->ev_restart);
		if (c->ctl_fd != -1) {
			close(c->ctl_fd);
			unlink(c->ctl_path);
		}
	}
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	event_free(ev_chld);
	if (ev_stop != NULL)
		event_free(ev_stop);
	if (ev_flush != NULL)
		event_free(ev_flush);
	event_base_free(base);
	conf_free(conf);
	log_info("exiting");
	return exit_code;
}

/*
 * The role binaries: $MIP6_LIBEXECDIR when set, else next to this
 * binary (a build tree), else the compiled-in libexec directory.
 */
static void
priv_find_binary(struct priv_child *c, const char *self)
{
	const char	*env = getenv("MIP6_LIBEXECDIR");
	char		 dir[PATH_MAX];

	if (env != NULL && env[0] != '\0') {
		snprintf(c->path, sizeof(c->path), "%s/mip6-%s", env, c->name);
	} else {
		snprintf(dir, sizeof(dir), "%s", self);
		snprintf(c->path, sizeof(c->path), "%s/mip6-%s", dirname(dir),
		    c->name);
		if (access(c->path, X_OK) == -1)
			snprintf(c->path, sizeof(c->path), "%s/mip6-%s",
			    MIP6_LIBEXECDIR, c->name);
	}
	if (access(c->path, X_OK) == -1)
		fatal("%s: role binary %s", c->name, c->path);
	log_debug("%s: binary %s", c->name, c->path);
}

/* Create CONTROL_DIR/ROLE.sock, mode 0660, group gid, and listen on it. */
static int
priv_control_socket(struct priv_child *c, gid_t gid)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	if (mkdir(conf->control_dir, PRIV_CTL_DIR_MODE) == -1 &&
	    errno != EEXIST) {
		log_warn("control directory %s", conf->control_dir);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if ((size_t)snprintf(c->ctl_path, sizeof(c->ctl_path), "%s/%s.sock",
	    conf->control_dir, c->name) >= sizeof(sun.sun_path)) {
		log_warnx("control socket %s/%s.sock: path too long",
		    conf->control_dir, c->name);
		return -1;
	}
	strcpy(sun.sun_path, c->ctl_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("control socket");
		return -1;
	}
	/* A stale socket from a crashed run; refuse to remove anything else. */
	if (unlink(c->ctl_path) == -1 && errno != ENOENT) {
		log_warn("control socket %s: remove the old one", c->ctl_path);
		close(fd);
		return -1;
	}
	old = umask(PRIV_CTL_UMASK);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		log_warn("control socket %s", c->ctl_path);
		close(fd);
		return -1;
	}
	umask(old);
	if (chown(c->ctl_path, 0, gid) == -1 ||
	    chmod(c->ctl_path, PRIV_CTL_MODE) == -1) {
		log_warn("control socket %s: owner and mode", c->ctl_path);
		close(fd);
		return -1;
	}
	if (listen(fd, PRIV_CTL_BACKLOG) == -1) {
		log_warn("control socket %s: listen", c->ctl_path);
		close(fd);
		return -1;
	}
	c->ctl_fd = fd;
	return 0;
}

static void
priv_start_child(struct priv_child *c)
{
	struct imsg_startup	 su;
	sigset_t		 none;
	char			*args[5];
	int			 sv[2], fd, i = 0, v;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("%s: socketpair", c->name);
	switch (c->pid = fork()) {
	case -1:
		fatal("%s: fork", c->name);
	case 0:
		/* child: fd 3 is the socket, nothing else leaks */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (sv[1] == PROTO_PARENT_FD) {
			if (fcntl(sv[1], F_SETFD, 0) == -1)
				_exit(127);
		} else if (dup2(sv[1], PROTO_PARENT_FD) == -1)
			_exit(127);
		if (close_range(PROTO_PARENT_FD + 1, ~0U, 0) == -1)
			for (fd = PROTO_PARENT_FD + 1; fd < 1024; fd++)
				close(fd);
		args[i++] = strrchr(c->path, '/') + 1;
		if (debug)
			args[i++] = "-d";
		v = priv_verbose();
		if (v >= 2)
			args[i++] = v >= 3 ? "-vv" : "-v";
		args[i] = NULL;
		execv(c->path, args);
		dprintf(STDERR_FILENO, "mip6-priv: exec %s: %s\n", c->path,
		    strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("%s: fcntl", c->name);
	if ((c->ibuf = malloc(sizeof(*c->ibuf))) == NULL)
		fatal("%s", __func__);
	imsg_init(c->ibuf, sv[0]);
	c->ev_r = event_new(base, sv[0], EV_READ | EV_PERSIST,
	    priv_dispatch_child, c);
	c->ev_w = event_new(base, sv[0], EV_WRITE, priv_write_child, c);
	if (c->ev_r == NULL || c->ev_w == NULL ||
	    event_add(c->ev_r, NULL) == -1)
		fatalx("%s: cannot watch the child's socket", c->name);
	c->ready = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->started);

	priv_send_conf(c);
	if ((fd = dup(c->ctl_fd)) == -1)
		fatal("%s: dup", c->name);
	priv_compose_child(c, IMSG_CONTROL_FD, 0, fd, NULL, 0);
	priv_send_sockets(c);
	memset(&su, 0, sizeof(su));
	su.role = c->role;
	su.debug = (uint32_t)debug;
	su.verbose = (uint32_t)priv_verbose();
	su.parent_pid = (uint32_t)getpid();
	priv_compose_child(c, IMSG_STARTUP, 0, -1, &su, sizeof(su));
	/* persist-bindings: the saved bindings follow the start-up. */
	pstate_child_start(c);
	log_info("%s: started %s (pid %d)", c->name, c->path, (int)c->pid);
}

/*
 * The raw sockets a role needs and may not open itself (it keeps no
 * capabilities): Mobility Header for every role, ICMPv6 for the home
 * agent and the mobile node.  A socket that cannot be opened is logged
 * and left out; the role says what it cannot do without it.
 */
/* Receive buffer of the Mobility Header socket: some thousand BUs. */
#define PRIV_MH_RCVBUF		(4 * 1024 * 1024)

static void
priv_send_sockets(struct priv_child *c)
{
	struct imsg_socket	 is;
	int			 fd, off = 4, rcvbuf = PRIV_MH_RCVBUF;

	if ((fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    IPPROTO_MH)) == -1) {
		log_warn("%s: Mobility Header socket", c->name);
	} else if (setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off,
	    sizeof(off)) == -1) {
		log_warn("%s: Mobility Header socket: IPV6_CHECKSUM", c->name);
		close(fd);
	} else {
		/* A burst of BUs (a home agent after an outage) must not
		 * overflow the default buffer; the role cannot raise it. */
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		    sizeof(rcvbuf)) == -1)
			log_debug("%s: Mobility Header socket: SO_RCVBUFFORCE: "
			    "%s", c->name, strerror(errno));
		is.kind = ROLE_SOCK_MH;
		priv_compose_child(c, IMSG_SOCKET_FD, 0, fd, &is, sizeof(is));
	}
	if (c->role != ROLE_HA && c->role != ROLE_MN)
		return;
	if ((fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    IPPROTO_ICMPV6)) == -1) {
		log_warn("%s: ICMPv6 socket", c->name);
		return;
	}
	is.kind = ROLE_SOCK_ICMP6;
	priv_compose_child(c, IMSG_SOCKET_FD, 0, fd, &is, sizeof(is));
	if (c->role == ROLE_HA || c->role == ROLE_MN)
		priv_send_dhaad_socket(c);
	if (c->role == ROLE_HA && conf->ha.proxy_nd == PROXY_ND_DAEMON)
		priv_send_nd_sockets(c);
}

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif
/* Receive buffer of a Neighbor Solicitation socket. */
#define PRIV_ND_RCVBUF		(1024 * 1024)

/*
 * proxy-nd: daemon: a packet socket per home link for the Neighbor
 * Solicitations the home agent answers for its home addresses (proto.h
 * ROLE_SOCK_ND).  The filter is attached before the bind, so nothing
 * unfiltered is ever queued; offsets are from the IPv6 header (SOCK_DGRAM).
 */
static void
priv_send_nd_sockets(struct priv_child *c)
{
	static struct sock_filter	 ns_code[] = {
		/* next header (offset 6) ICMPv6 */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 3),
		/* ICMPv6 type (offset 40) Neighbor Solicitation */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 40),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 135, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x0000ffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog		 prog = {
		.len = sizeof(ns_code) / sizeof(ns_code[0]),
		.filter = ns_code,
	};
	struct imsg_socket		 is;
	struct sockaddr_ll		 sll;
	struct packet_mreq		 mr;
	int				 fd, rcvbuf = PRIV_ND_RCVBUF;
	unsigned int			 idx;
	size_t				 i;

	for (i = 0; i < conf->ha.nlinks && i < ROLE_SOCK_NTH_MAX; i++) {
		const char	*ifn = conf->ha.links[i].ifname;

		if ((idx = if_nametoindex(ifn)) == 0) {
			log_warn("%s: proxy-nd socket on %s", c->name, ifn);
			continue;
		}
		if ((fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0)) == -1) {
			log_warn("%s: proxy-nd socket on %s", c->name, ifn);
			continue;
		}
		memset(&sll, 0, sizeof(sll));
		sll.sll_family = AF_PACKET;
		sll.sll_protocol = htons(ETH_P_IPV6);
		sll.sll_ifindex = (int)idx;
		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = (int)idx;
		mr.mr_type = PACKET_MR_ALLMULTI;
		if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		    sizeof(prog)) == -1 ||
		    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1 ||
		    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) == -1) {
			log_warn("%s: proxy-nd socket on %s", c->name, ifn);
			close(fd);
			continue;
		}
		/* Our own NAs and DAD probes are not solicitations to us. */
		if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING,
		    &(int){ 1 }, sizeof(int)) == -1)
			log_debug("%s: PACKET_IGNORE_OUTGOING: %s", c->name,
			    strerror(errno));
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		    sizeof(rcvbuf)) == -1)
			log_debug("%s: proxy-nd socket: SO_RCVBUFFORCE: %s",
			    c->name, strerror(errno));
		log_debug("%s: proxy-nd socket on %s", c->name, ifn);
		is.kind = ROLE_SOCK_ND;
		priv_compose_child(c, IMSG_SOCKET_FD, 0, fd, &is, sizeof(is));
	}
}

/*
 * The DHAAD socket (RFC 6275 10.5, 11.4), ICMPv6.  The home agent's is a
 * member of the Home Agents anycast address (RFC 2526) of every
 * configured home prefix on its home link: IPV6_JOIN_ANYCAST needs
 * CAP_NET_ADMIN, the membership lasts as long as the socket, and only
 * addresses computed from the configuration are joined.
 */
static void
priv_send_dhaad_socket(struct priv_child *c)
{
	const struct conf_ha_link	*l;
	struct imsg_socket		 is;
	struct ipv6_mreq		 mr;
	char				 a[INET6_ADDRSTRLEN];
	size_t				 i, j;
	int				 fd;

	if ((fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    IPPROTO_ICMPV6)) == -1) {
		log_warn("%s: DHAAD socket", c->name);
		return;
	}
	/* The mobile node's needs no membership (it sends requests). */
	for (i = 0; c->role == ROLE_HA && i < conf->ha.nlinks; i++) {
		l = &conf->ha.links[i];
		memset(&mr, 0, sizeof(mr));
		if ((mr.ipv6mr_interface = if_nametoindex(l->ifname)) == 0) {
			log_warn("%s: DHAAD on %s", c->name, l->ifname);
			continue;
		}
		for (j = 0; j < l->nprefixes; j++) {
			if (icmp6mip_ha_anycast(&l->prefixes[j].addr,
			    l->prefixes[j].plen, &mr.ipv6mr_multiaddr) == -1)
				continue;
			inet_ntop(AF_INET6, &mr.ipv6mr_multiaddr, a, sizeof(a));
			if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_ANYCAST, &mr,
			    sizeof(mr)) == -1)
				log_warn("%s: Home Agents anycast %s on %s",
				    c->name, a, l->ifname);
			else
				log_debug("%s: Home Agents anycast %s on %s",
				    c->name, a, l->ifname);
		}
	}
	is.kind = ROLE_SOCK_DHAAD;
	priv_compose_child(c, IMSG_SOCKET_FD, 0, fd, &is, sizeof(is));
}

static void
priv_send_conf(struct priv_child *c)
{
	if (c->ibuf == NULL)
		return;
	if (conf_compose(c->ibuf, conf) == -1)
		fatalx("%s: configuration: %s", c->name,
		    imsg_strerror(c->ibuf));
	event_add(c->ev_w, NULL);
}

int
priv_compose_child(struct priv_child *c, uint32_t type, uint32_t peerid,
    int fd, const void *data, size_t len)
{
	if (c->ibuf == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (imsg_compose(c->ibuf, type, peerid, 0, fd, data, len) == -1) {
		log_warnx("%s: %s", c->name, imsg_strerror(c->ibuf));
		return -1;
	}
	event_add(c->ev_w, NULL);
	return 0;
}

/* Closing the socket is how a child is told to stop. */
static void
priv_close_channel(struct priv_child *c)
{
	if (c->ibuf == NULL)
		return;
	event_free(c->ev_r);
	event_free(c->ev_w);
	c->ev_r = c->ev_w = NULL;
	close(c->ibuf->fd);
	imsg_clear(c->ibuf);
	free(c->ibuf);
	c->ibuf = NULL;
}

void
priv_child_fatal(struct priv_child *c, const char *reason)
{
	log_warnx("%s (pid %d): %s; closing its channel", c->name,
	    (int)c->pid, reason);
	priv_close_channel(c);
}

static void
priv_write_child(evutil_socket_t fd, short ev, void *arg)
{
	struct priv_child	*c = arg;
	int			 r;

	if ((r = imsg_write(c->ibuf)) == -1) {
		log_debug("%s: %s", c->name, imsg_strerror(c->ibuf));
		priv_close_channel(c);
		return;
	}
	if (r == 1)
		event_add(c->ev_w, NULL);
}

static void
priv_dispatch_child(evutil_socket_t fd, short ev, void *arg)
{
	struct priv_child	*c = arg;
	struct imsg		 imsg;
	ssize_t			 n;

	if ((n = imsg_read(c->ibuf)) == -1) {
		if (errno == EAGAIN)
			return;
		priv_child_fatal(c, imsg_strerror(c->ibuf));
		return;
	}
	if (n == 0) {
		/* it is exiting; SIGCHLD tells us how */
		priv_close_channel(c);
		return;
	}
	while (c->ibuf != NULL) {
		if ((n = imsg_get(c->ibuf, &imsg)) == -1) {
			priv_child_fatal(c, imsg_strerror(c->ibuf));
			return;
		}
		if (n == 0)
			break;
		switch (c->role) {
		case ROLE_HA:
			main_dispatch_ha(c, &imsg);
			break;
		case ROLE_MN:
			main_dispatch_mn(c, &imsg);
			break;
		case ROLE_SIG:
			main_dispatch_sig(c, &imsg);
			break;
		default:
			priv_child_fatal(c, "unknown role");
			break;
		}
		imsg_free(&imsg);
	}
}

/*
 * One dispatch per role: what each role may ask for.  Kernel requests
 * (IMSG_KERNEL_FIRST and up) go to mip6-priv/kernel.c, which checks
 * them (check.c) before touching the kernel.
 */
static void
main_dispatch_ha(struct priv_child *c, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_READY:
		priv_child_ready(c);
		break;
	/* kernel requests: mip6-priv/kernel.c (home agent) */
	default:
		if (pstate_dispatch(c, imsg) || priv_kernel_dispatch(c, imsg))
			break;
		priv_child_fatal(c, "unexpected message");
	}
}

static void
main_dispatch_mn(struct priv_child *c, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_READY:
		priv_child_ready(c);
		break;
	/* kernel requests: mip6-priv/kernel.c (mobile node) */
	default:
		if (priv_kernel_dispatch(c, imsg))
			break;
		priv_child_fatal(c, "unexpected message");
	}
}

static void
main_dispatch_sig(struct priv_child *c, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_READY:
		priv_child_ready(c);
		break;
	/* kernel requests: mip6-priv/kernel.c (correspondent) */
	default:
		if (pstate_dispatch(c, imsg) || priv_kernel_dispatch(c, imsg))
			break;
		priv_child_fatal(c, "unexpected message");
	}
}

static void
priv_child_ready(struct priv_child *c)
{
	char	 status[128];
	size_t	 len = 0;
	int	 r;

	if (c->ready)
		return;
	c->ready = 1;
	log_info("%s: serving %s (pid %d)", c->name, c->ctl_path,
	    (int)c->pid);
	for (r = 0; r < ROLE_MAX; r++)
		if (children[r].name != NULL && !children[r].ready)
			return;
	/* every role is serving: tell systemd once, and again after restarts */
	len = (size_t)snprintf(status, sizeof(status), "READY=1\nSTATUS=serving");
	for (r = 0; r < ROLE_MAX && len < sizeof(status); r++)
		if (children[r].name != NULL)
			len += (size_t)snprintf(status + len,
			    sizeof(status) - len, " %s", children[r].name);
	priv_notify(status);
}

static void
priv_sigchld(evutil_socket_t sig, short ev, void *arg)
{
	pid_t	 pid;
	int	 status, r;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (r = 0; r < ROLE_MAX; r++)
			if (children[r].name != NULL &&
			    children[r].pid == pid)
				priv_child_exited(&children[r], status);
	}
}

static void
priv_child_exited(struct priv_child *c, int status)
{
	struct timeval	 tv;
	struct timespec	 now;
	char		 how[64];
	pid_t		 pid = c->pid;
	uint32_t	 delay;
	int		 r;

	c->pid = 0;
	c->ready = 0;
	priv_close_channel(c);
	if (c->flushing)
		priv_child_flushed(c);
	priv_kernel_child_exited(c);
	if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), "killed by signal %d",
		    WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "exited with status %d",
		    WEXITSTATUS(status));

	if (stopping) {
		log_info("%s (pid %d) %s", c->name, (int)pid, how);
		for (r = 0; r < ROLE_MAX; r++)
			if (children[r].name != NULL && children[r].pid != 0)
				return;
		event_base_loopexit(base, NULL);
		return;
	}
	if (conf->child_policy == CHILD_EXIT) {
		log_warnx("%s (pid %d) %s; stopping (child policy: exit)",
		    c->name, (int)pid, how);
		priv_stop(1);
		return;
	}
	/* A child that ran longer than the longest backoff starts afresh. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - c->started.tv_sec >= (time_t)conf->restart_backoff_max)
		c->backoff = conf->restart_backoff_min;
	delay = c->backoff;
	c->backoff = c->backoff == 0 ? 1 : c->backoff * 2;
	if (c->backoff > conf->restart_backoff_max)
		c->backoff = conf->restart_backoff_max;
	log_warnx("%s (pid %d) %s; restarting in %u s", c->name, (int)pid,
	    how, delay);
	if (c->ev_restart == NULL &&
	    (c->ev_restart = evtimer_new(base, priv_restart, c)) == NULL)
		fatalx("%s: cannot schedule the restart", c->name);
	tv.tv_sec = delay;
	tv.tv_usec = 0;
	evtimer_add(c->ev_restart, &tv);
}

static void
priv_restart(evutil_socket_t fd, short ev, void *arg)
{
	struct priv_child	*c = arg;
	char			 err[512];

	if (stopping)
		return;
	/* the chroot may be new after a reload */
	if (sandbox_prepare_chroot(conf->chroot_dir, err, sizeof(err)) == -1)
		log_warnx("%s: %s", c->name, err);
	priv_start_child(c);
}

static void
priv_stop(int code)
{
	struct priv_child	*c;
	struct timeval		 tv;
	int			 r, flushing = 0;

	if (stopping)
		return;
	stopping = 1;
	exit_code = code;
	priv_notify("STOPPING=1");
	for (r = 0; r < ROLE_MAX; r++) {
		c = &children[r];
		if (c->name == NULL)
			continue;
		if (c->ev_restart != NULL)
			evtimer_del(c->ev_restart);
		/*
		 * persist-bindings: the changes of the last state-sync-delay
		 * reach the file before the role goes, so a clean stop loses
		 * no binding.
		 */
		if (c->pid != 0 && c->ibuf != NULL &&
		    pstate_enabled(conf, c->role) &&
		    priv_compose_child(c, IMSG_STATE_FLUSH, 0, -1, NULL,
		    0) != -1) {
			c->flushing = 1;
			flushing++;
		}
	}
	if (flushing == 0) {
		priv_stop_close();
		return;
	}
	tv.tv_sec = PRIV_FLUSH_TIMEOUT;
	tv.tv_usec = 0;
	if ((ev_flush = evtimer_new(base, priv_flush_timeout, NULL)) == NULL ||
	    evtimer_add(ev_flush, &tv) == -1)
		priv_stop_close();
}

void
priv_child_flushed(struct priv_child *c)
{
	int	 r;

	c->flushing = 0;
	if (!stopping || closing)
		return;
	for (r = 0; r < ROLE_MAX; r++)
		if (children[r].name != NULL && children[r].flushing)
			return;
	if (ev_flush != NULL)
		evtimer_del(ev_flush);
	priv_stop_close();
}

static void
priv_flush_timeout(evutil_socket_t fd, short ev, void *arg)
{
	int	 r;

	for (r = 0; r < ROLE_MAX; r++)
		if (children[r].name != NULL && children[r].flushing) {
			log_warnx("%s: the state file's last write did not "
			    "finish within %d s", children[r].name,
			    PRIV_FLUSH_TIMEOUT);
			children[r].flushing = 0;
		}
	priv_stop_close();
}

/* The stop proper: close every role's channel and wait for them. */
static void
priv_stop_close(void)
{
	struct timeval	 tv;
	int		 r, running = 0;

	if (closing)
		return;
	closing = 1;
	for (r = 0; r < ROLE_MAX; r++) {
		if (children[r].name == NULL)
			continue;
		priv_close_channel(&children[r]);
		if (children[r].pid != 0)
			running++;
	}
	if (running == 0) {
		event_base_loopexit(base, NULL);
		return;
	}
	tv.tv_sec = PRIV_STOP_TIMEOUT;
	tv.tv_usec = 0;
	if ((ev_stop = evtimer_new(base, priv_stop_timeout, NULL)) == NULL ||
	    evtimer_add(ev_stop, &tv) == -1)
		event_base_loopexit(base, &tv);
}

static void
priv_stop_timeout(evutil_socket_t fd, short ev, void *arg)
{
	int	 r;

	for (r = 0; r < ROLE_MAX; r++)
		if (children[r].name != NULL && children[r].pid != 0)
			log_warnx("%s (pid %d) did not exit within %d s",
			    children[r].name, (int)children[r].pid,
			    PRIV_STOP_TIMEOUT);
	exit_code = 1;
	event_base_loopexit(base, NULL);
}

static void
priv_sigterm(evutil_socket_t sig, short ev, void *arg)
{
	log_info("signal %d: stopping the children", (int)sig);
	priv_stop(0);
}

static void
priv_sighup(evutil_socket_t sig, short ev, void *arg)
{
	struct mip6_conf	*nconf;
	char			 err[1024];
	int			 r;
	uint32_t		 v;

	if (stopping)
		return;
	priv_notify("RELOADING=1");
	if ((nconf = conf_load(conf->path, err, sizeof(err))) == NULL) {
		log_warnx("reload refused: %s; the old configuration stays "
		    "in force", err);
		priv_notify("READY=1");
		return;
	}
	for (r = 0; r < ROLE_MAX; r++)
		if (children[r].name != NULL &&
		    !conf_role_enabled(nconf, r) &&
		    conf_role_enabled(conf, r))
			log_warnx("%s: disabled in the new configuration; "
			    "it stops at the next restart of the suite",
			    children[r].name);
	conf_free(conf);
	conf = nconf;
	log_setverbose(priv_verbose());
	v = (uint32_t)priv_verbose();
	for (r = 0; r < ROLE_MAX; r++)
		if (children[r].name != NULL) {
			/* First, so the reload's own lines obey it. */
			(void)priv_compose_child(&children[r], IMSG_VERBOSE, 0,
			    -1, &v, sizeof(v));
			priv_send_conf(&children[r]);
		}
	log_info("configuration reloaded from %s", conf->path);
	priv_notify("READY=1");
}

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET. */
static void
priv_notify(const char *msg)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	socklen_t		 len;
	size_t			 plen;
	int			 fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return;
	plen = strlen(path);
	if (plen >= sizeof(sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET too long");
		return;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("sd_notify: socket");
		return;
	}
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1)
		log_warn("sd_notify %s", path);
	close(fd);
}
