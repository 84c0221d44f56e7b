#!/bin/bash
# make demo: the roaming story, narrated.  In the user-mode Linux lab
# (tests/lab/run) the home agent and the mobile node run as mip6-priv with
# tests/lab/conf/ha.yaml and mn.yaml (IPsec required, manual keys).  The
# mobile node registers from foreign link 1, the correspondent pings its
# home address through the tunnel, it moves to foreign link 2 and comes
# home; every step is printed with its time, the binding as mip6ctl shows
# it, the ping statistics and the handover times measured on the wire.
# Then route optimization: the correspondent runs mip6-sig (tests/lab/
# conf/cn.yaml), the mobile node restarts with route-optimization towards
# it on foreign link 1 (return routability, the ping straight between
# them) and moves to foreign link 2 (optimized again).
# Exits 0 when the whole story happened, 1 when a step failed, 2 when the
# lab cannot run.
#
#   tests/demo.sh            on the host: boots the lab and plays the story
#   tests/demo.sh --guest [required|disabled]
#                            the story itself (inside the lab)
#
# MIP6_BIN_PLAIN names the build to use (default build/).  DEMO_IPSEC=
# disabled plays it with tests/lab/conf/ha-noipsec.yaml and mn-noipsec.yaml
# (labs only): the Binding Update and Acknowledgement then travel in clear
# and the capture decodes them.
set -u

if [ "${1:-}" != --guest ]; then
	cd "$(dirname "$0")/.." || exit 2
	export MIP6_SRC=$PWD
	export MIP6_BIN_PLAIN=${MIP6_BIN_PLAIN:-$PWD/build}
	for p in mip6-priv mip6-ha mip6-mn mip6ctl; do
		[ -x "$MIP6_BIN_PLAIN/$p" ] || {
			echo "demo: $MIP6_BIN_PLAIN/$p missing: build first (make)" >&2
			exit 2
		}
	done
	echo "demo: booting the lab (user-mode Linux with a Mobile IPv6 kernel)..."
	case "${DEMO_IPSEC:=required}" in
	required|disabled) ;;
	*) echo "demo: DEMO_IPSEC=$DEMO_IPSEC: required or disabled" >&2; exit 2 ;;
	esac
	# Only MIP6_* and LAB_* variables reach the guest: an argument.
	LAB_TIMEOUT=${DEMO_TIMEOUT:-240} exec tests/lab/run --cmd "bash $PWD/tests/demo.sh --guest $DEMO_IPSEC"
fi

# ---- inside the lab ----
cd "$MIP6_SRC" || exit 2
# shellcheck source=tests/lab/topo.sh
. tests/lab/topo.sh
# shellcheck source=tests/lab/roam.bash
. tests/lab/roam.bash

IVAL=0.05
DEMO_IPSEC=${2:-required}
# What marks a BA, and any BU or BA, on the wire.
if [ "${DEMO_IPSEC:-required}" = disabled ]; then
	CONF_HA=$ROAM_CONF/ha-noipsec.yaml CONF_MN=$ROAM_CONF/mn-noipsec.yaml
	BA_PAT="mobility: BA" SIG_PAT="mobility: B" SIG_HOW="in clear (ipsec: disabled)"
else
	CONF_HA=$ROAM_CONF/ha.yaml CONF_MN=$ROAM_CONF/mn.yaml
	BA_PAT="ESP(spi=$ROAM_SPI_BA" SIG_PAT="ESP(spi=" SIG_HOW="ESP-protected"
fi
T0=${EPOCHREALTIME/./}
STEP=0
FIG_F2='' FIG_HOME='' LOSS_TUN='' LOSS_F2='' LOSS_HOME=''
declare -a DONE=()

# "[  12.3s 20:51:04.123]": seconds since the start and the wall clock.
stamp()
{
	local now=${EPOCHREALTIME/./} ms wall
	ms=$(( (now - T0) / 1000 ))
	printf -v wall '%(%H:%M:%S)T' "${now:0:10}"
	printf '[%4d.%ds %s.%s]' $(( ms / 1000 )) $(( ms % 1000 / 100 )) "$wall" "${now:10:3}"
}

step()
{
	STEP=$((STEP + 1))
	echo
	echo "$(stamp) Step $STEP: $*"
}

say()
{
	echo "$(stamp)   $*"
}

# Indented output of a command (mip6ctl, ip), as the user would see it.
show()
{
	local title=$1 out line
	shift
	say "$title"
	out=$("$@" 2>&1)
	[ -n "$out" ] || out="(nothing)"
	while IFS= read -r line; do
		echo "                            | $line"
	done <<<"$out"
}

# Packets of a decoded capture (roam_grep output), one short line each:
# the inner header's details and checksum notes left out.
packets()
{
	local us rest re='^(.*: )IP6 \(([^()]|\([^()]*\))*\) (.*)$'
	while read -r us rest; do
		rest=${rest//"[icmp6 sum ok] "/}
		if [[ "$rest" =~ $re ]]; then
			rest="${BASH_REMATCH[1]}IP6 ${BASH_REMATCH[3]}"
		fi
		echo "                            | ${rest:0:200}"
	done
}

fail()
{
	echo
	echo "$(stamp) FAILED in step $STEP: $*"
	echo "--- home agent log (last lines)"
	tail -n 15 "$(roam_log ha)" 2>/dev/null
	echo "--- mobile node log (last lines)"
	tail -n 15 "$(roam_log mn)" 2>/dev/null
	if [ -s "$ROAM_DIR/cn.log" ]; then
		echo "--- correspondent log (last lines)"
		tail -n 10 "$ROAM_DIR/cn.log"
	fi
	echo
	echo "demo: the story failed (step $STEP). tests/lab/home.bats checks the same story."
	finish 1
}

finish()
{
	for p in "$ROAM_DIR"/*.ping.pid; do
		[ -e "$p" ] && roam_ping_stop "$(basename "$p" .ping.pid)" >/dev/null
	done
	roam_stop mn
	roam_stop ha
	roam_stop cn
	lab_topo_down
	exit "$1"
}

pingstats()
{
	roam_ping_count "$1"
	say "ping $MN_HOA from the correspondent: $PING_RECV of $PING_SENT echo requests answered, $PING_LOST lost (one every ${IVAL}s)"
}

echo "demo: Mobile IPv6 roaming with mip6 ($(stamp))"
echo "demo: hosts: home agent $HA_ADDR (home link $HOME_PREFIX), correspondent $CN_ADDR,"
echo "demo:        mobile node with home address $MN_HOA; foreign links $F1_PREFIX and $F2_PREFIX"

step "the lab network comes up; the mobile node is plugged into foreign link 1"
rm -rf "$ROAM_DIR"
lab_topo_up f1 || fail "the lab topology did not come up"
coa=$(lab_wait_addr mn "$MN_IF" "$F1_NET" 15) || fail "no care-of address on foreign link 1"
say "the mobile node formed its care-of address $coa from the router's advertisement"
roam_capture_start f1 r "$R_IF_F1" || fail "tcpdump on foreign link 1"
roam_capture_start f2 r "$R_IF_F2" || fail "tcpdump on foreign link 2"
roam_capture_start home ha "$HA_IF" || fail "tcpdump on the home link"
DONE+=("lab up, mobile node on foreign link 1")

step "the home agent starts (tests/lab/conf/${CONF_HA##*/}: IPsec $DEMO_IPSEC)"
roam_start ha "$CONF_HA" || fail "the home agent did not start"
if [ "$DEMO_IPSEC" = disabled ]; then
	say "mip6-priv in namespace ha: privileged parent + sandboxed mip6-ha; no ESP (labs only)"
else
	say "mip6-priv in namespace ha: privileged parent + sandboxed mip6-ha; ESP SAs installed:"
	show "ip -n ha xfrm state   (the ESP states, one per direction)" \
		bash -c "ip -n ha xfrm state | grep -B1 'proto esp' | grep -v '^--'"
fi
DONE+=("home agent up")

step "the mobile node starts on foreign link 1 and registers with its home agent"
t=$(roam_now)
roam_start mn "$CONF_MN" || fail "the mobile node did not start"
roam_wait_binding "$MN_COA_F1" 20 || fail "no binding at the home agent"
roam_wait_mn "registered $MN_COA_F1" 10 || fail "the mobile node is not registered"
say "registered $(roam_ms "$t" "$(roam_now)") ms after the mobile node started (the home agent runs DAD for the home address first, ~1 s)"
show "mip6ctl show bindings   (home agent)" roam_ctl ha show bindings
show "mip6ctl show bul        (mobile node)" roam_ctl mn show bul
show "the home agent's kernel: tunnel route and proxy ND for the home address" \
	bash -c "ip -n ha -6 route show $MN_HOA/128; ip -n ha -6 neigh show proxy"
roam_wait_count f1 1 5 "^$HA_ADDR > $MN_COA_F1: " "$BA_PAT" ||
	fail "no BA ($BA_PAT) on foreign link 1"
say "on the wire (foreign link 1), Binding Update and Acknowledgement, $SIG_HOW:"
roam_grep f1 "$SIG_PAT" | packets
DONE+=("registration from foreign link 1, $SIG_HOW")

step "the correspondent pings the home address; the home agent tunnels to the care-of address"
roam_ping_start p1 "$IVAL"
roam_ping_wait p1 40 15 || fail "the ping through the tunnel does not get replies"
roam_ping_stop p1 >/dev/null
pingstats p1
LOSS_TUN="$PING_LOST of $PING_SENT"
[ "$PING_LOST" -eq 0 ] || fail "pings lost through the tunnel"
roam_wait_count f1 1 5 "^$MN_COA_F1 > $HA_ADDR: " "echo reply" || fail "no tunnelled reply on foreign link 1"
say "on the wire (foreign link 1), ip6ip6 between the home agent and the care-of address:"
{ roam_grep f1 "^$HA_ADDR > $MN_COA_F1: " "echo request" | head -n 1
  roam_grep f1 "^$MN_COA_F1 > $HA_ADDR: " "echo reply" | head -n 1; } | packets
DONE+=("ping through the tunnel: $LOSS_TUN lost")

step "the mobile node moves to foreign link 2 (the ping goes on)"
roam_ping_start p2 "$IVAL"
roam_ping_wait p2 10 15 || fail "the ping stopped before the move"
roam_move f2 || fail "the move failed"
say "link down on foreign link 1, up on foreign link 2 ($(roam_ms "$ROAM_T_DOWN" "$ROAM_T_UP") ms without a link)"
roam_wait_binding "$MN_COA_F2" 30 || fail "no binding to the new care-of address"
roam_wait_mn "registered $MN_COA_F2" 10 || fail "the mobile node did not re-register"
say "re-registered from $MN_COA_F2"
roam_ping_wait p2 20 15 || fail "the ping does not continue after the move"
roam_ping_stop p2 >/dev/null
show "mip6ctl show bindings   (home agent)" roam_ctl ha show bindings
pingstats p2
LOSS_F2="$PING_LOST of $PING_SENT"
roam_wait_count f2 1 5 "^$HA_ADDR > $MN_COA_F2: " "$BA_PAT" || true
ba=$(roam_first f2 "$ROAM_T_UP" "^$HA_ADDR > $MN_COA_F2: " "$BA_PAT")
tun=$(roam_first f2 "$ROAM_T_UP" "^$MN_COA_F2 > $HA_ADDR: " "$MN_HOA > $CN_ADDR: " "echo reply")
FIG_F2="BA after $(roam_ms "$ROAM_T_UP" "$ba") ms, first reply through the new care-of address after $(roam_ms "$ROAM_T_UP" "$tun") ms"
say "handover (from the link coming up on foreign link 2, measured on the wire): $FIG_F2"
DONE+=("handover to foreign link 2: $FIG_F2; $LOSS_F2 pings lost")

step "the mobile node comes home (the ping goes on)"
roam_ping_start p3 "$IVAL"
roam_ping_wait p3 10 15 || fail "the ping stopped before the return"
roam_move home || fail "the move failed"
say "link down on foreign link 2, up on the home link"
roam_wait_clean 30 || fail "the home agent still has a tunnel route or proxy ND for $MN_HOA"
roam_wait_mn "home $MN_HOA" 10 || fail "the mobile node did not deregister"
say "deregistered: the home agent removed the binding, its tunnel route and its proxy ND entry"
roam_ping_wait p3 20 15 || fail "the ping does not continue at home"
roam_ping_stop p3 >/dev/null
show "mip6ctl show bindings   (home agent)" roam_ctl ha show bindings
show "mip6ctl show bul        (mobile node)" roam_ctl mn show bul
show "the home agent's kernel: tunnel route and proxy ND for the home address" \
	bash -c "ip -n ha -6 route show $MN_HOA/128; ip -n ha -6 neigh show proxy"
pingstats p3
LOSS_HOME="$PING_LOST of $PING_SENT"
roam_decode home
dba=$(roam_first home "$ROAM_T_UP" "^$HA_ADDR > $MN_HOA: " "$BA_PAT")
nat=$(roam_first home "$ROAM_T_UP" "^$MN_HOA > $CN_ADDR: " "echo reply")
FIG_HOME="deregistration BA after $(roam_ms "$ROAM_T_UP" "$dba") ms, first native reply after $(roam_ms "$ROAM_T_UP" "$nat") ms"
say "return home (measured on the home link): $FIG_HOME"
[ -n "$nat" ] || fail "no native echo reply from the home address on the home link"
DONE+=("back home: $FIG_HOME; $LOSS_HOME pings lost")

# The mobile node's log: the number after TEXT in its last line with it.
mn_log_num()
{
	local line v=''
	while IFS= read -r line; do
		[[ "$line" == *"$1"* ]] || continue
		v=${line##*"$1"}
		v=${v%%[!0-9]*}
	done <"$(roam_log mn)"
	echo "$v"
}

# "state=bound care-of=COA" in the mobile node's correspondent line.
# shellcheck disable=SC2317  # called through lab_wait_for
ro_bound_at()
{
	roam_ctl mn show bul 2>/dev/null | grep -q "^correspondent    $CN_ADDR state=bound care-of=$1 "
}

step "route optimization: the correspondent starts mip6-sig; the mobile node, restarted with route-optimization: [$CN_ADDR], goes to foreign link 1"
ip netns exec cn "$ROAM_BIN/mip6-priv" -d -f "$ROAM_CONF/cn.yaml" >>"$ROAM_DIR/cn.log" 2>&1 </dev/null 3>&- &
echo $! >"$ROAM_DIR/cn.pid"
lab_wait_for 15 lab_file_has "$ROAM_DIR/cn.log" "serving $ROAM_CTLDIR/sig.sock" || fail "the correspondent did not start"
say "mip6-priv in namespace cn: privileged parent + sandboxed mip6-sig (tests/lab/conf/cn.yaml)"
roam_stop mn
while IFS= read -r line; do
	[[ "$line" == "  route-optimization:"* ]] && line="  route-optimization: [$CN_ADDR]"
	echo "$line"
done <"$CONF_MN" >"$ROAM_DIR/mn-ro.yaml"
roam_move f1 || fail "the move failed"
lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null || fail "no care-of address on foreign link 1"
: >"$(roam_log mn)"
roam_capture_start ro1 r "$R_IF_F1" || fail "tcpdump on foreign link 1"
roam_start mn "$ROAM_DIR/mn-ro.yaml" || fail "the mobile node did not start"
roam_wait_mn "registered $MN_COA_F1" 20 || fail "the mobile node is not registered"
lab_wait_for 20 ro_bound_at "$MN_COA_F1" || fail "no binding at the correspondent"
say "return routability done in $(mn_log_num "return routability done in ") ms; the correspondent's binding $(mn_log_num "home agent path ") ms after the home agent's BA"
show "mip6ctl show bul        (mobile node)" roam_ctl mn show bul
show "mip6ctl show bindings   (correspondent)" "$ROAM_BIN/mip6ctl" -s "$ROAM_CTLDIR/sig.sock" show bindings
roam_ping_start p4 "$IVAL"
roam_ping_wait p4 20 15 || fail "the ping with route optimization does not get replies"
roam_ping_stop p4 >/dev/null
pingstats p4
lab_capture_stop ro1 >/dev/null
roam_decode ro1
say "on the wire (foreign link 1): HoTI and HoT through the home agent's tunnel, CoTI and CoT direct, the BU with a Home Address option, the BA with a type 2 routing header; then the ping without the home agent:"
{ roam_grep ro1 "mobility: HoTI" | head -n 1
  roam_grep ro1 "mobility: HoT " | head -n 1
  roam_grep ro1 "mobility: CoTI" | head -n 1
  roam_grep ro1 "mobility: CoT " | head -n 1
  roam_grep ro1 "^$MN_COA_F1 > $CN_ADDR: " "mobility: BU" | head -n 1
  roam_grep ro1 "^$CN_ADDR > $MN_COA_F1: " "mobility: BA" | head -n 1
  roam_grep ro1 "^$CN_ADDR > $MN_COA_F1: " "echo request" | head -n 1
  roam_grep ro1 "^$MN_COA_F1 > $CN_ADDR: " "echo reply" | head -n 1; } | packets
direct=$(roam_count ro1 "^$CN_ADDR > $MN_COA_F1: " "[0]$MN_HOA" "echo request")
tunnelled=$(roam_count ro1 "^$HA_ADDR > $MN_COA_F1: " "echo request")
[ "$direct" -ge 20 ] || fail "only $direct echo requests came straight from the correspondent"
say "echo requests straight from the correspondent: $direct, through the home agent: $tunnelled"
DONE+=("route optimization on foreign link 1: $direct echo requests direct, $tunnelled through the home agent")

step "route optimization after a move to foreign link 2 (the ping goes on)"
roam_ping_start p5 "$IVAL"
roam_ping_wait p5 10 15 || fail "the ping stopped before the move"
roam_move f2 || fail "the move failed"
roam_wait_mn "registered $MN_COA_F2" 30 || fail "the mobile node did not re-register"
lab_wait_for 20 ro_bound_at "$MN_COA_F2" || fail "no binding at the correspondent after the move"
roam_ping_wait p5 20 15 || fail "the ping does not continue after the move"
roam_ping_stop p5 >/dev/null
pingstats p5
LOSS_RO="$PING_LOST of $PING_SENT"
roam_decode f2
rdirect=$(roam_first f2 "$ROAM_T_UP" "^$CN_ADDR > $MN_COA_F2: " "[0]$MN_HOA" "echo request")
rba=$(roam_first f2 "$ROAM_T_UP" "^$HA_ADDR > $MN_COA_F2: " "$BA_PAT")
FIG_RO="home BA after $(roam_ms "$ROAM_T_UP" "$rba") ms, the correspondent's binding $(mn_log_num "home agent path ") ms later (return routability $(mn_log_num "return routability done in ") ms: the home keygen token is used again, only CoTI/CoT), first direct request after $(roam_ms "$ROAM_T_UP" "$rdirect") ms"
say "from the link coming up on foreign link 2: $FIG_RO"
show "mip6ctl show bul        (mobile node)" roam_ctl mn show bul
[ -n "$rdirect" ] || fail "no direct echo request on foreign link 2"
DONE+=("route optimization again after the move: $FIG_RO; $LOSS_RO pings lost")

echo
echo "$(stamp) Summary: the mobile node kept its home address $MN_HOA across two moves."
for d in "${DONE[@]}"; do
	echo "    ok  $d"
done
echo "demo: story complete"
finish 0
