// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

import java.nio.charset.StandardCharsets;

/** A directory listing under construction, valid during readDirectory. */
public final class DirBuffer {
    private final long db;
    private final long[] scratch = new long[FileInfo.LONGS];

    DirBuffer(long db) {
        this.db = db;
    }

    /** Add one entry (fsp adds "." and ".." itself).  False: out of
     * memory, stop adding.  A name with '/' or NUL is refused
     * (IllegalArgumentException). */
    public boolean add(String name, FileInfo fi) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0)
            throw new IllegalArgumentException("bad entry name: " + name);
        fi.pack(scratch, 0);
        return Native.dirAdd(db, b, scratch);
    }
}
