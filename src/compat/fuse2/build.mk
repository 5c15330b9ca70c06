# SPDX-License-Identifier: LGPL-2.1-or-later
# libfuse.so.2 (libfuse 2.9 ABI) on fsp, included by the Makefile.
#
# libfuse 2 and 3 export the same names with different ABIs, so the
# fuse3 sources are built a second time for this library with
# fuse3_renames.h forced in (their public names become fsp3_*), the
# .symver aliases of that build (fuse_new@@FUSE_3.1, ...) are stripped
# because no FUSE_3.x node exists here, and the 2.x API is defined by
# fuse2_*.c and ll2_*.c, which see only include/fuse.  f3_*.c are the
# files built the fuse3 way that know both (through bridge.h's plain
# types).

F2_DIR      := src/compat/fuse2
F2_F3_SIDE  := $(sort $(wildcard $(F2_DIR)/f3_*.c))
F2_SIDE     := $(filter-out $(F2_F3_SIDE),$(sort $(wildcard $(F2_DIR)/*.c)))
F2_OBJS     := $(F2_SIDE:%.c=$(BUILD)/%.o)
F2_F3_OBJS  := $(COMPAT3_SRCS:src/compat/fuse3/%.c=$(BUILD)/compat2/fuse3/%.o) \
               $(F2_F3_SIDE:$(F2_DIR)/%.c=$(BUILD)/compat2/%.o)
LIBFUSE2    := $(BUILD)/compat/libfuse.so.2
FUSE2_PC    := $(BUILD)/pkgconfig/fuse.pc
F2_F3_FLAGS := -Iinclude/fuse3 -DFSP_FUSE_ABI=314 -include $(F2_DIR)/fuse3_renames.h
OBJCOPY     ?= objcopy

COMPAT_TARGETS += $(LIBFUSE2) $(FUSE2_PC)

$(BUILD)/$(F2_DIR)/%.o: $(F2_DIR)/%.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -Iinclude/fuse $(CPPFLAGS) -D_FILE_OFFSET_BITS=64 $(ALL_CFLAGS) -c -o $@ $<

# The versioned aliases name FUSE_3.x nodes this library must not have.
# Compiled to a temporary so an interrupted build never leaves an object
# that still has them.
$(BUILD)/compat2/fuse3/%.o: src/compat/fuse3/%.c $(F2_DIR)/fuse3_renames.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(F2_F3_FLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -MF $(@:.o=.d) -MT $@ \
	    -c -o $@.tmp $<
	$(Q)$(OBJCOPY) --wildcard --strip-symbol='*@*' $@.tmp $@
	@rm -f $@.tmp

$(BUILD)/compat2/f3_%.o: $(F2_DIR)/f3_%.c $(F2_DIR)/fuse3_renames.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(F2_F3_FLAGS) $(CPPFLAGS) $(ALL_CFLAGS) -MF $(@:.o=.d) -MT $@ \
	    -c -o $@ $<

$(LIBFUSE2): $(F2_OBJS) $(F2_F3_OBJS) $(LIB_OBJS) $(F2_DIR)/fuse2.map
	@mkdir -p $(dir $@)
	$(Q)$(CC) -shared -o $@ $(F2_OBJS) $(F2_F3_OBJS) $(LIB_OBJS) $(LDFLAGS) \
	    -Wl,-soname,libfuse.so.2 -Wl,--version-script=$(F2_DIR)/fuse2.map $(LDLIBS)
	$(Q)ln -sf libfuse.so.2 $(BUILD)/compat/libfuse.so

$(FUSE2_PC): $(F2_DIR)/build.mk
	@mkdir -p $(dir $@)
	$(Q)printf 'prefix=%s\nincludedir=$${prefix}/include\nlibdir=$${prefix}/%s/compat\n\nName: fuse\nDescription: libfuse 2 API on fsp\nVersion: 2.9.9\nCflags: -I$${includedir}/fuse -D_FILE_OFFSET_BITS=64\nLibs: -L$${libdir} -lfuse -pthread\n' \
	    "$(CURDIR)" "$(BUILD)" > $@

-include $(F2_OBJS:.o=.d) $(F2_F3_OBJS:.o=.d)
