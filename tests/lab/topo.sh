# shellcheck shell=bash
# The lab's network: sourced inside the guest by lab suites (at file top
# level, so every test has the helpers) and by `make lab-shell`.
#
#        cn (cn0)                          ha (ha0, HA_ADDR; radvd: H flag,
#          | cn link 2001:db8:c::/64           Home Agent Information option)
#          |                                   |
#        r (r-cn)  --- r (r-home) ---------- home link 2001:db8:1::/64
#        r (r-f1)  ---------------------- foreign link 1 2001:db8:f1::/64
#        r (r-f2)  ---------------------- foreign link 2 2001:db8:f2::/64
#
#   mn (mn0) is plugged into one of home, f1, f2 (or none): lab_move_mn.
#
# Hosts are network namespaces; each link is a bridge in namespace sw with
# one veth per host plugged into it.  r forwards between all links and runs
# radvd on f1 and f2; ha is the home link's router (the home agent sends
# the home link's advertisements, with its global address in the prefix
# option, R flag, as RFC 6275 section 7.3 asks).  Every advertisement has
# the Advertisement Interval option and comes every LAB_RA_MIN..LAB_RA_MAX
# seconds.  Addresses and names are the exported variables below; see
# README.md, "The lab", for the table.
#
#   lab_topo_up [home|f1|f2|none]   build it; the mobile node starts on that
#                                   link (default home)
#   lab_topo_down                   remove it (namespaces, radvd, captures)
#   lab_move_mn home|f1|f2|none     move the mobile node: its link goes down,
#                                   the port moves, the link comes up again
#   lab_mn_link                     prints the link the mobile node is on
#   lab_ns NS CMD...                run CMD in namespace NS
#   lab_wait_addr NS IF PREFIX [T]  wait (T s, default 10) for a usable
#                                   global address in PREFIX (e.g.
#                                   "$F1_NET"), print it
#   lab_wait_ping NS DST [T]        wait until NS can ping DST
#   lab_wait_for T CMD...           retry CMD every 0.1 s for T seconds
#   lab_capture_start NAME NS IF [FILTER...]
#                                   tcpdump on IF in NS to $LAB_CAPDIR/NAME.pcap
#   lab_capture_stop NAME           stop it (flushes), print the file name
#   lab_radvd_stop NS / lab_radvd_start NS
#                                   stop/start the advertisements of r or ha

# Address plan (2001:db8::/32, RFC 3849).
export HOME_NET=2001:db8:1:: F1_NET=2001:db8:f1:: F2_NET=2001:db8:f2:: CN_NET=2001:db8:c::
export HOME_PREFIX=${HOME_NET}/64 F1_PREFIX=${F1_NET}/64 F2_PREFIX=${F2_NET}/64 CN_PREFIX=${CN_NET}/64
export R_HOME_ADDR=${HOME_NET}1 R_F1_ADDR=${F1_NET}1 R_F2_ADDR=${F2_NET}1 R_CN_ADDR=${CN_NET}1
export HA_ADDR=${HOME_NET}2 CN_ADDR=${CN_NET}2
# The mobile node's home address: not configured by the topology (the
# mobile node role does that); the Home Agents anycast address (RFC 2526).
export MN_HOA=${HOME_NET}100
export HA_ANYCAST=${HOME_NET}fdff:ffff:ffff:fffe
# Interfaces.  Fixed MAC addresses make every SLAAC and link-local
# address predictable: mn0 (02:00:00:00:00:10) forms ...::ff:fe00:10.
export HA_IF=ha0 CN_IF=cn0 MN_IF=mn0
export R_IF_HOME=r-home R_IF_F1=r-f1 R_IF_F2=r-f2 R_IF_CN=r-cn
export MN_MAC=02:00:00:00:00:10
export MN_IID=::ff:fe00:10
export MN_ADDR_HOME=${HOME_NET}ff:fe00:10 MN_COA_F1=${F1_NET}ff:fe00:10 MN_COA_F2=${F2_NET}ff:fe00:10
export HA_LL=fe80::ff:fe00:2 CN_LL=fe80::ff:fe00:3
export R_LL_HOME=fe80::ff:fe00:101 R_LL_F1=fe80::ff:fe00:102 R_LL_F2=fe80::ff:fe00:103 \
	R_LL_CN=fe80::ff:fe00:104
export LAB_NAMESPACES="sw r ha cn mn"
# Advertisement timing (radvd accepts these small values because of the
# Mobile IPv6 options) and lifetimes: short, so a stale default router or
# prefix from a link the mobile node left goes away within seconds.
: "${LAB_RA_MIN:=0.05}" "${LAB_RA_MAX:=0.15}" "${LAB_RA_ROUTER_LIFETIME:=3}"
: "${LAB_RA_VALID:=60}" "${LAB_RA_PREFERRED:=30}" "${LAB_HA_LIFETIME:=60}"
: "${LAB_HA_PREFERENCE:=10}" "${LAB_MOVE_GAP:=0.1}"
export LAB_RA_MIN LAB_RA_MAX LAB_RA_ROUTER_LIFETIME LAB_RA_VALID LAB_RA_PREFERRED
export LAB_HA_LIFETIME LAB_HA_PREFERENCE LAB_MOVE_GAP
if [ -z "${LAB_CAPDIR:-}" ]; then
	# In the run directory the captures survive the guest (LAB_KEEP=1).
	if [ -d /run/lab ] && [ -w /run/lab ]; then
		LAB_CAPDIR=/run/lab/captures
	else
		LAB_CAPDIR=${TMPDIR:-/tmp}/lab-captures
	fi
fi
export LAB_CAPDIR LAB_TOPODIR=${LAB_TOPODIR:-/run/lab-topo}

# sleep without starting a process (a process start costs ~0.1 s in UML):
# read with a timeout from a pipe nobody writes to.
lab_sleep()
{
	if [ -z "${LAB_SLEEP_FD:-}" ] || [ ! -e "/proc/$BASHPID/fd/$LAB_SLEEP_FD" ]; then
		exec {LAB_SLEEP_FD}<> <(:)
	fi
	read -r -t "$1" -u "$LAB_SLEEP_FD" _ || true
	return 0
}

lab_ns()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# radvd's configuration for one namespace, on stdout.
lab_radvd_conf()
{
	local iface
	case "$1" in
	ha)
		cat <<EOF
interface $HA_IF {
	AdvSendAdvert on;
	MinRtrAdvInterval $LAB_RA_MIN;
	MaxRtrAdvInterval $LAB_RA_MAX;
	MinDelayBetweenRAs $LAB_RA_MIN;
	AdvDefaultLifetime $LAB_RA_ROUTER_LIFETIME;
	AdvIntervalOpt on;
	AdvHomeAgentFlag on;
	AdvHomeAgentInfo on;
	HomeAgentLifetime $LAB_HA_LIFETIME;
	HomeAgentPreference $LAB_HA_PREFERENCE;
	prefix $HA_ADDR/64 {
		AdvOnLink on;
		AdvAutonomous on;
		AdvRouterAddr on;
		AdvValidLifetime $LAB_RA_VALID;
		AdvPreferredLifetime $LAB_RA_PREFERRED;
	};
};
EOF
		;;
	r)
		for iface in "$R_IF_F1:$R_F1_ADDR" "$R_IF_F2:$R_F2_ADDR"; do
			cat <<EOF
interface ${iface%%:*} {
	AdvSendAdvert on;
	MinRtrAdvInterval $LAB_RA_MIN;
	MaxRtrAdvInterval $LAB_RA_MAX;
	MinDelayBetweenRAs $LAB_RA_MIN;
	AdvDefaultLifetime $LAB_RA_ROUTER_LIFETIME;
	AdvIntervalOpt on;
	prefix ${iface#*:}/64 {
		AdvOnLink on;
		AdvAutonomous on;
		AdvRouterAddr on;
		AdvValidLifetime $LAB_RA_VALID;
		AdvPreferredLifetime $LAB_RA_PREFERRED;
	};
};
EOF
		done
		;;
	esac
}

lab_radvd_start()
{
	local ns=$1
	lab_radvd_conf "$ns" >"$LAB_TOPODIR/radvd-$ns.conf"
	chmod 0644 "$LAB_TOPODIR/radvd-$ns.conf"
	lab_ns "$ns" radvd -C "$LAB_TOPODIR/radvd-$ns.conf" \
		-p "$LAB_TOPODIR/radvd-$ns.pid" -m logfile -l "$LAB_TOPODIR/radvd-$ns.log" || {
		echo "lab: radvd in $ns failed:" >&2
		cat "$LAB_TOPODIR/radvd-$ns.log" >&2
		return 1
	}
}

# Kill the process whose pid is in FILE and wait until it is gone.
lab_kill_pidfile()
{
	local pid i
	[ -s "$1" ] || return 0
	read -r pid <"$1"
	rm -f "$1"
	kill "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		[ -d "/proc/$pid" ] || return 0
		lab_sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
}

lab_radvd_stop()
{
	lab_kill_pidfile "$LAB_TOPODIR/radvd-$1.pid"
}

# Set sysctls (NAME=VALUE...) in namespace NS.
lab_sysctl()
{
	local ns=$1
	shift
	lab_ns "$ns" sysctl -q -w "$@" >/dev/null
}

lab_topo_up()
{
	local start=${1:-home} ns f
	case "$start" in
	home|f1|f2|none) ;;
	*) echo "lab_topo_up: unknown link '$start' (home, f1, f2, none)" >&2; return 2 ;;
	esac
	mkdir -p "$LAB_TOPODIR" "$LAB_CAPDIR" || return 1
	f=$LAB_TOPODIR/batch
	# Process starts are expensive in UML: a few `ip -batch` runs build
	# everything.  Links are created straight into their namespaces.
	for ns in $LAB_NAMESPACES; do
		echo "netns add $ns"
	done >"$f"
	ip -batch "$f" || return 1
	# Before any interface exists, so that every one inherits them: the
	# switch has no IPv6 of its own; r and ha are routers.
	lab_sysctl sw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || return 1
	lab_sysctl r net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1 || return 1
	lab_sysctl ha net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.forwarding=1 || return 1
	# cn has a static address and route; no autoconfiguration.
	lab_sysctl cn net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.default.autoconf=0 || return 1
	cat >"$f" <<EOF
link add br-home netns sw type bridge stp_state 0 mcast_snooping 0
link add br-f1 netns sw type bridge stp_state 0 mcast_snooping 0
link add br-f2 netns sw type bridge stp_state 0 mcast_snooping 0
link add br-cn netns sw type bridge stp_state 0 mcast_snooping 0
link add $R_IF_HOME netns r address 02:00:00:00:01:01 type veth peer name p-r-home netns sw
link add $R_IF_F1 netns r address 02:00:00:00:01:02 type veth peer name p-r-f1 netns sw
link add $R_IF_F2 netns r address 02:00:00:00:01:03 type veth peer name p-r-f2 netns sw
link add $R_IF_CN netns r address 02:00:00:00:01:04 type veth peer name p-r-cn netns sw
link add $HA_IF netns ha address 02:00:00:00:00:02 type veth peer name p-ha netns sw
link add $CN_IF netns cn address 02:00:00:00:00:03 type veth peer name p-cn netns sw
link add $MN_IF netns mn address $MN_MAC type veth peer name p-mn netns sw
EOF
	ip -batch "$f" || return 1
	cat >"$f" <<EOF
link set p-r-home master br-home
link set p-ha master br-home
link set p-r-f1 master br-f1
link set p-r-f2 master br-f2
link set p-r-cn master br-cn
link set p-cn master br-cn
link set br-home up
link set br-f1 up
link set br-f2 up
link set br-cn up
link set p-r-home up
link set p-ha up
link set p-r-f1 up
link set p-r-f2 up
link set p-r-cn up
link set p-cn up
EOF
	ip -n sw -batch "$f" || return 1
	cat >"$f" <<EOF
link set lo up
address add $R_HOME_ADDR/64 dev $R_IF_HOME nodad
address add $R_F1_ADDR/64 dev $R_IF_F1 nodad
address add $R_F2_ADDR/64 dev $R_IF_F2 nodad
address add $R_CN_ADDR/64 dev $R_IF_CN nodad
link set $R_IF_HOME up
link set $R_IF_F1 up
link set $R_IF_F2 up
link set $R_IF_CN up
EOF
	ip -n r -batch "$f" || return 1
	cat >"$f" <<EOF
link set lo up
address add $HA_ADDR/64 dev $HA_IF nodad
link set $HA_IF up
route add default via $R_HOME_ADDR dev $HA_IF
EOF
	ip -n ha -batch "$f" || return 1
	cat >"$f" <<EOF
link set lo up
address add $CN_ADDR/64 dev $CN_IF nodad
link set $CN_IF up
route add default via $R_CN_ADDR dev $CN_IF
EOF
	ip -n cn -batch "$f" || return 1
	printf '%s\n' "link set lo up" "link set $MN_IF up" >"$f"
	ip -n mn -batch "$f" || return 1
	lab_radvd_start r || return 1
	lab_radvd_start ha || return 1
	if [ "$start" != none ]; then
		lab_move_mn "$start" || return 1
	fi
}

lab_topo_down()
{
	local f ns
	for f in "$LAB_CAPDIR"/*.tcpdump.pid; do
		[ -e "$f" ] && lab_kill_pidfile "$f"
	done
	lab_radvd_stop r
	lab_radvd_stop ha
	f=$LAB_TOPODIR/batch
	for ns in $LAB_NAMESPACES; do
		[ -e "/run/netns/$ns" ] && echo "netns delete $ns"
	done >"$f"
	[ -s "$f" ] && ip -force -batch "$f" 2>/dev/null
	rm -f "$f"
	return 0
}

lab_mn_link()
{
	local line
	line=$(ip -n sw -o link show p-mn 2>/dev/null)
	case "$line" in
	*" master br-"*)
		line=${line#* master br-}
		echo "${line%% *}" ;;
	*) echo none ;;
	esac
}

lab_move_mn()
{
	local to=$1 f=$LAB_TOPODIR/move
	case "$to" in
	home|f1|f2) ;;
	none) ip -n sw link set p-mn down nomaster; return ;;
	*) echo "lab_move_mn: unknown link '$to' (home, f1, f2, none)" >&2; return 2 ;;
	esac
	# Down long enough for the mobile node to see its carrier go
	# (link notifications are coalesced), then up on the new link.
	ip -n sw link set p-mn down || return 1
	lab_sleep "$LAB_MOVE_GAP"
	printf '%s\n' "link set p-mn master br-$to" "link set p-mn up" >"$f"
	ip -n sw -batch "$f"
}

# Retry CMD every 0.1 s until it succeeds or T seconds have passed.
lab_wait_for()
{
	local t=$1 end
	shift
	end=$(( ${EPOCHREALTIME/./} + t * 1000000 ))
	until "$@"; do
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		lab_sleep 0.1
	done
}

# The first global, non-tentative, non-deprecated address on IF starting
# with PREFIX (e.g. "$F1_NET"); nothing and a failure when there is none.
lab_global_addr()
{
	local ns=$1 ifname=$2 prefix=$3 f=${TMPDIR:-/tmp}/lab-addr.$BASHPID line a
	ip -n "$ns" -6 -o address show dev "$ifname" scope global \
		-tentative -deprecated -dadfailed >"$f" || return 1
	# "2: mn0    inet6 2001:db8:f1::ff:fe00:10/64 scope global ..."
	while read -r line; do
		a=${line#*inet6 }
		a=${a%%/*}
		if [[ "$a" == "$prefix"* ]]; then
			rm -f "$f"
			echo "$a"
			return 0
		fi
	done <"$f"
	return 1
}

lab_wait_addr()
{
	local ns=$1 ifname=$2 prefix=$3 t=${4:-10}
	lab_wait_for "$t" lab_global_addr "$ns" "$ifname" "$prefix" || {
		echo "lab: no address in $prefix on $ns $ifname after ${t}s:" >&2
		ip -n "$ns" -6 address show dev "$ifname" >&2
		return 1
	}
}

lab_wait_ping()
{
	local ns=$1 dst=$2 t=${3:-10}
	lab_wait_for "$t" lab_ns "$ns" ping -c 1 -W 1 "$dst" >/dev/null 2>&1 || {
		echo "lab: $ns cannot ping $dst after ${t}s" >&2
		return 1
	}
}

# Whether FILE contains TEXT (builtins only).
lab_file_has()
{
	local content
	[ -r "$1" ] || return 1
	IFS= read -r -d '' content <"$1"
	[[ "$content" == *"$2"* ]]
}

lab_capture_start()
{
	local name=$1 ns=$2 ifname=$3 base
	shift 3
	base=$LAB_CAPDIR/$name
	mkdir -p "$LAB_CAPDIR"
	rm -f "$base.pcap" "$base.tcpdump.log"
	# exec: the pid saved is tcpdump's own, so the stop reaches it (a
	# killed subshell would leave tcpdump running and writing).
	(exec ip netns exec "$ns" tcpdump --immediate-mode -i "$ifname" -n -U -s 0 -w "$base.pcap" "$@") \
		>"$base.tcpdump.log" 2>&1 </dev/null 3>&- &
	echo $! >"$base.tcpdump.pid"
	# Ready once it says it listens (the file exists before that).
	lab_wait_for 10 lab_file_has "$base.tcpdump.log" 'listening on' || {
		echo "lab: tcpdump $name on $ns $ifname did not start:" >&2
		cat "$base.tcpdump.log" >&2
		return 1
	}
}

lab_capture_stop()
{
	local base=$LAB_CAPDIR/$1
	# Let tcpdump read what the kernel already queued for it: on SIGTERM
	# it stops at once and packets still queued are lost.  (It runs in
	# immediate mode: by default libpcap hands packets over in blocks up
	# to a second late, and a ping that passed went missing from its
	# capture.)
	lab_sleep "${LAB_CAPTURE_SETTLE:-0.3}"
	lab_kill_pidfile "$base.tcpdump.pid"
	echo "$base.pcap"
}
