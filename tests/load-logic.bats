#!/usr/bin/env bats
# The home agent's load limits on the host (issue 9): the pending-DAD
# queue (dad-max-pending) and the per-source BU rate limit
# (bu-rate-per-source).  The lab side is tests/lab/flood.bats.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
}

unit() {
	run "$BIN/tests/$1" "$2"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $2" ]
}

@test "dad queue: probes come due in the order they started, the head arms the timer" {
	unit test_hadad dad_fifo_order
}

@test "dad queue: 20,000 probes found by home address, removal from the middle" {
	unit test_hadad dad_find_remove
}

@test "dad queue: full at dad-max-pending (ENOSPC: the BU is shed), a duplicate refused, room after a removal" {
	unit test_hadad dad_bound
}

@test "per-source limit: a burst of the rate passes, the rest is shed, tokens return at the rate, sources apart" {
	unit test_hadad src_rate
}

@test "per-source limit: rate 0 sets none" {
	unit test_hadad src_off
}
