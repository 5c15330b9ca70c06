# SPDX-License-Identifier: LGPL-2.1-or-later
# fsp build.  Plain make, no configure step: every tool needed is in
# Debian 12's build-essential (see .ci/run and `make deps`).
#
#   make            libfsp (shared + static), memfs, tools, tests
#   make run        build and mount memfs on ./mnt in the foreground
#   make test       the whole suite (unit, integration, then ASan+UBSan)
#   make SAN=asan   a sanitizer build in build-asan/ (also SAN=tsan)
#   make install-compat / uninstall-compat
#                   fsp's libfuse libraries for the whole machine, and back
#   make install / uninstall [PREFIX=/usr/local DESTDIR= LIBDIR=]
#                   libfsp, headers, fsp.pc, programs, man pages (mk/install.mk)
#   make test-packages
#                   build the Debian packages, install them in a clean root
#   make test-packages-arm64
#                   the same cross-built for arm64, used under qemu-user

CC       ?= cc
SAN      ?=
BUILD    ?= build$(if $(SAN),-$(SAN))
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
CSTD     := -std=c11
CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE
LDLIBS   += -luring -lpthread

ifeq ($(SAN),asan)
  CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(SAN),tsan)
  CFLAGS  += -fsanitize=thread -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=thread
endif
# libFuzzer builds (make fuzz-build): everything instrumented for
# coverage and checked by ASan+UBSan; only the fuzz targets link libFuzzer.
ifeq ($(SAN),fuzz)
  CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
endif
ifneq ($(WERROR),)
  WARN += -Werror
endif
# Quiet by default: compiler and linker command lines only with V=1 (their
# warnings and errors always show).
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
MAKEFLAGS += --no-print-directory
# Objects made on the way (tests, tools) stay: rebuilds are incremental.
.SECONDARY:

ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -fPIC -MMD -MP

VERSION  := 0.2.0
SOVER    := 1

LIB_SRCS := $(sort $(wildcard src/kernel/*.c src/session/*.c src/native/*.c src/native/security/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libfsp.a
LIB_SO   := $(BUILD)/libfsp.so.$(SOVER)

MEMFS_SRCS := $(sort $(wildcard fs/memfs/*.c))
MEMFS      := $(BUILD)/memfs

PT_SRCS    := $(sort $(wildcard fs/passthrough/*.c))
PASSTHROUGH := $(BUILD)/passthrough

TOOLS_SRCS := $(sort $(wildcard tools/*.c))
TOOLS      := $(TOOLS_SRCS:tools/%.c=$(BUILD)/%)

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

# LD_PRELOAD shims of the shell tests (tests/shims).
SHIMS      := $(patsubst tests/shims/%.c,$(BUILD)/tests/%.so,$(wildcard tests/shims/*.c))

# Small programs the shell tests run (tests/helpers).
HELPERS    := $(patsubst tests/helpers/%.c,$(BUILD)/tests/%,$(wildcard tests/helpers/*.c))

ITEST_SRCS := $(sort $(wildcard tests/integration/*.c))
ITEST      := $(BUILD)/tests/fsp-itest

# fsp-tests: the conformance suite that runs against any mount point.
CONF_SRCS  := $(sort $(wildcard tests/conformance/*.c))
CONF       := $(if $(CONF_SRCS),$(BUILD)/fsp-tests)

# fsp-bench: the side-by-side benchmark (its own make target, not in test).
BENCH_SRCS := $(sort $(wildcard tools/bench/*.c))
BENCH      := $(if $(BENCH_SRCS),$(BUILD)/fsp-bench)

# fsp-chaos: load and chaos on memfs (tests/chaos.sh; `make chaos` for a long run).
CHAOS_SRCS := $(sort $(wildcard tests/chaos/*.c))
CHAOS      := $(if $(CHAOS_SRCS),$(BUILD)/fsp-chaos)

# libfuse compatibility (issue 4): drop-in libfuse3.so.3 on fsp's lower
# layers.  Its sources see libfuse's header names (include/fuse3).
COMPAT3_SRCS := $(sort $(wildcard src/compat/fuse3/*.c))
COMPAT3_OBJS := $(COMPAT3_SRCS:%.c=$(BUILD)/%.o)
LIBFUSE3     := $(if $(COMPAT3_SRCS),$(BUILD)/compat/libfuse3.so.3)
FUSE3_PC     := $(if $(COMPAT3_SRCS),$(BUILD)/pkgconfig/fuse3.pc $(BUILD)/pkgconfig/fuse3-314.pc)
# The same sources once more with libfuse 3.18's ABI (issue 13):
# libfuse3.so.4, what fuse3.pc gives new builds.  fuse3-314.pc builds
# against the 3.14 ABI (libfuse3.so.3).
COMPAT318_OBJS := $(COMPAT3_SRCS:%.c=$(BUILD)/compat318/%.o)
LIBFUSE3_4   := $(if $(COMPAT3_SRCS),$(BUILD)/compat/libfuse3.so.4)

PC         := $(BUILD)/pkgconfig/fsp.pc

# Fuzz targets (tests/fuzz, clang's libFuzzer): `make fuzz-build` builds
# them in build-fuzz/fuzz/, `make fuzz FUZZ_SECONDS=N` runs each for N s
# (tests/fuzz.sh: the corpus as a regression test, then fuzzing).
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 600

.PHONY: fuzz fuzz-build fuzz-targets
.PHONY: all lib run test test-fast test-asan test-tsan soak chaos deps clean install-compat uninstall-compat test-libfuse318 \
        arm64 test-arm64 test-arm64-asan
all: lib $(MEMFS) $(PASSTHROUGH) $(TOOLS) $(UNIT_BINS) $(ITEST) $(CONF) $(BENCH) $(CHAOS) $(LIBFUSE3) $(LIBFUSE3_4) $(FUSE3_PC) $(SHIMS) $(HELPERS)
lib: $(LIB_A) $(LIB_SO) $(PC)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/src/compat/fuse3/%.o: src/compat/fuse3/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -Iinclude/fuse3 -DFSP_FUSE_ABI=314 $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/compat318/src/compat/fuse3/%.o: src/compat/fuse3/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -Iinclude/fuse3 -DFSP_FUSE_ABI=318 $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBFUSE3): $(COMPAT3_OBJS) $(LIB_OBJS) src/compat/fuse3/fuse3.map
	@mkdir -p $(dir $@) $(dir $@)abi314
	$(Q)$(CC) -shared -o $@ $(COMPAT3_OBJS) $(LIB_OBJS) $(LDFLAGS) \
	    -Wl,-soname,libfuse3.so.3 -Wl,--version-script=src/compat/fuse3/fuse3.map $(LDLIBS)
	$(Q)ln -sf ../libfuse3.so.3 $(BUILD)/compat/abi314/libfuse3.so

$(LIBFUSE3_4): $(COMPAT318_OBJS) $(LIB_OBJS) src/compat/fuse3/fuse3_318.map
	@mkdir -p $(dir $@)
	$(Q)$(CC) -shared -o $@ $(COMPAT318_OBJS) $(LIB_OBJS) $(LDFLAGS) \
	    -Wl,-soname,libfuse3.so.4 -Wl,--version-script=src/compat/fuse3/fuse3_318.map $(LDLIBS)
	$(Q)ln -sf libfuse3.so.4 $(BUILD)/compat/libfuse3.so

$(BUILD)/pkgconfig/fuse3.pc: Makefile
	@mkdir -p $(dir $@)
	$(Q)printf 'prefix=%s\nincludedir=$${prefix}/include\nlibdir=$${prefix}/%s/compat\n\nName: fuse3\nDescription: libfuse 3 API on fsp (libfuse 3.18 ABI, libfuse3.so.4)\nVersion: 3.18.3\nCflags: -I$${includedir}/fuse3\nLibs: -L$${libdir} -lfuse3 -lpthread\n' \
	    "$(CURDIR)" "$(BUILD)" > $@

$(BUILD)/pkgconfig/fuse3-314.pc: Makefile
	@mkdir -p $(dir $@)
	$(Q)printf 'prefix=%s\nincludedir=$${prefix}/include\nlibdir=$${prefix}/%s/compat\n\nName: fuse3\nDescription: libfuse 3 API on fsp (libfuse 3.14 ABI, libfuse3.so.3)\nVersion: 3.14.0\nCflags: -I$${includedir}/fuse3 -DFSP_FUSE_ABI=314\nLibs: -L$${libdir}/abi314 -lfuse3 -lpthread\n' \
	    "$(CURDIR)" "$(BUILD)" > $@

$(LIB_A): $(LIB_OBJS)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(LIB_SO): $(LIB_OBJS) src/libfsp.map
	$(Q)$(CC) -shared -o $@ $(LIB_OBJS) $(LDFLAGS) -Wl,-soname,libfsp.so.$(SOVER) \
	    -Wl,--version-script=src/libfsp.map $(LDLIBS)
	$(Q)ln -sf libfsp.so.$(SOVER) $(BUILD)/libfsp.so

$(PC): Makefile
	@mkdir -p $(dir $@)
	$(Q)printf 'prefix=%s\nincludedir=$${prefix}/include\nlibdir=$${prefix}/%s\n\nName: fsp\nDescription: fsp, the File System Proxy for Linux (native API)\nVersion: %s\nCflags: -I$${includedir}\nLibs: -L$${libdir} -lfsp -luring -lpthread\n' \
	    "$(CURDIR)" "$(BUILD)" "$(VERSION)" > $@

$(MEMFS): $(MEMFS_SRCS:%.c=$(BUILD)/%.o) $(LIB_A)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(PASSTHROUGH): $(PT_SRCS:%.c=$(BUILD)/%.o) $(LIB_A)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# fsptool's subcommands, one file each (tools/fsptool/).
FSPTOOL_SUB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(sort $(wildcard tools/fsptool/*.c)))
$(BUILD)/fsptool: $(BUILD)/tools/fsptool.o $(FSPTOOL_SUB_OBJS) $(LIB_A)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%: $(BUILD)/tools/%.o $(LIB_A)
	$(Q)$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

# fsptool's subcommands that have files of their own (tools/fsptool/).
$(BUILD)/fsptool: $(patsubst %.c,$(BUILD)/%.o,$(wildcard tools/fsptool/*.c))
$(BUILD)/tools/fsptool.o $(BUILD)/tools/fsptool/%.o: CPPFLAGS += -Itools

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# LD_PRELOAD shims of the shell tests: plain flags, so that they load
# into any build's programs.
$(BUILD)/tests/%.so: tests/shims/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CSTD) $(WARN) -O2 -fPIC -shared -o $@ $< -ldl

$(BUILD)/tests/fsp-%: tests/helpers/fsp-%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

# Fault injection (tests/unit/test_fault_*.c) serves memfs in-process; the
# allocation test wraps the allocator of everything it links, so it can
# fail the Nth malloc/calloc/realloc/strdup of fsp and memfs.
MEMFS_LIB_OBJS := $(filter-out %/main.o,$(MEMFS_SRCS:%.c=$(BUILD)/%.o))
FAULT_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
$(BUILD)/tests/test_fault_%: $(BUILD)/tests/unit/test_fault_%.o $(MEMFS_LIB_OBJS) $(LIB_A)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) $(if $(filter alloc,$*),$(FAULT_WRAP)) -o $@ $^ $(LDLIBS)

# The long fault-injection runs (the short ones are unit tests).
.PHONY: faults
faults:
	$(MAKE) -j2 SAN=asan build-asan/tests/test_fault_alloc build-asan/tests/test_fault_callbacks
	FSP_FAULT_LONG=1 build-asan/tests/test_fault_alloc
	FSP_FAULT_LONG=1 build-asan/tests/test_fault_callbacks

# memfs's directory trees and page pool are tested on their own, without
# a mount.
$(BUILD)/tests/test_memfs_dir: $(BUILD)/fs/memfs/dir.o
$(BUILD)/tests/test_page_pool: $(BUILD)/fs/memfs/page_pool.o

$(ITEST): $(ITEST_SRCS:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fsp-tests: $(CONF_SRCS:%.c=$(BUILD)/%.o) $(LIB_A)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fsp-bench: $(BENCH_SRCS:%.c=$(BUILD)/%.o) $(LIB_A)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fsp-chaos: $(CHAOS_SRCS:%.c=$(BUILD)/%.o)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -Iinclude/fuse3 -DFSP_FUSE_ABI=314 $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) $(FUZZ_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

# What each target drives besides libfsp.
$(BUILD)/fuzz/fuzz_native: $(MEMFS_LIB_OBJS)
$(BUILD)/fuzz/fuzz_fuse3 $(BUILD)/fuzz/fuzz_fuse_opt $(BUILD)/fuzz/fuzz_cmdline: $(COMPAT3_OBJS)

fuzz-targets: $(FUZZ_BINS)

fuzz-build:
	$(MAKE) -j2 CC=clang SAN=fuzz WERROR=1 fuzz-targets

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz.sh build-fuzz

run: $(MEMFS) $(BUILD)/fsptool
	@mkdir -p mnt
	$(MEMFS) -f $(MEMFS_ARGS) mnt

deps:
	@tests/deps.sh

# The whole suite: what the README names and what CI runs.
test: deps
	@echo "test: building build/ (gcc), build-clang/ (clang) and build-asan/ (gcc, ASan+UBSan); V=1 shows the commands"
	$(Q)$(MAKE) -j2 WERROR=1 all
	$(Q)$(MAKE) -j2 WERROR=1 CC=clang BUILD=build-clang all
	$(Q)$(MAKE) -j2 WERROR=1 SAN=asan all
	tests/run.sh build build-asan

test-fast: all
	tests/run.sh $(BUILD)

# ThreadSanitizer on the dispatcher: the whole suite against a TSan build.
test-tsan: deps
	$(MAKE) -j2 SAN=tsan all
	TSAN_OPTIONS=halt_on_error=1 tests/run.sh build-tsan

soak: all
	FSP_SOAK=1 tests/run.sh $(BUILD)

# libfuse 3.14's, 3.17's and 3.18's own examples and test_syscalls, from Debian's
# source packages, built against fsp's headers on libfuse3.so.4 (issue 13;
# fetches once into /var/cache/fsp-test; a few minutes the first time).
test-libfuse318: all
	tests/compat/libfuse_src.sh $(BUILD)

# The Windows-semantics and export tests in every mount configuration
# (io_uring, writeback caching, -C, read-only; tests/windows_matrix.sh).
.PHONY: test-windows-matrix
test-windows-matrix: all
	tests/windows_matrix.sh $(BUILD)

# Load and chaos for CHAOS_SECONDS per configuration (default 120).
CHAOS_SECONDS ?= 120
chaos: all
	tests/chaos.sh $(BUILD) $(CHAOS_SECONDS)

# aarch64 with Debian's cross toolchain into build-arm64 (docs/arm64.md);
# test-arm64 runs the portable suites on it under qemu-user beside the
# native ones (tests/arm64.sh, which tests/run.sh runs too).
ARM64_BUILD ?= build-arm64$(if $(SAN),-$(SAN))
arm64:
	$(MAKE) CC=aarch64-linux-gnu-gcc AR=aarch64-linux-gnu-ar \
	    OBJCOPY=aarch64-linux-gnu-objcopy BUILD=$(ARM64_BUILD) all

test-arm64: deps
	$(MAKE) -j2 WERROR=1 all
	tests/arm64.sh $(BUILD)

# The same with an ASan+UBSan aarch64 build (unit tests and fsp-itest).
test-arm64-asan: deps
	$(MAKE) -j2 WERROR=1 all
	FSP_ARM64_SAN=asan tests/arm64.sh $(BUILD)

# The explicit, reversible system-wide step for the libfuse libraries
# (root); the build itself never installs anything.
install-compat: all
	tools/compat-install.sh install $(BUILD)

uninstall-compat:
	tools/compat-install.sh uninstall

clean:
	rm -rf build build-*

# Language bindings (issue 14, docs/bindings-*.md): `make bindings` runs
# every bindings/*/build.sh after the C build; each builds its binding when
# its toolchain is installed and says why not otherwise.  The Java
# binding's JNI library is C and built here, with the project's warnings.
JDK ?= $(or $(JAVA_HOME),$(patsubst %/bin/javac,%,$(realpath $(shell command -v javac 2>/dev/null))))
JNI_LIB := $(BUILD)/bindings/java/libfspjni.so
.PHONY: bindings
bindings: all
	+$(Q)for b in bindings/*/build.sh; do "$$b" "$(BUILD)" || exit 1; done

$(JNI_LIB): bindings/java/native/fsp_jni.c $(LIB_SO)
	@mkdir -p $(dir $@)
	$(Q)test -f "$(JDK)/include/jni.h" || { echo "no jni.h under JDK=$(JDK)" >&2; exit 1; }
	$(Q)$(CC) $(CPPFLAGS) -I"$(JDK)/include" -I"$(JDK)/include/linux" \
	    $(ALL_CFLAGS) -shared -Wl,-soname,libfspjni.so -Wl,-rpath,'$$ORIGIN/../..' \
	    -o $@ $< $(LIB_SO) $(LDFLAGS) -lpthread

# libfuse 2 compatibility keeps its own rules next to its sources; they
# may add to COMPAT_TARGETS, which `all` builds.
-include src/compat/fuse2/build.mk
all: $(COMPAT_TARGETS)
# The launcher, mount.fsp and the systemd units (issue 12).
include services/build.mk
all: $(SERVICE_TARGETS)

include mk/install.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
