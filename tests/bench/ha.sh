#!/bin/bash
# The home agent under load, in the lab (make bench-ha).  For each N in
# BENCH_COUNTS: a fresh mip6-priv + mip6-ha (ipsec: disabled: these runs
# are labelled so) on the home link, mip6-bench in the mobile node's
# namespace on foreign link 1 playing N mobile nodes, and the phases
# register (cold start), refresh, move (new care-of addresses) and
# dereg.  Prints mip6-bench's line per phase, then the home agent's
# resident memory and CPU per binding and the kernel objects per binding.
#
#   BENCH_COUNTS   default "1000 10000" (100000: see README)
#   BENCH_NCOA     care-of addresses on the foreign link (default 256)
#   BENCH_WINDOW   BUs in flight (default 16384)
#   BENCH_RETRIES  retransmissions of a BU without BA (default 0)
#   BENCH_TIMEOUT  ms before that (default 20000)
#   BENCH_CLASSIC  bindings for the classic-data-path comparison (default
#                  1000, 0: none; tests/bench/kernel.sh in the same boot)
#   BENCH_PROXY_ND the home agent's proxy-nd (default daemon: mip6-ha
#                  answers NS; kernel: a proxy ND entry per binding)
#   BENCH_REFRESH  0: skip the refresh phases (default 1)
set -u
cd "$(dirname "$0")/../.."
. tests/lab/topo.sh
BIN=${MIP6_BIN_PLAIN:-$PWD/build}
COUNTS=${BENCH_COUNTS:-1000 10000}
NCOA=${BENCH_NCOA:-256}
WINDOW=${BENCH_WINDOW:-16384}
# a BU without its BA within BENCH_TIMEOUT ms is sent again up to
# BENCH_RETRIES times (a mobile node's retransmission), then lost
RETRIES=${BENCH_RETRIES:-0}
TMO=${BENCH_TIMEOUT:-20000}
TD=$(mktemp -d /tmp/mip6-bench.XXXXXX)
PND=${BENCH_PROXY_ND:-daemon}
REFRESH=${BENCH_REFRESH:-1}

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
# busy jiffies of the whole guest (user-mode Linux: one CPU for all)
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
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
	  # sized for the run: every node may be in DAD or in the kernel queue
	  dad-max-pending: $((n > 16384 ? n : 16384))
	  kernel-max-pending: $((n > 8192 ? n : 8192))
	  proxy-nd: $PND
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
	busy0=$(busy)
	echo "== $n mobile nodes (ipsec: disabled, proxy-nd: $PND), $NCOA care-of addresses, window $WINDOW"
	# progress, for a run that does not fit: bindings every 10 s
	( while kill -0 "$priv" 2>/dev/null; do
		sleep 10
		printf '  [%s] %s; RSS mip6-ha %s kB, mip6-priv %s kB; guest busy %s ticks\n' \
		    "$(date +%T)" \
		    "$("$BIN/mip6ctl" -s "$TD/run/ha.sock" show stats 2>/dev/null | awk '$1 == "bindings.active" || $1 == "shed.socket_overflow" || $1 == "nd.answered" { printf "%s %s ", $1, $2 }')" \
		    "$(rss_kb "$ha")" "$(rss_kb "$priv")" "$(busy)"
	  done ) >"$TD/progress" 2>&1 &
	prog=$!
	TIMEFORMAT='%U %S'
	{ time ip netns exec mn "$BIN/mip6-bench" -a "$HA_ADDR" \
	    -p "$HOME_PREFIX" -c "$F1_PREFIX" -k "$NCOA" -i "$MN_IF" -n "$n" \
	    -w "$WINDOW" -t "$TMO" -x "$RETRIES" register >"$TD/reg" ; } 2>"$TD/gen"
	kill "$prog" 2>/dev/null; wait "$prog" 2>/dev/null
	cat "$TD/reg"
	[ "${BENCH_PROGRESS:-0}" = 1 ] && cat "$TD/progress"
	busy1=$(busy)
	rss_ha1=$(rss_kb "$ha") rss_priv1=$(rss_kb "$priv")
	hwm_ha1=$(hwm_kb "$ha") hwm_priv1=$(hwm_kb "$priv")
	# where mip6-priv's memory is: resident kB per mapping kind
	smaps_priv=$(awk '/^[0-9a-f]+-/ { m = ($6 == "") ? "anon" : $6 } /^Rss:/ { r[m] += $2 } END { for (k in r) if (r[k] > 1024) printf "%s %d kB; ", k, r[k] }' "/proc/$priv/smaps" 2>/dev/null)
	cpu_ha1=$(cpu_ticks "$ha") cpu_priv1=$(cpu_ticks "$priv")
	held=$("$BIN/mip6ctl" -s "$TD/run/ha.sock" show bindings | grep -c . || true)
	obj1=$(objects)
	gen() {
		ip netns exec mn "$BIN/mip6-bench" -a "$HA_ADDR" \
		    -p "$HOME_PREFIX" -c "$F1_PREFIX" -k "$NCOA" -i "$MN_IF" \
		    -n "$n" -w "$WINDOW" -t "$TMO" -x "$RETRIES" "$@"
	}
	# refresh as fast as answered (saturation), then at half that rate
	echo "  mip6-priv resident by mapping: $smaps_priv"
	echo "  shed by the home agent: $("$BIN/mip6ctl" -s "$TD/run/ha.sock" show stats | awk '/^shed\./ { printf "%s %s; ", $1, $2 }')"
	echo "  neighbour solicitations: $("$BIN/mip6ctl" -s "$TD/run/ha.sock" show stats | awk '/^nd\./ && $2 > 0 { printf "%s %s; ", $1, $2 }')"
	: >"$TD/refresh"
	[ "$REFRESH" = 1 ] && { gen -s 100 refresh >"$TD/refresh" 2>&1 || true; }
	sed 's/^/  /' "$TD/refresh"
	sat=$(sed -n 's/.*s: \([0-9]*\)\/s,.*/\1/p' "$TD/refresh")
	: >"$TD/half"
	if [ -n "$sat" ] && [ "$sat" -gt 3 ]; then
		gen -s 200 -r $((sat / 2)) refresh >"$TD/half" 2>&1 || true
		sed "s/^refresh /  refresh at half rate ($((sat / 2))\/s) /" "$TD/half"
		gen -s 250 -r $((sat / 4)) refresh 2>&1 |
		    sed "s/^refresh /  refresh at a quarter ($((sat / 4))\/s) /" || true
	fi
	gen -s 300 move dereg >"$TD/md" 2>&1 || true
	sed 's/^/  /' "$TD/md"
	grep '^dereg' "$TD/md" >"$TD/dereg" || true
	SHED=$("$BIN/mip6ctl" -s "$TD/run/ha.sock" show stats | awk '/^shed\./ { t += $2 } END { print t + 0 }') \
	TABLE="$TD/table" TD="$TD" PND="$PND" awk -v n="$n" -v held="$held" -v o0="$obj0" -v o1="$obj1" \
	    -v rh0="$rss_ha0" -v rh1="$rss_ha1" -v rp0="$rss_priv0" \
	    -v rp1="$rss_priv1" -v hh1="$hwm_ha1" -v hp1="$hwm_priv1" -v ch0="$cpu_ha0" -v ch1="$cpu_ha1" \
	    -v cp0="$cpu_priv0" -v cp1="$cpu_priv1" -v hz="$(getconf CLK_TCK)" \
	    -v b0="$busy0" -v b1="$busy1" -v gen="$(cat "$TD/gen")" 'BEGIN {
		split(gen, g, " ")
		printf "  held %d bindings (mip6ctl lines); kernel objects per binding %.2f (routes + proxy entries)\n", held, (o1 - o0) / n
		printf "  resident memory per binding: mip6-ha %.0f B, mip6-priv %.0f B (peak during the cold start: %.0f B, %.0f B)\n", (rh1 - rh0) * 1024 / n, (rp1 - rp0) * 1024 / n, (hh1 - rh0) * 1024 / n, (hp1 - rp0) * 1024 / n
		printf "  CPU per 1,000 registrations: mip6-ha %.3f s, mip6-priv %.3f s, generator %.3f s, whole guest %.3f s\n", (ch1 - ch0) / hz * 1000 / n, (cp1 - cp0) / hz * 1000 / n, (g[1] + g[2]) * 1000 / n, (b1 - b0) / hz * 1000 / n
		# one row of the summary table
		printf "| %d (proxy-nd %s) | %s | %s | %s | %s | %.0f B / %.0f B | %.2f | %.2f s / %.2f s |\n", n, ENVIRON["PND"], fig("reg"), fig("half"), fig("dereg"), ENVIRON["SHED"], (rh1 - rh0) * 1024 / n, (rp1 - rp0) * 1024 / n, (o1 - o0) / n, (ch1 - ch0) / hz * 1000 / n, (cp1 - cp0) / hz * 1000 / n >> ENVIRON["TABLE"]
	}
	# "T s, R/s, p50 X ms, p99 Y ms, L lost" from the line of mip6-bench in TD/NAME
	function fig(name,   f, line, a) {
		f = ENVIRON["TD"] "/" name
		if ((getline line < f) <= 0)
			return "-"
		close(f)
		if (match(line, /answered [0-9]+ lost [0-9]+ in [0-9.]+ s: [0-9]+\/s, latency p50 [0-9.]+ ms p99 [0-9.]+ ms/) == 0)
			return "-"
		split(substr(line, RSTART, RLENGTH), a, /[ :]+/)
		return sprintf("%.1f s, %d/s, p50 %d ms, p99 %d ms, %d lost", a[6], a[8], a[11], a[14], a[4])
	}'
	kill -TERM "$priv"
	wait "$priv" 2>/dev/null || true
done
# The classic data path (one ip6tnl device per binding, as UMIP does)
# against mip6's shared device, kernel work only, in this same boot.
echo
echo "| nodes | cold start (register) | refresh at half saturation | dereg | shed | RSS per binding, mip6-ha / mip6-priv | kernel objects per binding | CPU per 1,000 registrations, mip6-ha / mip6-priv |"
echo "|---|---|---|---|---|---|---|---|"
cat "$TD/table" 2>/dev/null
echo
CLASSIC=${BENCH_CLASSIC:-1000}
if [ "$CLASSIC" -gt 0 ]; then
	echo "== classic data path, same boot: $CLASSIC bindings (tests/bench/kernel.sh)"
	BENCH_COUNTS=$CLASSIC sh tests/bench/kernel.sh 2>&1 | sed 's/^/  /'
fi
rm -rf "$TD"
