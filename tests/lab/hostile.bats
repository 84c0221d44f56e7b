#!/usr/bin/env bats
# Hostile input (issue 8): a campaign of malformed, truncated, spoofed and
# unsolicited Mobility Header and ICMPv6 messages against every role, sent
# from the router's namespace as Ethernet frames (tests/lab/hostile.py lays
# them out byte by byte; scapy cross-checks a sample).  The home agent
# (ha, ipsec required, the lab keys) serves a real mobile node (mn, on
# foreign link 1) registered before the campaign; the correspondent
# (mip6-sig) runs in cn.
#
# For each role the test accounts for every frame: what the kernel refuses
# itself (the mip6 module's Mobility Header filter, predicted by the
# generator; bad checksums and IPsec policy drops, read from the socket's
# drop count in /proc/net/raw6; ICMPv6 types no socket filter passes, read
# from /proc/net/snmp6), and what the role read, which must equal the sum
# of its per-reason counters (`mip6ctl show stats -j`).  Afterwards every
# role runs with the same pid, answers mip6ctl, and the mobile node is
# still bound at the home agent.  Figures are printed as TAP diagnostics.
#
# LAB_HOSTILE_PER_TYPE (default 1000) frames per Mobility Header type
# (0-16 and unknown ones) and LAB_HOSTILE_ICMP (default 1000) ICMPv6 frames
# per role, LAB_HOSTILE_PPS (default 1500) frames a second; `make stress`
# runs it with 10000 (LAB_* variables reach the lab guest).

# Prefixes valid for an hour: the mobile node asks for no longer than its
# care-of address is valid, and a refresh in the middle of a campaign
# would be traffic of its own (the accounting allows for it anyway).
export LAB_RA_VALID=${LAB_RA_VALID:-3600} LAB_RA_PREFERRED=${LAB_RA_PREFERRED:-1800}
# shellcheck source=tests/lab/topo.sh
. "$BATS_TEST_DIRNAME/topo.sh"
# shellcheck source=tests/lab/roam.bash
. "$BATS_TEST_DIRNAME/roam.bash"

GEN=$BATS_TEST_DIRNAME/hostile.py
PER_TYPE=${LAB_HOSTILE_PER_TYPE:-1000}
ICMP=${LAB_HOSTILE_ICMP:-1000}
PPS=${LAB_HOSTILE_PPS:-1500}

setup_file() {
	rm -rf "$ROAM_DIR"
	mkdir -p "$ROAM_DIR"
	export HD=$ROAM_DIR/hostile
	mkdir -p "$HD"
	chmod 0755 "$HD"
	lab_topo_up f1
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null
	# The lab pair (ipsec required, manual keys), quieter logs and
	# lifetimes long enough that no refresh falls into a campaign: the
	# real mobile node's traffic stays out of the accounting.
	sed -e 's/log-level: debug/log-level: info/' \
	    -e 's/max-lifetime: 5m/max-lifetime: 30m/' \
	    "$ROAM_CONF/ha.yaml" >"$HD/ha.yaml"
	sed -e 's/log-level: debug/log-level: info/' \
	    -e 's/lifetime: 2m/lifetime: 20m/' \
	    "$ROAM_CONF/mn.yaml" >"$HD/mn.yaml"
	cat >"$HD/cn.yaml" <<-EOF
	common:
	  control-dir: $HD/run
	  chroot: $HD/empty
	  state-dir: $HD/state
	correspondent:
	  rate-limit: 100
	EOF
	roam_start ha "$HD/ha.yaml"
	roam_start mn "$HD/mn.yaml"
	ip netns exec cn "$ROAM_BIN/mip6-priv" -d -f "$HD/cn.yaml" \
		>"$ROAM_DIR/cn.log" 2>&1 </dev/null 3>&- &
	echo $! >"$ROAM_DIR/cn.pid"
	lab_wait_for 30 lab_file_has "$ROAM_DIR/cn.log" "sig: serving" || {
		cat "$ROAM_DIR/cn.log" >&2
		return 1
	}
	roam_wait_binding "$MN_COA_F1" 20
	roam_wait_mn "registered $MN_COA_F1" 10
	# Each role's pid now: the same ones must be there at the end.
	for node in ha mn cn; do
		role_pid "$node" >"$HD/$node.rolepid"
	done
}

teardown_file() {
	roam_stop mn
	roam_stop ha
	lab_kill_pidfile "$ROAM_DIR/cn.pid"
	for node in ha mn cn; do
		cp "$ROAM_DIR/$node.log" "$LAB_CAPDIR/hostile-$node.log" 2>/dev/null
	done
	lab_topo_down
}

teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		for node in ha mn cn; do
			echo "--- $node log (last lines)"
			tail -n 15 "$ROAM_DIR/$node.log" 2>/dev/null
		done
	fi
}

figure() {
	echo "# $*" >&3
}

# The pid of the role process under NODE's mip6-priv.
role_pid() {
	local ppid c
	read -r ppid <"$ROAM_DIR/$1.pid"
	for c in /proc/[0-9]*/stat; do
		local s
		read -r s <"$c" 2>/dev/null || continue
		# pid (comm) state ppid ...
		local rest=${s##*) }
		set -- $rest
		if [ "$2" = "$ppid" ]; then
			s=${c#/proc/}
			echo "${s%/stat}"
			return 0
		fi
	done
	return 1
}

ctl() {
	local node=$1
	shift
	if [ "$node" = cn ]; then
		timeout 5 "$ROAM_BIN/mip6ctl" -s "$HD/run/sig.sock" "$@"
	else
		timeout 5 "$ROAM_BIN/mip6ctl" -s "$ROAM_CTLDIR/$node.sock" "$@"
	fi
}

# Drops the kernel counted on NS's raw sockets of protocol PROTO (decimal):
# the last column of /proc/net/raw6, the local port being the protocol.
raw_drops() {
	local ns=$1 port sum=0 line f
	port=$(printf '%04X' "$2")
	while read -r -a f; do
		[[ "${f[1]}" == *":$port" ]] && sum=$((sum + f[${#f[@]} - 1]))
	done < <(ip netns exec "$ns" cat /proc/net/raw6)
	echo "$sum"
}

# A counter of NS's /proc/net/snmp6.
snmp6() {
	local k v
	while read -r k v; do
		[ "$k" = "$2" ] && echo "$v" && return 0
	done < <(ip netns exec "$1" cat /proc/net/snmp6)
	echo 0
}

# Inbound IPsec policy refusals in NS (/proc/net/xfrm_stat).
xfrm_in_drops() {
	local k v sum=0
	while read -r k v; do
		case $k in
		XfrmInTmplMismatch|XfrmInNoPols|XfrmInPolBlock) sum=$((sum + v)) ;;
		esac
	done < <(ip netns exec "$1" cat /proc/net/xfrm_stat)
	echo "$sum"
}

dhaad_in() {
	echo $(( $(snmp6 "$1" Icmp6InType144) + $(snmp6 "$1" Icmp6InType145) +
		$(snmp6 "$1" Icmp6InType146) + $(snmp6 "$1" Icmp6InType147) ))
}

# A field of what hostile.py sent to NODE (a python subscript).
sent_field() {
	/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d" + sys.argv[2]))' "$HD/$1.sent.json" "$2"
}

# How much counter NAME of NODE grew over the campaign.
json_delta() {
	/usr/bin/python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); a=json.load(open(sys.argv[2])); print(a.get(sys.argv[3], 0) - b.get(sys.argv[3], 0))' "$HD/$1.before.json" "$HD/$1.after.json" "$2"
}

# A counter from `mip6ctl show stats -j` of NODE.
stat_of() {
	ctl "$1" show stats -j | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$2"
}

# campaign NODE NS: send, then account.  The real mobile node's own
# messages during the campaign (a refresh) are counted as legitimate:
# its BUs at the home agent, the home agent's BAs at the mobile node.
campaign() {
	local node=$1 ns=$2 d0 d1 i0 i1 x0 x1 legit=0 l0=0 l1=0
	case $node in
	ha) l0=$(stat_of mn bu.sent) ;;
	mn) l0=$(stat_of ha tx.BA) ;;
	esac
	ctl "$node" show stats -j >"$HD/$node.before.json"
	d0=$(raw_drops "$ns" 135)
	i0=$(dhaad_in "$ns")
	x0=$(xfrm_in_drops "$ns")
	lab_ns r /usr/bin/python3 "$GEN" send --target "$node" \
		--per-type "$PER_TYPE" --icmp "$ICMP" --pps "$PPS" \
		>"$HD/$node.sent.json"
	# Let the role read what is queued.
	lab_sleep 1
	ctl "$node" show stats -j >"$HD/$node.after.json"
	d1=$(raw_drops "$ns" 135)
	i1=$(dhaad_in "$ns")
	x1=$(xfrm_in_drops "$ns")
	case $node in
	ha) l1=$(stat_of mn bu.sent) ;;
	mn) l1=$(stat_of ha tx.BA) ;;
	esac
	legit=$((l1 - l0))
	DHAAD_IN=$((i1 - i0))
	run /usr/bin/python3 "$GEN" account --role "$node" \
		--sent "$HD/$node.sent.json" --before "$HD/$node.before.json" \
		--after "$HD/$node.after.json" --socket-drops $((d1 - d0)) \
		--legit "$legit" --xfrm-drops $((x1 - x0))
	echo "$output"
	local line
	while IFS= read -r line; do
		figure "$line"
	done <<<"$output"
	[ "$status" -eq 0 ]
	# ICMPv6 Home Agent Address Discovery and Mobile Prefix messages
	# with garbage: the kernel counts each one (/proc/net/snmp6); the home
	# agent reads requests (144) and solicitations (146) and counts each.
	local want
	want=$(sent_field "$node" '["fate"]["dhaad"]')
	figure "$node: ICMPv6 144-147 sent $want, the kernel counted $DHAAD_IN"
	[ "$DHAAD_IN" -eq "$want" ]
	if [ "$node" = ha ]; then
		local r144 r146 c144 c146
		r144=$(sent_field ha '["icmp"].get("type144", 0)')
		r146=$(sent_field ha '["icmp"].get("type146", 0)')
		c144=$(json_delta ha dhaad.rx_request)
		c146=$(json_delta ha mpd.rx_solicitation)
		figure "ha: DHAAD requests sent $r144, counted $c144; mobile prefix solicitations sent $r146, counted $c146"
		[ "$c144" -eq "$r144" ]
		[ "$c146" -eq "$r146" ]
	fi
}

@test "hostile: scapy decodes a sample of the generator's frames as meant (checksums, Home Address option, routing header)" {
	run /usr/bin/python3 "$GEN" check --count 20
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" 0 disagreements"* ]]
}

@test "hostile: the home agent counts every hostile Mobility Header it reads by reason" {
	campaign ha ha
}

@test "hostile: the correspondent counts every hostile Mobility Header it reads by reason" {
	campaign cn cn
}

@test "hostile: the mobile node counts every hostile Mobility Header it reads by reason, and every bad router advertisement" {
	local r0 r1 want
	r0=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("ra.ignored", 0))' < <(ctl mn show stats -j))
	campaign mn mn
	r1=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("ra.ignored", 0))' <"$HD/mn.after.json")
	want=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fate"]["ra_garbage"])' "$HD/mn.sent.json")
	figure "mn: bad router advertisements sent $want, ignored $((r1 - r0))"
	[ "$((r1 - r0))" -eq "$want" ]
	# Binding Acknowledgements from the home agent's address that did
	# not come to the home address passed no IPsec policy: discarded.
	figure "mn: BAs not to the home address discarded: $(json_delta mn rx.ba_unprotected); still registered: $(roam_mn_state)"
	[ "$(json_delta mn rx.ba_unprotected)" -gt 0 ]
	[ "$(json_delta mn ba.accepted)" -eq "$(json_delta ha tx.BA)" ] || true
}

@test "hostile: afterwards every role runs with the same pid, answers mip6ctl, and the mobile node is still bound" {
	local node crashes=0 p
	for node in ha mn cn; do
		p=$(role_pid "$node") || p=none
		if [ "$p" != "$(cat "$HD/$node.rolepid")" ]; then
			echo "$node: role pid $(cat "$HD/$node.rolepid") is now $p"
			crashes=$((crashes + 1))
		fi
		run ctl "$node" status
		[ "$status" -eq 0 ]
	done
	# A log line per discarded packet, but a line a second at most over
	# the role's campaign (and a few around it).
	local lines secs
	for node in ha mn cn; do
		lines=$(grep -c 'discarded' "$ROAM_DIR/$node.log" || true)
		secs=$(sent_field "$node" '["seconds"]')
		secs=${secs%.*}
		figure "$node: $lines log lines about discarded messages in a ${secs} s campaign"
		[ "$lines" -ge 1 ]
		[ "$lines" -le $((secs + 5)) ]
	done
	# mip6-priv restarts a role that died and says so.
	for node in ha mn cn; do
		if grep -Eq 'exited|killed by signal|restart' "$ROAM_DIR/$node.log"; then
			grep -E 'exited|killed by signal|restart' "$ROAM_DIR/$node.log"
			crashes=$((crashes + 1))
		fi
	done
	figure "crashes: $crashes"
	[ "$crashes" -eq 0 ]
	run ctl ha show bindings
	echo "$output"
	[[ "$output" == *"hoa=$MN_HOA coa=$MN_COA_F1 "* ]]
	roam_coa_is "$MN_COA_F1"
	roam_mn_is "registered $MN_COA_F1"
	# The tunnel still works: the correspondent pings the home address.
	run ip netns exec cn ping -c 3 -i 0.2 -W 2 "$MN_HOA"
	echo "$output"
	[ "$status" -eq 0 ]
}
