#!/usr/bin/env bats
# The correspondent (mip6-sig) in the lab: return routability, Binding
# Updates checked with the Binding Authorization Data, the binding cache,
# the route-optimization states, Binding Errors.  mip6-priv runs in the cn
# namespace; the mobile node's side is tests/lab/cnpeer.py, written from
# RFC 6275 alone, in the mn namespace on foreign link 1.  The router sends
# packets for the home address to the mobile node's care-of address, as a
# home agent's tunnel would.
#
# One mip6-priv for the whole file; the tests run in order and build on
# each other (the binding made by one is refreshed, forged against,
# deregistered by the next).  Nonces live 12 s here (nonce-lifetime).

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/cnstart.bash
. "$BATS_TEST_DIRNAME/cnstart.bash"

SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
PEER=$BATS_TEST_DIRNAME/cnpeer.py
# Long enough for the few cnpeer.py runs a test makes with one token on a
# slow host (6 s was not, once); a new nonce every 3 s.
NONCE_LIFE=12

setup_file() {
	id _mip6 >/dev/null 2>&1 || skip "no _mip6 user"
	cn_start cn "$NONCE_LIFE"
}

teardown_file() {
	cn_stop
}

# The number after NAME= in $output.
field() {
	local rest=${output#*"$1"=}
	echo "${rest%%[!0-9]*}"
}

@test "a HoTI gets a HoT to the home address: cookie echoed, a nonce index" {
	run peer hoti "$MN_HOA" "$CN_ADDR"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^hot\ nonce=[0-9]+\ cookie=ok$ ]]
}

@test "a CoTI gets a CoT to the care-of address: cookie echoed, a nonce index" {
	run peer coti "$MN_COA_F1" "$CN_ADDR"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^cot\ nonce=[0-9]+\ cookie=ok$ ]]
}

@test "a BU made with the tokens gets BA 0 with a valid authenticator, through a type 2 routing header; lifetime capped at 420 s" {
	rr
	run peer bu 1 1000 ack
	echo "$output"
	[ "$output" = "ba status=0 seq=1 lifetime=420 auth=ok via=$MN_COA_F1 rh2=$MN_HOA" ]
}

@test "mip6ctl show bindings on the correspondent shows the binding (text and JSON)" {
	run ctl show bindings
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "hoa=$MN_HOA coa=$MN_COA_F1 cn=$CN_ADDR seq=1 lifetime=420 "*" kernel=installed" ]]
	run ctl -j show bindings "$MN_HOA"
	echo "$output"
	[[ "$output" == '{"bindings":[{"hoa":"'"$MN_HOA"'","coa":"'"$MN_COA_F1"'"'* ]]
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d["bindings"]) == 1' "$output"
}

@test "the kernel holds the route-optimization states for the binding" {
	run ip -n cn xfrm state list proto route2
	echo "$output"
	[[ "$output" == *"src $CN_ADDR dst $MN_HOA"* ]]
	[[ "$output" == *"coa $MN_COA_F1"* ]]
	run ip -n cn xfrm state list proto hao
	echo "$output"
	[[ "$output" == *"src $MN_HOA dst $CN_ADDR"* ]]
	run ctl show kernel
	echo "$output"
	[[ "$output" == *"ro hoa $MN_HOA peer $CN_ADDR coa $MN_COA_F1 as cn"* ]]
	run ctl -j show kernel
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert any(" as cn" in l for l in d["kernel"])' "$output"
}

@test "a ping from the correspondent to the home address goes to the care-of address with a type 2 routing header" {
	lab_capture_start cnrh2 cn "$CN_IF" ip6 and not icmp6
	lab_ns cn ping -c 1 -W 1 "$MN_HOA" || true
	lab_capture_stop cnrh2
	run tcpdump -n -v -r "$LAB_CAPDIR/cnrh2.pcap"
	echo "$output"
	[[ "$output" == *"$CN_ADDR > $MN_COA_F1: RT6 (len=2, type=2, segleft=1, "*"[0]$MN_HOA)"*"echo request"* ]]
}

@test "a refresh from the same care-of address is accepted with the next sequence number" {
	rr
	run peer bu 2 100 ack
	echo "$output"
	[ "$output" = "ba status=0 seq=2 lifetime=100 auth=ok via=$MN_COA_F1 rh2=$MN_HOA" ]
	run ctl show bindings
	[[ "$output" == *" seq=2 lifetime=100 "* ]]
}

@test "a BU with a forged authenticator is dropped: no BA, the binding unchanged, counted" {
	before=$(ctr bu.bad_authenticator)
	rr
	run peer bu 3 200 ack forge
	echo "$output"
	[ "$output" = "no ba" ]
	run ctl show bindings
	[[ "$output" == *" seq=2 lifetime=100 "* ]]
	[ "$(ctr bu.bad_authenticator)" -eq $((before + 1)) ]
}

@test "an old sequence number gets BA 135 with the last accepted one" {
	rr
	run peer bu 2 100 ack
	echo "$output"
	[ "$output" = "ba status=135 seq=2 lifetime=0 auth=ok via=$MN_COA_F1 rh2=$MN_HOA" ]
}

@test "a nonce index replaced by a newer one is honoured within its lifetime" {
	local i
	out=$(rr)
	old=${out%%$'\n'*}
	# The next nonce comes within a quarter of the lifetime (3 s).
	for i in $(seq 20); do
		lab_sleep 0.5
		new=$(lab_ns mn /usr/bin/python3 "$PEER" "$BATS_FILE_TMPDIR/other" hoti "$MN_HOA" "$CN_ADDR")
		[ "${old%% cookie*}" != "${new%% cookie*}" ] && break
	done
	echo "before: $old; after: $new"
	[ "${old%% cookie*}" != "${new%% cookie*}" ]
	run peer bu 4 100 ack
	echo "$output"
	[ "$output" = "ba status=0 seq=4 lifetime=100 auth=ok via=$MN_COA_F1 rh2=$MN_HOA" ]
}

@test "expired nonce indices get 136 (home), 137 (care-of), 138 (both), and change nothing" {
	rr
	output=$(peer hoti "$MN_HOA" "$CN_ADDR")
	oldh=$(field nonce)
	output=$(peer coti "$MN_COA_F1" "$CN_ADDR")
	oldc=$(field nonce)
	lab_sleep $((NONCE_LIFE + 2))
	rr
	run peer bu 5 100 ack home-nonce="$oldh"
	echo "$output"
	[ "$output" = "ba status=136 seq=5 lifetime=0 auth=none via=$MN_COA_F1 rh2=$MN_HOA" ]
	run peer bu 5 100 ack coa-nonce="$oldc"
	echo "$output"
	[ "$output" = "ba status=137 seq=5 lifetime=0 auth=none via=$MN_COA_F1 rh2=$MN_HOA" ]
	run peer bu 5 100 ack home-nonce="$oldh" coa-nonce="$oldc"
	echo "$output"
	[ "$output" = "ba status=138 seq=5 lifetime=0 auth=none via=$MN_COA_F1 rh2=$MN_HOA" ]
	run ctl show bindings
	[[ "$output" == *" seq=4 lifetime=100 "* ]]
	[ "$(ctr tx.ba_status.136)" -eq 1 ]
	[ "$(ctr tx.ba_status.137)" -eq 1 ]
	[ "$(ctr tx.ba_status.138)" -eq 1 ]
}

@test "a refused BU from another care-of address gets its BA there, with one routing header" {
	ip -n mn address add 2001:db8:f1::99/64 dev "$MN_IF" nodad
	rr
	run peer bu 5 100 ack coa=2001:db8:f1::99 home-nonce=stale coa-nonce=stale
	ip -n mn address del 2001:db8:f1::99/64 dev "$MN_IF"
	echo "$output"
	[ "$output" = "ba status=138 seq=5 lifetime=0 auth=none via=2001:db8:f1::99 rh2=$MN_HOA" ]
	run ctl show bindings
	[[ "$output" == *"coa=$MN_COA_F1 "*" seq=4 lifetime=100 "* ]]
}

@test "a deregistration (lifetime 0) removes the binding and the kernel states" {
	peer hoti "$MN_HOA" "$CN_ADDR"
	run peer bu 6 0 ack
	echo "$output"
	[ "$output" = "ba status=0 seq=6 lifetime=0 auth=ok via=$MN_COA_F1 rh2=$MN_HOA" ]
	run ctl show bindings
	[ -z "$output" ]
	run ip -n cn xfrm state list proto route2
	[ -z "$output" ]
	run ip -n cn xfrm policy
	[[ "$output" != *"$MN_HOA"* ]]
}

@test "a Home Address option without a binding gets Binding Error 1 to the care-of address" {
	run peer haoping
	echo "$output"
	[ "$output" = "be status=1 hoa=$MN_HOA to=$MN_COA_F1" ]
}

@test "an unknown Mobility Header type gets Binding Error 2" {
	run peer mhtype 42
	echo "$output"
	[ "$output" = "be status=2 hoa=:: to=$MN_COA_F1" ]
	[ "$(ctr tx.be_status.2)" -ge 1 ]
}

@test "a binding whose lifetime runs out is removed with its states" {
	rr
	run peer bu 7 4 ack
	echo "$output"
	[ "$output" = "ba status=0 seq=7 lifetime=4 auth=ok via=$MN_COA_F1 rh2=$MN_HOA" ]
	[ -n "$(ip -n cn xfrm state list proto route2)" ]
	lab_wait_for 8 bash -c "[ -z \"\$('$PLAIN/mip6ctl' -s '$TD/run/sig.sock' show bindings)\" ]"
	run ip -n cn xfrm state list proto route2
	[ -z "$output" ]
	[ "$(ctr expired)" -eq 1 ]
}

@test "mip6ctl delete binding removes a binding and its states" {
	rr
	run peer bu 8 100 ack
	[[ "$output" == "ba status=0 "* ]]
	run ctl delete binding "$MN_HOA"
	echo "$output"
	[ "$output" = "deleted $MN_HOA" ]
	run ctl show bindings
	[ -z "$output" ]
	lab_wait_for 3 bash -c "[ -z \"\$(ip -n cn xfrm state list proto route2)\" ]"
	run ctl delete binding "$MN_HOA"
	[ "$status" -eq 1 ]
}

@test "mip6-priv stopped with a binding in place leaves no route-optimization state" {
	rr
	run peer bu 9 100 ack
	[[ "$output" == "ba status=0 "* ]]
	[ -n "$(ip -n cn xfrm state list proto route2)" ]
	kill "$(cat "$TD/pid")"
	lab_wait_for 5 bash -c "! kill -0 $(cat "$TD/pid") 2>/dev/null"
	rm -f "$TD/pid"
	run ip -n cn xfrm state
	echo "$output"
	[ -z "$output" ]
	run ip -n cn xfrm policy
	[ -z "$output" ]
}
