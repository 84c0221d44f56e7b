# The home-agent load generator (issue 9): build/mip6-bench, built with
# everything (`make`), used by tests/lab/bench.bats, tests/lab/flood.bats
# and `make bench-ha`.
#   make bench-ha     1,000 and 10,000 nodes in the lab (figures); the
#                     BENCH_* variables of tests/bench/ha.sh are passed in,
#                     e.g. BENCH_COUNTS=100000 BENCH_WINDOW=4096 LAB_MEM=2G

$(B)/mip6-bench: $(B)/obj/tests/bench/mip6_bench.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

all: $(B)/mip6-bench

.PHONY: bench-ha
bench-ha: deps
	$(MAKE) all
	LAB_TIMEOUT=$${LAB_TIMEOUT:-3600} tests/lab/run --cmd \
	    "$$(env | sed -n "s/^\(BENCH_[A-Z_]*\)=\(.*\)/export \1='\2';/p") tests/bench/ha.sh"

# Unit tests of the load limits (mip6-ha/hadad.c, hasrc.c), run by
# tests/load-logic.bats.
LOAD_UNIT_BINS := $(B)/tests/test_hadad

$(LOAD_UNIT_BINS): $(B)/tests/%: $(B)/tests/unit/%.o $(B)/obj/mip6-ha/hadad.o $(B)/obj/mip6-ha/hasrc.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(LOAD_UNIT_BINS:$(B)/tests/%=$(B)/tests/unit/%.o): ALL_CFLAGS += -Imip6-ha
