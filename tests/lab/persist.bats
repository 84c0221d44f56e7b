#!/usr/bin/env bats
# Bindings survive (issue 8): the real home agent (namespace ha, the lab
# configuration tests/lab/conf/ha.yaml with persist-bindings: true and
# state-sync-delay: 500ms) and the real mobile node on foreign link 1,
# the correspondent pinging the home address every 50 ms.  kill -9 of
# mip6-ha, of mip6-priv, of both, and a clean stop and start: every time
# the binding is back (mip6ctl show bindings), `mip6ctl show kernel`
# matches the kernel, and the ping loses at most the configured window's
# worth of packets (the kernel objects stay in place throughout; each
# fault's loss is printed).  Then: a route that vanished while the home
# agent was down is re-installed, a move after all this is accepted (the
# sequence number survived), and a corrupt state file is moved aside with
# its reason, the role starts empty and removes the kernel objects no
# binding claims.  Tests run in order and build on each other.

ROAM_DIR=/run/lab/persist
[ -d /run/lab ] || ROAM_DIR=${TMPDIR:-/tmp}/lab-persist
# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/roam.bash
. "$BATS_TEST_DIRNAME/roam.bash"

IVAL=0.05		# ping interval (s)
WINDOW_MS=500		# state-sync-delay
# The bound on the packets a fault may cost: the configured window's
# worth.  The forwarding state never leaves the kernel, so the restart
# time (1 s backoff, start-up) does not add to it.
LOSS_MAX=$(( WINDOW_MS / 50 ))
PCONF=$ROAM_DIR/ha-persist.yaml
STATE=$ROAM_DIR/state/ha.state
LOG=$ROAM_DIR/ha.log

setup_file() {
	rm -rf "$ROAM_DIR"
	mkdir -p "$ROAM_DIR/state"
	sed "/^common:/a\\
  persist-bindings: true\\
  state-sync-delay: ${WINDOW_MS}ms\\
  state-dir: $ROAM_DIR/state\\
  restart-backoff: { min: 1s, max: 1s }" "$ROAM_CONF/ha.yaml" >"$PCONF"
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
	lab_topo_down
}

teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		echo "--- home agent log (last lines)"
		tail -n 30 "$LOG" 2>/dev/null
	fi
}

figure() {
	echo "# $*" >&3
}

need_binding() {
	[ -s "$ROAM_DIR/mn.pid" ] && ha_has_binding ||
		skip "no binding at the home agent (an earlier test)"
}

# The home agent's mip6-priv, started in the background; waits until its
# role serves again (one more "serving" line in the log than before).
ha_start() {
	local n
	n=$(serving_count)
	ip netns exec ha "$ROAM_BIN/mip6-priv" -d -f "$PCONF" \
		>>"$LOG" 2>&1 </dev/null 3>&- &
	echo "$!" >"$ROAM_DIR/ha.pid"
	lab_wait_for 30 serving_more "$n"
}

serving_count() {
	local n
	n=$(grep -c "serving $ROAM_CTLDIR/ha.sock" "$LOG" 2>/dev/null)
	echo "${n:-0}"
}

serving_more() {
	[ "$(serving_count)" -gt "$1" ]
}

ha_priv_pid() {
	cat "$ROAM_DIR/ha.pid"
}

ha_role_pid() {
	pgrep -P "$(ha_priv_pid)" -x mip6-ha
}

gone() {
	[ ! -d "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

ha_has_binding() {
	roam_ctl ha show bindings 2>/dev/null |
		grep -q "^hoa=$MN_HOA coa=${1:-$MN_COA_F1} state=active "
}

# "HOA COA" of every tunnel route, and "proxy HOA" of every proxy entry:
# from the kernel, and from `mip6ctl show kernel`.
kernel_view() {
	ip -n ha -6 route show proto 158 | while read -r dst rest; do
		[[ "$rest" == *"encap ip6 "*" dst "* ]] || continue
		rest=${rest#* dst }
		echo "route ${dst%/128} ${rest%% *}"
	done
	ip -n ha -6 neigh show proxy | while read -r a rest; do
		echo "proxy $a"
	done
}

table_view() {
	roam_ctl ha show kernel | while read -r kind a rest; do
		case $kind in
		route) [[ "$rest" == "encap ip6 dst "* ]] || continue
			rest=${rest#encap ip6 dst }
			echo "route ${a%/128} ${rest%% *}" ;;
		proxy) echo "proxy $a" ;;
		esac
	done
}

kernel_matches() {
	local k t
	k=$(kernel_view | sort)
	t=$(table_view | sort)
	if [ "$k" != "$t" ] || [ -z "$k" ]; then
		echo "kernel: $k"
		echo "show kernel: $t"
		return 1
	fi
}

# Replies so far (one grep: the lab's bash is slow at reading a long file).
ping_replies() {
	grep -c ' bytes from ' "$ROAM_DIR/persist.ping" 2>/dev/null || true
}

ping_has() {
	[ "$(ping_replies)" -ge "$1" ]
}

# Until N more replies than now have come.
ping_more() {
	lab_wait_for "${2:-15}" ping_has $(( $(ping_replies) + $1 ))
}

ping_stop() {
	local pid
	[ -s "$ROAM_DIR/persist.ping.pid" ] || return 0
	read -r pid <"$ROAM_DIR/persist.ping.pid"
	rm -f "$ROAM_DIR/persist.ping.pid"
	kill -INT "$pid" 2>/dev/null
	lab_wait_for 5 grep -q "packets transmitted" "$ROAM_DIR/persist.ping"
}

# PING_SENT (highest sequence answered), PING_RECV, PING_LOST.
ping_count() {
	read -r PING_SENT PING_RECV < <(awk '/ bytes from .*icmp_seq=/ && !/DUP!/ {
		s = $0; sub(/.*icmp_seq=/, "", s); sub(/ .*/, "", s)
		if (!(s in seen)) { seen[s] = 1; n++; if (s + 0 > max) max = s + 0 }
	} END { print max + 0, n + 0 }' "$ROAM_DIR/persist.ping")
	PING_LOST=$(( PING_SENT - PING_RECV ))
}

# Ping through FAULT (a function), until the binding is back and 40 more
# replies came; prints the loss and asserts the bound.
through() {
	local what=$1 t0 t1
	shift
	local ts tf
	ts=$(roam_now)
	roam_ping_start persist "$IVAL"
	ping_more 20
	t0=$(roam_now)
	"$@"
	tf=$(roam_now)
	lab_wait_for 20 ha_has_binding
	t1=$(roam_now)
	ping_more 40
	ping_stop
	ping_count
	figure "$what: binding back after $(roam_ms "$t0" "$t1") ms;" \
	    "ping $PING_RECV/$PING_SENT, lost $PING_LOST (bound $LOSS_MAX)" \
	    "[ping up $(roam_ms "$ts" "$t0"), fault $(roam_ms "$t0" "$tf"), after $(roam_ms "$t1" "$(roam_now)") ms]"
	echo "$what: lost $PING_LOST of $PING_SENT" >>"$ROAM_DIR/losses"
	kernel_matches
	[ "$PING_LOST" -le "$LOSS_MAX" ]
}

@test "the home agent registers the mobile node and writes the state file" {
	ha_start
	roam_start mn
	roam_wait_binding "$MN_COA_F1" 20
	lab_wait_for 5 ha_has_binding
	log_has() { grep -q -- "$1" "$LOG"; }
	log_has "bindings persist in $ROAM_DIR/state/ha.state (written at most 500 ms"
	# within the window (the DAD entry alone made an empty file before)
	lab_wait_for 3 bash -c "'$ROAM_BIN/tests/test_statefile' dump '$STATE' 0 | grep -q '^hoa=$MN_HOA '"
	run "$ROAM_BIN/tests/test_statefile" dump "$STATE" 0
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "hoa=$MN_HOA coa=$MN_COA_F1 seq="* ]]
	kernel_matches
}

fault_role() {
	local old
	old=$(ha_role_pid)
	[ -n "$old" ]
	kill -9 "$old"
	lab_wait_for 10 gone "$old"
	# mip6-priv restarts it after its backoff (1 s)
	lab_wait_for 15 bash -c "pgrep -P $(ha_priv_pid) -x mip6-ha | grep -qvx $old"
}

@test "kill -9 mip6-ha: mip6-priv restarts it, the binding is back, the ping goes on" {
	need_binding
	through "kill -9 mip6-ha" fault_role
	grep -q "restored 1 binding(s) from the state file" "$LOG"
}

fault_priv() {
	local p r
	p=$(ha_priv_pid)
	r=$(ha_role_pid)
	kill -9 "$p"
	# the role sees its parent's socket close and exits
	lab_wait_for 10 gone "$r"
	ha_start
}

@test "kill -9 mip6-priv: the role dies with it; a new mip6-priv adopts the kernel objects" {
	need_binding
	through "kill -9 mip6-priv" fault_priv
}

fault_both() {
	local p r
	p=$(ha_priv_pid)
	r=$(ha_role_pid)
	kill -9 "$r" "$p"
	lab_wait_for 10 gone "$r"
	ha_start
}

@test "kill -9 of both: the binding is back and the kernel matches" {
	need_binding
	through "kill -9 both" fault_both
}

fault_restart() {
	roam_stop ha
	ha_start
}

@test "a clean stop and start: the binding is back, the forwarding never stopped" {
	need_binding
	through "stop and start" fault_restart
	grep -q "binding object(s) kept for the next start (persist-bindings)" "$LOG"
}

@test "a tunnel route that vanished while the home agent was down is re-installed" {
	need_binding
	roam_stop ha
	ip -n ha -6 route del "$MN_HOA/128" proto 158
	[ -z "$(ip -n ha -6 route show "$MN_HOA/128")" ]
	ha_start
	lab_wait_for 10 roam_coa_is "$MN_COA_F1"
	ha_has_binding
	kernel_matches
}

@test "a move after all this is accepted: the sequence number survived" {
	need_binding
	roam_move f2
	lab_wait_addr mn "$MN_IF" "$F2_NET" 15 >/dev/null
	roam_wait_binding "$MN_COA_F2" 20
	lab_wait_for 5 ha_has_binding "$MN_COA_F2"
	# the home agent took the mobile node's next number: no 135
	! grep -q "status 135" "$LOG"
	roam_ping_start persist "$IVAL"
	ping_more 10
	ping_stop
	kernel_matches
	# the file follows the move within the window
	lab_wait_for 3 bash -c "'$ROAM_BIN/tests/test_statefile' dump '$STATE' 0 | grep -q 'coa=$MN_COA_F2 '"
}

@test "state-sync-delay 0: a binding acknowledged is in the file; kill -9 right after the BA keeps it" {
	ha_has_binding "$MN_COA_F2" || skip "the mobile node is not on foreign link 2 (an earlier test)"
	sed -i "s/^  state-sync-delay: .*/  state-sync-delay: 0/" "$PCONF"
	roam_stop ha
	ha_start
	grep -q "written at most 0 ms after a change, before the BA" "$LOG"
	lab_wait_for 10 ha_has_binding "$MN_COA_F2"
	roam_move f1
	roam_wait_mn "registered $MN_COA_F1" 20
	# at once: no time for a delayed write
	kill -9 "$(ha_role_pid)"
	lab_wait_for 15 ha_has_binding "$MN_COA_F1"
	grep -q "restored 1 binding(s) from the state file" "$LOG"
	roam_ping_start persist "$IVAL"
	ping_more 10
	ping_stop
	kernel_matches
}

@test "a corrupt state file is moved aside with its reason; the role starts empty and drops the stale kernel objects" {
	[ -s "$STATE" ] || skip "no state file (an earlier test)"
	roam_stop mn
	roam_stop ha
	# the mobile node's deregistration removed the binding: put one back
	# in the file by hand, then break it
	"$ROAM_BIN/tests/test_statefile" write "$STATE" 0 1
	ip -n ha -6 route replace 2001:db8:1::1000/128 encap ip6 dst 2001:db8:2:: \
		dev mip6tnl0 proto 158
	printf '\xff' | dd of="$STATE" bs=1 seek=40 conv=notrunc 2>/dev/null
	ha_start
	grep -q "state file $STATE: record 1 of 1: checksum mismatch; moved aside to $STATE.corrupt-" "$LOG"
	ls "$STATE".corrupt-*
	run roam_ctl ha show bindings
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	lab_wait_for 5 bash -c "[ -z \"\$(ip -n ha -6 route show 2001:db8:1::1000/128)\" ]"
	grep -q "no binding for route 2001:db8:1::1000/128" "$LOG"
	run roam_ctl ha status
	[ "$status" -eq 0 ]
	figure "packets lost per fault: $(tr '\n' ';' <"$ROAM_DIR/losses")"
}
