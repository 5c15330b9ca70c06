// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

import java.nio.charset.StandardCharsets;

/**
 * Windows security descriptors for {@link VolumeParams#SECURITY} volumes
 * (include/fsp/security.h): descriptors are self-relative {@code byte[]}s,
 * as {@link FileSystem#getSecurity}, {@link FileSystem#setSecurity} and
 * {@link CreateParams#security} carry them; SDDL is their text form.
 * Pure functions, any thread.  Malformed input throws
 * FspException(EINVAL).
 */
public final class Security {
    private Security() {}

    private static byte[] result(byte[] b, int[] err, String what)
            throws FspException {
        if (b == null)
            throw new FspException(err[0] > 0 ? err[0] : Errno.EIO, what);
        return b;
    }

    /** SDDL ("O:BAG:BAD:P(A;;FA;;;WD)") to a self-relative descriptor. */
    public static byte[] fromSddl(String sddl) throws FspException {
        int[] err = new int[1];
        return result(Native.sddlToSd(sddl.getBytes(StandardCharsets.UTF_8),
                                      err), err, "bad SDDL: " + sddl);
    }

    /** A self-relative descriptor as SDDL (well-known SIDs and rights by
     * their aliases). */
    public static String toSddl(byte[] sd) throws FspException {
        int[] err = new int[1];
        return new String(result(Native.sdToSddl(sd, err), err,
                                 "not a security descriptor"),
                          StandardCharsets.UTF_8);
    }

    /** Throws FspException(EINVAL) unless sd is a well-formed
     * self-relative descriptor (fsp_sd_check). */
    public static void check(byte[] sd) throws FspException {
        int rc = Native.sdCheck(sd);
        if (rc != 0)
            throw new FspException(-rc, "not a security descriptor");
    }

    /** The descriptor NTFS gives a new file (dir false) or directory in a
     * directory whose descriptor is {@code parent}: its inheritable
     * entries, CREATOR OWNER/GROUP replaced by owner and group (SID text,
     * "S-1-22-1-1000" or an alias such as "BA").  null when the parent
     * passes nothing on (build one from the mode then). */
    public static byte[] inherit(byte[] parent, String owner, String group,
                                 boolean dir) throws FspException {
        int[] err = new int[1];
        byte[] b = Native.sdInherit(parent,
                                    owner.getBytes(StandardCharsets.UTF_8),
                                    group.getBytes(StandardCharsets.UTF_8),
                                    dir, err);
        if (b == null && err[0] == Errno.ENOENT)
            return null;
        return result(b, err, "fsp_sd_inherit");
    }
}
