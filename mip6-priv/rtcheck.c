/*
 * Reverse-tunnel check: a BPF hash set of (care-of, home) pairs and the
 * classifier that looks packets up in it (see rtcheck.h for why BPF).
 * The program is assembled here, twenty-odd instructions, so the build
 * needs neither clang's BPF target nor libbpf.
 */
#include <net/if.h>
#include <sys/syscall.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "log.h"
#include "kernel.h"
#include "rtcheck.h"

struct rtcheck_key {
	struct in6_addr	 coa;		/* outer source */
	struct in6_addr	 hoa;		/* inner source */
};

/* Offsets in the program's stack frame (negative from r10). */
#define TK_SIZE		offsetof(struct bpf_tunnel_key, tunnel_label)
#define FP_TK		(-24)		/* struct bpf_tunnel_key, compat size */
#define FP_KEY		(-56)		/* struct rtcheck_key */
#define IP6_SRC_OFF	8		/* source address in the IPv6 header */
#define BPF_LOG_SIZE	65536
#define ENOTSUPP_	524		/* the kernel's ENOTSUPP, not in libc */
/* Removals waiting for one BPF_MAP_DELETE_BATCH (rtcheck_flush). */
#define RTCHECK_DEL_BATCH	256

static int		 rtcheck_map = -1;
static int		 rtcheck_prog = -1;
static unsigned int	 rtcheck_ifindex;
static struct rtcheck_key rtcheck_dq[RTCHECK_DEL_BATCH];
static uint32_t		 rtcheck_ndq;
static int		 rtcheck_nobatch;	/* the kernel has no batch ops */

static int	 rtcheck_load(int map, char *log, size_t loglen);

static long
sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

#define INSN(c, d, s, o, i)	((struct bpf_insn){ .code = (c), \
	.dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_REG(d, s)		INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i)		INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ADD64_IMM(d, i)		INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX_W(d, s, o)		INSN(BPF_LDX | BPF_W | BPF_MEM, d, s, o, 0)
#define STX_W(d, s, o)		INSN(BPF_STX | BPF_W | BPF_MEM, d, s, o, 0)
#define JNE_IMM(d, i, o)	INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JEQ_IMM(d, i, o)	INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define CALL(f)			INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP_FD(d, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, \
	BPF_PSEUDO_MAP_FD, 0, fd), INSN(0, 0, 0, 0, 0)

static int
rtcheck_load(int map, char *log, size_t loglen)
{
	/* Jump offsets count instructions after the jump; DROP is the end. */
	struct bpf_insn	 p[] = {
		/* 0 */ MOV64_REG(BPF_REG_6, BPF_REG_1),
		/* 1 */ LDX_W(BPF_REG_1, BPF_REG_6,
			    offsetof(struct __sk_buff, protocol)),
		/* 2 */ JNE_IMM(BPF_REG_1, 0, 0),	/* patched: IPv6 only */
		/* tunnel metadata: the outer source */
		/* 3 */ MOV64_REG(BPF_REG_1, BPF_REG_6),
		/* 4 */ MOV64_REG(BPF_REG_2, BPF_REG_10),
		/* 5 */ ADD64_IMM(BPF_REG_2, FP_TK),
		/* 6 */ MOV64_IMM(BPF_REG_3, TK_SIZE),
		/* 7 */ MOV64_IMM(BPF_REG_4, BPF_F_TUNINFO_IPV6),
		/* 8 */ CALL(BPF_FUNC_skb_get_tunnel_key),
		/* 9 */ JNE_IMM(BPF_REG_0, 0, 0),	/* patched */
		/* 10..17: key.coa = tk.remote_ipv6 */
		LDX_W(BPF_REG_1, BPF_REG_10, FP_TK + 4),
		STX_W(BPF_REG_10, BPF_REG_1, FP_KEY),
		LDX_W(BPF_REG_1, BPF_REG_10, FP_TK + 8),
		STX_W(BPF_REG_10, BPF_REG_1, FP_KEY + 4),
		LDX_W(BPF_REG_1, BPF_REG_10, FP_TK + 12),
		STX_W(BPF_REG_10, BPF_REG_1, FP_KEY + 8),
		LDX_W(BPF_REG_1, BPF_REG_10, FP_TK + 16),
		STX_W(BPF_REG_10, BPF_REG_1, FP_KEY + 12),
		/* 18..23: key.hoa = inner source */
		MOV64_REG(BPF_REG_1, BPF_REG_6),
		MOV64_IMM(BPF_REG_2, IP6_SRC_OFF),
		MOV64_REG(BPF_REG_3, BPF_REG_10),
		ADD64_IMM(BPF_REG_3, FP_KEY + 16),
		MOV64_IMM(BPF_REG_4, 16),
		CALL(BPF_FUNC_skb_load_bytes),
		/* 24 */ JNE_IMM(BPF_REG_0, 0, 0),	/* patched */
		/* 25 */ LD_MAP_FD(BPF_REG_1, map),
		/* 27 */ MOV64_REG(BPF_REG_2, BPF_REG_10),
		/* 28 */ ADD64_IMM(BPF_REG_2, FP_KEY),
		/* 29 */ CALL(BPF_FUNC_map_lookup_elem),
		/* 30 */ JEQ_IMM(BPF_REG_0, 0, 0),	/* patched */
		/* 31 */ MOV64_IMM(BPF_REG_0, TC_ACT_OK),
		/* 32 */ EXIT(),
		/* 33: drop */ MOV64_IMM(BPF_REG_0, TC_ACT_SHOT),
		/* 34 */ EXIT(),
	};
	const int	 drop = (int)(sizeof(p) / sizeof(p[0])) - 2;
	const int	 jumps[] = { 2, 9, 24, 30 };
	union bpf_attr	 a;
	size_t		 i;

	p[2].imm = htons(ETH_P_IPV6);
	for (i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++)
		p[jumps[i]].off = (int16_t)(drop - jumps[i] - 1);

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	a.insns = (uint64_t)(uintptr_t)p;
	a.insn_cnt = sizeof(p) / sizeof(p[0]);
	a.license = (uint64_t)(uintptr_t)"Dual BSD/GPL";
	if (log != NULL) {
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = (uint32_t)loglen;
		a.log_level = 1;
	}
	strncpy(a.prog_name, RTCHECK_NAME, sizeof(a.prog_name) - 1);
	return (int)sys_bpf(BPF_PROG_LOAD, &a);
}

static int
rtcheck_map_create(uint32_t max)
{
	union bpf_attr	 a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_HASH;
	a.key_size = sizeof(struct rtcheck_key);
	a.value_size = 1;
	a.max_entries = max;
	/*
	 * Preallocated (about 100 bytes an entry): an update never fails for
	 * memory, which the on-demand variant may under pressure (GFP_NOWAIT).
	 */
	a.map_flags = 0;
	strncpy(a.map_name, RTCHECK_NAME, sizeof(a.map_name) - 1);
	return (int)sys_bpf(BPF_MAP_CREATE, &a);
}

static int
rtcheck_tc(int type, int flags, unsigned int ifindex, int filter, int fd)
{
	struct tcmsg	 tcm;
	struct nl_msg	*msg;
	struct nlattr	*opt;
	int		 ok;

	memset(&tcm, 0, sizeof(tcm));
	tcm.tcm_family = AF_UNSPEC;
	tcm.tcm_ifindex = (int)ifindex;
	if (filter) {
		tcm.tcm_parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS);
		tcm.tcm_info = TC_H_MAKE((uint32_t)RTCHECK_PRIO << 16,
		    htons(ETH_P_ALL));
	} else {
		tcm.tcm_parent = TC_H_CLSACT;
		tcm.tcm_handle = TC_H_MAKE(TC_H_CLSACT, 0);
	}
	if ((msg = nlmsg_alloc_simple(type, flags)) == NULL)
		return ENOMEM;
	ok = nlmsg_append(msg, &tcm, sizeof(tcm), NLMSG_ALIGNTO) == 0 &&
	    nla_put_string(msg, TCA_KIND, filter ? "bpf" : "clsact") == 0;
	if (ok && filter && fd != -1)
		ok = (opt = nla_nest_start(msg, TCA_OPTIONS)) != NULL &&
		    nla_put_u32(msg, TCA_BPF_FD, (uint32_t)fd) == 0 &&
		    nla_put_string(msg, TCA_BPF_NAME, RTCHECK_NAME) == 0 &&
		    nla_put_u32(msg, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT) == 0 &&
		    nla_nest_end(msg, opt) == 0;
	if (!ok) {
		nlmsg_free(msg);
		return ENOMEM;
	}
	return kr_nl_sync(NETLINK_ROUTE, msg);
}

int
rtcheck_attach(unsigned int ifindex, uint32_t max)
{
	char	*log;
	int	 err;

	rtcheck_detach();
	if ((rtcheck_map = rtcheck_map_create(max)) == -1)
		return -1;
	if ((rtcheck_prog = rtcheck_load(rtcheck_map, NULL, 0)) == -1) {
		err = errno;
		/* Load again with the verifier's log, for the reason. */
		if ((log = calloc(1, BPF_LOG_SIZE)) != NULL) {
			(void)rtcheck_load(rtcheck_map, log, BPF_LOG_SIZE);
			log_warnx("%s: verifier: %s", __func__, log);
			free(log);
		}
		rtcheck_detach();
		errno = err;
		return -1;
	}
	/* The qdisc may be there from an adopted run; the filter replaces. */
	err = rtcheck_tc(RTM_NEWQDISC, NLM_F_CREATE, ifindex, 0, -1);
	if (err == 0 || err == EEXIST)
		err = rtcheck_tc(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_REPLACE,
		    ifindex, 1, rtcheck_prog);
	if (err != 0) {
		rtcheck_detach();
		errno = err;
		return -1;
	}
	rtcheck_ifindex = ifindex;
	return 0;
}

void
rtcheck_detach(void)
{
	rtcheck_flush();
	if (rtcheck_ifindex != 0)
		(void)rtcheck_tc(RTM_DELQDISC, 0, rtcheck_ifindex, 0, -1);
	rtcheck_ifindex = 0;
	if (rtcheck_prog != -1)
		close(rtcheck_prog);
	if (rtcheck_map != -1)
		close(rtcheck_map);
	rtcheck_prog = rtcheck_map = -1;
}

static int
rtcheck_elem(int cmd, const struct in6_addr *coa, const struct in6_addr *hoa)
{
	struct rtcheck_key	 k;
	union bpf_attr		 a;
	uint8_t			 v = 1;

	if (rtcheck_map == -1) {
		errno = ENODEV;
		return -1;
	}
	memset(&k, 0, sizeof(k));
	k.coa = *coa;
	k.hoa = *hoa;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)rtcheck_map;
	a.key = (uint64_t)(uintptr_t)&k;
	if (cmd == BPF_MAP_UPDATE_ELEM) {
		a.value = (uint64_t)(uintptr_t)&v;
		a.flags = BPF_ANY;
	}
	return sys_bpf(cmd, &a) == -1 ? -1 : 0;
}

int
rtcheck_add(const struct in6_addr *coa, const struct in6_addr *hoa)
{
	/* A removal of the same pair still waiting must not follow it. */
	rtcheck_flush();
	return rtcheck_elem(BPF_MAP_UPDATE_ELEM, coa, hoa);
}

/*
 * Removals are collected and go to the kernel in one bpf() call each
 * RTCHECK_DEL_BATCH pairs or at rtcheck_flush (kr_flush, before the
 * netlink answers are read: before the reply that the binding is gone).
 * One system call a binding was a good part of a mass deregistration's
 * cost under user-mode Linux.
 */
int
rtcheck_del(const struct in6_addr *coa, const struct in6_addr *hoa)
{
	struct rtcheck_key	*k;

	if (rtcheck_map == -1) {
		errno = ENODEV;
		return -1;
	}
	k = &rtcheck_dq[rtcheck_ndq++];
	memset(k, 0, sizeof(*k));
	k->coa = *coa;
	k->hoa = *hoa;
	if (rtcheck_ndq == RTCHECK_DEL_BATCH)
		rtcheck_flush();
	return 0;
}

void
rtcheck_flush(void)
{
	union bpf_attr	 a;
	uint32_t	 i = 0;

	if (rtcheck_map == -1)
		rtcheck_ndq = 0;
	while (i < rtcheck_ndq) {
		if (!rtcheck_nobatch) {
			memset(&a, 0, sizeof(a));
			a.batch.map_fd = (uint32_t)rtcheck_map;
			a.batch.keys = (uint64_t)(uintptr_t)&rtcheck_dq[i];
			a.batch.count = rtcheck_ndq - i;
			if (sys_bpf(BPF_MAP_DELETE_BATCH, &a) == 0) {
				i = rtcheck_ndq;
				break;
			}
			/* The kernel stops at a key it cannot delete (one
			 * gone already): count is how many went before it. */
			if (errno == EINVAL || errno == ENOTSUPP_ ||
			    errno == EOPNOTSUPP || errno == ENOSYS) {
				rtcheck_nobatch = 1;
				continue;
			}
			i += a.batch.count + 1;
			continue;
		}
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)rtcheck_map;
		a.key = (uint64_t)(uintptr_t)&rtcheck_dq[i++];
		(void)sys_bpf(BPF_MAP_DELETE_ELEM, &a);
	}
	rtcheck_ndq = 0;
}

void
rtcheck_walk(void (*fn)(const struct in6_addr *, const struct in6_addr *,
    void *), void *arg)
{
	struct rtcheck_key	 k, next;
	union bpf_attr		 a;
	int			 first = 1;

	if (rtcheck_map == -1)
		return;
	rtcheck_flush();
	for (;;) {
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)rtcheck_map;
		a.key = first ? 0 : (uint64_t)(uintptr_t)&k;
		a.next_key = (uint64_t)(uintptr_t)&next;
		if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &a) == -1)
			return;
		fn(&next.coa, &next.hoa, arg);
		k = next;
		first = 0;
	}
}

static void
rtcheck_count1(const struct in6_addr *coa, const struct in6_addr *hoa,
    void *arg)
{
	(*(size_t *)arg)++;
}

size_t
rtcheck_count(void)
{
	size_t	 n = 0;

	rtcheck_walk(rtcheck_count1, &n);
	return n;
}

int
rtcheck_probe(void)
{
	int	 map, prog, err = 0;

	if ((map = rtcheck_map_create(1)) == -1)
		return errno;
	if ((prog = rtcheck_load(map, NULL, 0)) == -1)
		err = errno;
	else
		close(prog);
	close(map);
	return err;
}
