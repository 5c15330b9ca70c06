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

# make install / uninstall add these (mk/install.mk has the variables).
# mount.fsp goes where mount(8) looks for helpers (/sbin, as Debian's
# mount.fuse3), whatever PREFIX is; fsp's program directory gets a link
# to each file system program fsp ships.
SBINDIR        ?= $(PREFIX)/sbin
MOUNTHELPERDIR ?= /sbin
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
PROGDIR_FS     := memfs passthrough
UNITS_IN       := $(wildcard services/systemd/*.in)
UNITS_PLAIN    := $(filter-out %.in,$(wildcard services/systemd/fsp*))
unit_subst = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
                 -e 's|@MOUNTHELPERDIR@|$(MOUNTHELPERDIR)|g'

.PHONY: install-services uninstall-services
installable: $(SERVICE_TARGETS)
install: install-services
uninstall: uninstall-services

install-services: $(SERVICE_BINS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MOUNTHELPERDIR) \
	    $(DESTDIR)$(FSP_PROGDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	$(INSTALL) -m 0755 $(BUILD)/fsp-launchctl $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0755 $(BUILD)/fsp-launcher $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0755 $(BUILD)/mount.fsp $(DESTDIR)$(MOUNTHELPERDIR)/
	for p in $(PROGDIR_FS); do ln -sf $(BINDIR)/$$p $(DESTDIR)$(FSP_PROGDIR)/$$p; done
	$(INSTALL) -m 0644 $(UNITS_PLAIN) $(DESTDIR)$(SYSTEMDUNITDIR)/
	set -e; for u in $(UNITS_IN); do \
	    n=$${u##*/}; $(unit_subst) $$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$${n%.in}; \
	    chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${n%.in}; \
	done

uninstall-services:
	rm -f $(DESTDIR)$(BINDIR)/fsp-launchctl $(DESTDIR)$(SBINDIR)/fsp-launcher \
	    $(DESTDIR)$(MOUNTHELPERDIR)/mount.fsp
	rm -f $(addprefix $(DESTDIR)$(FSP_PROGDIR)/,$(PROGDIR_FS))
	-rmdir $(DESTDIR)$(FSP_PROGDIR) 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(notdir $(UNITS_PLAIN)) \
	    $(patsubst %.in,%,$(notdir $(UNITS_IN))))
