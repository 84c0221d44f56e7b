/*
 * libFuzzer harness for mip6-priv's receive path from a role: a hostile
 * role writes an arbitrary byte stream on its imsg channel.  The first
 * input byte picks the role (home agent, mobile node, correspondent), the
 * second the count of objects it holds (for the bounds); the rest is the
 * stream, read by mip6-priv's own priv_dispatch_child() (priv.c compiled
 * into this harness, its main() renamed) with the kernel side disabled
 * (MIP6_KERNEL=none, as the host suites run it) and the binding state file
 * in a scratch directory.  Every framed message also goes through
 * kr_check(), the validation a kernel request meets before it touches
 * the kernel.
 *
 * What must hold: no crash, no sanitizer report, no leak; a malformed
 * stream closes the channel (the child is treated as broken) and never
 * takes the parent down; kr_check() accepts a request only with the
 * exact length of its type and gives a terminated reason otherwise.
 */
int	priv_main_unused(int, char *[]);
#define main	priv_main_unused
#include "../../mip6-priv/priv.c"
#undef main

#include <sys/socket.h>
#include <dirent.h>
#include <fcntl.h>

#include "check.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Every role on, with addresses the requests can name. */
static const char fuzz_conf[] =
    "common:\n"
    "  control-dir: /nonexistent\n"
    "  state-dir: %s\n"
    "  persist-bindings: true\n"
    "home-agent:\n"
    "  links:\n"
    "    - interface: ha0\n"
    "      address: 2001:db8:1::2\n"
    "      home-prefixes: [2001:db8:1::/64]\n"
    "  ipsec: disabled\n"
    "mobile-node:\n"
    "  home-address: 2001:db8:1::100/64\n"
    "  home-agent: 2001:db8:1::2\n"
    "  interfaces: [mn0]\n"
    "  ipsec: disabled\n"
    "correspondent:\n"
    "  max-bindings: 100\n";

static const enum conf_role fuzz_roles[] = { ROLE_HA, ROLE_MN, ROLE_SIG };
static const char *const fuzz_names[] = { "ha", "mn", "sig" };

static char	 fuzz_dir[] = "/tmp/fuzz-privimsg.XXXXXX";

/* The state files the runs wrote go with the process. */
static void
fuzz_cleanup(void)
{
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(fuzz_dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			(void)unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	(void)rmdir(fuzz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*dir = fuzz_dir;
	char	 text[sizeof(fuzz_conf) + sizeof(fuzz_dir)];
	char	 err[1024];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(fuzz_cleanup);
	snprintf(text, sizeof(text), fuzz_conf, dir);
	if ((conf = conf_load_mem("fuzz", text, strlen(text), err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_privimsg: configuration: %s\n", err);
		abort();
	}
	setenv("MIP6_KERNEL", "none", 1);
	/* Quiet: a log line per refused message would slow it down. */
	log_init(0, 0);
	if (priv_kernel_start(conf, (1u << ROLE_MAX) - 1, err,
	    sizeof(err)) == -1)
		abort();
	if ((base = event_base_new()) == NULL)
		abort();
	return 0;
}

/* kr_check() on its own: every framed message of the stream. */
static void
check_requests(enum conf_role role, size_t count, const uint8_t *data,
    size_t size)
{
	struct imsg_hdr	 h;
	char		 why[256];
	enum kr_verdict	 v;
	size_t		 len;
	/* imsg_get() hands over a malloc'd copy: aligned like this. */
	static uint64_t	 msg[(UINT16_MAX + 7) / 8];

	while (size >= sizeof(h)) {
		memcpy(&h, data, sizeof(h));
		if (h.len < sizeof(h) || h.len > size)
			return;
		len = h.len - sizeof(h);
		why[0] = 'x';
		why[sizeof(why) - 1] = 'x';
		memcpy(msg, data + sizeof(h), len);
		v = kr_check(conf, role, h.type, msg, len, count, why,
		    sizeof(why));
		if (v == KR_OK) {
			/* Only known requests of their exact size pass. */
			if (h.type < IMSG_KERNEL_FIRST ||
			    h.type >= IMSG_KR_LAST || len > 4096)
				abort();
		} else if (memchr(why, '\0', sizeof(why)) == NULL)
			abort();
		data += h.len;
		size -= h.len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct priv_child	*c;
	size_t			 r, count;
	ssize_t			 w;
	int			 sv[2], i;

	if (size < 2)
		return 0;
	r = data[0] % (sizeof(fuzz_roles) / sizeof(fuzz_roles[0]));
	count = data[1];
	data += 2;
	size -= 2;
	check_requests(fuzz_roles[r], count, data, size);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	(void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
	(void)fcntl(sv[1], F_SETFL, O_NONBLOCK);
	c = &children[fuzz_roles[r]];
	memset(c, 0, sizeof(*c));
	c->role = fuzz_roles[r];
	c->name = fuzz_names[r];
	c->pid = 1;
	if ((c->ibuf = calloc(1, sizeof(*c->ibuf))) == NULL)
		abort();
	imsg_init(c->ibuf, sv[0]);
	c->ev_r = event_new(base, sv[0], EV_READ | EV_PERSIST,
	    priv_dispatch_child, c);
	c->ev_w = event_new(base, sv[0], EV_WRITE, priv_write_child, c);
	if (c->ev_r == NULL || c->ev_w == NULL)
		abort();
	/* The role writes its stream and goes away. */
	while (size > 0) {
		if ((w = write(sv[1], data, size)) <= 0)
			break;
		data += w;
		size -= (size_t)w;
		priv_dispatch_child(sv[0], EV_READ, c);
		if (c->ibuf == NULL)
			break;
	}
	close(sv[1]);
	for (i = 0; i < 4 && c->ibuf != NULL; i++)
		priv_dispatch_child(sv[0], EV_READ, c);
	if (c->ibuf != NULL)
		priv_close_channel(c);
	pstate_child_exited(c);
	priv_kernel_child_exited(c);
	memset(c, 0, sizeof(*c));
	return 0;
}
