/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Named streams inside fsp (streams.c): listings and whole-stream I/O. */
#ifndef FSP_NATIVE_WINSTREAM_H
#define FSP_NATIVE_WINSTREAM_H

#include "native/fs_int.h"

struct nat_win_stream_entry {
    char *name;
    uint64_t size;
};

struct fsp_stream_buffer {
    struct nat_win_stream_entry *entries;
    size_t count, cap;
    int error;
};

/* The volume has streams and the file system implements them. */
int nat_win_streams_on(const struct fsp_fs *fs);
/* get_stream_info into *sb (cleared with nat_win_stream_buffer_clear). */
int nat_win_stream_list(struct fsp_request *req, struct nat_node *n,
                    struct fsp_stream_buffer *sb);
void nat_win_stream_buffer_clear(struct fsp_stream_buffer *sb);

/* One stream held open by fsp itself (for the attribute view). */
struct nat_win_sopen {
    void *ctx, *file;
    int opened;
    struct fsp_file_info fi;
};
enum nat_win_sopen_how {
    WIN_SOPEN_EXISTING,   /* -ENOENT if missing */
    WIN_SOPEN_ANY,        /* create if missing */
    WIN_SOPEN_NEW,        /* -EEXIST if present */
};
int nat_win_stream_open(struct fsp_request *req, struct nat_node *n,
                    const char *name, enum nat_win_sopen_how how,
                    struct nat_win_sopen *so);
void nat_win_stream_close(struct fsp_fs *fs, struct nat_win_sopen *so);
/* Read `size` bytes from 0 into buf. */
int nat_win_stream_read_all(struct fsp_request *req, struct nat_win_sopen *so,
                        char *buf, uint64_t size);
/* Truncate to 0, then write data. */
int nat_win_stream_write_all(struct fsp_request *req, struct nat_win_sopen *so,
                         const char *data, size_t len);

#endif
