#!/usr/bin/env bats
# RFC 6275 conformance of the home agent, as a conformance tester would
# see it: a tester on foreign link 1 (tests/lab/haconf.py, scapy, one
# process for every case, run once in setup_file) sends crafted Mobility
# Header messages from its care-of address; the tests read what came back
# on the wire, then `mip6ctl` counters and bindings in the ha namespace.
# What ha.bats, dhaad.bats and lbit.bats already check is not repeated.
#
# Runs inside the user-mode Linux guest (tests/lab/run tests/lab/haconf.bats).

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/hastart.bash
. "$BATS_TEST_DIRNAME/hastart.bash"

SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
TESTER=$BATS_TEST_DIRNAME/haconf.py
SIM=$BATS_TEST_DIRNAME/mnsim.py
# A home address without binding; one registered with an Alternate
# Care-of Address other than its source, on foreign link 2's prefix.
NOBIND_HOA=${HOME_NET}120
ALT_HOA=${HOME_NET}102
ALT_COA=${F2_NET}99
# Another care-of address of the tester, on foreign link 1 (9.3.1).
OTHER_COA=${F1_NET}98
# Pad1; an option of unknown type 200 with 5 octets; PadN (2 octets).
UNKNOWN_OPTS=00c8050102030405010200

# Lab keys (public, the lab only): mobile node 1 (MN_HOA) and 2 (SA2_HOA).
K1_AUTH=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
K1_ENC=0f0e0d0c0b0a09080706050403020100
K2_AUTH=2222222222222222222222222222222222222222222222222222222222222222
K2_ENC=22222222222222222222222222222222
KO_AUTH=ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
KO_ENC=000102030405060708090a0b0c0d0e0f
SA2_HOA=${HOME_NET}103

# One listed mobile node's manual SAs: ha_sa HOA SPI_IN KEY_AUTH KEY_ENC.
ha_sa() {
	cat <<-EOF
	    - home-address: "$1"
	      ipsec-keys:
	        to-home-agent:
	          spi: $2
	          auth-algorithm: hmac(sha256)
	          auth-key: 0x$3
	          enc-algorithm: cbc(aes)
	          enc-key: 0x$4
	        to-mobile-node:
	          spi: $(($2 + 1))
	          auth-algorithm: hmac(sha256)
	          auth-key: 0x$KO_AUTH
	          enc-algorithm: cbc(aes)
	          enc-key: 0x$KO_ENC
	EOF
}

# ipsec disabled, DAD on (the defaults otherwise); with "required" two
# mobile nodes with their own SAs.
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
	  ipsec: $1
	EOF
	if [ "$1" = required ]; then
		echo "  mobile-nodes:"
		ha_sa "$MN_HOA" 0x1000 "$K1_AUTH" "$K1_ENC"
		ha_sa "$SA2_HOA" 0x1100 "$K2_AUTH" "$K2_ENC"
	fi
}

setup_file() {
	export HA_DIR=$BATS_FILE_TMPDIR
	export HA_RUN=$HA_DIR/run
	lab_topo_up f1
	COA=$(lab_wait_addr mn "$MN_IF" "$F1_NET" 15) || return 1
	export COA
	ha_start disabled || return 1
	ip -n mn address add "$OTHER_COA/64" dev "$MN_IF" nodad
	# Every case in order, one scapy start; DAD makes a first
	# registration wait a second or two for its BA.
	lab_ns mn /usr/bin/python3 "$TESTER" --ha "$HA_ADDR" --coa "$COA" \
		--hoa "$MN_HOA" \
		"noack_reg,flags=H,seq=10,life=25,wait=10" \
		"noack_refresh,flags=H,seq=11,life=25" \
		"noack_dereg,flags=H,seq=12,life=0" \
		"proto,nohao=1,proto=6,gap=1" \
		"short,nohao=1,short=1,gap=1.5" \
		"proto_hao,proto=6,gap=1.5" \
		"unknown_opts,flags=AH,seq=20,opts=$UNKNOWN_OPTS,wait=10" \
		"altcoa_multicast,seq=21,altcoa=ff02::1,wait=2" \
		"altcoa_other,hoa=$ALT_HOA,seq=1,altcoa=$ALT_COA,wait=10" \
		"dereg_unknown,hoa=$NOBIND_HOA,seq=5,life=0" \
		"echo_bound,echo=1,wait=3,until=2" \
		"echo_nobind,echo=1,hoa=$NOBIND_HOA,wait=3,until=2" \
		"echo_othercoa,echo=1,from=$OTHER_COA,wait=3,until=2" \
		>"$HA_DIR/tester.out" 2>"$HA_DIR/tester.err"
	echo "tester exit $?" >>"$HA_DIR/tester.err"
}

teardown_file() {
	ha_stop
	lab_topo_down
}

teardown() {
	if [ -n "${BATS_TEST_COMPLETED:-}" ]; then
		return 0
	fi
	echo "--- tester"
	cat "$HA_DIR/tester.out" "$HA_DIR/tester.err"
	echo "--- home agent log (tail)"
	tail -n 40 "$HA_DIR/ha.log"
}

ctl() {
	"$PLAIN/mip6ctl" -s "$HA_RUN/ha.sock" "$@"
}

# mnsim.py from the care-of address (one message, what came back).
sim() {
	lab_ns mn /usr/bin/python3 "$SIM" --ha "$HA_ADDR" --coa "$COA" "$@"
}

# The kernel's XfrmInStateMismatch in the ha namespace.
state_mismatch() {
	ip netns exec ha awk '$1 == "XfrmInStateMismatch" { print $2 }' \
		/proc/net/xfrm_stat
}

# The value of counter NAME in `mip6ctl show stats`.
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

# What the tester saw for case NAME.
seen() {
	local line
	while read -r line; do
		if [ "${line%%: *}" = "$1" ]; then
			echo "${line#*: }"
			return 0
		fi
	done <"$HA_DIR/tester.out"
	echo "no line for case $1"
	return 1
}

@test "10.3.1, 10.3.2: without the A flag a registration, a refresh and a deregistration each get a BA" {
	run seen noack_reg
	echo "$output"
	[ "$output" = "BA status=0 seq=10 lifetime=25 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	run seen noack_refresh
	echo "$output"
	[ "$output" = "BA status=0 seq=11 lifetime=25 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	# Deregistration: lifetime 0, and the binding went.
	run seen noack_dereg
	echo "$output"
	[ "$output" = "BA status=0 seq=12 lifetime=0 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	[ "$(counter bu.accepted.deregistered)" = 1 ]
}

@test "9.2: Payload Proto 6 gets ICMPv6 Parameter Problem code 0 pointing at it, from the kernel; the home agent never reads it" {
	run seen proto
	echo "$output"
	# Offset 40: the first octet after the 40-octet IPv6 header.
	[ "$output" = "PARAMPROB code=0 pointer=40 src=$HA_ADDR" ]
	[ "$(counter rx_error.bad_payload_proto)" = 0 ]
}

@test "9.2: a Binding Update with Header Len 0 (shorter than a BU) gets Parameter Problem code 0 pointing at Header Len" {
	run seen short
	echo "$output"
	[ "$output" = "PARAMPROB code=0 pointer=41 src=$HA_ADDR" ]
	[ "$(counter rx_error.too_short_for_type)" = 0 ]
}

@test "9.2: with a Home Address option the Parameter Problem goes to the care-of address and points past the Destination Options header" {
	run seen proto_hao
	echo "$output"
	# 40 octets of IPv6 header, 24 of Destination Options (PadN, HAO).
	[ "$output" = "PARAMPROB code=0 pointer=64 src=$HA_ADDR" ]
}

@test "6.2: Pad1, PadN and an option of unknown type are skipped: the Binding Update is accepted" {
	run seen unknown_opts
	echo "$output"
	[ "$output" = "BA status=0 seq=20 lifetime=25 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
}

@test "9.5.1: a multicast Alternate Care-of Address is silently discarded; the binding keeps its care-of address" {
	run seen altcoa_multicast
	echo "$output"
	[ "$output" = NONE ]
	[ "$(counter bu.discarded.bad_care_of_address)" = 1 ]
	run ctl show bindings "$MN_HOA"
	echo "$output"
	[[ "$output" == "hoa=$MN_HOA coa=$COA state=active seq=20 "* ]]
}

@test "9.5.4: an Alternate Care-of Address other than the source: the BA that waited for DAD goes to the source, the binding to the option's address" {
	run seen altcoa_other
	echo "$output"
	[ "$output" = "BA status=0 seq=1 lifetime=25 flags=0x00 rh2=$ALT_HOA src=$HA_ADDR" ]
	run ctl show bindings "$ALT_HOA"
	echo "$output"
	[[ "$output" == "hoa=$ALT_HOA coa=$ALT_COA state=active seq=1 "* ]]
}

@test "10.3.2: a deregistration for a home address without binding gets 133" {
	run seen dereg_unknown
	echo "$output"
	[ "$output" = "BA status=133 seq=5 lifetime=0 flags=0x00 rh2=$NOBIND_HOA src=$HA_ADDR" ]
	[ "$(counter tx.ba_status.133)" = 1 ]
}

@test "9.3.1: an echo request with a Home Address option from the registered care-of address is answered (through the tunnel), no Binding Error" {
	run seen echo_bound
	echo "$output"
	[ "$output" = "ECHOREPLY src=$HA_ADDR dst=$MN_HOA outer=$HA_ADDR" ]
}

@test "9.3.1: an echo request with a Home Address option without binding is dropped: Binding Error 1 with the home address to the source, no echo reply" {
	run seen echo_nobind
	echo "$output"
	[ "$output" = "BE status=1 hoa=$NOBIND_HOA rh2=- src=$HA_ADDR" ]
	# The registered home address from another care-of address than
	# the binding's: the same (the binding stays).
	run seen echo_othercoa
	echo "$output"
	[ "$output" = "BE status=1 hoa=$MN_HOA rh2=- src=$HA_ADDR" ]
	[ "$(counter kernel.hao_dropped)" -ge 2 ]
	[ "$(counter tx.BE)" -ge 2 ]
	run ctl show bindings "$MN_HOA"
	echo "$output"
	[[ "$output" == "hoa=$MN_HOA coa=$COA state=active seq=20 "* ]]
}

@test "RFC 3776 4: a BU for one mobile node's home address under another's SA is dropped (the SA names its home address): no BA, no binding; under its own SA it is accepted" {
	ha_stop
	ha_start required
	local m0 m1
	m0=$(state_mismatch)
	# Mobile node 1's SA, mobile node 2's home address.
	run sim --hoa "$SA2_HOA" --seq 1 --wait 4 --esp-spi 0x1000 \
		--esp-auth "$K1_AUTH" --esp-enc "$K1_ENC"
	echo "$output"
	[ "$output" = NONE ]
	run ctl show bindings "$SA2_HOA"
	[ "$status" -ne 0 ]
	m1=$(state_mismatch)
	echo "XfrmInStateMismatch $m0 -> $m1"
	[ "$m1" -gt "$m0" ]
	# Its own SA: accepted, the BA under mobile node 2's outbound SA.
	run sim --hoa "$SA2_HOA" --seq 2 --wait 8 --esp-spi 0x1100 \
		--esp-auth "$K2_AUTH" --esp-enc "$K2_ENC"
	echo "$output"
	[ "$output" = "ESP spi=0x1101 rh2=$SA2_HOA src=$HA_ADDR" ]
	run ctl show bindings "$SA2_HOA"
	echo "$output"
	[[ "$output" == "hoa=$SA2_HOA coa=$COA state=active seq=2 "* ]]
}
