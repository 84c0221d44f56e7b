#!/usr/bin/env bats
# Mobility Header codec and return-routability crypto (common/mh.c, rr.c):
# unit cases, then proof against independent implementations: scapy builds
# and decodes, Python's hashlib computes the RR crypto, tshark dissects a
# capture written by our builder.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
	MHTOOL=$BIN/tests/mhtool
	PY=/usr/bin/python3
	SEED=${MIP6_SEED:-$(( (RANDOM << 15) | RANDOM ))}
}

unit() {
	run "$BIN/tests/$1" "$2"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $2" ]
}

@test "mh: every message type with every option survives build then parse" {
	unit test_mh every_type_round_trips
}

@test "mh: options sit at their RFC alignment and the header is padded to 8 octets" {
	unit test_mh options_aligned_and_padded
}

@test "mh: checksum covers the home address from a HAO or a type 2 routing header" {
	unit test_mh checksum_uses_home_address
}

@test "mh: any flipped bit is a bad checksum" {
	unit test_mh rejects_bad_checksum
}

@test "mh: Header Len that disagrees with the packet is rejected" {
	unit test_mh rejects_header_len_mismatch
}

@test "mh: too short for its type answers ICMPv6 Parameter Problem at Header Len" {
	unit test_mh short_for_type_answers_param_problem
}

@test "mh: Payload Proto other than 59 answers Parameter Problem at the field" {
	unit test_mh bad_payload_proto_answers_param_problem
}

@test "mh: unknown MH type answers Binding Error status 2" {
	unit test_mh unknown_type_answers_binding_error
}

@test "mh: option overrun and malformed option lengths are rejected" {
	unit test_mh option_overrun_and_bad_length
}

@test "mh: unknown options are skipped by their length" {
	unit test_mh unknown_options_skipped_by_length
}

@test "mh: 20000 mutated messages parse without reading out of bounds" {
	unit test_mh parser_stays_in_bounds
}

@test "mh: Home Address option and type 2 routing header build and parse" {
	unit test_mh hao_and_rh2_round_trip
}

@test "mh: builder refuses authorization data that is not last and short buffers" {
	unit test_mh builder_refuses_bad_input
}

@test "mh: formatting a message for logs is bounded like snprintf" {
	unit test_mh format_is_bounded
}

@test "mh: the codec never allocates on the heap" {
	# Undefined symbols of mh.o: no allocator may be among them.
	run bash -c "nm -A '$BIN/libcommon.a' | grep '[/:]mh\.o:' | grep ' U '"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" U inet_ntop"* ]]
	run grep -E ' U (malloc|calloc|realloc|strdup|strndup|reallocarray|free)$' <<<"$output"
	[ "$status" -eq 1 ]
}

@test "mh: every reject reason has its own counter name" {
	unit test_mh reason_names_distinct
}

@test "mh: sequence numbers compare modulo 2^16" {
	unit test_mh sequence_numbers_wrap
}

@test "mh: lifetimes travel in 4-second units, rounded down" {
	unit test_mh lifetime_in_4s_units
}

@test "rr: HMAC-SHA1 passes the RFC 2202 test vectors" {
	unit test_rr hmac_sha1_rfc2202_vectors
}

@test "rr: keygen tokens are First(64, HMAC_SHA1(Kcn, addr|nonce|0 or 1))" {
	unit test_rr keygen_tokens_follow_rfc
}

@test "rr: Kbm for a registration and for a deregistration" {
	unit test_rr kbm_for_registration_and_deregistration
}

@test "rr: a signed BU verifies; any change, wrong key or wrong CoA fails" {
	unit test_rr signed_bu_verifies_and_tamper_fails
}

@test "rr: nonces regenerate on schedule and stay valid MAX_NONCE_LIFETIME" {
	unit test_rr nonce_table_schedule_and_lifetime
}

@test "rr: the nonce table stays bounded" {
	unit test_rr nonce_table_is_bounded
}

@test "rr: a new Kcn leaves tokens of older nonces valid" {
	unit test_rr kcn_rotation_keeps_old_nonces_valid
}

@test "rr: wiping the table clears every secret" {
	unit test_rr wipe_clears_secrets
}

@test "scapy: random messages of every type decode to scapy's fields and rebuild byte for byte" {
	run "$PY" "$SRC/tests/codec/scapy_cross.py" "$MHTOOL" 150 "$SEED"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "1200 messages agree with scapy"* ]]
}

@test "hashlib: keygen tokens, Kbm and BU authenticators match Python's hmac and hashlib" {
	run "$PY" "$SRC/tests/codec/rr_cross.py" "$MHTOOL" 200 "$SEED"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "400 tokens, 400 Kbm, 200 authenticators agree"* ]]
}

@test "tshark: a capture of every message type built by mip6 decodes cleanly with right checksums" {
	pcap=$BATS_TEST_TMPDIR/all.pcap
	run "$PY" "$SRC/tests/codec/tshark_check.py" "$MHTOOL" "$pcap" "$SEED"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"tshark decoded 32 frames"* ]]
	# And our own reader finds the same 32 messages, checksums verified.
	run "$MHTOOL" read "$pcap"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'cksum=0x[0-9a-f]* (ok)' <<<"$output")" -eq 32 ]
}

@test "mhtool: a rejected message prints the reason and what to answer" {
	run "$MHTOOL" decode 06000000000000
	[ "$status" -eq 1 ]
	[ "$output" = "error=header_len_mismatch answer=discard" ]
	# Payload Proto 6: Parameter Problem pointing at octet 0.
	run "$MHTOOL" decode -j 06010500000000000000000000000000
	[ "$status" -eq 1 ]
	[ "$output" = '{"error":"bad_payload_proto","answer":"param_problem","pointer":0}' ]
	run "$MHTOOL" decode 3b00090000000000
	[ "$status" -eq 1 ]
	[ "$output" = "error=unknown_mh_type answer=binding_error be_status=2" ]
	# A BU needs Header Len 1: Parameter Problem pointing at Header Len.
	run "$MHTOOL" decode 3b00050000000000
	[ "$status" -eq 1 ]
	[ "$output" = "error=too_short_for_type answer=param_problem pointer=1" ]
	run "$MHTOOL" decode 3b000
	[ "$status" -eq 2 ]
}

@test "mhtool: decodes a BU a person typed, flags and lifetime in seconds" {
	hex=$("$MHTOOL" build -s 2001:db8:f::1 -d 2001:db8:1::1 -H 2001:db8:1::100 \
		bu seq=7 flags=0xc000 lifetime=105 altcoa=2001:db8:f::1)
	run "$MHTOOL" decode -s 2001:db8:f::1 -d 2001:db8:1::1 -H 2001:db8:1::100 "$hex"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "type=BU len=32 cksum=0x"*" (ok) seq=7 flags=0xc000 flag_names=AH lifetime=105 lifetime_s=420 "*"altcoa=2001:db8:f::1"* ]]
	# Without the HAO the pseudo-header is wrong: the checksum fails.
	run "$MHTOOL" decode -s 2001:db8:f::1 -d 2001:db8:1::1 "$hex"
	[ "$status" -eq 1 ]
	[ "$output" = "error=bad_checksum answer=discard" ]
}
