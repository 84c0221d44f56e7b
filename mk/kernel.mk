# mip6-priv's kernel side: ktool drives it without the daemons (tests/lab/ktool.c).
KERNEL_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(filter-out mip6-priv/priv.c mip6-priv/kpriv.c mip6-priv/pstate.c,$(wildcard mip6-priv/*.c)))

$(B)/tests/ktool: $(B)/obj/tests/lab/ktool.o $(KERNEL_OBJS) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

unit: $(B)/tests/ktool

# The kernel benchmark runs in the lab: 1,000 and 10,000 home bindings.
.PHONY: bench-kernel
bench-kernel: all
	MIP6_BIN_PLAIN=$(CURDIR)/build tests/lab/run --cmd 'sh tests/bench/kernel.sh'
