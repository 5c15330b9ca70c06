// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/**
 * A file system's own mapping between Windows SIDs and POSIX ids (a domain,
 * a user map) on a {@link VolumeParams#SECURITY} volume, asked before fsp's
 * default one (S-1-22-1-uid, S-1-22-2-gid, SYSTEM, Administrators).  Give
 * one to {@link Mount}'s constructor.  SIDs are text ("S-1-5-21-1-2-3-1001").
 *
 * <p>Called on fsp's dispatcher threads, any time while mounted and
 * concurrently: keep it quick and thread-safe, and never call back into
 * the mount from it.  Return null or throw {@code FspException(Errno.ENOENT)}
 * to fall back to fsp's default mapping; any other exception is logged and
 * the request that needed the mapping fails with EIO (the mount keeps
 * serving).
 */
public interface SidMapper {
    /** The uid or gid of sid, or null (the default mapping decides). */
    PosixId sidToId(String sid) throws FspException;

    /** The SID of uid id (gid when isGroup), or null (the default mapping
     * decides).  id is unsigned: see Integer.toUnsignedLong. */
    String idToSid(int id, boolean isGroup) throws FspException;
}
