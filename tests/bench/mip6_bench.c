/*
 * mip6-bench: a home-agent load generator.  It plays N mobile nodes, each
 * with its own home address, sending home-registration Binding Updates
 * to one home agent and matching every Binding Acknowledgement to its BU.
 *
 *	mip6-bench -a HA -p HOME/64 -c COA/64 -i IFNAME [-n N] [-k NCOA]
 *	    [-w WINDOW] [-r RATE] [-l LIFETIME] [-t TIMEOUT] [-s SEQ] [-j]
 *	    [-b BASE] [-o COAOFF] [-x RETRIES]
 *	    PHASE...
 *	mip6-bench -c COA/64 -k NCOA -i IFNAME --print-coas
 *
 * PHASE is register, refresh, move (a new care-of address for every
 * node) or dereg (lifetime 0); they run in order, one line of figures
 * each.  Mobile node i has the home address HOME::a00:0:<i> and the
 * care-of address COA::c00:0:<j> with j = i mod NCOA (move: i+1 mod
 * NCOA); the care-of addresses must be configured on IFNAME so the
 * router finds them (--print-coas prints `ip -batch` lines for that).
 *
 * BUs are whole IPv6 packets (IPPROTO_RAW: the kernel adds nothing, so
 * the Home Address option goes out as we build it and the source may
 * be any care-of address).  BAs are read from a packet socket on IFNAME
 * (the kernel here has no binding for them and drops them after us).
 * -b BASE shifts the node numbers (node i plays BASE+i: two generators
 * with disjoint nodes); -o COAOFF shifts the care-of address numbers
 * (j = COAOFF + (BASE+i) mod NCOA: a generator with sources of its own);
 * -x RETRIES sends a BU again, with the next
 * sequence number, when its BA does not come within TIMEOUT (a mobile
 * node's retransmission), and only then counts it lost.
 * Sequence numbers start after SEQ (default 0): a second run against the
 * same bindings needs a larger one.  Runs labelled as such need the home agent with `ipsec: disabled`.
 *
 * Not part of the product: a test and benchmark tool.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "mh.h"

#define NPHASE_MAX	8
#define RX_BATCH	64

enum phase { PH_REGISTER, PH_REFRESH, PH_MOVE, PH_DEREG };
static const char *const phase_names[] = {
	"register", "refresh", "move", "dereg"
};

struct node {
	uint64_t	 sent_ns;	/* last BU sent, 0: none outstanding */
	uint16_t	 seq;
	uint8_t		 done;		/* BA for this phase received */
	uint8_t		 status;
	uint8_t		 tries;		/* retransmissions of this phase */
};

static struct in6_addr	 ha, home, coa_net;
static uint32_t		 n = 1000, ncoa = 256, window = 256, rate;
static uint32_t		 lifetime = 600, timeout_ms = 5000;
static uint16_t		 seq0;
static uint32_t		 base, retries, coaoff;
static int		 json, txfd = -1, rxfd = -1;
static struct node	*nodes;
static uint32_t		*lat_us;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: mip6-bench -a HA -p HOME/64 -c COA/64 -i IFNAME [-n N] "
	    "[-k NCOA]\n"
	    "           [-w WINDOW] [-r RATE] [-l LIFETIME] [-t TIMEOUT-MS] "
	    "[-s SEQ] [-b BASE] [-o COAOFF] [-x RETRIES] [-j] PHASE...\n"
	    "       mip6-bench -c COA/64 -k NCOA -i IFNAME --print-coas\n"
	    "PHASE: register refresh move dereg\n");
	exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "mip6-bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
parse_net(const char *arg, struct in6_addr *a)
{
	char	 buf[INET6_ADDRSTRLEN + 4], *slash;

	if (strlcpy(buf, arg, sizeof(buf)) >= sizeof(buf))
		die("%s: not an address/64", arg);
	if ((slash = strchr(buf, '/')) != NULL) {
		if (strcmp(slash, "/64") != 0)
			die("%s: only /64 prefixes", arg);
		*slash = '\0';
	}
	if (inet_pton(AF_INET6, buf, a) != 1)
		die("%s: not an IPv6 address", arg);
	memset(&a->s6_addr[8], 0, 8);
}

/* prefix::<tag>00:0:<i>: the tag keeps the range clear of other hosts. */
static void
make_addr(struct in6_addr *out, const struct in6_addr *net, uint8_t tag,
    uint32_t i)
{
	*out = *net;
	out->s6_addr[8] = 0;
	out->s6_addr[9] = 0;
	out->s6_addr[10] = tag;
	out->s6_addr[11] = 0;
	out->s6_addr[12] = (uint8_t)(i >> 24);
	out->s6_addr[13] = (uint8_t)(i >> 16);
	out->s6_addr[14] = (uint8_t)(i >> 8);
	out->s6_addr[15] = (uint8_t)i;
}

static uint32_t
coa_index(enum phase ph, uint32_t i)
{
	/* move and every phase after it use the shifted care-of address */
	return coaoff + (ph >= PH_MOVE ? (i + 1) % ncoa : i % ncoa);
}

#define TX_BATCH	64
#define PKT_MAX		(40 + 24 + 64)

/* BUs built and not yet sent: one sendmmsg for up to TX_BATCH (the lab
 * is one CPU for the generator and the home agent: fewer syscalls). */
static uint8_t		 tx_pkt[TX_BATCH][PKT_MAX];
static struct iovec	 tx_iov[TX_BATCH];
static struct mmsghdr	 tx_mm[TX_BATCH];
static uint32_t		 tx_node[TX_BATCH];
static struct sockaddr_in6 tx_to;
static unsigned int	 tx_n;

static void
tx_flush(void)
{
	unsigned int	 off = 0, k;
	uint64_t	 t;
	int		 r;

	while (off < tx_n) {
		r = sendmmsg(txfd, tx_mm + off, tx_n - off, 0);
		if (r == -1) {
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != EINTR)
				die("send: %s", strerror(errno));
			usleep(200);
			continue;
		}
		t = now_ns();
		for (k = off; k < off + (unsigned int)r; k++)
			nodes[tx_node[k]].sent_ns = t;
		off += (unsigned int)r;
	}
	tx_n = 0;
}

static void
send_bu(enum phase ph, uint32_t i)
{
	uint8_t		*pkt;
	struct ip6_hdr	*ip;
	struct mh_msg	 m;
	struct in6_addr	 hoa, coa;
	size_t		 hlen, mlen;

	if (tx_n == TX_BATCH)
		tx_flush();
	pkt = tx_pkt[tx_n];
	ip = (struct ip6_hdr *)pkt;
	make_addr(&hoa, &home, 0x0a, base + i);
	make_addr(&coa, &coa_net, 0x0c, coa_index(ph, base + i));
	memset(pkt, 0, PKT_MAX);
	if (mh_hao_build(IPPROTO_MH, &hoa, pkt + 40, 24, &hlen) != MH_OK)
		die("cannot build the Home Address option");
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.proto = IPPROTO_NONE;
	m.u.bu.seq = ++nodes[i].seq;
	m.u.bu.flags = MH_BU_F_A | MH_BU_F_H;
	m.u.bu.lifetime = ph == PH_DEREG ? 0 : mip6_sec_to_lifetime(lifetime);
	if (mh_build(&m, NULL, 0, &hoa, &ha, pkt + 40 + hlen,
	    PKT_MAX - 40 - hlen, &mlen) != MH_OK)
		die("cannot build the Binding Update");
	ip->ip6_flow = htonl(6u << 28);
	ip->ip6_plen = htons((uint16_t)(hlen + mlen));
	ip->ip6_nxt = IPPROTO_DSTOPTS;
	ip->ip6_hlim = 64;
	ip->ip6_src = coa;
	ip->ip6_dst = ha;
	tx_to.sin6_family = AF_INET6;
	tx_to.sin6_addr = ha;
	tx_iov[tx_n].iov_base = pkt;
	tx_iov[tx_n].iov_len = 40 + hlen + mlen;
	memset(&tx_mm[tx_n], 0, sizeof(tx_mm[tx_n]));
	tx_mm[tx_n].msg_hdr.msg_name = &tx_to;
	tx_mm[tx_n].msg_hdr.msg_namelen = sizeof(tx_to);
	tx_mm[tx_n].msg_hdr.msg_iov = &tx_iov[tx_n];
	tx_mm[tx_n].msg_hdr.msg_iovlen = 1;
	tx_node[tx_n++] = i;
	/* outstanding; tx_flush stamps the time it went */
	nodes[i].sent_ns = 1;
}

/* One frame from the packet socket: a BA with a type 2 routing header
 * (or none, for a dereg answered to the home address). Returns the node
 * index or -1. */
static long
parse_ba(const uint8_t *p, size_t len, uint8_t *status)
{
	const struct ip6_hdr *ip = (const struct ip6_hdr *)p;
	struct in6_addr	 hoa, src, dst;
	const struct in6_addr *cs, *cd;
	struct mh_msg	 m;
	size_t		 off = 40;
	uint8_t		 nh;
	uint32_t	 i;
	int		 have_rh2 = 0;

	if (len < 40 || (p[0] >> 4) != 6)
		return -1;
	if (memcmp(&ip->ip6_src, &ha, sizeof(ha)) != 0)
		return -1;
	memcpy(&src, &ip->ip6_src, sizeof(src));
	memcpy(&dst, &ip->ip6_dst, sizeof(dst));
	nh = ip->ip6_nxt;
	if (nh == IPPROTO_ROUTING) {
		if (len < off + 24 || mh_rh2_parse(p + off, 24, &hoa) != MH_OK)
			return -1;
		nh = p[off];
		off += 24;
		have_rh2 = 1;
	} else {
		hoa = dst;
	}
	if (nh != IPPROTO_MH || len <= off)
		return -1;
	if (len - off > ntohs(ip->ip6_plen) + 40 - off)
		len = ntohs(ip->ip6_plen) + 40u;
	mh_cksum_addrs(&src, &dst, NULL, have_rh2 ? &hoa : NULL, &cs, &cd);
	if (mh_parse(p + off, len - off, cs, cd, &m) != MH_OK ||
	    m.type != MH_TYPE_BA)
		return -1;
	if (memcmp(&hoa, &home, 8) != 0 || hoa.s6_addr[10] != 0x0a)
		return -1;
	i = (uint32_t)hoa.s6_addr[12] << 24 | (uint32_t)hoa.s6_addr[13] << 16 |
	    (uint32_t)hoa.s6_addr[14] << 8 | hoa.s6_addr[15];
	if (i < base || (i -= base) >= n || m.u.ba.seq != nodes[i].seq)
		return -1;
	*status = m.u.ba.status;
	return (long)i;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
run_phase(enum phase ph)
{
	static uint8_t	 rbuf[RX_BATCH][2048];
	struct iovec	 riov[RX_BATCH];
	struct mmsghdr	 rmm[RX_BATCH];
	int		 nr, q;
	uint32_t	 next = 0, outstanding = 0, answered = 0, lost = 0, nlat = 0;
	uint32_t	 st[256], i, k, nretx = 0;
	uint64_t	 t0, tlast, tscan, now, tmo = (uint64_t)timeout_ms * 1000000ull;
	struct pollfd	 pfd;
	uint64_t	 due;
	int		 wait_ms;
	double		 secs;
	ssize_t		 r;
	long		 idx;
	uint8_t		 status;

	memset(st, 0, sizeof(st));
	for (i = 0; i < n; i++) {
		nodes[i].done = 0;
		nodes[i].sent_ns = 0;
		nodes[i].tries = 0;
	}
	t0 = tlast = tscan = now_ns();
	while (answered + lost < n) {
		now = now_ns();
		/* send while the window and the rate allow */
		while (next < n && outstanding < window && (rate == 0 ||
		    (uint64_t)next * 1000000000ull / rate <= now - t0)) {
			send_bu(ph, next++);
			outstanding++;
		}
		tx_flush();
		/* Sleep until a BA comes, the next BU is due or 50 ms (for
		 * the expiry scan): no busy polling, the generator shares
		 * the lab's one CPU with the home agent. */
		wait_ms = 50;
		if (rate != 0 && next < n && outstanding < window) {
			due = (uint64_t)next * 1000000000ull / rate;
			now = now_ns() - t0;
			wait_ms = due <= now ? 0 : (int)((due - now) / 1000000 + 1);
			if (wait_ms > 50)
				wait_ms = 50;
		}
		pfd.fd = rxfd;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, wait_ms);
		for (k = 0; k < RX_BATCH; k++) {
			riov[k].iov_base = rbuf[k];
			riov[k].iov_len = sizeof(rbuf[k]);
			memset(&rmm[k], 0, sizeof(rmm[k]));
			rmm[k].msg_hdr.msg_iov = &riov[k];
			rmm[k].msg_hdr.msg_iovlen = 1;
		}
		nr = recvmmsg(rxfd, rmm, RX_BATCH, MSG_DONTWAIT, NULL);
		if (nr > 0)
			now = now_ns();
		for (q = 0; q < nr; q++) {
			r = (ssize_t)rmm[q].msg_len;
			if ((idx = parse_ba(rbuf[q], (size_t)r, &status)) < 0)
				continue;
			if (nodes[idx].done || nodes[idx].sent_ns == 0)
				continue;
			nodes[idx].done = 1;
			nodes[idx].status = status;
			lat_us[nlat++] = (uint32_t)((now -
			    nodes[idx].sent_ns) / 1000);
			nodes[idx].sent_ns = 0;
			st[status]++;
			answered++;
			outstanding--;
			tlast = now;
		}
		/* expire: a BU with no BA within the timeout is lost (the
		 * scan is O(N): at most every 50 ms) */
		now = now_ns();
		if (outstanding > 0 && next > 0 && now - tscan > 50000000ull) {
			tscan = now;
			for (i = 0; i < next; i++) {
				if (nodes[i].sent_ns != 0 &&
				    now - nodes[i].sent_ns > tmo &&
				    nodes[i].tries < retries) {
					/* again, with the next sequence number,
					 * as a mobile node would */
					nodes[i].tries++;
					nretx++;
					send_bu(ph, i);
				} else if (nodes[i].sent_ns != 0 &&
				    now - nodes[i].sent_ns > tmo) {
					nodes[i].sent_ns = 0;
					lost++;
					outstanding--;
				}
			}
			tx_flush();
		}
	}
	secs = (double)(tlast - t0) / 1e9;
	qsort(lat_us, nlat, sizeof(lat_us[0]), cmp_u32);
#define PCT(p)	(nlat ? lat_us[(size_t)((nlat - 1) * (p))] / 1000.0 : 0.0)
	if (json) {
		printf("{\"phase\":\"%s\",\"nodes\":%u,\"answered\":%u,"
		    "\"lost\":%u,\"retransmitted\":%u,\"seconds\":%.3f,\"per_second\":%.0f,"
		    "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,"
		    "\"status\":{", phase_names[ph], n, answered, lost, nretx, secs,
		    secs > 0 ? answered / secs : 0.0, PCT(0.5), PCT(0.99),
		    PCT(1.0));
		for (i = 0, k = 0; i < 256; i++)
			if (st[i])
				printf("%s\"%u\":%u", k++ ? "," : "", i, st[i]);
		printf("}}\n");
	} else {
		printf("%-8s nodes %u answered %u lost %u in %.3f s: %.0f/s, "
		    "latency p50 %.2f ms p99 %.2f ms max %.2f ms, status",
		    phase_names[ph], n, answered, lost, secs,
		    secs > 0 ? answered / secs : 0.0, PCT(0.5), PCT(0.99),
		    PCT(1.0));
		for (i = 0; i < 256; i++)
			if (st[i])
				printf(" %u:%u", i, st[i]);
		if (nretx > 0)
			printf(", %u retransmitted", nretx);
		printf("\n");
	}
#undef PCT
	fflush(stdout);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "print-coas", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	struct sockaddr_ll sll;
	enum phase	 phases[NPHASE_MAX];
	const char	*ifname = NULL;
	char		 a[INET6_ADDRSTRLEN];
	struct in6_addr	 c;
	unsigned int	 ifindex;
	int		 ch, have_ha = 0, have_home = 0, have_coa = 0, print = 0;
	int		 nph = 0, sz = 64 << 20, i, j;

	while ((ch = getopt_long(argc, argv, "a:b:c:i:jk:l:n:o:p:r:s:t:w:x:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (inet_pton(AF_INET6, optarg, &ha) != 1)
				die("-a %s: not an IPv6 address", optarg);
			have_ha = 1;
			break;
		case 'b':
			base = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'o':
			coaoff = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'x':
			retries = (uint32_t)strtoul(optarg, NULL, 0);
			if (retries > 255)
				retries = 255;
			break;
		case 'c':
			parse_net(optarg, &coa_net);
			have_coa = 1;
			break;
		case 'i':
			ifname = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'k':
			ncoa = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'l':
			lifetime = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			n = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			parse_net(optarg, &home);
			have_home = 1;
			break;
		case 'r':
			rate = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 's':
			seq0 = (uint16_t)strtoul(optarg, NULL, 0);
			break;
		case 't':
			timeout_ms = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'w':
			window = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'P':
			print = 1;
			break;
		default:
			usage();
		}
	}
	if (ncoa < 2 || ncoa > 65536 || n == 0 || n > 10000000 || window == 0)
		die("need 2 <= NCOA <= 65536, N >= 1, WINDOW >= 1");
	if (print) {
		if (!have_coa || ifname == NULL)
			usage();
		for (j = 0; j < (int)ncoa; j++) {
			make_addr(&c, &coa_net, 0x0c, (uint32_t)j);
			inet_ntop(AF_INET6, &c, a, sizeof(a));
			printf("address add %s/64 dev %s nodad\n", a, ifname);
		}
		return 0;
	}
	if (!have_ha || !have_home || !have_coa || ifname == NULL)
		usage();
	for (i = optind; i < argc; i++) {
		for (j = 0; j < 4; j++)
			if (strcmp(argv[i], phase_names[j]) == 0)
				break;
		if (j == 4)
			die("unknown phase %s (register refresh move dereg)",
			    argv[i]);
		if (nph == NPHASE_MAX)
			die("at most %d phases", NPHASE_MAX);
		phases[nph++] = (enum phase)j;
	}
	if (nph == 0)
		phases[nph++] = PH_REGISTER;
	if ((ifindex = if_nametoindex(ifname)) == 0)
		die("%s: no such interface", ifname);
	if ((nodes = calloc(n, sizeof(*nodes))) == NULL ||
	    (lat_us = calloc(n, sizeof(*lat_us))) == NULL)
		die("out of memory");
	for (j = 0; j < (int)n; j++)
		nodes[j].seq = seq0;

	if ((txfd = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW)) == -1)
		die("raw socket: %s", strerror(errno));
	(void)setsockopt(txfd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	if ((rxfd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IPV6))) == -1)
		die("packet socket: %s", strerror(errno));
	if (setsockopt(rxfd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		(void)setsockopt(rxfd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IPV6);
	sll.sll_ifindex = (int)ifindex;
#ifdef PACKET_IGNORE_OUTGOING
	/* our own BUs are not for us to parse */
	(void)setsockopt(rxfd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &(int){ 1 },
	    sizeof(int));
#endif
	if (bind(rxfd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		die("bind %s: %s", ifname, strerror(errno));

	for (i = 0; i < nph; i++)
		run_phase(phases[i]);
	return 0;
}
