/* Privilege reduction: see sandbox.h. */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN	1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN	1
#endif
#ifdef SANDBOX_ASAN
#include <sanitizer/lsan_interface.h>
#endif

#if defined(__x86_64__)
#define SANDBOX_AUDIT_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SANDBOX_AUDIT_ARCH	AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define SANDBOX_AUDIT_ARCH	AUDIT_ARCH_I386
#else
#error "seccomp filter: add this architecture's AUDIT_ARCH"
#endif

/* Highest capability number we try to drop from the bounding set. */
#define SANDBOX_CAP_MAX		63
#define CAPMASK(c)		(UINT64_C(1) << (c))

/* Room for the generated filter: two instructions per system call. */
#define SANDBOX_FILTER_MAX	256

static int	 sandbox_caps_set(uint64_t eff, uint64_t perm, uint64_t inh);
static int	 sandbox_caps_get(uint64_t *eff, uint64_t *perm, uint64_t *inh);
static void	 sandbox_bounding_keep(uint64_t keep);
static void	 sandbox_seccomp(void);
static void	 sandbox_sigsys(int, siginfo_t *, void *);

/* System calls the roles need: libevent, imsg, logging, malloc, ASan. */
static const int sandbox_allow[] = {
	SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_close,
	SYS_fstat, SYS_newfstatat, SYS_lseek, SYS_fcntl, SYS_dup,
	SYS_mmap, SYS_munmap, SYS_mprotect, SYS_mremap, SYS_madvise, SYS_brk,
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn,
	SYS_sigaltstack,
	SYS_getpid, SYS_gettid, SYS_getppid, SYS_getuid, SYS_geteuid,
	SYS_getgid, SYS_getegid,
	SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday,
	SYS_nanosleep, SYS_clock_nanosleep, SYS_sched_yield, SYS_futex,
	SYS_getrandom, SYS_prlimit64, SYS_uname,
	SYS_exit, SYS_exit_group, SYS_restart_syscall,
	SYS_epoll_ctl, SYS_epoll_pwait, SYS_ppoll, SYS_pselect6,
	SYS_recvfrom, SYS_recvmsg, SYS_sendto, SYS_sendmsg, SYS_recvmmsg,
	SYS_sendmmsg, SYS_accept4, SYS_shutdown, SYS_getsockopt,
	SYS_setsockopt, SYS_getsockname, SYS_getpeername,
#ifdef SYS_epoll_wait
	SYS_epoll_wait,
#endif
#ifdef SYS_poll
	SYS_poll,
#endif
#ifdef SYS_select
	SYS_select,
#endif
#ifdef SYS_accept
	SYS_accept,
#endif
#ifdef SYS_time
	SYS_time,
#endif
};

/*
 * System calls that fail with EACCES instead of killing: glibc's syslog
 * reconnect and ASan's error reports try them, and a failure is harmless
 * inside the empty chroot.
 */
static const int sandbox_deny_errno[] = {
	SYS_openat, SYS_socket, SYS_connect, SYS_readlinkat, SYS_statx,
#ifdef SYS_open
	SYS_open,
#endif
#ifdef SYS_readlink
	SYS_readlink,
#endif
};

int
sandbox_prepare_chroot(const char *dir, char *err, size_t errlen)
{
	char		 path[PATH_MAX];
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		*p;

	if (dir[0] != '/') {
		snprintf(err, errlen, "chroot %s: not an absolute path", dir);
		return -1;
	}
	if (strlen(dir) >= sizeof(path)) {
		snprintf(err, errlen, "chroot %s: path too long", dir);
		return -1;
	}
	strcpy(path, dir);
	/* mkdir -p, each missing component root:root 0755 */
	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "chroot %s: mkdir %s: %s", dir,
			    path, strerror(errno));
			return -1;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	if (stat(dir, &st) == -1) {
		snprintf(err, errlen, "chroot %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "chroot %s: not a directory", dir);
		return -1;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "chroot %s: must be owned by root and "
		    "writable by nobody else", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "chroot %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(err, errlen, "chroot %s: not empty (holds %s)", dir,
		    de->d_name);
		closedir(d);
		return -1;
	}
	closedir(d);
	return 0;
}

int
sandbox_lookup_user(const char *user, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s does not exist (create it: "
		    "systemd-sysusers, see mip6-priv(8))", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user %s is root: the roles must run "
		    "unprivileged", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int
sandbox_caps_get(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[_LINUX_CAPABILITY_U32S_3];

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &hdr, data) == -1)
		return -1;
	*eff = data[0].effective | (uint64_t)data[1].effective << 32;
	*perm = data[0].permitted | (uint64_t)data[1].permitted << 32;
	*inh = data[0].inheritable | (uint64_t)data[1].inheritable << 32;
	return 0;
}

static int
sandbox_caps_set(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct __user_cap_header_struct	 hdr;
	struct __user_cap_data_struct	 data[_LINUX_CAPABILITY_U32S_3];

	memset(&hdr, 0, sizeof(hdr));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	data[0].effective = (uint32_t)eff;
	data[1].effective = (uint32_t)(eff >> 32);
	data[0].permitted = (uint32_t)perm;
	data[1].permitted = (uint32_t)(perm >> 32);
	data[0].inheritable = (uint32_t)inh;
	data[1].inheritable = (uint32_t)(inh >> 32);
	return (int)syscall(SYS_capset, &hdr, data);
}

uint64_t
sandbox_cap_effective(void)
{
	uint64_t	 eff, perm, inh;

	if (sandbox_caps_get(&eff, &perm, &inh) == -1)
		return 0;
	return eff;
}

/* Drop every capability not in keep from the bounding set (needs SETPCAP). */
static void
sandbox_bounding_keep(uint64_t keep)
{
	int	 cap;

	for (cap = 0; cap <= SANDBOX_CAP_MAX; cap++) {
		if (keep & CAPMASK(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1) {
			if (errno == EINVAL)	/* beyond cap_last_cap */
				break;
			fatal("%s: drop capability %d from the bounding set",
			    __func__, cap);
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		fatal("%s: clear ambient capabilities", __func__);
}

void
sandbox_priv_caps(void)
{
	/* BPF: the reverse-tunnel check's map (mip6-priv/rtcheck.c). */
	const uint64_t	 keep = CAPMASK(CAP_NET_ADMIN) | CAPMASK(CAP_NET_RAW) |
	    CAPMASK(CAP_BPF);

	/*
	 * The bounding set also keeps what a freshly exec'd role needs to
	 * lock itself in: SYS_CHROOT, SETUID, SETGID, and SETPCAP to empty
	 * its own bounding set.  A role is exec'd as uid 0 and so starts
	 * with the bounding set as its permitted set; the parent itself
	 * never holds these (not permitted, not effective).
	 */
	sandbox_bounding_keep(keep | CAPMASK(CAP_SYS_CHROOT) |
	    CAPMASK(CAP_SETUID) | CAPMASK(CAP_SETGID) | CAPMASK(CAP_SETPCAP));
	if (sandbox_caps_set(keep, keep, 0) == -1)
		fatal("%s: capset", __func__);
}

static void
sandbox_sigsys(int sig, siginfo_t *si, void *ctx)
{
	char		 buf[160], num[16];
	const char	*name = log_procname();
	size_t		 len = 0, n;
	int		 nr = si->si_syscall, i = 0;

	/* Async-signal-safe: format by hand, one write(2), _exit(2). */
	if (nr < 0)
		nr = 0;
	do {
		num[i++] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr > 0 && i < (int)sizeof(num));
#define SANDBOX_PUT(s, l) do {						\
	n = (l);							\
	if (len + n < sizeof(buf)) {					\
		memcpy(buf + len, (s), n);				\
		len += n;						\
	}								\
} while (0)
	SANDBOX_PUT(name, strlen(name));
	SANDBOX_PUT(": seccomp: system call ", 23);
	while (i > 0) {
		i--;
		SANDBOX_PUT(&num[i], 1);
	}
	SANDBOX_PUT(" is not allowed (see ausyscall), exiting\n", 41);
#undef SANDBOX_PUT
	(void)!write(STDERR_FILENO, buf, len);
	_exit(SANDBOX_SECCOMP_EXIT);
}


static void
sandbox_seccomp(void)
{
	struct sock_filter	 f[SANDBOX_FILTER_MAX];
	struct sock_fprog	 prog;
	struct sigaction	 sa;
	size_t			 n = 0, i;
	uint32_t		 pid = (uint32_t)getpid();

#define EMIT(insn) do {							\
	if (n >= SANDBOX_FILTER_MAX)					\
		fatalx("%s: filter too long", __func__);		\
	f[n++] = (struct sock_filter)insn;				\
} while (0)
	/* Wrong architecture: the numbers below mean something else. */
	EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch)));
	EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SANDBOX_AUDIT_ARCH, 1, 0));
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr)));
#ifdef __x86_64__
	/* x32 system calls share the arch value: refuse them outright. */
	EMIT(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#endif
	for (i = 0; i < sizeof(sandbox_allow) / sizeof(sandbox_allow[0]); i++) {
		EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)sandbox_allow[i], 0, 1));
		EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	}
	for (i = 0; i < sizeof(sandbox_deny_errno) /
	    sizeof(sandbox_deny_errno[0]); i++) {
		EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    (uint32_t)sandbox_deny_errno[i], 0, 1));
		EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES));
	}
	/* ioctl: only FIONREAD (libevent); anything else is "not a tty". */
	EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, 4));
	EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, args[1])));
	EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FIONREAD, 0, 1));
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOTTY));
	/* tgkill/kill: only to ourselves (abort, sanitizer reports). */
	EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_tgkill, 1, 0));
	EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_kill, 0, 4));
	EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, args[0])));
	EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, pid, 0, 1));
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
	/* Everything else: SIGSYS, which sandbox_sigsys logs. */
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
#undef EMIT

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		fatal("%s: sigaction SIGSYS", __func__);

	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == -1)
		fatal("%s: install the seccomp filter", __func__);
}

void
sandbox_enter(const char *chroot_dir, const char *user)
{
	char		 err[512];
	uint64_t	 eff, perm, inh;
	uid_t		 uid;
	gid_t		 gid;

	if (sandbox_lookup_user(user, &uid, &gid, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (sandbox_prepare_chroot(chroot_dir, err, sizeof(err)) == -1)
		fatalx("%s", err);
#ifdef SANDBOX_ASAN
	/*
	 * LeakSanitizer's exit-time check needs /proc and ptrace, out of
	 * reach once sandboxed; run it now, which also turns the exit-time
	 * check off.
	 */
	__lsan_do_leak_check();
#endif
	if (chroot(chroot_dir) == -1)
		fatal("%s: chroot %s", __func__, chroot_dir);
	if (chdir("/") == -1)
		fatal("%s: chdir /", __func__);
	sandbox_bounding_keep(0);
	if (setgroups(1, &gid) == -1)
		fatal("%s: setgroups", __func__);
	if (setresgid(gid, gid, gid) == -1)
		fatal("%s: setresgid %u", __func__, (unsigned)gid);
	if (setresuid(uid, uid, uid) == -1)
		fatal("%s: setresuid %u", __func__, (unsigned)uid);
	/* The uid change cleared them already; make sure, inheritable too. */
	if (sandbox_caps_set(0, 0, 0) == -1)
		fatal("%s: capset", __func__);
	if (sandbox_caps_get(&eff, &perm, &inh) == -1 ||
	    eff != 0 || perm != 0 || inh != 0)
		fatalx("%s: capabilities still held", __func__);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("%s: PR_SET_NO_NEW_PRIVS", __func__);
	sandbox_seccomp();
	log_debug("sandbox: chroot %s, user %s (%u:%u), no capabilities, "
	    "seccomp on", chroot_dir, user, (unsigned)uid, (unsigned)gid);
}
