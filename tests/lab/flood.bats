#!/usr/bin/env bats
# The home agent beyond saturation (issue 9): a Binding Update flood well
# over what the lab handles (about 1,000 new registrations a second).  The
# home agent sheds it at its limits (bu-rate-per-source, dad-max-pending),
# counts what it shed, keeps answering mip6ctl, and the mobile nodes that
# were registered before keep their refreshes.  Small and about 30 s.

. "$BATS_TEST_DIRNAME/topo.sh"

GOOD=40		# registered nodes, care-of addresses 0..39 (one each)
NCOA=64		# care-of addresses on the foreign link
RATE=20		# bu-rate-per-source

setup_file() {
	lab_topo_up f1
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15
	export BIN=${MIP6_BIN_PLAIN:-$PWD/build}
	export TD=$(mktemp -d /tmp/mip6-flood-lab.XXXXXX)
	"$BIN/mip6-bench" -c "$F1_PREFIX" -k $NCOA -i "$MN_IF" --print-coas >"$TD/coas"
	ip -n mn -batch "$TD/coas"
	cat >"$TD/mip6.yaml" <<-EOF
	common:
	  control-dir: $TD/run
	home-agent:
	  enable: true
	  ipsec: disabled
	  max-bindings: 100000
	  bu-rate-per-source: $RATE
	  dad-max-pending: 64
	  kernel-max-pending: 64
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

gen() {
	ip netns exec mn "$BIN/mip6-bench" -a "$HA_ADDR" -p "$HOME_PREFIX" \
	    -c "$F1_PREFIX" -i "$MN_IF" -j "$@"
}

# The registered nodes: node i at care-of address i, retransmitting after
# 1 s (three times) as a mobile node would.
good() {
	gen -k $GOOD -n $GOOD -w $GOOD -t 1000 -x 3 "$@"
}

val() {
	local v=${output#*\"$1\":}
	echo "${v%%[,\}]*}"
}

counter() {
	"$BIN/mip6ctl" -s "$TD/run/ha.sock" show stats |
	    awk -v k="$1" '$1 == k { print $2 }'
}

bindings() {
	"$BIN/mip6ctl" -s "$TD/run/ha.sock" show bindings | grep -c 'hoa=' || true
}

# A flood in the background: N first registrations at R a second, from
# care-of addresses OFF.. OFF+K-1, nodes from 100000 on (none registered).
flood() {
	local n=$1 r=$2 off=$3 k=$4
	gen -b 100000 -o "$off" -k "$k" -n "$n" -w "$n" -r "$r" -t 300 \
	    register >"$TD/flood.out" 2>&1 &
	echo $! >"$TD/flood.pid"
}

# Wait for it (in the test's own shell: it is this shell's child).
flood_wait() {
	wait "$(cat "$TD/flood.pid")" || true
	output=$(cat "$TD/flood.out")
}

@test "$GOOD mobile nodes register, the shed counters are in show stats at 0" {
	run good register
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(val answered)" -eq $GOOD ]
	[[ "$output" == *"\"status\":{\"0\":$GOOD}"* ]]
	run "$BIN/mip6ctl" -s "$TD/run/ha.sock" show stats
	echo "$output"
	for c in shed.source_rate shed.dad_queue_full shed.kernel_queue_full \
	    shed.socket_overflow; do
		[[ "$output" == *"$c 0"* ]]
	done
}

@test "a flood from two care-of addresses (5,000 BUs/s) is shed at $RATE/s per source; mip6ctl answers and the $GOOD refresh" {
	flood 20000 5000 48 2
	sleep 1
	# the control socket answers within a second while the flood runs
	run timeout 5 "$BIN/mip6ctl" -s "$TD/run/ha.sock" show stats
	[ "$status" -eq 0 ]
	[[ "$output" == *"shed.source_rate"* ]]
	run good -s 100 refresh
	echo "$output"
	echo "# refresh under the flood: $output" >&3
	[ "$status" -eq 0 ]
	[ "$(val answered)" -eq $GOOD ]
	[[ "$output" == *"\"status\":{\"0\":$GOOD}"* ]]
	flood_wait
	echo "$output"
	echo "# flood: $output" >&3
	shed=$(counter shed.source_rate)
	echo "shed.source_rate $shed"
	echo "# shed.source_rate $shed" >&3
	# 20,000 sent, at most 2 sources x $RATE/s (x the few seconds) pass
	[ "$shed" -ge 15000 ]
	[ "$(val answered)" -le 500 ]
	[ "$(bindings)" -ge $GOOD ]
}

@test "a flood from 16 care-of addresses fills the DAD queue: shed and counted; mip6ctl answers and the $GOOD refresh" {
	dad0=$(counter shed.dad_queue_full)
	flood 20000 5000 48 16
	sleep 1
	run timeout 5 "$BIN/mip6ctl" -s "$TD/run/ha.sock" show bindings "${HOME_NET}a00:0:1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"hoa=${HOME_NET}a00:0:1 "* ]]
	run good -s 200 refresh
	echo "$output"
	echo "# refresh under the flood: $output" >&3
	[ "$status" -eq 0 ]
	[ "$(val answered)" -eq $GOOD ]
	[[ "$output" == *"\"status\":{\"0\":$GOOD}"* ]]
	flood_wait
	echo "$output"
	dad1=$(counter shed.dad_queue_full)
	echo "shed.dad_queue_full $dad0 -> $dad1"
	echo "# shed.dad_queue_full $dad0 -> $dad1" >&3
	[ "$dad1" -gt "$dad0" ]
	# what passed the limits was registered (DAD at most 64 at a time)
	run "$BIN/mip6ctl" -s "$TD/run/ha.sock" show stats
	echo "$output" | grep -E '^(shed|bindings)\.'
}

@test "after the floods the $GOOD nodes deregister: every BA 0" {
	run good -s 300 dereg
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\"status\":{\"0\":$GOOD}"* ]]
}
