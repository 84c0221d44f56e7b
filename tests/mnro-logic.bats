#!/usr/bin/env bats
# The mobile node's route optimization (mip6-mn/mnro.c) on the host:
# tests/unit/test_mnro.c drives the real engine through its I/O seam
# (struct mnro_io) with a fake clock, recording every Mobility Header
# message and kernel request: BA statuses, refresh, back-off, giving up,
# token reuse after a move, deregistration at home.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
}

unit() {
	local log=${BATS_TEST_TMPDIR:-$BATS_TMPDIR}/mnro.$1.log
	# The engine logs on stderr: kept apart, shown on a failure.
	run sh -c '"$0" "$1" 2>"$2"' "$BIN/tests/test_mnro" "$1" "$log"
	echo "$output"
	cat "$log"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $1" ]
}

@test "every case of test_mnro is listed here" {
	run "$BIN/tests/test_mnro" -l
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 20 ]
}

@test "mnro: HoTI from the home address and CoTI from the care-of address once the home agent accepted; the states asked of mip6-priv before the BU (A set, H clear, 20 s, both nonce indices, authenticator); BA 0: bound" {
	unit rr_kernel_bu_bound
}

@test "mnro: a BA granting less than asked: that lifetime, refreshed at three quarters of it" {
	unit granted_shorter_is_kept
}

@test "mnro: a new return routability test (both tokens) three quarters into the binding; the states stay, the BU follows" {
	unit refresh_at_three_quarters
}

@test "mnro: BA 135 (the correspondent's last accepted number): the next BU at once with that number plus one" {
	unit status_135_resyncs
}

@test "mnro: BA 136 redoes the home test, 137 the care-of test, 138 both; then the BU without a new kernel request" {
	unit nonce_statuses_redo_the_test
}

@test "mnro: nonces expiring four times in a row: back to the tunnel, retry after 1 s" {
	unit nonces_expiring_in_a_row_fall_back
}

@test "mnro: any other refusal: the states removed, the tunnel for 10 minutes, then a new test" {
	unit other_refusal_tunnel_for_10_minutes
}

@test "mnro: Binding Error 1: the states removed, both tests again after 1 s, bound again; the next error waits 1 s again" {
	unit binding_error_1_falls_back_and_rebinds
}

@test "mnro: one kernel request at a time per correspondent: a del waits for the add out, the retry's add for that del" {
	unit kernel_requests_one_at_a_time
}

@test "mnro: a kernel refusal (File exists) backs off 1, 2, 4 ... 32, 32 s, never the 10 minutes of a refusal; success resets the back-off" {
	unit kernel_refusal_backs_off
}

@test "mnro: an unanswered test is sent at 0, 1, 3, 7, 15, 31 s, the round ends at 63 s; after 3 rounds the entry gives up (state gave-up, no timer, nothing sent for an hour) until a move" {
	unit unanswered_retransmits_then_gives_up
}

@test "mnro: any answer from the correspondent resets the count of unanswered rounds" {
	unit an_answer_resets_the_rounds
}

@test "mnro: a Binding Refresh Request wakes an entry that gave up" {
	unit brr_wakes_one_that_gave_up
}

@test "mnro: a move removes the old states at once and, with the home keygen token still fresh, sends only the CoTI from the new care-of address" {
	unit move_reuses_the_home_token
}

@test "mnro: after MAX_TOKEN_LIFETIME (210 s) a move runs both tests" {
	unit old_home_token_is_not_reused
}

@test "mnro: back home: the states go first, then a BU with lifetime 0, care-of = home address and only the home nonce index, sent once; BA 0: idle" {
	unit home_deregisters
}

@test "mnro: back home with an old home token: a HoTI first, then one deregistration BU" {
	unit home_with_an_old_token_tests_first
}

@test "mnro: route-optimization: all: an acquire from the home address names a correspondent (never the home agent, a link-local address or another source), once" {
	unit all_finds_correspondents_by_traffic
}

@test "mnro: route-optimization: all: new traffic (an acquire) wakes a correspondent that gave up" {
	unit all_new_traffic_wakes_one_that_gave_up
}

@test "mnro: route-optimization: none: no entry, nothing sent" {
	unit policy_none_does_nothing
}
