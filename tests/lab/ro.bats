#!/usr/bin/env bats
# Route optimization end to end (issue 7, the mobile node's side): the
# real home agent (ha, tests/lab/conf/ha-noipsec.yaml), the real
# correspondent (cn, mip6-sig with tests/lab/conf/cn.yaml) and the mobile
# node (mn, tests/lab/conf/mn-ro.yaml: route-optimization towards the
# correspondent, a 20 s correspondent lifetime).  The mobile node starts
# on foreign link 1, moves to foreign link 2, meets a restarted
# correspondent, comes home.  Captures on the foreign links (router r's
# side) and on the home link are the independent oracle (tcpdump -v);
# the kernels' XFRM states are the other.  Tests run in order and build
# on each other.  Figures are TAP diagnostics ("# ..."), never asserted.

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/roam.bash
. "$BATS_TEST_DIRNAME/roam.bash"

IVAL=0.05	# ping interval (s)

setup_file() {
	rm -rf "$ROAM_DIR"
	lab_topo_up f1
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null
	roam_capture_start f1 r "$R_IF_F1"
	roam_capture_start f2 r "$R_IF_F2"
	roam_capture_start home ha "$HA_IF"
}

teardown_file() {
	local p
	mn_flood_stop
	for p in "$ROAM_DIR"/*.ping.pid; do
		[ -e "$p" ] && roam_ping_stop "$(basename "$p" .ping.pid)" >/dev/null
	done
	roam_stop mn
	roam_stop ha
	roam_stop cn
	lab_topo_down
}

teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		echo "--- mobile node log (last lines)"
		tail -n 40 "$(roam_log mn)" 2>/dev/null
		echo "--- correspondent log (last lines)"
		tail -n 15 "$(roam_log cn)" 2>/dev/null
	fi
}

figure() {
	echo "# $*" >&3
}

need_daemons() {
	if [ ! -s "$ROAM_DIR/ha.pid" ] || [ ! -s "$ROAM_DIR/mn.pid" ] ||
		[ ! -s "$ROAM_DIR/cn.pid" ]; then
		skip "the daemons did not start (first test)"
	fi
}

# The correspondent's mip6-priv; its role socket is sig.sock.
cn_start() {
	# A fresh log: its "serving" line is this start's.
	[ -f "$ROAM_DIR/cn.log" ] && cat "$ROAM_DIR/cn.log" >>"$ROAM_DIR/cn.old.log"
	: >"$ROAM_DIR/cn.log"
	ip netns exec cn "$ROAM_BIN/mip6-priv" -d -f "$ROAM_CONF/cn.yaml" \
		>>"$ROAM_DIR/cn.log" 2>&1 </dev/null 3>&- &
	echo $! >"$ROAM_DIR/cn.pid"
	lab_wait_for 30 lab_file_has "$ROAM_DIR/cn.log" "serving $ROAM_CTLDIR/sig.sock"
}

cn_ctl() {
	"$ROAM_BIN/mip6ctl" -s "$ROAM_CTLDIR/sig.sock" "$@"
}

cn_no_binding() {
	[ -z "$(cn_ctl show bindings)" ]
}

# How many lines of the mobile node's log hold TEXT.
mn_log_count() {
	local n=0 line
	while IFS= read -r line; do
		[[ "$line" == *"$1"* ]] && n=$((n + 1))
	done <"$(roam_log mn)"
	echo "$n"
}

mn_log_has_n() {
	[ "$(mn_log_count "$1")" -ge "$2" ]
}

# Until the mobile node's log holds TEXT at least N times.
wait_mn_log() {
	lab_wait_for "$3" mn_log_has_n "$1" "$2" || {
		echo "no '$1' (x$2) in the mobile node's log after $3 s" >&2
		return 1
	}
}

# The last number after TEXT in the mobile node's log.
mn_log_number() {
	local line v=''
	while IFS= read -r line; do
		if [[ "$line" == *"$1"* ]]; then
			v=${line##*"$1"}
			v=${v%%[!0-9]*}
		fi
	done <"$(roam_log mn)"
	echo "$v"
}

# The route-optimization state line of `mip6ctl show bul` for the CN.
mn_cn_line() {
	local line
	while IFS= read -r line; do
		[[ "$line" == "correspondent "*" $CN_ADDR "* ]] && echo "$line"
	done < <(roam_ctl mn show bul 2>/dev/null)
}

mn_cn_bound_at() {
	[[ "$(mn_cn_line)" == *" state=bound care-of=$1 kernel=installed "* ]]
}

# The last number just before TEXT in the mobile node's log.
mn_log_number_before() {
	local line v=''
	while IFS= read -r line; do
		if [[ "$line" == *"$1"* ]]; then
			v=${line%%"$1"*}
			v=${v%"${v##*[0-9]}"}
			v=${v##*[!0-9]}
		fi
	done <"$(roam_log mn)"
	echo "$v"
}

@test "home agent, correspondent and mobile node start; the mobile node binds at the correspondent after the return routability test" {
	roam_start ha "$ROAM_CONF/ha-noipsec.yaml"
	cn_start
	roam_start mn "$ROAM_CONF/mn-ro.yaml"
	roam_wait_mn "registered $MN_COA_F1" 20
	lab_wait_for 20 mn_cn_bound_at "$MN_COA_F1"
	run mn_log_count "ro $CN_ADDR: bound at care-of $MN_COA_F1"
	[ "$output" -ge 1 ]
	figure "return routability test: $(mn_log_number "return routability done in ") ms;" \
		"home BA to correspondent binding: $(mn_log_number "home agent path ") ms"
	# The correspondent holds the binding for the home address at the
	# care-of address, with its kernel states.
	run cn_ctl show bindings
	echo "$output"
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F1 cn=$CN_ADDR "*"kernel=installed"* ]]
}

@test "the mobile node's kernel holds the route-optimization states: Home Address option to the correspondent, routing header from it, both for the care-of address" {
	need_daemons
	run ip -n mn xfrm state list proto hao
	echo "$output"
	[[ "$output" == *"src $MN_HOA dst $CN_ADDR"*"coa $MN_COA_F1"* ]]
	run ip -n mn xfrm state list proto route2
	echo "$output"
	[[ "$output" == *"src $CN_ADDR dst $MN_HOA"*"coa $MN_COA_F1"* ]]
	run ip -n mn xfrm policy list src "$MN_HOA/128" dst "$CN_ADDR/128" dir out
	echo "$output"
	[[ "$output" == *"proto hao "* ]]
}

@test "mip6ctl show bul lists the correspondent with its return routability state (text and JSON)" {
	need_daemons
	run roam_ctl mn show bul
	echo "$output"
	[[ "$output" == *"state            registered"* ]]
	[[ "$output" == *"correspondent    $CN_ADDR state=bound care-of=$MN_COA_F1 kernel=installed home-token=valid care-of-token=valid "* ]]
	run roam_ctl mn -j show bul
	echo "$output"
	python3 - "$output" "$CN_ADDR" "$MN_COA_F1" <<-'EOF'
	import json, sys
	d = json.loads(sys.argv[1])
	assert d["bul"][0]["state"] == "registered", d
	c = d["correspondents"]
	assert len(c) == 1, c
	c = c[0]
	assert c["correspondent"] == sys.argv[2], c
	assert c["state"] == "bound" and c["bound"] and c["kernel"], c
	assert c["care_of_address"] == sys.argv[3], c
	assert c["home_token"] == "valid" and c["care_of_token"] == "valid", c
	assert 0 < c["lifetime_granted"] <= 420, c
	EOF
}

@test "the correspondent's ping to the home address travels directly: routing header to the care-of address, Home Address option back, no tunnel through the home agent" {
	need_daemons
	roam_capture_start ro-f1 r "$R_IF_F1"
	roam_capture_start ro-home ha "$HA_IF"
	run lab_ns cn ping -c 10 -i 0.1 -W 2 "$MN_HOA"
	echo "$output"
	[ "$status" -eq 0 ]
	lab_capture_stop ro-f1 >/dev/null
	lab_capture_stop ro-home >/dev/null
	roam_decode ro-f1
	roam_decode ro-home
	local direct back tunnelled home
	direct=$(roam_count ro-f1 "^$CN_ADDR > $MN_COA_F1: " "[0]$MN_HOA" "echo request")
	back=$(roam_count ro-f1 "^$MN_COA_F1 > $CN_ADDR: " "homeaddr: $MN_HOA" "echo reply")
	tunnelled=$(roam_count ro-f1 "^$HA_ADDR > $MN_COA_F1: " "echo")
	home=$(roam_count ro-home "$MN_HOA" "echo")
	roam_grep ro-f1 "echo" | head -n 4
	echo "direct=$direct back=$back tunnelled=$tunnelled home-link=$home"
	[ "$direct" -ge 10 ]
	[ "$back" -ge 10 ]
	[ "$tunnelled" -eq 0 ]
	[ "$home" -eq 0 ]
}

@test "after a move to foreign link 2 route optimization is established again; the time on the home agent's path is printed" {
	need_daemons
	local before t_tun t_direct n_tun
	before=$(mn_log_count "ro $CN_ADDR: bound at care-of $MN_COA_F2")
	roam_ping_start move "$IVAL"
	roam_ping_wait move 10 10
	roam_move f2
	roam_wait_mn "registered $MN_COA_F2" 20
	lab_wait_for 20 mn_cn_bound_at "$MN_COA_F2"
	roam_ping_wait move 20 10
	roam_ping_stop move
	roam_decode f2
	# On the new link: the first echo request straight from the
	# correspondent, and what went through the home agent meanwhile
	# (the correspondent sends to the old care-of address until the new
	# BU; the mobile node's replies use the tunnel until its new binding).
	t_direct=$(roam_first f2 "$ROAM_T_UP" "^$CN_ADDR > $MN_COA_F2: " "[0]$MN_HOA" "echo request")
	t_tun=$(roam_first f2 "$ROAM_T_UP" "$HA_ADDR" "$MN_COA_F2" "$CN_ADDR" "echo") || t_tun=
	n_tun=$(roam_count f2 "$HA_ADDR" "$MN_COA_F2" "$CN_ADDR" "echo")
	roam_ping_count move
	figure "after the move: plug-in to the home BA $(mn_log_number_before " ms after the link change") ms (mobile node's log)," \
		"to the first direct request $(roam_ms "$ROAM_T_UP" "$t_direct") ms;" \
		"home BA to the correspondent's binding $(mn_log_number "home agent path ") ms;" \
		"echo packets through the home agent on the new link: $n_tun${t_tun:+ (the first $(roam_ms "$t_tun" "$t_direct") ms before the first direct one)};" \
		"pings lost $PING_LOST of $PING_SENT"
	[ -n "$t_direct" ]
	[ "$(mn_log_count "ro $CN_ADDR: bound at care-of $MN_COA_F2")" -gt "$before" ]
	run ip -n mn xfrm state list proto hao
	[[ "$output" == *"src $MN_HOA dst $CN_ADDR"*"coa $MN_COA_F2"* ]]
	[[ "$output" != *"coa $MN_COA_F1"* ]]
	run cn_ctl show bindings
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F2 "* ]]
}

@test "the correspondent restarted forgets the binding: a Binding Error sends the mobile node back to the tunnel, then it optimizes again" {
	need_daemons
	local bound_before fb_before
	bound_before=$(mn_log_count "ro $CN_ADDR: bound at care-of $MN_COA_F2")
	fb_before=$(mn_log_count "ro $CN_ADDR: back to the tunnel")
	# Right after a refresh: the next one (a new test that would make a
	# new binding anyway) is 15 s away.
	wait_mn_log "ro $CN_ADDR: refreshed at care-of $MN_COA_F2" \
		$(($(mn_log_count "ro $CN_ADDR: refreshed at care-of $MN_COA_F2") + 1)) 20
	roam_stop cn
	echo "--- correspondent's kernel after the stop"
	ip -n cn xfrm state
	ip -n cn xfrm policy
	cn_start
	echo "--- after the start"
	ip -n cn xfrm state
	run cn_ctl show bindings
	[[ "$output" != *"$MN_HOA"* ]]
	roam_ping_start restart "$IVAL"
	# The mobile node's replies carry the Home Address option: the
	# correspondent answers Binding Error 1; the node falls back.
	wait_mn_log "ro $CN_ADDR: binding error 1" 1 15
	wait_mn_log "ro $CN_ADDR: back to the tunnel" $((fb_before + 1)) 15
	wait_mn_log "ro $CN_ADDR: bound at care-of $MN_COA_F2" $((bound_before + 1)) 30
	roam_ping_wait restart 10 10
	roam_ping_stop restart
	roam_ping_count restart
	figure "correspondent restart: pings lost $PING_LOST of $PING_SENT"
	run cn_ctl show bindings
	echo "$output"
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F2 "*"kernel=installed"* ]]
	[ "$PING_RECV" -ge 10 ]
}

# The mobile node's own traffic to the correspondent, fast (every 5 ms):
# packets meeting the route-optimization policy between its install and
# its states is what once made the re-add fail ("File exists": the kernel
# had made a larval state of the same selector) and parked the
# correspondent for 10 minutes.
mn_flood_start() {
	ip netns exec mn ping -n -q -i 0.005 -I "$MN_HOA" "$CN_ADDR" \
		>"$ROAM_DIR/flood.ping" 2>&1 </dev/null 3>&- &
	echo $! >"$ROAM_DIR/flood.pid"
}

mn_flood_stop() {
	[ -s "$ROAM_DIR/flood.pid" ] && kill -INT "$(cat "$ROAM_DIR/flood.pid")" 2>/dev/null
	rm -f "$ROAM_DIR/flood.pid"
	return 0
}

@test "Binding Error 1 twice in a row while the mobile node sends every 5 ms: back to the tunnel, then optimized again within seconds each time, no kernel refusal" {
	need_daemons
	local round fb bound t0 t1 refused
	lab_wait_for 20 mn_cn_bound_at "$MN_COA_F2"
	refused=$(mn_log_count "File exists")
	# Right after a refresh: the next BU (which would make a new binding
	# at the correspondent without an error) is 15 s away.
	wait_mn_log "ro $CN_ADDR: refreshed at care-of $MN_COA_F2" \
		$(($(mn_log_count "ro $CN_ADDR: refreshed at care-of $MN_COA_F2") + 1)) 20
	mn_flood_start
	roam_ping_start be2 "$IVAL"
	for round in 1 2; do
		fb=$(mn_log_count "ro $CN_ADDR: back to the tunnel through the home agent: binding error 1")
		bound=$(mn_log_count "ro $CN_ADDR: bound at care-of $MN_COA_F2")
		t0=$(date +%s%N)
		# The correspondent forgets the binding and its states: the
		# node's next packet with the Home Address option earns a
		# Binding Error 1.
		run cn_ctl delete binding "$MN_HOA"
		echo "$output"
		[ "$status" -eq 0 ]
		wait_mn_log "ro $CN_ADDR: back to the tunnel through the home agent: binding error 1" $((fb + 1)) 15
		wait_mn_log "ro $CN_ADDR: bound at care-of $MN_COA_F2" $((bound + 1)) 15
		t1=$(date +%s%N)
		lab_wait_for 5 mn_cn_bound_at "$MN_COA_F2"
		figure "round $round: binding deleted at the correspondent -> bound again after $(( (t1 - t0) / 1000000 )) ms (the test's log polling included)"
	done
	mn_flood_stop
	lab_wait_for 5 lab_file_has "$ROAM_DIR/flood.ping" "packets transmitted"
	roam_ping_stop be2
	roam_ping_count be2
	figure "two Binding Errors: the correspondent's pings lost $PING_LOST of $PING_SENT;" \
		"the mobile node's: $(grep "packets transmitted" "$ROAM_DIR/flood.ping")"
	# No kernel refusal, no 10-minute wait.
	[ "$(mn_log_count "File exists")" -eq "$refused" ]
	! grep -q "retry in 600000 ms" "$(roam_log mn)"
	# (a refresh may be running: bound means the correspondent holds it)
	run roam_ctl mn -j show bul
	echo "$output"
	[[ "$output" == *'"bound":true,"kernel":true'* ]]
	[[ "$output" == *'"kernel_refused":0}'* ]]
	run cn_ctl show bindings
	echo "$output"
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F2 "*"kernel=installed"* ]]
	[ "$PING_RECV" -ge 10 ]
}

@test "the binding is refreshed by a new return routability test before it runs out" {
	need_daemons
	local runs
	runs=$(mn_log_count "ro $CN_ADDR: return routability done")
	# 20 s asked: a new test at three quarters of the granted lifetime.
	wait_mn_log "ro $CN_ADDR: return routability done" $((runs + 1)) 25
	lab_wait_for 5 mn_cn_bound_at "$MN_COA_F2"
	[ "$(mn_log_count "ro $CN_ADDR: the binding ran out")" -eq 0 ]
}

@test "back home the mobile node deregisters at the correspondent; no route-optimization state is left" {
	need_daemons
	roam_move home
	roam_wait_mn "home $MN_HOA" 20
	wait_mn_log "ro $CN_ADDR: deregistered" 1 15
	lab_wait_for 5 cn_no_binding
	run ip -n mn xfrm state
	echo "$output"
	[[ "$output" != *"$CN_ADDR"* ]]
	run ip -n mn xfrm policy list dst "$CN_ADDR/128"
	[ -z "$output" ]
	run lab_ns cn ping -c 2 -W 2 "$MN_HOA"
	[ "$status" -eq 0 ]
}

@test "stopping the mobile node leaves no route-optimization state behind" {
	need_daemons
	roam_move f1
	roam_wait_mn "registered $MN_COA_F1" 20
	lab_wait_for 20 mn_cn_bound_at "$MN_COA_F1"
	roam_stop mn
	run ip -n mn xfrm state
	echo "$output"
	[[ "$output" != *"$CN_ADDR"* ]]
	run ip -n mn xfrm policy
	[[ "$output" != *"$CN_ADDR"* ]]
}

@test "route-optimization: all: the correspondent is found by the traffic from the home address (kernel acquire) and optimized; nothing left at the stop" {
	# The mobile node stopped in the test before.
	[ -s "$ROAM_DIR/ha.pid" ] && [ -s "$ROAM_DIR/cn.pid" ] ||
		skip "the daemons did not start (first test)"
	local conf=$ROAM_DIR/mn-all.yaml line before
	while IFS= read -r line; do
		[[ "$line" == "  route-optimization:"* ]] && line="  route-optimization: all"
		echo "$line"
	done <"$ROAM_CONF/mn-ro.yaml" >"$conf"
	before=$(mn_log_count "ro $CN_ADDR: bound at care-of $MN_COA_F1")
	roam_start mn "$conf"
	roam_wait_mn "registered $MN_COA_F1" 20
	# Nothing to optimize before the first packet.
	run mn_cn_line
	[ -z "$output" ]
	run lab_ns cn ping -c 3 -i 0.2 -W 2 "$MN_HOA"
	[ "$status" -eq 0 ]
	wait_mn_log "ro $CN_ADDR: a correspondent (traffic from the home address)" 1 10
	wait_mn_log "ro $CN_ADDR: bound at care-of $MN_COA_F1" $((before + 1)) 20
	lab_wait_for 5 mn_cn_bound_at "$MN_COA_F1"
	# The home agent is never a correspondent.
	[ "$(mn_log_count "ro $HA_ADDR:")" -eq 0 ]
	roam_stop mn
	run ip -n mn xfrm policy
	echo "$output"
	[[ "$output" != *"src $MN_HOA/128 dst ::/0"* ]]
	[[ "$output" != *"$CN_ADDR"* ]]
	run ip -n mn xfrm state
	[[ "$output" != *"$CN_ADDR"* ]]
}

# mn-ro.yaml with some lines replaced: "KEY=VALUE" each (keys under
# mobile-node:), a key not there is added.
mn_conf_with() {
	local line kv key
	while IFS= read -r line; do
		for kv in "$@"; do
			key=${kv%%=*}
			if [[ "$line" == "  $key:"* ]]; then
				line="  $key: ${kv#*=}"
			fi
		done
		echo "$line"
		if [ "$line" = "mobile-node:" ]; then
			for kv in "$@"; do
				key=${kv%%=*}
				grep -q "^  $key:" "$ROAM_CONF/mn-ro.yaml" ||
					echo "  $key: ${kv#*=}"
			done
		fi
	done <"$ROAM_CONF/mn-ro.yaml"
}

@test "route-optimization: all with home-agent: dhaad: once DHAAD found the home agent and it accepted, the trigger is installed and the correspondent found by its ping is optimized, never the home agent" {
	[ -s "$ROAM_DIR/ha.pid" ] && [ -s "$ROAM_DIR/cn.pid" ] ||
		skip "the daemons did not start (first test)"
	local conf=$ROAM_DIR/mn-dhaad-all.yaml found found_cn bound
	mn_conf_with "route-optimization=all" "home-agent=dhaad" >"$conf"
	cat "$conf"
	found=$(mn_log_count "home agent $HA_ADDR found by DHAAD")
	found_cn=$(mn_log_count "ro $CN_ADDR: a correspondent (traffic from the home address)")
	bound=$(mn_log_count "ro $CN_ADDR: bound at care-of $MN_COA_F1")
	roam_start mn "$conf"
	wait_mn_log "home agent $HA_ADDR found by DHAAD" $((found + 1)) 30
	roam_wait_mn "registered $MN_COA_F1" 20
	# The trigger and its bypass for the discovered home agent.
	run ip -n mn xfrm policy
	echo "$output"
	[[ "$output" == *"src $MN_HOA/128 dst ::/0"* ]]
	[[ "$output" == *"src $MN_HOA/128 dst $HA_ADDR/128"* ]]
	run lab_ns cn ping -c 3 -i 0.2 -W 2 "$MN_HOA"
	[ "$status" -eq 0 ]
	wait_mn_log "ro $CN_ADDR: a correspondent (traffic from the home address)" $((found_cn + 1)) 10
	wait_mn_log "ro $CN_ADDR: bound at care-of $MN_COA_F1" $((bound + 1)) 20
	lab_wait_for 5 mn_cn_bound_at "$MN_COA_F1"
	[ "$(mn_log_count "ro $HA_ADDR:")" -eq 0 ]
	run cn_ctl show bindings
	echo "$output"
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F1 "*"kernel=installed"* ]]
	roam_stop mn
	run ip -n mn xfrm policy
	[[ "$output" != *"src $MN_HOA/128 dst ::/0"* ]]
	[[ "$output" != *"$CN_ADDR"* ]]
}

@test "a correspondent that never answers: three rounds of tests, then the mobile node gives up (show bul state=gave-up, nothing more sent) until it moves" {
	[ -s "$ROAM_DIR/ha.pid" ] || skip "the daemons did not start (first test)"
	local silent=2001:db8:c::99 conf=$ROAM_DIR/mn-silent.yaml gave coti line
	# Nobody has that address; max-bindack-timeout 2 s: a round of
	# tests takes 3 s (at 0 and 1 s), the back-off 1 s then 2 s.
	mn_conf_with "route-optimization=[$silent]" "max-bindack-timeout=2s" >"$conf"
	gave=$(mn_log_count "ro $silent: back to the tunnel through the home agent: no HoT/CoT; gave up after 3 rounds")
	roam_start mn "$conf"
	roam_wait_mn "registered $MN_COA_F1" 20
	wait_mn_log "ro $silent: back to the tunnel through the home agent: no HoT/CoT; gave up after 3 rounds" $((gave + 1)) 40
	run roam_ctl mn show bul
	echo "$output"
	[[ "$output" == *"correspondent    $silent state=gave-up "*"fallbacks=3 last-fallback=no HoT/CoT"* ]]
	run roam_ctl mn -j show bul
	[[ "$output" == *'"state":"gave-up"'*'"unanswered_rounds":3'* ]]
	# Nothing more goes out.
	coti=$(mn_log_count "ro $silent: CoTI sent")
	sleep 6
	[ "$(mn_log_count "ro $silent: CoTI sent")" -eq "$coti" ]
	# A move: a new chance (tests from the new care-of address).
	lab_move_mn f2
	roam_wait_mn "registered $MN_COA_F2" 20
	wait_mn_log "ro $silent: CoTI sent" $((coti + 1)) 10
	run roam_ctl mn show bul
	echo "$output"
	# Trying again (a round takes 3 s: it may have ended already).
	[[ "$output" =~ "correspondent    $silent state="(return-routability|tunnel)" " ]]
	roam_stop mn
	lab_move_mn f1
}
