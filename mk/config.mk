# Configuration loader: its libFuzzer harness needs libyaml and libbsd, so it
# gets its own rule (an explicit rule wins over codec.mk's fuzz_% pattern).
#   make build/fuzz/fuzz_config     (also built by `make fuzzers`)

CONF_FUZZ_SRC := common/config.c common/addr.c

build/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(CONF_FUZZ_SRC) \
    common/config.h common/addr.h common/mip6_const.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(CONF_FUZZ_SRC) \
	    $(shell pkg-config --libs yaml-0.1 libbsd)
