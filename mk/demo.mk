# make demo: set up (deps), build, boot the lab and play the roaming story
# narrated (tests/demo.sh; README "Demo").  Exits non-zero when a step of
# the story fails.
.PHONY: demo
demo: deps
	$(MAKE) all
	@MIP6_BIN_PLAIN=$(CURDIR)/$(B) bash tests/demo.sh
