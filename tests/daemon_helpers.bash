# Shared by process.bats, control.bats and systemd.bats: run mip6-priv on
# the host with a temporary configuration, control directory and chroot.
# Needs root; the roles need no kernel feature for these suites.

BIN=${MIP6_BIN:-$BATS_TEST_DIRNAME/../build/san}
SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
USER_NAME=_mip6
# The kernel side probes for Mobile IPv6, absent on the host: off here.
export MIP6_KERNEL=none

# Skip unless root and the binaries are built.
daemon_prereq() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	[ -x "$BIN/mip6-priv" ] || skip "build first (make SAN=1)"
	ensure_user
}

# The role user: from our sysusers.d entry, as an install would create it.
ensure_user() {
	if ! getent passwd "$USER_NAME" >/dev/null; then
		systemd-sysusers "$SRC/etc/sysusers.d/mip6.conf" ||
		    useradd --system --user-group --no-create-home \
		    --shell /usr/sbin/nologin "$USER_NAME"
	fi
	getent passwd "$USER_NAME" >/dev/null
}

# A fresh directory for one test: config, control dir, chroot, log.
daemon_env() {
	TD=$(mktemp -d /tmp/mip6-test.XXXXXX)
	chmod 0755 "$TD"	# mip6ctl as an unprivileged user walks into it
	CONF=$TD/mip6.yaml
	CTL=$TD/run
	CHROOT=$TD/empty
	LOG=$TD/priv.log
	PRIV=
	ORPHANS=
}

# write_conf [ROLE...] [-- extra common keys...]: roles default to ha and sig.
write_conf() {
	local roles=() extra=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do roles+=("$1"); shift; done
	[ "${1:-}" = "--" ] && shift
	extra=("$@")
	[ ${#roles[@]} -gt 0 ] || roles=(ha sig)
	{
		echo "common:"
		echo "  user: $USER_NAME"
		echo "  control-dir: $CTL"
		echo "  chroot: $CHROOT"
		echo "  state-dir: $TD/state"
		for e in "${extra[@]}"; do echo "  $e"; done
		for r in "${roles[@]}"; do
			case $r in
			ha) printf 'home-agent:\n  enable: true\n  links:\n    - interface: lo\n      address: "2001:db8:1::1"\n      home-prefixes: ["2001:db8:1::/64"]\n' ;;
			mn) printf 'mobile-node:\n  enable: true\n  home-address: "2001:db8:1::100/64"\n  home-agent: "2001:db8:1::1"\n  interfaces:\n    - name: lo\n' ;;
			sig) printf 'correspondent:\n  enable: true\n' ;;
			esac
		done
	} > "$CONF"
}

# start_priv [mip6-priv args...]: start in the background, wait until every
# role it starts is serving (a "serving" line per role), at most 10 s.
start_priv() {
	"$BIN/mip6-priv" -d -f "$CONF" "$@" >"$LOG" 2>&1 &
	PRIV=$!
	local want n=0
	for i in $(seq 100); do
		want=$(grep -c '^priv: [a-z]*: started ' "$LOG" || true)
		n=$(grep -c '^priv: [a-z]*: serving' "$LOG" || true)
		if [ "$want" -gt 0 ] && [ "$n" -ge "$want" ]; then
			return 0
		fi
		kill -0 "$PRIV" 2>/dev/null || break
		sleep 0.1
	done
	echo "mip6-priv did not come up; log:" >&2
	cat "$LOG" >&2
	return 1
}

# role_pid ROLE: pid of the running role process (child of $PRIV).
role_pid() {
	pgrep -P "$PRIV" -x "mip6-$1" | head -1
}

# role_restarted ROLE OLDPID: a role process other than OLDPID is running.
role_restarted() {
	local p
	p=$(role_pid "$1")
	[ -n "$p" ] && [ "$p" != "$2" ]
}

# wait_for SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_for() {
	local t=$1; shift
	local i
	for i in $(seq $((t * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# gone PID: the process no longer exists (or is a zombie awaiting its reaper).
gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

log_has() {
	grep -q -- "$1" "$LOG"
}

daemon_teardown() {
	if [ -n "${PRIV:-}" ] && kill -0 "$PRIV" 2>/dev/null; then
		kill -TERM "$PRIV" 2>/dev/null
		wait_for 5 gone "$PRIV" || kill -9 "$PRIV" 2>/dev/null
		wait "$PRIV" 2>/dev/null || true
	fi
	# children a test orphaned by killing the parent (it listed their pids)
	local p
	for p in ${ORPHANS:-}; do
		kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
	done
	[ -n "${TD:-}" ] && rm -rf "$TD"
	return 0
}
