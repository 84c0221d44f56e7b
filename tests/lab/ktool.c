/*
 * ktool: drives mip6-priv's kernel side without the daemons, for the
 * kernel test suites and the benchmark.  Reads commands from stdin, one a
 * line, and prints one result line per command:
 *
 *   ha-link IFNAME HAADDR PREFIX/LEN   configure a home link
 *   mn HOA HA IFNAME                   configure the mobile node
 *   mn-list HOA                        a configured mobile node (home agent)
 *   ipsec on|off                       RFC 3776 protection (default off)
 *   max N                              max bindings
 *   probe ha|mn|sig                    "ok" or the one-line error
 *   reconcile remove|adopt             "found N"
 *   start ha|mn|sig                    kr_role_start
 *   req ROLE TYPE ARGS...              a typed request; "reply 0" / "reply E"
 *                                      / "malformed"
 *   raw ROLE TYPE LEN [HEXBYTE]        a request of any type and length
 *   bench add|del N COA-PREFIX         N home bindings through the request path
 *   show                               the table, then "end"
 *   forget ROLE                        what the role asked for goes (it died)
 *   stop                               remove everything ours
 *   ev-open                            listen to kernel events (all kinds)
 *   ev-read                            print what arrived, one line each, "end"
 *   sh CMD                             run CMD; prints "sh STATUS"
 */
#include <net/if.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bsd/string.h>

#include "log.h"
#include "config.h"
#include "../../mip6-priv/kernel.h"
#include "proto.h"
#include "../../mip6-priv/probe.h"
#include "../../mip6-priv/reconcile.h"
#include "../../mip6-priv/rtcheck.h"

#define KT_MAXLINKS	8
#define KT_MAXMNS	64
#define KT_MAXPFX	4

static struct mip6_conf		 conf;
static struct conf_ha_link	 links[KT_MAXLINKS];
static struct conf_prefix	 pfx[KT_MAXLINKS][KT_MAXPFX];
static struct conf_mn		 mns[KT_MAXMNS];
static struct conf_mn_if	 mnifs[KT_MAXLINKS];
static int			 last_error;
static int			 replies;

/* Until common/config.c is linked in, these stand in (weak). */
__attribute__((weak)) const char *
conf_role_name(enum conf_role r)
{
	static const char *const n[] = { "ha", "mn", "sig" };

	return r < ROLE_MAX ? n[r] : "?";
}

__attribute__((weak)) int
conf_role_enabled(const struct mip6_conf *c, enum conf_role r)
{
	return r == ROLE_HA ? c->ha.enabled : r == ROLE_MN ? c->mn.enabled :
	    c->sig.enabled;
}

static int
role_of(const char *s)
{
	if (strcmp(s, "ha") == 0)
		return ROLE_HA;
	if (strcmp(s, "mn") == 0)
		return ROLE_MN;
	if (strcmp(s, "sig") == 0)
		return ROLE_SIG;
	return atoi(s);
}

static void
reply_cb(uint32_t role, uint32_t reqid, uint32_t type, int error, void *arg)
{
	last_error = error;
	replies++;
}

static void
show_cb(uint32_t role, const struct kr_show_obj *so, void *arg)
{
	printf("obj %.*s\n", (int)sizeof(so->line), so->line);
}

static int
addr(const char *s, struct in6_addr *a)
{
	return s != NULL && inet_pton(AF_INET6, s, a) == 1;
}

static int
req_type(const char *s)
{
	static const struct { const char *n; int t; } t[] = {
		{ "bind-add", IMSG_KR_BIND_ADD }, { "bind-del", IMSG_KR_BIND_DEL },
		{ "proxy-add", IMSG_KR_PROXY_ADD },
		{ "proxy-del", IMSG_KR_PROXY_DEL },
		{ "ro-add", IMSG_KR_RO_ADD }, { "ro-del", IMSG_KR_RO_DEL },
		{ "mn-home", IMSG_KR_MN_HOME }, { "mn-at-home", IMSG_KR_MN_AT_HOME },
		{ "subscribe", IMSG_KR_SUBSCRIBE }, { "show", IMSG_KR_SHOW },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].n) == 0)
			return t[i].t;
	return atoi(s);
}

/* Send one request and wait for its reply; prints the outcome. */
static void
do_req(int role, int type, const void *d, size_t len)
{
	int	 before = replies;

	if (kr_req_dispatch((uint32_t)role, (uint32_t)type, 1, d, len) == -1) {
		printf("malformed\n");
		return;
	}
	while (replies == before)
		if (kr_wait() == -1)
			break;
	printf("reply %s\n", last_error ? strerror(last_error) : "0");
}

static void
cmd_req(int role, char **av, int ac)
{
	union {
		struct kr_bind	 b;
		struct kr_proxy	 p;
		struct kr_ro	 r;
		struct kr_mn	 m;
		struct kr_subscribe s;
	} u;
	int	 type;

	if (ac < 1) {
		printf("usage\n");
		return;
	}
	type = req_type(av[0]);
	memset(&u, 0, sizeof(u));
	switch (type) {
	case IMSG_KR_BIND_ADD:
	case IMSG_KR_BIND_DEL:
		if (ac < 4 || !addr(av[1], &u.b.hoa) || !addr(av[2], &u.b.coa))
			goto usage;
		strlcpy(u.b.ifname, av[3], sizeof(u.b.ifname));
		/* Optional KR_BIND_* flags (1: the link-local address too). */
		if (ac > 4)
			u.b.flags = (uint32_t)strtoul(av[4], NULL, 0);
		do_req(role, type, &u.b, sizeof(u.b));
		return;
	case IMSG_KR_PROXY_ADD:
	case IMSG_KR_PROXY_DEL:
		if (ac < 3 || !addr(av[1], &u.p.addr))
			goto usage;
		strlcpy(u.p.ifname, av[2], sizeof(u.p.ifname));
		do_req(role, type, &u.p, sizeof(u.p));
		return;
	case IMSG_KR_RO_ADD:
	case IMSG_KR_RO_DEL:
		if (ac < 4 || !addr(av[1], &u.r.hoa) ||
		    !addr(av[2], &u.r.coa) || !addr(av[3], &u.r.peer))
			goto usage;
		u.r.flags = role == ROLE_MN ? KR_RO_MN : KR_RO_CN;
		do_req(role, type, &u.r, sizeof(u.r));
		return;
	case IMSG_KR_MN_HOME:
	case IMSG_KR_MN_AT_HOME:
		if (ac < 5 || !addr(av[1], &u.m.hoa) ||
		    !addr(av[2], &u.m.coa) || !addr(av[3], &u.m.ha))
			goto usage;
		strlcpy(u.m.ifname, av[4], sizeof(u.m.ifname));
		u.m.plen = 64;
		do_req(role, type, &u.m, sizeof(u.m));
		return;
	case IMSG_KR_SHOW:
		do_req(role, type, NULL, 0);
		return;
	case IMSG_KR_SUBSCRIBE:
		u.s.mask = ac > 1 ? (uint32_t)strtoul(av[1], NULL, 0) : 0;
		do_req(role, type, &u.s, sizeof(u.s));
		return;
	}
 usage:
	printf("usage\n");
}

static void
ev_print(uint32_t mask, uint32_t type, const void *data, size_t len, void *a)
{
	char	 s[INET6_ADDRSTRLEN];

	switch (type) {
	case IMSG_KR_EV_LINK: {
		const struct kr_ev_link *e = data;

		printf("event link %s%s\n", e->ifname, e->deleted ? " deleted" : "");
		break;
	}
	case IMSG_KR_EV_ADDR: {
		const struct kr_ev_addr *e = data;

		printf("event addr %s/%u%s\n", inet_ntop(AF_INET6, &e->addr, s,
		    sizeof(s)), e->plen, e->deleted ? " deleted" : "");
		break;
	}
	case IMSG_KR_EV_ROUTE: {
		const struct kr_ev_route *e = data;

		printf("event route %s/%u proto %u%s\n", inet_ntop(AF_INET6,
		    &e->dst, s, sizeof(s)), e->plen, e->protocol,
		    e->deleted ? " deleted" : "");
		break;
	}
	case IMSG_KR_EV_NEIGH: {
		const struct kr_ev_neigh *e = data;

		printf("event neigh %s%s\n", inet_ntop(AF_INET6, &e->addr, s,
		    sizeof(s)), e->deleted ? " deleted" : "");
		break;
	}
	case IMSG_KR_EV_XFRM: {
		const struct kr_ev_xfrm *e = data;

		printf("event xfrm %s proto %u dst %s\n", e->kind ==
		    KR_XFRM_ACQUIRE ? "acquire" : "report", e->proto,
		    inet_ntop(AF_INET6, &e->dst, s, sizeof(s)));
		break;
	}
	}
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int	 bench_outstanding, bench_errors, bench_errno;
static uint32_t	 bench_errid;

static void
bench_reply(uint32_t role, uint32_t reqid, uint32_t type, int error, void *a)
{
	bench_outstanding--;
	if (error) {
		bench_errors++;
		bench_errno = error;
		bench_errid = reqid;
	}
}

/*
 * Bindings 1..N: hoa = first home prefix ::i, coa = COA-PREFIX ::i, all
 * in flight through the request path (check, batch, pipeline).
 */
static void
cmd_bench(int add, int n, const char *coapfx)
{
	struct kr_bind	 b;
	struct in6_addr	 coa0;
	double		 t0, t1;
	int		 i;

	if (conf.ha.nlinks == 0 || !addr(coapfx, &coa0)) {
		printf("usage\n");
		return;
	}
	kr_req_init(&conf, bench_reply, NULL);
	bench_errors = 0;
	t0 = now();
	for (i = 1; i <= n; i++) {
		memset(&b, 0, sizeof(b));
		b.hoa = links[0].prefixes[0].addr;
		b.hoa.s6_addr[11] = 1;	/* clear of the home agent's own ::1 */
		b.hoa.s6_addr[12] = (uint8_t)(i >> 24);
		b.hoa.s6_addr[13] = (uint8_t)(i >> 16);
		b.hoa.s6_addr[14] = (uint8_t)(i >> 8);
		b.hoa.s6_addr[15] = (uint8_t)i;
		b.coa = coa0;
		memcpy(&b.coa.s6_addr[12], &b.hoa.s6_addr[12], 4);
		strlcpy(b.ifname, links[0].ifname, sizeof(b.ifname));
		bench_outstanding++;
		if (kr_req_dispatch(ROLE_HA, add ? IMSG_KR_BIND_ADD :
		    IMSG_KR_BIND_DEL, (uint32_t)i, &b, sizeof(b)) == -1) {
			bench_outstanding--;
			bench_errors++;
		}
		/* Read acks as we go so the queue stays short. */
		if (bench_outstanding > 4 * KR_NL_INFLIGHT)
			kr_nl_dispatch(&kr_route);
	}
	while (bench_outstanding > 0)
		if (kr_wait() == -1)
			break;
	t1 = now();
	printf("%s %d bindings in %.3f s: %.0f bindings/s, errors %d, "
	    "rtcheck entries %zu\n", add ? "added" : "removed", n, t1 - t0,
	    n / (t1 - t0), bench_errors, rtcheck_count());
	if (bench_errors)
		printf("last error: binding %u: %s\n", bench_errid,
		    strerror(bench_errno));
	kr_req_init(&conf, reply_cb, NULL);
}

int
main(int argc, char *argv[])
{
	char	 line[1024], *av[16], *p, err[512];
	int	 ac, n;

	log_init(LOG_TO_STDERR, argc > 1 ? 2 : 0);
	log_procinit("ktool");
	conf.ha.links = links;
	conf.ha.mns = mns;
	conf.ha.max_bindings = 100000;
	conf.sig.max_bindings = 10000;
	conf.ha.ipsec = conf.mn.ipsec = IPSEC_DISABLED;
	conf.mn.ifs = mnifs;
	conf.mn.ro = RO_ALL;
	kr_req_init(&conf, reply_cb, NULL);
	kr_req_show_sink(show_cb);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		/* sh CMD: run a shell command inside this session (datapath). */
		if (strncmp(line, "sh ", 3) == 0) {
			fflush(stdout);
			n = system(line + 3);
			printf("sh %d\n", WIFEXITED(n) ? WEXITSTATUS(n) : -1);
			continue;
		}
		ac = 0;
		for (p = strtok(line, " \t\n"); p != NULL && ac < 16;
		    p = strtok(NULL, " \t\n"))
			av[ac++] = p;
		if (ac == 0 || av[0][0] == '#')
			continue;
		if (strcmp(av[0], "ha-link") == 0 && ac == 4 &&
		    conf.ha.nlinks < KT_MAXLINKS) {
			struct conf_ha_link *l = &links[conf.ha.nlinks];
			char	*slash = strchr(av[3], '/');

			if (slash == NULL)
				goto bad;
			*slash = '\0';
			strlcpy(l->ifname, av[1], sizeof(l->ifname));
			if (!addr(av[2], &l->addr) ||
			    !addr(av[3], &pfx[conf.ha.nlinks][0].addr))
				goto bad;
			pfx[conf.ha.nlinks][0].plen = (uint8_t)atoi(slash + 1);
			l->prefixes = pfx[conf.ha.nlinks];
			l->nprefixes = 1;
			conf.ha.nlinks++;
			conf.ha.enabled = 1;
			printf("ok\n");
		} else if (strcmp(av[0], "mn") == 0 && ac == 4) {
			if (!addr(av[1], &conf.mn.hoa) || !addr(av[2],
			    &conf.mn.ha))
				goto bad;
			strlcpy(mnifs[0].ifname, av[3], sizeof(mnifs[0].ifname));
			conf.mn.nifs = 1;
			conf.mn.enabled = 1;
			printf("ok\n");
		} else if (strcmp(av[0], "mn-list") == 0 && ac == 2 &&
		    conf.ha.nmns < KT_MAXMNS) {
			if (!addr(av[1], &mns[conf.ha.nmns].hoa))
				goto bad;
			conf.ha.nmns++;
			printf("ok\n");
		} else if (strcmp(av[0], "ipsec") == 0 && ac == 2) {
			conf.ha.ipsec = conf.mn.ipsec = strcmp(av[1], "on") == 0 ?
			    IPSEC_REQUIRED : IPSEC_DISABLED;
			printf("ok\n");
		} else if (strcmp(av[0], "max") == 0 && ac == 2) {
			conf.ha.max_bindings = conf.sig.max_bindings =
			    (uint32_t)atoi(av[1]);
			printf("ok\n");
		} else if (strcmp(av[0], "probe") == 0 && ac == 2) {
			n = role_of(av[1]);
			if (kr_probe(n == ROLE_HA ? PROBE_HA : n == ROLE_MN ?
			    PROBE_MN : PROBE_SIG, err, sizeof(err)) == 0)
				printf("ok\n");
			else
				printf("%s\n", err);
		} else if (strcmp(av[0], "reconcile") == 0 && ac == 2) {
			printf("found %d\n", kr_reconcile(strcmp(av[1],
			    "adopt") == 0));
		} else if (strcmp(av[0], "start") == 0 && ac == 2) {
			n = kr_role_start((uint32_t)role_of(av[1]));
			printf("%s\n", n ? strerror(n) : "ok");
		} else if (strcmp(av[0], "req") == 0 && ac >= 3) {
			cmd_req(role_of(av[1]), av + 2, ac - 2);
		} else if (strcmp(av[0], "raw") == 0 && ac >= 4) {
			uint8_t	 buf[4096];
			size_t	 len = (size_t)atoi(av[3]);

			if (len > sizeof(buf))
				goto bad;
			memset(buf, ac > 4 ? (int)strtol(av[4], NULL, 16) : 0,
			    sizeof(buf));
			do_req(role_of(av[1]), req_type(av[2]), buf, len);
		} else if (strcmp(av[0], "bench") == 0 && ac == 4) {
			cmd_bench(strcmp(av[1], "add") == 0, atoi(av[2]), av[3]);
		} else if (strcmp(av[0], "forget") == 0 && ac == 2) {
			kr_role_forget((uint32_t)role_of(av[1]));
			kr_wait();
			printf("ok\n");
		} else if (strcmp(av[0], "ev-open") == 0) {
			printf("%s\n", kr_init() == 0 &&
			    kr_ev_open(ev_print, NULL) == 0 ? "ok" : "failed");
		} else if (strcmp(av[0], "ev-read") == 0) {
			kr_ev_dispatch();
			printf("end\n");
		} else if (strcmp(av[0], "show") == 0) {
			kr_tab_print(stdout);
			printf("end\n");
		} else if (strcmp(av[0], "stop") == 0) {
			printf("removed %d\n", kr_remove_all());
		} else {
 bad:
			printf("bad command\n");
		}
	}
	kr_close();
	return 0;
}
