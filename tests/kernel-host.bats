#!/usr/bin/env bats
# mip6-priv's kernel side on the host kernel (no Mobile IPv6, ip6_tunnel
# or ESP): the start-up probe, and what works in a network namespace:
# proxy neighbours, request checks, marks and the leftover sweep.  The
# rest runs in the lab (tests/lab/kernel.bats).

load daemon_helpers

NS=mip6kh$$

setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	KTOOL=${MIP6_BIN_PLAIN:-$SRC/build}/tests/ktool
	[ -x "$KTOOL" ] || skip "build first (make)"
	KLOG=$(mktemp /tmp/mip6-ktool.XXXXXX)
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add eth0 type veth peer name eth1
	ip -n "$NS" link set eth0 up
	ip -n "$NS" link set eth1 up
	ip -n "$NS" addr add 2001:db8:1::1/64 dev eth0 nodad
}

teardown() {
	ip netns del "$NS" 2>/dev/null || true
	rm -f "$KLOG"
	[ -z "${TD:-}" ] || rm -rf "$TD"
}

# ktool in the namespace; its log goes to $KLOG.
kt() {
	ip netns exec "$NS" "$KTOOL" 2>>"$KLOG"
}

@test "mip6-priv on a kernel without Mobile IPv6 stops with one line naming CONFIG_IPV6_MIP6" {
	daemon_prereq
	daemon_env
	write_conf ha
	unset MIP6_KERNEL
	run "$BIN/mip6-priv" -f "$CONF"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "mip6-priv: kernel lacks Mobile IPv6 (CONFIG_IPV6_MIP6)" ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "the probe names the missing option for every role on this kernel" {
	run kt <<-EOF
	probe ha
	probe mn
	probe sig
	EOF
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	for l in "${lines[@]}"; do
		[ "$l" = "kernel lacks Mobile IPv6 (CONFIG_IPV6_MIP6)" ]
	done
}

@test "a proxy ND entry for a home address is installed with protocol mip6 and listed" {
	run kt <<-EOF
	ha-link eth0 2001:db8:1::1 2001:db8:1::/64
	req ha proxy-add 2001:db8:1::10 eth0
	show
	EOF
	[ "${lines[1]}" = "reply 0" ]
	[ "${lines[2]}" = "proxy 2001:db8:1::10 dev eth0" ]
	run ip -n "$NS" -6 neigh show proxy
	[ "$output" = "2001:db8:1::10 dev eth0 proxy proto 158 " ]
}

@test "a role asking what the parent installed gets one line per object, then the reply" {
	run kt <<-EOF
	ha-link eth0 2001:db8:1::1 2001:db8:1::/64
	req ha proxy-add 2001:db8:1::10 eth0
	req sig show
	EOF
	[ "${lines[2]}" = "obj proxy 2001:db8:1::10 dev eth0" ]
	[ "${lines[3]}" = "reply 0" ]
}

@test "when a role dies the kernel state it asked for is removed" {
	run kt <<-EOF
	ha-link eth0 2001:db8:1::1 2001:db8:1::/64
	req ha proxy-add 2001:db8:1::10 eth0
	forget sig
	sh ip -6 neigh show proxy | wc -l
	forget ha
	sh ip -6 neigh show proxy | wc -l
	show
	EOF
	[ "${lines[3]}" = "1" ]
	[ "${lines[6]}" = "0" ]
	[ "${lines[8]}" = "end" ]
}

@test "a request for an address outside every home prefix is refused and changes nothing" {
	run kt <<-EOF
	ha-link eth0 2001:db8:1::1 2001:db8:1::/64
	req ha proxy-add 2001:db9::10 eth0
	req ha proxy-add 2001:db8:1::10 eth1
	EOF
	[ "${lines[1]}" = "reply Operation not permitted" ]
	[ "${lines[2]}" = "reply Operation not permitted" ]
	grep -q "ha: request refused: 2001:db9::10 is not a home address on eth0" "$KLOG"
	grep -q "ha: request refused: eth1 is not a home link" "$KLOG"
	run ip -n "$NS" -6 neigh show proxy
	[ -z "$output" ]
}

@test "only configured mobile nodes get kernel state when a list is configured" {
	run kt <<-EOF
	ha-link eth0 2001:db8:1::1 2001:db8:1::/64
	mn-list 2001:db8:1::20
	req ha proxy-add 2001:db8:1::10 eth0
	req ha proxy-add 2001:db8:1::20 eth0
	EOF
	[ "${lines[2]}" = "reply Operation not permitted" ]
	[ "${lines[3]}" = "reply 0" ]
	run ip -n "$NS" -6 neigh show proxy
	[ "$output" = "2001:db8:1::20 dev eth0 proxy proto 158 " ]
}

@test "malformed requests (size, type, role, unterminated name) are rejected as malformed" {
	run kt <<-EOF
	ha-link eth0 2001:db8:1::1 2001:db8:1::/64
	raw ha bind-add 47
	raw ha bind-add 49
	raw ha 1999 8
	raw ha 999 8
	raw mn bind-add 48
	raw sig proxy-add 32
	raw ha proxy-add 32 41
	raw ha subscribe 4 ff
	EOF
	[ "${#lines[@]}" -eq 9 ]
	for i in 1 2 3 4 5 6 7 8; do
		[ "${lines[$i]}" = "malformed" ]
	done
	run ip -n "$NS" -6 neigh show proxy
	[ -z "$output" ]
}

@test "more bindings than the configured maximum are refused" {
	run kt <<-EOF
	ha-link eth0 2001:db8:1::1 2001:db8:1::/64
	max 0
	req ha proxy-add 2001:db8:1::10 eth0
	EOF
	[ "${lines[2]}" = "reply Operation not permitted" ]
}

@test "leftovers carrying our marks are removed at start; foreign objects stay" {
	ip -n "$NS" -6 neigh add proxy 2001:db8:1::30 dev eth0 protocol 158
	ip -n "$NS" -6 neigh add proxy 2001:db8:1::31 dev eth0
	ip -n "$NS" -6 route add 2001:db8:7::/64 dev eth0 proto 158
	ip -n "$NS" -6 route add 2001:db8:8::/64 dev eth0
	ip -n "$NS" -6 rule add from 2001:db8:1::30 lookup 158 pref 1580 protocol 158
	ip -n "$NS" -6 rule add from 2001:db8:1::31 lookup 100 pref 1581
	ip -n "$NS" link add mip6x0 type veth peer name other0
	ip -n "$NS" xfrm policy add src 2001:db8:1::30 dst 2001:db8:9::1 dir out priority 40464
	ip -n "$NS" xfrm policy add src 2001:db8:1::31 dst 2001:db8:9::1 dir out priority 100
	run kt <<-EOF
	reconcile remove
	EOF
	[ "$output" = "found 5" ]
	run ip -n "$NS" -6 neigh show proxy
	[ "$output" = "2001:db8:1::31 dev eth0 proxy " ]
	run ip -n "$NS" -6 route show proto 158
	[ -z "$output" ]
	ip -n "$NS" -6 route show | grep -q '^2001:db8:8::/64'
	run ip -n "$NS" -6 rule show
	! grep -q 'from 2001:db8:1::30' <<<"$output"
	grep -q 'from 2001:db8:1::31' <<<"$output"
	run ip -n "$NS" link show
	! grep -q mip6x0 <<<"$output"
	run ip -n "$NS" xfrm policy show
	! grep -q 'src 2001:db8:1::30' <<<"$output"
	grep -q 'src 2001:db8:1::31' <<<"$output"
}

@test "a warm restart adopts our leftovers and lists them; a stop removes them" {
	kt <<-EOF >/dev/null
	ha-link eth0 2001:db8:1::1 2001:db8:1::/64
	req ha proxy-add 2001:db8:1::10 eth0
	EOF
	run kt <<-EOF
	reconcile adopt
	show
	EOF
	[ "${lines[0]}" = "found 1" ]
	[ "${lines[1]}" = "proxy 2001:db8:1::10 dev eth0" ]
	run ip -n "$NS" -6 neigh show proxy
	[ -n "$output" ]
	run kt <<-EOF
	reconcile adopt
	stop
	show
	EOF
	[ "${lines[1]}" = "removed 1" ]
	[ "${lines[2]}" = "end" ]
	run ip -n "$NS" -6 neigh show proxy
	[ -z "$output" ]
}
