#!/usr/bin/env bats
# The home agent's mip6ctl commands on the host (no Mobile IPv6 kernel:
# an empty binding cache; tests/lab/ha.bats has the bindings).

load daemon_helpers

setup() {
	daemon_prereq
	daemon_env
	write_conf ha
	start_priv
}

teardown() {
	daemon_teardown
}

ctl() {
	"$BIN/mip6ctl" -s "$CTL/ha.sock" "$@"
}

@test "ha: show bindings with no binding prints nothing, and an empty JSON list" {
	run ctl show bindings
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run ctl -j show bindings
	[ "$status" -eq 0 ]
	[ "$output" = '{"bindings":[]}' ]
}

@test "ha: show bindings and delete binding for an unknown home address are errors" {
	run ctl show bindings 2001:db8:1::5
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no binding for 2001:db8:1::5"* ]]
	run ctl delete binding 2001:db8:1::5
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no binding for 2001:db8:1::5"* ]]
}

@test "ha: show stats lists every counter by a stable name, zeros included; -j is one JSON object" {
	run ctl show stats
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bindings.active 0" ]
	[[ "$output" == *$'\nrx.BU 0\n'* ]]
	[[ "$output" == *$'\nrx_error.option_overrun 0\n'* ]]
	[[ "$output" == *$'\nbu.refused.seq_out_of_window 0\n'* ]]
	[[ "$output" == *$'\ntx.ba_status.135 0\n'* ]]
	[[ "$output" == *$'\nshed.dad_queue_full 0\nshed.kernel_queue_full 0\n'* ]]
	[[ "$output" == *$'\nbinding.expired 0\n'* ]]
	# discovery (mip6-ha/dhaad.c) last
	[[ "$output" == *$'\ndhaad.rx_request 0\n'* ]]
	[[ "$output" == *$'\ndhaad.tx_failed 0' ]]
	text_lines=${#lines[@]}
	run ctl -j show stats
	[ "$status" -eq 0 ]
	run python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d), d["rx.BU"], d["tx.ba_status.0"])' <<<"$output"
	[ "$output" = "$text_lines 0 0" ]
}

@test "ha: a listing the home agent does not have is an error" {
	run ctl show routeopt
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"the home agent has no such listing"* ]]
	run ctl show bul
	[ "$status" -ne 0 ]
}

@test "ha: show kernel answers even when the kernel side is off" {
	run timeout 5 "$BIN/mip6ctl" -s "$CTL/ha.sock" show kernel
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"kernel listing: Function not implemented"* ]]
	# Twice in a row: the first listing ended.
	run timeout 5 "$BIN/mip6ctl" -s "$CTL/ha.sock" show kernel
	[ "$status" -eq 1 ]
	[[ "$output" == *"kernel listing: Function not implemented"* ]]
}
