#!/usr/bin/env bats
# tests/lab/run seen from the host: what it returns, how it fails, what it
# leaves behind.  Each test boots the lab once (a few seconds).

bats_require_minimum_version 1.5.0
RUN=$BATS_TEST_DIRNAME/lab/run

setup() {
	export LAB_RUNBASE=$BATS_TEST_TMPDIR/runs
	mkdir -p "$LAB_RUNBASE"
}

# Nothing of the run may remain: no run directory, no kernel process.
assert_clean() {
	run ls -A "$LAB_RUNBASE"
	[ -z "$output" ] || { echo "left behind: $output"; return 1; }
	! pgrep -f "LAB_RUNDIR=$LAB_RUNBASE/" >/dev/null
}

@test "a command in the lab returns its stdout, stderr and exit status" {
	run --separate-stderr "$RUN" --cmd 'echo out-line; echo err-line >&2; uname -r; exit 3'
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = out-line ]
	# The guest runs the user-mode kernel, not the host's.
	[ "${lines[1]}" = "$(/usr/bin/linux.uml --version)" ]
	# shellcheck disable=SC2154  # set by run --separate-stderr
	[ "$stderr" = err-line ]
	assert_clean
}

@test "a lab suite's TAP comes back on stdout and a failing test fails the run" {
	printf '%s\n' \
		'@test "passes in the guest" { [ "$(uname -m)" = x86_64 ] && [ -d /proc/sys/net/ipv6 ]; }' \
		'@test "fails in the guest" { false; }' >"$BATS_TEST_TMPDIR/two.bats"
	run "$RUN" "$BATS_TEST_TMPDIR/two.bats"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "1..2" ]
	[ "${lines[1]}" = "ok 1 passes in the guest" ]
	[ "${lines[2]}" = "not ok 2 fails in the guest" ]
	assert_clean
}

@test "the host stops a guest that overruns LAB_TIMEOUT and says so" {
	LAB_TIMEOUT=6 run --separate-stderr "$RUN" --cmd 'sleep 600'
	[ "$status" -eq 124 ]
	[[ "$stderr" == "lab: timed out after 6s (raise LAB_TIMEOUT)"* ]]
	assert_clean
}

@test "the lab refuses to start without its modules, in one line" {
	LAB_MODULES=/nonexistent run "$RUN" --cmd true
	[ "$status" -eq 2 ]
	[ "$output" = "lab: /nonexistent/modules.dep missing: run make deps (Debian package user-mode-linux)" ]
	assert_clean
}
