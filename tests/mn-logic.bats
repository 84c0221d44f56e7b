#!/usr/bin/env bats
# Mobile node engine logic (mip6-mn/bul.c, movement.c, mnctl.c), on the
# host: the binding update list entry (kernel state first, retransmission
# timing, every BA status, refresh, expiry, deregistration) and movement
# detection (router advertisements, care-of address selection, home), and
# a short libFuzzer run of the RA parser and the movement state (fuzz_ra).

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

@test "bul: the away state is asked of mip6-priv first, then the BU goes (A and H, lifetime in 4 s units, 1.5 s timeout)" {
	unit test_mn_bul kernel_first_then_bu
}

@test "bul: an unanswered BU is sent again after 1.5, 3, 6, 12, 24, 32, 32 s, each with a new sequence number" {
	unit test_mn_bul retransmission_doubles_to_max
}

@test "bul: after the first registration the timeout starts at 1 s" {
	unit test_mn_bul later_registration_uses_initial_timeout
}

@test "bul: an accepted BU grants at most the lifetime asked, counted from the BU" {
	unit test_mn_bul accepted_sets_lifetime_and_refresh
}

@test "bul: the lifetime asked is no longer than the care-of address stays valid" {
	unit test_mn_bul lifetime_capped_by_care_of_address
}

@test "bul: the binding is refreshed before its lifetime runs out, without new kernel work" {
	unit test_mn_bul refresh_before_expiry
}

@test "bul: a Binding Refresh Advice brings the refresh forward" {
	unit test_mn_bul binding_refresh_advice_shortens_refresh
}

@test "bul: a Binding Refresh Request refreshes at once" {
	unit test_mn_bul brr_refreshes_now
}

@test "bul: a silent home agent: retransmissions until the binding expires" {
	unit test_mn_bul expiry_without_answer
}

@test "bul: status 135 takes the home agent's sequence number and sends the next one at once" {
	unit test_mn_bul status_135_resyncs
}

@test "bul: repeated 135 answers end in a back-off" {
	unit test_mn_bul status_135_in_a_loop_backs_off
}

@test "bul: every refusing status is counted and retried after a doubling back-off" {
	unit test_mn_bul every_refusal_backs_off
}

@test "bul: an acceptance with lifetime 0 counts as a refusal" {
	unit test_mn_bul accepted_for_no_time_is_refused
}

@test "bul: a BA for no BU of ours changes nothing; one for a retransmitted BU counts" {
	unit test_mn_bul stale_and_unexpected_bas_ignored
}

@test "bul: sequence numbers wrap modulo 2^16" {
	unit test_mn_bul sequence_numbers_wrap
}

@test "bul: at home from the start: the home address goes on the home link, no BU" {
	unit test_mn_bul home_at_start_sends_nothing
}

@test "bul: coming home: at-home kernel state, then a deregistration (lifetime 0) until its BA" {
	unit test_mn_bul return_home_deregisters
}

@test "bul: a refused deregistration leaves the node at home" {
	unit test_mn_bul deregistration_refused_ends_at_home
}

@test "bul: an unanswered deregistration stops when the binding would have expired" {
	unit test_mn_bul unanswered_deregistration_ends_with_the_binding
}

@test "bul: stopping while registered away sends one deregistration from the care-of address" {
	unit test_mn_bul stop_away_deregisters_once
}

@test "bul: a kernel failure is retried after a back-off" {
	unit test_mn_bul kernel_failure_is_retried
}

@test "bul: a BU that could not be sent goes again soon, the timeout not doubled" {
	unit test_mn_bul send_failure_retried_without_doubling
}

@test "bul: a move while mip6-priv works: the newer care-of address is asked next, no BU from the old" {
	unit test_mn_bul move_while_kernel_works
}

@test "bul: mip6ctl show bul and show stats text and JSON" {
	unit test_mn_bul show_bul_text_and_json
}

@test "movement: a router advertisement's H flag, prefix and advertisement interval are read" {
	unit test_mn_move ra_parse_fields
}

@test "movement: malformed router advertisements are refused" {
	unit test_mn_move ra_parse_refuses_malformed
}

@test "movement: a foreign prefix in the RA and an address in it give the care-of address" {
	unit test_mn_move foreign_ra_gives_care_of_address
}

@test "movement: tentative (unless optimistic), DAD-failed and deprecated addresses are no care-of address" {
	unit test_mn_move unusable_addresses_are_not_care_of
}

@test "movement: the home prefix in the RA means home" {
	unit test_mn_move home_prefix_means_home
}

@test "movement: after a carrier loss the last link's addresses are ignored until this link's RA" {
	unit test_mn_move stale_address_of_the_last_link_ignored
}

@test "movement: interface preference picks the care-of address, then the lower index" {
	unit test_mn_move preference_picks_the_interface
}

@test "movement: the home link wins over a foreign one" {
	unit test_mn_move home_wins_over_foreign
}

@test "movement: interfaces not configured (and our tunnel) are ignored" {
	unit test_mn_move unconfigured_interface_ignored
}

@test "movement: without any RA the addresses decide" {
	unit test_mn_move without_advertisements_addresses_decide
}

@test "movement: the default router going away forgets the link" {
	unit test_mn_move default_router_gone_forgets_the_link
}

@test "movement: the router that told the link becoming unreachable forgets the link" {
	unit test_mn_move unreachable_router_forgets_the_link
}

@test "movement: deleted links and addresses are forgotten" {
	unit test_mn_move deleted_link_and_address
}

@test "movement: prefix matching" {
	unit test_mn_move prefix_match
}

@test "fuzz: RA parsing and movement decisions survive ${FUZZ_SECONDS:-20} s of libFuzzer" {
	command -v clang >/dev/null || skip "no clang"
	SECS=${FUZZ_SECONDS:-20}
	make -s -C "$SRC" build/fuzz/fuzz_ra >&2
	work=$BATS_TEST_TMPDIR/corpus
	mkdir -p "$work"
	run "$SRC/build/fuzz/fuzz_ra" -max_total_time="$SECS" \
	    -artifact_prefix="$BATS_TEST_TMPDIR/" "$work" "$SRC/tests/fuzz/corpus/ra"
	echo "$output" | tail -20
	[ "$status" -eq 0 ]
	[[ "$output" == *"Done "*" runs in "* ]]
}

@test "bul: with a DHAAD list a refusal 128-133 hands over to the next home agent (away state made again, 1.5 s first-registration timeout)" {
	unit test_mn_bul dhaad_refusal_goes_to_next_home_agent
}

@test "bul: 134, a refused refresh and any refusal of a configured home agent keep the home agent and back off" {
	unit test_mn_bul dhaad_other_refusals_back_off
}

@test "bul: with a DHAAD list a BU unanswered at max-bindack-timeout hands over to the next home agent; a configured one is tried for ever" {
	unit test_mn_bul dhaad_unanswered_goes_to_next_home_agent
}

@test "bul: halted (DHAAD list used up) nothing goes until a home agent is named" {
	unit test_mn_bul halt_sends_nothing
}

@test "show bul: the DHAAD list with each home agent's state (refused N, no-answer, in-use, untried), text and JSON" {
	unit test_mn_bul show_bul_home_agent_list
}

@test "bul: the BU lifetime is no longer than the home prefix's remaining valid lifetime (from the prefix advertisement)" {
	unit test_mn_bul lifetime_capped_by_home_prefix
}
