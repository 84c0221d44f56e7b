#!/usr/bin/env bats
# persist-bindings at the correspondent (issue 8): mip6-sig keeps its
# binding cache in STATE-DIR/sig.state, and mip6-priv keeps (after a crash
# of the role) or adopts (after its own restart) the route-optimization
# states of the bindings, so a direct path keeps working.  The real home
# agent (ha), the real mobile node with route optimization (mn, mn-ro.yaml)
# and mip6-sig in the cn namespace (cn.yaml with persist-bindings) as in
# tests/lab/ro.bats.  A ping from the correspondent to the home address
# runs across each fault; the capture on foreign link 1 (router r's side)
# is the independent oracle of the direct path (routing header to the
# care-of address), the mobile node's log and `mip6ctl show bul` say
# whether it ever fell back to the home agent.  Tests build on each other.

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/roam.bash
. "$BATS_TEST_DIRNAME/roam.bash"

IVAL=0.05	# ping interval (s)
MAX_LOST=10	# pings lost per fault, at most (500 ms)

setup_file() {
	rm -rf "$ROAM_DIR"
	mkdir -p "$ROAM_DIR/cnstate"
	{
		cat "$ROAM_CONF/cn.yaml"
	} | while IFS= read -r line; do
		echo "$line"
		if [ "$line" = "common:" ]; then
			echo "  state-dir: $ROAM_DIR/cnstate"
			echo "  persist-bindings: true"
			echo "  state-sync-delay: 200ms"
			echo "  restart-backoff: { min: 1s, max: 1s }"
		fi
	done >"$ROAM_DIR/cn-persist.yaml"
	lab_topo_up f1
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null
}

teardown_file() {
	local p
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
		tail -n 30 "$(roam_log mn)" 2>/dev/null
		echo "--- correspondent log (last lines)"
		tail -n 40 "$ROAM_DIR/cn.log" 2>/dev/null
		ip -n cn xfrm state 2>/dev/null
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

cn_start() {
	: >"$ROAM_DIR/cn.log"
	ip netns exec cn "$ROAM_BIN/mip6-priv" -d -f "$ROAM_DIR/cn-persist.yaml" \
		>>"$ROAM_DIR/cn.log" 2>&1 </dev/null 3>&- &
	echo $! >"$ROAM_DIR/cn.pid"
	lab_wait_for 30 lab_file_has "$ROAM_DIR/cn.log" "serving $ROAM_CTLDIR/sig.sock"
}

cn_ctl() {
	"$ROAM_BIN/mip6ctl" -s "$ROAM_CTLDIR/sig.sock" "$@"
}

sig_pid() {
	pgrep -P "$(cat "$ROAM_DIR/cn.pid")" -x mip6-sig
}

count_in() {
	local n=0 line
	while IFS= read -r line; do
		[[ "$line" == *"$2"* ]] && n=$((n + 1))
	done <"$1"
	echo "$n"
}

mn_log_count() {
	count_in "$(roam_log mn)" "$1"
}

cn_log_count() {
	count_in "$ROAM_DIR/cn.log" "$1"
}

cn_log_more() {
	[ "$(cn_log_count "$1")" -gt "$2" ]
}

mn_cn_line() {
	local line
	while IFS= read -r line; do
		[[ "$line" == "correspondent "*" $CN_ADDR "* ]] && echo "$line"
	done < <(roam_ctl mn show bul 2>/dev/null)
}

mn_cn_bound_at() {
	[[ "$(mn_cn_line)" == *" state=bound care-of=$1 kernel=installed "* ]]
}

cn_bound() {
	[[ "$(cn_ctl show bindings 2>/dev/null)" == *"hoa=$MN_HOA coa=$MN_COA_F1 cn=$CN_ADDR "*"kernel=installed"* ]]
}

sf_dump() {
	"$ROAM_BIN/tests/test_statefile" dump "$ROAM_DIR/cnstate/sig.state" 2
}

file_has_binding() {
	[[ "$(sf_dump 2>/dev/null)" == *"hoa=$MN_HOA coa=$MN_COA_F1 "*"cn=$CN_ADDR"* ]]
}

# The direct path on foreign link 1 across a fault: FAULT runs with the
# ping going; prints the figure; checks the mobile node never fell back.
across_fault() {
	local name=$1 fault=$2 be fb direct tunnelled
	be=$(mn_log_count "ro $CN_ADDR: binding error")
	fb=$(mn_log_count "ro $CN_ADDR: back to the tunnel")
	roam_capture_start "$name" r "$R_IF_F1"
	roam_ping_start "$name" "$IVAL"
	roam_ping_wait "$name" 20 10
	$fault || return 1
	roam_ping_wait "$name" 40 20
	roam_ping_stop "$name"
	lab_capture_stop "$name" >/dev/null
	roam_decode "$name"
	roam_ping_count "$name"
	direct=$(roam_count "$name" "^$CN_ADDR > $MN_COA_F1: " "[0]$MN_HOA" "echo request")
	tunnelled=$(roam_count "$name" "^$HA_ADDR > $MN_COA_F1: " "$CN_ADDR" "echo")
	figure "$name: pings lost $PING_LOST of $PING_SENT (every ${IVAL}s);" \
		"echo requests direct $direct, through the home agent $tunnelled"
	echo "binding errors: $be -> $(mn_log_count "ro $CN_ADDR: binding error")"
	[ "$(mn_log_count "ro $CN_ADDR: binding error")" -eq "$be" ]
	[ "$(mn_log_count "ro $CN_ADDR: back to the tunnel")" -eq "$fb" ]
	mn_cn_bound_at "$MN_COA_F1"
	[ "$tunnelled" -eq 0 ]
	[ "$direct" -ge 50 ]
	[ "$PING_LOST" -le "$MAX_LOST" ]
}

@test "with persist-bindings the correspondent's binding reaches sig.state after the return routability test" {
	roam_start ha "$ROAM_CONF/ha-noipsec.yaml"
	cn_start
	roam_start mn "$ROAM_CONF/mn-ro.yaml"
	roam_wait_mn "registered $MN_COA_F1" 20
	lab_wait_for 20 mn_cn_bound_at "$MN_COA_F1"
	lab_wait_for 5 cn_bound
	lab_wait_for 5 file_has_binding
	run sf_dump
	echo "$output"
	[ "${#lines[@]}" -eq 1 ]
	run ip -n cn xfrm state list proto route2
	[[ "$output" == *"src $CN_ADDR dst $MN_HOA"*"coa $MN_COA_F1"* ]]
}

kill_sig() {
	local old
	old=$(sig_pid)
	SERVING=$(cn_log_count "serving $ROAM_CTLDIR/sig.sock")
	kill -9 "$old"
	lab_wait_for 30 cn_log_more "serving $ROAM_CTLDIR/sig.sock" "$SERVING"
}

@test "kill -9 mip6-sig: the binding is back from sig.state with its states kept; the ping stays on the direct path" {
	need_daemons
	restored=$(cn_log_count "restored 1 binding(s) from the state file (0 expired")
	across_fault sig-kill kill_sig
	[ "$(cn_log_count "restored 1 binding(s) from the state file (0 expired")" -gt "$restored" ]
	run cn_ctl show bindings
	echo "$output"
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F1 cn=$CN_ADDR "*"kernel=installed"* ]]
	# no Binding Error went out
	run cn_ctl show stats
	echo "$output"
	if [[ "$output" =~ tx\.be_status\.1[^0-9]+([0-9]+) ]]; then
		[ "${BASH_REMATCH[1]}" -eq 0 ]
	fi
}

kill_priv() {
	kill -9 "$(sig_pid)" "$(cat "$ROAM_DIR/cn.pid")"
	lab_wait_for 5 bash -c "! kill -0 $(cat "$ROAM_DIR/cn.pid") 2>/dev/null"
	cn_start
}

@test "kill -9 mip6-priv and mip6-sig, start again: the states are adopted and claimed by the restored binding; the ping stays direct" {
	need_daemons
	across_fault priv-kill kill_priv
	grep -q "restored 1 binding(s) from the state file (0 expired" "$ROAM_DIR/cn.log"
	! grep -q "no binding for" "$ROAM_DIR/cn.log"
	run cn_ctl show bindings
	echo "$output"
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F1 cn=$CN_ADDR "*"kernel=installed"* ]]
	run ip -n cn xfrm state list proto route2
	echo "$output"
	[[ "$output" == *"src $CN_ADDR dst $MN_HOA"*"coa $MN_COA_F1"* ]]
	# mip6-priv's table holds the adopted states as the binding's one
	# route-optimization object (the form its claim has), nothing else
	run cn_ctl show kernel
	echo "$output"
	[ "$(grep -c "ro hoa $MN_HOA peer $CN_ADDR coa $MN_COA_F1 as cn" <<<"$output")" -eq 1 ]
	[ "$(grep -c "$MN_HOA" <<<"$output")" -eq 1 ]
}

stop_start() {
	roam_stop cn
	# the stop kept the binding's states
	ip -n cn xfrm state list proto route2 | grep -q "dst $MN_HOA" || {
		echo "no route2 state left after the stop"
		return 1
	}
	cn_start
}

@test "a clean stop and start of mip6-priv: the states stay, the restored binding claims them; the ping stays direct" {
	need_daemons
	across_fault stop-start stop_start
	grep -q "restored 1 binding(s) from the state file (0 expired" "$ROAM_DIR/cn.log"
	! grep -q "no binding for" "$ROAM_DIR/cn.log"
	run cn_ctl show kernel
	echo "$output"
	[ "$(grep -c "ro hoa $MN_HOA peer $CN_ADDR coa $MN_COA_F1 as cn" <<<"$output")" -eq 1 ]
	[ "$(grep -c "$MN_HOA" <<<"$output")" -eq 1 ]
}

@test "states no restored binding claims are removed: a sig.state without the binding, kill -9 mip6-sig; the mobile node falls back to its home agent" {
	need_daemons
	local fb refreshed
	fb=$(mn_log_count "ro $CN_ADDR: back to the tunnel")
	# Right after a refresh of the mobile node's correspondent binding
	# (the next BU, which would make a new binding, is 15 s away).
	refreshed=$(mn_log_count "ro $CN_ADDR: refreshed at care-of $MN_COA_F1")
	lab_wait_for 25 bash -c "[ \$(grep -c 'ro $CN_ADDR: refreshed at care-of $MN_COA_F1' '$(roam_log mn)') -gt $refreshed ]"
	SERVING=$(cn_log_count "serving $ROAM_CTLDIR/sig.sock")
	kill -9 "$(sig_pid)"
	# While the role is down (restart-backoff 1 s): an empty cache on disk.
	"$ROAM_BIN/tests/test_statefile" write "$ROAM_DIR/cnstate/sig.state" 2 0
	lab_wait_for 30 cn_log_more "serving $ROAM_CTLDIR/sig.sock" "$SERVING"
	lab_wait_for 5 grep -q "sig: removed 1 kernel object(s) no restored binding claimed" "$ROAM_DIR/cn.log"
	grep "no binding for" "$ROAM_DIR/cn.log"
	run ip -n cn xfrm state list proto route2
	echo "$output"
	[[ "$output" != *"dst $MN_HOA"* ]]
	run ip -n cn xfrm policy
	[[ "$output" != *"$MN_HOA/128"* ]]
	run cn_ctl show kernel
	echo "$output"
	[[ "$output" != *"$MN_HOA"* ]]
	# The mobile node learns it from a Binding Error 1 and goes back to
	# the home agent's path (binding again is its business: ro.bats).
	roam_ping_start stale "$IVAL"
	lab_wait_for 20 bash -c "[ \$(grep -c 'ro $CN_ADDR: back to the tunnel through the home agent: binding error 1' '$(roam_log mn)') -gt $fb ]"
	roam_ping_wait stale 10 10
	roam_ping_stop stale
	roam_ping_count stale
	figure "stale states removed: pings lost $PING_LOST of $PING_SENT"
}
