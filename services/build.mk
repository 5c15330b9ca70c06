# SPDX-License-Identifier: LGPL-2.1-or-later
# fsp-launcher and fsp-launchctl (services/launcher), mount.fsp
# (services/mount) and the systemd units (services/systemd): issue 12.
# Included by the Makefile; install rules in mk/install.mk.

PREFIX        ?= /usr/local
LIBEXECDIR    ?= $(PREFIX)/libexec
# fsp's program directory: mount -t fsp.TYPE runs $(FSP_PROGDIR)/TYPE.
FSP_PROGDIR   ?= $(LIBEXECDIR)/fsp

LAUNCHER_SRCS := $(sort $(wildcard services/launcher/*.c))
LAUNCHER_OBJS := $(filter-out %/launcher.o %/launchctl.o,$(LAUNCHER_SRCS:%.c=$(BUILD)/%.o))
SERVICE_BINS  := $(BUILD)/fsp-launcher $(BUILD)/fsp-launchctl $(BUILD)/mount.fsp
SERVICE_TARGETS := $(SERVICE_BINS)

$(BUILD)/fsp-launcher: $(BUILD)/services/launcher/launcher.o $(LAUNCHER_OBJS) $(LIB_A)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fsp-launchctl: $(BUILD)/services/launcher/launchctl.o $(BUILD)/services/launcher/proto.o
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# The program directory is compiled in: rewrite its header only when it
# changes, so that `make install PREFIX=...` rebuilds what depends on it.
PROGDIR_H := $(BUILD)/services/progdir.h
.PHONY: progdir-force
$(PROGDIR_H): progdir-force
	@mkdir -p $(dir $@)
	@printf '#define FSP_PROGDIR "%s"\n' '$(FSP_PROGDIR)' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(BUILD)/services/mount/mount_fsp.o: services/mount/mount_fsp.c $(PROGDIR_H)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -include $(PROGDIR_H) -c -o $@ $<

$(BUILD)/mount.fsp: $(BUILD)/services/mount/mount_fsp.o
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# The launcher's parsers for the fuzz targets (tests/fuzz).
$(BUILD)/fuzz/fuzz_launcher_proto: $(BUILD)/services/launcher/proto.o
$(BUILD)/fuzz/fuzz_launcher_conf: $(BUILD)/services/launcher/conf.o \
    $(BUILD)/services/launcher/template.o $(BUILD)/services/launcher/proto.o
