/*
 * What every unit test program shares: CHECK(cond) reports a failed
 * condition with its file and line and marks the running case failed;
 * check_run() runs the cases; A("2001:db8::1") is an address literal.
 *
 *   prog            every case, "ok NAME" or "FAIL NAME" each
 *   prog -l         list the case names
 *   prog NAME       that case only (exit 2 when there is none)
 *
 * Exit status 1 when a case failed.  Header-only: each test is one
 * program.
 */
#ifndef MIP6_TEST_CHECK_H
#define MIP6_TEST_CHECK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;

#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #c);				\
		failed = 1;						\
	}								\
} while (0)

/* An IPv6 address from a literal the test wrote (abort on a typo). */
static inline struct in6_addr
A(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		abort();
	return a;
}

struct check_case {
	const char	*name;
	void		(*fn)(void);
};

#define CHECK_RUN(cases, argc, argv)					\
	check_run((cases), sizeof(cases) / sizeof((cases)[0]), (argc), (argv))

static inline int
check_run(const struct check_case *cases, size_t n, int argc, char *argv[])
{
	size_t	 i;
	int	 ran = 0, rc = 0;

	for (i = 0; i < n; i++) {
		if (argc > 1 && strcmp(argv[1], "-l") == 0) {
			printf("%s\n", cases[i].name);
			continue;
		}
		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		failed = 0;
		cases[i].fn();
		printf("%s %s\n", failed ? "FAIL" : "ok", cases[i].name);
		if (failed)
			rc = 1;
		ran++;
	}
	if (argc > 1 && strcmp(argv[1], "-l") != 0 && ran == 0) {
		fprintf(stderr, "no such case: %s\n", argv[1]);
		return 2;
	}
	return rc;
}

#endif
