# pfharness - Postfix reproducibility and build-verification harness
#
#   make            build ./pfharness
#   make deps       install Debian packages, the postfix user, deb-src (root);
#                   COMPILERS="gcc-11 clang-15" adds those compilers
#   make test       deps, then unit tests (also under ASan/UBSan), CLI and
#                   integration tests, fault injections
#   make run        deps, fetch, then the main job on the shipped cases
#   make sweep      every installed compiler x O0 O1 O2 O3 Os x the corpus,
#                   on 3.7.11 and 3.10.13, and a certificate (ci/sweep.sh)
#   make fuzz       build the libFuzzer targets (clang) and run each for
#                   FUZZ_SECONDS (default 600), one after another
#   make install PREFIX=/usr/local
#   make clean      remove build outputs (not var/)

PREFIX   ?= /usr/local
CC       ?= gcc
PKGS     := libgit2 json-c gmime-3.0 libarchive libcrypto libpcap libffi
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-missing-field-initializers
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -D_GNU_SOURCE -pthread \
             -DHR_SHARE_DIR='"$(PREFIX)/share/pfharness"' $(PKG_CFLAGS)
LIBS     := $(PKG_LIBS) -lutil -pthread
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

# One folder per layer (harness/README.md); obj/ mirrors the folders.
SRCS     := harness/main.c $(sort $(wildcard harness/*/*.c))
HDRS     := $(sort $(wildcard harness/*/*.h))
CMD_SRCS := harness/main.c $(filter harness/cmd/%.c,$(SRCS))
LIB_SRCS := $(filter-out $(CMD_SRCS),$(SRCS))
OBJS     := $(SRCS:harness/%.c=obj/%.o)
LIB_OBJS := $(LIB_SRCS:harness/%.c=obj/%.o)
SAN_LIB_OBJS := $(LIB_SRCS:harness/%.c=obj/san/%.o)

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=tests/unit/bin/%)
SAN_UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=tests/unit/bin/san/%)

# Fuzz targets (tests/fuzz/fuzz_*.c): libFuzzer builds for "make fuzz", and
# regress_* builds (plain main, ASan/UBSan) that replay the inputs they
# found, tests/data/fuzz/<target>/, in "make unit".
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(FUZZ_SRCS:tests/fuzz/%.c=%)
FUZZ_BINS := $(FUZZ_TARGETS:%=tests/fuzz/bin/%)
REGRESS_BINS := $(FUZZ_TARGETS:fuzz_%=tests/fuzz/bin/regress_%)
FUZZ_CC  ?= clang
FUZZ_SECONDS ?= 600
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=undefined
# Making up 16 MiB BDAT chunks slows the maillog fuzzer 30-fold.
FUZZ_DEFS_fuzz_maillog_import := -DHR_MAILLOG_MAX_CHUNK=65536

.PHONY: all deps test unit unit-plain unit-san unit-fuzz cli run sweep install \
        clean fetch faults bench fuzz

all: pfharness

# The executable exports canon_addr_external() only: the surrogate that
# func-case probes put before Postfix's own (harness/replay/ffcall.c).
pfharness: $(OBJS) harness/replay/ffcall.syms
	@echo "  LINK    $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(OBJS) $(LIBS) \
	    -Wl,--dynamic-list=harness/replay/ffcall.syms

# -MMD -MP: an object depends on the headers it includes, no more.
obj/%.o: harness/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -Iharness -MMD -MP -c -o $@ $<

obj/san/%.o: harness/%.c
	@mkdir -p $(@D)
	@echo "  CC san  $<"
	@$(CC) $(ALL_CFLAGS) $(SAN) -Iharness -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d) $(SAN_LIB_OBJS:.o=.d)

tests/unit/bin tests/unit/bin/san tests/fuzz/bin:
	mkdir -p $@

obj/libharness.a: $(LIB_OBJS)
	@rm -f $@ && ar rcs $@ $^

obj/san/libharness.a: $(SAN_LIB_OBJS)
	@rm -f $@ && ar rcs $@ $^

tests/unit/bin/%: tests/unit/%.c tests/unit/unit.h obj/libharness.a | tests/unit/bin
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) -Iharness -o $@ $< obj/libharness.a \
	    $(CMOCKA_LIBS) $(LIBS) $(shell sed -n 's,^/\* LDWRAP: \(.*\) \*/,\1,p' $<)

tests/unit/bin/san/%: tests/unit/%.c tests/unit/unit.h obj/san/libharness.a | tests/unit/bin/san
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -Iharness -o $@ $< obj/san/libharness.a \
	    $(CMOCKA_LIBS) $(LIBS) $(shell sed -n 's,^/\* LDWRAP: \(.*\) \*/,\1,p' $<)

tests/fuzz/bin/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) $(HDRS) | tests/fuzz/bin
	@echo "  FUZZ    $@"
	@$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE -pthread $(FUZZ_CFLAGS) \
	    $(FUZZ_DEFS_fuzz_$*) -DHR_SHARE_DIR='"$(PREFIX)/share/pfharness"' \
	    -Iharness $(PKG_CFLAGS) -o $@ $< $(LIB_SRCS) $(LIBS)

tests/fuzz/bin/regress_%: tests/fuzz/fuzz_%.c tests/fuzz/regress.c obj/san/libharness.a | tests/fuzz/bin
	@echo "  TEST    $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) -Iharness -o $@ $< tests/fuzz/regress.c \
	    obj/san/libharness.a $(LIBS)

deps:
	COMPILERS="$(COMPILERS)" sh ci/deps.sh

# Unit tests: each cmocka executable plain and under ASan/UBSan.
unit: unit-plain unit-san unit-fuzz

unit-plain: $(UNIT_BINS)
	@sh tests/run-unit.sh $(UNIT_BINS)

unit-san: $(SAN_UNIT_BINS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 sh tests/run-unit.sh $(SAN_UNIT_BINS)

# The inputs the fuzzers found, each fed to its target once.
unit-fuzz: $(REGRESS_BINS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 sh tests/fuzz/regress.sh $(FUZZ_TARGETS)

# libFuzzer: every target for FUZZ_SECONDS, one at a time; the corpora
# grow in var/fuzz/<target>/, crashes land in var/fuzz/<target>.crash/.
fuzz: $(FUZZ_BINS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh ci/fuzz.sh $(FUZZ_TARGETS)

# End-to-end tests against real Postfix builds (root).
cli: pfharness
	@sh tests/run-cli.sh

test: deps
	sh ci/check-layers.sh
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) cli

fetch: pfharness
	./pfharness fetch

run: deps
	$(MAKE) all
	./pfharness fetch
	sh ci/run-main.sh

install: pfharness
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/pfharness/builds \
	    $(DESTDIR)$(PREFIX)/share/pfharness/cases
	install -m 755 pfharness $(DESTDIR)$(PREFIX)/bin/pfharness
	install -m 644 builds/*.build builds/*.inc builds/README.md \
	    $(DESTDIR)$(PREFIX)/share/pfharness/builds
	cp -R cases/. $(DESTDIR)$(PREFIX)/share/pfharness/cases

# Benchmarks (not timed tests): after make run, on an otherwise idle machine.
tests/bench/bin/bench: tests/bench/bench.c obj/libharness.a
	@mkdir -p tests/bench/bin
	@echo "  BENCH   $@"
	@$(CC) $(ALL_CFLAGS) -Iharness -o $@ $< obj/libharness.a $(LIBS) -lm

# Every installed compiler x O0 O1 O2 O3 Os x the corpus, on 3.7.11 and
# 3.10.13, and a certificate page (ci/sweep.sh; hours on two cores).
sweep: deps
	$(MAKE) all
	sh ci/sweep.sh

tests/bench/bin/cctime: tests/bench/cctime.c
	@mkdir -p tests/bench/bin
	@echo "  BENCH   $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $<

bench: all tests/bench/bin/bench tests/bench/bin/cctime
	tests/bench/bin/bench $(BENCH_ARGS)

clean:
	rm -rf obj pfharness tests/unit/bin tests/bench/bin tests/fuzz/bin
