# shellcheck shell=bash
# The roaming story's helpers: start the home agent and the mobile node,
# wait for bindings, ping the home address with timestamps, decode
# captures and measure a handover.  Sourced after tests/lab/topo.sh by
# tests/lab/home.bats and by the demo (tests/demo.sh, in the guest).
#
#   roam_start ha|mn [CONF]       mip6-priv -d -f CONF in that namespace
#                                 (default tests/lab/conf/NODE.yaml), log in
#                                 $ROAM_DIR/NODE.log; waits until the parent
#                                 logs that the role serves its socket
#   roam_stop ha|mn               SIGTERM, wait for the exit
#   roam_ctl ha|mn ARGS...        mip6ctl -s /run/mip6/NODE.sock ARGS
#   roam_log ha|mn                the daemon's log file
#   roam_ha_coa                   the care-of address the home agent's tunnel
#                                 route for MN_HOA points to (kernel oracle)
#   roam_wait_binding COA [T]     until that route points to COA
#   roam_mn_state                 "STATE COA" from mip6ctl show bul
#   roam_wait_mn "STATE COA" [T]  until the mobile node's list says so
#   roam_ha_clean                 no tunnel route, no proxy ND for MN_HOA
#   roam_wait_clean [T]           until roam_ha_clean holds
#   roam_ping_start NAME [IVAL]   the correspondent pings MN_HOA every IVAL s
#                                 (default 0.05), ping -D into $ROAM_DIR/NAME.ping
#   roam_ping_stop NAME           SIGINT; prints the statistics line
#   roam_ping_count NAME          sets PING_SENT (highest sequence answered),
#                                 PING_RECV, PING_LOST (unanswered up to it)
#   roam_ping_wait NAME N [T]     until N more replies than now have come
#   roam_ping_first_after NAME US prints the first reply's time (us) after US
#   roam_move LINK                lab_move_mn with the times around it (us):
#                                 ROAM_T_DOWN (old link down), ROAM_T_UP (the
#                                 plug-in command starts), ROAM_T_PLUGGED
#                                 (it returned: the link is up)
#   roam_decode NAME              decodes $LAB_CAPDIR/NAME.pcap into
#                                 $LAB_CAPDIR/NAME.txt, one line a packet:
#                                 "USEC SRC > DST: REST" (outer header)
#   roam_capture_start NAME NS IF a capture without router advertisements
#   roam_wait_count NAME N T TEXT...  until N packets hold every TEXT
#   roam_first NAME US TEXT...    first packet at or after US whose line
#                                 holds every TEXT: prints its time (us)
#   roam_count NAME TEXT...       how many packets hold every TEXT
#   roam_grep NAME TEXT...        prints those packets ("USEC REST")
#   roam_ms FROM TO               (TO - FROM) in ms, one decimal; ? if one
#                                 is empty
#   roam_now                      now, us
#
# Patterns for roam_first/roam_count/roam_grep: each TEXT must occur in the
# line; a TEXT starting with ^ must start it (the outer header), e.g.
#   "^$coa > $HA_ADDR: " "homeaddr: $MN_HOA" "ESP(spi=0x00001000"  a BU under ESP
#   "^$HA_ADDR > $coa: " "[0]$MN_HOA" "ESP(spi=0x00001001"         a BA under ESP
#   "^$HA_ADDR > $coa: " "$CN_ADDR > $MN_HOA: " "echo request"     tunnelled
#   "^$MN_HOA > $CN_ADDR: " "echo reply"                           native

ROAM_SRC=${MIP6_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ROAM_BIN=${MIP6_BIN_PLAIN:-$ROAM_SRC/build}
ROAM_CONF=${ROAM_CONF:-$ROAM_SRC/tests/lab/conf}
ROAM_CTLDIR=/run/mip6
if [ -z "${ROAM_DIR:-}" ]; then
	if [ -d /run/lab ] && [ -w /run/lab ]; then
		ROAM_DIR=/run/lab/roam
	else
		ROAM_DIR=${TMPDIR:-/tmp}/lab-roam
	fi
fi
# The SPIs of tests/lab/conf/{ha,mn}.yaml: only BUs and BAs use them.
ROAM_SPI_BU=0x00001000
ROAM_SPI_BA=0x00001001
export ROAM_SRC ROAM_BIN ROAM_CONF ROAM_DIR ROAM_SPI_BU ROAM_SPI_BA
# The roles must talk to the real kernel here.
unset MIP6_KERNEL

roam_now()
{
	local t=$EPOCHREALTIME
	echo $(( ${t%.*} * 1000000 + 10#${t#*.} ))
}

# "1796243042.580811" -> ROAM_US=1796243042580811 (no subshell: a fork
# costs 0.1 s in the lab and captures have thousands of lines)
roam_us()
{
	local t=$1 f
	f=${t#*.}000000
	ROAM_US=$(( ${t%.*} * 1000000 + 10#${f:0:6} ))
}

roam_ms()
{
	# A time that was not seen: "?".
	if [ -z "${1:-}" ] || [ -z "${2:-}" ]; then
		echo '?'
		return 0
	fi
	local d=$(( $2 - $1 )) s=
	if [ "$d" -lt 0 ]; then s=-; d=$(( -d )); fi
	printf '%s%d.%d' "$s" $(( d / 1000 )) $(( d % 1000 / 100 ))
}

roam_log()
{
	echo "$ROAM_DIR/$1.log"
}

roam_ctl()
{
	local node=$1
	shift
	"$ROAM_BIN/mip6ctl" -s "$ROAM_CTLDIR/$node.sock" "$@"
}

roam_start()
{
	local node=$1 conf=${2:-$ROAM_CONF/$1.yaml} pid
	mkdir -p "$ROAM_DIR"
	[ -x "$ROAM_BIN/mip6-priv" ] || {
		echo "roam: $ROAM_BIN/mip6-priv missing: build first (make)" >&2
		return 1
	}
	# Not through a function: $! must be mip6-priv itself.
	ip netns exec "$node" "$ROAM_BIN/mip6-priv" -d -f "$conf" \
		>>"$ROAM_DIR/$node.log" 2>&1 </dev/null 3>&- &
	pid=$!
	echo "$pid" >"$ROAM_DIR/$node.pid"
	# Up once its role serves the control socket (the parent logs it).
	lab_wait_for 30 lab_file_has "$ROAM_DIR/$node.log" "serving $ROAM_CTLDIR/$node.sock" || {
		echo "roam: mip6-priv ($node) did not come up; log:" >&2
		cat "$ROAM_DIR/$node.log" >&2
		return 1
	}
}

roam_stop()
{
	lab_kill_pidfile "$ROAM_DIR/$1.pid"
}

# The home agent's route for the home address: "MN_HOA encap ip6 ...
# dst COA ... dev mip6tnl0 proto 158" (mip6-priv's flow-based tunnel).
roam_ha_coa()
{
	local line
	line=$(ip -n ha -6 route show "$MN_HOA/128" 2>/dev/null)
	[[ "$line" == *" encap ip6 "*" dst "* ]] || return 1
	line=${line#* dst }
	echo "${line%% *}"
}

roam_coa_is()
{
	[ "$(roam_ha_coa)" = "$1" ]
}

roam_wait_binding()
{
	lab_wait_for "${2:-15}" roam_coa_is "$1" || {
		echo "roam: the home agent's route for $MN_HOA does not go to $1 after ${2:-15}s:" >&2
		ip -n ha -6 route show "$MN_HOA/128" >&2
		return 1
	}
}

# The mobile node's binding update list state ("registered", "home", ...)
# and care-of address, from `mip6ctl show bul`: "STATE COA".
roam_mn_state()
{
	local out line st='' coa=''
	out=$(roam_ctl mn show bul 2>/dev/null) || return 1
	while IFS= read -r line; do
		case "$line" in
		"state "*) st=${line##* } ;;
		"care-of-address "*) coa=${line#care-of-address }; coa=${coa## }; coa=${coa%% *} ;;
		esac
	done <<<"$out"
	echo "$st $coa"
}

roam_mn_is()
{
	[ "$(roam_mn_state)" = "$1" ]
}

# Until the mobile node's list says "STATE COA" (e.g. "registered $MN_COA_F1").
roam_wait_mn()
{
	lab_wait_for "${2:-15}" roam_mn_is "$1" || {
		echo "roam: the mobile node is not '$1' after ${2:-15}s: $(roam_mn_state)" >&2
		return 1
	}
}

# No tunnel route and no proxy ND entry for the home address.
roam_ha_clean()
{
	local r p
	r=$(ip -n ha -6 route show "$MN_HOA/128" 2>/dev/null)
	p=$(ip -n ha -6 neigh show proxy "$MN_HOA" 2>/dev/null)
	[ -z "$r" ] && [ -z "$p" ]
}

roam_wait_clean()
{
	lab_wait_for "${1:-15}" roam_ha_clean
}

roam_ping_start()
{
	local name=$1 ival=${2:-0.05} pid
	mkdir -p "$ROAM_DIR"
	: >"$ROAM_DIR/$name.ping"
	# -D: a timestamp on every line; -W: replies later than 2 s are lost.
	ip netns exec cn ping -D -n -i "$ival" -W 2 "$MN_HOA" >"$ROAM_DIR/$name.ping" 2>&1 </dev/null 3>&- &
	pid=$!
	echo "$pid" >"$ROAM_DIR/$name.ping.pid"
}

roam_ping_stop()
{
	local name=$1 pid line
	[ -s "$ROAM_DIR/$name.ping.pid" ] || return 0
	read -r pid <"$ROAM_DIR/$name.ping.pid"
	rm -f "$ROAM_DIR/$name.ping.pid"
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	lab_wait_for 5 lab_file_has "$ROAM_DIR/$name.ping" "packets transmitted"
	while IFS= read -r line; do
		[[ "$line" == *"packets transmitted"* ]] && echo "$line"
	done <"$ROAM_DIR/$name.ping"
	return 0
}

# From the replies themselves: whatever is still in flight when ping
# stops does not count as lost.
roam_ping_count()
{
	local name=$1 line seq max=0 n=0
	declare -A seen=()
	while IFS= read -r line; do
		[[ "$line" == *" bytes from "*"icmp_seq="* ]] || continue
		[[ "$line" == *"DUP!"* ]] && continue
		seq=${line#*icmp_seq=}
		seq=${seq%% *}
		[ -n "${seen[$seq]:-}" ] && continue
		seen[$seq]=1
		n=$((n + 1))
		[ "$seq" -gt "$max" ] && max=$seq
	done <"$ROAM_DIR/$name.ping"
	# shellcheck disable=SC2034  # results for the caller
	PING_SENT=$max PING_RECV=$n PING_LOST=$((max - n))
}

roam_ping_replies()
{
	roam_ping_count "$1"
	echo "$PING_RECV"
}

roam_ping_has()
{
	[ "$(roam_ping_replies "$1")" -ge "$2" ]
}

roam_ping_wait()
{
	local name=$1 more=$2 t=${3:-15} want
	want=$(( $(roam_ping_replies "$name") + more ))
	lab_wait_for "$t" roam_ping_has "$name" "$want"
}

roam_ping_first_after()
{
	local name=$1 after=$2 line ts
	while IFS= read -r line; do
		[[ "$line" == "["*"] "*" bytes from "* ]] || continue
		ts=${line#[}
		ts=${ts%%]*}
		roam_us "$ts"
		if [ "$ROAM_US" -ge "$after" ]; then
			echo "$ROAM_US"
			return 0
		fi
	done <"$ROAM_DIR/$name.ping"
	return 1
}

# lab_move_mn with the times around the link change (microseconds):
# ROAM_T_DOWN just before the old link goes down, ROAM_T_UP just before
# the command that plugs the mobile node into the new link (the link comes
# up during that command: ROAM_T_PLUGGED is when it returned).  Times
# measured from ROAM_T_UP are at most ROAM_T_PLUGGED - ROAM_T_UP too long.
# shellcheck disable=SC2034  # results for the caller
roam_move()
{
	local to=$1 f=$LAB_TOPODIR/roam-move t
	case "$to" in
	home|f1|f2) ;;
	*) echo "roam_move: unknown link '$to' (home, f1, f2)" >&2; return 2 ;;
	esac
	printf '%s\n' "link set p-mn master br-$to" "link set p-mn up" >"$f"
	t=$EPOCHREALTIME
	ROAM_T_DOWN=$(( ${t%.*} * 1000000 + 10#${t#*.} ))
	ip -n sw link set p-mn down || return 1
	lab_sleep "$LAB_MOVE_GAP"
	t=$EPOCHREALTIME
	ROAM_T_UP=$(( ${t%.*} * 1000000 + 10#${t#*.} ))
	ip -n sw -batch "$f" || return 1
	t=$EPOCHREALTIME
	ROAM_T_PLUGGED=$(( ${t%.*} * 1000000 + 10#${t#*.} ))
}

roam_decode()
{
	local name=$1 line ts rest re
	local pcap=$LAB_CAPDIR/$name.pcap out=$LAB_CAPDIR/$name.txt
	# "TS IP6 (hlim 64, next-header ICMPv6 (58) payload length: 64) SRC > DST: ..."
	re='^([0-9]+\.[0-9]+) IP6 \(([^()]|\([^()]*\))*\) (.*)$'
	tcpdump -tt -n -v -r "$pcap" 2>/dev/null >"$out.raw" || {
		echo "roam: cannot decode $pcap" >&2
		return 1
	}
	while IFS= read -r line; do
		if [[ "$line" =~ $re ]]; then
			ts=${BASH_REMATCH[1]}
			rest=${BASH_REMATCH[3]}
			roam_us "$ts"
			echo "$ROAM_US $rest"
		fi
	done <"$out.raw" >"$out"
}

roam_line_has()
{
	local line=$1 p
	shift
	for p in "$@"; do
		if [[ "$p" == ^* ]]; then
			[[ "$line" == "${p#^}"* ]] || return 1
		else
			[[ "$line" == *"$p"* ]] || return 1
		fi
	done
}

roam_first()
{
	local name=$1 after=$2 us rest
	shift 2
	while read -r us rest; do
		[ "$us" -ge "$after" ] || continue
		if roam_line_has "$rest" "$@"; then
			echo "$us"
			return 0
		fi
	done <"$LAB_CAPDIR/$name.txt"
	return 1
}

roam_count()
{
	local name=$1 us rest n=0
	shift
	while read -r us rest; do
		roam_line_has "$rest" "$@" && n=$((n + 1))
	done <"$LAB_CAPDIR/$name.txt"
	echo "$n"
}

# Until capture NAME (still running) holds at least N packets with every
# TEXT; decodes it each time.  roam_wait_count NAME N T TEXT...
roam_wait_count()
{
	local name=$1 n=$2 t=$3
	shift 3
	_roam_has_n() {
		roam_decode "$name" && [ "$(roam_count "$name" "$@")" -ge "$n" ]
	}
	lab_wait_for "$t" _roam_has_n "$@"
}

# A capture for the story: lab_capture_start without the advertisements
# (every 0.1 s on every link), packets written as they come.
roam_capture_start()
{
	lab_capture_start "$1" "$2" "$3" --immediate-mode \
		'not (icmp6 and ip6[40] = 134)'
}

# Print the packets of capture NAME holding every TEXT (for diagnostics).
roam_grep()
{
	local name=$1 us rest
	shift
	while read -r us rest; do
		roam_line_has "$rest" "$@" && echo "$us $rest"
	done <"$LAB_CAPDIR/$name.txt"
	return 0
}
