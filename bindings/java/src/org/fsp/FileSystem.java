// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;

/**
 * A file system on fsp's native API: override the callbacks you support
 * (only {@link #lookup} is required) and mount it with {@link Mount}.
 *
 * <p>Nodes and files are any objects the file system returns from
 * lookup/create and create/open; the binding keeps them reachable until
 * fsp gives them back through {@link #forget} and {@link #close}.  Results
 * go into the {@link FileInfo} (or {@link VolumeInfo}) a callback is given.
 *
 * <p>Errors: throw {@link FspException} with an errno; the java.nio.file
 * exceptions NoSuchFileException, FileAlreadyExistsException,
 * DirectoryNotEmptyException, NotDirectoryException and
 * AccessDeniedException map to ENOENT, EEXIST, ENOTEMPTY, ENOTDIR and
 * EACCES.  Anything else thrown, and any nonsense returned (a negative or
 * oversized byte count, a FileInfo with index 0 or a negative size), is
 * logged on the "org.fsp" logger and answered EIO; the mount keeps
 * serving.
 *
 * <p>Threads: the callbacks run on fsp's dispatcher threads, several at
 * once, each attached to the JVM once as a daemon thread.  The guards of
 * the C API apply (see include/fsp/fsp.h): reads and writes run under no
 * guard, so protect file data yourself.  A callback that is not
 * overridden behaves as the C API's NULL member (ENOSYS or its default).
 */
public abstract class FileSystem {
    public static final int RENAME_NOREPLACE = 0x1, RENAME_EXCHANGE = 0x2;
    public static final int EA_CREATE = 0x1, EA_REPLACE = 0x2;
    public static final int ALLOC_KEEP_SIZE = 0x1, ALLOC_PUNCH_HOLE = 0x2;
    public static final int SEEK_DATA = 3, SEEK_HOLE = 4;

    /** No per-open state: open and close are never called and every
     * {@code file} is null (set in the constructor). */
    protected boolean statelessOpens;
    /** The same for directories only: files keep open and close, a
     * directory is listed with a null {@code file} and its listing stays in
     * the kernel's cache (set in the constructor). */
    protected boolean statelessDirOpens;
    /** create may get a null name, for open(O_TMPFILE). */
    protected boolean unnamedFiles;

    private static IOException nosys() {
        return new FspException(Errno.ENOSYS, "not implemented");
    }

    /** statfs(): fill vi. */
    public void getVolumeInfo(Request req, VolumeInfo vi) throws IOException {
        throw nosys();
    }

    /** Store the label; fill vi afterwards. */
    public void setVolumeLabel(Request req, String label, VolumeInfo vi)
            throws IOException {
        throw nosys();
    }

    /** Required.  Find name in directory parent, fill fi, return the node
     * (never null).  parent null and name "/" asks for the root.  Each
     * successful lookup is one reference, given back by forget. */
    public abstract Object lookup(Request req, Object parent, String name,
                                  FileInfo fi) throws IOException;

    /** fsp dropped one reference to node (no request, any thread). */
    public void forget(Object node) {}

    /** stat(): fill fi (file: the open, or null). */
    public void getFileInfo(Request req, Object node, Object file,
                            FileInfo fi) throws IOException {
        throw nosys();
    }

    /** Create name in parent as cp says; fill fi.  name is null for
     * O_TMPFILE (with unnamedFiles). */
    public Created create(Request req, Object parent, String name,
                          CreateParams cp, FileInfo fi) throws IOException {
        throw nosys();
    }

    /** Open an existing node; fill fi; return the open context or null. */
    public Object open(Request req, Object node, int flags, FileInfo fi)
            throws IOException {
        throw nosys();
    }

    /** open(O_TRUNC): truncate to 0 and fill fi. */
    public void overwrite(Request req, Object node, Object file, FileInfo fi)
            throws IOException {
        setFileSize(req, node, file, 0, fi);
    }

    /** close() of one descriptor of the open. */
    public void cleanup(Request req, Object node, Object file)
            throws IOException {}

    /** The open is over (no request; cannot fail). */
    public void close(Object node, Object file) {}

    /** Read into buf (its capacity is the length asked) from offset;
     * return the bytes read, short only at end of file, or
     * Request.PENDING after req.pend(). */
    public int read(Request req, Object node, Object file, ByteBuffer buf,
                    long offset) throws IOException {
        throw nosys();
    }

    /** Write data (read-only, remaining() bytes) at offset; fill fi;
     * return the bytes written, or Request.PENDING after req.pend(). */
    public int write(Request req, Object node, Object file, ByteBuffer data,
                     long offset, FileInfo fi) throws IOException {
        throw nosys();
    }

    /** fsync()/fdatasync(). */
    public void flush(Request req, Object node, Object file, boolean datasync)
            throws IOException {}

    /** chmod, chown, utimensat: change what bi names; fill fi. */
    public void setBasicInfo(Request req, Object node, Object file,
                             BasicInfo bi, FileInfo fi) throws IOException {
        throw nosys();
    }

    /** truncate(): fill fi. */
    public void setFileSize(Request req, Object node, Object file, long size,
                            FileInfo fi) throws IOException {
        throw nosys();
    }

    /** May name be removed?  Throw (ENOTEMPTY, ...) to refuse. */
    public void canDelete(Request req, Object parent, String name,
                          Object node) throws IOException {}

    /** Remove the name now (unlink, rmdir). */
    public void setDelete(Request req, Object parent, String name,
                          Object node) throws IOException {
        throw nosys();
    }

    /** Move node; flags RENAME_NOREPLACE / RENAME_EXCHANGE. */
    public void rename(Request req, Object oldParent, String oldName,
                       Object newParent, String newName, Object node,
                       int flags) throws IOException {
        throw nosys();
    }

    /** List the directory into db (fsp adds "." and ".."). */
    public void readDirectory(Request req, Object node, Object file,
                              DirBuffer db) throws IOException {
        throw nosys();
    }

    /** readlink(): the target. */
    public String getReparsePoint(Request req, Object node)
            throws IOException {
        throw nosys();
    }

    /** An extended attribute's value; FspException(ENODATA) if missing. */
    public byte[] getEa(Request req, Object node, String name)
            throws IOException {
        throw nosys();
    }

    /** Set an extended attribute; flags EA_CREATE / EA_REPLACE. */
    public void setEa(Request req, Object node, String name, byte[] value,
                      int flags) throws IOException {
        throw nosys();
    }

    /** The names of the node's extended attributes. */
    public Collection<String> listEa(Request req, Object node)
            throws IOException {
        throw nosys();
    }

    /** Remove an extended attribute (ENODATA if missing). */
    public void removeEa(Request req, Object node, String name)
            throws IOException {
        throw nosys();
    }

    /** Hard link: give node the name newName in newParent; fill fi. */
    public void link(Request req, Object node, Object newParent,
                     String newName, FileInfo fi) throws IOException {
        throw new FspException(Errno.EPERM);
    }

    /** fallocate() (mode 0 or ALLOC_*); fill fi. */
    public void allocate(Request req, Object node, Object file, long offset,
                         long length, int mode, FileInfo fi)
            throws IOException {
        throw new FspException(Errno.EOPNOTSUPP);
    }

    /** SEEK_DATA / SEEK_HOLE: the offset found, or FspException(ENXIO). */
    public long seek(Request req, Object node, Object file, long offset,
                     int whence) throws IOException {
        throw nosys();
    }

    // ---- export ---------------------------------------------------------------

    /** Export support (NFS servers, name_to_handle_at/open_by_handle_at):
     * the file whose index is {@code index} (never 0 or the root's), with
     * no name to go by; fill fi, including {@link FileInfo#generation},
     * and return the node (one reference, as lookup), or throw
     * FspException(ESTALE) (ENOENT counts as ESTALE) when no file has
     * that index now.  Overriding this turns export support on, and then
     * {@link #lookup} is also asked for ".." of a directory (never the
     * root): return its parent.  Shared guard. */
    public Object lookupIndex(Request req, long index, FileInfo fi)
            throws IOException {
        throw nosys();
    }

    // ---- named streams (VolumeParams.NAMED_STREAMS) -------------------------

    /** Stream {@code name} (checked; no ":$DATA") of file or directory
     * {@code node}: fill fi and return the stream's node (a regular file
     * with its own index, the file's owner and permission bits), or
     * throw ENOENT.  fsp then opens, reads, writes, truncates and forgets
     * the stream node as any regular file's. */
    public Object lookupStream(Request req, Object node, String name,
                               FileInfo fi) throws IOException {
        throw nosys();
    }

    /** Make an empty stream (EEXIST if it exists), as lookupStream
     * returns one.  Moves the file's ctime.  Exclusive guard. */
    public Object createStream(Request req, Object node, String name,
                               FileInfo fi) throws IOException {
        throw nosys();
    }

    /** Remove stream {@code name} (ENOENT if none); a stream node still
     * referenced stays readable until forgotten.  Exclusive guard. */
    public void deleteStream(Request req, Object node, String name)
            throws IOException {
        throw nosys();
    }

    /** The node's named streams: name (no ":$DATA") to size in bytes,
     * the unnamed main stream not included. */
    public Map<String, Long> getStreamInfo(Request req, Object node)
            throws IOException {
        throw nosys();
    }

    // ---- reparse data (VolumeParams.REPARSE_POINTS) -------------------------

    /** The node's reparse buffer (Windows' REPARSE_DATA_BUFFER: tag u32
     * little-endian, data length u16, reserved u16, the data), or null
     * when it has none (ENODATA).  The binding answers fsp's size probes;
     * a buffer whose layout is wrong answers EIO (logged). */
    public byte[] getReparseData(Request req, Object node) throws IOException {
        throw nosys();
    }

    /** Store the buffer (checked by fsp), replacing one of the same tag;
     * EEXIST when the node has one of another tag.  Report
     * FileInfo.ATTR_REPARSE_POINT while it has one. */
    public void setReparseData(Request req, Object node, byte[] data)
            throws IOException {
        throw nosys();
    }

    /** Remove the node's reparse data (ENODATA when none). */
    public void deleteReparseData(Request req, Object node)
            throws IOException {
        throw nosys();
    }

    // ---- security descriptors (VolumeParams.SECURITY) -----------------------

    /** The node's self-relative security descriptor, or null when it has
     * none (fsp then uses the one its owner, group and mode map to).  A
     * descriptor that fails {@link Security#check} answers EIO (logged).
     * See {@link Security} to make and read them. */
    public byte[] getSecurity(Request req, Object node) throws IOException {
        throw nosys();
    }

    /** Replace the node's descriptor (checked by fsp); fsp follows with
     * setBasicInfo of the owner, group and mode it maps to.  Moves
     * ctime.  Exclusive guard. */
    public void setSecurity(Request req, Object node, byte[] sd)
            throws IOException {
        throw nosys();
    }
}
