#!/usr/bin/env bats
# Home agent engine logic (mip6-ha/bcache.c, hareg.c), on the host: every
# Binding Acknowledgement status, the sequence window, lifetimes,
# deregistration, the A flag, DAD, and the binding cache at 100k entries.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
	PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
}

unit() {
	run "$BIN/tests/$1" "$2"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $2" ]
}

@test "bcache: insert, look up, refuse a duplicate, remove" {
	unit test_bcache insert_lookup_remove
}

@test "bcache: show bindings walks in home address order" {
	unit test_bcache walks_in_home_address_order
}

@test "bcache: max-bindings reached refuses a new entry until one leaves" {
	unit test_bcache bound_reached_refuses_insert
}

@test "bcache: 100k bindings expire in deadline order after refreshes and removals" {
	unit test_bcache expiry_order_100k
}

@test "bcache: a Binding Refresh Request fires before the expiry" {
	unit test_bcache refresh_request_fires_before_expiry
}

@test "bcache: a binding costs under 256 bytes resident (100k bindings)" {
	# Resident memory is only meaningful without the sanitizers' shadow.
	run "$PLAIN/tests/test_bcache" memory 100000
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ sizeof_entry=([0-9]+).*rss_per_binding=([0-9]+) ]]
	echo "# $output" >&3
	[ "${BASH_REMATCH[1]}" -lt 256 ]
	[ "${BASH_REMATCH[2]}" -lt 256 ]
}

@test "hareg: a home registration is accepted with BA 0 and a binding" {
	unit test_hareg accepts_home_registration
}

@test "hareg: a BA on success even when the A flag is clear (RFC 6275 10.3.1, 10.3.2)" {
	unit test_hareg ba_on_success_without_a_flag
}

@test "hareg: a refusal is answered even when the A flag is clear" {
	unit test_hareg ba_on_refusal_even_without_a_flag
}

@test "hareg: a home registration not under ESP is dropped when ipsec is required" {
	unit test_hareg not_under_esp_discarded_when_required
}

@test "hareg: a care-of address that loops back through other bindings is dropped (RFC 6275 9.5.1)" {
	unit test_hareg circular_coa_discarded
}

@test "hareg: 129 for the home agent's own or an anycast home address" {
	unit test_hareg status_129_for_reserved_home_address
}

@test "hareg: 130 when max-bindings is reached, refreshes still pass" {
	unit test_hareg status_130_when_cache_full
}

@test "hareg: 131 when the role is disabled or the BU went to no home agent address" {
	unit test_hareg status_131_when_home_agent_disabled
}

@test "hareg: 132 for a home address outside the served prefixes of that link" {
	unit test_hareg status_132_not_home_subnet
}

@test "hareg: 133 for an unlisted mobile node and a deregistration without binding" {
	unit test_hareg status_133_not_home_agent_for_mn
}

@test "hareg: 134 when DAD fails, and the pending binding is gone" {
	unit test_hareg status_134_when_dad_fails
}

@test "hareg: DAD runs before the first acceptance only, the BA waits for it" {
	unit test_hareg dad_before_first_acceptance_only
}

@test "hareg: L=1 probes the link-local address too; one held already (another binding, the home agent's identifier) gets 134" {
	unit test_hareg link_local_compatibility
}

@test "hareg: 135 for a stale sequence number carries the last accepted one" {
	unit test_hareg status_135_carries_last_accepted_seq
}

@test "hareg: the sequence window wraps around at 2^16" {
	unit test_hareg seq_window_wraps_at_2_16
}

@test "hareg: 139 when H, L or R changes within a binding" {
	unit test_hareg status_139_registration_type_change
}

@test "hareg: 140 for a mobile router when mobile routers are not served" {
	unit test_hareg status_140_mobile_router_not_served
}

@test "hareg: granted lifetime is the least of asked, max-lifetime and prefix lifetime" {
	unit test_hareg lifetime_clamped
}

@test "hareg: lifetime 0 or care-of equal to home address removes the binding" {
	unit test_hareg deregistration_removes_binding
}

@test "hareg: the Alternate Care-of Address option names the care-of address" {
	unit test_hareg alternate_coa_option_names_the_coa
}

@test "hareg: the BA's K flag only when key management mobility is supported" {
	unit test_hareg key_management_flag
}

@test "hareg: a Binding Refresh Request is scheduled brr-before seconds ahead" {
	unit test_hareg refresh_request_scheduled_before_expiry
}

@test "hareg: the BA bytes parse back with the home address in the checksum" {
	unit test_hareg ba_bytes_parse_back_with_checksum
}

@test "hareg: every counter reason has its own name" {
	unit test_hareg reason_names_are_unique
}

@test "counters: every BU outcome and BA status counts under a stable name" {
	unit test_hareg counters_account_every_outcome
}

@test "hareg: the sorted mobile-node index answers like the configured list" {
	unit test_hareg mobile_node_index_matches_list
}

@test "bcache: a binding prints as key=value text and as JSON members" {
	unit test_bcache formats_binding_for_show
}

@test "hareg: 100k mobile nodes register, refresh and deregister through the logic" {
	run "$PLAIN/tests/test_hareg" bench 100000
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"refused=0 left=0"* ]]
	echo "# $output" >&3
}

@test "hareg: Binding Refresh Request and Binding Error bytes parse back" {
	unit test_hareg brr_and_be_bytes_parse_back
}

@test "hareg: Binding Errors are rate limited to be-rate per second" {
	unit test_hareg binding_errors_rate_limited
}
