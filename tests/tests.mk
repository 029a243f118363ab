# SPDX-License-Identifier: GPL-2.0-or-later
# Test build rules (included by the top-level Makefile).
#
# Conventions:
#   tests/unit/test_<name>.c   cmocka unit test, linked with libmdf.a
#   tests/fuzz/fuzz_<name>.c   LLVMFuzzerTestOneInput; replayed over
#                              tests/fuzz/corpus/<name>/* by tests/fuzz/replay.c
#   tests/mkvmcore.c           the synthetic vmcore generator
#   tests/cases/*.sh           shell test cases run by tests/run.sh
#
# `make check` builds everything twice: normally in build/ and with
# AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/, and runs the
# whole suite with each.

UNIT_SRCS = $(wildcard tests/unit/test_*.c)
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/tests/fuzz/%)
CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
TEST_CFLAGS = $(filter-out -Wmissing-prototypes,$(ALL_CFLAGS)) $(CMOCKA_CFLAGS) -Itests

$(B)/tests/unit/%: tests/unit/%.c $(B)/libmdf.a $(wildcard tests/unit/*.h) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libmdf.a $(CMOCKA_LIBS) $(LIBS)

# The option-table test compiles the table's users itself, with the extra
# entries of tests/unit/cli_extra.def appended to cli_options.def.
CLI_TABLE_SRCS = cli_options.c cli_doc.c cli_man.c strbuf.c
$(B)/tests/unit/test_cli_table: tests/unit/test_cli_table.c tests/unit/cli_extra.def \
		$(CLI_TABLE_SRCS) $(B)/libmdf.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -DCLI_OPTIONS_EXTRA_DEF='"tests/unit/cli_extra.def"' $(LDFLAGS) \
		-o $@ $< $(CLI_TABLE_SRCS) $(B)/libmdf.a $(CMOCKA_LIBS) $(LIBS)

# (fuzz_pipeline.c compiles the generator in: hence the mkvmcore files)
FUZZ_DEPS = tests/fuzz/replay.c $(wildcard tests/fuzz/*.h) $(wildcard tests/mkvmcore*)

$(B)/tests/fuzz/%: tests/fuzz/%.c $(FUZZ_DEPS) $(B)/libmdf.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(B)/libmdf.a $(LIBS)

$(B)/tests/mkvmcore: tests/mkvmcore.c $(wildcard tests/mkvmcore*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Wmissing-prototypes,$(ALL_CFLAGS)) $(LDFLAGS) -o $@ $< -lm

test-bins: $(B)/makedumpfile $(UNIT_BINS) $(FUZZ_BINS) $(B)/tests/mkvmcore $(B)/man/gen_man

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer
# ThreadSanitizer: the binary only, for tests/cases/threads_tsan.sh.
TSAN_FLAGS = -O1 -g -fsanitize=thread -fno-omit-frame-pointer

# The project's own builds turn warnings into errors (WERROR); the static
# binary is linked from the same objects (case static_binary).
check: deps
	$(MAKE) B=build WERROR=-Werror test-bins makedumpfile build/makedumpfile-static
	$(MAKE) B=build-asan WERROR=-Werror CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" test-bins
	$(MAKE) B=build-tsan WERROR=-Werror CFLAGS="$(TSAN_FLAGS)" LDFLAGS="$(TSAN_FLAGS)" \
		build-tsan/makedumpfile
	sh tests/run.sh build build-asan

# Fuzzing with libFuzzer (clang, ASan + UBSan), in build-fuzz/:
#   make fuzz                  every target for FUZZ_TIME seconds each
#                              (default 600), FUZZ_JOBS at a time (default
#                              1); new inputs go to build-fuzz/work/<name>,
#                              crashes to build-fuzz/findings/<name>/, the
#                              executions and findings per target to
#                              build-fuzz/summary.txt
#   make fuzz FUZZ_TARGETS="elf pipeline" FUZZ_TIME=60
#   make fuzz-<name>           one target, FUZZ_TIME seconds
#   make fuzz-merge            minimise tests/fuzz/corpus/<name> with what
#                              the campaigns found (libFuzzer -merge=1)
# A target is tests/fuzz/fuzz_<name>.c with its seeds in
# tests/fuzz/corpus/<name>/: new targets (e.g. other helpers') plug in by
# that name alone.
FUZZ_TIME ?= 600
FUZZ_JOBS ?= 1
FUZZ_TARGETS ?= $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_CC ?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)

# The library is built by a sub-make with clang in build-fuzz/ (its own
# $(B)/libmdf.a rule); the targets are linked here with -fsanitize=fuzzer.
fuzz-lib:
	$(MAKE) B=build-fuzz CC=$(FUZZ_CC) CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" \
		build-fuzz/libmdf.a

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(HDRS) build-fuzz/libmdf.a
	$(FUZZ_CC) $(TEST_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build-fuzz/libmdf.a \
		$(LIBS)

fuzz-bins:
	$(MAKE) fuzz-lib
	$(MAKE) $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)

fuzz: deps
	$(MAKE) fuzz-bins
	sh tests/fuzz/campaign.sh build-fuzz $(FUZZ_TIME) $(FUZZ_JOBS) $(FUZZ_TARGETS)

fuzz-%:
	$(MAKE) fuzz-lib
	$(MAKE) build-fuzz/fuzz_$*
	sh tests/fuzz/campaign.sh build-fuzz $(FUZZ_TIME) 1 $*

fuzz-merge: fuzz-bins
	sh tests/fuzz/campaign.sh --merge build-fuzz $(FUZZ_TARGETS)

# deps first, then a sub-make: this make parsed the Makefile (and ran
# pkg-config) before deps installed the libraries, so only a new make sees
# their flags.
demo: deps
	$(MAKE) makedumpfile $(B)/tests/mkvmcore
	sh tests/demo.sh

bench: deps
	$(MAKE) makedumpfile $(B)/tests/mkvmcore $(B)/bench/codec_limit
	sh bench/bench.sh
