#!/usr/bin/env bats
# Dynamic Home Agent Address Discovery and Mobile Prefix Discovery (RFC
# 6275 10.1, 10.5, 10.6, 11.4) in the lab.  tests/lab/dhaadpkt.py lays out
# the packets by hand (an oracle independent of our codec) and reads the
# answers off the wire: a DHAAD request from foreign link 1 to the Home
# Agents anycast address, other home agents advertised on the home link
# (from namespace r), prefix solicitations with a Home Address option.
# The last tests start the real mobile node with `home-agent: dhaad`.
#
# Runs inside the user-mode Linux guest (tests/lab/run tests/lab/dhaad.bats).

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"

SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
PKT=$BATS_TEST_DIRNAME/dhaadpkt.py
SIM=$BATS_TEST_DIRNAME/mnsim.py
# Two other home agents on the home link (advertised from namespace r).
HA2_LL=fe80::aa:1 HA2_ADDR=${HOME_NET}a
HA3_LL=fe80::aa:2 HA3_ADDR=${HOME_NET}b
# 2001:db8:1::fdff:ffff:ffff:fffe as /proc/net/anycast6 writes it.
ANYCAST_HEX=20010db800010000fdfffffffffffffe

ha_conf() {
	cat <<-EOF
	common:
	  log-level: debug
	  control-dir: $HA_RUN
	home-agent:
	  links:
	    - interface: $HA_IF
	      address: "$HA_ADDR"
	      home-prefixes: ["$HOME_PREFIX"]
	  preference: 10
	  dad: false
	  ipsec: disabled
	EOF
}

mn_conf() {
	cat <<-EOF
	common:
	  log-level: debug
	  control-dir: $MN_RUN
	mobile-node:
	  home-address: $MN_HOA/64
	  home-agent: dhaad
	  home-interface: $MN_IF
	  interfaces: [$MN_IF]
	  lifetime: 2m
	  route-optimization: none
	  ipsec: disabled
	EOF
}

# Lab keys (public, the lab only), as tests/lab/ha.bats.
KEYS="      ipsec-keys:
        to-home-agent:
          spi: 0x1000
          auth-algorithm: hmac(sha256)
          auth-key: 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
          enc-algorithm: cbc(aes)
          enc-key: 0x0f0e0d0c0b0a09080706050403020100
        to-mobile-node:
          spi: 0x1001
          auth-algorithm: hmac(sha256)
          auth-key: 0xffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
          enc-algorithm: cbc(aes)
          enc-key: 0x000102030405060708090a0b0c0d0e0f"

ha_conf_esp() {
	ha_conf | sed 's/ipsec: disabled/ipsec: required/'
	echo "  mobile-nodes:"
	echo "    - home-address: \"$MN_HOA\""
	echo "$KEYS"
}

mn_conf_esp() {
	mn_conf | sed 's/ipsec: disabled/ipsec: required/'
	echo "$KEYS" | sed 's/^    //'
}

ha_ready() {
	"$PLAIN/mip6ctl" -s "$HA_RUN/ha.sock" status >/dev/null 2>&1
}

mn_ready() {
	"$PLAIN/mip6ctl" -s "$MN_RUN/mn.sock" status >/dev/null 2>&1
}

setup_file() {
	export HA_DIR=$BATS_FILE_TMPDIR
	export HA_RUN=$HA_DIR/run MN_RUN=$HA_DIR/mnrun
	lab_topo_up f1
	COA=$(lab_wait_addr mn "$MN_IF" "$F1_NET" 15) || return 1
	export COA
	ha_conf >"$HA_DIR/ha.yaml"
	# Not through lab_ns: $! must be mip6-priv itself (ip execs it).
	ip netns exec ha "$PLAIN/mip6-priv" -d -f "$HA_DIR/ha.yaml" \
		>>"$HA_DIR/ha.log" 2>&1 </dev/null 3>&- &
	echo $! >"$HA_DIR/priv.pid"
	lab_wait_for 15 ha_ready || {
		cat "$HA_DIR/ha.log" >&2
		return 1
	}
}

teardown_file() {
	lab_kill_pidfile "$HA_DIR/mnpriv.pid"
	lab_kill_pidfile "$HA_DIR/priv.pid"
	lab_topo_down
}

teardown() {
	if [ -n "${BATS_TEST_COMPLETED:-}" ]; then
		return 0
	fi
	echo "--- home agent log (tail)"
	tail -n 30 "$HA_DIR/ha.log"
	if [ -e "$HA_DIR/mn.log" ]; then
		echo "--- mobile node log (tail)"
		tail -n 30 "$HA_DIR/mn.log"
	fi
}

pkt() {
	lab_ns mn /usr/bin/python3 "$PKT" "$@"
}

# An advertisement on the home link from namespace r.
ra() {
	lab_ns r /usr/bin/python3 "$PKT" ra --iface "$R_IF_HOME" \
		--mac 02:00:00:00:aa:01 "$@" >/dev/null
}

ctl() {
	"$PLAIN/mip6ctl" -s "$HA_RUN/ha.sock" "$@"
}

counter() {
	local line
	while read -r line; do
		if [ "${line%% *}" = "$1" ]; then
			echo "${line#* }"
			return 0
		fi
	done < <(ctl show stats)
	return 1
}

@test "the home agent is a member of the Home Agents anycast address on the home link" {
	run ip netns exec ha cat /proc/net/anycast6
	echo "$output"
	[[ "$output" == *"$HA_IF"*"$ANYCAST_HEX"* ]]
}

@test "a DHAAD request to the anycast address gets a reply with its identifier and the home agent" {
	run pkt req --src "$COA" --dst "$HA_ANYCAST" --id 4242
	echo "$output"
	[ "$output" = "REPLY id=4242 code=0 src=$HA_ADDR has=$HA_ADDR len=24" ]
	[ "$(counter dhaad.rx_request)" = 1 ]
	[ "$(counter dhaad.tx_reply)" = 1 ]
}

@test "home agents advertised on the home link are listed by preference, this one included" {
	ra --ll "$HA2_LL" --addr "$HA2_ADDR" --pref 20 --ha-lifetime 60
	ra --ll "$HA3_LL" --addr "$HA3_ADDR" --pref -5 --ha-lifetime 60
	# An advertisement without the H flag is no home agent.
	ra --ll fe80::aa:3 --addr "${HOME_NET}c" --no-h --router-lifetime 30
	run pkt req --src "$COA" --dst "$HA_ANYCAST" --id 7
	echo "$output"
	[ "$output" = "REPLY id=7 code=0 src=$HA_ADDR has=$HA2_ADDR,$HA_ADDR,$HA3_ADDR len=56" ]
	[ "$(counter halist.entries)" = 2 ]
	[ "$(counter halist.added)" = 2 ]
}

@test "a home agent leaves the list with lifetime 0 or without the H flag" {
	ra --ll "$HA2_LL" --addr "$HA2_ADDR" --pref 20 --ha-lifetime 0
	run pkt req --src "$COA" --dst "$HA_ANYCAST" --id 8
	echo "$output"
	[ "$output" = "REPLY id=8 code=0 src=$HA_ADDR has=$HA_ADDR,$HA3_ADDR len=40" ]
	ra --ll "$HA3_LL" --addr "$HA3_ADDR" --no-h --router-lifetime 30
	run pkt req --src "$COA" --dst "$HA_ANYCAST" --id 9
	echo "$output"
	[ "$output" = "REPLY id=9 code=0 src=$HA_ADDR has=$HA_ADDR len=24" ]
	[ "$(counter halist.removed)" = 2 ]
	[ "$(counter halist.entries)" = 0 ]
}

@test "an advertisement with a hop limit below 255 or from a global source adds no home agent" {
	ra --ll fe80::aa:4 --addr "${HOME_NET}d" --pref 30 --hlim 64
	ra --ll "${HOME_NET}e" --addr "${HOME_NET}e" --pref 30
	run pkt req --src "$COA" --dst "$HA_ANYCAST" --id 10
	echo "$output"
	[ "$output" = "REPLY id=10 code=0 src=$HA_ADDR has=$HA_ADDR len=24" ]
	[ "$(counter halist.added)" = 2 ]
}

@test "a DHAAD request to the home agent's unicast address is not answered" {
	run pkt req --src "$COA" --dst "$HA_ADDR" --id 5 --wait 1
	echo "$output"
	[ "$output" = NONE ]
	[ "$(counter dhaad.drop.not_anycast)" = 1 ]
}

@test "a prefix solicitation from a node without a binding gets no advertisement" {
	run pkt mps --coa "$COA" --hoa "$MN_HOA" --ha "$HA_ADDR" --id 76 --wait 1
	echo "$output"
	[ "$output" = NONE ]
	# RFC 6275 9.3.1: the kernel drops it (no binding's policy takes
	# the Home Address option) and the home agent sends Binding Error 1.
	[ "$(counter mpd.rx_solicitation)" = 0 ]
	lab_wait_for 5 bash -c "'$PLAIN/mip6ctl' -s '$HA_RUN/ha.sock' show stats | grep -Eq '^kernel.hao_dropped +1\$'"
	[ "$(counter tx.BE)" = 1 ]
}

@test "a prefix solicitation from a registered mobile node gets the home prefix through a type 2 routing header" {
	run lab_ns mn /usr/bin/python3 "$SIM" --ha "$HA_ADDR" --coa "$COA" \
		--hoa "$MN_HOA" --seq 3 --lifetime 25 --wait 4
	echo "$output"
	[[ "$output" == "BA status=0 "* ]]
	run pkt mps --coa "$COA" --hoa "$MN_HOA" --ha "$HA_ADDR" --id 77
	echo "$output"
	[ "$output" = "MPA id=77 src=$HA_ADDR rh2=$MN_HOA flags=0x00 cksum=ok prefixes=$HOME_NET/64:2592000:604800:0xc0" ]
	[ "$(counter mpd.tx_advertisement)" = 1 ]
	# From another care-of address than the binding's: nothing.
	run pkt mps --coa "${F1_NET}99" --hoa "$MN_HOA" --ha "$HA_ADDR" --id 78 --wait 1
	echo "$output"
	[ "$output" = NONE ]
	ctl delete binding "$MN_HOA"
}

@test "mip6ctl show stats -j has the discovery counters" {
	run ctl -j show stats
	echo "$output"
	[[ "$output" == *'"dhaad.tx_reply":5'* ]]
	[[ "$output" == *'"mpd.tx_advertisement":1'* ]]
	[[ "$output" == *'"halist.entries":0'* ]]
}

mn_log_has() {
	grep -q -F "$1" "$HA_DIR/mn.log"
}

ha_has_binding() {
	ctl show bindings "$MN_HOA" 2>/dev/null | grep -q "coa=$COA state=active"
}

@test "the mobile node with home-agent: dhaad finds the home agent from foreign link 1 and registers" {
	mn_conf >"$HA_DIR/mn.yaml"
	ip netns exec mn "$PLAIN/mip6-priv" -d -f "$HA_DIR/mn.yaml" \
		>>"$HA_DIR/mn.log" 2>&1 </dev/null 3>&- &
	echo $! >"$HA_DIR/mnpriv.pid"
	lab_wait_for 20 ha_has_binding
	mn_log_has "DHAAD request"
	mn_log_has "home agent $HA_ADDR found by DHAAD"
	run "$PLAIN/mip6ctl" -s "$MN_RUN/mn.sock" show bul
	echo "$output"
	[[ "$output" == *"home-agent       $HA_ADDR"* ]]
	[[ "$output" == *"care-of-address  $COA"* ]]
}

@test "the registered mobile node solicits its home prefixes and takes the home agent's advertisement" {
	lab_wait_for 15 mn_log_has "home prefix $HOME_NET/64 valid 2592000 s"
	mn_log_has "prefix solicitation"
	[ "$(counter mpd.tx_advertisement)" = 2 ]
	run "$PLAIN/mip6ctl" -s "$MN_RUN/mn.sock" show stats
	echo "$output"
	grep -Eq '^dhaad\.rx_reply +1$' <<<"$output"
	grep -Eq '^mpd\.rx_advertisement +1$' <<<"$output"
	lab_kill_pidfile "$HA_DIR/mnpriv.pid"
}

@test "with ipsec required the discovered home agent gets the BU under ESP and the mobile node registers" {
	lab_kill_pidfile "$HA_DIR/priv.pid"
	ha_conf_esp >"$HA_DIR/ha-esp.yaml"
	mn_conf_esp >"$HA_DIR/mn-esp.yaml"
	ip netns exec ha "$PLAIN/mip6-priv" -d -f "$HA_DIR/ha-esp.yaml" \
		>>"$HA_DIR/ha.log" 2>&1 </dev/null 3>&- &
	echo $! >"$HA_DIR/priv.pid"
	lab_wait_for 15 ha_ready
	ip netns exec mn "$PLAIN/mip6-priv" -d -f "$HA_DIR/mn-esp.yaml" \
		>>"$HA_DIR/mn.log" 2>&1 </dev/null 3>&- &
	echo $! >"$HA_DIR/mnpriv.pid"
	lab_wait_for 25 ha_has_binding
	# The mobile node's SAs name the home agent it found.
	run ip -n mn xfrm state
	echo "$output"
	[[ "$output" == *"src $MN_HOA dst $HA_ADDR"*"proto esp spi 0x00001000"* ]]
	[[ "$output" == *"src $HA_ADDR dst $MN_HOA"*"proto esp spi 0x00001001"* ]]
	lab_kill_pidfile "$HA_DIR/mnpriv.pid"
}

@test "unanswered DHAAD requests are sent again after 3 s, then 6 s (INITIAL_DHAAD_TIMEOUT doubling)" {
	# A home prefix nobody serves: the requests go unanswered.
	mn_conf | sed "s|home-address: $MN_HOA/64|home-address: 2001:db8:9::100/64|" \
		>"$HA_DIR/mn-lost.yaml"
	lab_capture_start dhaadretry mn "$MN_IF" icmp6
	ip netns exec mn "$PLAIN/mip6-priv" -d -f "$HA_DIR/mn-lost.yaml" \
		>>"$HA_DIR/mn.log" 2>&1 </dev/null 3>&- &
	echo $! >"$HA_DIR/mnpriv.pid"
	lab_sleep 10.5
	lab_kill_pidfile "$HA_DIR/mnpriv.pid"
	lab_capture_stop dhaadretry >/dev/null
	run bash -c "tcpdump -tt -n -r '$LAB_CAPDIR/dhaadretry.pcap' \
		'dst 2001:db8:9::fdff:ffff:ffff:fffe' 2>/dev/null"
	echo "$output"
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == *"$COA > 2001:db8:9:0:fdff:ffff:ffff:fffe: ICMP6, ha discovery request"* ]]
	run awk '{ if (NR > 1) printf "%.1f\n", $1 - t; t = $1 }' <<<"$output"
	echo "gaps: $output"
	awk '{ g[NR] = $1 } END { exit !(g[1] >= 2.8 && g[1] <= 3.6 && g[2] >= 5.8 && g[2] <= 6.6) }' <<<"$output"
}
