/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Opcode names for logs and traces.  A switch rather than a table: the
 * opcode space is sparse (gaps at 7 and 19, CUSE_INIT at 4096) and the
 * number comes straight off the wire, so nothing here may index blindly.
 */
#include "kernel/wire.h"

const char *wire_opcode_name(uint32_t opcode)
{
    switch (opcode) {
    case WIRE_OP_LOOKUP:             return "LOOKUP";
    case WIRE_OP_FORGET:             return "FORGET";
    case WIRE_OP_GETATTR:            return "GETATTR";
    case WIRE_OP_SETATTR:            return "SETATTR";
    case WIRE_OP_READLINK:           return "READLINK";
    case WIRE_OP_SYMLINK:            return "SYMLINK";
    case WIRE_OP_MKNOD:              return "MKNOD";
    case WIRE_OP_MKDIR:              return "MKDIR";
    case WIRE_OP_UNLINK:             return "UNLINK";
    case WIRE_OP_RMDIR:              return "RMDIR";
    case WIRE_OP_RENAME:             return "RENAME";
    case WIRE_OP_LINK:               return "LINK";
    case WIRE_OP_OPEN:               return "OPEN";
    case WIRE_OP_READ:               return "READ";
    case WIRE_OP_WRITE:              return "WRITE";
    case WIRE_OP_STATFS:             return "STATFS";
    case WIRE_OP_RELEASE:            return "RELEASE";
    case WIRE_OP_FSYNC:              return "FSYNC";
    case WIRE_OP_SETXATTR:           return "SETXATTR";
    case WIRE_OP_GETXATTR:           return "GETXATTR";
    case WIRE_OP_LISTXATTR:          return "LISTXATTR";
    case WIRE_OP_REMOVEXATTR:        return "REMOVEXATTR";
    case WIRE_OP_FLUSH:              return "FLUSH";
    case WIRE_OP_INIT:               return "INIT";
    case WIRE_OP_OPENDIR:            return "OPENDIR";
    case WIRE_OP_READDIR:            return "READDIR";
    case WIRE_OP_RELEASEDIR:         return "RELEASEDIR";
    case WIRE_OP_FSYNCDIR:           return "FSYNCDIR";
    case WIRE_OP_GETLK:              return "GETLK";
    case WIRE_OP_SETLK:              return "SETLK";
    case WIRE_OP_SETLKW:             return "SETLKW";
    case WIRE_OP_ACCESS:             return "ACCESS";
    case WIRE_OP_CREATE:             return "CREATE";
    case WIRE_OP_INTERRUPT:          return "INTERRUPT";
    case WIRE_OP_BMAP:               return "BMAP";
    case WIRE_OP_DESTROY:            return "DESTROY";
    case WIRE_OP_IOCTL:              return "IOCTL";
    case WIRE_OP_POLL:               return "POLL";
    case WIRE_OP_NOTIFY_REPLY:       return "NOTIFY_REPLY";
    case WIRE_OP_BATCH_FORGET:       return "BATCH_FORGET";
    case WIRE_OP_FALLOCATE:          return "FALLOCATE";
    case WIRE_OP_READDIRPLUS:        return "READDIRPLUS";
    case WIRE_OP_RENAME2:            return "RENAME2";
    case WIRE_OP_LSEEK:              return "LSEEK";
    case WIRE_OP_COPY_FILE_RANGE:    return "COPY_FILE_RANGE";
    case WIRE_OP_SETUPMAPPING:       return "SETUPMAPPING";
    case WIRE_OP_REMOVEMAPPING:      return "REMOVEMAPPING";
    case WIRE_OP_SYNCFS:             return "SYNCFS";
    case WIRE_OP_TMPFILE:            return "TMPFILE";
    case WIRE_OP_STATX:              return "STATX";
    case WIRE_OP_COPY_FILE_RANGE_64: return "COPY_FILE_RANGE_64";
    case WIRE_OP_CUSE_INIT:          return "CUSE_INIT";
    /* The *_BSWAP_RESERVED values are markers, not requests: UNKNOWN. */
    default:                        return "UNKNOWN";
    }
}
