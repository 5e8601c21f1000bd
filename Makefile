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
LIB_OBJS = util.o diag.o value.o load.o model.o profile.o policy.o \
	   cert.o render.o emit.o output.o
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

$(BUILD)/tests/%: tests/%.c $(OBJS) include/tlsgen.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags check) -o $@ $< \
	    $(OBJS) $(LDFLAGS) $(LIBS) $(shell pkg-config --libs check)

# Unit tests (Check), then the end-to-end tests against real servers.
unit: $(TEST_BINS) $(TLSGEN)
	@set -e; for t in $(TEST_BINS); do \
	    TLSGEN_DATADIR=$(CURDIR) CK_FORK=yes $$t; done

e2e: $(TLSGEN)
	TLSGEN=$(CURDIR)/$(TLSGEN) tests/run-e2e.sh

check: unit
ifeq ($(SANITIZE),)
	$(MAKE) e2e
endif

install: tlsgen
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates \
	    $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DATADIR)/profiles \
	    $(DESTDIR)$(DATADIR)/data
	install -m 0755 tlsgen $(DESTDIR)$(BINDIR)/tlsgen
	for d in templates/*/; do \
	    install -d $(DESTDIR)$(DATADIR)/$$d; \
	    install -m 0644 $$d* $(DESTDIR)$(DATADIR)/$$d; done
	install -m 0644 schemas/*.rng $(DESTDIR)$(DATADIR)/schemas/
	install -m 0644 profiles/*.profile $(DESTDIR)$(DATADIR)/profiles/
	install -m 0644 data/*.tsv $(DESTDIR)$(DATADIR)/data/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tlsgen
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build tlsgen tlsgen-sanitize

.PHONY: all unit e2e check install uninstall clean
