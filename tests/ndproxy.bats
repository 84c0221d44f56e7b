#!/usr/bin/env bats
# proxy-nd: daemon on the host: mip6-ha/ndproxy.c, the Neighbor
# Solicitation parser (RFC 4861 7.1.1) and the proxy Neighbor
# Advertisement builder (7.2.4, 7.2.8).  The lab side, with scapy as the
# oracle, is tests/lab/proxynd.bats.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
}

unit() {
	run "$BIN/tests/test_ndproxy" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $1" ]
}

@test "ndproxy: a multicast or unicast NS is valid; the NA has R=0 S=1 O=0, the target, TLLA the home link's MAC, goes to the NS source" {
	unit unicast_ns_answered_s_not_r_o
}

@test "ndproxy: a DAD NS (from ::) is answered to ff02::1 with R=0 S=0 O=0" {
	unit dad_ns_answered_to_all_nodes_without_s
}

@test "ndproxy: each RFC 4861 7.1.1 violation is refused with its own reason (hop limit, code, length, checksum, target, options, DAD rules)" {
	unit malformed_each_reason
}

@test "ndproxy: every truncation of a valid frame is refused, Ethernet padding is not" {
	unit truncated_never_accepted
}
