#!/usr/bin/env bats
# The load generator against the real home agent, small (make check):
# hundreds of mobile nodes register, refresh, move and deregister, and
# every BU gets its BA with status 0.  Correctness, not speed: the figures
# are printed (make bench-ha runs the big version).

. "$BATS_TEST_DIRNAME/topo.sh"

N=300
NCOA=16

setup_file() {
	lab_topo_up f1
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15
	export BIN=${MIP6_BIN_PLAIN:-$PWD/build}
	export TD=$(mktemp -d /tmp/mip6-bench-lab.XXXXXX)
	"$BIN/mip6-bench" -c "$F1_PREFIX" -k $NCOA -i "$MN_IF" --print-coas >"$TD/coas"
	ip -n mn -batch "$TD/coas"
	cat >"$TD/mip6.yaml" <<-EOF
	common:
	  control-dir: $TD/run
	home-agent:
	  enable: true
	  ipsec: disabled
	  max-bindings: 1000
	  links:
	    - interface: $HA_IF
	      address: "$HA_ADDR"
	      home-prefixes: ["$HOME_PREFIX"]
	EOF
	ip netns exec ha "$BIN/mip6-priv" -d -f "$TD/mip6.yaml" 2>"$TD/log" &
	echo $! >"$TD/priv.pid"
	lab_wait_for 10 "$BIN/mip6ctl" -s "$TD/run/ha.sock" status >/dev/null
}

teardown_file() {
	[ -f "$TD/priv.pid" ] && kill -TERM "$(cat "$TD/priv.pid")" 2>/dev/null
	sleep 0.5
	rm -rf "$TD"
	lab_topo_down
}

bench() {
	ip netns exec mn "$BIN/mip6-bench" -a "$HA_ADDR" -p "$HOME_PREFIX" \
	    -c "$F1_PREFIX" -k $NCOA -i "$MN_IF" -n $N -w 128 -t 10000 -j "$@"
}

# The value of a numeric JSON key in $output.
val() {
	local v=${output#*\"$1\":}
	echo "${v%%[,\}]*}"
}

bindings() {
	"$BIN/mip6ctl" -s "$TD/run/ha.sock" show bindings | grep -c 'hoa=' || true
}

routes() {
	ip -n ha -6 route show | grep -c 'encap ip6' || true
}

@test "$N mobile nodes register at once: $N BAs with status 0, none lost, $N bindings and tunnel routes" {
	run bench register
	echo "$output"
	echo "# register: $output" >&3
	[ "$status" -eq 0 ]
	[ "$(val answered)" -eq $N ]
	[ "$(val lost)" -eq 0 ]
	[[ "$output" == *"\"status\":{\"0\":$N}"* ]]
	[ "$(bindings)" -eq $N ]
	[ "$(routes)" -ge $N ]
}

@test "the same nodes refresh and then move to other care-of addresses: all accepted" {
	run bench -s 100 refresh move
	echo "$output"
	echo "# $output" >&3
	[ "$status" -eq 0 ]
	[ "$(grep -c "\"status\":{\"0\":$N}" <<<"$output")" -eq 2 ]
	[ "$(grep -c '"lost":0' <<<"$output")" -eq 2 ]
	# node 1 was at care-of address 1 and is now at 2
	run "$BIN/mip6ctl" -s "$TD/run/ha.sock" show bindings "${HOME_NET}a00:0:1"
	echo "$output"
	[[ "$output" == *"coa=${F1_NET}c00:0:2 "* ]]
}

@test "the same nodes deregister: every binding and tunnel route is gone" {
	run bench -s 200 move dereg
	echo "$output"
	echo "# $output" >&3
	[ "$status" -eq 0 ]
	[ "$(grep -c "\"status\":{\"0\":$N}" <<<"$output")" -eq 2 ]
	[ "$(bindings)" -eq 0 ]
	[ "$(routes)" -eq 0 ]
}
