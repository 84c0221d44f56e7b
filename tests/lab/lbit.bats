#!/usr/bin/env bats
# The Link-Local Address Compatibility (L) flag at the home agent (RFC
# 6275 10.3.1, 10.4.1): a home registration with L=1 also probes, defends
# and intercepts the mobile node's link-local address, fe80::/64 with the
# home address's interface identifier.  The mobile node is made by hand
# with scapy (tests/lab/mnsim.py --flags AHL) on foreign link 1; scapy on
# the router's home interface (tests/lab/ndprobe.py) and `ip -6 neigh show
# proxy` in the ha namespace are the oracles.  Tests run in order.
#
# Runs inside the user-mode Linux guest (tests/lab/run tests/lab/lbit.bats).

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/hastart.bash
. "$BATS_TEST_DIRNAME/hastart.bash"

SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
SIM=$BATS_TEST_DIRNAME/mnsim.py
PROBE=$BATS_TEST_DIRNAME/ndprobe.py
# ha0's MAC (HA_LL is its EUI-64 link-local address).
HA_MAC=02:00:00:00:00:02
# MN_HOA is ${HOME_NET}100: its link-local address.
MN_LLA=fe80::100
# A home address whose link-local address a neighbour (the router) holds.
DUP_HOA=${HOME_NET}151
DUP_LLA=fe80::151

# ipsec disabled, DAD on; persist-bindings with $1 = persist; proxy-nd
# daemon with $1 = daemon.
ha_conf() {
	cat <<-EOF
	common:
	  log-level: debug
	  control-dir: $HA_RUN
	EOF
	if [ "$1" = persist ]; then
		cat <<-EOF
		  persist-bindings: true
		  state-sync-delay: 0
		  state-dir: $HA_DIR/state
		  restart-backoff: { min: 1s, max: 1s }
		EOF
	fi
	cat <<-EOF
	home-agent:
	  links:
	    - interface: $HA_IF
	      address: "$HA_ADDR"
	      home-prefixes: ["$HOME_PREFIX"]
	  max-lifetime: 5m
	  ipsec: disabled
	EOF
	if [ "$1" = daemon ]; then
		echo "  proxy-nd: daemon"
	fi
}

ha_role_pid() {
	pgrep -P "$(cat "$HA_DIR/priv.pid")" -x mip6-ha
}

setup_file() {
	export HA_DIR=$BATS_FILE_TMPDIR
	export HA_RUN=$HA_DIR/run
	mkdir -p "$HA_DIR/state"
	lab_topo_up f1
	COA=$(lab_wait_addr mn "$MN_IF" "$F1_NET" 15) || return 1
	export COA
	ha_start kernel
}

teardown_file() {
	ha_stop
	lab_topo_down
}

teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		echo "--- home agent log (tail)"
		tail -n 40 "$HA_DIR/ha.log"
	fi
}

sim() {
	lab_ns mn /usr/bin/python3 "$SIM" --ha "$HA_ADDR" --coa "$COA" "$@"
}

ctl() {
	"$PLAIN/mip6ctl" -s "$HA_RUN/ha.sock" "$@"
}

counter() {
	ctl show stats | awk -v k="$1" '$1 == k { print $2 }'
}

no_binding() {
	! ctl show bindings "$1" >/dev/null 2>&1
}

# The home agent's proxy ND entry for $1 on ha0, or nothing.
proxy_of() {
	ip -n ha -6 neigh show proxy | grep -F "$1 " || true
}

no_proxy() {
	[ -z "$(proxy_of "$1")" ]
}

# scapy's NS from the router's home interface for target $1: the NAs.
probe() {
	ip netns exec r /usr/bin/python3 "$PROBE" "$R_IF_HOME" "$@"
}

@test "L flag: without a binding no one answers a Neighbor Solicitation for the mobile node's link-local address" {
	run probe "$MN_LLA" ns
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "L flag: a registration with L=1 probes the home address and the link-local address, then announces both (BA 0)" {
	lab_capture_start lbit ha "$HA_IF" icmp6
	run sim --hoa "$MN_HOA" --seq 1 --lifetime 25 --flags AHL --wait 4
	lab_sleep 1.2
	lab_capture_stop lbit >/dev/null
	echo "$output"
	[ "$output" = "BA status=0 seq=1 lifetime=25 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	run tcpdump -n -v -r "$LAB_CAPDIR/lbit.pcap"
	echo "$output" | grep -v "router advertisement\|option\|hop limit"
	# Both probes go to the one solicited-node group (same last 24 bits).
	[[ "$output" == *"$HA_LL > ff02::1:ff00:100: "*"neighbor solicitation"*"who has $MN_HOA"* ]]
	[[ "$output" == *"$HA_LL > ff02::1:ff00:100: "*"neighbor solicitation"*"who has $MN_LLA"* ]]
	[[ "$output" == *"$HA_LL > ff02::1: "*"neighbor advertisement, length 32, tgt is $MN_HOA, Flags [override]"* ]]
	[[ "$output" == *"$HA_LL > ff02::1: "*"neighbor advertisement, length 32, tgt is $MN_LLA, Flags [override]"* ]]
	run ctl show bindings "$MN_HOA"
	echo "$output"
	[[ "$output" == "hoa=$MN_HOA coa=$COA state=active seq=1 flags=AHL "* ]]
}

@test "L flag: proxy ND entries for both addresses on the home link; mip6ctl show kernel lists them" {
	run ip -n ha -6 neigh show proxy
	echo "$output"
	[[ "$(proxy_of "$MN_HOA")" == "$MN_HOA dev $HA_IF "* ]]
	[[ "$(proxy_of "$MN_LLA")" == "$MN_LLA dev $HA_IF "* ]]
	run ctl show kernel
	echo "$output"
	[[ "$output" == *"proxy $MN_HOA dev $HA_IF"* ]]
	[[ "$output" == *"proxy $MN_LLA dev $HA_IF"* ]]
}

@test "L flag: the router's Neighbor Solicitation for the link-local address is answered with the home agent's MAC" {
	run probe "$MN_LLA" ns
	echo "$output"
	[ "$status" -eq 0 ]
	# The kernel's proxy answer: solicited, no override.
	[[ "${lines[0]}" == "na src="*" smac=$HA_MAC dst=$R_LL_HOME hlim=255 R=0 S=1 O=0 target=$MN_LLA tlla=$HA_MAC" ]]
}

@test "L flag: a packet for the link-local address is not tunnelled: discarded with Destination Unreachable, address unreachable (RFC 6275 10.4.2)" {
	lab_capture_start lbitll ha "$HA_IF" ip6
	run ip netns exec r ping -6 -c 2 -i 0.5 -W 1 -I "$R_IF_HOME" "$MN_LLA"
	# The kernel's address resolution gives up after 3 s.
	lab_sleep 4
	lab_capture_stop lbitll >/dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	run tcpdump -n -e -v -r "$LAB_CAPDIR/lbitll.pcap" 'not ip6 proto 41'
	echo "$output" | grep -v "router advertisement\|option\|hop limit"
	# The echo requests reached the home agent (to its MAC) ...
	[[ "$output" == *"> $HA_MAC, "*"> $MN_LLA: "*"echo request"* ]]
	# ... which discards them with ICMPv6 Destination Unreachable code 3.
	[[ "$output" == *"$HA_LL > $R_LL_HOME: "*"destination unreachable, unreachable address $MN_LLA"* ]]
	# ... and none of them went into the tunnel.
	run tcpdump -n -v -r "$LAB_CAPDIR/lbitll.pcap" 'ip6 proto 41'
	echo "tunnelled: $output"
	[[ "$output" != *"$MN_LLA"* ]]
}

@test "L flag: a refresh keeps it; a Binding Update without L for the binding gets 139 and changes nothing" {
	run sim --hoa "$MN_HOA" --seq 2 --lifetime 25 --flags AHL
	echo "$output"
	[ "$output" = "BA status=0 seq=2 lifetime=25 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	run sim --hoa "$MN_HOA" --seq 3 --lifetime 25 --flags AH
	echo "$output"
	[ "$output" = "BA status=139 seq=3 lifetime=0 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	[ -n "$(proxy_of "$MN_LLA")" ]
}

@test "L flag: a deregistration removes both proxy entries; the link-local address is no longer answered" {
	run sim --hoa "$MN_HOA" --seq 4 --lifetime 0 --flags AHL
	echo "$output"
	[ "$output" = "BA status=0 seq=4 lifetime=0 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	no_binding "$MN_HOA"
	lab_wait_for 3 no_proxy "$MN_HOA"
	lab_wait_for 3 no_proxy "$MN_LLA"
	run ctl show kernel
	echo "$output"
	[[ "$output" != *"$MN_LLA"* ]]
	run probe "$MN_LLA" ns
	echo "$output"
	[ -z "$output" ]
}

@test "L flag: a link-local address a neighbour holds fails DAD: 134, nothing installed; without L the same home address is accepted" {
	local before
	before=$(counter bu.refused.dad_failed)
	# The router holds DUP_LLA on the home link (for this test: scapy's
	# probes take the first link-local address as their source).
	ip -n r address add "$DUP_LLA/64" dev "$R_IF_HOME" nodad
	run sim --hoa "$DUP_HOA" --seq 1 --lifetime 25 --flags AHL --wait 4
	echo "$output"
	[ "$output" = "BA status=134 seq=1 lifetime=0 flags=0x00 rh2=$DUP_HOA src=$HA_ADDR" ]
	no_binding "$DUP_HOA"
	no_proxy "$DUP_HOA"
	no_proxy "$DUP_LLA"
	[ -z "$(ip -n ha -6 route show "$DUP_HOA/128" table all)" ]
	[ "$(counter bu.refused.dad_failed)" = $((before + 1)) ]
	grep -q "DAD for $DUP_HOA failed: its link-local address $DUP_LLA is in use on the home link" "$HA_DIR/ha.log"
	# Only the link-local address is taken: L=0 registers.
	run sim --hoa "$DUP_HOA" --seq 2 --lifetime 25 --flags AH --wait 4
	echo "$output"
	[ "$output" = "BA status=0 seq=2 lifetime=25 flags=0x00 rh2=$DUP_HOA src=$HA_ADDR" ]
	[ -n "$(proxy_of "$DUP_HOA")" ]
	no_proxy "$DUP_LLA"
	run sim --hoa "$DUP_HOA" --seq 3 --lifetime 0 --flags AH
	[[ "$output" == "BA status=0 seq=3 "* ]]
	ip -n r address del "$DUP_LLA/64" dev "$R_IF_HOME"
}

@test "L flag: mip6ctl delete binding removes the link-local entry too" {
	run sim --hoa "$MN_HOA" --seq 10 --lifetime 25 --flags AHL --wait 4
	[[ "$output" == "BA status=0 seq=10 "* ]]
	[ -n "$(proxy_of "$MN_LLA")" ]
	run ctl delete binding "$MN_HOA"
	[ "$status" -eq 0 ]
	lab_wait_for 3 no_proxy "$MN_LLA"
	no_proxy "$MN_HOA"
}

@test "L flag: a binding that runs out takes the link-local entry along" {
	run sim --hoa "$MN_HOA" --seq 15 --lifetime 2 --flags AHL --wait 4
	[[ "$output" == "BA status=0 seq=15 lifetime=2 "* ]]
	[ -n "$(proxy_of "$MN_LLA")" ]
	lab_wait_for 10 no_binding "$MN_HOA"
	lab_wait_for 3 no_proxy "$MN_LLA"
	no_proxy "$MN_HOA"
}

@test "L flag: kill -9 of mip6-ha without persist-bindings removes the link-local entry with the binding's" {
	local old
	run sim --hoa "$MN_HOA" --seq 20 --lifetime 25 --flags AHL --wait 4
	[[ "$output" == "BA status=0 seq=20 "* ]]
	[ -n "$(proxy_of "$MN_LLA")" ]
	old=$(ha_role_pid)
	kill -9 "$old"
	lab_wait_for 5 no_proxy "$MN_LLA"
	no_proxy "$MN_HOA"
	# mip6-priv restarts the role; nothing of the binding is left.
	lab_wait_for 15 ha_ready
	no_binding "$MN_HOA"
}

@test "L flag: persist-bindings: kill -9 of mip6-ha and a stop and start keep the link-local entry, the restored binding claims it" {
	ha_stop
	no_proxy "$MN_LLA"
	ha_start persist
	run sim --hoa "$MN_HOA" --seq 30 --lifetime 25 --flags AHL --wait 4
	[[ "$output" == "BA status=0 seq=30 "* ]]
	[ -n "$(proxy_of "$MN_LLA")" ]
	# The role dies: the objects stay for its restart, which claims them.
	local old
	old=$(ha_role_pid)
	kill -9 "$old"
	lab_wait_for 15 bash -c "pgrep -P $(cat "$HA_DIR/priv.pid") -x mip6-ha | grep -qvx $old"
	lab_wait_for 15 eval 'ctl show bindings "$MN_HOA" 2>/dev/null | grep -q "state=active seq=30 flags=AHL "'
	lab_sleep 1
	[ -n "$(proxy_of "$MN_LLA")" ]
	# A clean stop keeps them; the next start adopts them and the
	# restored binding claims them (an unclaimed one would be removed).
	ha_stop
	[ -n "$(proxy_of "$MN_LLA")" ]
	ha_start persist
	lab_wait_for 15 eval 'ctl show bindings "$MN_HOA" 2>/dev/null | grep -q "state=active seq=30 "'
	lab_sleep 1
	[ -n "$(proxy_of "$MN_LLA")" ]
	! grep -q "no binding for proxy $MN_LLA" "$HA_DIR/ha.log"
	run ctl show kernel
	echo "$output"
	[[ "$output" == *"proxy $MN_LLA dev $HA_IF"* ]]
	run probe "$MN_LLA" ns
	echo "$output"
	[[ "${lines[0]}" == *" smac=$HA_MAC "*" target=$MN_LLA tlla=$HA_MAC" ]]
	# And the restored binding's deregistration removes it.
	run sim --hoa "$MN_HOA" --seq 31 --lifetime 0 --flags AHL
	[[ "$output" == "BA status=0 seq=31 "* ]]
	lab_wait_for 3 no_proxy "$MN_LLA"
	no_proxy "$MN_HOA"
}

@test "L flag: a stop without persist-bindings leaves no proxy entry behind" {
	ha_stop
	ha_start kernel
	run sim --hoa "$MN_HOA" --seq 40 --lifetime 25 --flags AHL --wait 4
	[[ "$output" == "BA status=0 seq=40 "* ]]
	[ -n "$(proxy_of "$MN_LLA")" ]
	ha_stop
	run ip -n ha -6 neigh show proxy
	echo "proxy entries: '$output'"
	[ -z "$output" ]
}

@test "L flag, proxy-nd daemon: the home agent answers the link-local address itself, no kernel proxy entry" {
	ha_start daemon
	run sim --hoa "$MN_HOA" --seq 50 --lifetime 25 --flags AHL --wait 4
	echo "$output"
	[[ "$output" == "BA status=0 seq=50 "* ]]
	run ip -n ha -6 neigh show proxy
	echo "proxy entries: '$output'"
	[ -z "$output" ]
	run probe "$MN_LLA" ns
	echo "$output"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "na src="*" smac=$HA_MAC dst=$R_LL_HOME hlim=255 R=0 S=1 O=0 target=$MN_LLA tlla=$HA_MAC" ]]
	# Not for a link-local address no binding holds.
	run probe fe80::177 ns
	[ -z "$output" ]
	run sim --hoa "$MN_HOA" --seq 51 --lifetime 0 --flags AHL
	[[ "$output" == "BA status=0 seq=51 "* ]]
	run probe "$MN_LLA" ns
	[ -z "$output" ]
}

@test "L flag, proxy-nd daemon: another node's DAD for the link-local address while the home agent probes it fails the registration (134)" {
	local hoa=${HOME_NET}160 lla=fe80::160 trig=$HA_DIR/dad-trigger conf0
	conf0=$(counter nd.dad_conflict)
	rm -f "$trig" "$trig.ready"
	ND_TRIGGER=$trig ip netns exec r /usr/bin/python3 "$PROBE" "$R_IF_HOME" "$lla" dad 2 \
		>"$HA_DIR/dad-probe.out" 2>&1 &
	local probe_pid=$!
	lab_wait_for 30 test -e "$trig.ready"
	sim --hoa "$hoa" --seq 1 --lifetime 25 --flags AHL --wait 6 >"$HA_DIR/dad-sim.out" 2>&1 &
	local sim_pid=$!
	# scapy takes ~10 s to start in the lab, longer on a busy host.
	lab_wait_for 40 grep -q "DAD for $lla started" "$HA_DIR/ha.log"
	touch "$trig"
	wait "$sim_pid" || true
	wait "$probe_pid" || true
	echo "sim: $(cat "$HA_DIR/dad-sim.out")"
	echo "probe: $(cat "$HA_DIR/dad-probe.out")"
	[[ "$(cat "$HA_DIR/dad-sim.out")" == "BA status=134 seq=1 "* ]]
	# Not defended: the address was not the home agent's to answer for.
	[[ "$(cat "$HA_DIR/dad-probe.out")" != *"smac=$HA_MAC"* ]]
	[ "$(counter nd.dad_conflict)" -eq $((conf0 + 1)) ]
	grep -q "DAD for $hoa failed: its link-local address $lla is in use" "$HA_DIR/ha.log"
	no_binding "$hoa"
}
