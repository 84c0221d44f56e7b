#!/bin/bash
# The home agent under load, in the lab (make bench-ha).  For each N in
# BENCH_COUNTS: a fresh mip6-priv + mip6-ha (ipsec: disabled: these runs
# are labelled so) on the home link, mip6-bench in the mobile node's
# namespace on foreign link 1 playing N mobile nodes, and the phases
# register (cold start), refresh, move (new care-of addresses) and
# dereg.  Prints mip6-bench's line per phase, then the home agent's
# resident memory and CPU per binding and the kernel objects per binding.
#
#   BENCH_COUNTS   default "1000 10000 100000"
#   BENCH_NCOA     care-of addresses on the foreign link (default 256)
#   BENCH_WINDOW   BUs in flight (default 512)
set -u
cd "$(dirname "$0")/../.."
. tests/lab/topo.sh
BIN=${MIP6_BIN_PLAIN:-$PWD/build}
COUNTS=${BENCH_COUNTS:-1000 10000 100000}
NCOA=${BENCH_NCOA:-256}
WINDOW=${BENCH_WINDOW:-512}
TD=$(mktemp -d /tmp/mip6-bench.XXXXXX)

lab_topo_up f1 >/dev/null || { echo "bench-ha: the lab topology did not come up" >&2; exit 1; }
lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null || true
"$BIN/mip6-bench" -c "$F1_PREFIX" -k "$NCOA" -i "$MN_IF" --print-coas >"$TD/coas"
ip -n mn -batch "$TD/coas"

# pid of the role process whose parent is $1 (mip6-priv)
role_pid() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(awk '{print $4}' "$p/stat" 2>/dev/null)" = "$1" ] || continue
		grep -q '^Name:.*mip6-ha' "$p/status" 2>/dev/null && { echo "${p#/proc/}"; return; }
	done
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
objects() {
	local r p
	r=$(ip -n ha -6 route show table all | wc -l)
	p=$(ip -n ha -6 neigh show proxy | wc -l)
	echo $((r + p))
}

for n in $COUNTS; do
	cat >"$TD/mip6.yaml" <<-EOF
	common:
	  control-dir: $TD/run
	home-agent:
	  enable: true
	  ipsec: disabled
	  max-bindings: $((n + 1000))
	  links:
	    - interface: $HA_IF
	      address: "$HA_ADDR"
	      home-prefixes: ["$HOME_PREFIX"]
	EOF
	ip netns exec ha "$BIN/mip6-priv" -d -f "$TD/mip6.yaml" 2>"$TD/log.$n" &
	priv=$!
	for _ in $(seq 100); do [ -S "$TD/run/ha.sock" ] && break; sleep 0.1; done
	# The socket comes from the parent before the role is up.
	for _ in $(seq 50); do
		ha=$(role_pid "$priv")
		[ -n "$ha" ] && break
		sleep 0.1
	done
	if [ -z "$ha" ]; then
		echo "bench-ha: mip6-ha did not start; log:" >&2
		cat "$TD/log.$n" >&2
		exit 1
	fi
	obj0=$(objects)
	rss_ha0=$(rss_kb "$ha") rss_priv0=$(rss_kb "$priv")
	cpu_ha0=$(cpu_ticks "$ha") cpu_priv0=$(cpu_ticks "$priv")
	echo "== $n mobile nodes (ipsec: disabled), $NCOA care-of addresses, window $WINDOW"
	ip netns exec mn "$BIN/mip6-bench" -a "$HA_ADDR" -p "$HOME_PREFIX" \
	    -c "$F1_PREFIX" -k "$NCOA" -i "$MN_IF" -n "$n" -w "$WINDOW" \
	    -t 20000 register | tee "$TD/reg"
	held=$("$BIN/mip6ctl" -s "$TD/run/ha.sock" show bindings | grep -c . || true)
	obj1=$(objects)
	rss_ha1=$(rss_kb "$ha") rss_priv1=$(rss_kb "$priv")
	cpu_ha1=$(cpu_ticks "$ha") cpu_priv1=$(cpu_ticks "$priv")
	ip netns exec mn "$BIN/mip6-bench" -a "$HA_ADDR" -p "$HOME_PREFIX" \
	    -c "$F1_PREFIX" -k "$NCOA" -i "$MN_IF" -n "$n" -w "$WINDOW" \
	    -t 20000 -s 100 refresh move dereg 2>&1 | sed 's/^/  /' || true
	awk -v n="$n" -v held="$held" -v o0="$obj0" -v o1="$obj1" \
	    -v rh0="$rss_ha0" -v rh1="$rss_ha1" -v rp0="$rss_priv0" \
	    -v rp1="$rss_priv1" -v ch0="$cpu_ha0" -v ch1="$cpu_ha1" \
	    -v cp0="$cpu_priv0" -v cp1="$cpu_priv1" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		printf "  held %d bindings (mip6ctl lines); kernel objects per binding %.2f (routes + proxy entries)\n", held, (o1 - o0) / n
		printf "  resident memory per binding: mip6-ha %.0f B, mip6-priv %.0f B\n", (rh1 - rh0) * 1024 / n, (rp1 - rp0) * 1024 / n
		printf "  CPU per 1,000 registrations: mip6-ha %.3f s, mip6-priv %.3f s\n", (ch1 - ch0) / hz * 1000 / n, (cp1 - cp0) / hz * 1000 / n
	}'
	kill -TERM "$priv"
	wait "$priv" 2>/dev/null || true
done
rm -rf "$TD"
