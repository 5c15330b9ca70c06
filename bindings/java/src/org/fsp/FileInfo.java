// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** What the file system knows about one file (struct fsp_file_info).
 * Callbacks fill the instance they are given.  Times are nanoseconds since
 * the epoch (negative before 1970); sizes and ids are unsigned in C and must not be negative. */
public final class FileInfo {
    /** FSP_ATTR_* values for {@link #attributes}. */
    public static final int ATTR_READONLY = 0x1, ATTR_HIDDEN = 0x2,
        ATTR_SYSTEM = 0x4, ATTR_DIRECTORY = 0x10, ATTR_ARCHIVE = 0x20,
        ATTR_NORMAL = 0x80, ATTR_TEMPORARY = 0x100, ATTR_SPARSE_FILE = 0x200,
        ATTR_REPARSE_POINT = 0x400;
    /** Stable file index (inode number), never 0. */
    public long index;
    /** S_IFMT type and permission bits (see {@link Mode}). */
    public int mode;
    /** FSP_ATTR_* DOS attributes. */
    public int attributes;
    public int nlink, uid, gid, rdev;
    public long size, allocSize;
    public long creationTime, accessTime, writeTime, changeTime;
    /** Export volumes ({@link FileSystem#lookupIndex}): tells this file
     * from every earlier file with the same index; the same in every call
     * while the file lives, a new one when the index is reused or the
     * file system restarted without its files.  The kernel keeps the low
     * 32 bits. */
    public long generation;

    public FileInfo() {}

    /** Copy every field from another FileInfo. */
    public FileInfo set(FileInfo o) {
        index = o.index; mode = o.mode; attributes = o.attributes;
        nlink = o.nlink; uid = o.uid; gid = o.gid; rdev = o.rdev;
        size = o.size; allocSize = o.allocSize;
        creationTime = o.creationTime; accessTime = o.accessTime;
        writeTime = o.writeTime; changeTime = o.changeTime;
        generation = o.generation;
        return this;
    }

    void clear() {
        set(EMPTY);
    }

    private static final FileInfo EMPTY = new FileInfo();

    /** Longs in the packed form (fsp_jni.c's FI_LONGS). */
    static final int LONGS = 14;

    /** Into LONGS longs for the native side; nonsense throws. */
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
        out[at + 13] = generation;
    }
}
