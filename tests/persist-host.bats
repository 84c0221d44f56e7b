#!/usr/bin/env bats
# persist-bindings on the host (no Mobile IPv6 kernel: MIP6_KERNEL=none):
# the home agent restores its binding cache from STATE-DIR/ha.state at
# start and after a crash of the role, writes it back after a change, and
# a corrupt, truncated or foreign file is moved aside with its reason in
# the log while the role starts empty.  tests/lab/persist.bats has the
# kernel side (adoption) and the traffic.

load daemon_helpers

SF() {
	"$BIN/tests/test_statefile" "$@"
}

setup() {
	daemon_prereq
	daemon_env
	mkdir -p "$TD/state"
	STATE=$TD/state/ha.state
	write_conf ha -- "persist-bindings: true" "state-sync-delay: 200ms" \
	    "restart-backoff: { min: 1s, max: 1s }"
}

teardown() {
	daemon_teardown
}

ctl() {
	"$BIN/mip6ctl" -s "$CTL/ha.sock" "$@"
}

nbindings() {
	ctl show bindings | grep -c '^hoa=' || true
}

@test "persist: saved bindings within their lifetime are back after a start" {
	SF write "$STATE" 0 3
	start_priv
	run ctl show bindings
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == "hoa=2001:db8:1::1000 coa=2001:db8:2:: state=active seq=0 "*" link=lo "* ]]
	[[ "${lines[2]}" == "hoa=2001:db8:1::1002 coa=2001:db8:2::2 state=active seq=14 "* ]]
	# the lifetime left counts from the saved absolute expiry (300 s)
	[[ "${lines[0]}" =~ remaining=(29[0-9]|300) ]]
	log_has "restored 3 binding(s) from the state file (0 expired"
}

@test "persist: expired saved bindings are not restored" {
	SF write "$STATE" 0 2 -5
	start_priv
	[ "$(nbindings)" -eq 0 ]
	log_has "restored 0 binding(s) from the state file (2 expired"
	# the file is rewritten without them
	sleep 0.6
	run SF dump "$STATE" 0
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "persist: a deletion reaches the file within state-sync-delay, and a crashed role comes back without it" {
	SF write "$STATE" 0 3
	start_priv
	ctl delete binding 2001:db8:1::1001
	sleep 0.6
	run SF dump "$STATE" 0
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	[[ "$output" != *"2001:db8:1::1001 "* ]]
	old=$(role_pid ha)
	kill -9 "$old"
	wait_for 5 role_restarted ha "$old"
	wait_for 5 bash -c "'$BIN/mip6ctl' -s '$CTL/ha.sock' show bindings | grep -q 1002"
	run ctl show bindings
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	[[ "$output" != *"hoa=2001:db8:1::1001 "* ]]
}

@test "persist: a clean stop writes the changes of the last state-sync-delay before the role goes" {
	write_conf ha -- "persist-bindings: true" "state-sync-delay: 60s"
	SF write "$STATE" 0 3
	start_priv
	ctl delete binding 2001:db8:1::1001
	# 60 s before the next write: the stop must not wait for it
	t0=$(date +%s%N)
	kill -TERM "$PRIV"
	wait_for 5 gone "$PRIV"
	wait "$PRIV" || true
	t1=$(date +%s%N)
	cat "$LOG"
	[ $(( (t1 - t0) / 1000000 )) -lt 3000 ]
	run SF dump "$STATE" 0
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	[[ "$output" != *"2001:db8:1::1001 "* ]]
	! log_has "did not finish"
	# and the next start has the two
	start_priv
	[ "$(nbindings)" -eq 2 ]
}

@test "persist: a corrupt state file is moved aside with its path and reason; the role starts empty" {
	SF write "$STATE" 0 10
	# one bit of the fifth record
	printf '\xff' | dd of="$STATE" bs=1 seek=$((32 + 4 * 80 + 20)) conv=notrunc 2>/dev/null
	start_priv
	[ "$(nbindings)" -eq 0 ]
	log_has "state file $STATE: record 5 of 10: checksum mismatch; moved aside to $STATE.corrupt-"
	ls "$STATE".corrupt-* >/dev/null
	run ctl status
	[ "$status" -eq 0 ]
}

@test "persist: a truncated state file is moved aside; the role starts empty" {
	SF write "$STATE" 0 10
	truncate -s $((32 + 5 * 80 + 7)) "$STATE"
	start_priv
	[ "$(nbindings)" -eq 0 ]
	log_has "state file $STATE: truncated: 439 octets for 10 records"
	ls "$STATE".corrupt-* >/dev/null
}

@test "persist: a foreign file is moved aside; the role starts empty" {
	echo "hoa=2001:db8:1::1000 coa=2001:db8:2::1 not a state file" > "$STATE"
	start_priv
	[ "$(nbindings)" -eq 0 ]
	log_has "state file $STATE: not a mip6 state file (bad magic); moved aside"
	[ ! -e "$STATE" ] || SF dump "$STATE" 0
}

@test "persist: without persist-bindings the file is neither read nor written" {
	SF write "$STATE" 0 3
	write_conf ha
	start_priv
	[ "$(nbindings)" -eq 0 ]
	run SF dump "$STATE" 0
	[ "${#lines[@]}" -eq 3 ]
	! log_has "state file"
}

# The correspondent (mip6-sig) keeps STATE-DIR/sig.state the same way.
# Without a kernel (MIP6_KERNEL=none) a restored binding's route-
# optimization states are refused, so the binding does not stay: the
# restore, the refusal and the rewritten file are what the host shows;
# tests/lab/cnpersist.bats has the states and the traffic.
sig_conf() {
	write_conf sig -- "persist-bindings: true" "state-sync-delay: 200ms" \
	    "restart-backoff: { min: 1s, max: 1s }"
	SIGSTATE=$TD/state/sig.state
}

@test "persist (correspondent): saved bindings within their lifetime are restored and claim their states; refused by a kernel-less host, they leave the file" {
	sig_conf
	SF write "$SIGSTATE" 2 3
	start_priv
	wait_for 5 log_has "restored 3 binding(s) from the state file (0 expired, 0 refused)"
	# each one asked for its route-optimization states
	wait_for 5 bash -c "[ \$(grep -c 'route optimization refused' '$LOG') -eq 3 ]"
	[ -z "$("$BIN/mip6ctl" -s "$CTL/sig.sock" show bindings)" ]
	sleep 0.6
	run SF dump "$SIGSTATE" 2
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# the home agent's file is not touched
	[ ! -e "$TD/state/ha.state" ]
}

@test "persist (correspondent): expired saved bindings are not restored" {
	sig_conf
	SF write "$SIGSTATE" 2 2 -5
	start_priv
	wait_for 5 log_has "restored 0 binding(s) from the state file (2 expired, 0 refused)"
	! log_has "route optimization refused"
}

@test "persist (correspondent): a corrupt sig.state is moved aside with its reason; a home agent's file is refused as another role's" {
	sig_conf
	SF write "$SIGSTATE" 2 4
	printf '\xff' | dd of="$SIGSTATE" bs=1 seek=$((32 + 2 * 80 + 60)) conv=notrunc 2>/dev/null
	start_priv
	log_has "state file $SIGSTATE: record 3 of 4: checksum mismatch; moved aside to $SIGSTATE.corrupt-"
	wait_for 5 log_has "restored 0 binding(s) from the state file (0 expired, 0 refused); the file was unreadable"
	kill "$PRIV"; wait "$PRIV" 2>/dev/null || true
	rm -f "$SIGSTATE".corrupt-*
	SF write "$SIGSTATE" 0 2
	start_priv
	log_has "state file $SIGSTATE: written by role ha, not sig; moved aside"
	run "$BIN/mip6ctl" -s "$CTL/sig.sock" status
	[ "$status" -eq 0 ]
}
