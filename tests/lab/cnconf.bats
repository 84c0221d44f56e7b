#!/usr/bin/env bats
# The correspondent (mip6-sig) against RFC 6275 conformance cases of the
# kind a TAHI-style tester runs: the tester plays the mobile node with
# crafted HoTI/CoTI/BU/data packets (tests/lab/cnpeer.py, written from the
# RFC alone) and checks what comes back on the wire.  Cases here are the
# ones tests/lab/cn.bats does not cover: Home/Care-of Test Init with a Home
# Address option (9.4.1, 9.4.2), options skipped and aligned (6.2), a data
# packet with the option from the bound and from another care-of address
# (9.3.1), BUs missing the Nonce Indices or the Binding Authorization Data
# or with the latter not last (9.5.1, 6.2.7), H=1 at a correspondent
# (9.5.1, 131), the deregistration from home with the home nonce only
# (5.2.6, 9.5.1), the Alternate Care-of Address option (6.2.5), Kcn
# renewal (5.2.7).
#
# One mip6-priv for the file; the tests run in order and build on each
# other.  Nonces live 8 s here.

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/cnstart.bash
. "$BATS_TEST_DIRNAME/cnstart.bash"

SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
PEER=$BATS_TEST_DIRNAME/cnpeer.py
OTHER_COA=2001:db8:f1::98

setup_file() {
	id _mip6 >/dev/null 2>&1 || skip "no _mip6 user"
	cn_start cnconf 8
}

teardown_file() {
	cn_stop
}

@test "RFC 6275 9.4.1/9.4.2: a HoTI or CoTI carrying a Home Address option gets no answer, counted" {
	rr
	run peer init-hao hoti
	echo "$output"
	[ "$output" = "nothing" ]
	run peer init-hao coti
	echo "$output"
	[ "$output" = "nothing" ]
	[ "$(ctr rx.test_init_with_hao)" -eq 2 ]
}

@test "RFC 6275 6.2: Pad1, PadN and an unknown option type before the Nonce Indices are skipped: BA 0; the BU with its Home Address option gets no Binding Error" {
	rr
	run peer bu 1 100 ack pad
	echo "$output"
	[ "$output" = "ba status=0 seq=1 lifetime=100 auth=ok via=$MN_COA_F1 rh2=$MN_HOA" ]
	[ "$(ctr tx.be_status.1)" -eq 0 ]
}

@test "RFC 6275 9.3.1: an echo request with a Home Address option from the bound care-of address is answered through a type 2 routing header, no Binding Error" {
	run peer echo
	echo "$output"
	[ "$output" = "reply to=$MN_COA_F1 rh2=$MN_HOA" ]
	[ "$(ctr tx.be_status.1)" -eq 0 ]
}

@test "RFC 6275 9.3.1: an echo request with a Home Address option from another care-of address than the bound one gets Binding Error 1 there, no reply" {
	ip -n mn address add "$OTHER_COA/64" dev "$MN_IF" nodad
	run peer echo from="$OTHER_COA"
	ip -n mn address del "$OTHER_COA/64" dev "$MN_IF"
	echo "$output"
	[ "$output" = "be status=1 hoa=$MN_HOA to=$OTHER_COA" ]
	# the bound care-of address still gets its replies
	run peer echo
	echo "$output"
	[ "$output" = "reply to=$MN_COA_F1 rh2=$MN_HOA" ]
	run ctl show bindings
	[[ "$output" == "hoa=$MN_HOA coa=$MN_COA_F1 "*" seq=1 "* ]]
}

@test "RFC 6275 9.3.1, 9.5.1: a move: the BU from a new care-of address (Home Address option, the old binding in place) gets BA 0; then the new address is answered, the old one gets Binding Error 1" {
	ip -n mn address add "$OTHER_COA/64" dev "$MN_IF" nodad
	peer hoti "$MN_HOA" "$CN_ADDR"
	peer coti "$OTHER_COA" "$CN_ADDR"
	run peer bu 2 100 ack
	echo "$output"
	[ "$output" = "ba status=0 seq=2 lifetime=100 auth=ok via=$OTHER_COA rh2=$MN_HOA" ]
	run peer echo
	echo "$output"
	[ "$output" = "reply to=$OTHER_COA rh2=$MN_HOA" ]
	run peer echo from="$MN_COA_F1"
	echo "$output"
	ip -n mn address del "$OTHER_COA/64" dev "$MN_IF"
	[ "$output" = "be status=1 hoa=$MN_HOA to=$MN_COA_F1" ]
	run ctl show bindings
	[[ "$output" == "hoa=$MN_HOA coa=$OTHER_COA "*" seq=2 "* ]]
}

@test "RFC 6275 9.5.1, 6.2.7: a BU without Nonce Indices, without Binding Authorization Data, or with it not last is dropped: no BA, binding unchanged, counted" {
	# fresh tokens for each (a silent drop waits 2 s; nonces live 8 s)
	rr
	run peer bu 3 100 ack no-nonce
	echo "$output"
	[ "$output" = "no ba" ]
	rr
	run peer bu 3 100 ack no-auth
	echo "$output"
	[ "$output" = "no ba" ]
	rr
	run peer bu 3 100 ack auth-not-last
	echo "$output"
	[ "$output" = "no ba" ]
	run ctl show bindings
	[[ "$output" == *" seq=2 lifetime=100 "* ]]
	[ "$(ctr bu.no_nonce_indices)" -eq 1 ]
	[ "$(ctr bu.no_authorization_data)" -eq 1 ]
	[ "$(ctr bu.bad_authenticator)" -eq 1 ]
}

@test "RFC 6275 9.5.1: a BU with H=1 at a correspondent gets BA 131 even without A, binding unchanged" {
	rr
	run peer bu 3 100 h
	echo "$output"
	[ "$output" = "ba status=131 seq=3 lifetime=0 auth=none via=$MN_COA_F1 rh2=$MN_HOA" ]
	run ctl show bindings
	[[ "$output" == *" seq=2 lifetime=100 "* ]]
}

@test "RFC 6275 6.2.5, 9.5.1, 9.5.4: a BU with an Alternate Care-of Address option binds that address (its care-of token, the authenticator over it); the BA goes to the packet's source with the routing header" {
	ip -n mn address add "$OTHER_COA/64" dev "$MN_IF" nodad
	peer hoti "$MN_HOA" "$CN_ADDR"
	peer coti "$MN_COA_F1" "$CN_ADDR"
	run peer bu 3 100 ack coa="$OTHER_COA" altcoa="$MN_COA_F1"
	ip -n mn address del "$OTHER_COA/64" dev "$MN_IF"
	echo "$output"
	[ "$output" = "ba status=0 seq=3 lifetime=100 auth=ok via=$OTHER_COA rh2=$MN_HOA" ]
	run ctl show bindings
	echo "$output"
	[[ "$output" == "hoa=$MN_HOA coa=$MN_COA_F1 "*" seq=3 "* ]]
	run ip -n cn xfrm state list proto route2
	[[ "$output" == *"coa $MN_COA_F1"* ]]
	run peer echo
	echo "$output"
	[ "$output" = "reply to=$MN_COA_F1 rh2=$MN_HOA" ]
}

@test "RFC 6275 5.2.6, 9.5.1: deregistration from home (no Home Address option, home nonce only, a stale care-of index) gets BA 0 straight to the home address, binding and states gone" {
	peer hoti "$MN_HOA" "$CN_ADDR"
	run peer bu 4 0 ack home coa-nonce=stale
	echo "$output"
	[ "$output" = "ba status=0 seq=4 lifetime=0 auth=ok via=$MN_HOA rh2=None" ]
	run ctl show bindings
	[ -z "$output" ]
	run ip -n cn xfrm state list proto route2
	[ -z "$output" ]
}

@test "RFC 6275 5.2.7: Kcn is renewed with the nonces (kcn_renewals), and tokens made under the previous Kcn still verify within the nonce lifetime" {
	k0=$(ctr kcn_renewals)
	[ "$k0" -ge 1 ]
	rr
	lab_wait_for 6 bash -c "[ \"\$('$PLAIN/mip6ctl' -s '$TD/run/sig.sock' show stats | awk '\$1 == \"kcn_renewals\" { print \$2 }')\" -gt $k0 ]"
	run peer bu 5 100 ack
	echo "$output"
	[ "$output" = "ba status=0 seq=5 lifetime=100 auth=ok via=$MN_COA_F1 rh2=$MN_HOA" ]
}
