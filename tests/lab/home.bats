#!/usr/bin/env bats
# Home registration end to end (issue 6): the real home agent (namespace
# ha) and mobile node (namespace mn), both mip6-priv with the lab
# configurations tests/lab/conf/ha.yaml and mn.yaml (ipsec: required,
# manual ESP keys).  The mobile node starts on foreign link 1, moves to
# foreign link 2, then comes home; the correspondent (cn) pings the home
# address throughout.  Captures on foreign link 1 and 2 (router r's side)
# and on the home link (the home agent's side) are the independent
# oracle, decoded with tcpdump -v; the home agent's kernel state is the
# other.  Tests run in order and build on each other.
#
# Handover figures are printed as TAP diagnostics ("# ..."), never
# asserted: they depend on the machine.

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/roam.bash
. "$BATS_TEST_DIRNAME/roam.bash"

IVAL=0.05	# ping interval (s)

setup_file() {
	rm -rf "$ROAM_DIR"
	lab_topo_up f1
	# The mobile node's address on foreign link 1 exists before the
	# daemons start: the mobile node must find it in the kernel's dump.
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null
	roam_capture_start f1 r "$R_IF_F1"
	roam_capture_start f2 r "$R_IF_F2"
	roam_capture_start home ha "$HA_IF"
}

teardown_file() {
	local p
	for p in "$ROAM_DIR"/*.ping.pid; do
		[ -e "$p" ] && roam_ping_stop "$(basename "$p" .ping.pid)" >/dev/null
	done
	lab_kill_pidfile "$ROAM_DIR/tcp-client.pid"
	lab_kill_pidfile "$ROAM_DIR/tcp-serve.pid"
	roam_stop mn
	roam_stop ha
	lab_topo_down
}

teardown() {
	# A failed test shows what the daemons said.
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		echo "--- home agent log (last lines)"
		tail -n 25 "$(roam_log ha)" 2>/dev/null
		echo "--- mobile node log (last lines)"
		tail -n 25 "$(roam_log mn)" 2>/dev/null
	fi
}

# A figure for the TAP stream (bats passes fd 3 through).
figure() {
	echo "# $*" >&3
}

# Both daemons must run for the story's later steps.
need_daemons() {
	[ -s "$ROAM_DIR/ha.pid" ] && [ -s "$ROAM_DIR/mn.pid" ] ||
		skip "the daemons did not start (first test)"
}

@test "the home agent and the mobile node start; both kernels hold the ESP keys" {
	roam_start ha
	roam_start mn
	run roam_ctl ha status
	[ "$status" -eq 0 ]
	[[ "$output" == *"role: ha"* ]]
	run roam_ctl mn status
	[ "$status" -eq 0 ]
	[[ "$output" == *"role: mn"* ]]
	# RFC 3776 manual SAs from the configuration, in both directions.
	local ns
	for ns in ha mn; do
		run ip -n "$ns" xfrm state
		[[ "$output" == *"src $MN_HOA dst $HA_ADDR"*"proto esp spi 0x00001000 "* ]]
		[[ "$output" == *"src $HA_ADDR dst $MN_HOA"*"proto esp spi 0x00001001 "* ]]
	done
}

@test "on foreign link 1 the mobile node registers; Binding Update and Acknowledgement travel under ESP" {
	need_daemons
	roam_wait_binding "$MN_COA_F1" 20
	roam_wait_mn "registered $MN_COA_F1" 10
	# The binding as the home agent shows it, and the mobile node's list.
	run roam_ctl ha show bindings
	[ "$status" -eq 0 ]
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F1 "* ]]
	run roam_ctl mn show bul
	[ "$status" -eq 0 ]
	[[ "$output" == *"$MN_COA_F1"* ]]
	[[ "$output" == *registered* ]]
	# The home agent defends the home address on the home link.
	run ip -n ha -6 neigh show proxy
	[[ "$output" == *"$MN_HOA dev $HA_IF "* ]]
	# On the wire: the BU from the care-of address with the Home
	# Address option, the BA to it with the type 2 routing header, both
	# ESP with the configured SPIs; no Mobility Header in clear.
	roam_wait_count f1 1 5 "^$HA_ADDR > $MN_COA_F1: " "[0]$MN_HOA" "ESP(spi=$ROAM_SPI_BA"
	[ "$(roam_count f1 "^$MN_COA_F1 > $HA_ADDR: " "homeaddr: $MN_HOA" "ESP(spi=$ROAM_SPI_BU")" -ge 1 ]
	[ "$(roam_count f1 "mobility:")" -eq 0 ]
}

@test "the correspondent pings the home address: every reply comes back through the tunnel" {
	need_daemons
	roam_ping_start p1 "$IVAL"
	roam_ping_wait p1 20 15
	roam_ping_stop p1
	roam_ping_count p1
	figure "ping through the tunnel: $PING_RECV of $PING_SENT answered"
	[ "$PING_RECV" -ge 20 ]
	[ "$PING_LOST" -eq 0 ]
	# On foreign link 1 the echo requests arrive in ip6ip6 from the
	# home agent to the care-of address, the replies leave in ip6ip6
	# from the care-of address to the home agent; nothing in clear.
	roam_wait_count f1 "$PING_RECV" 5 "^$MN_COA_F1 > $HA_ADDR: " "$MN_HOA > $CN_ADDR: " "echo reply" || true
	local req rep
	req=$(roam_count f1 "^$HA_ADDR > $MN_COA_F1: " "$CN_ADDR > $MN_HOA: " "echo request")
	rep=$(roam_count f1 "^$MN_COA_F1 > $HA_ADDR: " "$MN_HOA > $CN_ADDR: " "echo reply")
	echo "tunnelled: $req requests, $rep replies; ping: $PING_RECV replies"
	[ "$req" -ge "$PING_RECV" ]
	[ "$rep" -ge "$PING_RECV" ]
	[ "$(roam_count f1 "^$CN_ADDR > $MN_HOA: ")" -eq 0 ]
	[ "$(roam_count f1 "^$MN_HOA > $CN_ADDR: ")" -eq 0 ]
}

@test "on foreign link 2 the mobile node re-registers and the ping goes on (handover time, loss)" {
	need_daemons
	roam_ping_start p2 "$IVAL"
	roam_ping_wait p2 10 15
	roam_move f2
	roam_wait_binding "$MN_COA_F2" 30
	roam_wait_mn "registered $MN_COA_F2" 10
	roam_ping_wait p2 20 15
	roam_ping_stop p2
	roam_ping_count p2
	run roam_ctl ha show bindings
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F2 "* ]]
	run roam_ctl mn show bul
	[[ "$output" == *"$MN_COA_F2"* ]]
	roam_wait_count f2 1 5 "^$HA_ADDR > $MN_COA_F2: " "[0]$MN_HOA" "ESP(spi=$ROAM_SPI_BA" || true
	local bu ba tun cn
	bu=$(roam_first f2 "$ROAM_T_UP" "^$MN_COA_F2 > $HA_ADDR: " "homeaddr: $MN_HOA" "ESP(spi=$ROAM_SPI_BU") || true
	ba=$(roam_first f2 "$ROAM_T_UP" "^$HA_ADDR > $MN_COA_F2: " "[0]$MN_HOA" "ESP(spi=$ROAM_SPI_BA") || true
	tun=$(roam_first f2 "$ROAM_T_UP" "^$MN_COA_F2 > $HA_ADDR: " "$MN_HOA > $CN_ADDR: " "echo reply") || true
	cn=$(roam_ping_first_after p2 "$ROAM_T_UP") || true
	figure "handover f1 -> f2 (link down $(roam_ms "$ROAM_T_DOWN" "$ROAM_T_UP") ms; times from plugging in, which took $(roam_ms "$ROAM_T_UP" "$ROAM_T_PLUGGED") ms):" \
		"BU after $(roam_ms "$ROAM_T_UP" "$bu") ms, BA after $(roam_ms "$ROAM_T_UP" "$ba") ms," \
		"first echo reply through the new care-of address after $(roam_ms "$ROAM_T_UP" "$tun") ms" \
		"(at the correspondent $(roam_ms "$ROAM_T_UP" "$cn") ms)"
	figure "ping during the handover: $PING_LOST of $PING_SENT lost (one every $IVAL s)"
	[ -n "$bu" ] || { echo "no ESP BU from $MN_COA_F2 on foreign link 2"; return 1; }
	[ -n "$ba" ] || { echo "no ESP BA to $MN_COA_F2 on foreign link 2"; return 1; }
	[ -n "$tun" ] || { echo "no echo reply tunnelled from $MN_COA_F2"; return 1; }
	[ -n "$cn" ] || { echo "no reply at the correspondent after the move"; return 1; }
	[ "$ba" -gt "$bu" ]
	[ "$PING_RECV" -ge 30 ]
}

@test "back home the mobile node deregisters, the ping goes on natively, the home agent's binding, tunnel route and proxy ND are gone" {
	need_daemons
	roam_ping_start p3 "$IVAL"
	roam_ping_wait p3 10 15
	roam_move home
	roam_wait_clean 30
	roam_wait_mn "home $MN_HOA" 10
	roam_ping_wait p3 20 15
	roam_ping_stop p3
	roam_ping_count p3
	run roam_ctl ha show bindings
	[ "$status" -eq 0 ]
	[[ "$output" != *"$MN_HOA"* ]]
	run ip -n ha -6 route show table all proto 158
	[[ "$output" != *"$MN_HOA"* ]]
	run ip -n ha -6 neigh show proxy
	[[ "$output" != *"$MN_HOA"* ]]
	# The deregistration on the home link (from the home address, ESP),
	# then the replies leave the mobile node natively.
	roam_decode home
	local bu ba nat
	bu=$(roam_first home "$ROAM_T_UP" "^$MN_HOA > $HA_ADDR: " "ESP(spi=$ROAM_SPI_BU") || true
	ba=$(roam_first home "$ROAM_T_UP" "^$HA_ADDR > $MN_HOA: " "ESP(spi=$ROAM_SPI_BA") || true
	nat=$(roam_first home "$ROAM_T_UP" "^$MN_HOA > $CN_ADDR: " "echo reply") || true
	figure "return home (link down $(roam_ms "$ROAM_T_DOWN" "$ROAM_T_UP") ms; times from plugging in, which took $(roam_ms "$ROAM_T_UP" "$ROAM_T_PLUGGED") ms):" \
		"deregistration BU after $(roam_ms "$ROAM_T_UP" "$bu") ms, BA after $(roam_ms "$ROAM_T_UP" "$ba") ms," \
		"first native echo reply after $(roam_ms "$ROAM_T_UP" "$nat") ms"
	figure "ping while coming home: $PING_LOST of $PING_SENT lost (one every $IVAL s)"
	[ -n "$bu" ] || { echo "no ESP deregistration BU from $MN_HOA on the home link"; return 1; }
	[ -n "$ba" ] || { echo "no ESP BA to $MN_HOA on the home link"; return 1; }
	[ -n "$nat" ] || { echo "no native echo reply from $MN_HOA on the home link"; return 1; }
	[ "$PING_RECV" -ge 30 ]
	# Once the replies come natively, the home agent tunnels nothing
	# for the home address any more.
	local late
	late=$(roam_first home "$nat" "^$HA_ADDR > " "$CN_ADDR > $MN_HOA: ") || true
	[ -z "$late" ]
}

@test "the Binding Acknowledgement to the deregistration goes straight to the home address, not through the tunnel" {
	need_daemons
	# Captured on the home link during the previous test: the first
	# BU from the home address gets its BA on the home link at once.
	[ -s "$LAB_CAPDIR/home.txt" ] || skip "no return home captured (previous test)"
	local tunnelled
	tunnelled=$(roam_count home "^$HA_ADDR > $MN_COA_F2: " "$HA_ADDR > $MN_HOA: " "ESP(spi=$ROAM_SPI_BA")
	roam_grep home "$HA_ADDR > $MN_HOA: " "ESP(spi=$ROAM_SPI_BA"
	[ "$tunnelled" -eq 0 ]
}

# Echoes the TCP client logged at or after US (tcpkeep.py's "USEC SEQ").
tcp_echoes_after() {
	local n=0 us seq
	while read -r us seq; do
		[[ "$us" =~ ^[0-9]+$ ]] && [ "$us" -ge "$2" ] && n=$((n + 1))
	done <"$1"
	echo "$n"
}

tcp_has_echoes() {
	[ "$(tcp_echoes_after "$1" "$2")" -ge "$3" ]
}

# The longest pause (ms) between two echoes, for pauses that end between
# US and US2.
tcp_pause() {
	local prev='' max=0 us seq
	while read -r us seq; do
		[[ "$us" =~ ^[0-9]+$ ]] || continue
		if [ -n "$prev" ] && [ "$us" -ge "$2" ] && [ "$us" -le "$3" ] &&
		    [ $((us - prev)) -gt "$max" ]; then
			max=$((us - prev))
		fi
		prev=$us
	done <"$1"
	roam_ms 0 "$max"
}

@test "a TCP connection to the home address survives leaving home for foreign link 1 and coming back" {
	need_daemons
	[ "$(roam_mn_state)" = "home $MN_HOA" ] || skip "the mobile node is not at home (previous test)"
	local log=$ROAM_DIR/tcp.log t_start t_f1 t_home now
	: >"$log"
	ip netns exec mn /usr/bin/python3 "$BATS_TEST_DIRNAME/tcpkeep.py" serve 7007 \
		>"$ROAM_DIR/tcp-serve.out" 2>&1 </dev/null 3>&- &
	echo $! >"$ROAM_DIR/tcp-serve.pid"
	lab_wait_for 20 lab_file_has "$ROAM_DIR/tcp-serve.out" listening
	ip netns exec cn /usr/bin/python3 "$BATS_TEST_DIRNAME/tcpkeep.py" client "$MN_HOA" 7007 "$log" \
		</dev/null >/dev/null 2>&1 3>&- &
	echo $! >"$ROAM_DIR/tcp-client.pid"
	t_start=$(roam_now)
	lab_wait_for 20 tcp_has_echoes "$log" "$t_start" 5
	# Away: the connection now runs through the tunnel.
	roam_move f1
	t_f1=$ROAM_T_DOWN
	roam_wait_binding "$MN_COA_F1" 30
	lab_wait_for 20 tcp_has_echoes "$log" "$ROAM_T_PLUGGED" 5
	# Home again.
	roam_move home
	t_home=$ROAM_T_DOWN
	roam_wait_clean 30
	lab_wait_for 20 tcp_has_echoes "$log" "$ROAM_T_PLUGGED" 5
	now=$(roam_now)
	lab_kill_pidfile "$ROAM_DIR/tcp-client.pid"
	lab_kill_pidfile "$ROAM_DIR/tcp-serve.pid"
	figure "TCP connection to the home address: longest pause $(tcp_pause "$log" "$t_f1" "$t_home") ms leaving home," \
		"$(tcp_pause "$log" "$t_home" "$now") ms coming back"
	# One connection, from the correspondent to the home address, never broken.
	run cat "$log"
	[[ "$output" == "connected $CN_ADDR"* ]]
	[[ "$output" != *error* ]]
	# Away, its segments went through the tunnel on foreign link 1.
	roam_decode f1
	local n
	n=$(roam_first f1 "$t_f1" "^$MN_COA_F1 > $HA_ADDR: " "$MN_HOA.7007 > $CN_ADDR.") || true
	[ -n "$n" ]
}

@test "a short binding is refreshed before it runs out: the mobile node stays registered over four lifetimes" {
	need_daemons
	[ "$(roam_mn_state)" = "home $MN_HOA" ] || skip "the mobile node is not at home (previous test)"
	# The same mobile node asking for 6 s (restarted at home).
	roam_stop mn
	local conf=$ROAM_DIR/mn-short.yaml line
	while IFS= read -r line; do
		[[ "$line" == "  lifetime: "* ]] && line="  lifetime: 6s"
		echo "$line"
	done <"$ROAM_CONF/mn.yaml" >"$conf"
	roam_start mn "$conf"
	roam_move f1
	roam_wait_binding "$MN_COA_F1" 30
	roam_wait_mn "registered $MN_COA_F1" 10
	run roam_ctl ha show bindings
	# 6 s goes out in units of 4 s, rounded down (mip6.yaml(5)).
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F1 "*" lifetime=4 "* ]]
	local accepted=${output#* accepted=}
	accepted=${accepted%% *}
	# Over four lifetimes later the binding is still there, refreshed.
	lab_sleep 18
	run roam_ctl ha show bindings
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F1 "* ]]
	local now=${output#* accepted=}
	now=${now%% *}
	figure "binding refreshes in 18 s with a 4 s lifetime: $((now - accepted))"
	[ "$now" -ge $((accepted + 4)) ]
	# It never ran out in between.
	run roam_ctl ha show stats
	[[ "$output" =~ binding\.expired\ +0($'\n'|$) ]]
	roam_wait_mn "registered $MN_COA_F1" 5
	lab_wait_ping cn "$MN_HOA" 5
}
