#!/usr/bin/env bats
# mip6-priv's table of kernel objects (mip6-priv/reconcile.c, issue 9):
# a home agent binding's route, proxy entry and check pair in one compact
# record, the other objects in a tree, one table to `show kernel`, the
# stop and the restart's adoption.  Unit cases of tests/unit/test_krtab.c.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
}

unit() {
	run "$BIN/tests/test_krtab" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tail -n 1)" = "ok $1" ]
}

@test "priv table: 10,000 bindings recorded, found, deleted; freed records reused" {
	unit bindings
}

@test "priv table: a move changes the route's care-of, the check pair keeps its own" {
	unit move
}

@test "priv table: one address proxied on two links keeps both entries" {
	unit proxy_two_links
}

@test "priv table: the listing is by type, records among the other objects" {
	unit listing
}

@test "priv table: a walk's changes stick (orphan, adopt), its deletions go" {
	unit walk_writes_back
}

@test "priv table: the sweep's records are adopted, with no role" {
	unit adopting
}

@test "priv table: 200,000 random adds and deletions match a plain array" {
	unit random_ops
}

@test "priv table: at most 128 octets of heap a binding at 10,000 (plain build)" {
	# the sanitizer's allocator does not answer mallinfo2
	BIN=${MIP6_BIN_PLAIN:-$SRC/build}
	[ -x "$BIN/tests/test_krtab" ] || skip "no plain build in $BIN"
	unit memory
}
