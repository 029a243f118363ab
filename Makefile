# SPDX-License-Identifier: GPL-2.0-or-later
# makedumpfile (clean-room). Packaging variables as upstream's Makefile:
# USELZO, USESNAPPY, USEZSTD (on|off), USEDEFLATE (on|off: -c with zlib),
# LINKTYPE (dynamic|static), PREFIX, SBINDIR, MANDIR, DESTDIR, CC, CFLAGS,
# LDFLAGS; and CPPFLAGS, BINDIR, DOCDIR, WERROR, INSTALL_STRIP (below and
# README "Build variables").

# Our own version, and the makedumpfile release whose interface we follow
# (-v prints both; see README "Version").
VERSION = 0.9.0
INTERFACE_VERSION = 1.7.9
DATE = 26 Nov 2026

CC ?= gcc
PKG_CONFIG ?= pkg-config
STRIP ?= strip
INSTALL ?= install
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/makedumpfile
DESTDIR ?=
USEDEFLATE ?= on
USELZO ?= on
USESNAPPY ?= on
USEZSTD ?= on
LINKTYPE ?= dynamic
# A distribution's CFLAGS/CPPFLAGS/LDFLAGS (dpkg-buildflags, rpm's
# %optflags) replace these defaults and are used as given.
CFLAGS ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
# Warnings are errors only in the project's own builds: make check and CI
# set WERROR=-Werror. A distribution's build with a newer compiler must not
# fail on a new warning.
WERROR ?=

# The libraries, found with pkg-config, one block each: its pkg-config name
# and the define that compiles its code in.
PKGS = libdw libelf zlib libbpf
DEFS = -DVERSION='"$(VERSION)"' -DINTERFACE_VERSION='"$(INTERFACE_VERSION)"' \
       -DRELEASE_DATE='"$(DATE)"'
# -c makes zlib-format pages with libdeflate (codec.c); off: with zlib.
ifeq ($(USEDEFLATE),on)
PKGS += libdeflate
DEFS += -DUSEDEFLATE
endif
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

# Every library is linked dynamically, snappy and zstd included, so a
# security fix in any of them reaches makedumpfile with the library's
# package (README "Linking"). LINKTYPE=static builds a self-contained
# binary for capture initramfs images that carry no libraries; libsnappy is
# C++, so that binary carries the parts of libstdc++ it needs.
ifeq ($(LINKTYPE),static)
PKG_LIBS_FLAGS = --static
STATIC = -static
endif
STATIC_LIBS = $(shell $(PKG_CONFIG) --libs --static $(PKGS) 2>/dev/null) -lpthread \
	      $(if $(filter snappy,$(PKGS)),-lstdc++ -lm)

WARN = -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wvla \
       -Wformat=2 -Wimplicit-fallthrough -Wundef $(WERROR)
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKG_LIBS_FLAGS) $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -I. $(DEFS) $(PKG_CFLAGS) \
	     $(WARN) $(CPPFLAGS) $(CFLAGS)
LIBS = $(PKG_LIBS) -lpthread
ifeq ($(LINKTYPE),static)
LIBS = $(STATIC_LIBS)
endif
# --as-needed: no DT_NEEDED entry for a library no object uses.
MDF_LDFLAGS = -Wl,--as-needed

# Every module but the command line goes into a static library shared by
# the binary, the unit tests and the fuzz targets.
LIB_SRCS = $(filter-out makedumpfile.c,$(wildcard *.c)) $(wildcard arch/*.c)
HDRS = $(wildcard *.h arch/*.h) kernel_facts.def cli_options.def

B ?= build
LIB_OBJS = $(LIB_SRCS:%.c=$(B)/%.o)

# The synthetic vmcore generator, installed as makedumpfile-mkvmcore.
MKVMCORE = $(B)/tests/mkvmcore

all: makedumpfile $(MKVMCORE)

makedumpfile: $(B)/makedumpfile
	cp $< $@

$(B)/%.o: %.c $(HDRS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/libmdf.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(B)/makedumpfile: $(B)/makedumpfile.o $(B)/libmdf.a
	$(CC) $(ALL_CFLAGS) $(STATIC) $(MDF_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The LINKTYPE=static binary from the same objects (make check tests it;
# tests/qemu runs it in a capture kernel's bare initramfs).
$(B)/makedumpfile-static: $(B)/makedumpfile.o $(B)/libmdf.a
	$(CC) $(ALL_CFLAGS) -static $(LDFLAGS) -o $@ $^ $(STATIC_LIBS)

$(B)/bench/codec_limit: bench/codec_limit.c $(B)/libmdf.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libmdf.a $(LIBS)

# The man page's generated parts (cli_man.h): `make man` rewrites them from
# the option table; the case options checks they are current.
$(B)/man/gen_man: man/gen_man.c $(B)/libmdf.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libmdf.a $(LIBS)

man: $(B)/man/gen_man
	$(B)/man/gen_man man/makedumpfile.8 > $(B)/man/makedumpfile.8.new
	mv $(B)/man/makedumpfile.8.new man/makedumpfile.8

deps:
	@sh scripts/install-deps.sh

# INSTALL_STRIP=-s (or make install-strip) strips the programs while
# installing; by default they are installed as built, so a distribution
# can split the debug information off itself.
INSTALL_STRIP ?=
INSTALL_PROGRAM = $(INSTALL) -m 755 $(if $(INSTALL_STRIP),-s --strip-program=$(STRIP))
INSTALL_DATA = $(INSTALL) -m 644
EXAMPLES = configs/makedumpfile.conf.sample configs/random.conf configs/task-comm.conf \
	   configs/keyrings.conf configs/dm-crypt.conf \
	   doc/ci-synthetic-vmcore.sh \
	   tests/specs/kernel-6.1.spec tests/specs/kernel-classes.inc \
	   tests/specs/printk-ring.spec

install: $(B)/makedumpfile $(MKVMCORE)
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)/examples
	$(INSTALL_PROGRAM) $(B)/makedumpfile $(DESTDIR)$(SBINDIR)/makedumpfile
	$(INSTALL_PROGRAM) $(MKVMCORE) $(DESTDIR)$(BINDIR)/makedumpfile-mkvmcore
	$(INSTALL_DATA) man/makedumpfile.8 $(DESTDIR)$(MANDIR)/man8/makedumpfile.8
	$(INSTALL_DATA) man/makedumpfile.conf.5 $(DESTDIR)$(MANDIR)/man5/makedumpfile.conf.5
	$(INSTALL_DATA) man/makedumpfile-mkvmcore.1 $(DESTDIR)$(MANDIR)/man1/makedumpfile-mkvmcore.1
	$(INSTALL_DATA) README.md $(DESTDIR)$(DOCDIR)/README.md
	$(INSTALL_DATA) $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
	chmod 755 $(DESTDIR)$(DOCDIR)/examples/ci-synthetic-vmcore.sh

install-strip:
	$(MAKE) install INSTALL_STRIP=-s

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/makedumpfile $(DESTDIR)$(BINDIR)/makedumpfile-mkvmcore \
		$(DESTDIR)$(MANDIR)/man8/makedumpfile.8 \
		$(DESTDIR)$(MANDIR)/man5/makedumpfile.conf.5 \
		$(DESTDIR)$(MANDIR)/man1/makedumpfile-mkvmcore.1
	rm -rf $(DESTDIR)$(DOCDIR)

include tests/tests.mk

clean:
	rm -rf build build-asan build-tsan build-static build-fuzz makedumpfile tests/out

.PHONY: all deps install install-strip uninstall clean demo check bench man fuzz fuzz-lib \
	fuzz-bins fuzz-merge
