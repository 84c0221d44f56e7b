# mip6: Mobile IPv6 daemon suite.  See README.md.
#
#   make            build everything into $(BUILDDIR) (default build/)
#   make deps       install the Debian packages the build, tests and lab need
#   make check      deps + sanitizer build (ASan/UBSan) + every test suite
#   make demo       deps + build + the roaming story in the lab
#   make install    DESTDIR, PREFIX honoured
#
# Sources are picked up by directory (wildcards): a new .c file in common/
# or in a role's directory needs no Makefile change.  Each concern keeps
# its extra rules in mk/*.mk.

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/mip6
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d
TMPFILESDIR ?= /usr/lib/tmpfiles.d
EXAMPLEDIR ?= $(PREFIX)/share/doc/mip6/examples

CC         ?= cc
VERSION    := 0.1.0
PKGS       := libevent_core libnl-3.0 libnl-route-3.0 libnl-xfrm-3.0 libbsd yaml-0.1 libcrypto

ifeq ($(SAN),1)
BUILDDIR   ?= build/san
SANFLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILDDIR   ?= build
SANFLAGS   :=
endif
B := $(BUILDDIR)

WARN       := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
              -Wmissing-prototypes -Wno-unused-parameter
CFLAGS     ?= -O2 -g
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) $(SANFLAGS) -D_GNU_SOURCE \
              -DMIP6_VERSION='"$(VERSION)"' -DMIP6_LIBEXECDIR='"$(LIBEXECDIR)"' \
              -DMIP6_SYSCONFDIR='"$(SYSCONFDIR)"' -Icommon $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS)

COMMON_SRCS := $(wildcard common/*.c)
COMMON_OBJS := $(COMMON_SRCS:%.c=$(B)/%.o)
LIBCOMMON   := $(B)/libcommon.a

PROGS       := mip6-priv mip6-ha mip6-mn mip6-sig mip6ctl
PROG_BINS   := $(PROGS:%=$(B)/%)

# Unit test programs: tests/unit/test_*.c, each linked with libcommon.
UNIT_SRCS   := $(wildcard tests/unit/*.c)
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps check demo install clean fuzz bench lab-shell programs unit
all: programs unit

programs: $(PROG_BINS)
unit: $(UNIT_BINS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBCOMMON): $(COMMON_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# Program objects live under $(B)/obj/: $(B)/<prog> is the binary itself.
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

define prog_rule
$(B)/$(1): $$(patsubst %.c,$(B)/obj/%.o,$$(wildcard $(1)/*.c)) $(LIBCOMMON)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $(PKG_LIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

$(B)/tests/%: $(B)/tests/unit/%.o $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

deps:
	@sh tests/deps.sh

check: deps
	$(MAKE) SAN=1 all
	$(MAKE) all
	@bash tests/run.sh

clean:
	rm -rf build

-include mk/*.mk
-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)
