# shootdown - build, test, demo, bench.  `make V=1` shows the commands.
CC      ?= gcc
O       ?= build
# CFLAGS, LDFLAGS given on the command line add to the project's own flags.
CFLAGS  ?= -O2 -g
LDFLAGS ?=
SD_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
             -Werror=implicit-function-declaration -fno-strict-aliasing \
             -Iinclude -I. -MMD -MP
LDLIBS  := -lm
JOBS    ?= $(shell nproc 2>/dev/null || echo 1)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Layers, bottom up (scripts/layers.sh checks them): include/ (the contracts) and lib/;
# proto/ (the simulated kernel, env.h only); hw/ (the machine's rules); sim/, check/ (the
# engines); work/ (workloads and scenarios); cli/ (the shootdown command).
LIB_SRCS := $(wildcard lib/*.c) $(wildcard proto/*.c) $(wildcard hw/*.c) $(wildcard sim/*.c) \
            $(wildcard check/*.c) $(wildcard work/*.c) $(filter-out cli/main.c,$(wildcard cli/*.c))
LIB_ASMS := $(wildcard lib/*.S) $(wildcard sim/*.S)
LIB_OBJS := $(LIB_SRCS:%.c=$(O)/%.o) $(LIB_ASMS:%.S=$(O)/%.o)
TEST_SRCS := $(wildcard tests/t_*.c)
TESTS    := $(TEST_SRCS:tests/%.c=$(O)/tests/%.t)
SCRIPT_TESTS := $(wildcard tests/*.sh)
BENCH_SRCS := $(wildcard bench/*.c)
BENCHES  := $(BENCH_SRCS:bench/%.c=$(O)/bench/%)

all: $(O)/shootdown

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(SD_CFLAGS) -c -o $@ $<

$(O)/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(CFLAGS) $(SD_CFLAGS) -c -o $@ $<

$(O)/libshootdown.a: $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/shootdown: $(O)/cli/main.o $(O)/libshootdown.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%.t: $(O)/tests/%.o $(O)/libshootdown.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/bench/%: $(O)/bench/%.o $(O)/libshootdown.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# prove is part of perl, which build-essential pulls in on Debian.
check-deps:
	@command -v prove >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq perl; \
	  else echo "make check needs prove: sudo apt-get install perl"; exit 2; fi; }

# Test files run in parallel, the slowest first, so the last one to start
# is not the one everyone waits for.
check: $(O)/shootdown $(TESTS) check-deps
	$(Q)SHOOTDOWN=$(CURDIR)/$(O)/shootdown prove -j$(JOBS) --exec '' \
		$(O)/tests/t_virt.t tests/determinism.sh \
		$(filter-out $(O)/tests/t_virt.t,$(TESTS)) \
		$(filter-out tests/determinism.sh,$(SCRIPT_TESTS))

# clang is part of Debian's clang package; root installs it, like prove.
check-compilers: check-deps
	@command -v clang >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq clang; \
	  else echo "make check-compilers needs clang: sudo apt-get install clang"; exit 2; fi; }
	$(Q)./scripts/check-compilers.sh

# The whole suite on an ASan+UBSan build in $(O)/sanitize: any memory error
# or undefined behaviour ends the test that hit it (exit status, no recovery).
SANITIZE_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
                  -fno-sanitize-recover=undefined
check-sanitize:
	$(Q)$(MAKE) --no-print-directory O=$(O)/sanitize CFLAGS="$(SANITIZE_FLAGS)" \
		LDFLAGS="$(SANITIZE_FLAGS)" check

# The correct guest protocols under 2x and 3x overcommit, 20 seeds each:
# no violation (a few minutes on 2 cores).
check-overcommit: $(O)/shootdown
	$(Q)JOBS=$(JOBS) ./scripts/overcommit-sweep.sh $(O)/shootdown 20

# Randomly drawn configurations of the correct protocols for TORTURE_TIME
# seconds: any violation fails (it prints the command that reproduces it).
TORTURE_TIME ?= 60
torture: $(O)/shootdown
	$(Q)$(O)/shootdown torture --time $(TORTURE_TIME)

# libFuzzer on the three input parsers (tests/fuzz/: profiles, scenarios,
# the command line), FUZZ_TIME seconds each, one at a time, on a clang
# ASan+UBSan build in $(O)/fuzz.  A crash, leak, hang, UB or an error that
# is not one printable line fails; the input is left in $(O)/fuzz/artifacts.
FUZZ_TIME ?= 60
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZERS := $(addprefix $(O)/tests/fuzz/fuzz_,profile scenario options)
fuzz: check-deps
	@command -v clang >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq clang; \
	  else echo "make fuzz needs clang: sudo apt-get install clang"; exit 2; fi; }
	$(Q)$(MAKE) --no-print-directory O=$(O)/fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" \
		fuzzers
	$(Q)./tests/fuzz/run.sh $(O)/fuzz $(FUZZ_TIME)

fuzzers: $(FUZZERS)

$(O)/tests/fuzz/fuzz_options: $(O)/tests/fuzz/fuzz_options_run.o \
			      $(O)/tests/fuzz/fuzz_options_check.o

$(O)/tests/fuzz/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(O)/libshootdown.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

demo: $(O)/shootdown
	$(Q)./scripts/demo.sh $(O)/shootdown

bench: $(O)/shootdown $(BENCHES)
	$(Q)./scripts/bench.sh $(O)

clean:
	rm -rf $(O)

# the built-in profiles are assembled into the binary
$(O)/sim/profiles_builtin.o: $(wildcard profiles/*.profile)

.PHONY: all check check-deps check-sanitize check-overcommit torture check-compilers \
	fuzz fuzzers demo bench clean
# keep test and bench objects (pattern-rule intermediates) for incremental builds
.PRECIOUS: $(O)/%.o
-include $(shell find $(O) -name '*.d' 2>/dev/null)
