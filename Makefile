# SPDX-License-Identifier: GPL-2.0-or-later
# makedumpfile (clean-room). Packaging variables as upstream's Makefile:
# USELZO, USESNAPPY, USEZSTD (on|off), LINKTYPE (dynamic|static), PREFIX,
# SBINDIR, MANDIR, DESTDIR, CC, CFLAGS, LDFLAGS; and CODEC_LINK (below).

VERSION = 1.7.9
DATE = 26 Nov 2026

CC ?= gcc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
USELZO ?= on
USESNAPPY ?= on
USEZSTD ?= on
LINKTYPE ?= dynamic
CFLAGS ?= -O2 -g
LDFLAGS ?=

PKGS = libdw libelf zlib
DEFS = -DVERSION='"$(VERSION)"' -DRELEASE_DATE='"$(DATE)"'
ifeq ($(USELZO),on)
PKGS += lzo2
DEFS += -DUSELZO
endif
ifeq ($(USESNAPPY),on)
PKGS += snappy
DEFS += -DUSESNAPPY
endif
ifeq ($(USEZSTD),on)
PKGS += libzstd
DEFS += -DUSEZSTD
endif

ifeq ($(LINKTYPE),static)
PKG_LIBS_FLAGS = --static
STATIC = -static
endif

WARN = -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wvla \
       -Wformat=2 -Wimplicit-fallthrough -Wundef -Werror
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKG_LIBS_FLAGS) $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -I. $(DEFS) $(PKG_CFLAGS) \
	     $(WARN) $(CFLAGS)
LIBS = $(PKG_LIBS) -lpthread
ifeq ($(USESNAPPY),on)
ifeq ($(LINKTYPE),static)
LIBS += -lstdc++ -lm
endif
endif

# CODEC_LINK (static|dynamic): how the binary links the codecs that only -p
# (snappy) and -z (zstd) use. libsnappy is C++: as a shared library it makes
# every run load libstdc++, libm and libgcc_s, and ld.so relocates them all:
# with libzstd, about 1.4 MB of the peak RSS of a -l or -c run in a kdump
# capture kernel (whose initramfs, in RAM, must also carry those 4 MB of
# libraries). static (the
# default, with LINKTYPE=dynamic) takes both codecs from their .a archives,
# with the few parts of libstdc++ snappy needs, so that only the C libraries
# of a -l/-c run are loaded. The unit tests and fuzz targets always link
# dynamically (LIBS); only the makedumpfile binary uses MDF_LIBS.
CODEC_LINK ?= static
ifeq ($(LINKTYPE)-$(CODEC_LINK),dynamic-static)
OPT_PKGS = $(filter snappy libzstd,$(PKGS))
BASE_LIBS := $(shell $(PKG_CONFIG) --libs $(filter-out $(OPT_PKGS),$(PKGS)) 2>/dev/null)
ifneq ($(OPT_PKGS),)
OPT_LIBS := $(shell $(PKG_CONFIG) --libs-only-L $(OPT_PKGS) 2>/dev/null) -Wl,-Bstatic \
	    $(shell $(PKG_CONFIG) --libs-only-l $(OPT_PKGS) 2>/dev/null) \
	    $(if $(filter snappy,$(OPT_PKGS)),-lstdc++) -Wl,-Bdynamic
endif
# -lgcc first: the libgcc helpers our objects call on every page (popcount)
# land next to our code instead of after the codec archives, so they do not
# fault in one more stretch of text.
MDF_LIBS = -static-libgcc -lgcc -Wl,--as-needed $(BASE_LIBS) $(OPT_LIBS) -lpthread -Wl,--no-as-needed
else
MDF_LIBS = $(LIBS)
endif

# Every module but the command line goes into a static library shared by
# the binary, the unit tests and the fuzz targets.
LIB_SRCS = $(filter-out makedumpfile.c,$(wildcard *.c)) $(wildcard arch/*.c)
HDRS = $(wildcard *.h arch/*.h) kernel_facts.def

B ?= build
LIB_OBJS = $(LIB_SRCS:%.c=$(B)/%.o)

all: makedumpfile

makedumpfile: $(B)/makedumpfile
	cp $< $@

$(B)/%.o: %.c $(HDRS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/libmdf.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(B)/makedumpfile: $(B)/makedumpfile.o $(B)/libmdf.a
	$(CC) $(ALL_CFLAGS) $(STATIC) $(LDFLAGS) -o $@ $^ $(MDF_LIBS)

$(B)/bench/codec_limit: bench/codec_limit.c $(B)/libmdf.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libmdf.a $(LIBS)

deps:
	@sh scripts/install-deps.sh

install: makedumpfile
	install -D -m 755 makedumpfile $(DESTDIR)$(SBINDIR)/makedumpfile
	install -D -m 644 man/makedumpfile.8 $(DESTDIR)$(MANDIR)/man8/makedumpfile.8

include tests/tests.mk

clean:
	rm -rf build build-asan build-fuzz makedumpfile tests/out

.PHONY: all deps install clean demo check bench fuzz fuzz-lib fuzz-bins fuzz-merge
