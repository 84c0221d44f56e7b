#!/usr/bin/env bats
# The mobile node process on the host (no Mobile IPv6 kernel: MIP6_KERNEL=none):
# mip6ctl show bul and show stats, text and JSON, refusals, dhaad.
# What it does on the wire is tests/lab/mn.bats.

load daemon_helpers

setup() {
	daemon_prereq
	daemon_env
}

teardown() {
	daemon_teardown
}

ctl() {
	"$BIN/mip6ctl" -s "$CTL/mn.sock" "$@"
}

@test "show bul: the home address, the home agent and the state, as text" {
	write_conf mn
	start_priv
	run ctl show bul
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "home-address     2001:db8:1::100" ]
	[ "${lines[1]}" = "home-agent       2001:db8:1::1" ]
	[ "${lines[3]}" = "state            home" ]
	[[ "$output" == *"lifetime         granted 0s, remaining 0s, asked 3600s"* ]]
	[[ "$output" == *"last-status      none"* ]]
}

@test "show bul -j: one JSON object with the binding update list" {
	write_conf mn
	start_priv
	run ctl -j show bul
	echo "$output"
	[ "$status" -eq 0 ]
	run /usr/bin/python3 -c '
import json, sys
b = json.loads(sys.argv[1])["bul"]
assert len(b) == 1, b
b = b[0]
assert b["home_address"] == "2001:db8:1::100" and b["home_agent"] == "2001:db8:1::1", b
assert b["state"] == "home" and b["away"] is False and b["last_status"] is None, b
assert b["lifetime_requested"] == 3600 and b["lifetime_granted"] == 0, b
' "$output"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "show stats: every counter under a stable name, text and JSON" {
	write_conf mn
	start_priv
	run ctl show stats
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^bu\.sent\ +0$ ]]
	[[ "$output" == *"ba_status.135"* ]]
	[[ "$output" == *"kernel.failed"* ]]
	n=${#lines[@]}
	run ctl -j show stats
	[ "$status" -eq 0 ]
	run /usr/bin/python3 -c '
import json, sys
s = json.loads(sys.argv[1])
assert len(s) == int(sys.argv[2]), (len(s), sys.argv[2])
assert s["bu.sent"] == 0 and s["registrations"] == 0, s
' "$output" "$n"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "the mobile node refuses show bindings and show routeopt" {
	write_conf mn
	start_priv
	run ctl show bindings
	[ "$status" -eq 1 ]
	[[ "$output" == *"the mobile node does not show that"* ]]
	run ctl show routeopt
	[ "$status" -eq 1 ]
}

@test "without the kernel side the mobile node says where movement comes from" {
	write_conf mn
	start_priv
	wait_for 5 log_has "mn: kernel events: Function not implemented (movement from router advertisements only)"
}

@test "home-agent: dhaad waits for a care-of address to discover the home agent, and show bul says so" {
	write_conf mn
	sed -i 's/home-agent: "2001:db8:1::1"/home-agent: dhaad/' "$CONF"
	start_priv
	wait_for 5 log_has "mn: home-agent: dhaad: the home agent is found by DHAAD from the first care-of address"
	run ctl show bul
	echo "$output"
	[[ "$output" == *"home-agent       none (dhaad: not found yet)"* ]]
	run ctl -j show bul
	[[ "$output" == *'"home_agent":null'* ]]
}

@test "a reload that changes the binding's parameters says they apply at the next start" {
	write_conf mn
	start_priv
	sed -i 's/home-agent: "2001:db8:1::1"/home-agent: "2001:db8:1::2"/' "$CONF"
	kill -HUP "$PRIV"
	wait_for 5 log_has "mn: mobile-node: the changed home address, home agent or lifetime apply at the next start"
	run ctl show bul
	[[ "$output" == *"home-agent       2001:db8:1::1"* ]]
}

@test "show kernel: the mobile node relays mip6-priv's answer (off on the host: an error that ends)" {
	write_conf mn
	start_priv
	run timeout 5 "$BIN/mip6ctl" -s "$CTL/mn.sock" show kernel
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"kernel listing: Function not implemented"* ]]
	run timeout 5 "$BIN/mip6ctl" -s "$CTL/mn.sock" -j show kernel
	[ "$status" -eq 1 ]
	[[ "$output" == *"kernel listing: Function not implemented"* ]]
}
