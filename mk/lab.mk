# The lab: user-mode Linux with a Mobile IPv6 kernel (tests/lab/, README
# "The lab").
#
#   make lab-shell            a root shell in the guest, topology up; exit or
#                             ^D powers it off (LAB_SHELL_TIMEOUT, default 1 h)
#   make lab-run SUITE=F      one lab suite, TAP on stdout
.PHONY: lab-shell lab-run
lab-shell: all
	@MIP6_SRC=$(CURDIR) MIP6_BIN=$(CURDIR)/$(B) MIP6_BIN_PLAIN=$(CURDIR)/$(B) \
		tests/lab/run --shell

lab-run: all
	@test -n "$(SUITE)" || { echo "usage: make lab-run SUITE=tests/lab/NAME.bats" >&2; exit 2; }
	@tests/run.sh $(SUITE)
