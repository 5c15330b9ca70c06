// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** statfs() numbers (struct fsp_volume_info), filled by the callback. */
public final class VolumeInfo {
    public long totalSize, freeSize, totalFiles, freeFiles;
    /** UTF-8, at most 63 bytes. */
    public String label = "";
}
