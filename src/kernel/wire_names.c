/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Opcode names for logs and traces.  A switch rather than a table: the
 * opcode space is sparse (gaps at 7 and 19, CUSE_INIT at 4096) and the
 * number comes straight off the wire, so nothing here may index blindly.
 */
#include "kernel/wire.h"

const char *fsp_opcode_name(uint32_t opcode)
{
    switch (opcode) {
    case FSP_OP_LOOKUP:             return "LOOKUP";
    case FSP_OP_FORGET:             return "FORGET";
    case FSP_OP_GETATTR:            return "GETATTR";
    case FSP_OP_SETATTR:            return "SETATTR";
    case FSP_OP_READLINK:           return "READLINK";
    case FSP_OP_SYMLINK:            return "SYMLINK";
    case FSP_OP_MKNOD:              return "MKNOD";
    case FSP_OP_MKDIR:              return "MKDIR";
    case FSP_OP_UNLINK:             return "UNLINK";
    case FSP_OP_RMDIR:              return "RMDIR";
    case FSP_OP_RENAME:             return "RENAME";
    case FSP_OP_LINK:               return "LINK";
    case FSP_OP_OPEN:               return "OPEN";
    case FSP_OP_READ:               return "READ";
    case FSP_OP_WRITE:              return "WRITE";
    case FSP_OP_STATFS:             return "STATFS";
    case FSP_OP_RELEASE:            return "RELEASE";
    case FSP_OP_FSYNC:              return "FSYNC";
    case FSP_OP_SETXATTR:           return "SETXATTR";
    case FSP_OP_GETXATTR:           return "GETXATTR";
    case FSP_OP_LISTXATTR:          return "LISTXATTR";
    case FSP_OP_REMOVEXATTR:        return "REMOVEXATTR";
    case FSP_OP_FLUSH:              return "FLUSH";
    case FSP_OP_INIT:               return "INIT";
    case FSP_OP_OPENDIR:            return "OPENDIR";
    case FSP_OP_READDIR:            return "READDIR";
    case FSP_OP_RELEASEDIR:         return "RELEASEDIR";
    case FSP_OP_FSYNCDIR:           return "FSYNCDIR";
    case FSP_OP_GETLK:              return "GETLK";
    case FSP_OP_SETLK:              return "SETLK";
    case FSP_OP_SETLKW:             return "SETLKW";
    case FSP_OP_ACCESS:             return "ACCESS";
    case FSP_OP_CREATE:             return "CREATE";
    case FSP_OP_INTERRUPT:          return "INTERRUPT";
    case FSP_OP_BMAP:               return "BMAP";
    case FSP_OP_DESTROY:            return "DESTROY";
    case FSP_OP_IOCTL:              return "IOCTL";
    case FSP_OP_POLL:               return "POLL";
    case FSP_OP_NOTIFY_REPLY:       return "NOTIFY_REPLY";
    case FSP_OP_BATCH_FORGET:       return "BATCH_FORGET";
    case FSP_OP_FALLOCATE:          return "FALLOCATE";
    case FSP_OP_READDIRPLUS:        return "READDIRPLUS";
    case FSP_OP_RENAME2:            return "RENAME2";
    case FSP_OP_LSEEK:              return "LSEEK";
    case FSP_OP_COPY_FILE_RANGE:    return "COPY_FILE_RANGE";
    case FSP_OP_SETUPMAPPING:       return "SETUPMAPPING";
    case FSP_OP_REMOVEMAPPING:      return "REMOVEMAPPING";
    case FSP_OP_SYNCFS:             return "SYNCFS";
    case FSP_OP_TMPFILE:            return "TMPFILE";
    case FSP_OP_STATX:              return "STATX";
    case FSP_OP_COPY_FILE_RANGE_64: return "COPY_FILE_RANGE_64";
    case FSP_OP_CUSE_INIT:          return "CUSE_INIT";
    /* The *_BSWAP_RESERVED values are markers, not requests: UNKNOWN. */
    default:                        return "UNKNOWN";
    }
}
