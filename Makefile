# tlsgen: plain Makefile, explicit object list, pkg-config for the three
# libraries.  `make check` runs every test; `make check SANITIZE=1` runs the
# unit suite under AddressSanitizer and UndefinedBehaviorSanitizer.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
DATADIR	?= $(PREFIX)/share/tlsgen
MANDIR	?= $(PREFIX)/share/man
DESTDIR	?=

CC	?= cc
PKGS	 = libxml-2.0 openssl
WARN	 = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wshadow -Wpointer-arith -Wcast-qual
HARDEN	 = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude \
	   $(shell pkg-config --cflags $(PKGS)) -DDATADIR='"$(DATADIR)"'
LIBS	 = $(shell pkg-config --libs $(PKGS))

ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -fno-sanitize-recover=all -O1
LDFLAGS	+= -fsanitize=address,undefined
HARDEN	 =
BUILD	 = build/sanitize
else
ALL_CFLAGS += $(HARDEN)
BUILD	 = build/default
endif

# One object per pipeline stage (see docs/ARCHITECTURE.md).
LIB_OBJS = util.o jail.o diag.o value.o load.o schema_hint.o model.o \
	   profile.o policy.o cert.o render.o caps.o emit.o output.o target.o \
	   diff.o clients.o report.o
OBJS	 = $(addprefix $(BUILD)/,$(LIB_OBJS))
MAIN_OBJ = $(BUILD)/main.o

# One Check suite per module: tests/check_<module>.c.
TESTS	 = $(sort $(basename $(notdir $(wildcard tests/check_*.c))))
TEST_BINS = $(addprefix $(BUILD)/tests/,$(TESTS))

ifneq ($(SANITIZE),)
TLSGEN	 = tlsgen-sanitize
else
TLSGEN	 = tlsgen
endif

all: $(TLSGEN)

$(TLSGEN): $(OBJS) $(MAIN_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: generator/%.c include/tlsgen.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# main.o has DATADIR compiled in: it is rebuilt when PREFIX or DATADIR
# changes, so `make install PREFIX=/usr` after a plain `make` installs a
# binary that looks in /usr/share/tlsgen.
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = '$(DATADIR)' ] || echo '$(DATADIR)' >$@
$(MAIN_OBJ): $(BUILD)/datadir.stamp
FORCE:

$(BUILD)/tests/%: tests/%.c $(OBJS) include/tlsgen.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags check) -o $@ $< \
	    $(OBJS) $(LDFLAGS) $(LIBS) $(shell pkg-config --libs check)

# Unit tests (Check), then the end-to-end tests against real servers.
unit: $(TEST_BINS) $(TLSGEN)
	@failed=0; for t in $(TEST_BINS); do \
	    TLSGEN_DATADIR=$(CURDIR) CK_FORK=yes $$t || failed=1; done; \
	    exit $$failed

e2e: $(TLSGEN)
	TLSGEN=$(CURDIR)/$(TLSGEN) tests/run-e2e.sh

check: unit
ifeq ($(SANITIZE),)
	$(MAKE) e2e
endif

# Fuzzing (libFuzzer, clang only): load -> model -> policy -> render on
# arbitrary bytes, under ASan and UBSan.  `make fuzz FUZZ_SECONDS=N` builds
# build/fuzz/fuzz_description and runs it for N seconds on one core; new
# inputs go to build/fuzz/corpus (fuzz/corpus holds the committed seeds),
# crashes to build/fuzz/crash-*.  FUZZ_FLAGS adds libFuzzer options.
FUZZ_CC	?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?=
FUZZ_BUILD = build/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
# -Wno-cast-qual: clang (unlike gcc) warns inside OpenSSL's own macros
# (SSL_CTX_set1_groups_list casts its const argument away).
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Wno-cast-qual -O1 -g \
	   -fno-omit-frame-pointer \
	   -Iinclude $(shell pkg-config --cflags $(PKGS)) -DDATADIR='"$(DATADIR)"'
FUZZ_OBJS = $(addprefix $(FUZZ_BUILD)/,$(LIB_OBJS))

$(FUZZ_BUILD)/%.o: generator/%.c include/tlsgen.h
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	    -c -o $@ $<

$(FUZZ_BUILD)/fuzz_description: fuzz/fuzz_description.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer \
	    -DFUZZ_DATADIR='"$(CURDIR)"' -o $@ $< $(FUZZ_OBJS) $(LIBS)

fuzz: $(FUZZ_BUILD)/fuzz_description
	@mkdir -p $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz_description -max_total_time=$(FUZZ_SECONDS) \
	    -dict=fuzz/tlsgen.dict -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=$(FUZZ_BUILD)/ -print_final_stats=1 $(FUZZ_FLAGS) \
	    $(FUZZ_BUILD)/corpus fuzz/corpus

# Line coverage of the fuzz corpus (seeds and what `make fuzz` found), by
# clang's source-based coverage: build/fuzz-cov/report.txt per file.
FUZZ_COV = build/fuzz-cov
FUZZ_COV_FLAGS = -fprofile-instr-generate -fcoverage-mapping

$(FUZZ_COV)/%.o: generator/%.c include/tlsgen.h
	@mkdir -p $(@D)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV_FLAGS) -c -o $@ $<

$(FUZZ_COV)/fuzz_description: fuzz/fuzz_description.c \
	    $(addprefix $(FUZZ_COV)/,$(LIB_OBJS))
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_COV_FLAGS) -fsanitize=fuzzer \
	    -DFUZZ_DATADIR='"$(CURDIR)"' -o $@ $< \
	    $(addprefix $(FUZZ_COV)/,$(LIB_OBJS)) $(LIBS)

fuzz-cov: $(FUZZ_COV)/fuzz_description
	@mkdir -p $(FUZZ_BUILD)/corpus
	rm -f $(FUZZ_COV)/*.profraw
	LLVM_PROFILE_FILE=$(FUZZ_COV)/run.profraw $(FUZZ_COV)/fuzz_description \
	    -runs=0 $(FUZZ_BUILD)/corpus fuzz/corpus >/dev/null 2>&1
	llvm-profdata merge -sparse -o $(FUZZ_COV)/run.profdata \
	    $(FUZZ_COV)/run.profraw
	llvm-cov report $(FUZZ_COV)/fuzz_description \
	    -instr-profile=$(FUZZ_COV)/run.profdata generator/*.c \
	    | tee $(FUZZ_COV)/report.txt

# The binary, its data (a server whose templates are not written yet has
# an empty folder, skipped) and the two manual pages.
install: tlsgen
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates \
	    $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DATADIR)/profiles \
	    $(DESTDIR)$(DATADIR)/data $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5
	install -m 0755 tlsgen $(DESTDIR)$(BINDIR)/tlsgen
	set -e; for d in templates/*/; do \
	    install -d $(DESTDIR)$(DATADIR)/$$d; \
	    for f in $$d*; do [ ! -f "$$f" ] || \
		install -m 0644 "$$f" $(DESTDIR)$(DATADIR)/$$d; done; done
	install -m 0644 schemas/*.rng $(DESTDIR)$(DATADIR)/schemas/
	install -m 0644 profiles/*.profile $(DESTDIR)$(DATADIR)/profiles/
	install -m 0644 data/*.tsv $(DESTDIR)$(DATADIR)/data/
	install -m 0644 docs/tlsgen.1 $(DESTDIR)$(MANDIR)/man1/tlsgen.1
	install -m 0644 docs/tlsgen-description.5 \
	    $(DESTDIR)$(MANDIR)/man5/tlsgen-description.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tlsgen
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(MANDIR)/man1/tlsgen.1 \
	    $(DESTDIR)$(MANDIR)/man5/tlsgen-description.5

clean:
	rm -rf build tlsgen tlsgen-sanitize

# Benchmarks (bench/run.sh): prints the tables and writes BENCHMARKS.md;
# about 10 minutes, never part of `make check`.
bench: $(TLSGEN)
	TLSGEN=$(CURDIR)/$(TLSGEN) bash bench/run.sh
.PHONY: bench

.PHONY: all unit e2e check fuzz fuzz-cov install uninstall clean FORCE

# The property test alone, with more seeds than `make check` runs:
# `make property SEED=123 COUNT=500` (tests/e2e/property.sh).
SEED	?= 1
COUNT	?= 500
property: $(TLSGEN)
	SEED=$(SEED) COUNT=$(COUNT) TLSGEN=$(CURDIR)/$(TLSGEN) \
	    bash tests/e2e/property.sh
.PHONY: property
