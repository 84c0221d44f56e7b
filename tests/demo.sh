#!/bin/sh
# The roaming story (home registration, movement, return home) arrives with
# the home agent and mobile node roles (issue 6).  Until then the demo
# boots the lab and shows that the Mobile IPv6 kernel features work.
set -eu
cd "$(dirname "$0")/.."
echo "demo: the roaming story arrives with the home agent and mobile node roles."
if [ -x tests/lab/run ] && [ -f tests/lab/smoke.bats ]; then
	echo "demo: meanwhile, the lab's smoke suite on a real Mobile IPv6 kernel:"
	MIP6_SRC=$PWD MIP6_BIN=$PWD/build MIP6_BIN_PLAIN=$PWD/build tests/lab/run tests/lab/smoke.bats
fi
