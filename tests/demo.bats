#!/usr/bin/env bats
# make demo's story (tests/demo.sh) from the host: it plays to the end with
# the narration the README promises, and says clearly when it cannot.
# Each story test boots the lab once (~30 s).

DEMO=$BATS_TEST_DIRNAME/demo.sh
PLAIN=${MIP6_BIN_PLAIN:-$BATS_TEST_DIRNAME/../build}

setup() {
	export LAB_RUNBASE=$BATS_TEST_TMPDIR/runs
	mkdir -p "$LAB_RUNBASE"
}

@test "without a build the demo says what is missing and exits 2" {
	MIP6_BIN_PLAIN=$BATS_TEST_TMPDIR/nothing run "$DEMO"
	[ "$status" -eq 2 ]
	[ "$output" = "demo: $BATS_TEST_TMPDIR/nothing/mip6-priv missing: build first (make)" ]
}

@test "the demo plays the roaming story to the end, narrated, and exits 0" {
	[ -x "$PLAIN/mip6-priv" ] || skip "build first (make)"
	MIP6_BIN_PLAIN=$PLAIN run "$DEMO"
	echo "$output"
	[ "$status" -eq 0 ]
	# Every step, with its time since the start and the wall clock.
	local n
	for n in 1 2 3 4 5 6 7 8; do
		[[ "$output" =~ \[\ *[0-9]+\.[0-9]s\ [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\]\ Step\ $n: ]]
	done
	# The binding as mip6ctl shows it, away and at home.
	[[ "$output" == *"| hoa=2001:db8:1::100 coa=2001:db8:f1::ff:fe00:10 state=active"* ]]
	[[ "$output" == *"| hoa=2001:db8:1::100 coa=2001:db8:f2::ff:fe00:10 state=active"* ]]
	[[ "$output" == *"| state            registered"* ]]
	[[ "$output" == *"| state            home"* ]]
	# ESP on the wire, ping statistics, handover figures, the summary.
	[[ "$output" == *"ESP(spi=0x00001000"* ]]
	[[ "$output" == *"ESP(spi=0x00001001"* ]]
	[[ "$output" =~ ping\ 2001:db8:1::100\ from\ the\ correspondent:\ [0-9]+\ of\ [0-9]+\ echo\ requests\ answered ]]
	[[ "$output" =~ handover\ to\ foreign\ link\ 2:\ BA\ after\ [0-9]+\.[0-9]\ ms,\ first\ reply\ through\ the\ new\ care-of\ address\ after\ [0-9]+\.[0-9]\ ms ]]
	# Route optimization: the correspondent's binding, the ping straight
	# between them (a type 2 routing header one way, the Home Address
	# option the other), again after the move.
	[[ "$output" =~ correspondent\ +2001:db8:c::2\ state=bound\ care-of=2001:db8:f1::ff:fe00:10 ]]
	[[ "$output" =~ correspondent\ +2001:db8:c::2\ state=bound\ care-of=2001:db8:f2::ff:fe00:10 ]]
	[[ "$output" == *"| hoa=2001:db8:1::100 coa=2001:db8:f1::ff:fe00:10 cn=2001:db8:c::2"* ]]
	[[ "$output" == *"[0]2001:db8:1::100"*"echo request"* ]]
	[[ "$output" == *"homeaddr: 2001:db8:1::100"*"echo reply"* ]]
	[[ "$output" =~ route\ optimization\ on\ foreign\ link\ 1:\ [0-9]+\ echo\ requests\ direct,\ 0\ through\ the\ home\ agent ]]
	[[ "$output" =~ route\ optimization\ again\ after\ the\ move:\ home\ BA\ after\ [0-9]+\.[0-9]\ ms ]]
	[[ "$output" == *"Summary: the mobile node kept its home address 2001:db8:1::100 across two moves."* ]]
	[ "${lines[${#lines[@]}-1]}" = "demo: story complete" ]
}

@test "a home agent that never comes up fails the demo in step 2 with its log, exit 1" {
	[ -x "$PLAIN/mip6-priv" ] || skip "build first (make)"
	local bin=$BATS_TEST_TMPDIR/bin p
	mkdir -p "$bin"
	# Copies: mip6-priv runs the role binaries next to its real path.
	for p in mip6-priv mip6-mn mip6ctl; do
		cp "$PLAIN/$p" "$bin/$p"
	done
	# A role binary that never answers its parent.
	printf '#!/bin/sh\nexec sleep 600\n' >"$bin/mip6-ha"
	chmod +x "$bin/mip6-ha"
	MIP6_BIN_PLAIN=$bin DEMO_TIMEOUT=120 run "$DEMO"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAILED in step 2: the home agent did not start"* ]]
	[[ "$output" == *"--- home agent log (last lines)"*"priv: ha: started $bin/mip6-ha"* ]]
	[[ "$output" == *"demo: the story failed (step 2)."* ]]
	[[ "$output" != *"story complete"* ]]
}
