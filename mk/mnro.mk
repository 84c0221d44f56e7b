# Mobile node route optimization: the unit test drives mip6-mn/mnro.c
# through its I/O seam (struct mnro_io), with bul.c for the status names.
#
#   build/tests/test_mnro   run by tests/mnro-logic.bats

MNRO_UNIT_OBJS := $(patsubst %.c,$(B)/obj/%.o,mip6-mn/mnro.c mip6-mn/bul.c)

$(B)/tests/test_mnro: $(B)/tests/%: $(B)/tests/unit/%.o $(MNRO_UNIT_OBJS) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/unit/test_mnro.o: ALL_CFLAGS += -Imip6-mn
