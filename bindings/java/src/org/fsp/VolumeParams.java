// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** Parameters fixed at mount (struct fsp_volume_params). */
public final class VolumeParams {
    public static final int CASE_INSENSITIVE = 0x1, READ_ONLY = 0x2,
        COARSE_GUARD = 0x4, DIRECT_IO = 0x10, PASSTHROUGH = 0x20,
        WRITEBACK_CACHE = 0x40, POSIX_ACL = 0x80;
    /** VolumeParams.* flags. */
    public int flags;
    public int sectorSize, maxNameLength;
    /** How long the kernel caches entries and attributes. */
    public int fileInfoTimeoutMs = 1000;
    public long volumeSerial, volumeCreationTime, maxFileSize;
    public String fsname = "fsp", subtype = "";

    long[] pack() {
        return new long[] { flags & 0xffffffffL, sectorSize & 0xffffffffL,
            maxNameLength & 0xffffffffL, fileInfoTimeoutMs & 0xffffffffL,
            volumeSerial, volumeCreationTime, maxFileSize, 0 };
    }
}
