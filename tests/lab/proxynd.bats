#!/usr/bin/env bats
# proxy-nd: daemon (mip6.yaml(5)): the home agent answers the Neighbor
# Solicitations for its bindings' home addresses itself, from a packet
# socket, instead of a kernel proxy ND entry per binding.  The real home
# agent (ha-noipsec.yaml plus proxy-nd: daemon) and mobile node
# (mn-noipsec.yaml) roam; the router's neighbour cache and scapy on the
# router's home interface (tests/lab/ndprobe.py) are the oracles.  Tests
# run in order and build on each other.

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/roam.bash
. "$BATS_TEST_DIRNAME/roam.bash"

PROBE=$BATS_TEST_DIRNAME/ndprobe.py
# ha0's MAC (HA_LL is its EUI-64 link-local address), the mobile node's.
HA_MAC=02:00:00:00:00:02

setup_file() {
	rm -rf "$ROAM_DIR"
	mkdir -p "$ROAM_DIR"
	{
		cat "$ROAM_CONF/ha-noipsec.yaml"
		echo "  proxy-nd: daemon"
	} >"$ROAM_DIR/ha-pnd.yaml"
	lab_topo_up f1
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null
}

teardown_file() {
	lab_kill_pidfile "$ROAM_DIR/p.ping.pid"
	roam_stop mn
	roam_stop ha
	lab_topo_down
}

teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		echo "--- home agent log (last lines)"
		tail -n 30 "$(roam_log ha)" 2>/dev/null
	fi
}

need_daemons() {
	[ -s "$ROAM_DIR/ha.pid" ] && [ -s "$ROAM_DIR/mn.pid" ] ||
		skip "the daemons did not start (first test)"
}

stat_of() {
	roam_ctl ha show stats | awk -v k="$1" '$1 == k { print $2 }'
}

# scapy from the router's home interface: prints the NAs about MN_HOA.
probe() {
	ip netns exec r /usr/bin/python3 "$PROBE" "$R_IF_HOME" "$MN_HOA" "$@"
}

@test "proxy-nd daemon: the mobile node registers from foreign link 1; no proxy ND entry, proxy_ndp untouched" {
	roam_start ha "$ROAM_DIR/ha-pnd.yaml"
	roam_start mn "$ROAM_CONF/mn-noipsec.yaml"
	roam_wait_binding "$MN_COA_F1" 20
	roam_wait_mn "registered $MN_COA_F1" 10
	grep -q "proxy-nd: daemon: answering Neighbor Solicitations" "$(roam_log ha)"
	run ip -n ha -6 neigh show proxy
	echo "proxy entries: '$output'"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(ip netns exec ha cat /proc/sys/net/ipv6/conf/$HA_IF/proxy_ndp)" = 0 ]
}

@test "proxy-nd daemon: the correspondent pings the home address; the router resolves it to the home agent's MAC" {
	need_daemons
	# Forget what the router knows: its next packet needs a fresh NS.
	ip -n r -6 neigh flush to "$MN_HOA" dev "$R_IF_HOME" || true
	local before
	before=$(stat_of nd.answered)
	roam_ping_start p 0.05
	roam_ping_wait p 20 15
	roam_ping_stop p
	roam_ping_count p
	echo "ping: $PING_RECV of $PING_SENT"
	[ "$PING_RECV" -ge 20 ]
	run ip -n r -6 neigh show "$MN_HOA" dev "$R_IF_HOME"
	echo "router: $output"
	[[ "$output" == *"lladdr $HA_MAC "* ]]
	[ "$(stat_of nd.answered)" -gt "$before" ]
	run ip -n ha -6 neigh show proxy
	[ -z "$output" ]
}

@test "proxy-nd daemon: scapy's NS gets one NA from the home agent: R=0 S=1 O=0, hop limit 255, TLLA its MAC" {
	need_daemons
	run probe ns
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "na src="*" smac=$HA_MAC dst=$R_LL_HOME hlim=255 R=0 S=1 O=0 target=$MN_HOA tlla=$HA_MAC" ]]
	# Neighbour unreachability detection: unicast to the home address.
	ND_DST_MAC=$HA_MAC run probe unicast
	echo "$output"
	[[ "${lines[0]}" == *" smac=$HA_MAC "*" R=0 S=1 O=0 target=$MN_HOA tlla=$HA_MAC" ]]
	# Another node's DAD for the bound address: defended, to all-nodes, S=0.
	run probe dad
	echo "$output"
	[[ "$output" == *" smac=$HA_MAC dst=ff02::1 hlim=255 R=0 S=0 O=0 target=$MN_HOA tlla=$HA_MAC"* ]]
}

@test "proxy-nd daemon: a solicitation with hop limit 254 or a bad checksum is counted malformed and not answered" {
	need_daemons
	local hl cs
	hl=$(stat_of nd.malformed.hop_limit)
	cs=$(stat_of nd.malformed.checksum)
	run probe hoplimit 1
	echo "hoplimit: $output"
	[ -z "$output" ]
	run probe badsum 1
	echo "badsum: $output"
	[ -z "$output" ]
	[ "$(stat_of nd.malformed.hop_limit)" -eq $((hl + 1)) ]
	[ "$(stat_of nd.malformed.checksum)" -eq $((cs + 1)) ]
	grep -q "Neighbor Solicitation from .* discarded: hop_limit" "$(roam_log ha)"
	run roam_ctl ha show stats
	[[ "$output" == *$'\nnd.answered '* ]]
	[[ "$output" == *$'\nnd.ignored.not_bound '* ]]
}

@test "proxy-nd daemon: another node's DAD for a home address in DAD fails the registration (134), not answered" {
	need_daemons
	local hoa=${HOME_NET}160 trig=$ROAM_DIR/dad-trigger conf0
	conf0=$(stat_of nd.dad_conflict)
	rm -f "$trig" "$trig.ready"
	ND_TRIGGER=$trig ip netns exec r /usr/bin/python3 "$PROBE" "$R_IF_HOME" "$hoa" dad 2 \
		>"$ROAM_DIR/dad-probe.out" 2>&1 &
	local probe_pid=$!
	lab_wait_for 30 test -e "$trig.ready"
	# A first registration for hoa from a simulated mobile node.
	ip netns exec mn /usr/bin/python3 "$BATS_TEST_DIRNAME/mnsim.py" --ha "$HA_ADDR" \
		--coa "$MN_COA_F1" --hoa "$hoa" --seq 1 --wait 6 >"$ROAM_DIR/dad-sim.out" 2>&1 &
	local sim_pid=$!
	lab_wait_for 10 grep -q "DAD for $hoa started" "$(roam_log ha)"
	touch "$trig"
	wait "$sim_pid" || true
	wait "$probe_pid" || true
	echo "sim: $(cat "$ROAM_DIR/dad-sim.out")"
	echo "probe: $(cat "$ROAM_DIR/dad-probe.out")"
	[[ "$(cat "$ROAM_DIR/dad-sim.out")" == "BA status=134 seq=1 "* ]]
	# The home agent answered nothing for it.
	[[ "$(cat "$ROAM_DIR/dad-probe.out")" != *"smac=$HA_MAC"* ]]
	[ "$(stat_of nd.dad_conflict)" -eq $((conf0 + 1)) ]
	run roam_ctl ha show bindings
	[[ "$output" != *"hoa=$hoa "* ]]
}

@test "proxy-nd daemon: after the deregistration the home agent no longer answers for the home address" {
	need_daemons
	# The mobile node deregisters from foreign link 2 by going home.
	roam_move home
	roam_wait_clean 20
	local ans ign
	ans=$(stat_of nd.answered)
	ign=$(stat_of nd.ignored.not_bound)
	run probe ns
	echo "$output"
	# The mobile node at home may answer for itself (O=1, its MAC); the
	# home agent must not.
	[[ "$output" != *"smac=$HA_MAC"* ]]
	[ "$(stat_of nd.answered)" -eq "$ans" ]
	[ "$(stat_of nd.ignored.not_bound)" -gt "$ign" ]
	run roam_ctl ha show bindings
	[[ "$output" != *"hoa=$MN_HOA "* ]]
}
