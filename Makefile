# makedumpfile (clean-room). Packaging variables as upstream's Makefile:
# USELZO, USESNAPPY, USEZSTD (on|off), LINKTYPE (dynamic|static), PREFIX,
# SBINDIR, MANDIR, DESTDIR, CC, CFLAGS, LDFLAGS.

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
	$(CC) $(ALL_CFLAGS) $(STATIC) $(LDFLAGS) -o $@ $^ $(LIBS)

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
	rm -rf build build-asan makedumpfile tests/out

.PHONY: all deps install clean demo check bench
