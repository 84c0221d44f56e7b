/*
 * common/log: log_hold .. log_release keeps every line, in order, and
 * writes them at the release (or when 16 KiB are held); fatal writes what
 * is held first.  stderr is a pipe here, read back after each step.
 */
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "log.h"

static int	 rd = -1, saved = -1;
static char	 out[128 * 1024];

static void
capture(void)
{
	int	 p[2];

	if (pipe2(p, O_NONBLOCK) == -1)
		abort();
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	rd = p[0];
	log_init(1, 1);
	log_procinit("test");
}

/* What reached stderr since the last call (NUL-terminated in out). */
static size_t
drain(void)
{
	size_t	 len = 0;
	ssize_t	 n;

	while ((n = read(rd, out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	return len;
}

static void
restore(void)
{
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(rd);
}

static void
a_line_goes_out_at_once_without_hold(void)
{
	size_t	 n;

	capture();
	log_warnx("one");
	n = drain();
	restore();
	CHECK(n == strlen("test: one\n"));
	CHECK(strcmp(out, "test: one\n") == 0);
}

static void
held_lines_wait_for_the_release_in_order(void)
{
	size_t	 n0, n1;

	capture();
	log_hold();
	log_info("a %d", 1);
	log_warnx("b");
	errno = ENOENT;
	log_warn("c");
	log_debug("not at verbosity 1");
	n0 = drain();
	log_release();
	n1 = drain();
	restore();
	CHECK(n0 == 0);
	CHECK(n1 > 0);
	CHECK(strcmp(out, "test: a 1\ntest: b\ntest: c: No such file or "
	    "directory\n") == 0);
}

static void
holds_nest(void)
{
	size_t	 n0, n1;

	capture();
	log_hold();
	log_hold();
	log_info("x");
	log_release();
	n0 = drain();
	log_release();
	n1 = drain();
	log_release();			/* one too many: harmless */
	log_info("y");
	drain();
	restore();
	CHECK(n0 == 0);
	CHECK(n1 == strlen("test: x\n"));
	CHECK(strcmp(out, "test: y\n") == 0);
}

static void
a_full_buffer_is_written_and_nothing_is_lost(void)
{
	char	 line[101], want[128], *p;
	size_t	 n0, n1, total;
	int	 i, ok = 1;

	memset(line, 'z', 100);
	line[100] = '\0';
	capture();
	log_hold();
	/* 400 lines of 111 octets: 44,400 octets, the buffer is 16 KiB */
	for (i = 0; i < 400; i++)
		log_info("%03d %s", i, line);
	n0 = drain();
	total = n0;
	log_release();
	n1 = drain();
	total += n1;
	restore();
	CHECK(n0 >= 16384 - 200);	/* written when full, before the release */
	CHECK(n0 < 400 * 111);
	CHECK(total == 400 * 111);
	/* out holds the part after the first writes; its lines in order */
	p = strstr(out, "test: 399 ");
	CHECK(p != NULL && p[111 - 1] == '\n' && p[111] == '\0');
	CHECK(n1 % 111 == 0);
	snprintf(want, sizeof(want), "test: %03d ", 400 - (int)(n1 / 111));
	if (strncmp(out, want, strlen(want)) != 0)
		ok = 0;
	CHECK(ok);
}

static void
fatal_writes_what_is_held_first(void)
{
	pid_t	 pid;
	int	 status = 0;
	size_t	 n;

	capture();
	fflush(stdout);
	if ((pid = fork()) == 0) {
		log_hold();
		log_info("held");
		fatalx("dead");
	}
	waitpid(pid, &status, 0);
	n = drain();
	restore();
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK(n > 0);
	CHECK(strcmp(out, "test: held\ntest: dead\n") == 0);
}

static const struct check_case cases[] = {
	{ "a_line_goes_out_at_once_without_hold",
	    a_line_goes_out_at_once_without_hold },
	{ "held_lines_wait_for_the_release_in_order",
	    held_lines_wait_for_the_release_in_order },
	{ "holds_nest", holds_nest },
	{ "a_full_buffer_is_written_and_nothing_is_lost",
	    a_full_buffer_is_written_and_nothing_is_lost },
	{ "fatal_writes_what_is_held_first", fatal_writes_what_is_held_first },
};

int
main(int argc, char *argv[])
{
	return CHECK_RUN(cases, argc, argv);
}
