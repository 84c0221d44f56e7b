/* Logging shared by every process: stderr with -d, syslog otherwise. */
#ifndef MIP6_LOG_H
#define MIP6_LOG_H

#include <stdarg.h>

#define LOG_TO_STDERR	1
#define LOG_TO_SYSLOG	0

/* Verbosity: 0 warnings, 1 info (default), 2 debug. */
void	log_init(int to_stderr, int verbose);
void	log_setverbose(int verbose);
int	log_getverbose(void);
/* Name printed in front of every line: "priv", "ha", "mn", "sig". */
void	log_procinit(const char *name);
/*
 * log_hold .. log_release: lines to stderr in between go out in as few
 * writes as fit 16 KiB, at the release (a burst of thousands of bindings
 * logged one write(2) a line was a good part of its cost under user-mode
 * Linux).  Nests; fatal writes what is held first.  Syslog is unchanged.
 */
void	log_hold(void);
void	log_release(void);
const char *log_procname(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vlog(int pri, const char *, va_list) __attribute__((format(printf, 2, 0)));
__attribute__((noreturn)) void fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
