#!/bin/bash
# Run every test suite and print one closing line: "N passed, N failed, N skipped".
#   tests/run.sh                 all host suites (tests/*.bats) and lab suites (tests/lab/*.bats)
#   tests/run.sh FILE.bats...    only those
# Host suites run here with bats; lab suites run inside the user-mode Linux
# lab, one boot per suite, through tests/lab/run.
set -u
cd "$(dirname "$0")/.."
export MIP6_SRC=$PWD
export MIP6_BIN=${MIP6_BIN:-$PWD/build/san}       # sanitizer build (make SAN=1)
export MIP6_BIN_PLAIN=${MIP6_BIN_PLAIN:-$PWD/build}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ $# -gt 0 ]; then
	suites=("$@")
else
	suites=(tests/*.bats tests/lab/*.bats)
fi

pass=0 fail=0 skip=0
failed_suites=()
for s in "${suites[@]}"; do
	[ -e "$s" ] || continue
	echo "# suite $s"
	out=$(mktemp)
	case "$s" in
	tests/lab/*) tests/lab/run "$s" ;;
	*) bats --tap "$s" ;;
	esac 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$out" | head -1)
	sk=$(grep -cE '^ok [0-9]+ .*# skip' "$out" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$out" | head -1)
	plan=$(grep -m1 -oE '^1\.\.[0-9]+' "$out" | cut -d. -f3)
	p=$((p - sk))
	# A suite that died before reporting all its tests counts as failed.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ -n "${plan:-}" ] && [ $((p + f + sk)) -lt "$plan" ]; then
		f=$((f + plan - p - f - sk))
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + sk))
	[ "$f" -gt 0 ] && failed_suites+=("$s")
	rm -f "$out"
done
if [ ${#failed_suites[@]} -gt 0 ]; then
	echo "# failed suites: ${failed_suites[*]}"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
