#!/usr/bin/env bats
# Resource bounds (issue 8): each table a stranger can grow is bounded by
# the configuration, and a test fills it to its bound and shows the refusal
# on the wire and in the counters.
#
#   home agent binding cache   max-bindings: mip6-bench registers more
#                              nodes than the bound; the rest get BA 130
#   home agent pending DAD     dad-max-pending: more first registrations
#                              at once than the bound; the rest are shed
#                              (no BA: the mobile node retransmits),
#                              shed.dad_queue_full counts them
#   correspondent cache        max-bindings: tests/lab/cnpeer.py runs
#                              return routability and a BU for one home
#                              address more than the bound: BA 130
#
# The correspondent's nonce table is a fixed ring (RR_MAX_NONCES, one new
# nonce every nonce-lifetime/8), the mobile node's list one home entry plus
# at most MNRO_MAX_CNS correspondents from route-optimization: both are
# bounded by construction (README, "Hostile input").

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"

SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
BIN=${MIP6_BIN_PLAIN:-$SRC/build}
PEER=$BATS_TEST_DIRNAME/cnpeer.py
NCOA=8
HA_MAX=100
HA_N=150
DAD_MAX=10
DAD_N=30
CN_MAX=2

setup_file() {
	lab_topo_up f1
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null
	export TD
	TD=$(mktemp -d /tmp/mip6-bounds.XXXXXX)
	chmod 0755 "$TD"
}

teardown_file() {
	local p
	for p in "$TD"/*.pid; do
		[ -e "$p" ] && lab_kill_pidfile "$p"
	done
	lab_topo_down
	rm -rf "${TD:-/nonexistent}"
}

teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		tail -n 20 "$TD"/*.log 2>/dev/null
	fi
}

figure() {
	echo "# $*" >&3
}

# start NAME NS: mip6-priv with $TD/NAME.yaml in NS, until SOCK answers.
start() {
	ip netns exec "$2" "$BIN/mip6-priv" -d -f "$TD/$1.yaml" \
		>"$TD/$1.log" 2>&1 </dev/null 3>&- &
	echo $! >"$TD/$1.pid"
	lab_wait_for 15 "$BIN/mip6ctl" -s "$TD/run-$1/$3.sock" status \
		>/dev/null || {
		cat "$TD/$1.log" >&2
		return 1
	}
}

stat_of() {
	"$BIN/mip6ctl" -s "$1" show stats -j | /usr/bin/python3 -c \
	    'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$2"
}

@test "home agent: max-bindings $HA_MAX; $HA_N nodes register: $HA_MAX get BA 0, the rest BA 130 (insufficient resources), counted; refreshes still pass" {
	cat >"$TD/ha.yaml" <<-EOF
	common:
	  control-dir: $TD/run-ha
	home-agent:
	  ipsec: disabled
	  dad: false
	  max-bindings: $HA_MAX
	  links:
	    - interface: $HA_IF
	      address: "$HA_ADDR"
	      home-prefixes: ["$HOME_PREFIX"]
	EOF
	"$BIN/mip6-bench" -c "$F1_PREFIX" -k $NCOA -i "$MN_IF" --print-coas >"$TD/coas"
	ip -n mn -batch "$TD/coas"
	start ha ha ha
	local sock=$TD/run-ha/ha.sock
	run ip netns exec mn "$BIN/mip6-bench" -a "$HA_ADDR" -p "$HOME_PREFIX" \
	    -c "$F1_PREFIX" -k $NCOA -i "$MN_IF" -n $HA_N -w 64 -t 10000 -j register
	echo "$output"
	figure "ha register $HA_N over max-bindings $HA_MAX: $output"
	[[ "$output" == *"\"status\":{\"0\":$HA_MAX,\"130\":$((HA_N - HA_MAX))}"* ]]
	[ "$(stat_of "$sock" bu.refused.insufficient_resources)" -eq $((HA_N - HA_MAX)) ]
	[ "$(stat_of "$sock" tx.ba_status.130)" -eq $((HA_N - HA_MAX)) ]
	[ "$("$BIN/mip6ctl" -s "$sock" show bindings | grep -c 'hoa=')" -eq $HA_MAX ]
	# The nodes that hold a binding refresh it: a full cache refuses new
	# ones only.
	run ip netns exec mn "$BIN/mip6-bench" -a "$HA_ADDR" -p "$HOME_PREFIX" \
	    -c "$F1_PREFIX" -k $NCOA -i "$MN_IF" -n $HA_MAX -w 64 -t 10000 -s 100 -j refresh
	echo "$output"
	[[ "$output" == *"\"status\":{\"0\":$HA_MAX}"* ]]
	lab_kill_pidfile "$TD/ha.pid"
}

@test "home agent: dad-max-pending $DAD_MAX; $DAD_N first registrations at once: $DAD_MAX probed and accepted, the rest shed without a BA, counted" {
	cat >"$TD/dad.yaml" <<-EOF
	common:
	  control-dir: $TD/run-dad
	home-agent:
	  ipsec: disabled
	  dad: true
	  dad-max-pending: $DAD_MAX
	  links:
	    - interface: $HA_IF
	      address: "$HA_ADDR"
	      home-prefixes: ["$HOME_PREFIX"]
	EOF
	[ -s "$TD/coas" ] || {
		"$BIN/mip6-bench" -c "$F1_PREFIX" -k $NCOA -i "$MN_IF" --print-coas >"$TD/coas"
		ip -n mn -batch "$TD/coas"
	}
	start dad ha ha
	local sock=$TD/run-dad/ha.sock
	run ip netns exec mn "$BIN/mip6-bench" -a "$HA_ADDR" -p "$HOME_PREFIX" \
	    -c "$F1_PREFIX" -k $NCOA -i "$MN_IF" -n $DAD_N -w 64 -t 3000 -j register
	echo "$output"
	figure "ha register $DAD_N at once over dad-max-pending $DAD_MAX: $output"
	[[ "$output" == *"\"answered\":$DAD_MAX,"* ]]
	[[ "$output" == *"\"lost\":$((DAD_N - DAD_MAX)),"* ]]
	[[ "$output" == *"\"status\":{\"0\":$DAD_MAX}"* ]]
	[ "$(stat_of "$sock" shed.dad_queue_full)" -eq $((DAD_N - DAD_MAX)) ]
	[ "$("$BIN/mip6ctl" -s "$sock" show bindings | grep -c 'hoa=')" -eq $DAD_MAX ]
	lab_kill_pidfile "$TD/dad.pid"
}

peer() {
	local st=$1
	shift
	lab_ns mn /usr/bin/python3 "$PEER" "$TD/peer-$st.json" "$@"
}

@test "correspondent: max-bindings $CN_MAX; a BU for one more home address gets BA 130, counted; the bound ones stay" {
	cat >"$TD/cn.yaml" <<-EOF
	common:
	  control-dir: $TD/run-cn
	  chroot: $TD/empty
	  state-dir: $TD/state
	correspondent:
	  max-bindings: $CN_MAX
	EOF
	start cn cn sig
	local sock=$TD/run-cn/sig.sock i hoa st
	for ((i = 0; i <= CN_MAX; i++)); do
		hoa=${HOME_NET}$(printf %x $((0x100 + i)))
		# The home agent's part: the home address reaches us.
		ip -n r -6 route replace "$hoa/128" via "$MN_COA_F1" dev "$R_IF_F1"
		run peer $i hoti "$hoa" "$CN_ADDR"
		echo "$output"
		[[ "$output" == "hot nonce="* ]]
		run peer $i coti "$MN_COA_F1" "$CN_ADDR"
		[[ "$output" == "cot nonce="* ]]
		run peer $i bu 1 100 ack
		echo "$hoa: $output"
		figure "correspondent, home address $((i + 1)) of $((CN_MAX + 1)): $output"
		if [ $i -lt $CN_MAX ]; then
			[[ "$output" == "ba status=0 "* ]]
		else
			[[ "$output" == "ba status=130 "* ]]
		fi
	done
	[ "$(stat_of "$sock" bu.no_resources)" -eq 1 ]
	[ "$(stat_of "$sock" tx.ba_status.130)" -eq 1 ]
	run "$BIN/mip6ctl" -s "$sock" show bindings
	echo "$output"
	[ "$(grep -c "${HOME_NET}10[01]" <<<"$output")" -eq $CN_MAX ]
	[[ "$output" != *"${HOME_NET}102"* ]]
}
