/* Logging: log_warn adds strerror(errno); fatal/fatalx exit 1. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int	 log_stderr = 1;
static int	 log_verbose = 1;
static char	 log_name[16] = "mip6";
/* log_hold: lines to stderr collected here, written at log_release. */
static int	 log_held;
static char	 log_hbuf[16384];
static size_t	 log_hlen;

static void
log_hwrite(void)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < log_hlen) {
		if ((n = write(STDERR_FILENO, log_hbuf + off,
		    log_hlen - off)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	log_hlen = 0;
}

void
log_hold(void)
{
	log_held++;
}

void
log_release(void)
{
	if (log_held > 0 && --log_held == 0 && log_hlen > 0)
		log_hwrite();
}

/* One line to stderr, or to the hold buffer while held. */
static void
log_line(const char *a, const char *b, const char *c)
{
	int	 n;

	if (log_held == 0) {
		if (c != NULL)
			fprintf(stderr, "%s: %s: %s\n", a, b, c);
		else
			fprintf(stderr, "%s: %s\n", a, b);
		fflush(stderr);
		return;
	}
	for (;;) {
		n = c != NULL ?
		    snprintf(log_hbuf + log_hlen, sizeof(log_hbuf) - log_hlen,
		    "%s: %s: %s\n", a, b, c) :
		    snprintf(log_hbuf + log_hlen, sizeof(log_hbuf) - log_hlen,
		    "%s: %s\n", a, b);
		if (n >= 0 && (size_t)n < sizeof(log_hbuf) - log_hlen) {
			log_hlen += (size_t)n;
			return;
		}
		if (log_hlen == 0)
			return;		/* cannot happen: lines are < 1 KiB */
		log_hwrite();
	}
}

void
log_init(int to_stderr, int verbose)
{
	log_stderr = to_stderr;
	log_verbose = verbose;
	if (!log_stderr)
		openlog("mip6", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

void
log_procinit(const char *name)
{
	if (name != NULL)
		snprintf(log_name, sizeof(log_name), "%s", name);
}

const char *
log_procname(void)
{
	return log_name;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 buf[1024];
	int	 saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_stderr)
		log_line(log_name, buf, NULL);
	else
		syslog(pri, "%s: %s", log_name, buf);
	errno = saved;
}

static void
vlog_errno(int pri, const char *fmt, va_list ap)
{
	char	 buf[1024];
	int	 saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_stderr)
		log_line(log_name, buf, strerror(saved));
	else
		syslog(pri, "%s: %s: %s", log_name, buf, strerror(saved));
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_held = 0;
	if (log_hlen > 0)
		log_hwrite();
	vlog_errno(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_held = 0;
	if (log_hlen > 0)
		log_hwrite();
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
