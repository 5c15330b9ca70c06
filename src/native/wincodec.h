/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Encoders and decoders of the Windows metadata formats fsp shows to
 * Linux programs (docs/windows.md): Samba's NDR-encoded user.DOSATTRIB,
 * Windows' reparse buffers, NT times and stream names.  Pure functions
 * on byte buffers, no fsp state, so unit tests and fuzz targets call
 * them directly.  Every input may come from any user of the mount.
 */
#ifndef FSP_NATIVE_WINCODEC_H
#define FSP_NATIVE_WINCODEC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* 100 ns ticks since 1601-01-01 UTC. */
uint64_t nat_win_nttime_from_timespec(struct timespec ts);
struct timespec nat_win_nttime_to_timespec(uint64_t nt);

/* Samba's xattr_DOSATTRIB (librpc/idl/xattr.idl): a NUL-terminated
 * "0x.." hex string, then an NDR union of version 1 to 5 (or 0xFFFF). */
struct nat_win_dosattrib {
    uint32_t attrib;
    uint64_t create_time;   /* NT time */
    int has_attrib, has_create_time;
};
/* 0 or -EINVAL (truncated, unknown version, mismatched union level). */
int nat_win_dosattrib_decode(const void *buf, size_t len, struct nat_win_dosattrib *out);
/* Version 5 as Samba 4.x writes it; returns the length (at most
 * WIN_DOSATTRIB_MAX). */
#define WIN_DOSATTRIB_MAX 64
size_t nat_win_dosattrib_encode(uint32_t attrib, uint64_t create_time,
                            uint8_t out[WIN_DOSATTRIB_MAX]);

/* A reparse buffer: 0 when well formed, -EINVAL when not (shorter than
 * its header, a data length that disagrees with the size, a reserved
 * tag, a third-party tag without its GUID), -E2BIG past
 * FSP_REPARSE_MAX_SIZE.  *tag gets the tag when not NULL. */
int nat_win_reparse_check(const void *buf, size_t len, uint32_t *tag);

/* The reparse buffer WinFsp's FUSE layer shows for a POSIX special file
 * of type `mode` (S_IFLNK: IO_REPARSE_TAG_SYMLINK with the target in
 * UTF-16; FIFO, socket, character and block device: IO_REPARSE_TAG_NFS
 * with NFS_SPECFILE_*).  Returns the length (which may exceed room: then
 * only the length is right), 0 for other types. */
size_t nat_win_reparse_special(uint32_t mode, uint32_t rdev, const char *target,
                           uint8_t *out, size_t room);

/* A stream name as a user wrote it ("name" or "name:$DATA"), into out
 * without the suffix.  -EINVAL: empty, '/', ':' or another stream type;
 * -ENAMETOOLONG: longer than max bytes. */
int nat_win_stream_name(const char *in, size_t len, size_t max, char *out,
                    size_t outsz);

/* Little-endian helpers. */
static inline uint32_t nat_win_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}
static inline uint64_t nat_win_get64(const uint8_t *p)
{
    return (uint64_t)nat_win_get32(p) | (uint64_t)nat_win_get32(p + 4) << 32;
}
static inline void nat_win_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void nat_win_put32(uint8_t *p, uint32_t v)
{
    nat_win_put16(p, (uint16_t)v);
    nat_win_put16(p + 2, (uint16_t)(v >> 16));
}
static inline void nat_win_put64(uint8_t *p, uint64_t v)
{
    nat_win_put32(p, (uint32_t)v);
    nat_win_put32(p + 4, (uint32_t)(v >> 32));
}

#endif
