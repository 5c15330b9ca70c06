// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** What to create (struct fsp_create_params). */
public final class CreateParams {
    /** Type and permission bits, umask applied. */
    public final int mode;
    public final int attributes, flags, uid, gid, rdev;
    /** The target of a symbolic link, else null. */
    public final String linkTarget;
    /** {@link VolumeParams#SECURITY} volumes: the new file's self-relative
     * security descriptor (checked by fsp; mode, uid and gid are already
     * derived from it), to store as setSecurity would.  Else null. */
    public final byte[] security;

    CreateParams(int mode, int attributes, int flags, int uid, int gid,
                 int rdev, String linkTarget, byte[] security) {
        this.mode = mode; this.attributes = attributes; this.flags = flags;
        this.uid = uid; this.gid = gid; this.rdev = rdev;
        this.linkTarget = linkTarget;
        this.security = security;
    }
}
