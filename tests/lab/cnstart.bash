# shellcheck shell=bash
# The correspondent (mip6-sig) alone in the lab against tests/lab/cnpeer.py
# playing the mobile node: shared by cn.bats and cnconf.bats.  Source it
# after topo.sh, with PLAIN (the binaries) and PEER (cnpeer.py) set.

# cn_start NAME NONCE_LIFE: foreign link 1 up, the router's route for the
# home address to the care-of address (the home agent's part), and
# mip6-priv with the correspondent in namespace cn; its files in $TD.
cn_start()
{
	local name=$1 life=$2
	lab_topo_up f1
	lab_wait_addr mn "$MN_IF" "$F1_NET" 15 >/dev/null
	# The home agent's part: packets for the home address reach the
	# mobile node at its care-of address.
	ip -n r -6 route add "$MN_HOA/128" via "$MN_COA_F1" dev "$R_IF_F1"
	export TD CN_NAME=$name
	TD=$(mktemp -d "/tmp/mip6-$name.XXXXXX")
	chmod 0755 "$TD"
	cat >"$TD/mip6.yaml" <<-EOF
	common:
	  control-dir: $TD/run
	  chroot: $TD/empty
	  state-dir: $TD/state
	correspondent:
	  nonce-lifetime: ${life}s
	  rate-limit: 100
	EOF
	ip netns exec cn "$PLAIN/mip6-priv" -d -v -f "$TD/mip6.yaml" \
		>"$TD/log" 2>&1 &
	echo $! >"$TD/pid"
	# Generous: a loaded host can take several seconds.
	lab_wait_for 30 grep -q 'sig: serving' "$TD/log" || {
		cat "$TD/log" >&2
		return 1
	}
}

# cn_stop: the correspondent stopped, its log kept in the capture
# directory as NAME-priv.log, the topology down.
cn_stop()
{
	if [ -s "${TD:-/nonexistent}/pid" ]; then
		kill "$(cat "$TD/pid")" 2>/dev/null || true
		lab_sleep 0.5
	fi
	[ -n "${TD:-}" ] &&
		cp "$TD/log" "$LAB_CAPDIR/${CN_NAME:-cn}-priv.log" 2>/dev/null
	lab_topo_down
	rm -rf "${TD:-/nonexistent}"
}

peer() {
	lab_ns mn /usr/bin/python3 "$PEER" "$BATS_FILE_TMPDIR/state" "$@"
}

ctl() {
	timeout 5 "$PLAIN/mip6ctl" -s "$TD/run/sig.sock" "$@"
}

# Fresh tokens for the home and care-of address.
rr() {
	peer hoti "$MN_HOA" "$CN_ADDR" && peer coti "$MN_COA_F1" "$CN_ADDR"
}

# ctr NAME: the correspondent's counter NAME (nothing when absent).
ctr() {
	local k v
	while read -r k v; do
		if [ "$k" = "$1" ]; then echo "$v"; fi
	done < <(ctl show stats)
	return 0
}
