#!/usr/bin/env bats
# The lab works: the kernel has what Mobile IPv6 needs and the topology
# behaves like the networks the daemons will meet.  Runs inside the
# user-mode Linux guest (tests/lab/run tests/lab/smoke.bats).
#
# Process starts are slow in UML (~0.1 s each): tests keep them few.

# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"

setup_file() {
	lab_topo_up none
}

teardown_file() {
	lab_topo_down
}

teardown() {
	if [ -n "${XFRM_NS:-}" ]; then
		xfrm_flush $XFRM_NS
	fi
}

# XFRM states and policies a test installs must not leak into the next.
xfrm_flush() {
	local ns
	printf '%s\n' "xfrm policy flush" "xfrm state flush" >"$BATS_TEST_TMPDIR/flush"
	for ns in "$@"; do
		ip -n "$ns" -batch "$BATS_TEST_TMPDIR/flush"
	done
}

# The mobile node on LINK with its address there (printed).
mn_on() {
	local net
	[ "$(lab_mn_link)" = "$1" ] || lab_move_mn "$1"
	case "$1" in
	home) net=$HOME_NET ;;
	f1) net=$F1_NET ;;
	f2) net=$F2_NET ;;
	esac
	lab_wait_addr mn "$MN_IF" "$net" 15
}

# How many lines of $output contain TEXT.
count() {
	local n=0 line
	while IFS= read -r line; do
		[[ "$line" == *"$1"* ]] && n=$((n + 1))
	done <<<"$output"
	echo "$n"
}

# Whether every module named is loaded (no process started).
loaded() {
	local m name rest mods=" "
	while read -r name rest; do
		mods+="$name "
	done </proc/modules
	for m in "$@"; do
		[[ "$mods" == *" $m "* ]] || { echo "module $m is not loaded"; return 1; }
	done
}

@test "the Mobile IPv6 kernel modules are loaded at boot" {
	loaded mip6 ip6_tunnel tunnel6 xfrm_user esp6 veth bridge sha512_generic hmac drbg
}

@test "the kernel loads a module it asks for through the lab's modprobe" {
	if loaded dummy >/dev/null; then
		echo "dummy is loaded already: the test proves nothing"
		return 1
	fi
	[ "$(cat /proc/sys/kernel/modprobe)" = "$BATS_TEST_DIRNAME/bin/modprobe" ]
	# Creating a dummy device makes the kernel request rtnl-link-dummy.
	ip -n cn link add smoke-dummy type dummy
	ip -n cn link del smoke-dummy
	loaded dummy
}

@test "an ip6ip6 tunnel carries a ping from the home agent to the correspondent" {
	printf '%s\n' "tunnel add tnl-cn mode ip6ip6 local $HA_ADDR remote $CN_ADDR" \
		"link set tnl-cn up" "address add 2001:db8:99::1/64 dev tnl-cn nodad" >"$BATS_TEST_TMPDIR/ha"
	printf '%s\n' "tunnel add tnl-ha mode ip6ip6 local $CN_ADDR remote $HA_ADDR" \
		"link set tnl-ha up" "address add 2001:db8:99::2/64 dev tnl-ha nodad" >"$BATS_TEST_TMPDIR/cn"
	ip -6 -n ha -batch "$BATS_TEST_TMPDIR/ha"
	ip -6 -n cn -batch "$BATS_TEST_TMPDIR/cn"
	lab_capture_start ip6ip6 r "$R_IF_CN" src host "$HA_ADDR"
	run lab_ns ha ping -c 1 -W 2 2001:db8:99::2
	lab_capture_stop ip6ip6
	ip -n ha link del tnl-cn
	ip -n cn link del tnl-ha
	[ "$status" -eq 0 ]
	# On the wire between the router and the correspondent: the inner
	# echo request inside an IPv6 packet from the home agent.
	run tcpdump -n -r "$LAB_CAPDIR/ip6ip6.pcap"
	[[ "$output" == *"$HA_ADDR > $CN_ADDR: "*"2001:db8:99::1 > 2001:db8:99::2: ICMP6, echo request"* ]]
}

@test "a flow-based ip6tnl in external mode carries a ping over an encap route" {
	printf '%s\n' "link add ext6 type ip6tnl external" "link set ext6 up" \
		"address add 2001:db8:98::1/128 dev lo" \
		"route add 2001:db8:98::2/128 encap ip6 dst $CN_ADDR dev ext6" >"$BATS_TEST_TMPDIR/ha"
	printf '%s\n' "link add ext6 type ip6tnl external" "link set ext6 up" \
		"address add 2001:db8:98::2/128 dev lo" \
		"route add 2001:db8:98::1/128 encap ip6 dst $HA_ADDR dev ext6" >"$BATS_TEST_TMPDIR/cn"
	ip -6 -n ha -batch "$BATS_TEST_TMPDIR/ha"
	ip -6 -n cn -batch "$BATS_TEST_TMPDIR/cn"
	run lab_ns ha ping -c 1 -W 2 -I 2001:db8:98::1 2001:db8:98::2
	ping_status=$status
	# The reply came back through the correspondent's external device.
	run ip -n cn -s -o link show ext6
	ip -n ha link del ext6
	ip -n cn link del ext6
	ip -n ha address del 2001:db8:98::1/128 dev lo
	ip -n cn address del 2001:db8:98::2/128 dev lo
	[ "$ping_status" -eq 0 ]
	# -s -o: "... TX:  bytes packets ...\    BYTES PACKETS ..."
	local tx=${output#*TX:} packets
	tx=${tx#*\\}
	read -r _ packets _ <<<"$tx"
	[ "$packets" -ge 1 ]
}

@test "a route2 state puts a type 2 routing header on packets to the home address" {
	printf '%s\n' \
		"xfrm state add src $CN_ADDR dst $MN_HOA proto route2 coa $MN_COA_F1 mode ro" \
		"xfrm policy add src $CN_ADDR/128 dst $MN_HOA/128 dir out tmpl src $CN_ADDR dst $MN_HOA proto route2 mode ro" \
		>"$BATS_TEST_TMPDIR/cn"
	XFRM_NS=cn
	ip -n cn -batch "$BATS_TEST_TMPDIR/cn"
	lab_capture_start rh2 cn "$CN_IF" ip6 and not icmp6
	lab_ns cn ping -c 1 -W 1 "$MN_HOA" || true
	lab_capture_stop rh2
	run tcpdump -n -v -r "$LAB_CAPDIR/rh2.pcap"
	# Sent to the care-of address, the home address in the header.
	[[ "$output" == *"$CN_ADDR > $MN_COA_F1: RT6 (len=2, type=2, segleft=1, "*"[0]$MN_HOA)"* ]]
}

@test "a hao state puts a Home Address option on packets from the home address" {
	coa=$(mn_on f1)
	ip -n mn address add "$MN_HOA/128" dev lo
	printf '%s\n' \
		"xfrm state add src $MN_HOA dst $CN_ADDR proto hao coa $coa mode ro" \
		"xfrm policy add src $MN_HOA/128 dst $CN_ADDR/128 dir out tmpl src $MN_HOA dst $CN_ADDR proto hao mode ro" \
		>"$BATS_TEST_TMPDIR/mn"
	XFRM_NS=mn
	ip -n mn -batch "$BATS_TEST_TMPDIR/mn"
	lab_capture_start hao mn "$MN_IF" ip6 and not icmp6
	lab_ns mn ping -c 1 -W 1 -I "$MN_HOA" "$CN_ADDR" || true
	lab_capture_stop hao
	ip -n mn address del "$MN_HOA/128" dev lo
	run tcpdump -n -v -r "$LAB_CAPDIR/hao.pcap"
	# From the care-of address, the home address in the option.
	[[ "$output" == *"$coa > $CN_ADDR: DSTOPT "*"(homeaddr: $MN_HOA)"* ]]
}

@test "an ESP transport state with cbc(aes) and hmac(sha256) protects a ping" {
	local k1=0x00112233445566778899aabbccddeeff
	local k2=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
	{
		echo "xfrm state add src $HA_ADDR dst $CN_ADDR proto esp spi 0x1000 mode transport enc cbc(aes) $k1 auth-trunc hmac(sha256) $k2 128"
		echo "xfrm state add src $CN_ADDR dst $HA_ADDR proto esp spi 0x1001 mode transport enc cbc(aes) $k1 auth-trunc hmac(sha256) $k2 128"
	} >"$BATS_TEST_TMPDIR/states"
	pol() { echo "xfrm policy add src $1/128 dst $2/128 proto ipv6-icmp dir $3 tmpl proto esp mode transport"; }
	{ cat "$BATS_TEST_TMPDIR/states"; pol "$HA_ADDR" "$CN_ADDR" out; pol "$CN_ADDR" "$HA_ADDR" in; } >"$BATS_TEST_TMPDIR/ha"
	{ cat "$BATS_TEST_TMPDIR/states"; pol "$CN_ADDR" "$HA_ADDR" out; pol "$HA_ADDR" "$CN_ADDR" in; } >"$BATS_TEST_TMPDIR/cn"
	XFRM_NS="ha cn"
	ip -n ha -batch "$BATS_TEST_TMPDIR/ha"
	ip -n cn -batch "$BATS_TEST_TMPDIR/cn"
	# Everything but Neighbor Discovery: an echo request in clear would show.
	lab_capture_start esp r "$R_IF_CN" not icmp6 or ip6[40] '<' 133 or ip6[40] '>' 137
	run lab_ns ha ping -c 1 -W 2 "$CN_ADDR"
	lab_capture_stop esp
	[ "$status" -eq 0 ]
	run tcpdump -n -r "$LAB_CAPDIR/esp.pcap"
	[[ "$output" == *"$HA_ADDR > $CN_ADDR: ESP(spi=0x00001000,seq=0x1)"* ]]
	[[ "$output" == *"$CN_ADDR > $HA_ADDR: ESP(spi=0x00001001,seq=0x1)"* ]]
	[[ "$output" != *"echo request"* ]]
}

@test "the mobile node forms its address from the router advertisement on foreign link 1" {
	run mn_on f1
	[ "$status" -eq 0 ]
	[ "$output" = "$MN_COA_F1" ]
	run ip -n mn -6 route show default
	[[ "$output" == *"via $R_LL_F1 dev $MN_IF proto ra"* ]]
}

@test "the mobile node forms its address from the router advertisement on foreign link 2" {
	run mn_on f2
	[ "$status" -eq 0 ]
	[ "$output" = "$MN_COA_F2" ]
	# The router on foreign link 1 may stay the default for the rest of
	# its lifetime (3 s) after the move: allow for it.
	run lab_wait_for 5 lab_ns mn ping -c 1 -W 1 -I "$MN_COA_F2" "$CN_ADDR"
	[ "$status" -eq 0 ]
}

@test "on the home link the mobile node sees the Home Agent flag and the home agent's address" {
	mn_on home
	run lab_ns mn rdisc6 -1 -w 2000 "$MN_IF"
	[ "$status" -eq 0 ]
	[[ "$output" =~ Mobile\ home\ agent\ +:\ +Yes ]]
	# The prefix option carries the home agent's own address (R flag).
	[[ "$output" == *"Prefix                   : $HA_ADDR/64"* ]]
	[[ "$output" == *"from $HA_LL"* ]]
}

@test "router advertisements carry the Advertisement Interval option on every link and the Home Agent Information option at home" {
	# The switch sees every link; ~0.1 s between advertisements.  Only
	# what comes in (port and bridge), for half a second: decoding
	# is slow in UML.
	lab_capture_start ra sw any 'icmp6 and ip6[40] = 134 and inbound'
	lab_sleep 0.5
	lab_capture_stop ra
	run tcpdump -n -v -r "$LAB_CAPDIR/ra.pcap"
	local src ms
	for src in "$HA_LL" "$R_LL_F1" "$R_LL_F2"; do
		[[ "$output" == *"$src > ff02::1: "* ]] || { echo "no advertisement from $src"; return 1; }
	done
	[[ "$output" =~ advertisement\ interval\ option\ \(7\),\ length\ 8\ \(1\):\ +([0-9]+)ms ]]
	ms=${BASH_REMATCH[1]}
	[ "$ms" -le 1000 ]
	[ "$(count 'advertisement interval option')" -eq "$(count 'router advertisement')" ]
	[[ "$output" == *"homeagent information option (8), length 8 (1):  preference $LAB_HA_PREFERENCE, lifetime $LAB_HA_LIFETIME"* ]]
	# Only the home agent advertises the H flag.
	[ "$(count 'Flags [home agent]')" -eq "$(count "$HA_LL > ff02::1")" ]
}

@test "moving the mobile node takes its link down, then up on the new link" {
	mn_on f1 >/dev/null
	local mon f=$BATS_TEST_TMPDIR/monitor
	ip -n mn monitor link >"$f" 2>&1 3>&- &
	mon=$!
	# The monitor listens once it reports a change we make.
	monitor_ready() {
		ip -n mn link set lo mtu $((60000 + RANDOM % 1000))
		lab_file_has "$f" "lo:"
	}
	lab_wait_for 10 monitor_ready
	lab_move_mn f2
	# Until the monitor's last line about mn0 says its carrier is back.
	mn_up_seen() {
		local c
		IFS= read -r -d '' c <"$f" || true
		[[ "$c" == *"$MN_IF@"* ]] || return 1
		c=${c##*"$MN_IF@"}
		[[ "${c%%$'\n'*}" == *LOWER_UP* ]]
	}
	lab_wait_for 5 mn_up_seen || true
	kill "$mon"
	run cat "$f"
	[[ "$output" == *"$MN_IF@"*"NO-CARRIER"*"$MN_IF@"*"LOWER_UP"* ]]
	[ "$(lab_mn_link)" = f2 ]
	lab_move_mn none
	[ "$(lab_mn_link)" = none ]
	run ip -n mn -o link show "$MN_IF"
	[[ "$output" == *NO-CARRIER* ]]
}

@test "the lab refuses to start without its kernel, in one line that says how to get it" {
	LAB_KERNEL=/nonexistent/linux.uml run "$BATS_TEST_DIRNAME/run" --cmd true
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "lab: /nonexistent/linux.uml missing: run make deps (Debian package user-mode-linux)" ]
}

@test "the lab refuses to start without a place for its memory, in one line" {
	TMPDIR=/nonexistent run "$BATS_TEST_DIRNAME/run" --cmd true
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "lab: /nonexistent missing or not writable"*"mount -t tmpfs tmpfs /dev/shm"* ]]
}
