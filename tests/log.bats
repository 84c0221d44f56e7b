#!/usr/bin/env bats
# common/log on the host: log_hold .. log_release (a burst's lines in few
# writes, issue 9) keeps every line in order, writes them at the release or
# when 16 KiB are held, and fatal writes what is held before its own line.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
}

unit() {
	run "$BIN/tests/test_log" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $1" ]
}

@test "log: without a hold a line goes out at once" {
	unit a_line_goes_out_at_once_without_hold
}

@test "log: held lines wait for the release and keep their order (info, warnx, warn with errno)" {
	unit held_lines_wait_for_the_release_in_order
}

@test "log: holds nest; the outer release writes" {
	unit holds_nest
}

@test "log: 44,400 octets held: written as the 16 KiB buffer fills, none lost, in order" {
	unit a_full_buffer_is_written_and_nothing_is_lost
}

@test "log: fatalx writes the held lines before its own and exits 1" {
	unit fatal_writes_what_is_held_first
}
