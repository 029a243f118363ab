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

$(B)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(B)/libmdf.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(B)/libmdf.a $(LIBS)

$(B)/tests/mkvmcore: tests/mkvmcore.c $(wildcard tests/mkvmcore*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Wmissing-prototypes,$(ALL_CFLAGS)) $(LDFLAGS) -o $@ $< -lm

test-bins: $(B)/makedumpfile $(UNIT_BINS) $(FUZZ_BINS) $(B)/tests/mkvmcore $(B)/man/gen_man

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer

# The project's own builds turn warnings into errors (WERROR); the static
# binary is linked from the same objects (case static_binary).
check: deps
	$(MAKE) B=build WERROR=-Werror test-bins makedumpfile build/makedumpfile-static
	$(MAKE) B=build-asan WERROR=-Werror CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" test-bins
	sh tests/run.sh build build-asan

# Fuzzing with libFuzzer (clang): make fuzz-<name>
fuzz-%: tests/fuzz/fuzz_%.c
	$(MAKE) B=build-fuzz CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libmdf.a
	clang $(TEST_CFLAGS) -fsanitize=fuzzer,address,undefined -o build-fuzz/fuzz_$* $< \
		build-fuzz/libmdf.a $(LIBS)
	./build-fuzz/fuzz_$* tests/fuzz/corpus/$*

# deps first, then a sub-make: this make parsed the Makefile (and ran
# pkg-config) before deps installed the libraries, so only a new make sees
# their flags.
demo: deps
	$(MAKE) makedumpfile $(B)/tests/mkvmcore
	sh tests/demo.sh

bench: deps
	$(MAKE) makedumpfile $(B)/tests/mkvmcore $(B)/bench/codec_limit
	sh bench/bench.sh
