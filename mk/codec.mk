# Mobility Header codec: libFuzzer harnesses and the benchmark.
#
#   make fuzz [FUZZ_TIME=s]   build tests/fuzz/fuzz_*.c with clang
#                             (-fsanitize=fuzzer,address,undefined) into
#                             build/fuzz/ and run each for FUZZ_TIME seconds
#   make fuzzers              only build them (tests/fuzz.bats runs them briefly)
#   make bench                parse/build/RR figures on one core

.PHONY: fuzz fuzzers bench

FUZZ_CC     ?= clang
FUZZ_TIME   ?= 60
FUZZ_B      := build/fuzz
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS     := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_B)/%)
# Only the codec: the harnesses need none of the daemons' libraries.
FUZZ_LIBSRC := common/mh.c
FUZZ_CFLAGS := -std=gnu11 $(WARN) -g -O1 -D_GNU_SOURCE -Icommon \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(FUZZ_B)/%: tests/fuzz/%.c $(FUZZ_LIBSRC) common/mh.h common/mip6_const.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIBSRC)

fuzzers: $(FUZZERS)

# New inputs go to build/fuzz/corpus-NAME; the seeds in git stay as they are.
fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do \
		n=$${f##*/fuzz_}; mkdir -p $(FUZZ_B)/corpus-$$n; \
		echo "fuzz: $$f for $(FUZZ_TIME) s"; \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
		    -artifact_prefix=$(FUZZ_B)/crash-$$n- \
		    $(FUZZ_B)/corpus-$$n tests/fuzz/corpus/$$n || exit 1; \
	done

# The benchmark always builds plain (no sanitizers) with the default flags.
BENCH_B := build/bench
$(BENCH_B)/bench_mh: tests/bench/bench_mh.c $(COMMON_SRCS) common/mh.h common/rr.h
	@mkdir -p $(@D)
	$(MAKE) --no-print-directory BUILDDIR=build SAN= build/libcommon.a
	$(CC) -std=gnu11 $(WARN) -O2 -g -D_GNU_SOURCE -Icommon $(PKG_CFLAGS) \
	    -o $@ $< build/libcommon.a $(PKG_LIBS)

bench: $(BENCH_B)/bench_mh
	@$(BENCH_B)/bench_mh
