// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** Attributes and times to change (struct fsp_basic_info): change what
 * {@code valid} names.  Times in ns, "now" already resolved. */
public final class BasicInfo {
    public static final int SET_MODE = 0x1, SET_UID = 0x2, SET_GID = 0x4,
        SET_ATIME = 0x8, SET_MTIME = 0x10, SET_CTIME = 0x20,
        SET_CRTIME = 0x40, SET_ATTRIBUTES = 0x80;
    public final int valid, mode, uid, gid, attributes;
    public final long accessTime, writeTime, changeTime, creationTime;

    BasicInfo(int valid, int mode, int uid, int gid, int attributes,
              long accessTime, long writeTime, long changeTime,
              long creationTime) {
        this.valid = valid; this.mode = mode; this.uid = uid; this.gid = gid;
        this.attributes = attributes; this.accessTime = accessTime;
        this.writeTime = writeTime; this.changeTime = changeTime;
        this.creationTime = creationTime;
    }

    public boolean has(int flag) {
        return (valid & flag) != 0;
    }
}
