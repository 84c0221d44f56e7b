#!/usr/bin/env bats
# The home agent (mip6-priv + mip6-ha) in the lab: a mobile node made by
# hand with scapy (tests/lab/mnsim.py) on foreign link 1 sends Binding
# Updates with a Home Address option; the tests read the answers off the
# wire, and look at `mip6ctl` and the kernel in the ha namespace.
#
# Runs inside the user-mode Linux guest (tests/lab/run tests/lab/ha.bats).
# One home agent for the file (ipsec disabled); the last tests restart it
# with ipsec required.

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/hastart.bash
. "$BATS_TEST_DIRNAME/hastart.bash"

SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
SIM=$BATS_TEST_DIRNAME/mnsim.py
# A home address on the home link that a neighbour already uses (DAD).
TAKEN_HOA=${HOME_NET}150
# A second configured mobile node, and an address of the home agent that
# serves no home link.
OTHER_HOA=${HOME_NET}101
HA_OTHER_ADDR=${HOME_NET}3
# Lab keys of tests/lab/conf/ha.yaml style, public: the lab only.
KEY_IN_AUTH=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
KEY_IN_ENC=0f0e0d0c0b0a09080706050403020100
KEY_OUT_AUTH=ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
KEY_OUT_ENC=000102030405060708090a0b0c0d0e0f

ha_conf() {
	local ipsec=$1
	if [ "$ipsec" = limits ]; then
		# ipsec disabled, one binding at most, two mobile nodes known.
		cat <<-EOF
		common:
		  log-level: debug
		  control-dir: $HA_RUN
		home-agent:
		  links:
		    - interface: $HA_IF
		      address: "$HA_ADDR"
		      home-prefixes: ["$HOME_PREFIX"]
		  max-bindings: 1
		  dad: false
		  ipsec: disabled
		  mobile-nodes:
		    - home-address: "$MN_HOA"
		    - home-address: "$OTHER_HOA"
		EOF
		return
	fi
	cat <<-EOF
	common:
	  log-level: debug
	  control-dir: $HA_RUN
	home-agent:
	  links:
	    - interface: $HA_IF
	      address: "$HA_ADDR"
	      home-prefixes: ["$HOME_PREFIX"]
	  max-lifetime: 5m
	  binding-refresh-before: 6s
	  ipsec: $ipsec
	EOF
	if [ "$ipsec" = required ]; then
		cat <<-EOF
		  mobile-nodes:
		    - home-address: "$MN_HOA"
		      ipsec-keys:
		        to-home-agent:
		          spi: 0x1000
		          auth-algorithm: hmac(sha256)
		          auth-key: 0x$KEY_IN_AUTH
		          enc-algorithm: cbc(aes)
		          enc-key: 0x$KEY_IN_ENC
		        to-mobile-node:
		          spi: 0x1001
		          auth-algorithm: hmac(sha256)
		          auth-key: 0x$KEY_OUT_AUTH
		          enc-algorithm: cbc(aes)
		          enc-key: 0x$KEY_OUT_ENC
		EOF
	fi
}

setup_file() {
	export HA_DIR=$BATS_FILE_TMPDIR
	export HA_RUN=$HA_DIR/run
	lab_topo_up f1
	COA=$(lab_wait_addr mn "$MN_IF" "$F1_NET" 15) || return 1
	export COA
	# A neighbour on the home link holds TAKEN_HOA.
	ip -n r address add "$TAKEN_HOA/64" dev "$R_IF_HOME" nodad
	ip -n ha address add "$HA_OTHER_ADDR/64" dev "$HA_IF" nodad
	ha_start disabled
}

teardown_file() {
	ha_stop
	lab_topo_down
}

teardown() {
	# On failure, the home agent's log says why.
	if [ -n "${BATS_TEST_COMPLETED:-}" ]; then
		return 0
	fi
	echo "--- home agent log (tail)"
	tail -n 40 "$HA_DIR/ha.log"
}

# The mobile node's message (mnsim.py options) and what came back.
sim() {
	lab_ns mn /usr/bin/python3 "$SIM" --ha "$HA_ADDR" --coa "$COA" "$@"
}

ctl() {
	"$PLAIN/mip6ctl" -s "$HA_RUN/ha.sock" "$@"
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

no_binding() {
	! ctl show bindings "$1" >/dev/null 2>&1
}

# Kernel state of the home agent for HOA: route, proxy ND.
route_of() {
	ip -n ha -6 route show "$1/128" table all
}

proxy_of() {
	ip -n ha -6 neigh show proxy | grep -F "$1 " || true
}

@test "a home registration is acknowledged with status 0, its sequence number and lifetime" {
	lab_capture_start home ha "$HA_IF" icmp6
	run sim --hoa "$MN_HOA" --seq 7 --lifetime 25 --wait 4
	# tcpdump gets packets in blocks that retire after a second.
	lab_sleep 1.2
	lab_capture_stop home >/dev/null
	echo "$output"
	[ "$output" = "BA status=0 seq=7 lifetime=25 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	# On the home link: the DAD probe, then the unsolicited NA that
	# points the neighbours at the home agent's link-layer address.
	run tcpdump -n -v -r "$LAB_CAPDIR/home.pcap"
	echo "$output" | grep -v "router advertisement\|option\|hop limit"
	[[ "$output" == *"$HA_LL > ff02::1:ff00:100: "*"neighbor solicitation"*"who has $MN_HOA"* ]]
	# 32 octets: the NA and its target link-layer address option.
	[[ "$output" == *"$HA_LL > ff02::1: "*"neighbor advertisement, length 32, tgt is $MN_HOA, Flags [override]"* ]]
	run tcpdump -n -vv -r "$LAB_CAPDIR/home.pcap" icmp6 and ip6 dst ff02::1
	echo "$output"
	[[ "$output" == *"tgt is $MN_HOA"*"link-address option (2), length 8 (1): 02:00:00:00:00:02"* ]]
}

@test "mip6ctl shows the binding, in text and JSON" {
	run ctl show bindings
	echo "$output"
	[[ "$output" == "hoa=$MN_HOA coa=$COA state=active seq=7 flags=AH link=$HA_IF lifetime=100 "* ]]
	run ctl -j show bindings "$MN_HOA"
	echo "$output"
	[[ "$output" == "{\"hoa\":\"$MN_HOA\",\"coa\":\"$COA\",\"state\":\"active\",\"seq\":7,"* ]]
	run ctl show bindings 2001:db8:1::99
	[ "$status" -ne 0 ]
	[[ "$output" == *"no binding for 2001:db8:1::99"* ]]
}

@test "the binding's tunnel route and proxy ND are in the home agent's kernel" {
	run route_of "$MN_HOA"
	echo "$output"
	[[ "$output" == *"encap ip6"*"dst $COA"* ]]
	run proxy_of "$MN_HOA"
	echo "$output"
	[[ "$output" == *"$MN_HOA dev $HA_IF"* ]]
}

@test "mip6ctl show kernel lists the binding's objects from mip6-priv" {
	run ctl show kernel
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$MN_HOA"*"$COA"* ]]
	run ctl -j show kernel
	echo "$output"
	[[ "$output" == "{\"kernel\":[\""*"$MN_HOA"*"\"]}" ]]
}

@test "a stale sequence number gets 135 with the last accepted one" {
	run sim --hoa "$MN_HOA" --seq 6 --lifetime 25
	echo "$output"
	[ "$output" = "BA status=135 seq=7 lifetime=0 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	[ "$(counter tx.ba_status.135)" = 1 ]
}

@test "a refresh with a newer sequence number is accepted" {
	run sim --hoa "$MN_HOA" --seq 8 --lifetime 30
	echo "$output"
	[ "$output" = "BA status=0 seq=8 lifetime=30 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	run ctl show bindings "$MN_HOA"
	[[ "$output" == *" seq=8 "*" lifetime=120 "* ]]
}

@test "a home address outside the served prefix gets 132" {
	run sim --hoa 2001:db8:99::100 --seq 1
	echo "$output"
	[ "$output" = "BA status=132 seq=1 lifetime=0 flags=0x00 rh2=2001:db8:99::100 src=$HA_ADDR" ]
	no_binding 2001:db8:99::100
}

@test "the home agent's own address as home address gets 129" {
	run sim --hoa "$HA_ADDR" --seq 1
	echo "$output"
	[ "$output" = "BA status=129 seq=1 lifetime=0 flags=0x00 rh2=$HA_ADDR src=$HA_ADDR" ]
}

@test "a home address a neighbour holds fails DAD: 134 and nothing installed" {
	run sim --hoa "$TAKEN_HOA" --seq 1 --wait 4
	echo "$output"
	[ "$output" = "BA status=134 seq=1 lifetime=0 flags=0x00 rh2=$TAKEN_HOA src=$HA_ADDR" ]
	no_binding "$TAKEN_HOA"
	[ -z "$(route_of "$TAKEN_HOA")" ]
	[ "$(counter bu.refused.dad_failed)" = 1 ]
}

@test "an unknown Mobility Header type gets a Binding Error with status 2" {
	run sim --hoa "$MN_HOA" --type 42
	echo "$output"
	[ "$output" = "BE status=2 hoa=$MN_HOA rh2=- src=$HA_ADDR" ]
	[ "$(counter rx_error.unknown_mh_type)" = 1 ]
	[ "$(counter tx.BE)" = 1 ]
	[ "$(counter tx.be_rate_limited)" = 0 ]
}

@test "a Home Address option without a binding gets a Binding Error with status 1" {
	run sim --hoa ${HOME_NET}177 --type 0
	echo "$output"
	[ "$output" = "BE status=1 hoa=${HOME_NET}177 rh2=- src=$HA_ADDR" ]
}

@test "Binding Errors are rate limited (binding-error-rate, 10 a second by default)" {
	run sim --hoa "$MN_HOA" --type 42 --count 40 --until 40 --wait 2
	echo "$output"
	local sent=${#lines[@]}
	[ "$sent" -ge 1 ]
	[ "$sent" -le 20 ]
	[ "$(counter tx.be_rate_limited)" -ge 20 ]
}

@test "a malformed Binding Update is dropped and counted by reason" {
	run sim --hoa "$MN_HOA" --seq 20 --bad overrun --wait 1
	[ "$output" = NONE ]
	run sim --hoa "$MN_HOA" --seq 21 --bad optlen --wait 1
	[ "$output" = NONE ]
	run ctl show stats
	echo "$output"
	[[ "$output" == *$'\nrx_error.option_overrun 1\n'* ]]
	[[ "$output" == *$'\nrx_error.bad_option_length 1\n'* ]]
	# Neither touched the binding.
	run ctl show bindings "$MN_HOA"
	[[ "$output" == *" seq=8 "* ]]
}

@test "a deregistration removes the binding and its kernel state" {
	run sim --hoa "$MN_HOA" --seq 9 --lifetime 0
	echo "$output"
	[ "$output" = "BA status=0 seq=9 lifetime=0 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	no_binding "$MN_HOA"
	lab_wait_for 3 eval '[ -z "$(route_of "$MN_HOA")" ]'
	lab_wait_for 3 eval '[ -z "$(proxy_of "$MN_HOA")" ]'
}

@test "a short binding gets a Binding Refresh Request, then runs out with its kernel state" {
	# 8 s granted, refresh requested 6 s before the end.
	run sim --hoa "$MN_HOA" --seq 30 --lifetime 2 --until 2 --wait 6
	echo "$output"
	[ "${lines[0]}" = "BA status=0 seq=30 lifetime=2 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	[ "${lines[1]}" = "BRR rh2=$MN_HOA src=$HA_ADDR" ]
	[ -n "$(route_of "$MN_HOA")" ]
	lab_wait_for 8 no_binding "$MN_HOA"
	lab_wait_for 3 eval '[ -z "$(route_of "$MN_HOA")" ]'
	[ -z "$(proxy_of "$MN_HOA")" ]
	[ "$(counter binding.expired)" = 1 ]
	[ "$(counter tx.BRR)" = 1 ]
}

@test "mip6ctl delete binding removes it and its kernel state; an unknown one is an error" {
	run sim --hoa "$MN_HOA" --seq 40 --lifetime 25 --wait 4
	[[ "$output" == "BA status=0 seq=40 "* ]]
	[ -n "$(route_of "$MN_HOA")" ]
	run ctl delete binding "$MN_HOA"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "binding $MN_HOA deleted" ]
	no_binding "$MN_HOA"
	lab_wait_for 3 eval '[ -z "$(route_of "$MN_HOA")" ]'
	[ -z "$(proxy_of "$MN_HOA")" ]
	run ctl delete binding "$MN_HOA"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no binding for $MN_HOA"* ]]
}

@test "mip6ctl show stats counts what was received and sent, in text and JSON" {
	run ctl show stats
	echo "$output"
	[[ "$output" == *$'\nrx.BU '* ]]
	[ "$(counter bu.refused.seq_out_of_window)" = 1 ]
	[ "$(counter bu.refused.not_home_subnet)" = 1 ]
	[ "$(counter tx.ba_status.132)" = 1 ]
	run ctl -j show stats
	[[ "$output" == "{\"bindings.active\":0,\"bindings.dad\":0,"*"\"tx.ba_status.132\":1,"*"}" ]]
}

@test "ipsec disabled says so in the log at start" {
	grep -q "ipsec: disabled" "$HA_DIR/ha.log"
}

@test "with ipsec required a Binding Update without ESP gets nothing and creates nothing" {
	ha_stop
	ha_start required
	run sim --hoa "$MN_HOA" --seq 50 --wait 3
	echo "$output"
	[ "$output" = NONE ]
	no_binding "$MN_HOA"
	[ -z "$(route_of "$MN_HOA")" ]
	# The kernel dropped it: the home agent never saw it.
	[ "$(counter rx.BU)" = 0 ]
}

@test "with ipsec required a Binding Update under ESP is accepted and the BA is protected" {
	run sim --hoa "$MN_HOA" --seq 51 --wait 4 --esp-spi 0x1000 \
		--esp-auth "$KEY_IN_AUTH" --esp-enc "$KEY_IN_ENC"
	echo "$output"
	[ "$output" = "ESP spi=0x1001 rh2=$MN_HOA src=$HA_ADDR" ]
	run ctl show bindings "$MN_HOA"
	echo "$output"
	[[ "$output" == "hoa=$MN_HOA coa=$COA state=active seq=51 "* ]]
	[[ "$(route_of "$MN_HOA")" == *"dst $COA"* ]]
}

@test "a mobile node outside the configured list gets 133" {
	ha_stop
	ha_start limits
	run sim --hoa ${HOME_NET}102 --seq 1
	echo "$output"
	[ "$output" = "BA status=133 seq=1 lifetime=0 flags=0x00 rh2=${HOME_NET}102 src=$HA_ADDR" ]
}

@test "with dad off a listed mobile node is accepted at once; a second binding over max-bindings gets 130" {
	run sim --hoa "$MN_HOA" --seq 1 --lifetime 25
	echo "$output"
	[ "$output" = "BA status=0 seq=1 lifetime=25 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	run sim --hoa "$OTHER_HOA" --seq 1 --lifetime 25
	echo "$output"
	[ "$output" = "BA status=130 seq=1 lifetime=0 flags=0x00 rh2=$OTHER_HOA src=$HA_ADDR" ]
	no_binding "$OTHER_HOA"
}

@test "a binding update without H for a home binding gets 139" {
	run sim --hoa "$MN_HOA" --seq 2 --flags A
	echo "$output"
	[ "$output" = "BA status=139 seq=2 lifetime=0 flags=0x00 rh2=$MN_HOA src=$HA_ADDR" ]
	run ctl show bindings "$MN_HOA"
	[[ "$output" == *" seq=1 "* ]]
}

@test "a home registration sent to an address that serves no home link gets 131" {
	run sim --hoa "$MN_HOA" --seq 3 --ha "$HA_OTHER_ADDR"
	echo "$output"
	[ "$output" = "BA status=131 seq=3 lifetime=0 flags=0x00 rh2=$MN_HOA src=$HA_OTHER_ADDR" ]
}

@test "an accepted Binding Update without the A flag gets a BA all the same (RFC 6275 10.3.1)" {
	run sim --hoa "$MN_HOA" --seq 4 --flags H --wait 5
	echo "$output"
	[[ "$output" == "BA status=0 seq=4 lifetime="*" rh2=$MN_HOA src=$HA_ADDR" ]]
	run ctl show bindings "$MN_HOA"
	echo "$output"
	[[ "$output" == *" state=active seq=4 flags=H "* ]]
}
