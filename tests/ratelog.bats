#!/usr/bin/env bats
# common/ratelog on the host: what strangers make a role log comes out a
# line a second at most, with the number of lines held back (the lab side
# is tests/lab/hostile.bats, which counts the lines of a campaign).

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
}

unit() {
	run "$BIN/tests/test_ratelog" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $1" ]
}

@test "ratelog: the first line goes out" {
	unit first_line_goes_out
}

@test "ratelog: a flood of 10,000 over 10 s gives 10 lines, each with the 999 held back" {
	unit a_flood_gets_one_line_a_second_and_the_count
}

@test "ratelog: a clock that goes back does not silence the log" {
	unit a_clock_going_back_does_not_silence_it
}
