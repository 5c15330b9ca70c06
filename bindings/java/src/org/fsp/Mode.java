// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** File type bits of FileInfo.mode and CreateParams.mode. */
public final class Mode {
    private Mode() {}
    public static final int S_IFMT = 0170000, S_IFSOCK = 0140000,
        S_IFLNK = 0120000, S_IFREG = 0100000, S_IFBLK = 060000,
        S_IFDIR = 040000, S_IFCHR = 020000, S_IFIFO = 010000;

    public static boolean isDir(int mode) {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public static boolean isReg(int mode) {
        return (mode & S_IFMT) == S_IFREG;
    }
}
