#!/usr/bin/env bats
# Correspondent engine logic (mip6-sig/cnreg.c, cncache.c, cnctr.c), on
# the host: HoT/CoT tokens, Binding Updates checked with return
# routability, 135/136/137/138, the lifetime cap, deregistration, BA
# layout, rate limits, the binding cache and counters.  Tokens, Kbm and
# authenticators are recomputed in the test with OpenSSL from the RFC.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
}

unit() {
	run "$BIN/tests/test_cnreg" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $1" ]
}

@test "test_cnreg lists every case this suite runs" {
	run "$BIN/tests/test_cnreg" -l
	[ "$status" -eq 0 ]
	local want
	want=$(grep -o 'unit [a-z0-9_]*$' "$BATS_TEST_FILENAME" | sed 's/^unit //' | sort)
	[ "$(printf '%s\n' "$output" | sort)" = "$want" ]
}

@test "cnreg: hot and cot carry rfc tokens" {
	unit hot_and_cot_carry_rfc_tokens
}

@test "cnreg: accepts bu with valid authenticator" {
	unit accepts_bu_with_valid_authenticator
}

@test "cnreg: no ba on success without a flag" {
	unit no_ba_on_success_without_a_flag
}

@test "cnreg: forged authenticator discarded" {
	unit forged_authenticator_discarded
}

@test "cnreg: expired nonces get 136 137 138" {
	unit expired_nonces_get_136_137_138
}

@test "cnreg: old nonce honoured within lifetime" {
	unit old_nonce_honoured_within_lifetime
}

@test "cnreg: lifetime capped" {
	unit lifetime_capped
}

@test "cnreg: deregistration uses home token only" {
	unit deregistration_uses_home_token_only
}

@test "cnreg: sequence 135 with last accepted" {
	unit sequence_135_with_last_accepted
}

@test "cnreg: cache full 130" {
	unit cache_full_130
}

@test "cnreg: home registration 131 or left to home agent" {
	unit home_registration_131_or_left_to_home_agent
}

@test "cnreg: missing options discarded" {
	unit missing_options_discarded
}

@test "cnreg: ba bytes carry valid authenticator" {
	unit ba_bytes_carry_valid_authenticator
}

@test "cnreg: rate limit per peer" {
	unit rate_limit_per_peer
}

@test "cnreg: cache order lookup and format" {
	unit cache_order_lookup_and_format
}

@test "cnreg: counters named and counted" {
	unit counters_named_and_counted
}

@test "cnreg: 10000 mobile nodes register with one correspondent (prints the rate)" {
	run "$BIN/tests/test_cnreg" bench 10000
	echo "$output" >&3
	[ "$status" -eq 0 ]
	[[ "$output" == "bindings=10000 register_per_s="*" refused=0 "* ]]
}
