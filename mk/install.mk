# SPDX-License-Identifier: LGPL-2.1-or-later
# make install / make uninstall, included by the Makefile (issue 16).
#
#   make install [PREFIX=/usr/local] [DESTDIR=stage] [LIBDIR=...]
#   make uninstall (same variables: removes exactly what install put)
#
# LIBDIR is where libfsp and fsp.pc go; packagers name the multiarch
# directory (debian/rules: LIBDIR=/usr/lib/$(DEB_HOST_MULTIARCH)).
# fsp.pc is written here with the installed paths, not the build
# tree's.  The libfuse libraries are not part of this: they replace
# Debian's for every program, so they stay the explicit install-compat
# step (or the fsp-libfuse-compat package).

PREFIX       ?= /usr/local
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
MANDIR       ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL      ?= install

# What install puts in BINDIR (tests and fsp-bench only when built from
# sources that exist, like `all`).
INSTALL_BINS := $(MEMFS) $(PASSTHROUGH) $(TOOLS) $(CONF) $(BENCH)
PUBLIC_HDRS  := $(sort $(wildcard include/fsp/*.h))
MAN_PAGES    := $(sort $(wildcard man/*.[1-8]))

# Everything install needs and nothing of the test suite (the Debian
# build uses this instead of `all`, which builds the tests too).
.PHONY: install uninstall installable
installable: lib $(INSTALL_BINS) $(LIBFUSE3) $(LIBFUSE3_4) $(COMPAT_TARGETS)

# The other names a page documents (.Nm lines of its NAME section)
# become links to it: man fsp_fs_mount opens fsp_fs_new(3).
man_aliases = sed -n '/^\.Sh NAME/,/^\.Nd/s/^\.Nm \([^ ,]*\).*/\1/p' $(1)

install: lib $(INSTALL_BINS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(INCLUDEDIR)/fsp
	$(INSTALL) -m 0755 $(INSTALL_BINS) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(LIB_SO) $(DESTDIR)$(LIBDIR)/libfsp.so.$(SOVER)
	ln -sf libfsp.so.$(SOVER) $(DESTDIR)$(LIBDIR)/libfsp.so
	$(INSTALL) -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libfsp.a
	$(INSTALL) -m 0644 $(PUBLIC_HDRS) $(DESTDIR)$(INCLUDEDIR)/fsp/
	printf 'prefix=%s\nincludedir=%s\nlibdir=%s\n\nName: fsp\nDescription: fsp, the File System Proxy for Linux (native API)\nVersion: %s\nRequires.private: liburing\nCflags: -I$${includedir}\nLibs: -L$${libdir} -lfsp\nLibs.private: -lpthread\n' \
	    "$(PREFIX)" "$(INCLUDEDIR)" "$(LIBDIR)" "$(VERSION)" \
	    > $(DESTDIR)$(PKGCONFIGDIR)/fsp.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/fsp.pc
	set -e; for page in $(MAN_PAGES); do \
	    sec=$${page##*.}; name=$${page##*/}; \
	    dir=$(DESTDIR)$(MANDIR)/man$$sec; \
	    $(INSTALL) -d $$dir; $(INSTALL) -m 0644 $$page $$dir/; \
	    for alias in $$($(call man_aliases,$$page)); do \
	        [ "$$alias.$$sec" = "$$name" ] || ln -sf $$name $$dir/$$alias.$$sec; \
	    done; \
	done
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(INSTALL_BINS)))
	rm -f $(DESTDIR)$(LIBDIR)/libfsp.so.$(SOVER) $(DESTDIR)$(LIBDIR)/libfsp.so \
	    $(DESTDIR)$(LIBDIR)/libfsp.a $(DESTDIR)$(PKGCONFIGDIR)/fsp.pc
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/fsp/,$(notdir $(PUBLIC_HDRS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/fsp 2>/dev/null
	set -e; for page in $(MAN_PAGES); do \
	    sec=$${page##*.}; dir=$(DESTDIR)$(MANDIR)/man$$sec; \
	    rm -f $$dir/$${page##*/}; \
	    for alias in $$($(call man_aliases,$$page)); do \
	        rm -f $$dir/$$alias.$$sec; \
	    done; \
	done
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

# The Debian packages, built from a copy of the tree and installed into
# a clean Debian 12 root (root; slow the first time: debootstrap).
.PHONY: test-packages
test-packages:
	tests/packages.sh

# The same for arm64: cross-built with -a arm64, installed into an arm64
# Debian 12 root and used there under qemu-user (docs/arm64.md).
.PHONY: test-packages-arm64
test-packages-arm64:
	tests/packages_arm64.sh
