# Correspondent engine: unit tests link the engine's pure-logic objects
# (everything in mip6-sig/ but the files that need the role runtime:
# sig.c holds main(), signet.c, sigctl.c and sigstate.c the socket,
# control and state-file glue).
#
#   build/tests/test_cnreg   run by tests/sig-logic.bats

SIG_LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(filter-out mip6-sig/sig.c \
	mip6-sig/signet.c mip6-sig/sigctl.c mip6-sig/sigstate.c,$(wildcard mip6-sig/*.c)))
SIG_UNIT_BINS := $(B)/tests/test_cnreg

# A static pattern rule: it takes precedence over the generic tests rule.
$(SIG_UNIT_BINS): $(B)/tests/%: $(B)/tests/unit/%.o $(SIG_LIB_OBJS) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The tests include the engine's headers by name.
$(SIG_UNIT_BINS:$(B)/tests/%=$(B)/tests/unit/%.o): ALL_CFLAGS += -Imip6-sig
