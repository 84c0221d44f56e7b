#!/usr/bin/env bats
# Mobile IPv6 ICMPv6 codec (common/icmp6mip.c), on the host: DHAAD
# request and reply (minimum-MTU limit), mobile prefix solicitation and
# advertisement, the home agent fields of a Router Advertisement, the
# Home Agents anycast address of RFC 2526.  The lab suite
# tests/lab/dhaad.bats checks the daemons' packets with scapy.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
}

unit() {
	run "$BIN/tests/test_icmp6mip" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $1" ]
}

@test "icmp6mip: Home Agents anycast address per RFC 2526 (/64, /48, /120, /121)" {
	unit anycast_address_rfc2526
}

@test "icmp6mip: DHAAD request 144 builds and parses (identifier, code 0)" {
	unit dhaad_request_roundtrip
}

@test "icmp6mip: DHAAD reply 145 lists home agents in the given order" {
	unit dhaad_reply_lists_in_order
}

@test "icmp6mip: DHAAD reply stops at 77 addresses (1280-byte minimum MTU)" {
	unit dhaad_reply_fits_minimum_mtu
}

@test "icmp6mip: mobile prefix solicitation 146 builds and parses" {
	unit mps_roundtrip
}

@test "icmp6mip: mobile prefix advertisement 147 carries prefix options and flags" {
	unit mpa_carries_prefixes
}

@test "icmp6mip: router advertisement H flag, Home Agent Information, R-flag address" {
	unit ra_home_agent_fields
}

@test "icmp6mip: other ICMPv6 types are not parsed as mobility messages" {
	unit other_types_refused
}

dhaad() {
	run "$BIN/tests/test_dhaad" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $1" ]
}

@test "home agent list: an advertisement with H and an R-flag address adds a home agent (info lifetime over router lifetime)" {
	dhaad adds_home_agent_from_advertisement
}

@test "home agent list: the home agent's own advertisement, one without an address or without H add nothing" {
	dhaad ignores_own_and_addressless
}

@test "home agent list: lifetime 0 or the H flag gone removes a home agent" {
	dhaad lifetime_zero_or_no_h_flag_removes
}

@test "home agent list: an expired entry is neither listed nor kept" {
	dhaad expired_entries_go
}

@test "home agent list: a reply lists by preference, this home agent included, per link, at most as asked" {
	dhaad reply_by_preference_own_included
}

@test "home agent list: bounded at 64 entries" {
	dhaad list_is_bounded
}
