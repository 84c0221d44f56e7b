# Home agent engine: unit tests link the engine's pure-logic objects
# (everything in mip6-ha/ but the engine: ha.c, which holds main(), and
# hactl.c and hastate.c, which call into it).
#
#   build/tests/test_bcache, build/tests/test_hareg   run by tests/ha-logic.bats

HA_LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(filter-out mip6-ha/ha.c mip6-ha/hactl.c mip6-ha/hastate.c,$(wildcard mip6-ha/*.c)))
HA_UNIT_BINS := $(B)/tests/test_bcache $(B)/tests/test_hareg

# A static pattern rule: it takes precedence over the generic tests rule.
$(HA_UNIT_BINS): $(B)/tests/%: $(B)/tests/unit/%.o $(HA_LIB_OBJS) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The tests include the engine's headers by name.
$(HA_UNIT_BINS:$(B)/tests/%=$(B)/tests/unit/%.o): ALL_CFLAGS += -Imip6-ha
