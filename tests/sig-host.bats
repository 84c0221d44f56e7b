#!/usr/bin/env bats
# The correspondent role (mip6-sig) on the host, under the sanitizers: its
# raw Mobility Header socket answers over loopback in a private network
# namespace (no Mobile IPv6 kernel needed: no Home Address option, no
# route-optimization states; MIP6_KERNEL=none).  tests/lab/cn.bats covers
# the rest against the real kernel.

load daemon_helpers

HOA=2001:db8:1::100
CN=2001:db8:c::2

setup() {
	daemon_prereq
	command -v ip >/dev/null || skip "no ip(8)"
	NS=mip6sig$$
	ip netns add "$NS" || skip "cannot make a network namespace"
	ip -n "$NS" link set lo up
	ip -n "$NS" address add "$CN/128" dev lo nodad
	ip -n "$NS" address add "$HOA/128" dev lo nodad
	daemon_env
	write_conf sig
	printf '  rate-limit: 3\n' >>"$CONF"
}

teardown() {
	daemon_teardown
	ip netns del "$NS" 2>/dev/null || true
}

start_sig() {
	ip netns exec "$NS" "$BIN/mip6-priv" -d -f "$CONF" >"$LOG" 2>&1 &
	# shellcheck disable=SC2034  # daemon_teardown stops it
	PRIV=$!
	wait_for 10 log_has 'sig: serving'
}

ctl() {
	timeout 5 "$BIN/mip6ctl" -s "$CTL/sig.sock" "$@"
}

# mh TYPE BODYHEX [COUNT]: send COUNT (1) Mobility Headers of TYPE from the
# home address to the correspondent; print the answers seen within 1 s as
# "TYPE hex-of-the-message".
mh() {
	ip netns exec "$NS" python3 - "$HOA" "$CN" "$@" <<-'EOF'
	import socket, struct, sys, time
	hoa, cn, t, body = sys.argv[1], sys.argv[2], int(sys.argv[3]), bytes.fromhex(sys.argv[4])
	count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
	s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 135)
	s.setsockopt(socket.IPPROTO_RAW, 7, 4)		# IPV6_CHECKSUM at 4
	s.bind((hoa, 0))
	m = struct.pack("!BBBBH", 59, (6 + len(body)) // 8 - 1, t, 0, 0) + body
	for _ in range(count):
	    s.sendto(m, (cn, 0))
	end = time.monotonic() + 1
	while time.monotonic() < end:
	    s.settimeout(end - time.monotonic())
	    try:
	        d, a = s.recvfrom(2048)
	    except socket.timeout:
	        break
	    if a[0] == cn:
	        print(d[2], d.hex())
	EOF
}

@test "sig on the host: a HoTI gets a HoT with the cookie and the current nonce index" {
	start_sig
	run mh 1 0000c0ffee0011223344
	echo "$output"
	[ "$status" -eq 0 ]
	# type 3, cookie echoed at octet 8, nonce index at 6
	[[ "$output" == "3 "*"c0ffee0011223344"* ]]
	nonce=$(ctl show stats | awk '$1 == "nonce_index" { print $2 }')
	hexidx=$(printf '%04x' "$nonce")
	[ "${output:2+12:4}" = "$hexidx" ]
	[ "$(ctl show stats | awk '$1 == "tx.HoT" { print $2 }')" = 1 ]
}

@test "sig on the host: a BU with an unknown nonce index gets BA 136, no binding" {
	start_sig
	# seq 5, A, lifetime 25 units; Nonce Indices 0x1234/0x1234; BAD zeros
	run mh 5 00058000001901020000
	run mh 5 000580000019040412341234050c000000000000000000000000
	echo "$output"
	[[ "$output" == *"6 "*"88"* ]]
	ba=$(printf '%s\n' "$output" | awk '$1 == 6 { print $2 }')
	[ "${ba:12:2}" = 88 ]		# status 136
	run ctl show bindings
	[ -z "$output" ]
	[ "$(ctl show stats | awk '$1 == "tx.ba_status.136" { print $2 }')" = 1 ]
	[ "$(ctl show stats | awk '$1 == "bu.no_nonce_indices" { print $2 }')" = 1 ]
}

@test "sig on the host: an unknown Mobility Header type gets Binding Error 2" {
	start_sig
	run mh 42 00000000000000000000
	echo "$output"
	be=$(printf '%s\n' "$output" | awk '$1 == 7 { print $2 }')
	[ -n "$be" ]
	[ "${be:12:2}" = 02 ]
	[ "$(ctl -j show stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["tx.be_status.2"])')" = 1 ]
}

@test "sig on the host: rate-limit drops a peer's messages beyond its share" {
	start_sig
	run mh 1 0000c0ffee0011223344 10
	echo "$output"
	[ "$(printf '%s\n' "$output" | grep -c '^3 ')" -eq 3 ]
	[ "$(ctl show stats | awk '$1 == "rate_limited" { print $2 }')" = 7 ]
}

@test "sig on the host: show bindings and delete binding answer, errors end the stream" {
	start_sig
	run ctl show bindings
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run ctl -j show bindings
	[ "$output" = '{"bindings":[]}' ]
	run ctl show bindings not-an-address
	[ "$status" -eq 1 ]
	[[ "$output" == *"not an IPv6 address"* ]]
	run ctl delete binding "$HOA"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no binding"* ]]
	run ctl show bul
	[ "$status" -eq 1 ]
	run ctl status
	[ "$status" -eq 0 ]
}
