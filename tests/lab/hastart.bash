# A home agent in the lab's ha namespace for the suites that drive it by
# hand (ha.bats, lbit.bats).  The suite defines ha_conf MODE (the YAML on
# standard output) and sets PLAIN, HA_DIR and HA_RUN (its control-dir).

ha_ready() {
	"$PLAIN/mip6ctl" -s "$HA_RUN/ha.sock" status >/dev/null 2>&1
}

# ha_start MODE: mip6-priv with ha_conf MODE, its pid in $HA_DIR/priv.pid;
# back once the home agent answers mip6ctl (15 s at most).
ha_start() {
	ha_conf "$1" >"$HA_DIR/mip6-$1.yaml"
	# Not through lab_ns: $! must be mip6-priv itself (ip execs it).
	ip netns exec ha "$PLAIN/mip6-priv" -d -f "$HA_DIR/mip6-$1.yaml" \
		>>"$HA_DIR/ha.log" 2>&1 </dev/null 3>&- &
	echo $! >"$HA_DIR/priv.pid"
	lab_wait_for 30 ha_ready || {
		echo "the home agent did not start:" >&2
		cat "$HA_DIR/ha.log" >&2
		return 1
	}
}

ha_stop() {
	lab_kill_pidfile "$HA_DIR/priv.pid"
}
