#!/usr/bin/env bats
# Configuration file (mip6.yaml(5)): good files print the effective
# configuration, bad ones print "FILE:LINE:COLUMN: message" and exit 1.
# Inputs and expected outputs live in tests/config/{good,bad}/NAME.yaml and
# NAME.expected.  Run against $MIP6_BIN (the ASan/UBSan build by default),
# so a leak or a sanitizer report fails the test as well.
#
# Regenerate an expected file only after checking the new text by eye:
#   cd tests/config/bad && $MIP6_BIN/tests/conftool NAME.yaml 2>NAME.expected

bats_require_minimum_version 1.5.0

setup() {
	SRC=${MIP6_SRC:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BIN=${MIP6_BIN:-$SRC/build/san}
	CONFTOOL=$BIN/tests/conftool
	if [ ! -x "$CONFTOOL" ]; then
		echo "missing $CONFTOOL: build with make SAN=1" >&2
		return 1
	fi
}

# bad NAME: exit status 1, nothing on stdout, exactly NAME.expected on stderr.
bad() {
	cd "$SRC/tests/config/bad"
	run --separate-stderr "$CONFTOOL" "$1.yaml"
	echo "status $status; stderr: $stderr; stdout: $output"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	diff -u "$1.expected" <(printf '%s\n' "$stderr")
}

# good NAME: exit status 0, nothing on stderr, exactly NAME.expected on stdout.
good() {
	cd "$SRC/tests/config/good"
	run --separate-stderr "$CONFTOOL" "$1.yaml"
	echo "status $status; stderr: $stderr"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	diff -u "$1.expected" <(printf '%s\n' "$output")
}

# roundtrip FILE: what it prints loads again and prints the same.
roundtrip() {
	"$CONFTOOL" "$1" >"$BATS_TEST_TMPDIR/a.yaml"
	"$CONFTOOL" "$BATS_TEST_TMPDIR/a.yaml" >"$BATS_TEST_TMPDIR/b.yaml"
	diff -u "$BATS_TEST_TMPDIR/a.yaml" "$BATS_TEST_TMPDIR/b.yaml"
}

@test "config: a disabled role may omit required keys and prints as enable: false" {
	good disabled-role
}

@test "config: every key set away from its default prints back as set" {
	good every-key
}

@test "config: an empty correspondent section prints every default" {
	good minimal-correspondent
}

@test "config: a minimal home agent prints with RFC defaults filled in" {
	good minimal-home-agent
}

@test "config: a minimal mobile node prints with RFC defaults filled in" {
	good minimal-mobile-node
}

@test "config: route-optimization: all is kept" {
	good route-optimization-all
}

@test "config: duration units, boolean spellings, quoting and shorthands are accepted" {
	good value-forms
}

@test "config: a restart backoff minimum above the maximum is refused" {
	bad backoff-min-above-max
}

@test "config: an unparseable IPv6 address is reported" {
	bad bad-address
}

@test "config: a value outside a keyword set lists the accepted keywords" {
	bad bad-enum
}

@test "config: home-agent proxy-nd accepts only kernel or daemon, at its line and column" {
	bad ha-proxy-nd-bad
}

@test "config: home-agent proxy-nd defaults to kernel and prints daemon when set" {
	good minimal-home-agent
	grep -qx '  proxy-nd: kernel' "$SRC/tests/config/good/minimal-home-agent.expected"
	good every-key
	grep -qx '  proxy-nd: daemon' "$SRC/tests/config/good/every-key.expected"
}

@test "config: an unparseable IPv6 prefix is reported" {
	bad bad-prefix
}

@test "config: a file with only comments is an empty file" {
	bad comments-only
}

@test "config: a duplicate key names the line of the first one" {
	bad duplicate-key
}

@test "config: a duplicate section is a duplicate key" {
	bad duplicate-section
}

@test "config: an empty file is refused" {
	bad empty-file
}

@test "config: a duration finer than a millisecond is refused" {
	bad finer-than-ms
}

@test "config: a home agent address that is the subnet-router anycast is refused" {
	bad ha-address-anycast
}

@test "config: a home agent address outside its link's prefixes is refused" {
	bad ha-address-outside-link-prefixes
}

@test "config: binding-refresh-before not shorter than max-lifetime is refused" {
	bad ha-brr-not-shorter
}

@test "config: a home link interface listed twice is refused" {
	bad ha-duplicate-interface
}

@test "config: a mobile node listed twice is refused with the first line" {
	bad ha-duplicate-mobile-node
}

@test "config: an SPI used twice among mobile nodes is refused" {
	bad ha-duplicate-spi
}

@test "config: a mobile node home address equal to the home agent's address is refused" {
	bad ha-mobile-node-is-home-agent
}

@test "config: a listed mobile node outside every home prefix is refused" {
	bad ha-mobile-node-outside-prefixes
}

@test "config: overlapping home prefixes on two links are refused" {
	bad ha-overlapping-prefixes
}

@test "config: an IPv4 address where IPv6 belongs is a bad address" {
	bad ipv4-address
}

@test "config: a list used as a key is refused" {
	bad key-not-a-name
}

@test "config: a link-local address is refused where a global one is needed" {
	bad link-local-address
}

@test "config: a mobile node without a home address is a missing required key" {
	bad missing-home-address
}

@test "config: a home agent without links is a missing required key" {
	bad missing-required-key
}

@test "config: a link without an address is a missing required key" {
	bad missing-required-nested-key
}

@test "config: an interface name longer than 15 characters is refused" {
	bad mn-bad-interface-name
}

@test "config: a route-optimization policy other than none, all or a list is refused" {
	bad mn-bad-route-optimization
}

@test "config: a mobile node interface listed twice is refused" {
	bad mn-duplicate-interface
}

@test "config: a mobile node home address that is the subnet-router anycast is refused" {
	bad mn-home-address-anycast
}

@test "config: a mobile node home address without prefix length is refused" {
	bad mn-home-address-without-length
}

@test "config: a home agent off the home link is refused" {
	bad mn-home-agent-off-link
}

@test "config: a home-interface missing from interfaces is refused" {
	bad mn-home-interface-unknown
}

@test "config: IPsec keys with ipsec disabled are refused" {
	bad mn-ipsec-keys-but-disabled
}

@test "config: a mobile node with an empty interface list is refused" {
	bad mn-no-interfaces
}

@test "config: a negative count is out of range" {
	bad negative-number
}

@test "config: a file without any role section is refused" {
	bad no-role-section
}

@test "config: a key without a value is reported" {
	bad no-value
}

@test "config: a nonce lifetime above 240 s is out of range" {
	bad nonce-lifetime-out-of-range
}

@test "config: a fraction of a second where whole seconds are needed is refused" {
	bad not-whole-seconds
}

@test "config: a home agent preference beyond 16 bits is out of range" {
	bad number-out-of-range
}

@test "config: a correspondent max-lifetime above 420 s is out of range" {
	bad out-of-range
}

@test "config: a home prefix with host bits set suggests the masked prefix" {
	bad prefix-host-bits
}

@test "config: a prefix length above 128 is out of range" {
	bad prefix-length-out-of-range
}

@test "config: a home prefix of length 0 is out of range" {
	bad prefix-length-zero
}

@test "config: a home prefix without a length is reported with a suggestion" {
	bad prefix-without-length
}

@test "config: a relative state directory is refused" {
	bad relative-path
}

@test "config: an authentication key of the wrong length for its algorithm is refused" {
	bad sa-auth-key-length
}

@test "config: a key with a non-hex digit is refused" {
	bad sa-bad-hex
}

@test "config: an encryption algorithm without a key is refused" {
	bad sa-enc-key-missing
}

@test "config: IPsec keys for one direction only are a missing required key" {
	bad sa-missing-direction
}

@test "config: a reserved SPI below 256 is out of range" {
	bad sa-reserved-spi
}

@test "config: an unknown authentication algorithm lists the accepted ones" {
	bad sa-unknown-algorithm
}

@test "config: a YAML syntax error is reported with its line and column" {
	bad syntax-error
}

@test "config: an unclosed flow mapping is a syntax error at the next line" {
	bad syntax-unclosed-flow
}

@test "config: a tab used for indentation is a syntax error" {
	bad tab-indent
}

@test "config: a top level that is not a mapping is refused" {
	bad top-level-list
}

@test "config: a second YAML document is refused" {
	bad two-documents
}

@test "config: an unknown key is named with the nearest known key" {
	bad unknown-key
}

@test "config: an unknown key inside a list element gives the element path" {
	bad unknown-key-nested
}

@test "config: a key put in the wrong section names the section it belongs in" {
	bad unknown-key-other-section
}

@test "config: an unknown section is named with the nearest section" {
	bad unknown-section
}

@test "config: an unquoted address ending in a colon gets a quoting hint" {
	bad unquoted-trailing-colon
}

@test "config: a word that is not a boolean is a type error" {
	bad wrong-type-boolean
}

@test "config: a malformed duration is a type error naming the accepted forms" {
	bad wrong-type-duration
}

@test "config: a scalar where a list belongs is a type error" {
	bad wrong-type-list
}

@test "config: a scalar where a section mapping belongs is a type error" {
	bad wrong-type-mapping
}

@test "config: a word where a number belongs is a type error" {
	bad wrong-type-number
}

@test "config: a list where a name belongs is a type error" {
	bad wrong-type-scalar-got-list
}

@test "config: YAML aliases are refused" {
	bad yaml-alias
}

@test "config: a number too large for 64 bits is out of range, not a type error" {
	bad number-too-large
}

@test "config: a role's enable that is not a boolean names the enable key" {
	bad wrong-type-enable
}

@test "config: enable in common names every section it belongs in" {
	bad enable-in-common
}

@test "config: a file that cannot be opened is reported as FILE: strerror" {
	run --separate-stderr "$CONFTOOL" "$BATS_TEST_TMPDIR/nonexistent.yaml"
	[ "$status" -eq 1 ]
	[ "$stderr" = "$BATS_TEST_TMPDIR/nonexistent.yaml: No such file or directory" ]
}

@test "config: a directory given as the file is reported as FILE: strerror" {
	run --separate-stderr "$CONFTOOL" "$BATS_TEST_TMPDIR"
	[ "$status" -eq 1 ]
	[ "$stderr" = "$BATS_TEST_TMPDIR: Is a directory" ]
}

@test "config: an unreadable file is reported as FILE: strerror" {
	f=$BATS_TEST_TMPDIR/secret.yaml
	cp "$SRC/tests/config/good/minimal-correspondent.yaml" "$f"
	chmod 000 "$f"
	# root reads anything: check as nobody when we can switch to it.
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv missing"
		chmod 755 "$BATS_TEST_TMPDIR"
		run --separate-stderr setpriv --reuid=65534 --regid=65534 \
		    --clear-groups "$CONFTOOL" "$f"
	else
		run --separate-stderr "$CONFTOOL" "$f"
	fi
	[ "$status" -eq 1 ]
	[ "$stderr" = "$f: Permission denied" ]
}

@test "config: every good file and example round-trips through its printed form" {
	n=0
	for f in "$SRC"/tests/config/good/*.yaml "$SRC"/etc/mip6.yaml \
	    "$SRC"/etc/examples/*.yaml; do
		echo "# $f"
		roundtrip "$f"
		n=$((n + 1))
	done
	[ "$n" -ge 10 ]
}

@test "config: the printed form of a file with every key loads back to the same configuration" {
	# The printed form must itself be a good file: load it, compare the
	# effective configuration with the original expected output.
	"$CONFTOOL" "$SRC/tests/config/good/every-key.yaml" >"$BATS_TEST_TMPDIR/p.yaml"
	run --separate-stderr "$CONFTOOL" "$BATS_TEST_TMPDIR/p.yaml"
	[ "$status" -eq 0 ]
	diff -u "$SRC/tests/config/good/every-key.expected" <(printf '%s\n' "$output")
}

@test "config: the shipped examples load without error" {
	for f in "$SRC"/etc/mip6.yaml "$SRC"/etc/examples/ha.yaml \
	    "$SRC"/etc/examples/mn.yaml "$SRC"/etc/examples/cn.yaml; do
		run --separate-stderr "$CONFTOOL" "$f"
		echo "$f: $status $stderr"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
	done
}

@test "config: the examples enable the roles their names promise" {
	run "$CONFTOOL" "$SRC/etc/examples/ha.yaml"
	[[ "$output" == *$'home-agent:\n  enable: true'* ]]
	run "$CONFTOOL" "$SRC/etc/examples/mn.yaml"
	[[ "$output" == *$'mobile-node:\n  enable: true'* ]]
	[[ "$output" == *$'home-agent:\n  enable: false'* ]]
	run "$CONFTOOL" "$SRC/etc/examples/cn.yaml"
	[[ "$output" == *$'correspondent:\n  enable: true'* ]]
	[[ "$output" == *$'mobile-node:\n  enable: false'* ]]
}

@test "config: every key in the man page is accepted and every accepted key is in the man page" {
	# Keys the loader prints (the effective configuration names them all).
	"$CONFTOOL" "$SRC/tests/config/good/every-key.yaml" |
	    sed -n 's/^ *-\{0,1\} *\([a-z-]*\):.*/\1/p' | sort -u >"$BATS_TEST_TMPDIR/printed"
	# Keys the man page documents: ".It Cm key" lines (mdoc) or "\fBkey\fR:" items.
	grep -o '^\.It Cm [a-z-]*' "$SRC/doc/mip6.yaml.5" | awk '{print $3}' |
	    sort -u >"$BATS_TEST_TMPDIR/documented"
	diff -u "$BATS_TEST_TMPDIR/documented" "$BATS_TEST_TMPDIR/printed"
}

@test "config: mip6-priv -n prints what conftool prints for every good and bad file" {
	[ -x "$BIN/mip6-priv" ] || skip "no $BIN/mip6-priv yet"
	for f in "$SRC"/tests/config/good/*.yaml; do
		cd "$SRC/tests/config/good"
		n=$(basename "$f" .yaml)
		run --separate-stderr "$BIN/mip6-priv" -n -f "$n.yaml"
		echo "good $n: $status $stderr"
		[ "$status" -eq 0 ]
		diff -u "$n.expected" <(printf '%s\n' "$output")
	done
	for f in "$SRC"/tests/config/bad/*.yaml; do
		cd "$SRC/tests/config/bad"
		n=$(basename "$f" .yaml)
		run --separate-stderr "$BIN/mip6-priv" -n -f "$n.yaml"
		echo "bad $n: $status $stderr"
		[ "$status" -ne 0 ]
		[ -z "$output" ]
		diff -u "$n.expected" <(printf '%s\n' "$stderr")
	done
}

@test "config: the loader survives a short libFuzzer run and keeps its round trip" {
	command -v clang >/dev/null || skip "clang missing"
	make -s -C "$SRC" build/fuzz/fuzz_config >&2
	mkdir -p "$BATS_TEST_TMPDIR/corpus"
	run "$SRC/build/fuzz/fuzz_config" -max_total_time="${FUZZ_SECONDS:-10}" \
	    -artifact_prefix="$BATS_TEST_TMPDIR/" "$BATS_TEST_TMPDIR/corpus" \
	    "$SRC/tests/fuzz/corpus/config"
	echo "$output" | tail -20
	[ "$status" -eq 0 ]
	[[ "$output" == *"Done "*" runs in "* ]]
}

@test "addr: prefix containment, overlap, masking and parsing hold at bit boundaries; policy look-ups find links and nodes" {
	run "$BIN/tests/test_addr"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" checks" ]]
}

@test "config: the man page renders without mdoc warnings" {
	command -v groff >/dev/null || skip "groff missing"
	run groff -mdoc -ww -z "$SRC/doc/mip6.yaml.5"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "config: the man page examples load" {
	# Each ".Bd -literal" block that starts with a section name is a file.
	awk -v dir="$BATS_TEST_TMPDIR" '
	    /^\.Bd -literal/ { inb = 1; n++; f = dir "/ex" n ".yaml"; next }
	    /^\.Ed/ { inb = 0; next }
	    inb { print > f }' "$SRC/doc/mip6.yaml.5"
	loaded=0
	for f in "$BATS_TEST_TMPDIR"/ex*.yaml; do
		grep -qE '^(home-agent|mobile-node|correspondent|common):' "$f" || continue
		run --separate-stderr "$CONFTOOL" "$f"
		echo "$f: $status $stderr"
		[ "$status" -eq 0 ]
		loaded=$((loaded + 1))
	done
	[ "$loaded" -ge 2 ]
}

@test "config: the commented-out keys in etc/mip6.yaml are valid and show the defaults" {
	# Uncomment every "#key:" and "#  - item" line (prose comments stay out),
	# and enable the disabled mobile node so its rules are checked too.
	sed -E '/^ +#/{s/^( +)#/\1/; /^ *([a-z-]+:( |$)|- )/!d}' \
	    "$SRC/etc/mip6.yaml" | sed 's/enable: false/enable: true/' \
	    >"$BATS_TEST_TMPDIR/all.yaml"
	run --separate-stderr "$CONFTOOL" "$BATS_TEST_TMPDIR/all.yaml"
	echo "$stderr"
	[ "$status" -eq 0 ]
	# Outside the example mobile node blocks, nothing may change: the
	# commented values are exactly the defaults.
	skip_examples='/^  mobile-nodes:/{s=1; next} /^mobile-node:/{s=2; next}
	    /^[a-z]/{s=0} s==1 && /^  [a-z]/{s=0} s==0'
	printf '%s\n' "$output" | awk "$skip_examples" >"$BATS_TEST_TMPDIR/a"
	"$CONFTOOL" "$SRC/etc/mip6.yaml" | awk "$skip_examples" >"$BATS_TEST_TMPDIR/b"
	diff -u "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/a"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/a")" -ge 30 ]
}
