#!/usr/bin/env bats
# The privilege-separated process model: mip6-priv and its role children.
# Runs on the host as root with a temporary config, control dir and chroot.

load daemon_helpers

setup() {
	daemon_prereq
	daemon_env
}

teardown() {
	daemon_teardown
}

# status_field PID FIELD: the value columns of a /proc/PID/status line
status_field() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

@test "mip6-priv starts one child per configured role, each serving" {
	write_conf ha sig
	start_priv
	[ -n "$(role_pid ha)" ]
	[ -n "$(role_pid sig)" ]
	[ -z "$(role_pid mn)" ]
	log_has "^priv: ha: serving $CTL/ha.sock"
	log_has "^priv: sig: serving $CTL/sig.sock"
}

@test "--role starts only the named role" {
	write_conf ha sig
	start_priv --role sig
	[ -n "$(role_pid sig)" ]
	[ -z "$(role_pid ha)" ]
	[ ! -e "$CTL/ha.sock" ]
}

@test "an unknown --role is a one-line error" {
	write_conf
	run "$BIN/mip6-priv" -d -f "$CONF" --role router
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"unknown role router"* ]]
}

@test "each role is chrooted, runs as _mip6 with no capabilities, NO_NEW_PRIVS and seccomp" {
	write_conf ha mn sig
	start_priv
	uid=$(id -u "$USER_NAME")
	gid=$(id -g "$USER_NAME")
	for r in ha mn sig; do
		p=$(role_pid $r)
		[ -n "$p" ]
		echo "role $r pid $p"
		grep -E '^(Uid|Gid|Groups|Cap|NoNewPrivs|Seccomp)' /proc/$p/status
		[ "$(status_field $p Uid)" = "$(printf '%s %s %s %s' $uid $uid $uid $uid)" ]
		[ "$(status_field $p Gid)" = "$(printf '%s %s %s %s' $gid $gid $gid $gid)" ]
		for c in CapInh CapPrm CapEff CapBnd CapAmb; do
			[ "$(status_field $p $c)" = 0000000000000000 ]
		done
		[ "$(status_field $p NoNewPrivs)" = 1 ]
		[ "$(status_field $p Seccomp)" = 2 ]
		[ "$(readlink /proc/$p/root)" = "$CHROOT" ]
	done
	# the chroot is empty, root-owned, mode 0755
	[ "$(stat -c '%U %a' "$CHROOT")" = "root 755" ]
	[ -z "$(ls -A "$CHROOT")" ]
}

@test "the parent keeps only CAP_NET_ADMIN, CAP_NET_RAW (and CAP_BPF for the reverse-tunnel check)" {
	write_conf
	start_priv
	grep -E '^(Uid|Cap)' /proc/$PRIV/status
	# CAP_NET_ADMIN (12) | CAP_NET_RAW (13) | CAP_BPF (39, mip6-priv/rtcheck.c)
	[ "$(status_field $PRIV CapEff)" = 0000008000003000 ]
	[ "$(status_field $PRIV CapPrm)" = 0000008000003000 ]
	[ "$(status_field $PRIV CapInh)" = 0000000000000000 ]
	[ "$(status_field $PRIV CapAmb)" = 0000000000000000 ]
	# bounding set: those plus what an exec'd role needs to lock itself
	# in (it drops them all): SETGID 6, SETUID 7, SETPCAP 8, SYS_CHROOT 18
	[ "$(status_field $PRIV CapBnd)" = 00000080000431c0 ]
	[ "$(status_field $PRIV NoNewPrivs)" = 0 ]
}

@test "a missing chroot directory is created: root-owned, 0755, empty" {
	write_conf
	[ ! -e "$CHROOT" ]
	start_priv
	[ "$(stat -c '%U %G %a' "$CHROOT")" = "root root 755" ]
}

@test "a non-empty chroot directory is refused" {
	write_conf
	mkdir -p "$CHROOT"
	touch "$CHROOT/stray"
	run "$BIN/mip6-priv" -d -f "$CONF"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"chroot $CHROOT: not empty (holds stray)"* ]]
}

@test "a missing user is a clear error" {
	write_conf ha -- "user: mip6-no-such-user"
	sed -i "/user: $USER_NAME/d" "$CONF"
	run "$BIN/mip6-priv" -d -f "$CONF"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"user mip6-no-such-user does not exist"* ]]
}

@test "a role binary run by hand refuses to start without mip6-priv" {
	run "$BIN/mip6-ha" -d
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"must be started by mip6-priv"* ]]
}

@test "a role binary run by hand without -d says so on the terminal, not only to syslog" {
	run "$BIN/mip6-sig"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mip6-sig: must be started by mip6-priv"*"run mip6-priv --role sig"* ]]
}

@test "role binaries come from MIP6_LIBEXECDIR when it is set" {
	write_conf
	MIP6_LIBEXECDIR=$TD/nowhere run "$BIN/mip6-priv" -d -f "$CONF"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"role binary $TD/nowhere/mip6-ha"* ]]
	mkdir "$TD/libexec"
	for r in ha sig; do ln -s "$BIN/mip6-$r" "$TD/libexec/mip6-$r"; done
	MIP6_LIBEXECDIR=$TD/libexec start_priv
	log_has "ha: started $TD/libexec/mip6-ha"
}

@test "SIGTERM stops the children and exits 0" {
	write_conf
	start_priv
	ha=$(role_pid ha); sig=$(role_pid sig)
	kill -TERM "$PRIV"
	status=0; wait "$PRIV" || status=$?
	cat "$LOG"
	[ "$status" -eq 0 ]
	gone "$ha"
	gone "$sig"
	log_has "ha (pid $ha) exited with status 0"
	log_has "sig (pid $sig) exited with status 0"
	[ ! -e "$CTL/ha.sock" ]
}

@test "SIGINT stops the children and exits 0" {
	write_conf
	start_priv
	ha=$(role_pid ha)
	kill -INT "$PRIV"
	status=0; wait "$PRIV" || status=$?
	[ "$status" -eq 0 ]
	gone "$ha"
}

@test "a killed child is logged and restarted with growing backoff" {
	write_conf ha sig
	start_priv
	ha=$(role_pid ha)
	kill -9 "$ha"
	wait_for 3 log_has "ha (pid $ha) killed by signal 9; restarting in 1 s"
	wait_for 5 role_restarted ha "$ha"
	ha2=$(role_pid ha)
	[ "$ha2" != "$ha" ]
	wait_for 3 log_has "ha: serving .* (pid $ha2)"
	# a second death soon after doubles the delay
	kill -9 "$ha2"
	wait_for 3 log_has "ha (pid $ha2) killed by signal 9; restarting in 2 s"
	wait_for 5 role_restarted ha "$ha2"
	# the other role was untouched
	[ -n "$(role_pid sig)" ]
	cat "$LOG"
}

@test "with the exit policy a dead child stops the suite (status 1)" {
	write_conf ha sig -- "on-child-exit: exit"
	start_priv
	ha=$(role_pid ha); sig=$(role_pid sig)
	kill -9 "$ha"
	status=0; wait "$PRIV" || status=$?
	cat "$LOG"
	[ "$status" -eq 1 ]
	log_has "ha (pid $ha) killed by signal 9; stopping (child policy: exit)"
	gone "$sig"
}

@test "when the parent is killed the children exit within a second" {
	write_conf ha mn sig
	start_priv
	ORPHANS="$(role_pid ha) $(role_pid mn) $(role_pid sig)"
	kill -9 "$PRIV"
	wait "$PRIV" 2>/dev/null || true
	sleep 1
	for p in $ORPHANS; do
		gone "$p"
	done
	log_has "ha: the parent closed the connection; exiting"
}

@test "SIGHUP with a good configuration reloads it in the parent and the roles" {
	write_conf
	start_priv
	ha=$(role_pid ha)
	kill -HUP "$PRIV"
	wait_for 3 log_has "priv: configuration reloaded from $CONF"
	wait_for 3 log_has "ha: configuration reloaded"
	wait_for 3 log_has "sig: configuration reloaded"
	# same processes, still serving
	[ "$(role_pid ha)" = "$ha" ]
	run "$BIN/mip6ctl" -s "$CTL/ha.sock" status
	[ "$status" -eq 0 ]
}

@test "SIGHUP with a bad configuration is refused with the reason; the old one stays" {
	write_conf
	start_priv
	ha=$(role_pid ha)
	cp "$CONF" "$TD/good.yaml"
	printf 'common:\n  no-such-key: 1\n' > "$CONF"
	reason=$("$BIN/mip6-priv" -n -f "$CONF" 2>&1 || true)
	[ -n "$reason" ]
	kill -HUP "$PRIV"
	wait_for 3 log_has "reload refused: "
	grep "reload refused" "$LOG"
	grep -qF "reload refused: $reason; the old configuration stays in force" "$LOG"
	! log_has "ha: configuration reloaded"
	# still running on the old configuration: a restarted child gets it
	kill -9 "$ha"
	wait_for 5 role_restarted ha "$ha"
	wait_for 3 log_has "ha: serving $CTL/ha.sock (pid $(role_pid ha))"
	run "$BIN/mip6ctl" -s "$CTL/ha.sock" status
	[ "$status" -eq 0 ]
	kill -0 "$PRIV"
}

@test "mip6-priv -n prints the effective configuration and exits 0" {
	write_conf
	run "$BIN/mip6-priv" -n -f "$CONF"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$CTL"* ]]
	# nothing was started or created
	[ ! -e "$CTL" ]
}

@test "mip6-priv -n on a bad file prints FILE:LINE:COLUMN: message and exits 1" {
	printf 'common:\n  user: [unterminated\n' > "$TD/bad.yaml"
	run "$BIN/mip6-priv" -n -f "$TD/bad.yaml"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ ^$TD/bad.yaml:[0-9]+:[0-9]+:\  ]]
}

@test "sandbox: ordinary calls work, file opens fail with EACCES, the user is _mip6" {
	run "$BIN/tests/test_sandbox" "$CHROOT" "$USER_NAME" allowed
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"open: Permission denied"* ]]
	[[ "$output" == *"uid $(id -u $USER_NAME) euid $(id -u $USER_NAME)"* ]]
}

@test "sandbox: a forbidden system call is logged with its number and ends the process (159)" {
	run "$BIN/tests/test_sandbox" "$CHROOT" "$USER_NAME" forbidden
	echo "$output"
	[ "$status" -eq 159 ]
	nr=$(echo "$output" | sed -n 's/^calling mkdirat (\([0-9]*\))$/\1/p')
	[ -n "$nr" ]
	[[ "$output" == *"test: seccomp: system call $nr is not allowed"* ]]
	[[ "$output" != *"still alive"* ]]
}

@test "sandbox: signalling another process is refused" {
	run "$BIN/tests/test_sandbox" "$CHROOT" "$USER_NAME" kill
	echo "$output"
	[ "$status" -eq 159 ]
	nr=$(echo "$output" | sed -n 's/^calling kill (\([0-9]*\))$/\1/p')
	[ -n "$nr" ]
	[[ "$output" == *"seccomp: system call $nr is not allowed"* ]]
}

@test "SIGHUP applies a new log-level to the roles too" {
	write_conf
	start_priv
	write_conf ha sig -- "log-level: warning"
	kill -HUP "$PRIV"
	wait_for 3 log_has "ha: log level now warning"
	wait_for 3 log_has "sig: log level now warning"
	# At warning, the next reload's info lines are gone from the roles.
	: > "$LOG"
	kill -HUP "$PRIV"
	sleep 1
	! log_has "ha: configuration reloaded"
	! log_has "sig: configuration reloaded"
	write_conf ha sig -- "log-level: debug"
	kill -HUP "$PRIV"
	wait_for 3 log_has "ha: log level now debug"
	wait_for 3 log_has "ha: configuration reloaded"
}
