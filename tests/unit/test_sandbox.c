/*
 * Sandbox of the role processes (common/sandbox.c), run as root:
 *	test_sandbox CHROOT USER CASE
 * CASE is one of:
 *	allowed    what a role does (write, getpid, clock) still works,
 *	           and file opens fail with EACCES instead of killing
 *	forbidden  a forbidden system call (mkdirat) ends the process
 *	           with SANDBOX_SECCOMP_EXIT after logging its number
 *	kill       signalling another process is refused
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

int
main(int argc, char *argv[])
{
	struct timespec	 ts;
	int		 fd;

	if (argc != 4) {
		fprintf(stderr, "usage: test_sandbox chroot user case\n");
		return 2;
	}
	log_init(LOG_TO_STDERR, 2);
	log_procinit("test");
	sandbox_enter(argv[1], argv[2]);

	if (strcmp(argv[3], "allowed") == 0) {
		if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1 || getpid() <= 0)
			return 1;
		fd = open("/etc/passwd", O_RDONLY);
		printf("open: %s\n", fd == -1 ? strerror(errno) : "opened");
		if (fd != -1 || errno != EACCES)
			return 1;
		printf("uid %u euid %u\n", (unsigned)getuid(),
		    (unsigned)geteuid());
		printf("ok allowed\n");
		return 0;
	}
	if (strcmp(argv[3], "forbidden") == 0) {
		printf("calling mkdirat (%d)\n", SYS_mkdirat);
		fflush(stdout);
		syscall(SYS_mkdirat, AT_FDCWD, "/x", 0755);
		printf("still alive\n");
		return 0;
	}
	if (strcmp(argv[3], "kill") == 0) {
		printf("calling kill (%d)\n", SYS_kill);
		fflush(stdout);
		kill(1, 0);
		printf("still alive\n");
		return 0;
	}
	return 2;
}
