# proxy-nd: daemon (mip6-ha/ndproxy.c): the Neighbor Solicitation parser
# and the proxy Neighbor Advertisement builder, unit tested on the host.
#
#   build/tests/test_ndproxy   run by tests/ndproxy.bats

$(B)/tests/test_ndproxy: $(B)/tests/%: $(B)/tests/unit/%.o $(B)/obj/mip6-ha/ndproxy.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/tests/unit/test_ndproxy.o: ALL_CFLAGS += -Imip6-ha
