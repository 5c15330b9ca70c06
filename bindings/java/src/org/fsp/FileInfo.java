// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** What the file system knows about one file (struct fsp_file_info).
 * Callbacks fill the instance they are given.  Times are nanoseconds since
 * the epoch (negative before 1970); sizes and ids are unsigned in C and must not be negative. */
public final class FileInfo {
    /** Stable file index (inode number), never 0. */
    public long index;
    /** S_IFMT type and permission bits (see {@link Mode}). */
    public int mode;
    /** FSP_ATTR_* DOS attributes. */
    public int attributes;
    public int nlink, uid, gid, rdev;
    public long size, allocSize;
    public long creationTime, accessTime, writeTime, changeTime;

    public FileInfo() {}

    /** Copy every field from another FileInfo. */
    public FileInfo set(FileInfo o) {
        index = o.index; mode = o.mode; attributes = o.attributes;
        nlink = o.nlink; uid = o.uid; gid = o.gid; rdev = o.rdev;
        size = o.size; allocSize = o.allocSize;
        creationTime = o.creationTime; accessTime = o.accessTime;
        writeTime = o.writeTime; changeTime = o.changeTime;
        return this;
    }

    void clear() {
        set(EMPTY);
    }

    private static final FileInfo EMPTY = new FileInfo();

    /** Into 13 longs for the native side; nonsense throws. */
    void pack(long[] out, int at) {
        if (index == 0 || size < 0 || allocSize < 0)
            throw new IllegalStateException("invalid FileInfo: index "
                + index + ", size " + size + ", allocSize " + allocSize);
        out[at] = index; out[at + 1] = mode & 0xffffffffL;
        out[at + 2] = attributes & 0xffffffffL;
        out[at + 3] = nlink & 0xffffffffL; out[at + 4] = uid & 0xffffffffL;
        out[at + 5] = gid & 0xffffffffL; out[at + 6] = rdev & 0xffffffffL;
        out[at + 7] = size; out[at + 8] = allocSize;
        out[at + 9] = creationTime; out[at + 10] = accessTime;
        out[at + 11] = writeTime; out[at + 12] = changeTime;
    }
}
