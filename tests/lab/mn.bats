#!/usr/bin/env bats
# The mobile node (mip6-mn) alone in the lab, against a fake home agent
# (tests/lab/fake_ha.py: scapy on the home agent's link, an independent
# decoder of what goes on the wire, and BAs with a type 2 routing header
# from a raw socket).  The tests run in order: the mobile node registers
# on foreign link 1, moves to foreign link 2, comes home; then
# retransmission timing, status 135, a refusal, ESP, dhaad; last, the
# real home agent (mip6-ha) with ESP and a ping from the home address.
#
# Runs inside the user-mode Linux guest: tests/run.sh tests/lab/mn.bats.

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"

SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
TD=/run/mn-lab

setup_file() {
	rm -rf "$TD"
	mkdir -p "$TD/ctl" "$TD/chroot"
	chmod 0755 "$TD" "$TD/chroot"
	mn_conf disabled 1500ms 1s 32s >"$TD/mn.yaml"
	mn_conf disabled 300ms 300ms 1s >"$TD/fast.yaml"
	mn_conf required 1500ms 1s 32s >"$TD/esp.yaml"
	sed 's/home-agent: .*/home-agent: dhaad/' "$TD/mn.yaml" >"$TD/dhaad.yaml"
	ha_conf >"$TD/ha.yaml"
	sed 's/lifetime: 60s/lifetime: 8s/' "$TD/mn.yaml" >"$TD/short.yaml"
	lab_topo_up none
	echo accept >"$TD/mode"
	ip netns exec ha /usr/bin/python3 "$BATS_TEST_DIRNAME/fake_ha.py" \
	    "$HA_IF" "$HA_ADDR" "$TD" 2>"$TD/fake_ha.err" 3>&- &
	echo $! >"$TD/fake_ha.pid"
	lab_wait_for 60 test -e "$TD/ready" || {
		cat "$TD/fake_ha.err" >&2
		return 1
	}
}

# A failed test leaves no mobile node behind, and shows the fake's errors.
teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		mn_stop
		echo "fake_ha.py stderr:"
		cat "$TD/fake_ha.err"
		echo "bu.log:"
		cat "$TD/bu.log"
		echo "log:"
		cat "$TD/log"
		if [ -e "$TD/ha.log" ]; then
			echo "ha.log:"
			cat "$TD/ha.log"
		fi
	fi
}

teardown_file() {
	mn_stop
	lab_kill_pidfile "$TD/ha.pid"
	lab_kill_pidfile "$TD/fake_ha.pid"
	lab_topo_down
}

# mn_conf IPSEC FIRST-REG INITIAL MAX: the mobile node's configuration.
mn_conf() {
	cat <<-EOF
	common:
	  log-level: debug
	  control-dir: $TD/ctl
	  chroot: $TD/chroot
	mobile-node:
	  home-address: $MN_HOA/64
	  home-agent: $HA_ADDR
	  interfaces: [$MN_IF]
	  lifetime: 60s
	  initial-bindack-timeout-first-reg: $2
	  initial-bindack-timeout: $3
	  max-bindack-timeout: $4
	  route-optimization: none
	  ipsec: $1
	EOF
	if [ "$1" = required ]; then
		cat <<-EOF
		  ipsec-keys:
		    to-home-agent:
		      spi: 0x1000
		      auth-algorithm: hmac(sha256)
		      auth-key: 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
		    to-mobile-node:
		      spi: 0x1001
		      auth-algorithm: hmac(sha256)
		      auth-key: 0xffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
		EOF
	fi
}

# The real home agent (mip6-ha), ESP required, the keys of mn_conf's.
ha_conf() {
	cat <<-EOF
	common:
	  log-level: debug
	  control-dir: $TD/hactl
	  chroot: $TD/chroot
	home-agent:
	  links:
	    - interface: $HA_IF
	      address: $HA_ADDR
	      home-prefixes: [$HOME_PREFIX]
	  ipsec: required
	  mobile-nodes:
	    - home-address: $MN_HOA
	      ipsec-keys:
	        to-home-agent:
	          spi: 0x1000
	          auth-algorithm: hmac(sha256)
	          auth-key: 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
	        to-mobile-node:
	          spi: 0x1001
	          auth-algorithm: hmac(sha256)
	          auth-key: 0xffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
	EOF
}

# mn_start CONF: mip6-priv with the mobile node in namespace mn.
mn_start() {
	mn_stop
	: >"$TD/bu.log"
	: >"$TD/log"
	ip netns exec mn "$PLAIN/mip6-priv" -d -f "$TD/$1" 2>"$TD/log" 3>&- &
	echo $! >"$TD/mn.pid"
}

mn_stop() {
	lab_kill_pidfile "$TD/mn.pid"
}

# The mobile node on LINK with its address there.
mn_on() {
	local net
	[ "$(lab_mn_link)" = "$1" ] || lab_move_mn "$1"
	case "$1" in
	home) net=$HOME_NET ;;
	f1) net=$F1_NET ;;
	f2) net=$F2_NET ;;
	esac
	lab_wait_addr mn "$MN_IF" "$net" 15 >/dev/null
}

# wait_log N TEXT [T]: until the log holds TEXT at least N times.
wait_log() {
	lab_wait_for "${3:-15}" log_count_ge "$1" "$2" || {
		echo "not $1 x '$2' in the log:"
		cat "$TD/log"
		return 1
	}
}

log_count_ge() {
	local n=0 line
	while IFS= read -r line; do
		[[ "$line" == *"$2"* ]] && n=$((n + 1))
	done <"$TD/log"
	[ "$n" -ge "$1" ]
}

# BUs the fake home agent saw, one line each (see fake_ha.py).
bus() {
	cat "$TD/bu.log"
}

# The field NAME of a bu.log LINE.
field() {
	local w
	for w in $2; do
		[[ "$w" == "$1="* ]] && { echo "${w#*=}"; return; }
	done
}

ctl() {
	ip netns exec mn "$PLAIN/mip6ctl" -s "$TD/ctl/mn.sock" "$@"
}

@test "on foreign link 1 the BU leaves from the care-of address with the Home Address option, A and H" {
	mn_on f1
	echo accept >"$TD/mode"
	mn_start mn.yaml
	wait_log 1 "accepted seq"
	run bus
	echo "$output"
	line=${lines[0]}
	[ "$(field src "$line")" = "$MN_COA_F1" ]
	[ "$(field hoa "$line")" = "$MN_HOA" ]
	# A (0x8000) and H (0x4000); 60 s asked in 4 s units.
	(( ($(field flags "$line") & 0xc000) == 0xc000 ))
	[ "$(field lifetime "$line")" = 15 ]
	[ "$(field altcoa "$line")" = "$MN_COA_F1" ]
	[ "$(field esp "$line")" = 0 ]
}

@test "after the BA (with its type 2 routing header) the tunnel, the home address and the source route are in place" {
	run ip -n mn -6 tunnel show mip6mn0
	[[ "$output" == *"remote $HA_ADDR local $MN_COA_F1 "* ]]
	run ip -n mn -6 address show dev mip6mn0
	[[ "$output" == *"$MN_HOA/128 scope global nodad home"* ]]
	run ip -n mn -6 route show table 158
	[[ "$output" == *"default dev mip6mn0"* ]]
	run ip -n mn -6 rule show
	[[ "$output" == *"from $MN_HOA lookup 158"* ]]
	# Not on the home interface while away.
	run ip -n mn -6 address show dev "$MN_IF"
	[[ "$output" != *"$MN_HOA"* ]]
	run ctl show bul
	echo "$output"
	[[ "$output" == *"state            registered"* ]]
	[[ "$output" == *"care-of-address  $MN_COA_F1 on $MN_IF"* ]]
	[[ "$output" == *"granted 60s"* ]]
	run ctl show stats
	[[ "$output" == *"ba.with_rh2                  1"* ]]
}

@test "show bul -j is JSON with the binding" {
	run ctl -j show bul
	echo "$output"
	run /usr/bin/python3 -c '
import json, sys
b = json.loads(sys.argv[1])["bul"][0]
assert b["state"] == "registered", b
assert b["home_address"] == sys.argv[2] and b["care_of_address"] == sys.argv[3], b
assert b["lifetime_granted"] == 60 and 0 < b["lifetime_remaining"] <= 60, b
assert b["last_status"] == 0, b
' "$output" "$MN_HOA" "$MN_COA_F1"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "moving to foreign link 2 sends a new BU from the new care-of address and moves the tunnel" {
	local t0 t1
	t0=${EPOCHREALTIME/./}
	lab_move_mn f2
	wait_log 2 "accepted seq" 20
	t1=${EPOCHREALTIME/./}
	echo "# handover (link change to BA accepted): $(( (t1 - t0) / 1000 )) ms" >&3
	run bus
	echo "$output"
	[ "$(field src "${lines[-1]}")" = "$MN_COA_F2" ]
	[ "$(field hoa "${lines[-1]}")" = "$MN_HOA" ]
	run ip -n mn -6 tunnel show mip6mn0
	[[ "$output" == *"remote $HA_ADDR local $MN_COA_F2 "* ]]
	run ctl show bul
	[[ "$output" == *"care-of-address  $MN_COA_F2 on $MN_IF"* ]]
	[[ "$output" == *"state            registered"* ]]
}

@test "returning home sends a deregistration from the home address and removes the tunnel" {
	lab_move_mn home
	wait_log 1 "accepted the deregistration" 20
	run bus
	echo "$output"
	line=${lines[-1]}
	[ "$(field src "$line")" = "$MN_HOA" ]
	[ "$(field hoa "$line")" = - ]
	[ "$(field lifetime "$line")" = 0 ]
	[ "$(field altcoa "$line")" = - ]
	run ip -n mn link show mip6mn0
	[ "$status" -ne 0 ]
	run ip -n mn -6 rule show
	[[ "$output" != *"lookup 158"* ]]
	run ip -n mn -6 address show dev "$MN_IF"
	[[ "$output" == *"$MN_HOA/64"* ]]
	run ctl show bul
	[[ "$output" == *"state            home"* ]]
	mn_stop
}

@test "an unanswered BU is sent again with the timeout doubling up to the maximum" {
	mn_on f1
	echo silent >"$TD/mode"
	mn_start fast.yaml
	lab_wait_for 10 bu_count_ge 5
	mn_stop
	run bus
	echo "$output"
	# first-reg 300 ms, then 600 ms, capped at max-bindack-timeout 1 s.
	run /usr/bin/python3 -c '
import sys
ls = [dict(w.split("=", 1) for w in l.split()) for l in sys.stdin.read().splitlines()]
t = [float(l["t"]) for l in ls]
s = [int(l["seq"]) for l in ls]
gaps = [round(b - a, 2) for a, b in zip(t, t[1:])]
print("gaps", gaps)
want = [0.3, 0.6, 1.0, 1.0]
assert all(abs(g - w) < 0.15 for g, w in zip(gaps, want)), gaps
assert all((b - a) % 65536 == 1 for a, b in zip(s, s[1:])), s
' <"$TD/bu.log"
	echo "$output"
	[ "$status" -eq 0 ]
}

bu_count_ge() {
	local n=0 line
	while IFS= read -r line; do n=$((n + 1)); done <"$TD/bu.log"
	[ "$n" -ge "$1" ]
}

@test "status 135: the next BU carries the home agent's last number plus one and is accepted" {
	mn_on f1
	echo "resync 40000" >"$TD/mode"
	mn_start mn.yaml
	wait_log 1 "accepted seq 40001"
	run bus
	echo "$output"
	[ "$(field seq "${lines[-1]}")" = 40001 ]
	[ "${#lines[@]}" -eq 2 ]
	run ctl show stats
	[[ "$output" == *"resyncs                      1"* ]]
	[[ "$output" == *"ba_status.135                1"* ]]
	mn_stop
}

@test "a refusal (129) is logged, counted and retried after a back-off" {
	mn_on f1
	echo "reject 129" >"$TD/mode"
	mn_start fast.yaml
	wait_log 2 "refused seq"
	run ctl show bul
	echo "$output"
	[[ "$output" == *"last-status      129 (administratively prohibited)"* ]]
	[[ "$output" == *"state            registering"* ]]
	run ctl show stats
	[[ "$output" == *"ba.rejected                  "[2-9]* ]]
	mn_stop
	grep -q 'refused seq [0-9]*: 129 (administratively prohibited); retry in 300 ms' "$TD/log"
}

@test "the binding is refreshed before the granted lifetime runs out" {
	mn_on f1
	echo accept >"$TD/mode"
	mn_start short.yaml
	wait_log 1 "accepted seq"
	# 8 s granted: refreshed a quarter before the end, 6 s after the BU.
	wait_log 2 "accepted seq" 10
	mn_stop
	run bus
	echo "$output"
	# Registration, refresh, and the deregistration of the stop.
	[ "${#lines[@]}" -eq 3 ]
	[ "$(field lifetime "${lines[0]}")" = 2 ]
	[ "$(field lifetime "${lines[1]}")" = 2 ]
	[ "$(field lifetime "${lines[2]}")" = 0 ]
	[ "$(field src "${lines[2]}")" = "$MN_COA_F1" ]
	run /usr/bin/python3 -c '
import sys
t = [float(l.split()[0][2:]) for l in sys.stdin.read().splitlines()][:2]
print("refresh after", round(t[1] - t[0], 2))
assert abs(t[1] - t[0] - 6.0) < 0.3, t
' <"$TD/bu.log"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "with ipsec required the BU leaves under ESP, the Home Address option in front of it" {
	mn_on f1
	echo silent >"$TD/mode"
	mn_start esp.yaml
	lab_wait_for 10 bu_count_ge 1
	run ip -n mn xfrm policy
	mn_stop
	echo "$output"
	[[ "$output" == *"proto mobility-header type 5"*"proto esp"*"proto hao"* ]]
	run bus
	echo "$output"
	[ "$(field src "${lines[0]}")" = "$MN_COA_F1" ]
	[ "$(field hoa "${lines[0]}")" = "$MN_HOA" ]
	[ "$(field esp "${lines[0]}")" = 1 ]
}

@test "home-agent: dhaad asks the Home Agents anycast address and registers nothing without a reply" {
	mn_start dhaad.yaml
	wait_log 1 "DHAAD request"
	run ctl show bul
	mn_stop
	[[ "$output" == *"home-agent       none (dhaad: not found yet)"* ]]
	run bus
	[ -z "$output" ]
}

@test "with the real home agent and ipsec required, BU and BA travel under ESP and the mobile node registers" {
	[ -x "$PLAIN/mip6-ha" ] || skip "no mip6-ha"
	mn_on f1
	echo silent >"$TD/mode"
	ip netns exec ha "$PLAIN/mip6-priv" -d -f "$TD/ha.yaml" 2>"$TD/ha.log" 3>&- &
	echo $! >"$TD/ha.pid"
	# Generous: a loaded CI host once took over 10 s here (1 s is usual).
	lab_wait_for 30 lab_file_has "$TD/ha.log" "ha: serving" || {
		ps -eo pid,stat,etime,wchan:20,args | grep '[m]ip6-'
		return 1
	}
	lab_capture_start mn-esp r "$R_IF_F1" ip6 and not icmp6
	mn_start esp.yaml
	wait_log 1 "accepted seq" 20
	# The BA reached the mobile node; let tcpdump write it out too.
	lab_sleep 0.5
	lab_capture_stop mn-esp
	run ip netns exec ha "$PLAIN/mip6ctl" -s "$TD/hactl/ha.sock" show bindings
	echo "$output"
	[[ "$output" == *"$MN_HOA"*"$MN_COA_F1"* ]]
	run tcpdump -n -v -r "$LAB_CAPDIR/mn-esp.pcap"
	echo "$output"
	# BU: from the care-of address, Home Address option, then ESP; BA:
	# to the care-of address, type 2 routing header, then ESP.
	[[ "$output" == *"$MN_COA_F1 > $HA_ADDR: DSTOPT "*"(homeaddr: $MN_HOA)"*"ESP(spi=0x00001000,"* ]]
	[[ "$output" == *"$HA_ADDR > $MN_COA_F1: RT6 "*"[0]$MN_HOA)"*"ESP(spi=0x00001001,"* ]]
	[[ "$output" != *"mobility: BU"* ]]
	# The home address works through the tunnel, both ways.
	run lab_ns mn ping -c 1 -W 3 -I "$MN_HOA" "$CN_ADDR"
	echo "$output"
	[ "$status" -eq 0 ]
	# Stopping away deregisters: the home agent forgets the binding.
	mn_stop
	lab_wait_for 5 ha_no_binding
	lab_kill_pidfile "$TD/ha.pid"
}

ha_no_binding() {
	local out
	out=$(ip netns exec ha "$PLAIN/mip6ctl" -s "$TD/hactl/ha.sock" show bindings)
	[[ "$out" != *"$MN_HOA"* ]]
}
