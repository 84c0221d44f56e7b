#!/usr/bin/env bats
# The binding state file (common/statefile.c), on the host: a round trip,
# and every kind of bad file refused whole with its reason (truncated,
# trailing data, a flipped bit in a record or the header, foreign, another
# role, another version); moving a bad file aside; the write cost.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
	PLAIN=${MIP6_BIN_PLAIN:-$SRC/build}
}

unit() {
	run "$BIN/tests/test_statefile" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok $1" ]
}

@test "statefile: 1000 bindings written and read back field by field" {
	unit round_trip
}

@test "statefile: an empty cache is a valid file; no file is no error" {
	unit empty_file_has_no_records
	unit missing_file_is_not_an_error
}

@test "statefile: a truncated file is refused whole" {
	unit truncated_file_is_refused
}

@test "statefile: trailing data is refused" {
	unit trailing_data_is_refused
}

@test "statefile: a flipped bit in a record or in the header is refused" {
	unit flipped_bit_in_a_record_is_refused
	unit flipped_bit_in_the_header_is_refused
}

@test "statefile: a foreign file, another role's file, another version are refused" {
	unit foreign_file_is_refused
	unit other_role_is_refused
	unit other_version_is_refused
}

@test "statefile: records carry a CRC-32 (standard check value)" {
	unit record_decode_checks_crc_and_link
	unit crc32_known_value
}

@test "statefile: a bad file is moved aside with a UTC time stamp" {
	unit move_aside_names_the_time
}

@test "statefile: an aborted write leaves the previous file in place" {
	unit writer_abort_leaves_the_old_file
}

@test "statefile: write and read cost for 100,000 bindings (figure)" {
	run "$PLAIN/tests/test_statefile" bench 100000
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == "100000 records, 8000032 octets: "* ]]
	echo "# $output" >&3
}

@test "statefile: correspondent records carry our address; home agent records encode as before" {
	unit cn_records_round_trip
	unit ha_record_layout_unchanged
}
