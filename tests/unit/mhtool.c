/*
 * mhtool: decode, build and sign Mobility Header messages from the command
 * line with mip6's own codec (common/mh.c, common/rr.c).  The codec tests
 * use it as the bridge to scapy and tshark; people use it to read captures.
 *
 *   mhtool decode [-j] [-s SRC -d DST] [-H HOA] [-R HOA] HEX
 *   mhtool decode [-j] -i HEX            a whole IPv6 packet
 *   mhtool read [-j] FILE.pcap           every MH in a capture
 *   mhtool build [-s SRC -d DST] [-H HOA] [-R HOA] [-i] [-w FILE.pcap]
 *                TYPE [FIELD=VALUE | OPTION[=VALUE]]...
 *   mhtool token KCN ADDR NONCE home|coa
 *   mhtool kbm HOME_TOKEN [COA_TOKEN]
 *   mhtool sign [-s SRC -d DST] KBM COA CN HEX
 *   mhtool batch                         one command per stdin line
 *
 * Exit status: 0 done, 1 the message was rejected, 2 usage.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mh.h"
#include "mip6_const.h"
#include "rr.h"

#define MAX_ARGS	128
#define LINE_MAX_LEN	65536
#define PKT_MAX		65535
#define IP6_HDR_LEN	40
#define IP6_HLIM	64
#define NH_HOPOPTS	0
#define NH_ROUTING	43
#define NH_FRAGMENT	44
#define NH_DSTOPTS	60

/* pcap (libpcap file format) */
#define PCAP_MAGIC	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define PCAP_VMAJ	2
#define PCAP_VMIN	4
#define PCAP_SNAPLEN	65535
#define PCAP_GHDR_LEN	24
#define PCAP_RHDR_LEN	16
#define DLT_EN10MB	1
#define DLT_RAW		101
#define DLT_LINUX_SLL	113
#define DLT_IPV6	229
#define DLT_LINUX_SLL2	276
#define ETH_HDR_LEN	14
#define ETHERTYPE_IPV6	0x86dd
#define ETHERTYPE_VLAN	0x8100
#define VLAN_TAG_LEN	4
#define SLL_HDR_LEN	16
#define SLL2_HDR_LEN	20

struct addrs {
	struct in6_addr	 src, dst, hao, rh2;
	int		 has_src, has_dst, has_hao, has_rh2;
};

static int	 usage(const char *);
static int	 unhex(const char *, uint8_t *, size_t, size_t *);
static void	 put_hex(const uint8_t *, size_t);
static const char *ntop(const struct in6_addr *, char *);
static int	 pton(const char *, struct in6_addr *);
static int	 num(const char *, unsigned long, unsigned long *);
static int	 parse_addr_flags(int, char **, int *, struct addrs *,
		    int *, int *, const char **);
static void	 pseudo(const struct addrs *, const struct in6_addr **,
		    const struct in6_addr **);
static int	 print_mh(int, const uint8_t *, size_t, const struct addrs *);
static int	 find_mh(const uint8_t *, size_t, struct addrs *, size_t *,
		    size_t *, const char **);
static int	 print_packet(int, const uint8_t *, size_t);
static uint32_t	 rd32(const uint8_t *, int);
static int	 cmd_decode(int, char **);
static int	 cmd_read(int, char **);
static int	 parse_opt_arg(const char *, const char *, struct mh_opt *,
		    uint8_t *, size_t *);
static int	 cmd_build(int, char **);
static int	 write_pcap(const char *, const uint8_t *, size_t);
static int	 cmd_token(int, char **);
static int	 cmd_kbm(int, char **);
static int	 cmd_sign(int, char **);
static int	 cmd_batch(int, char **);
static int	 dispatch(int, char **);

static int
usage(const char *why)
{
	fprintf(stderr, "mhtool: %s\n"
	    "usage: mhtool decode [-j] [-i] [-s SRC -d DST] [-H HOA] [-R HOA] HEX\n"
	    "       mhtool read [-j] FILE.pcap\n"
	    "       mhtool build [-s SRC -d DST] [-H HOA] [-R HOA] [-i] "
	    "[-w FILE.pcap] TYPE [KEY=VALUE]...\n"
	    "       mhtool token KCN ADDR NONCE home|coa\n"
	    "       mhtool kbm HOME_TOKEN [COA_TOKEN]\n"
	    "       mhtool sign [-s SRC -d DST] KBM COA CN HEX\n"
	    "       mhtool batch\n"
	    "TYPE: brr hoti coti hot cot bu ba be\n"
	    "fields: seq flags lifetime status index cookie=HEX token=HEX "
	    "hoa=ADDR\n"
	    "options, in order: pad1 padn=N bra=N altcoa=ADDR nonce=H,C "
	    "auth=HEX mnp=PREFIX/LEN\n"
	    "         mnid=SUBTYPE,HEX opt=TYPE,HEX\n", why);
	return 2;
}

static int
unhex(const char *s, uint8_t *out, size_t max, size_t *len)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s; s++) {
		if (*s == ':' || *s == ' ' || *s == '\n')
			continue;
		if (!isxdigit((unsigned char)*s))
			return -1;
		v = isdigit((unsigned char)*s) ? *s - '0' :
		    tolower((unsigned char)*s) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		return -1;
	*len = n;
	return 0;
}

static void
put_hex(const uint8_t *p, size_t len)
{
	while (len--)
		printf("%02x", *p++);
}

static const char *
ntop(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static int
pton(const char *s, struct in6_addr *a)
{
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : -1;
}

static int
num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || *v > max || *s == '-')
		return -1;
	return 0;
}

/* -s -d -H -R take an address, -j -i -w as the caller allows. */
static int
parse_addr_flags(int argc, char **argv, int *i, struct addrs *a, int *json,
    int *ip, const char **pcap)
{
	for (; *i < argc && argv[*i][0] == '-' && argv[*i][1] != '\0'; (*i)++) {
		const char *f = argv[*i];
		struct in6_addr *dst = NULL;
		int *has = NULL;

		if (strcmp(f, "-j") == 0 && json) {
			*json = 1;
			continue;
		}
		if (strcmp(f, "-i") == 0 && ip) {
			*ip = 1;
			continue;
		}
		if (*i + 1 >= argc)
			return -1;
		if (strcmp(f, "-w") == 0 && pcap) {
			*pcap = argv[++*i];
			continue;
		}
		if (strcmp(f, "-s") == 0) {
			dst = &a->src;
			has = &a->has_src;
		} else if (strcmp(f, "-d") == 0) {
			dst = &a->dst;
			has = &a->has_dst;
		} else if (strcmp(f, "-H") == 0) {
			dst = &a->hao;
			has = &a->has_hao;
		} else if (strcmp(f, "-R") == 0) {
			dst = &a->rh2;
			has = &a->has_rh2;
		} else
			return -1;
		if (pton(argv[++*i], dst) == -1)
			return -1;
		*has = 1;
	}
	return 0;
}

static void
pseudo(const struct addrs *a, const struct in6_addr **src,
    const struct in6_addr **dst)
{
	*src = *dst = NULL;
	if (!a->has_src || !a->has_dst)
		return;
	mh_cksum_addrs(&a->src, &a->dst, a->has_hao ? &a->hao : NULL,
	    a->has_rh2 ? &a->rh2 : NULL, src, dst);
}

/* One line for one Mobility Header; returns 0, or 1 when rejected. */
static int
print_mh(int json, const uint8_t *buf, size_t len, const struct addrs *ad)
{
	static char out[MH_FORMAT_MAX];
	const struct in6_addr *src, *dst;
	struct mh_msg m;
	enum mh_err e;

	pseudo(ad, &src, &dst);
	e = mh_parse(buf, len, src, dst, &m);
	if (e != MH_OK) {
		mh_format_error(out, sizeof(out), json, e, &m);
		printf("%s", out);
		return 1;
	}
	mh_format(out, sizeof(out), json, buf, &m, src != NULL);
	printf("%s", out);
	return 0;
}

/*
 * Walk an IPv6 packet's extension headers to its Mobility Header, noting a
 * type 2 routing header and a Home Address option on the way.  Returns 0,
 * or -1 with *why: "no_mh" for a packet that carries none.
 */
static int
find_mh(const uint8_t *p, size_t len, struct addrs *ad, size_t *mhoff,
    size_t *mhlen, const char **why)
{
	size_t off = IP6_HDR_LEN, hl, plen;
	uint8_t nh;

	memset(ad, 0, sizeof(*ad));
	if (len < IP6_HDR_LEN || (p[0] >> 4) != 6) {
		*why = "not_ipv6";
		return -1;
	}
	plen = (size_t)(p[4] << 8 | p[5]);
	if (plen + IP6_HDR_LEN < len)
		len = plen + IP6_HDR_LEN;	/* trailer, Ethernet padding */
	nh = p[6];
	memcpy(&ad->src, p + 8, sizeof(ad->src));
	memcpy(&ad->dst, p + 24, sizeof(ad->dst));
	ad->has_src = ad->has_dst = 1;
	while (nh != IPPROTO_MH) {
		if (nh != NH_HOPOPTS && nh != NH_ROUTING && nh != NH_DSTOPTS) {
			*why = "no_mh";
			return -1;
		}
		if (len - off < MH_UNIT ||
		    (hl = (size_t)(p[off + 1] + 1) * MH_UNIT) > len - off) {
			*why = "truncated";
			return -1;
		}
		if (nh == NH_ROUTING && p[off + 2] == IPV6_RTHDR_TYPE_2) {
			if (mh_rh2_parse(p + off, hl, &ad->rh2) != MH_OK) {
				*why = mh_err_str(MH_ERR_EXTHDR);
				return -1;
			}
			ad->has_rh2 = 1;
		}
		if (nh == NH_DSTOPTS && !ad->has_hao &&
		    mh_hao_parse(p + off, hl, &ad->hao) == MH_OK)
			ad->has_hao = 1;
		nh = p[off];
		off += hl;
	}
	*mhoff = off;
	*mhlen = len - off;
	return 0;
}

/* One line for a whole IPv6 packet: addresses, then its MH. */
static int
print_packet(int json, const uint8_t *p, size_t len)
{
	struct addrs ad;
	char a[INET6_ADDRSTRLEN];
	const char *why;
	size_t off, mhlen;

	if (find_mh(p, len, &ad, &off, &mhlen, &why) == -1) {
		printf(json ? "\"error\":\"%s\"" : "error=%s", why);
		return 1;
	}
	printf(json ? "\"src\":\"%s\"," : "src=%s ", ntop(&ad.src, a));
	printf(json ? "\"dst\":\"%s\"," : "dst=%s ", ntop(&ad.dst, a));
	if (ad.has_rh2)
		printf(json ? "\"rh2\":\"%s\"," : "rh2=%s ", ntop(&ad.rh2, a));
	if (ad.has_hao)
		printf(json ? "\"hao\":\"%s\"," : "hao=%s ", ntop(&ad.hao, a));
	return print_mh(json, p + off, mhlen, &ad);
}

static int
cmd_decode(int argc, char **argv)
{
	static uint8_t buf[PKT_MAX];
	struct addrs ad;
	size_t len;
	int i = 1, json = 0, ip = 0, rc;

	memset(&ad, 0, sizeof(ad));
	if (parse_addr_flags(argc, argv, &i, &ad, &json, &ip, NULL) == -1 ||
	    i != argc - 1)
		return usage("decode: bad arguments");
	if (unhex(argv[i], buf, sizeof(buf), &len) == -1)
		return usage("decode: bad hex");
	printf(json ? "{" : "");
	rc = ip ? print_packet(json, buf, len) : print_mh(json, buf, len, &ad);
	printf(json ? "}\n" : "\n");
	return rc;
}

static uint32_t
rd32(const uint8_t *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap32(v) : v;
}

static int
cmd_read(int argc, char **argv)
{
	static uint8_t pkt[PKT_MAX];
	uint8_t gh[PCAP_GHDR_LEN], rh[PCAP_RHDR_LEN];
	uint32_t magic, linktype, caplen;
	struct addrs ad;
	const char *why;
	size_t off, n = 0, mhoff, mhlen;
	int i = 1, json = 0, swap, rc = 0;
	FILE *f;

	if (argc > 1 && strcmp(argv[1], "-j") == 0) {
		json = 1;
		i++;
	}
	if (i != argc - 1)
		return usage("read: bad arguments");
	if ((f = fopen(argv[i], "rb")) == NULL) {
		fprintf(stderr, "mhtool: %s: %s\n", argv[i], strerror(errno));
		return 2;
	}
	if (fread(gh, 1, sizeof(gh), f) != sizeof(gh)) {
		fclose(f);
		return usage("read: not a pcap file");
	}
	memcpy(&magic, gh, sizeof(magic));
	swap = magic == __builtin_bswap32(PCAP_MAGIC) ||
	    magic == __builtin_bswap32(PCAP_MAGIC_NS);
	if (!swap && magic != PCAP_MAGIC && magic != PCAP_MAGIC_NS) {
		fclose(f);
		return usage("read: not a pcap file (pcapng: convert with "
		    "editcap -F pcap)");
	}
	linktype = rd32(gh + 20, swap) & 0xffff;
	while (fread(rh, 1, sizeof(rh), f) == sizeof(rh)) {
		caplen = rd32(rh + 8, swap);
		if (caplen > sizeof(pkt) ||
		    fread(pkt, 1, caplen, f) != caplen)
			break;
		n++;
		off = 0;
		switch (linktype) {
		case DLT_EN10MB:
			off = ETH_HDR_LEN;
			if (caplen >= ETH_HDR_LEN + VLAN_TAG_LEN &&
			    (pkt[12] << 8 | pkt[13]) == ETHERTYPE_VLAN)
				off += VLAN_TAG_LEN;
			if (caplen < off ||
			    (pkt[off - 2] << 8 | pkt[off - 1]) !=
			    ETHERTYPE_IPV6)
				continue;
			break;
		case DLT_LINUX_SLL:
			off = SLL_HDR_LEN;
			break;
		case DLT_LINUX_SLL2:
			off = SLL2_HDR_LEN;
			break;
		default:		/* DLT_RAW, DLT_IPV6 */
			break;
		}
		/* Only packets that carry a Mobility Header (or try to). */
		if (caplen < off || (find_mh(pkt + off, caplen - off, &ad,
		    &mhoff, &mhlen, &why) == -1 && (strcmp(why, "no_mh") == 0 ||
		    strcmp(why, "not_ipv6") == 0)))
			continue;
		printf(json ? "{\"frame\":%zu," : "frame=%zu ", n);
		rc |= print_packet(json, pkt + off, caplen - off);
		printf(json ? "}\n" : "\n");
	}
	fclose(f);
	return rc;
}

/* One KEY=VALUE of `build` that names an option: fills *o. */
static int
parse_opt_arg(const char *k, const char *v, struct mh_opt *o, uint8_t *pool,
    size_t *used)
{
	unsigned long a, b;
	char tmp[INET6_ADDRSTRLEN + 8], *sl;
	size_t len;

	memset(o, 0, sizeof(*o));
	if (strcmp(k, "pad1") == 0) {
		o->type = MH_OPT_PAD1;
		return v == NULL ? 0 : -1;
	}
	if (v == NULL)
		return -1;
	if (strcmp(k, "padn") == 0) {
		o->type = MH_OPT_PADN;
		if (num(v, UINT8_MAX, &a) == -1)
			return -1;
		o->u.raw.len = (uint8_t)a;
	} else if (strcmp(k, "bra") == 0) {
		o->type = MH_OPT_BRA;
		if (num(v, UINT16_MAX, &a) == -1)
			return -1;
		o->u.refresh = (uint16_t)a;
	} else if (strcmp(k, "altcoa") == 0) {
		o->type = MH_OPT_ALTCOA;
		return pton(v, &o->u.altcoa);
	} else if (strcmp(k, "nonce") == 0) {
		o->type = MH_OPT_NONCE;
		if (sscanf(v, "%lu,%lu", &a, &b) != 2 || a > UINT16_MAX ||
		    b > UINT16_MAX)
			return -1;
		o->u.nonce.home = (uint16_t)a;
		o->u.nonce.coa = (uint16_t)b;
	} else if (strcmp(k, "auth") == 0) {
		o->type = MH_OPT_AUTH;
		if (unhex(v, o->u.auth, sizeof(o->u.auth), &len) == -1 ||
		    len != sizeof(o->u.auth))
			return -1;
	} else if (strcmp(k, "mnp") == 0) {
		o->type = MH_OPT_MNP;
		if (strlen(v) >= sizeof(tmp))
			return -1;
		strcpy(tmp, v);
		if ((sl = strchr(tmp, '/')) == NULL)
			return -1;
		*sl++ = '\0';
		if (num(sl, UINT8_MAX, &a) == -1 ||
		    pton(tmp, &o->u.mnp.prefix) == -1)
			return -1;
		o->u.mnp.plen = (uint8_t)a;
	} else if (strcmp(k, "mnid") == 0 || strcmp(k, "opt") == 0) {
		if (sscanf(v, "%lu,", &a) != 1 || a > UINT8_MAX ||
		    (sl = strchr(v, ',')) == NULL ||
		    unhex(sl + 1, pool + *used, UINT8_MAX, &len) == -1)
			return -1;
		if (strcmp(k, "mnid") == 0) {
			o->type = MH_OPT_MNID;
			o->u.mnid.subtype = (uint8_t)a;
			o->u.mnid.len = (uint8_t)len;
			o->u.mnid.id = pool + *used;
		} else {
			/* Known types have their own keys and layouts. */
			if (a <= MH_OPT_MNID && a != MH_OPT_LLA)
				return -1;
			o->type = (uint8_t)a;
			o->u.raw.len = (uint8_t)len;
			o->u.raw.data = pool + *used;
		}
		*used += len;
	} else
		return -1;
	return 0;
}

static int
cmd_build(int argc, char **argv)
{
	static const char *const types[] = {
		"brr", "hoti", "coti", "hot", "cot", "bu", "ba", "be"
	};
	static uint8_t pool[MH_MAX_OPTS * 256];
	uint8_t pkt[IP6_HDR_LEN + RH2_LEN + HAO_DSTOPT_LEN + MH_MAX_LEN], *mh;
	struct mh_opt opts[MH_MAX_OPTS];
	struct mh_msg m;
	struct addrs ad;
	const struct in6_addr *src, *dst;
	const char *pcap = NULL;
	unsigned long v;
	size_t nopts = 0, used = 0, len, hdrs, hl, blen;
	int i = 1, ip = 0, t;
	uint8_t *nhp;
	enum mh_err e;

	memset(&ad, 0, sizeof(ad));
	memset(&m, 0, sizeof(m));
	if (parse_addr_flags(argc, argv, &i, &ad, NULL, &ip, &pcap) == -1 ||
	    i >= argc)
		return usage("build: bad arguments");
	if ((ip || pcap) && (!ad.has_src || !ad.has_dst))
		return usage("build: -i and -w need -s and -d");
	for (t = 0; t <= MH_TYPE_MAX; t++)
		if (strcasecmp(argv[i], types[t]) == 0)
			break;
	if (t > MH_TYPE_MAX)
		return usage("build: unknown type");
	m.type = (uint8_t)t;
	for (i++; i < argc; i++) {
		char key[32], *val = strchr(argv[i], '=');
		size_t kl = val ? (size_t)(val - argv[i]) : strlen(argv[i]);

		if (kl >= sizeof(key))
			return usage("build: bad key");
		memcpy(key, argv[i], kl);
		key[kl] = '\0';
		if (val)
			val++;
#define FIELD(name, max) (strcmp(key, name) == 0 && val && \
	num(val, max, &v) == 0)
		/* The union's members overlap: set the one of this type. */
		if (FIELD("seq", UINT16_MAX) && t == MH_TYPE_BU)
			m.u.bu.seq = (uint16_t)v;
		else if (FIELD("seq", UINT16_MAX) && t == MH_TYPE_BA)
			m.u.ba.seq = (uint16_t)v;
		else if (FIELD("flags", UINT16_MAX) && t == MH_TYPE_BU)
			m.u.bu.flags = (uint16_t)v;
		else if (FIELD("flags", UINT8_MAX) && t == MH_TYPE_BA)
			m.u.ba.flags = (uint8_t)v;
		else if (FIELD("lifetime", UINT16_MAX) && t == MH_TYPE_BU)
			m.u.bu.lifetime = (uint16_t)v;
		else if (FIELD("lifetime", UINT16_MAX) && t == MH_TYPE_BA)
			m.u.ba.lifetime = (uint16_t)v;
		else if (FIELD("status", UINT8_MAX) && t == MH_TYPE_BA)
			m.u.ba.status = (uint8_t)v;
		else if (FIELD("status", UINT8_MAX) && t == MH_TYPE_BE)
			m.u.be.status = (uint8_t)v;
		else if (FIELD("index", UINT16_MAX) &&
		    (t == MH_TYPE_HOT || t == MH_TYPE_COT))
			m.u.test.nonce_idx = (uint16_t)v;
		else if (strcmp(key, "cookie") == 0 && val &&
		    t >= MH_TYPE_HOTI && t <= MH_TYPE_COT) {
			uint8_t *c = (t == MH_TYPE_HOTI || t == MH_TYPE_COTI) ?
			    m.u.init.cookie : m.u.test.cookie;

			if (unhex(val, c, MIP6_COOKIE_LEN, &len) == -1 ||
			    len != MIP6_COOKIE_LEN)
				return usage("build: bad cookie");
		} else if (strcmp(key, "token") == 0 && val &&
		    (t == MH_TYPE_HOT || t == MH_TYPE_COT)) {
			if (unhex(val, m.u.test.token, MIP6_TOKEN_LEN, &len) ==
			    -1 || len != MIP6_TOKEN_LEN)
				return usage("build: bad token");
		} else if (strcmp(key, "hoa") == 0 && val && t == MH_TYPE_BE) {
			if (pton(val, &m.u.be.hoa) == -1)
				return usage("build: bad hoa");
		} else {
			if (nopts >= MH_MAX_OPTS ||
			    parse_opt_arg(key, val, &opts[nopts], pool,
			    &used) == -1)
				return usage("build: bad field or option");
			nopts++;
		}
#undef FIELD
	}
	/* Room in front of the MH for the IPv6 header, RH2 and HAO. */
	hdrs = IP6_HDR_LEN + (ad.has_rh2 ? RH2_LEN : 0) +
	    (ad.has_hao ? HAO_DSTOPT_LEN : 0);
	mh = pkt + hdrs;
	pseudo(&ad, &src, &dst);
	e = mh_build(&m, opts, nopts, src, dst, mh, MH_MAX_LEN, &len);
	if (e != MH_OK) {
		fprintf(stderr, "mhtool: build: %s\n", mh_err_str(e));
		return 1;
	}
	if (!ip && !pcap) {
		put_hex(mh, len);
		printf("\n");
		return 0;
	}
	memset(pkt, 0, IP6_HDR_LEN);
	pkt[0] = 6 << 4;
	pkt[4] = (uint8_t)((hdrs - IP6_HDR_LEN + len) >> 8);
	pkt[5] = (uint8_t)(hdrs - IP6_HDR_LEN + len);
	pkt[7] = IP6_HLIM;
	memcpy(pkt + 8, &ad.src, sizeof(ad.src));
	memcpy(pkt + 24, &ad.dst, sizeof(ad.dst));
	nhp = &pkt[6];
	hl = IP6_HDR_LEN;
	/* RFC 8200 4.1 order: routing header, then destination options. */
	if (ad.has_rh2) {
		*nhp = NH_ROUTING;
		mh_rh2_build(0, &ad.rh2, pkt + hl, RH2_LEN, &blen);
		nhp = &pkt[hl];
		hl += blen;
	}
	if (ad.has_hao) {
		*nhp = NH_DSTOPTS;
		mh_hao_build(0, &ad.hao, pkt + hl, HAO_DSTOPT_LEN, &blen);
		nhp = &pkt[hl];
		hl += blen;
	}
	*nhp = IPPROTO_MH;
	if (pcap)
		return write_pcap(pcap, pkt, hdrs + len);
	put_hex(pkt, hdrs + len);
	printf("\n");
	return 0;
}

/* Append one raw-IPv6 record, writing the file header if it is new. */
static int
write_pcap(const char *path, const uint8_t *pkt, size_t len)
{
	uint32_t gh[6] = { PCAP_MAGIC, 0, 0, 0, PCAP_SNAPLEN, DLT_RAW };
	uint16_t ver[2] = { PCAP_VMAJ, PCAP_VMIN };
	uint32_t rh[4];
	struct timespec ts;
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "ab")) == NULL) {
		fprintf(stderr, "mhtool: %s: %s\n", path, strerror(errno));
		return 2;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	rh[0] = (uint32_t)ts.tv_sec;
	rh[1] = (uint32_t)(ts.tv_nsec / 1000);
	rh[2] = rh[3] = (uint32_t)len;
	/* The version is two 16-bit fields, major then minor. */
	memcpy(&gh[1], ver, sizeof(ver));
	if ((ftell(f) == 0 && fwrite(gh, sizeof(gh), 1, f) != 1) ||
	    fwrite(rh, sizeof(rh), 1, f) != 1 ||
	    fwrite(pkt, len, 1, f) != 1)
		rc = 2;
	if (fclose(f) != 0)
		rc = 2;
	if (rc)
		fprintf(stderr, "mhtool: %s: write failed\n", path);
	return rc;
}

static int
cmd_token(int argc, char **argv)
{
	uint8_t kcn[MIP6_KCN_LEN], nonce[MIP6_NONCE_LEN], tok[MIP6_TOKEN_LEN];
	struct in6_addr a;
	size_t l1, l2;
	int which;

	if (argc != 5)
		return usage("token: bad arguments");
	which = strcmp(argv[4], "coa") == 0 ? RR_TOKEN_COA :
	    strcmp(argv[4], "home") == 0 ? RR_TOKEN_HOME : -1;
	if (unhex(argv[1], kcn, sizeof(kcn), &l1) == -1 ||
	    l1 != sizeof(kcn) || pton(argv[2], &a) == -1 ||
	    unhex(argv[3], nonce, sizeof(nonce), &l2) == -1 ||
	    l2 != sizeof(nonce) || which == -1)
		return usage("token: bad arguments");
	if (rr_keygen_token(kcn, &a, nonce, (uint8_t)which, tok) == -1)
		return 1;
	put_hex(tok, sizeof(tok));
	printf("\n");
	return 0;
}

static int
cmd_kbm(int argc, char **argv)
{
	uint8_t h[MIP6_TOKEN_LEN], c[MIP6_TOKEN_LEN], kbm[MIP6_KBM_LEN];
	size_t l;

	if (argc < 2 || argc > 3 ||
	    unhex(argv[1], h, sizeof(h), &l) == -1 || l != sizeof(h) ||
	    (argc == 3 && (unhex(argv[2], c, sizeof(c), &l) == -1 ||
	    l != sizeof(c))))
		return usage("kbm: bad arguments");
	if (rr_kbm(h, argc == 3 ? c : NULL, kbm) == -1)
		return 1;
	put_hex(kbm, sizeof(kbm));
	printf("\n");
	return 0;
}

static int
cmd_sign(int argc, char **argv)
{
	uint8_t kbm[MIP6_KBM_LEN], mh[MH_MAX_LEN];
	struct in6_addr coa, cn;
	struct addrs ad;
	const struct in6_addr *src, *dst;
	size_t l, len;
	int i = 1;

	memset(&ad, 0, sizeof(ad));
	if (parse_addr_flags(argc, argv, &i, &ad, NULL, NULL, NULL) == -1 ||
	    argc - i != 4 ||
	    unhex(argv[i], kbm, sizeof(kbm), &l) == -1 || l != sizeof(kbm) ||
	    pton(argv[i + 1], &coa) == -1 || pton(argv[i + 2], &cn) == -1 ||
	    unhex(argv[i + 3], mh, sizeof(mh), &len) == -1)
		return usage("sign: bad arguments");
	pseudo(&ad, &src, &dst);
	if (rr_mh_sign(kbm, &coa, &cn, mh, len, src, dst) == -1) {
		fprintf(stderr, "mhtool: sign: no Binding Authorization Data "
		    "option at the end\n");
		return 1;
	}
	put_hex(mh, len);
	printf("\n");
	return 0;
}

/* Many commands in one process: the codec tests run thousands of cases. */
static int
cmd_batch(int argc, char **argv)
{
	static char line[LINE_MAX_LEN];
	char *av[MAX_ARGS], *save, *tok;
	int ac, rc = 0;

	if (argc != 1)
		return usage("batch: no arguments");
	while (fgets(line, sizeof(line), stdin) != NULL) {
		ac = 0;
		for (tok = strtok_r(line, " \t\r\n", &save); tok && ac <
		    MAX_ARGS - 1; tok = strtok_r(NULL, " \t\r\n", &save))
			av[ac++] = tok;
		av[ac] = NULL;
		if (ac == 0)
			continue;
		if (strcmp(av[0], "batch") == 0)
			rc = usage("batch: not nested");
		else
			rc = dispatch(ac, av);
		/* One line out per line in, even for a usage error. */
		if (rc == 2)
			printf("{\"error\":\"usage\"}\n");
		fflush(stdout);
	}
	return 0;
}

static int
dispatch(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "decode", cmd_decode }, { "read", cmd_read },
		{ "build", cmd_build }, { "token", cmd_token },
		{ "kbm", cmd_kbm }, { "sign", cmd_sign },
		{ "batch", cmd_batch },
	};
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			return cmds[i].fn(argc, argv);
	return usage("unknown command");
}

int
main(int argc, char *argv[])
{
	if (argc < 2)
		return usage("no command");
	return dispatch(argc - 1, argv + 1);
}
