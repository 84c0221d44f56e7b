# The home-agent load generator (issue 9): build/mip6-bench, built with
# everything (`make`), used by tests/lab/bench.bats and `make bench-ha`.
#   make bench-ha     1,000 / 10,000 / 100,000 nodes in the lab (figures)

$(B)/mip6-bench: $(B)/obj/tests/bench/mip6_bench.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

all: $(B)/mip6-bench

.PHONY: bench-ha
bench-ha: deps
	$(MAKE) all
	LAB_TIMEOUT=$${LAB_TIMEOUT:-3600} tests/lab/run --cmd 'tests/bench/ha.sh'
