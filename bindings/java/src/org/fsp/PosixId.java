// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** A POSIX id as {@link SidMapper#sidToId} answers it: a uid, or a gid
 * when isGroup.  id is unsigned (Integer.toUnsignedLong). */
public record PosixId(int id, boolean isGroup) {
    public static PosixId user(int uid) {
        return new PosixId(uid, false);
    }

    public static PosixId group(int gid) {
        return new PosixId(gid, true);
    }
}
