/*
 * test_ctlout: JSON string escaping shared by the roles' control answers
 * and mip6ctl.
 */
#include <stdio.h>
#include <string.h>

#include "ctlout.h"
#include "check.h"

static void
escapes_quotes_backslashes_and_controls(void)
{
	char	 b[64];

	CHECK(json_escape(b, sizeof(b), "plain") == 7);
	CHECK(strcmp(b, "\"plain\"") == 0);
	CHECK(json_escape(b, sizeof(b), "") == 2);
	CHECK(strcmp(b, "\"\"") == 0);
	json_escape(b, sizeof(b), "a\"b\\c");
	CHECK(strcmp(b, "\"a\\\"b\\\\c\"") == 0);
	json_escape(b, sizeof(b), "tab\there\n");
	CHECK(strcmp(b, "\"tab\\u0009here\\u000a\"") == 0);
	json_escape(b, sizeof(b), "\x1f");
	CHECK(strcmp(b, "\"\\u001f\"") == 0);
}

static void
short_buffer_is_terminated_and_sized(void)
{
	char	 b[8];
	size_t	 n;

	memset(b, 'x', sizeof(b));
	n = json_escape(b, sizeof(b), "0123456789");
	CHECK(n == 12);
	CHECK(memchr(b, '\0', sizeof(b)) != NULL);
	CHECK(strncmp(b, "\"012345", strlen(b)) == 0);
	/* Nothing written with no room; the size still comes back. */
	CHECK(json_escape(NULL, 0, "a\"") == 5);
	/* An escape never splits. */
	n = json_escape(b, 4, "a\"");
	CHECK(n == 5);
	CHECK(strcmp(b, "\"a") == 0);
}

static const struct check_case cases[] = {
	{ "escapes_quotes_backslashes_and_controls",
	    escapes_quotes_backslashes_and_controls },
	{ "short_buffer_is_terminated_and_sized",
	    short_buffer_is_terminated_and_sized },
};

int
main(int argc, char *argv[])
{
	return CHECK_RUN(cases, argc, argv);
}
