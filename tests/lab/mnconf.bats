#!/usr/bin/env bats
# The mobile node (mip6-mn) against RFC 6275 behaviour a conformance
# tester checks, with tester nodes playing the home agents: several fake
# home agents and a DHAAD responder on the home link
# (tests/lab/fake_has.py, scapy: an independent decoder of what goes on
# the wire).  Section 11.4.1: the home agents of a DHAAD reply are tried
# in its order; one that refuses or never answers makes way for the next;
# when none is left the node asks again.  Section 11.4.3: an unsolicited
# Mobile Prefix Advertisement is answered with a solicitation, and only
# the solicited one is taken; section 11.7.1: the BU lifetime no longer
# than the home prefix lives.
#
# Runs inside the user-mode Linux guest: tests/run.sh tests/lab/mnconf.bats.

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"

SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
TD=/run/mnconf-lab
HA_A=${HOME_NET}a
HA_B=${HOME_NET}b

setup_file() {
	rm -rf "$TD"
	mkdir -p "$TD/ctl" "$TD/chroot"
	chmod 0755 "$TD" "$TD/chroot"
	mn_conf 1500ms 1s 32s >"$TD/dhaad.yaml"
	mn_conf 500ms 500ms 2s >"$TD/fast.yaml"
	mn_conf 1500ms 1s 32s "$HA_ADDR" >"$TD/configured.yaml"
	mn_conf 500ms 500ms 2s dhaad required >"$TD/esp.yaml"
	lab_topo_up none
	# The fake home agents' addresses, the anycast one too (r resolves
	# it on the home link); no mip6-ha runs in this suite.
	ip -n ha address add "$HA_A/64" dev "$HA_IF" nodad
	ip -n ha address add "$HA_B/64" dev "$HA_IF" nodad
	ip -n ha address add "$HA_ANYCAST/64" dev "$HA_IF" nodad
	ip netns exec ha /usr/bin/python3 "$BATS_TEST_DIRNAME/fake_has.py" \
	    "$HA_IF" "$TD" "$HA_ANYCAST" "$HA_ADDR" "$HA_A" "$HA_B" \
	    2>"$TD/fake.err" 3>&- &
	echo $! >"$TD/fake.pid"
	lab_wait_for 60 test -e "$TD/ready" || {
		cat "$TD/fake.err" >&2
		return 1
	}
}

teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		mn_stop
		echo "fake_has.py stderr:"
		cat "$TD/fake.err"
		echo "dhaad.log:"
		cat "$TD/dhaad.log"
		echo "bu.log:"
		cat "$TD/bu.log"
		echo "mps.log:"
		cat "$TD/mps.log"
		echo "log:"
		cat "$TD/log"
	fi
}

teardown_file() {
	mn_stop
	lab_kill_pidfile "$TD/fake.pid"
	lab_topo_down
}

# mn_conf FIRST-REG INITIAL MAX [HA [IPSEC]]: home-agent: dhaad (or HA), no IPsec
# (or IPSEC: required with manual keys).
mn_conf() {
	cat <<-EOF
	common:
	  log-level: debug
	  control-dir: $TD/ctl
	  chroot: $TD/chroot
	mobile-node:
	  home-address: $MN_HOA/64
	  home-agent: ${4:-dhaad}
	  interfaces: [$MN_IF]
	  lifetime: 60s
	  initial-bindack-timeout-first-reg: $1
	  initial-bindack-timeout: $2
	  max-bindack-timeout: $3
	  route-optimization: none
	  ipsec: ${5:-disabled}
	EOF
	if [ "${5:-}" = required ]; then
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

# mn_start CONF: mip6-priv with the mobile node in namespace mn, fresh
# logs of the fake home agents.
mn_start() {
	mn_stop
	: >"$TD/bu.log"
	: >"$TD/dhaad.log"
	: >"$TD/mps.log"
	rm -f "$TD/mpa" "$TD/unsolicited" "$TD/be"
	: >"$TD/log"
	ip netns exec mn "$PLAIN/mip6-priv" -d -f "$TD/$1" 2>"$TD/log" 3>&- &
	echo $! >"$TD/mn.pid"
}

mn_stop() {
	lab_kill_pidfile "$TD/mn.pid"
}

# The mobile node on foreign link 1 with its care-of address there.
mn_on_f1() {
	[ "$(lab_mn_link)" = f1 ] || lab_move_mn f1
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null
}

# modes HA=MODE...: what each fake home agent answers.
modes() {
	local kv
	rm -f "$TD"/mode.*
	for kv in "$@"; do
		echo "${kv#*=}" >"$TD/mode.${kv%%=*}"
	done
}

ctl() {
	ip netns exec mn "$PLAIN/mip6ctl" -s "$TD/ctl/mn.sock" "$@"
}

registered_with() {
	ctl show bul 2>/dev/null | grep -q "home-agent       $1\$" &&
	    ctl show bul 2>/dev/null | grep -q "state            registered"
}

# mnstat NAME: a counter of show stats.
mnstat() {
	ctl show stats | while read -r n v; do
		[ "$n" = "$1" ] && echo "$v"
	done
}

# The BUs one home agent saw (lines of bu.log).
bus_to() {
	grep " ha=$1 " "$TD/bu.log" || true
}

@test "DHAAD list: the first home agent refuses (133), the node registers with the next one in the reply's order" {
	mn_on_f1
	echo "$HA_A $HA_ADDR $HA_B" >"$TD/halist"
	modes "$HA_A=reject 133" "$HA_ADDR=accept" "$HA_B=accept"
	mn_start dhaad.yaml
	lab_wait_for 30 registered_with "$HA_ADDR"
	run ctl show bul
	echo "$output"
	[[ "$output" == *"home-agents      $HA_A refused 133, $HA_ADDR in-use, $HA_B untried"* ]]
	cat "$TD/bu.log"
	# One BU to the refusing one, then the next one; none to the third.
	[ "$(bus_to "$HA_A" | wc -l)" -eq 1 ]
	[ "$(bus_to "$HA_ADDR" | wc -l)" -ge 1 ]
	[ -z "$(bus_to "$HA_B")" ]
	# Both from the care-of address with the home address option, A and H.
	run bus_to "$HA_ADDR"
	[[ "$output" == *"src=$MN_COA_F1 hoa=$MN_HOA "* ]]
	[[ "$output" == *"flags=0xc000"* ]]
	# The first BU in the log went to the refusing one.
	[[ "$(head -1 "$TD/bu.log")" == *" ha=$HA_A "* ]]
	[ "$(mnstat dhaad.next_home_agent)" = 1 ]
	[ "$(mnstat dhaad.list_used_up)" = 0 ]
	[ "$(mnstat ba_status.133)" = 1 ]
	# The tunnel points at the home agent that accepted.
	run ip -n mn -6 tunnel show mip6mn0
	echo "$output"
	[[ "$output" == *"remote $HA_ADDR "* ]]
	run ctl show bul -j
	[[ "$output" == *'"home_agents":[{"address":"'"$HA_A"'","state":"refused","status":133}'* ]]
	echo "# xfrm policies/states naming the refusing home agent after the switch:" \
	    "$(ip -n mn -6 xfrm policy | grep -c "$HA_A")/$(ip -n mn -6 xfrm state | grep -c "$HA_A")" >&3
	mn_stop
	# Stopped: nothing of either home agent is left in the kernel.
	run ip -n mn -6 xfrm policy
	echo "$output"
	[[ "$output" != *"$HA_A"* ]] && [[ "$output" != *"$HA_ADDR"* ]]
	run ip -n mn -6 xfrm state
	echo "$output"
	[[ "$output" != *"$HA_A"* ]] && [[ "$output" != *"$HA_ADDR"* ]]
}

@test "DHAAD list: a home agent that never answers is left after max-bindack-timeout for the next one" {
	mn_on_f1
	echo "$HA_B $HA_ADDR" >"$TD/halist"
	modes "$HA_B=silent" "$HA_ADDR=accept"
	mn_start fast.yaml
	lab_wait_for 40 registered_with "$HA_ADDR"
	run ctl show bul
	echo "$output"
	[[ "$output" == *"home-agents      $HA_B no-answer, $HA_ADDR in-use"* ]]
	cat "$TD/bu.log"
	# 0.5 s, 1 s, then 2 s (the maximum) unanswered: three BUs, then
	# the next home agent about 3.5 s after the first.
	[ "$(bus_to "$HA_B" | wc -l)" -eq 3 ]
	run /usr/bin/python3 -c '
import sys
ls = [dict(w.split("=", 1) for w in l.split()) for l in open(sys.argv[1])]
tb = [float(l["t"]) for l in ls if l["ha"] == sys.argv[2]]
ta = [float(l["t"]) for l in ls if l["ha"] == sys.argv[3]]
print("to the silent one", [round(t - tb[0], 2) for t in tb],
      "next after", round(ta[0] - tb[0], 2))
assert ta[0] > tb[-1]
assert 3.0 <= ta[0] - tb[0] <= 6.0
' "$TD/bu.log" "$HA_B" "$HA_ADDR"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(mnstat dhaad.next_home_agent)" = 1 ]
	mn_stop
}

@test "DHAAD list used up (every home agent refuses): DHAAD again about 3 s later, then the new reply's home agent" {
	mn_on_f1
	echo "$HA_A $HA_B" >"$TD/halist"
	modes "$HA_A=reject 129" "$HA_B=reject 130" "$HA_ADDR=accept"
	mn_start dhaad.yaml
	lab_wait_for 20 grep -q "ha=$HA_B" "$TD/bu.log"
	# The next reply names another home agent.
	echo "$HA_ADDR" >"$TD/halist"
	lab_wait_for 30 registered_with "$HA_ADDR"
	cat "$TD/dhaad.log" "$TD/bu.log"
	run ctl show bul
	echo "$output"
	[[ "$output" == *"home-agents      $HA_ADDR in-use"* ]]
	[ "$(mnstat dhaad.list_used_up)" = 1 ]
	[ "$(mnstat dhaad.next_home_agent)" = 1 ]
	[ "$(bus_to "$HA_A" | wc -l)" -eq 1 ]
	[ "$(bus_to "$HA_B" | wc -l)" -eq 1 ]
	# Two requests from the care-of address, the second 3 s (back-off)
	# after the last refusal, with a new identifier.
	run /usr/bin/python3 -c '
import sys
d = [dict(w.split("=", 1) for w in l.split()) for l in open(sys.argv[1])]
b = [dict(w.split("=", 1) for w in l.split()) for l in open(sys.argv[2])]
assert len(d) == 2, d
assert all(x["src"] == sys.argv[3] for x in d), d
assert d[0]["id"] != d[1]["id"], d
last_refused = [float(x["t"]) for x in b if x["ha"] == sys.argv[4]][0]
gap = float(d[1]["t"]) - last_refused
print("second request", round(gap, 2), "s after the last refusal")
assert 2.5 <= gap <= 6.0, gap
' "$TD/dhaad.log" "$TD/bu.log" "$MN_COA_F1" "$HA_B"
	echo "$output"
	[ "$status" -eq 0 ]
	run ip -n mn -6 tunnel show mip6mn0
	[[ "$output" == *"remote $HA_ADDR "* ]]
	mn_stop
}

# bus_to_ge HA N: at least N BUs to HA.
bus_to_ge() {
	[ "$(bus_to "$1" | wc -l)" -ge "$2" ]
}

# log_has TEXT: the mobile node's log holds TEXT (within 15 s).
log_has() {
	lab_wait_for 15 grep -qF "$1" "$TD/log" || {
		echo "not in the log: $1"
		return 1
	}
}

@test "an unsolicited prefix advertisement from the home agent is answered with a solicitation; only the solicited one is taken" {
	mn_on_f1
	modes "$HA_ADDR=accept"
	mn_start configured.yaml
	echo "40 20" >"$TD/mpa"
	lab_wait_for 30 registered_with "$HA_ADDR"
	# With a configured home agent the node does not solicit by itself.
	[ ! -s "$TD/mps.log" ]
	echo "$HA_ADDR $MN_HOA $MN_COA_F1 4242 100 50" >"$TD/unsolicited.new"
	mv "$TD/unsolicited.new" "$TD/unsolicited"
	lab_wait_for 15 grep -q " hoa=$MN_HOA id=" "$TD/mps.log"
	log_has "home prefix $HOME_NET/64 valid 40 s"
	cat "$TD/mps.log"
	run grep " hoa=" "$TD/mps.log"
	# One solicitation, from the home address (Home Address option) via
	# the care-of address, to the home agent, with its own identifier.
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == *"ha=$HA_ADDR src=$MN_COA_F1 hoa=$MN_HOA id="* ]]
	[[ "${lines[0]}" != *"id=4242" ]]
	grep -q "unsolicited prefix advertisement 4242 from $HA_ADDR: soliciting" "$TD/log"
	# The unsolicited advertisement's lifetimes were not taken.
	! grep -q "valid 100 s" "$TD/log"
	[ "$(mnstat mpd.rx_unsolicited)" = 1 ]
	[ "$(mnstat mpd.rx_advertisement)" = 1 ]
	mn_stop
}

@test "the BU lifetime is cut to what is left of the home prefix's valid lifetime from the prefix advertisement" {
	mn_on_f1
	echo "$HA_ADDR" >"$TD/halist"
	# 8 s granted: the refresh comes 6 s after the first BU.
	modes "$HA_ADDR=accept 2"
	mn_start dhaad.yaml
	echo "20 10" >"$TD/mpa"
	lab_wait_for 30 registered_with "$HA_ADDR"
	log_has "home prefix $HOME_NET/64 valid 20 s"
	lab_wait_for 20 bus_to_ge "$HA_ADDR" 2
	cat "$TD/bu.log" "$TD/mps.log"
	run bus_to "$HA_ADDR"
	first=${lines[0]##*lifetime=}
	second=${lines[1]##*lifetime=}
	echo "lifetimes (4 s units): $first then $second"
	# 60 s asked first (less the care-of prefix's few seconds), then at
	# most the 20 s less the time gone by.
	[ "$first" -ge 10 ]
	[ "$second" -ge 1 ] && [ "$second" -le 5 ]
	mn_stop
}

@test "back home, after the deregistration's BA, a Neighbor Advertisement for the home address goes to all nodes (S clear, O set, our link-layer address)" {
	mn_on_f1
	modes "$HA_ADDR=accept"
	mn_start configured.yaml
	lab_wait_for 30 registered_with "$HA_ADDR"
	lab_capture_start mnconf-home ha "$HA_IF" icmp6 or ip6 proto 135
	lab_move_mn home
	lab_wait_for 20 grep -qF "accepted the deregistration" "$TD/log"
	lab_wait_for 5 grep -qF "neighbor advertisement for the home address" "$TD/log"
	pcap=$(lab_capture_stop mnconf-home)
	run tcpdump -n -v -r "$pcap"
	echo "$output"
	# The deregistration (MH from the home address), the BA, then the NA.
	bu=$(grep -n "$MN_HOA > $HA_ADDR: .*mobility" <<<"$output" | tail -1 | cut -d: -f1)
	ba=$(grep -n "$HA_ADDR > $MN_HOA: .*mobility" <<<"$output" | tail -1 | cut -d: -f1)
	na=$(grep -n "> ff02::1: .*neighbor advertisement, length 32, tgt is $MN_HOA" <<<"$output" | head -1 | cut -d: -f1)
	echo "lines: BU $bu BA $ba NA $na"
	[ -n "$bu" ] && [ -n "$ba" ] && [ -n "$na" ]
	[ "$bu" -lt "$ba" ] && [ "$ba" -lt "$na" ]
	# tcpdump -v: the flags and the option on the lines after it.
	run sed -n "${na},$((na + 3))p" <<<"$output"
	echo "$output"
	[[ "$output" == *"hlim 255"* ]]
	[[ "$output" == *"Flags [override]"* ]]
	[[ "$output" == *"destination link-address option (2), length 8 (1): $MN_MAC"* ]]
	[ "$(mnstat na.tx_home)" = 1 ]
	mn_stop
}

# be HA DST HOA STATUS: the fake home agent sends a Binding Error.
be() {
	echo "$*" >"$TD/be.new"
	mv "$TD/be.new" "$TD/be"
	lab_wait_for 5 test ! -e "$TD/be"
}

@test "a Binding Error 1 from the home agent about the home address makes the registered node register again at once" {
	mn_on_f1
	modes "$HA_ADDR=accept"
	mn_start configured.yaml
	lab_wait_for 30 registered_with "$HA_ADDR"
	n=$(bus_to "$HA_ADDR" | wc -l)
	# About another home address, and status 2: nothing.
	be "$HA_ADDR" "$MN_COA_F1" "${HOME_NET}999" 1
	be "$HA_ADDR" "$MN_COA_F1" "$MN_HOA" 2
	lab_sleep 2
	[ "$(bus_to "$HA_ADDR" | wc -l)" -eq "$n" ]
	[ "$(mnstat be.reregistered)" = 0 ]
	be "$HA_ADDR" "$MN_COA_F1" "$MN_HOA" 1
	lab_wait_for 5 bus_to_ge "$HA_ADDR" $((n + 1))
	lab_wait_for 5 grep -qF "knows no binding for the home address: registering again" "$TD/log"
	cat "$TD/bu.log"
	run bus_to "$HA_ADDR"
	[[ "${lines[-1]}" == *"src=$MN_COA_F1 hoa=$MN_HOA "* ]]
	[[ "${lines[-1]}" != *"lifetime=0" ]]
	[ "$(mnstat be.reregistered)" = 1 ]
	[ "$(mnstat rx.BE)" = 3 ]
	lab_wait_for 10 registered_with "$HA_ADDR"
	mn_stop
}

@test "a BA with status 1 (prefix discovery necessary) from a configured home agent brings a prefix solicitation" {
	mn_on_f1
	modes "$HA_ADDR=accept1"
	mn_start configured.yaml
	echo "40 20" >"$TD/mpa"
	lab_wait_for 30 registered_with "$HA_ADDR"
	lab_wait_for 10 grep -q " hoa=$MN_HOA id=" "$TD/mps.log"
	log_has "home prefix $HOME_NET/64 valid 40 s"
	cat "$TD/mps.log"
	run grep -c " hoa=" "$TD/mps.log"
	[ "$output" = 1 ]
	grep -q "ha=$HA_ADDR src=$MN_COA_F1 hoa=$MN_HOA " "$TD/mps.log"
	[ "$(mnstat ba_status.1)" = 1 ]
	[ "$(mnstat mpd.rx_advertisement)" = 1 ]
	mn_stop
}

@test "with ipsec required the next home agent of the list gets the BU under ESP (the manual SAs keyed on it)" {
	mn_on_f1
	echo "$HA_A $HA_B" >"$TD/halist"
	modes "$HA_A=silent" "$HA_B=silent"
	mn_start esp.yaml
	lab_wait_for 30 grep -q "ha=$HA_B .*esp=1" "$TD/bu.log"
	cat "$TD/bu.log"
	! grep -q "File exists" "$TD/log"
	# The BUs to each one went under ESP (SPI 0x1000), from the care-of
	# address with the Home Address option.
	grep -q "ha=$HA_A src=$MN_COA_F1 hoa=$MN_HOA esp=1 spi=0x1000" "$TD/bu.log"
	grep -q "ha=$HA_B src=$MN_COA_F1 hoa=$MN_HOA esp=1 spi=0x1000" "$TD/bu.log"
	run ip -n mn -6 xfrm state
	echo "$output"
	# The inbound SA now names the second home agent.
	[[ "$output" == *"src $HA_B dst $MN_HOA"*"proto esp spi 0x00001001"* ]]
	[ "$(mnstat dhaad.next_home_agent)" = 1 ]
	[ "$(mnstat kernel.failed)" = 0 ]
	# A move: the SAs are made again (for whichever home agent of the
	# list is being tried then: both stay silent).
	lab_move_mn f2
	lab_wait_for 30 grep -q "src=$MN_COA_F2 hoa=$MN_HOA esp=1" "$TD/bu.log"
	[ "$(mnstat kernel.failed)" = 0 ]
	mn_stop
	mn_on_f1
}

@test "started at home with home-agent: dhaad, then away: the DHAAD request reaches the home link (the home prefix is not on-link on the foreign link)" {
	mn_stop
	[ "$(lab_mn_link)" = home ] || lab_move_mn home
	lab_wait_addr mn "$MN_IF" "$HOME_NET" 15 >/dev/null
	echo "$HA_ADDR" >"$TD/halist"
	modes "$HA_ADDR=accept"
	mn_start dhaad.yaml
	lab_wait_for 20 grep -qF "at home on $MN_IF" "$TD/log"
	ip -n mn -6 route show "$HOME_PREFIX"
	mn_on_f1
	lab_wait_for 20 registered_with "$HA_ADDR"
	cat "$TD/dhaad.log"
	run ip -n mn -6 route show "$HOME_PREFIX" dev "$MN_IF"
	echo "home prefix routes on $MN_IF: $output"
	[ -z "$output" ]
	[ "$(wc -l <"$TD/dhaad.log")" -ge 1 ]
	grep -q "src=$MN_COA_F1 " "$TD/dhaad.log"
	mn_stop
}

@test "home after a used-up DHAAD list: the away state goes, no more DHAAD requests from the old care-of address" {
	mn_on_f1
	echo "$HA_A" >"$TD/halist"
	modes "$HA_A=reject 129"
	mn_start dhaad.yaml
	lab_wait_for 20 grep -q "ha=$HA_A" "$TD/bu.log"
	lab_wait_for 10 grep -qF "DHAAD again in" "$TD/log"
	rm -f "$TD/halist"
	lab_move_mn home
	lab_wait_for 20 ctl_has "state            home"
	run ip -n mn link show mip6mn0
	[ "$status" -ne 0 ]
	run ip -n mn -6 address show dev "$MN_IF"
	[[ "$output" == *"$MN_HOA/64"* ]]
	n=$(wc -l <"$TD/dhaad.log")
	# The back-off (3 s) passes: no request goes from home.
	lab_sleep 5
	cat "$TD/dhaad.log" "$TD/bu.log"
	[ "$(wc -l <"$TD/dhaad.log")" -eq "$n" ]
	grep -qF "DHAAD stopped" "$TD/log"
	mn_stop
	mn_on_f1
}

# ctl_has TEXT: show bul says TEXT.
ctl_has() {
	ctl show bul 2>/dev/null | grep -qF "$1"
}
