// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What libfspjni calls, one method per callback: turns handles back into
 * the file system's objects, names into Strings, results into the longs
 * the native side copies, and every exception into a negative errno in
 * one place ({@link #errno}).  Never lets an exception escape.
 */
final class Dispatcher {
    static final Logger LOG = Logger.getLogger("org.fsp");
    /** The callbacks in struct fsp_fs_interface order (bit i of the mask). */
    static final List<String> CALLBACKS = Arrays.asList(
        "getVolumeInfo", "setVolumeLabel", "lookup", "forget", "getFileInfo",
        "create", "open", "overwrite", "cleanup", "close", "read", "write",
        "flush", "setBasicInfo", "setFileSize", "canDelete", "setDelete",
        "rename", "readDirectory", "getReparsePoint", "getEa", "setEa",
        "listEa", "removeEa", "link", "allocate", "seek", "lookupIndex",
        "lookupStream", "createStream", "deleteStream", "getStreamInfo",
        "getReparseData", "setReparseData", "deleteReparseData",
        "getSecurity", "setSecurity");

    private final FileSystem fs;
    Mount mount;
    private final ConcurrentHashMap<Long, Object> objs = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong();
    private static final ThreadLocal<CharsetDecoder> DECODER =
        ThreadLocal.withInitial(() -> StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));

    Dispatcher(FileSystem fs) {
        this.fs = fs;
    }

    /** Bit i: the file system overrides CALLBACKS[i]. */
    long mask() {
        long mask = 0;
        for (Method m : FileSystem.class.getDeclaredMethods()) {
            int i = CALLBACKS.indexOf(m.getName());
            if (i < 0)
                continue;
            try {
                Method o = fs.getClass().getMethod(m.getName(),
                                                   m.getParameterTypes());
                if (o.getDeclaringClass() != FileSystem.class)
                    mask |= 1L << i;
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        }
        // Defaults that are the C API's NULL behaviour stay NULL unless
        // overridden; overwrite's default (setFileSize) is fsp's too.
        return mask;
    }

    /** The one place exceptions become answers. */
    static int errno(Throwable t, String what) {
        if (t instanceof FspException) {
            int e = ((FspException) t).errno();
            if (e > 0 && e < 4096)
                return -e;
        } else if (t instanceof NoSuchFileException) {
            return -Errno.ENOENT;
        } else if (t instanceof FileAlreadyExistsException) {
            return -Errno.EEXIST;
        } else if (t instanceof DirectoryNotEmptyException) {
            return -Errno.ENOTEMPTY;
        } else if (t instanceof NotDirectoryException) {
            return -Errno.ENOTDIR;
        } else if (t instanceof AccessDeniedException) {
            return -Errno.EACCES;
        }
        try {
            LOG.log(Level.SEVERE, "fsp: " + what + " failed", t);
        } catch (Throwable ignored) {
            // logging itself failed (out of memory): the answer stands
        }
        return -Errno.EIO;
    }

    private long put(Object o) {
        if (o == null)
            throw new IllegalStateException("a node must not be null");
        long h = next.incrementAndGet();
        objs.put(h, o);
        return h;
    }

    private long putFile(Object o) {
        return o == null ? 0 : put(o);
    }

    private Object get(long h) {
        return h == 0 ? null : objs.get(h);
    }

    private static String str(byte[] b) throws FspException {
        if (b == null)
            return null;
        try {
            CharBuffer c = DECODER.get().decode(ByteBuffer.wrap(b));
            return c.toString();
        } catch (CharacterCodingException e) {
            throw new FspException(Errno.EILSEQ, "name is not UTF-8");
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Request req(long r) {
        return new Request(r, mount);
    }

    private static byte[] volume(VolumeInfo vi, long[] out) {
        byte[] label = utf8(vi.label == null ? "" : vi.label);
        if (label.length >= 64 || vi.totalSize < 0 || vi.freeSize < 0
                || vi.totalFiles < 0 || vi.freeFiles < 0)
            throw new IllegalStateException("invalid VolumeInfo");
        out[0] = vi.totalSize; out[1] = vi.freeSize;
        out[2] = vi.totalFiles; out[3] = vi.freeFiles;
        return label;
    }

    byte[] getVolumeInfo(long r, long[] out) {
        try {
            VolumeInfo vi = new VolumeInfo();
            fs.getVolumeInfo(req(r), vi);
            return volume(vi, out);
        } catch (Throwable t) {
            out[0] = errno(t, "getVolumeInfo");
            return null;
        }
    }

    byte[] setVolumeLabel(long r, byte[] label, long[] out) {
        try {
            VolumeInfo vi = new VolumeInfo();
            fs.setVolumeLabel(req(r), str(label), vi);
            return volume(vi, out);
        } catch (Throwable t) {
            out[0] = errno(t, "setVolumeLabel");
            return null;
        }
    }

    int lookup(long r, long parent, byte[] name, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            Object node = fs.lookup(req(r), get(parent), str(name), fi);
            fi.pack(out, 1);
            out[0] = put(node);
            return 0;
        } catch (Throwable t) {
            return errno(t, "lookup");
        }
    }

    void forget(long node) {
        try {
            Object n = objs.remove(node);
            if (n != null)
                fs.forget(n);
        } catch (Throwable t) {
            errno(t, "forget");
        }
    }

    int getFileInfo(long r, long node, long file, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            fs.getFileInfo(req(r), get(node), get(file), fi);
            fi.pack(out, 0);
            return 0;
        } catch (Throwable t) {
            return errno(t, "getFileInfo");
        }
    }

    int create(long r, long parent, byte[] name, int mode, int attributes,
               int flags, int uid, int gid, int rdev, byte[] target,
               byte[] security, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            CreateParams cp = new CreateParams(mode, attributes, flags, uid,
                                               gid, rdev, str(target),
                                               security);
            Created c = fs.create(req(r), get(parent), str(name), cp, fi);
            if (c == null)
                throw new IllegalStateException("create returned null");
            if (c.file != null && fs.statelessOpens)
                throw new IllegalStateException("create returned a file on "
                    + "a volume with stateless opens");
            fi.pack(out, 2);
            out[0] = put(c.node);
            out[1] = putFile(c.file);
            return 0;
        } catch (Throwable t) {
            return errno(t, "create");
        }
    }

    int open(long r, long node, int flags, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            Object file = fs.open(req(r), get(node), flags, fi);
            fi.pack(out, 1);
            out[0] = putFile(file);
            return 0;
        } catch (Throwable t) {
            return errno(t, "open");
        }
    }

    int overwrite(long r, long node, long file, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            fs.overwrite(req(r), get(node), get(file), fi);
            fi.pack(out, 0);
            return 0;
        } catch (Throwable t) {
            return errno(t, "overwrite");
        }
    }

    int cleanup(long r, long node, long file) {
        try {
            fs.cleanup(req(r), get(node), get(file));
            return 0;
        } catch (Throwable t) {
            return errno(t, "cleanup");
        }
    }

    void close(long node, long file) {
        try {
            fs.close(get(node), file == 0 ? null : objs.remove(file));
        } catch (Throwable t) {
            errno(t, "close");
        }
    }

    /** A read or write that pended and then failed still owes fsp its
     * one completion: give it the error and tell fsp to wait for it. */
    private static int settle(Request req, int rc) {
        if (req.pending != null && rc != Request.PENDING) {
            if (!req.pending.done()) {
                try {
                    req.pending.fail(rc < 0 ? -rc : Errno.EIO);
                } catch (IllegalStateException raced) {
                    // completed by another thread meanwhile
                }
            }
            return Request.PENDING;
        }
        return rc;
    }

    int read(long r, long node, long file, ByteBuffer buf, long offset) {
        Request req = req(r);
        req.buf = buf;
        int rc;
        try {
            int n = fs.read(req, get(node), get(file), buf, offset);
            if (req.sent)
                return 0;
            if (n == Request.PENDING && req.pending != null)
                return n;
            if (n < 0 || n > buf.capacity())
                throw new IllegalStateException("read returned " + n
                    + " for " + buf.capacity() + " bytes asked");
            rc = n;
        } catch (Throwable t) {
            rc = errno(t, "read");
        }
        return settle(req, rc);
    }

    int write(long r, long node, long file, ByteBuffer buf, long offset,
              long[] out) {
        Request req = req(r);
        req.buf = buf.asReadOnlyBuffer();
        int rc;
        try {
            FileInfo fi = new FileInfo();
            int n = fs.write(req, get(node), get(file), req.buf, offset, fi);
            if (n == Request.PENDING && req.pending != null)
                return n;
            if (n < 0 || n > buf.capacity())
                throw new IllegalStateException("write returned " + n
                    + " for " + buf.capacity() + " bytes");
            fi.pack(out, 0);
            rc = n;
        } catch (Throwable t) {
            rc = errno(t, "write");
        }
        return settle(req, rc);
    }

    int flush(long r, long node, long file, boolean datasync) {
        try {
            fs.flush(req(r), get(node), get(file), datasync);
            return 0;
        } catch (Throwable t) {
            return errno(t, "flush");
        }
    }

    int setBasicInfo(long r, long node, long file, int valid, int mode,
                     int uid, int gid, int attributes, long atime, long mtime,
                     long ctime, long crtime, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            fs.setBasicInfo(req(r), get(node), get(file), new BasicInfo(
                valid, mode, uid, gid, attributes, atime, mtime, ctime,
                crtime), fi);
            fi.pack(out, 0);
            return 0;
        } catch (Throwable t) {
            return errno(t, "setBasicInfo");
        }
    }

    int setFileSize(long r, long node, long file, long size, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            fs.setFileSize(req(r), get(node), get(file), size, fi);
            fi.pack(out, 0);
            return 0;
        } catch (Throwable t) {
            return errno(t, "setFileSize");
        }
    }

    int canDelete(long r, long parent, byte[] name, long node) {
        try {
            fs.canDelete(req(r), get(parent), str(name), get(node));
            return 0;
        } catch (Throwable t) {
            return errno(t, "canDelete");
        }
    }

    int setDelete(long r, long parent, byte[] name, long node) {
        try {
            fs.setDelete(req(r), get(parent), str(name), get(node));
            return 0;
        } catch (Throwable t) {
            return errno(t, "setDelete");
        }
    }

    int rename(long r, long op, byte[] on, long np, byte[] nn, long node,
               int flags) {
        try {
            fs.rename(req(r), get(op), str(on), get(np), str(nn), get(node),
                      flags);
            return 0;
        } catch (Throwable t) {
            return errno(t, "rename");
        }
    }

    int readDirectory(long r, long node, long file, long db) {
        try {
            fs.readDirectory(req(r), get(node), get(file), new DirBuffer(db));
            return 0;
        } catch (Throwable t) {
            return errno(t, "readDirectory");
        }
    }

    byte[] getReparsePoint(long r, long node, long[] out) {
        try {
            String t = fs.getReparsePoint(req(r), get(node));
            if (t == null)
                throw new IllegalStateException("getReparsePoint returned null");
            return utf8(t);
        } catch (Throwable t) {
            out[0] = errno(t, "getReparsePoint");
            return null;
        }
    }

    byte[] getEa(long r, long node, byte[] name, long[] out) {
        try {
            byte[] v = fs.getEa(req(r), get(node), str(name));
            if (v == null)
                throw new IllegalStateException("getEa returned null");
            return v;
        } catch (Throwable t) {
            out[0] = errno(t, "getEa");
            return null;
        }
    }

    int setEa(long r, long node, byte[] name, byte[] value, int flags) {
        try {
            fs.setEa(req(r), get(node), str(name), value, flags);
            return 0;
        } catch (Throwable t) {
            return errno(t, "setEa");
        }
    }

    byte[] listEa(long r, long node, long[] out) {
        try {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            for (String n : fs.listEa(req(r), get(node))) {
                byte[] e = utf8(n);
                b.write(e, 0, e.length);
                b.write(0);
            }
            return b.toByteArray();
        } catch (Throwable t) {
            out[0] = errno(t, "listEa");
            return null;
        }
    }

    int removeEa(long r, long node, byte[] name) {
        try {
            fs.removeEa(req(r), get(node), str(name));
            return 0;
        } catch (Throwable t) {
            return errno(t, "removeEa");
        }
    }

    int link(long r, long node, long np, byte[] nn, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            fs.link(req(r), get(node), get(np), str(nn), fi);
            fi.pack(out, 0);
            return 0;
        } catch (Throwable t) {
            return errno(t, "link");
        }
    }

    int allocate(long r, long node, long file, long offset, long length,
                 int mode, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            fs.allocate(req(r), get(node), get(file), offset, length, mode,
                        fi);
            fi.pack(out, 0);
            return 0;
        } catch (Throwable t) {
            return errno(t, "allocate");
        }
    }

    int seek(long r, long node, long file, long offset, int whence,
             long[] out) {
        try {
            long off = fs.seek(req(r), get(node), get(file), offset, whence);
            if (off < 0)
                throw new IllegalStateException("seek returned " + off);
            out[0] = off;
            return 0;
        } catch (Throwable t) {
            return errno(t, "seek");
        }
    }

    // ---- export, streams, reparse data, security ----------------------------

    int lookupIndex(long r, long index, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            Object node = fs.lookupIndex(req(r), index, fi);
            fi.pack(out, 1);
            out[0] = put(node);
            return 0;
        } catch (Throwable t) {
            int e = errno(t, "lookupIndex");
            return e == -Errno.ENOENT ? -Errno.ESTALE : e;
        }
    }

    int lookupStream(long r, long node, byte[] name, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            Object s = fs.lookupStream(req(r), get(node), str(name), fi);
            fi.pack(out, 1);
            out[0] = put(s);
            return 0;
        } catch (Throwable t) {
            return errno(t, "lookupStream");
        }
    }

    int createStream(long r, long node, byte[] name, long[] out) {
        try {
            FileInfo fi = new FileInfo();
            Object s = fs.createStream(req(r), get(node), str(name), fi);
            fi.pack(out, 1);
            out[0] = put(s);
            return 0;
        } catch (Throwable t) {
            return errno(t, "createStream");
        }
    }

    int deleteStream(long r, long node, byte[] name) {
        try {
            fs.deleteStream(req(r), get(node), str(name));
            return 0;
        } catch (Throwable t) {
            return errno(t, "deleteStream");
        }
    }

    int getStreamInfo(long r, long node, long sb) {
        try {
            java.util.Map<String, Long> streams =
                fs.getStreamInfo(req(r), get(node));
            if (streams == null)
                throw new IllegalStateException("getStreamInfo returned null");
            for (java.util.Map.Entry<String, Long> e : streams.entrySet()) {
                String n = e.getKey();
                Long size = e.getValue();
                if (n == null || n.isEmpty() || n.indexOf('/') >= 0
                        || n.indexOf(':') >= 0 || n.indexOf('\0') >= 0
                        || size == null || size < 0)
                    throw new IllegalStateException("bad stream: " + n
                        + " (" + size + " bytes)");
                if (!Native.streamAdd(sb, utf8(n), size))
                    return -Errno.ENOMEM;
            }
            return 0;
        } catch (Throwable t) {
            return errno(t, "getStreamInfo");
        }
    }

    static final int REPARSE_MAX = 16384;  /* FSP_REPARSE_MAX_SIZE */

    /** Tag, length, reserved, then exactly length bytes. */
    private static void checkReparse(byte[] b) {
        if (b.length < 8 || b.length > REPARSE_MAX
                || ((b[4] & 0xff) | (b[5] & 0xff) << 8) != b.length - 8)
            throw new IllegalStateException("getReparseData returned a "
                + b.length + "-byte buffer that is no REPARSE_DATA_BUFFER");
    }

    byte[] getReparseData(long r, long node, long[] out) {
        try {
            byte[] b = fs.getReparseData(req(r), get(node));
            if (b == null) {
                out[0] = -Errno.ENODATA;
                return null;
            }
            checkReparse(b);
            return b;
        } catch (Throwable t) {
            out[0] = errno(t, "getReparseData");
            return null;
        }
    }

    int setReparseData(long r, long node, byte[] data) {
        try {
            fs.setReparseData(req(r), get(node), data);
            return 0;
        } catch (Throwable t) {
            return errno(t, "setReparseData");
        }
    }

    int deleteReparseData(long r, long node) {
        try {
            fs.deleteReparseData(req(r), get(node));
            return 0;
        } catch (Throwable t) {
            return errno(t, "deleteReparseData");
        }
    }

    byte[] getSecurity(long r, long node, long[] out) {
        try {
            byte[] sd = fs.getSecurity(req(r), get(node));
            if (sd == null) {
                out[0] = -Errno.ENODATA;
                return null;
            }
            if (Native.sdCheck(sd) != 0)
                throw new IllegalStateException("getSecurity returned "
                    + sd.length + " bytes that are no security descriptor");
            return sd;
        } catch (Throwable t) {
            out[0] = errno(t, "getSecurity");
            return null;
        }
    }

    int setSecurity(long r, long node, byte[] sd) {
        try {
            fs.setSecurity(req(r), get(node), sd);
            return 0;
        } catch (Throwable t) {
            return errno(t, "setSecurity");
        }
    }

    // ---- the SID mapper (Mount's SidMapper): mapper is the object
    // libfspjni holds a global reference to; not a FileSystem callback.

    /** Fallback (ENOENT, no log) or EIO (logged) for what a mapper threw. */
    private static int mapperErrno(Throwable t, String what) {
        if (t instanceof FspException
                && ((FspException) t).errno() == Errno.ENOENT)
            return -Errno.ENOENT;
        try {
            LOG.log(Level.SEVERE, "fsp: SidMapper." + what + " failed", t);
        } catch (Throwable ignored) {
            // logging itself failed (out of memory): the answer stands
        }
        return -Errno.EIO;
    }

    /** 0 with the id in out[0] and is-group in out[1], or -errno. */
    int sidToId(SidMapper mapper, byte[] sid, long[] out) {
        try {
            PosixId p = mapper.sidToId(new String(sid, StandardCharsets.US_ASCII));
            if (p == null)
                return -Errno.ENOENT;
            out[0] = Integer.toUnsignedLong(p.id());
            out[1] = p.isGroup() ? 1 : 0;
            return 0;
        } catch (Throwable t) {
            return mapperErrno(t, "sidToId");
        }
    }

    /** The SID's text, or null with -errno in out[0]. */
    byte[] idToSid(SidMapper mapper, int id, boolean isGroup, long[] out) {
        try {
            String s = mapper.idToSid(id, isGroup);
            if (s == null) {
                out[0] = -Errno.ENOENT;
                return null;
            }
            return s.getBytes(StandardCharsets.US_ASCII);
        } catch (Throwable t) {
            out[0] = mapperErrno(t, "idToSid");
            return null;
        }
    }
}
