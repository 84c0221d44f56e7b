#!/usr/bin/env bats
# The mobile node's route-optimization policy on the host (no Mobile IPv6
# kernel: MIP6_KERNEL=none): which correspondents `mip6ctl show bul`
# lists, as text and JSON, for a list, none and all.  What happens on the
# wire is tests/lab/ro.bats.

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

# The mobile node's configuration with KEY: VALUE lines added to its section.
conf_mn() {
	write_conf mn
	local l
	for l in "$@"; do
		echo "  $l" >>"$CONF"
	done
}

@test "a list: show bul names each listed correspondent, idle while at home, after the home registration's lines" {
	conf_mn "route-optimization: [2001:db8:c::2, 2001:db8:d::3]"
	start_priv
	run ctl show bul
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "home-address     2001:db8:1::100" ]
	[[ "${lines[8]}" == "correspondent    2001:db8:c::2 state=idle care-of="*" kernel=none home-token=none care-of-token=none seq="*" lifetime=0 remaining=0 rr-ms=0 fallbacks=0" ]]
	[[ "${lines[9]}" == "correspondent    2001:db8:d::3 state=idle "* ]]
	[ "${#lines[@]}" -eq 10 ]
}

@test "a list: show bul -j has a correspondents array next to bul" {
	conf_mn "route-optimization: [2001:db8:c::2]" "correspondent-lifetime: 20s"
	start_priv
	run ctl -j show bul
	echo "$output"
	[ "$status" -eq 0 ]
	run /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert len(d["bul"]) == 1 and d["bul"][0]["state"] == "home", d
c = d["correspondents"]
assert len(c) == 1, c
c = c[0]
assert c["correspondent"] == "2001:db8:c::2", c
assert c["state"] == "idle" and c["bound"] is False and c["kernel"] is False, c
assert c["home_token"] == "none" and c["care_of_token"] == "none", c
assert c["lifetime_granted"] == 0 and c["fallbacks"] == 0 and c["last_status"] == -1, c
for k in ("care_of_address", "home_nonce_index", "care_of_nonce_index", "sequence",
          "lifetime_remaining", "rr_ms", "ha_path_ms", "last_fallback", "binding_errors"):
    assert k in c, k
' "$output"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "none: no correspondent in show bul, an empty correspondents array" {
	conf_mn "route-optimization: none"
	start_priv
	run ctl show bul
	[ "$status" -eq 0 ]
	[[ "$output" != *"correspondent "* ]]
	run ctl -j show bul
	[[ "$output" == *'"correspondents":[]}' ]]
}

@test "all: the mobile node says correspondents come from traffic; none listed before any" {
	conf_mn "route-optimization: all"
	start_priv
	run ctl show bul
	[ "$status" -eq 0 ]
	[[ "$output" != *"correspondent "* ]]
	log_has "route-optimization: all correspondents (found by traffic from the home address)"
}
