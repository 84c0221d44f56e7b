/*
 * common/ratelog: a line a second at most, with the count held back.
 */
#include <stdint.h>

#include "check.h"
#include "ratelog.h"

static void
first_line_goes_out(void)
{
	struct ratelog	 rl = { 0 };
	uint64_t	 held = 99;

	CHECK(ratelog_allow(&rl, 5000, &held) == 1);
	CHECK(held == 0);
}

static void
a_flood_gets_one_line_a_second_and_the_count(void)
{
	struct ratelog	 rl = { 0 };
	uint64_t	 held = 0;
	int64_t		 t;
	int		 lines = 0;

	/* 10,000 messages over 10 s: one line a second, 11 at most. */
	for (t = 0; t < 10000; t++)
		if (ratelog_allow(&rl, 1000 + t, &held)) {
			lines++;
			if (lines > 1)
				CHECK(held == RATELOG_INTERVAL_MS - 1);
		}
	CHECK(lines == 10);
	CHECK(ratelog_allow(&rl, 1000 + 10000, &held) == 1);
	CHECK(held == RATELOG_INTERVAL_MS - 1);
}

static void
a_clock_going_back_does_not_silence_it(void)
{
	struct ratelog	 rl = { 0 };
	uint64_t	 held;

	CHECK(ratelog_allow(&rl, 100000, &held) == 1);
	CHECK(ratelog_allow(&rl, 100500, &held) == 0);
	CHECK(ratelog_allow(&rl, 50, &held) == 1);
	CHECK(held == 1);
}

static const struct check_case cases[] = {
	{ "first_line_goes_out", first_line_goes_out },
	{ "a_flood_gets_one_line_a_second_and_the_count",
	    a_flood_gets_one_line_a_second_and_the_count },
	{ "a_clock_going_back_does_not_silence_it",
	    a_clock_going_back_does_not_silence_it },
};

int
main(int argc, char *argv[])
{
	return CHECK_RUN(cases, argc, argv);
}
