#!/usr/bin/env bats
# systemd integration and installation: the unit, sd_notify readiness,
# sysusers.d, tmpfiles.d, make install.

load daemon_helpers

setup() {
	daemon_env
}

teardown() {
	daemon_teardown
}

# install_to PREFIX [make variables...]: make install from the tested build
install_to() {
	local prefix=$1 san=
	shift
	# the same flags the tested build used, so nothing is rebuilt differently
	nm "$BIN/mip6ctl" 2>/dev/null | grep -q __asan_init && san=SAN=1
	make -s -C "$SRC" install $san BUILDDIR="$BIN" PREFIX="$prefix" "$@" >&2
}

@test "make install honours DESTDIR and PREFIX" {
	[ -x "$BIN/mip6-priv" ] || skip "build first"
	install_to /usr DESTDIR="$TD/root"
	(cd "$TD/root" && find . -type f | sort)
	for f in usr/sbin/mip6-priv usr/sbin/mip6ctl \
	    usr/libexec/mip6/mip6-ha usr/libexec/mip6/mip6-mn \
	    usr/libexec/mip6/mip6-sig; do
		[ -x "$TD/root/$f" ]
	done
	for f in usr/share/man/man8/mip6-priv.8 usr/share/man/man8/mip6ctl.8 \
	    usr/share/man/man8/mip6.8 lib/systemd/system/mip6@.service \
	    usr/lib/sysusers.d/mip6.conf usr/lib/tmpfiles.d/mip6.conf; do
		[ -f "$TD/root/$f" ]
	done
	grep -qx 'ExecStart=/usr/sbin/mip6-priv -f /etc/mip6/mip6.yaml --role %i' \
	    "$TD/root/lib/systemd/system/mip6@.service"
	# examples, and the configuration file (kept when it exists)
	[ -f "$TD/root/usr/share/doc/mip6/examples/mip6.yaml" ]
	cmp "$SRC/etc/mip6.yaml" "$TD/root/etc/mip6/mip6.yaml"
	echo "# mine" > "$TD/root/etc/mip6/mip6.yaml"
	install_to /usr DESTDIR="$TD/root"
	[ "$(cat "$TD/root/etc/mip6/mip6.yaml")" = "# mine" ]
}

@test "systemd-analyze verify passes on the installed unit for every role" {
	[ -x "$BIN/mip6-priv" ] || skip "build first"
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	# installed under a temporary PREFIX so ExecStart points at a real binary
	install_to "$TD/prefix" UNITDIR="$TD/units"
	export MANPATH=$TD/prefix/share/man:$(manpath 2>/dev/null || true)
	for r in ha mn sig; do
		cp "$TD/units/mip6@.service" "$TD/units/mip6@$r.service"
		run systemd-analyze verify "$TD/units/mip6@$r.service"
		echo "$output"
		[ "$status" -eq 0 ]
		! echo "$output" | grep -q 'mip6'
	done
}

@test "the unit is Type=notify with the hardening the design asks for" {
	u=$SRC/etc/systemd/mip6@.service.in
	grep -qx 'Type=notify' "$u"
	grep -qx 'ProtectSystem=strict' "$u"
	grep -q '^CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW ' "$u"
	grep -qx 'RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET6' "$u"
	! grep -q '^NoNewPrivileges=yes' "$u"
}

@test "mip6-priv sends READY=1 to NOTIFY_SOCKET once every role serves, STOPPING=1 at stop" {
	daemon_prereq
	write_conf ha sig
	python3 - "$TD/notify" "$TD/notify.out" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], "w") as out:
    while True:
        msg = s.recv(4096).decode()
        out.write(msg.replace("\n", " ") + "\n")
        out.flush()
        if "STOPPING=1" in msg:
            break
EOF
	listener=$!
	wait_for 3 test -S "$TD/notify"
	NOTIFY_SOCKET=$TD/notify start_priv
	wait_for 3 grep -q 'READY=1' "$TD/notify.out"
	cat "$TD/notify.out"
	grep -q 'READY=1 STATUS=serving ha sig' "$TD/notify.out"
	# READY came after both roles logged that they serve
	log_has "priv: ha: serving"
	log_has "priv: sig: serving"
	kill -TERM "$PRIV"
	wait "$PRIV"
	wait "$listener"
	grep -q 'STOPPING=1' "$TD/notify.out"
}

@test "sysusers.d creates the _mip6 user and group" {
	command -v systemd-sysusers >/dev/null || skip "no systemd-sysusers"
	mkdir -p "$TD/r/etc"
	run systemd-sysusers --root="$TD/r" "$SRC/etc/sysusers.d/mip6.conf"
	echo "$output"
	[ "$status" -eq 0 ]
	grep '^_mip6:' "$TD/r/etc/passwd"
	grep -q '^_mip6:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$' "$TD/r/etc/passwd"
	grep -q '^_mip6:' "$TD/r/etc/group"
}

@test "tmpfiles.d creates the control directory and an empty root-owned chroot" {
	command -v systemd-tmpfiles >/dev/null || skip "no systemd-tmpfiles"
	mkdir -p "$TD/r"
	run systemd-tmpfiles --root="$TD/r" --create "$SRC/etc/tmpfiles.d/mip6.conf"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat -c '%a %U' "$TD/r/run/mip6")" = "755 root" ]
	[ "$(stat -c '%a %U' "$TD/r/var/empty/mip6")" = "755 root" ]
	[ -z "$(ls -A "$TD/r/var/empty/mip6")" ]
	[ -d "$TD/r/var/lib/mip6" ]
}
