# make demo: set up, build, and play the main story in the lab.
.PHONY: demo
demo: deps
	$(MAKE) all
	@sh tests/demo.sh
