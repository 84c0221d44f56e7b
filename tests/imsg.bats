#!/usr/bin/env bats
# imsg framing (common/imsg.c), through the unit test program tests/unit/test_imsg.c.

setup() {
	T=${MIP6_BIN:-$BATS_TEST_DIRNAME/../build/san}/tests/test_imsg
	[ -x "$T" ] || skip "build the tests first (make SAN=1)"
}

run_case() {
	run "$T" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok $1"* ]]
	[[ "$output" != *"not ok"* ]]
}

@test "imsg: messages of every size up to the maximum arrive intact" {
	run_case roundtrip
}

@test "imsg: a stream split at every byte offset yields the same messages" {
	run_case split
}

@test "imsg: a stream delivered one byte at a time yields the same messages" {
	run_case bytewise
}

@test "imsg: composing an oversize message fails with a clear error" {
	run_case oversize-compose
	[[ "$output" == *"exceed the maximum"* ]]
}

@test "imsg: a received header with an oversize length is refused, not a crash" {
	run_case oversize-received
	[[ "$output" == *"bad length 65535"* ]]
}

@test "imsg: a received header shorter than the header is refused" {
	run_case undersize-received
	[[ "$output" == *"bad length 0"* ]]
}

@test "imsg: a stream ending inside a message is reported as truncated" {
	run_case truncated
	[[ "$output" == *"stream ended inside a message"* ]]
}

@test "imsg: file descriptors pass with their messages (SCM_RIGHTS)" {
	run_case fd-passing
}

@test "imsg: a message announcing a descriptor that never came is refused" {
	run_case fd-missing
	[[ "$output" == *"descriptor announced but none received"* ]]
}

@test "imsg: partial writes resume in the middle of a message" {
	run_case partial-writes
}
