# DHAAD and mobile prefix discovery (mip6-ha/dhaad.c): the home agent list
# logic (hal_*) is unit tested on the host.
#
#   build/tests/test_dhaad   run by tests/icmp6mip.bats

DHAAD_UNIT_OBJS := $(B)/obj/mip6-ha/dhaad.o $(B)/obj/mip6-ha/bcache.o

$(B)/tests/test_dhaad: $(B)/tests/%: $(B)/tests/unit/%.o $(DHAAD_UNIT_OBJS) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/unit/test_dhaad.o: ALL_CFLAGS += -Imip6-ha
