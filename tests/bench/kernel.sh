#!/bin/sh
# Kernel state for N home bindings, in the lab (needs ip6_tunnel):
#   mip6: one flow-based ip6tnl device; per binding an encap route, a proxy
#         ND entry and a reverse-tunnel check entry, through mip6-priv's
#         request path (ktool: check, batch, pipelined netlink);
#   classic: one ip6tnl device per binding with its route and proxy entry
#         (ip -batch, the fastest way iproute2 has).
# Prints bindings/s for install and removal, kernel objects per binding,
# and the ratios.  Run: make bench-kernel (boots the lab).
set -eu
K=${MIP6_BIN_PLAIN:-$(pwd)/build}/tests/ktool
NS=mip6bench
COUNTS=${BENCH_COUNTS:-1000 10000}

# Kernel objects in the namespace: links, IPv6 addresses, routes (all
# tables), proxy entries.
objects() {
	l=$(ip -n $NS -o link show | wc -l)
	a=$(ip -n $NS -6 -o addr show | wc -l)
	r=$(ip -n $NS -6 route show table all | wc -l)
	p=$(ip -n $NS -6 neigh show proxy | wc -l)
	echo $((l + a + r + p))
}

now() { date +%s.%N; }

hex() { printf '%x:%x' $(($1 >> 16)) $(($1 & 65535)); }

for n in $COUNTS; do
	ip netns add $NS
	ip -n $NS link set lo up
	ip -n $NS link add hlink type veth peer name hpeer
	ip -n $NS link set hlink up
	ip -n $NS addr add 2001:db8:1::1/64 dev hlink nodad
	base=$(objects)

	out=$(ip netns exec $NS "$K" 2>/dev/null <<-EOT
	ha-link hlink 2001:db8:1::1 2001:db8:1::/64
	start ha
	bench add $n 2001:db8:f::
	sh ip -n $NS -6 route show table all | wc -l >/dev/null
	EOT
	)
	add_rate=$(echo "$out" | sed -n 's/^added .*: \([0-9]*\) bindings\/s.*/\1/p')
	rtc=$(echo "$out" | sed -n 's/^added .*rtcheck entries \([0-9]*\).*/\1/p')
	errs=$(echo "$out" | sed -n 's/^added .*errors \([0-9]*\).*/\1/p')
	# ktool exited: its map lives on in the attached filter; count what
	# the kernel holds now.
	ours=$(( $(objects) - base + rtc ))
	out=$(ip netns exec $NS "$K" 2>/dev/null <<-EOT
	ha-link hlink 2001:db8:1::1 2001:db8:1::/64
	reconcile adopt
	bench del $n 2001:db8:f::
	stop
	EOT
	)
	del_rate=$(echo "$out" | sed -n 's/^removed .*: \([0-9]*\) bindings\/s.*/\1/p')
	awk -v n="$n" -v ar="$add_rate" -v dr="$del_rate" -v ours="$ours" \
	    -v errs="$errs" 'BEGIN {
		printf "%d bindings: mip6 %d/s install, %d/s removal, %.2f kernel objects per binding (errors %d)\n", n, ar, dr, ours / n, errs
	}'

	# classic: one device per binding
	f=$(mktemp)
	i=1
	while [ $i -le $n ]; do
		h=$(hex $i)
		echo "link add mip6c$i type ip6tnl local 2001:db8:1::1 remote 2001:db8:f::$h mode ip6ip6"
		echo "link set mip6c$i up"
		echo "route add 2001:db8:1::100:$h/128 dev mip6c$i"
		echo "neigh add proxy 2001:db8:1::100:$h dev hlink"
		i=$((i + 1))
	done > "$f"
	t0=$(now)
	ip -n $NS -batch "$f"
	t1=$(now)
	classic=$(( $(objects) - base ))
	i=1
	while [ $i -le $n ]; do
		echo "neigh del proxy 2001:db8:1::100:$(hex $i) dev hlink"
		echo "link del mip6c$i"
		i=$((i + 1))
	done > "$f"
	t2=$(now)
	ip -n $NS -batch "$f"
	t3=$(now)
	rm -f "$f"
	ip netns del $NS

	awk -v n="$n" -v ar="$add_rate" -v dr="$del_rate" -v ours="$ours" \
	    -v classic="$classic" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
	    -v t3="$t3" -v errs="$errs" 'BEGIN {
		ca = n / (t1 - t0); cd = n / (t3 - t2)
		printf "%d bindings: classic (ip6tnl per binding) %d/s install, %d/s removal, %.2f kernel objects per binding\n", n, ca, cd, classic / n
		printf "%d bindings: ratio mip6/classic: install %.1fx, removal %.1fx, objects %.2fx\n", n, ar / ca, dr / cd, ours / classic
	}'
done
