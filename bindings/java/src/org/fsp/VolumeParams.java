// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** Parameters fixed at mount (struct fsp_volume_params). */
public final class VolumeParams {
    public static final int CASE_INSENSITIVE = 0x1, READ_ONLY = 0x2,
        COARSE_GUARD = 0x4, DEFAULT_PERMS = 0x8, DIRECT_IO = 0x10,
        PASSTHROUGH = 0x20, WRITEBACK_CACHE = 0x40, POSIX_ACL = 0x80;
    /** Named streams: {@link FileSystem#lookupStream} and friends, seen
     * as user.DosStream.NAME:$DATA attributes and, with -o
     * streams_interface=windows, as FILE:NAME paths. */
    public static final int NAMED_STREAMS = 0x100;
    /** The read-only attribute (FileInfo.ATTR_READONLY) enforced as NTFS
     * does: writes EACCES, unlink/rmdir/being replaced EPERM. */
    public static final int READONLY_ATTR = 0x200;
    /** Reparse data on any file ({@link FileSystem#setReparseData}). */
    public static final int REPARSE_POINTS = 0x400;
    /** A Windows security descriptor per file, which decides owner,
     * group and mode ({@link FileSystem#getSecurity}, {@link Security}). */
    public static final int SECURITY = 0x800;
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
