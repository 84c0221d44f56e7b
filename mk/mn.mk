# Mobile node engine: unit tests link the engine's pure-logic objects
# (bul.c, movement.c, mnctl.c; not mn.c with main() nor mnnet.c with the
# sockets).
#
#   build/tests/test_mn_bul, build/tests/test_mn_move   run by tests/mn-logic.bats

MN_LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,mip6-mn/bul.c mip6-mn/movement.c mip6-mn/mnctl.c)
MN_UNIT_BINS := $(B)/tests/test_mn_bul $(B)/tests/test_mn_move

# A static pattern rule: it takes precedence over the generic tests rule.
$(MN_UNIT_BINS): $(B)/tests/%: $(B)/tests/unit/%.o $(MN_LIB_OBJS) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The tests include the engine's headers by name.
$(MN_UNIT_BINS:$(B)/tests/%=$(B)/tests/unit/%.o): ALL_CFLAGS += -Imip6-mn

# Movement detection's libFuzzer harness (RA parser and event stream): its
# own rule (an explicit rule wins over codec.mk's fuzz_% pattern).
#   make build/fuzz/fuzz_ra     (also built by `make fuzzers`)
build/fuzz/fuzz_ra: tests/fuzz/fuzz_ra.c mip6-mn/movement.c mip6-mn/movement.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Imip6-mn -o $@ $< mip6-mn/movement.c \
	    $(shell pkg-config --libs libbsd)
