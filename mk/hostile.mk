# Hostile input (issue 8): the libFuzzer harness of mip6-priv's receive
# path from a role, and the stress-sized lab campaign.
#
#   make build/fuzz/fuzz_privimsg   (also built by `make fuzzers`, run by
#                                   `make fuzz` with the others)
#   make stress [HOSTILE_PER_TYPE=N]  tests/lab/hostile.bats with 10,000
#                                   frames per message type and role
#
# mip6-priv's priv.c is compiled into the harness (its main renamed), with
# the rest of mip6-priv and common/ as they are.

PRIVFUZZ_SRCS := $(filter-out mip6-priv/priv.c,$(wildcard mip6-priv/*.c)) \
                 $(COMMON_SRCS)

build/fuzz/fuzz_privimsg: tests/fuzz/fuzz_privimsg.c $(PRIVFUZZ_SRCS) \
    $(wildcard mip6-priv/*.h common/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Imip6-priv $(PKG_CFLAGS) \
	    -DMIP6_VERSION='"$(VERSION)"' -DMIP6_LIBEXECDIR='"$(LIBEXECDIR)"' \
	    -DMIP6_SYSCONFDIR='"$(SYSCONFDIR)"' \
	    -o $@ $< $(PRIVFUZZ_SRCS) $(PKG_LIBS)

.PHONY: stress
HOSTILE_STRESS_PER_TYPE ?= 10000
HOSTILE_PER_TYPE ?= $(HOSTILE_STRESS_PER_TYPE)
stress:
	$(MAKE) all
	LAB_HOSTILE_PER_TYPE=$(HOSTILE_PER_TYPE) \
	LAB_HOSTILE_ICMP=$(HOSTILE_PER_TYPE) \
	LAB_TIMEOUT=$${LAB_TIMEOUT:-3600} \
	    bash tests/run.sh tests/lab/hostile.bats
