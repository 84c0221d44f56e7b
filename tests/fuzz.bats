#!/usr/bin/env bats
# libFuzzer runs of the Mobility Header parser and option walker, of
# mip6-priv's receive path from a role and of the configuration loader, kept short
# here (FUZZ_SECONDS, default 20 s each); `make fuzz` runs them longer.
# A crash, a sanitizer report (out-of-bounds read, leak, UB) or a broken
# parse/build round trip fails the test.

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	SECS=${FUZZ_SECONDS:-20}
}

fuzz_briefly() {
	make -s -C "$SRC" "build/fuzz/$1" >&2
	work=$BATS_TEST_TMPDIR/corpus
	mkdir -p "$work"
	run "$SRC/build/fuzz/$1" -max_total_time="$SECS" \
	    -artifact_prefix="$BATS_TEST_TMPDIR/" "$work" "$SRC/tests/fuzz/corpus/$2"
	echo "$output" | tail -20
	[ "$status" -eq 0 ]
	[[ "$output" == *"Done "*" runs in "* ]]
}

@test "fuzz: the MH parser survives ${FUZZ_SECONDS:-20} s of libFuzzer and rebuilds what it accepts" {
	fuzz_briefly fuzz_mh mh
}

@test "fuzz: the option walker and HAO/RH2 parsers survive ${FUZZ_SECONDS:-20} s of libFuzzer" {
	fuzz_briefly fuzz_mhopt mhopt
}

@test "fuzz: mip6-priv survives ${FUZZ_SECONDS:-20} s of arbitrary imsg streams from a hostile role (kernel side off)" {
	fuzz_briefly fuzz_privimsg privimsg
}

@test "fuzz: the configuration loader survives ${FUZZ_SECONDS:-20} s of libFuzzer and round-trips what it loads" {
	fuzz_briefly fuzz_config config
}
