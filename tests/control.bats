#!/usr/bin/env bats
# Control sockets and mip6ctl.

load daemon_helpers

setup() {
	daemon_prereq
	daemon_env
}

teardown() {
	daemon_teardown
}

@test "control sockets are created mode 0660, owner root, group _mip6 by default" {
	write_conf ha sig
	start_priv
	[ -S "$CTL/ha.sock" ]
	[ "$(stat -c '%a %U %G' "$CTL/ha.sock")" = "660 root $USER_NAME" ]
	[ "$(stat -c '%a %U %G' "$CTL/sig.sock")" = "660 root $USER_NAME" ]
}

@test "the control socket group comes from the configuration" {
	getent group adm >/dev/null || skip "no group adm"
	write_conf ha -- "group: adm"
	start_priv
	[ "$(stat -c '%a %U %G' "$CTL/ha.sock")" = "660 root adm" ]
}

@test "a configured group that does not exist is a clear error" {
	write_conf ha -- "group: mip6-no-such-group"
	run "$BIN/mip6-priv" -d -f "$CONF"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"group mip6-no-such-group does not exist"* ]]
}

@test "mip6ctl status prints role, pid, uptime, version and config path" {
	write_conf ha sig
	start_priv
	run "$BIN/mip6ctl" -s "$CTL/ha.sock" status
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "role: ha" ]
	[ "${lines[1]}" = "pid: $(role_pid ha)" ]
	[ "${lines[2]}" = "parent-pid: $PRIV" ]
	[[ "${lines[3]}" =~ ^uptime:\ [0-9]+s$ ]]
	[ "${lines[4]}" = "version: $(sed -n 's/^VERSION *:= *//p' "$SRC/Makefile")" ]
	[ "${lines[5]}" = "config: $CONF" ]
	run "$BIN/mip6ctl" -s "$CTL/sig.sock" status
	[ "${lines[0]}" = "role: sig" ]
}

@test "mip6ctl status uptime counts from the role's start" {
	write_conf ha
	start_priv
	sleep 2
	run "$BIN/mip6ctl" -s "$CTL/ha.sock" status
	up=$(echo "$output" | sed -n 's/^uptime: \([0-9]*\)s$/\1/p')
	[ "$up" -ge 2 ]
	[ "$up" -le 5 ]
}

@test "mip6ctl -j status prints JSON with the same fields" {
	write_conf ha
	start_priv
	run "$BIN/mip6ctl" -j -s "$CTL/ha.sock" status
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["role"] == "ha", d
assert d["pid"] == int(sys.argv[1]), d
assert d["parent_pid"] == int(sys.argv[2]), d
assert isinstance(d["uptime"], int) and d["uptime"] >= 0, d
assert d["version"], d
assert d["config"] == sys.argv[3], d
' "$(role_pid ha)" "$PRIV" "$CONF"
}

@test "mip6ctl: an unknown command is a one-line error and a non-zero exit" {
	run "$BIN/mip6ctl" -s "$TD/none.sock" frobnicate
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "mip6ctl: unknown command: frobnicate (try: status, show bindings,"* ]]
}

@test "mip6ctl: delete binding needs a home address, and a valid one" {
	run "$BIN/mip6ctl" -s "$TD/none.sock" delete binding
	[ "$status" -eq 1 ]
	[ "$output" = "mip6ctl: delete binding: missing the home address" ]
	run "$BIN/mip6ctl" -s "$TD/none.sock" delete binding 2001:db8::zz
	[ "$status" -eq 1 ]
	[ "$output" = "mip6ctl: delete binding: 2001:db8::zz is not an IPv6 address" ]
	run "$BIN/mip6ctl" -s "$TD/none.sock" show stats extra
	[ "$status" -eq 1 ]
	[ "$output" = "mip6ctl: show stats: unexpected argument extra" ]
}

@test "mip6ctl: no daemon running is a one-line error and a non-zero exit" {
	run "$BIN/mip6ctl" -s "$TD/none.sock" status
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "mip6ctl: $TD/none.sock: daemon not running"* ]]
}

@test "mip6ctl: without -s and no daemon, the error names the roles that would answer" {
	for r in ha sig mn; do
		[ ! -e "/run/mip6/$r.sock" ] || skip "a daemon's socket is in /run/mip6"
	done
	run "$BIN/mip6ctl" show bindings
	[ "$status" -eq 1 ]
	[ "$output" = "mip6ctl: no home agent or correspondent daemon running (no socket in /run/mip6; use -s)" ]
	run "$BIN/mip6ctl" show bul
	[ "$status" -eq 1 ]
	[ "$output" = "mip6ctl: no mobile node daemon running (no socket in /run/mip6; use -s)" ]
	run "$BIN/mip6ctl" status
	[ "$status" -eq 1 ]
	[ "$output" = "mip6ctl: no daemon running (no socket in /run/mip6; use -s)" ]
}

@test "mip6ctl: a socket left by a dead daemon reads as not running" {
	write_conf ha
	start_priv
	ha=$(role_pid ha)
	ORPHANS=$ha
	kill -9 "$PRIV" "$ha"
	wait "$PRIV" 2>/dev/null || true
	wait_for 2 gone "$ha"
	[ -S "$CTL/ha.sock" ]
	run "$BIN/mip6ctl" -s "$CTL/ha.sock" status
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"daemon not running"* ]]
}

@test "mip6ctl: a user outside the socket's group gets a one-line permission error" {
	write_conf ha
	start_priv
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$BIN/mip6ctl" -s "$CTL/ha.sock" status
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "mip6ctl: $CTL/ha.sock: permission denied"* ]]
}

@test "mip6ctl: a user in the socket's group may ask for status" {
	write_conf ha
	start_priv
	run setpriv --reuid=nobody --regid=nogroup \
	    --groups="$(getent group "$USER_NAME" | cut -d: -f3)" \
	    "$BIN/mip6ctl" -s "$CTL/ha.sock" status
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "role: ha" ]
}

@test "control protocol: replies carry the request id and end with END; unknown requests get an error" {
	write_conf ha
	start_priv
	# message types from common/proto.h, counted from its enum
	types=$(awk '/^enum imsg_type/,/^};/' "$SRC/common/proto.h" |
	    grep -oE '^\s+IMSG_[A-Z_]+' | tr -d ' \t' | head -20)
	python3 - "$CTL/ha.sock" $types <<'EOF'
import socket, struct, sys
path, names = sys.argv[1], sys.argv[2:]
T = {n: i for i, n in enumerate(names)}
HDR = struct.Struct("=IHHII")   # type, len, flags, peerid, pid
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(path)
# two requests on one connection: status (id 7), then an unknown type (id 9)
s.sendall(HDR.pack(T["IMSG_CTL_STATUS"], HDR.size, 0, 7, 0) +
          HDR.pack(999, HDR.size, 0, 9, 0))
buf, got = b"", []
while len([g for g in got if g[0] == T["IMSG_CTL_END"]]) < 2:
    chunk = s.recv(65536)
    assert chunk, "connection closed early: %r" % got
    buf += chunk
    while len(buf) >= HDR.size:
        typ, ln, fl, peer, pid = HDR.unpack_from(buf)
        if len(buf) < ln:
            break
        got.append((typ, peer, buf[HDR.size:ln]))
        buf = buf[ln:]
seq = [(typ, peer) for typ, peer, _ in got]
print(seq)
assert seq == [(T["IMSG_CTL_STATUS"], 7), (T["IMSG_CTL_END"], 7),
               (T["IMSG_CTL_ERROR"], 9), (T["IMSG_CTL_END"], 9)], seq
err = got[2][2].split(b"\0")[0].decode()
print(err)
assert "unknown request type 999" in err
EOF
	# the role survives garbage: a header with a bad length
	python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(struct.pack("=IHHII", 1, 3, 0, 1, 0))
assert s.recv(100) == b""
' "$CTL/ha.sock"
	run "$BIN/mip6ctl" -s "$CTL/ha.sock" status
	[ "$status" -eq 0 ]
	log_has "control: client: message type 1: bad length 3"
}

@test "JSON strings in control answers escape quotes, backslashes and control characters" {
	for c in escapes_quotes_backslashes_and_controls short_buffer_is_terminated_and_sized; do
		run "$BIN/tests/test_ctlout" "$c"
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$output" = "ok $c" ]
	done
}
