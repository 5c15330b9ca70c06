/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wire protocol definitions against the kernel ABI.  The header already
 * refuses to compile if a struct size drifts; these cases pin the field
 * offsets, flag bits and opcode numbers that a size check cannot see, so
 * a swapped pair of fields or a mistyped bit shows up as a FAIL line.
 * Expected numbers come from include/uapi/linux/fuse.h at 7.45.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../check.h"
#include "kernel/wire.h"

CHECK_DEFINE_GLOBALS;

static void headers(void)
{
    CHECK_EQ(sizeof(struct wire_in_header), 40);
    CHECK_EQ(offsetof(struct wire_in_header, len), 0);
    CHECK_EQ(offsetof(struct wire_in_header, opcode), 4);
    CHECK_EQ(offsetof(struct wire_in_header, unique), 8);
    CHECK_EQ(offsetof(struct wire_in_header, nodeid), 16);
    CHECK_EQ(offsetof(struct wire_in_header, uid), 24);
    CHECK_EQ(offsetof(struct wire_in_header, gid), 28);
    CHECK_EQ(offsetof(struct wire_in_header, pid), 32);
    CHECK_EQ(offsetof(struct wire_in_header, total_extlen), 36);
    CHECK_EQ(offsetof(struct wire_in_header, padding), 38);

    CHECK_EQ(sizeof(struct wire_out_header), 16);
    CHECK_EQ(offsetof(struct wire_out_header, error), 4);
    CHECK_EQ(offsetof(struct wire_out_header, unique), 8);
}

static void attr_and_entry(void)
{
    CHECK_EQ(sizeof(struct wire_attr), 88);
    CHECK_EQ(offsetof(struct wire_attr, atimensec), 48);
    CHECK_EQ(offsetof(struct wire_attr, mode), 60);
    CHECK_EQ(offsetof(struct wire_attr, rdev), 76);
    CHECK_EQ(offsetof(struct wire_attr, blksize), 80);
    CHECK_EQ(offsetof(struct wire_attr, flags), 84);

    CHECK_EQ(sizeof(struct wire_entry_out), 128);
    CHECK_EQ(offsetof(struct wire_entry_out, entry_valid), 16);
    CHECK_EQ(offsetof(struct wire_entry_out, entry_valid_nsec), 32);
    CHECK_EQ(offsetof(struct wire_entry_out, attr), 40);
    CHECK_EQ(WIRE_COMPAT_ENTRY_OUT_SIZE, 120);

    CHECK_EQ(sizeof(struct wire_attr_out), 104);
    CHECK_EQ(offsetof(struct wire_attr_out, attr), 16);
    CHECK_EQ(WIRE_COMPAT_ATTR_OUT_SIZE, 96);

    CHECK_EQ(sizeof(struct wire_setattr_in), 88);
    CHECK_EQ(offsetof(struct wire_setattr_in, fh), 8);
    CHECK_EQ(offsetof(struct wire_setattr_in, atime), 32);
    CHECK_EQ(offsetof(struct wire_setattr_in, mode), 68);
    CHECK_EQ(offsetof(struct wire_setattr_in, uid), 76);
    CHECK_EQ(offsetof(struct wire_setattr_in, gid), 80);
}

static void init_structs(void)
{
    CHECK_EQ(sizeof(struct wire_init_in), 64);
    CHECK_EQ(offsetof(struct wire_init_in, flags), 12);
    CHECK_EQ(offsetof(struct wire_init_in, flags2), 16);

    CHECK_EQ(sizeof(struct wire_init_out), 64);
    CHECK_EQ(offsetof(struct wire_init_out, max_background), 16);
    CHECK_EQ(offsetof(struct wire_init_out, congestion_threshold), 18);
    CHECK_EQ(offsetof(struct wire_init_out, max_write), 20);
    CHECK_EQ(offsetof(struct wire_init_out, time_gran), 24);
    CHECK_EQ(offsetof(struct wire_init_out, max_pages), 28);
    CHECK_EQ(offsetof(struct wire_init_out, map_alignment), 30);
    CHECK_EQ(offsetof(struct wire_init_out, flags2), 32);
    CHECK_EQ(offsetof(struct wire_init_out, max_stack_depth), 36);
    CHECK_EQ(offsetof(struct wire_init_out, request_timeout), 40);
    CHECK_EQ(offsetof(struct wire_init_out, unused), 42);
    CHECK_EQ(WIRE_COMPAT_INIT_OUT_SIZE, 8);
    CHECK_EQ(WIRE_COMPAT_22_INIT_OUT_SIZE, 24);

    CHECK_EQ(sizeof(struct wire_cuse_init_out), 72);
    CHECK_EQ(offsetof(struct wire_cuse_init_out, dev_major), 24);

    CHECK_EQ(WIRE_KERNEL_VERSION, 7);
    CHECK_EQ(WIRE_KERNEL_MINOR_VERSION, 45);
    CHECK_EQ(WIRE_ROOT_ID, 1);
    CHECK_EQ(WIRE_MIN_READ_BUFFER, 8192);
}

static void io_structs(void)
{
    CHECK_EQ(sizeof(struct wire_open_out), 16);
    CHECK_EQ(offsetof(struct wire_open_out, open_flags), 8);
    CHECK_EQ(offsetof(struct wire_open_out, backing_id), 12);

    CHECK_EQ(sizeof(struct wire_read_in), 40);
    CHECK_EQ(offsetof(struct wire_read_in, size), 16);
    CHECK_EQ(offsetof(struct wire_read_in, lock_owner), 24);
    CHECK_EQ(offsetof(struct wire_read_in, flags), 32);

    CHECK_EQ(sizeof(struct wire_write_in), 40);
    CHECK_EQ(offsetof(struct wire_write_in, write_flags), 20);
    CHECK_EQ(WIRE_COMPAT_WRITE_IN_SIZE, 24);
    CHECK_EQ(sizeof(struct wire_notify_retrieve_in),
             sizeof(struct wire_write_in));

    CHECK_EQ(sizeof(struct wire_lk_in), 48);
    CHECK_EQ(offsetof(struct wire_lk_in, lk), 16);
    CHECK_EQ(offsetof(struct wire_lk_in, lk_flags), 40);

    CHECK_EQ(sizeof(struct wire_kstatfs), 80);
    CHECK_EQ(offsetof(struct wire_kstatfs, frsize), 48);
    CHECK_EQ(WIRE_COMPAT_STATFS_SIZE, 48);

    CHECK_EQ(sizeof(struct wire_setxattr_in), 16);
    CHECK_EQ(WIRE_COMPAT_SETXATTR_IN_SIZE, 8);

    CHECK_EQ(sizeof(struct wire_ioctl_in), 32);
    CHECK_EQ(offsetof(struct wire_ioctl_in, arg), 16);
    CHECK_EQ(sizeof(struct wire_copy_file_range_in), 56);
    CHECK_EQ(offsetof(struct wire_copy_file_range_in, nodeid_out), 16);
    CHECK_EQ(sizeof(struct wire_copy_file_range_out), 8);
}

static void statx_structs(void)
{
    CHECK_EQ(sizeof(struct wire_sx_time), 16);
    CHECK_EQ(sizeof(struct wire_statx), 256);
    CHECK_EQ(offsetof(struct wire_statx, attributes), 8);
    CHECK_EQ(offsetof(struct wire_statx, mode), 28);
    CHECK_EQ(offsetof(struct wire_statx, ino), 32);
    CHECK_EQ(offsetof(struct wire_statx, attributes_mask), 56);
    CHECK_EQ(offsetof(struct wire_statx, atime), 64);
    CHECK_EQ(offsetof(struct wire_statx, btime), 80);
    CHECK_EQ(offsetof(struct wire_statx, ctime), 96);
    CHECK_EQ(offsetof(struct wire_statx, mtime), 112);
    CHECK_EQ(offsetof(struct wire_statx, rdev_major), 128);
    CHECK_EQ(offsetof(struct wire_statx, dev_minor), 140);
    CHECK_EQ(offsetof(struct wire_statx, __spare2), 144);

    CHECK_EQ(sizeof(struct wire_statx_in), 24);
    CHECK_EQ(offsetof(struct wire_statx_in, sx_flags), 16);
    CHECK_EQ(offsetof(struct wire_statx_in, sx_mask), 20);
    CHECK_EQ(sizeof(struct wire_statx_out), 288);
    CHECK_EQ(offsetof(struct wire_statx_out, stat), 32);
}

static void dirents(void)
{
    CHECK_EQ(sizeof(struct wire_dirent), 24);
    CHECK_EQ(WIRE_NAME_OFFSET, 24);
    CHECK_EQ(sizeof(struct wire_direntplus), 152);
    CHECK_EQ(WIRE_NAME_OFFSET_DIRENTPLUS, 152);

    CHECK_EQ(WIRE_DIRENT_ALIGN(0), 0);
    CHECK_EQ(WIRE_DIRENT_ALIGN(1), 8);
    CHECK_EQ(WIRE_DIRENT_ALIGN(8), 8);
    CHECK_EQ(WIRE_DIRENT_ALIGN(25), 32);

    /* Records for names of 1, 8 and 9 bytes. */
    struct wire_dirent d = { .namelen = 1 };
    CHECK_EQ(WIRE_DIRENT_SIZE(&d), 32);
    d.namelen = 8;
    CHECK_EQ(WIRE_DIRENT_SIZE(&d), 32);
    d.namelen = 9;
    CHECK_EQ(WIRE_DIRENT_SIZE(&d), 40);

    struct wire_direntplus *dp = calloc(1, sizeof(*dp) + 8);
    REQUIRE(dp != NULL);
    dp->dirent.namelen = 3;
    CHECK_EQ(WIRE_DIRENTPLUS_SIZE(dp), 160);
    free(dp);
}

static void notify_and_ext(void)
{
    CHECK_EQ(sizeof(struct wire_notify_inval_inode_out), 24);
    CHECK_EQ(sizeof(struct wire_notify_inval_entry_out), 16);
    CHECK_EQ(offsetof(struct wire_notify_inval_entry_out, flags), 12);
    CHECK_EQ(sizeof(struct wire_notify_delete_out), 24);
    CHECK_EQ(sizeof(struct wire_notify_store_out), 24);
    CHECK_EQ(sizeof(struct wire_notify_retrieve_out), 32);
    CHECK_EQ(sizeof(struct wire_notify_prune_out), 16);
    CHECK_EQ(offsetof(struct wire_notify_prune_out, spare), 8);

    CHECK_EQ(WIRE_NOTIFY_POLL, 1);
    CHECK_EQ(WIRE_NOTIFY_INVAL_INODE, 2);
    CHECK_EQ(WIRE_NOTIFY_INVAL_ENTRY, 3);
    CHECK_EQ(WIRE_NOTIFY_STORE, 4);
    CHECK_EQ(WIRE_NOTIFY_RETRIEVE, 5);
    CHECK_EQ(WIRE_NOTIFY_DELETE, 6);
    CHECK_EQ(WIRE_NOTIFY_RESEND, 7);
    CHECK_EQ(WIRE_NOTIFY_INC_EPOCH, 8);
    CHECK_EQ(WIRE_NOTIFY_PRUNE, 9);

    CHECK_EQ(sizeof(struct wire_ext_header), 8);
    CHECK_EQ(sizeof(struct wire_secctx_header), 8);
    CHECK_EQ(sizeof(struct wire_secctx), 8);
    CHECK_EQ(sizeof(struct wire_supp_groups), 4);
    CHECK_EQ(offsetof(struct wire_supp_groups, groups), 4);
    CHECK_EQ(WIRE_MAX_NR_SECCTX, 31);
    CHECK_EQ(WIRE_EXT_GROUPS, 32);
}

static void uring_structs(void)
{
    CHECK_EQ(WIRE_URING_IN_OUT_HEADER_SZ, 128);
    CHECK_EQ(WIRE_URING_OP_IN_OUT_SZ, 128);
    CHECK_EQ(sizeof(struct wire_uring_ent_in_out), 32);
    CHECK_EQ(offsetof(struct wire_uring_ent_in_out, commit_id), 8);
    CHECK_EQ(offsetof(struct wire_uring_ent_in_out, payload_sz), 16);
    CHECK_EQ(offsetof(struct wire_uring_ent_in_out, reserved), 24);
    CHECK_EQ(sizeof(struct wire_uring_req_header), 288);
    CHECK_EQ(offsetof(struct wire_uring_req_header, op_in), 128);
    CHECK_EQ(offsetof(struct wire_uring_req_header, ring_ent_in_out), 256);
    CHECK_EQ(sizeof(struct wire_uring_cmd_req), 24);
    CHECK_EQ(offsetof(struct wire_uring_cmd_req, qid), 16);
    /* Must fit the 80-byte command area of a 128-byte SQE. */
    CHECK(sizeof(struct wire_uring_cmd_req) <= 80);
    CHECK_EQ(WIRE_IO_URING_CMD_INVALID, 0);
    CHECK_EQ(WIRE_IO_URING_CMD_REGISTER, 1);
    CHECK_EQ(WIRE_IO_URING_CMD_COMMIT_AND_FETCH, 2);
}

static void ioctls(void)
{
    CHECK_EQ(sizeof(struct wire_backing_map), 16);
    CHECK_EQ(offsetof(struct wire_backing_map, flags), 4);
    /* Encoded numbers as x86-64/arm64 Linux builds them (_IOC layout). */
    CHECK_EQ(WIRE_DEV_IOC_CLONE, 0x8004e500u);
    CHECK_EQ(WIRE_DEV_IOC_BACKING_OPEN, 0x4010e501u);
    CHECK_EQ(WIRE_DEV_IOC_BACKING_CLOSE, 0x4004e502u);
    CHECK_EQ(WIRE_DEV_IOC_SYNC_INIT, 0xe503u);
}

static void opcodes(void)
{
    CHECK_EQ(WIRE_OP_LOOKUP, 1);
    CHECK_EQ(WIRE_OP_FORGET, 2);
    CHECK_EQ(WIRE_OP_MKNOD, 8);
    CHECK_EQ(WIRE_OP_RELEASE, 18);
    CHECK_EQ(WIRE_OP_FSYNC, 20);
    CHECK_EQ(WIRE_OP_INIT, 26);
    CHECK_EQ(WIRE_OP_CREATE, 35);
    CHECK_EQ(WIRE_OP_INTERRUPT, 36);
    CHECK_EQ(WIRE_OP_DESTROY, 38);
    CHECK_EQ(WIRE_OP_BATCH_FORGET, 42);
    CHECK_EQ(WIRE_OP_READDIRPLUS, 44);
    CHECK_EQ(WIRE_OP_RENAME2, 45);
    CHECK_EQ(WIRE_OP_COPY_FILE_RANGE, 47);
    CHECK_EQ(WIRE_OP_SYNCFS, 50);
    CHECK_EQ(WIRE_OP_TMPFILE, 51);
    CHECK_EQ(WIRE_OP_STATX, 52);
    CHECK_EQ(WIRE_OP_COPY_FILE_RANGE_64, 53);
    CHECK_EQ(WIRE_OP_CUSE_INIT, 4096);
    CHECK_EQ(WIRE_OP_INIT_BSWAP_RESERVED, (long long)WIRE_OP_INIT << 24);
    CHECK_EQ(WIRE_OP_CUSE_INIT_BSWAP_RESERVED,
             (long long)WIRE_OP_CUSE_INIT << 8);
}

static void flag_bits(void)
{
    CHECK_EQ(WIRE_ASYNC_READ, 0x1);
    CHECK_EQ(WIRE_DO_READDIRPLUS, 1 << 13);
    CHECK_EQ(WIRE_WRITEBACK_CACHE, 1 << 16);
    CHECK_EQ(WIRE_MAX_PAGES, 1 << 22);
    CHECK_EQ(WIRE_INIT_EXT, 1 << 30);
    CHECK_EQ((uint32_t)WIRE_INIT_RESERVED, 0x80000000u);
    CHECK_EQ(WIRE_SECURITY_CTX, 1ULL << 32);
    CHECK_EQ(WIRE_CREATE_SUPP_GROUP, 1ULL << 34);
    CHECK_EQ(WIRE_HAS_EXPIRE_ONLY, 1ULL << 35);
    CHECK_EQ(WIRE_DIRECT_IO_ALLOW_MMAP, 1ULL << 36);
    CHECK_EQ(WIRE_PASSTHROUGH, 1ULL << 37);
    CHECK_EQ(WIRE_NO_EXPORT_SUPPORT, 1ULL << 38);
    CHECK_EQ(WIRE_HAS_RESEND, 1ULL << 39);
    CHECK_EQ(WIRE_ALLOW_IDMAP, 1ULL << 40);
    CHECK_EQ(WIRE_OVER_IO_URING, 1ULL << 41);
    CHECK_EQ(WIRE_REQUEST_TIMEOUT, 1ULL << 42);
    /* flags2 carries bit 32+n as bit n. */
    CHECK_EQ((uint32_t)(WIRE_PASSTHROUGH >> 32), 1u << 5);

    CHECK_EQ(WIRE_FOPEN_DIRECT_IO, 1 << 0);
    CHECK_EQ(WIRE_FOPEN_NOFLUSH, 1 << 5);
    CHECK_EQ(WIRE_FOPEN_PARALLEL_DIRECT_WRITES, 1 << 6);
    CHECK_EQ(WIRE_FOPEN_PASSTHROUGH, 1 << 7);
    CHECK_EQ(WIRE_FATTR_SIZE, 1 << 3);
    CHECK_EQ(WIRE_FATTR_KILL_SUIDGID, 1 << 11);
    CHECK_EQ(WIRE_WRITE_KILL_SUIDGID, 1 << 2);
    CHECK_EQ(WIRE_EXPIRE_ONLY, 1);
    CHECK_EQ(WIRE_UNIQUE_RESEND, 1ULL << 63);
    CHECK_EQ(WIRE_INVALID_UIDGID, 0xffffffffu);
}

static void opcode_names(void)
{
    CHECK(strcmp(wire_opcode_name(WIRE_OP_LOOKUP), "LOOKUP") == 0);
    CHECK(strcmp(wire_opcode_name(WIRE_OP_GETATTR), "GETATTR") == 0);
    CHECK(strcmp(wire_opcode_name(WIRE_OP_INIT), "INIT") == 0);
    CHECK(strcmp(wire_opcode_name(WIRE_OP_READDIRPLUS), "READDIRPLUS") == 0);
    CHECK(strcmp(wire_opcode_name(WIRE_OP_STATX), "STATX") == 0);
    CHECK(strcmp(wire_opcode_name(WIRE_OP_COPY_FILE_RANGE_64),
                 "COPY_FILE_RANGE_64") == 0);
    CHECK(strcmp(wire_opcode_name(WIRE_OP_CUSE_INIT), "CUSE_INIT") == 0);
    CHECK(strcmp(wire_opcode_name(0), "UNKNOWN") == 0);
    CHECK(strcmp(wire_opcode_name(7), "UNKNOWN") == 0);
    CHECK(strcmp(wire_opcode_name(19), "UNKNOWN") == 0);
    CHECK(strcmp(wire_opcode_name(54), "UNKNOWN") == 0);
    CHECK(strcmp(wire_opcode_name(UINT32_MAX), "UNKNOWN") == 0);

    /* Every number from 1 to 53 except the two retired ones is named. */
    for (uint32_t op = 1; op <= 53; op++) {
        int unknown = strcmp(wire_opcode_name(op), "UNKNOWN") == 0;
        CHECK_EQ(unknown, op == 7 || op == 19);
    }
}

int main(void)
{
    RUN(headers);
    RUN(attr_and_entry);
    RUN(init_structs);
    RUN(io_structs);
    RUN(statx_structs);
    RUN(dirents);
    RUN(notify_and_ext);
    RUN(uring_structs);
    RUN(ioctls);
    RUN(opcodes);
    RUN(flag_bits);
    RUN(opcode_names);
    return 0;
}
