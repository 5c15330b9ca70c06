// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** Linux errno values a file system answers with (x86_64 and aarch64). */
public final class Errno {
    private Errno() {}
    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5,
        ENXIO = 6, E2BIG = 7, EBADF = 9, EAGAIN = 11, ENOMEM = 12,
        EACCES = 13, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19,
        ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24,
        EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31,
        ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39,
        ELOOP = 40, ENODATA = 61, EOVERFLOW = 75, EILSEQ = 84,
        EOPNOTSUPP = 95, ENOTSUP = 95, ETIMEDOUT = 110, ESTALE = 116;
}
