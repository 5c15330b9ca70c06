// SPDX-License-Identifier: 0BSD
// MemFs: an in-memory file system on fsp's native API, in Java.
//
// The Java counterpart of fs/memfs: files, directories, symbolic links,
// devices, FIFOs and sockets, hard links, extended attributes, sparse files
// with fallocate and SEEK_DATA/SEEK_HOLE, rename with its flags, O_TMPFILE,
// export (file handles that survive the kernel's cache: lookupIndex with
// generations), (-S) reads and writes completed later on a worker pool,
// and Windows semantics: (-N) named streams, (-P) reparse data, (-R) the
// read-only attribute, (--security) security descriptors; -W (or -o
// windows) is all four.  One lock (the MemFs object) guards the whole tree.
//
//   java -cp fsp.jar:examples MemFs [-f] [-d] [-t THREADS] [-C] [-S] [-A]
//                                   [-N] [-P] [-R] [--security] [-W]
//                                   [-F MAX_SIZE] [-l LABEL] [-o OPTIONS] MOUNTPOINT
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.fsp.*;

public class MemFs extends FileSystem {
    static final int PAGE = 4096;

    static long now() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static FspException err(int errno) {
        return new FspException(errno);
    }

    /** One file of any type. */
    static class Node {
        final long index;
        int mode, uid, gid, rdev, attributes, names;
        long btime, atime, mtime, ctime;
        final Map<String, byte[]> xattrs = new HashMap<>();
        byte[] target;                                   // symbolic links
        long generation;                                 // export
        byte[] reparse, sd;                              // -P, --security
        Map<String, Node> streams;                       // -N, made on demand
        // directories
        final Map<String, Node> entries;
        Node parent;                                     // lookup of ".."
        int subdirs;
        // regular files
        final TreeMap<Long, byte[]> pages;
        long length;

        Node(long index, int mode, int uid, int gid, int rdev, int attributes) {
            this.index = index; this.mode = mode; this.uid = uid;
            this.gid = gid; this.rdev = rdev; this.attributes = attributes;
            btime = atime = mtime = ctime = now();
            entries = Mode.isDir(mode) ? new LinkedHashMap<>() : null;
            pages = Mode.isReg(mode) ? new TreeMap<>() : null;
        }

        void fill(FileInfo fi) {
            fi.index = index; fi.mode = mode; fi.attributes = attributes;
            fi.nlink = entries != null ? (names > 0 ? 2 + subdirs : 0) : names;
            fi.uid = uid; fi.gid = gid; fi.rdev = rdev;
            fi.size = pages != null ? length
                : target != null ? target.length
                : entries != null ? entries.size() : 0;
            fi.allocSize = pages != null ? (long) pages.size() * PAGE : 0;
            fi.creationTime = btime; fi.accessTime = atime;
            fi.writeTime = mtime; fi.changeTime = ctime;
            fi.generation = generation;
        }

        void touch(long t) {
            mtime = ctime = t;
        }

        /** Linux's relatime rule: an access moves atime only when atime
         * is not newer than mtime or ctime, or is a day old.  Only
         * accesses that reach memfs count (cached reads do not). */
        void accessed() {
            long t = now();
            if (atime <= mtime || atime <= ctime
                    || t - atime >= 24L * 3600 * 1_000_000_000L)
                atime = t;
        }

        int read(ByteBuffer buf, long offset) {
            long end = Math.min(offset + buf.capacity(), length);
            int done = 0;
            while (offset < end) {
                long no = offset / PAGE;
                int at = (int) (offset % PAGE);
                int n = (int) Math.min(PAGE - at, end - offset);
                byte[] page = pages.get(no);
                if (page != null)
                    buf.put(done, page, at, n);
                else
                    for (int i = 0; i < n; i++)
                        buf.put(done + i, (byte) 0);
                done += n;
                offset += n;
            }
            return done;
        }

        int write(ByteBuffer data, long offset) {
            int len = data.remaining(), done = 0;
            while (done < len) {
                long no = (offset + done) / PAGE;
                int at = (int) ((offset + done) % PAGE);
                int n = Math.min(PAGE - at, len - done);
                byte[] page = pages.computeIfAbsent(no, k -> new byte[PAGE]);
                data.get(data.position() + done, page, at, n);
                done += n;
            }
            length = Math.max(length, offset + len);
            return len;
        }

        void truncate(long size) {
            if (size < length) {
                long keep = (size + PAGE - 1) / PAGE;
                pages.tailMap(keep, true).clear();
                int at = (int) (size % PAGE);
                byte[] page = pages.get(size / PAGE);
                if (at != 0 && page != null)
                    java.util.Arrays.fill(page, at, PAGE, (byte) 0);
            }
            length = size;
        }

        void allocate(long offset, long len) {
            for (long no = offset / PAGE; no * PAGE < offset + len; no++)
                pages.computeIfAbsent(no, k -> new byte[PAGE]);
        }

        void punch(long offset, long len) {
            long end = Math.min(offset + len, length);
            while (offset < end) {
                long no = offset / PAGE;
                int at = (int) (offset % PAGE);
                int n = (int) Math.min(PAGE - at, end - offset);
                if (n == PAGE)
                    pages.remove(no);
                else if (pages.containsKey(no))
                    java.util.Arrays.fill(pages.get(no), at, at + n, (byte) 0);
                offset += n;
            }
        }

        long seek(long offset, int whence) throws FspException {
            if (offset >= length)
                throw err(Errno.ENXIO);
            if (whence == SEEK_DATA) {
                Long no = pages.ceilingKey(offset / PAGE);
                if (no == null || Math.max(offset, no * PAGE) >= length)
                    throw err(Errno.ENXIO);
                return Math.max(offset, no * PAGE);
            }
            long no = offset / PAGE;
            while (pages.containsKey(no) && no * PAGE < length)
                no++;
            return Math.min(Math.max(offset, no * PAGE), length);
        }
    }

    /** One open (without stateless opens): only whether it may move atime. */
    static final class OpenFile {
        static final int O_NOATIME = 01000000;
        final boolean noatime;

        OpenFile(int flags) {
            noatime = (flags & O_NOATIME) != 0;
        }
    }

    static boolean movesAtime(Object file) {
        return !(file instanceof OpenFile && ((OpenFile) file).noatime);
    }

    private final Node root;
    private long nextIndex = 1;
    /** Export: the files that have names, by index. */
    private final Map<Long, Node> byIndex = new HashMap<>();
    /** Generations differ per instance: memfs keeps nothing across a
     * restart, so a handle from before one must be stale. */
    private final long genKey = new java.security.SecureRandom().nextLong();
    private String label;
    private final ExecutorService workers;

    public MemFs(String label, boolean stateless, boolean slow) {
        this.label = label;
        this.statelessOpens = stateless;
        this.unnamedFiles = true;
        this.workers = slow ? Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "memfs-slowio");
            t.setDaemon(true);
            return t;
        }) : null;
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        long gid = new com.sun.security.auth.module.UnixSystem().getGid();
        root = newNode(Mode.S_IFDIR | 0755, (int) uid, (int) gid, 0, 0);
        root.names = 1;
    }

    private Node newNode(int mode, int uid, int gid, int rdev, int attrs) {
        Node n = new Node(nextIndex++, mode, uid, gid, rdev, attrs);
        // indexes are never reused here, so any per-instance value works;
        // a keyed mix makes a corrupted handle miss rather than hit
        long x = (genKey ^ n.index * 0x9e3779b97f4a7c15L) * 0xbf58476d1ce4e5b9L;
        n.generation = (x ^ x >>> 31) & 0xffffffffL;
        return n;
    }

    /** A name more (count 0 -> 1: findable by index again). */
    private void named(Node n) {
        if (n.names++ == 0)
            byIndex.put(n.index, n);
    }

    private static Node child(Node parent, String name) throws FspException {
        Node n = parent.entries.get(name);
        if (n == null)
            throw err(Errno.ENOENT);
        return n;
    }

    // ---- volume --------------------------------------------------------------
    @Override
    public synchronized void getVolumeInfo(Request req, VolumeInfo vi) {
        vi.totalSize = vi.freeSize = 1L << 40;
        vi.label = label;
    }

    @Override
    public synchronized void setVolumeLabel(Request req, String label,
                                            VolumeInfo vi) {
        this.label = label;
        getVolumeInfo(req, vi);
    }

    // ---- names ---------------------------------------------------------------
    @Override
    public synchronized Object lookup(Request req, Object parent, String name,
                                      FileInfo fi) throws FspException {
        Node n = parent == null ? root
            : name.equals("..") ? ((Node) parent).parent   // export volumes
            : child((Node) parent, name);
        n.fill(fi);
        return n;
    }

    @Override
    public synchronized Object lookupIndex(Request req, long index,
                                           FileInfo fi) throws FspException {
        Node n = byIndex.get(index);
        if (n == null)
            throw err(Errno.ESTALE);
        n.fill(fi);
        return n;
    }

    @Override
    public synchronized void getFileInfo(Request req, Object node, Object file,
                                         FileInfo fi) {
        ((Node) node).fill(fi);
    }

    @Override
    public synchronized Created create(Request req, Object parentObj,
                                       String name, CreateParams cp,
                                       FileInfo fi) throws FspException {
        Node parent = (Node) parentObj;
        if (name != null && parent.entries.containsKey(name))
            throw err(Errno.EEXIST);
        Node n = newNode(cp.mode, cp.uid, cp.gid, cp.rdev, cp.attributes);
        if ((cp.mode & Mode.S_IFMT) == Mode.S_IFLNK)
            n.target = cp.linkTarget.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        n.sd = cp.security;                          // --security only
        n.parent = parent;
        if (name != null) {
            parent.entries.put(name, n);
            named(n);
            if (n.entries != null)
                parent.subdirs++;
            parent.touch(n.ctime);
        }
        n.fill(fi);
        boolean open = n.pages != null && !statelessOpens;
        return new Created(n, open ? new OpenFile(cp.flags) : null);
    }

    @Override
    public synchronized Object open(Request req, Object node, int flags,
                                    FileInfo fi) {
        ((Node) node).fill(fi);
        return new OpenFile(flags);
    }

    @Override
    public synchronized void canDelete(Request req, Object parent, String name,
                                       Object node) throws FspException {
        Node n = (Node) node;
        if (n.entries != null && !n.entries.isEmpty())
            throw err(Errno.ENOTEMPTY);
    }

    private void unname(Node parent, String name, long t) {
        Node n = parent.entries.remove(name);
        if (--n.names == 0)
            byIndex.remove(n.index);
        n.ctime = t;
        if (n.entries != null)
            parent.subdirs--;
    }

    @Override
    public synchronized void setDelete(Request req, Object parent, String name,
                                       Object node) {
        long t = now();
        unname((Node) parent, name, t);
        ((Node) parent).touch(t);
    }

    @Override
    public synchronized void rename(Request req, Object op, String oldName,
                                    Object np, String newName, Object nodeObj,
                                    int flags) throws FspException {
        Node oldParent = (Node) op, newParent = (Node) np, node = (Node) nodeObj;
        long t = now();
        Node target = newParent.entries.get(newName);
        if ((flags & RENAME_EXCHANGE) != 0) {
            if (target == null)
                throw err(Errno.ENOENT);
            oldParent.entries.put(oldName, target);
            newParent.entries.put(newName, node);
            boolean nd = node.entries != null, td = target.entries != null;
            if (nd != td) {
                int d = nd ? 1 : -1;
                oldParent.subdirs -= d;
                newParent.subdirs += d;
            }
            target.ctime = t;
            target.parent = oldParent;
        } else {
            if (target != null && (flags & RENAME_NOREPLACE) != 0)
                throw err(Errno.EEXIST);
            if (target != null) {
                if (target.entries != null && !target.entries.isEmpty())
                    throw err(Errno.ENOTEMPTY);
                unname(newParent, newName, t);
            }
            unname(oldParent, oldName, t);
            newParent.entries.put(newName, node);
            named(node);
            if (node.entries != null)
                newParent.subdirs++;
        }
        node.ctime = t;
        node.parent = newParent;
        oldParent.touch(t);
        newParent.touch(t);
    }

    @Override
    public synchronized void link(Request req, Object nodeObj, Object np,
                                  String newName, FileInfo fi)
            throws FspException {
        Node node = (Node) nodeObj, parent = (Node) np;
        if (parent.entries.containsKey(newName))
            throw err(Errno.EEXIST);
        long t = now();
        parent.entries.put(newName, node);
        named(node);
        node.ctime = t;
        parent.touch(t);
        node.fill(fi);
    }

    @Override
    public synchronized void readDirectory(Request req, Object node,
                                           Object file, DirBuffer db)
            throws FspException {
        FileInfo fi = new FileInfo();
        ((Node) node).accessed();
        for (Map.Entry<String, Node> e : ((Node) node).entries.entrySet()) {
            e.getValue().fill(fi);
            if (!db.add(e.getKey(), fi))
                throw err(Errno.ENOMEM);
        }
    }

    @Override
    public synchronized String getReparsePoint(Request req, Object node) {
        return new String(((Node) node).target,
                          java.nio.charset.StandardCharsets.UTF_8);
    }

    // ---- attributes ----------------------------------------------------------
    @Override
    public synchronized void setBasicInfo(Request req, Object nodeObj,
                                          Object file, BasicInfo bi,
                                          FileInfo fi) {
        Node n = (Node) nodeObj;
        if (bi.has(BasicInfo.SET_MODE))
            n.mode = (n.mode & Mode.S_IFMT) | bi.mode;
        if (bi.has(BasicInfo.SET_UID))
            n.uid = bi.uid;
        if (bi.has(BasicInfo.SET_GID))
            n.gid = bi.gid;
        if (bi.has(BasicInfo.SET_ATTRIBUTES)) {
            n.attributes = bi.attributes;
            if (n.streams != null)
                for (Node s : n.streams.values())
                    syncStream(n, s);
        }
        if (bi.has(BasicInfo.SET_ATIME))
            n.atime = bi.accessTime;
        if (bi.has(BasicInfo.SET_MTIME))
            n.mtime = bi.writeTime;
        if (bi.has(BasicInfo.SET_CRTIME))
            n.btime = bi.creationTime;
        n.ctime = bi.has(BasicInfo.SET_CTIME) ? bi.changeTime : now();
        n.fill(fi);
    }

    @Override
    public synchronized byte[] getEa(Request req, Object node, String name)
            throws FspException {
        byte[] v = ((Node) node).xattrs.get(name);
        if (v == null)
            throw err(Errno.ENODATA);
        return v;
    }

    @Override
    public synchronized void setEa(Request req, Object nodeObj, String name,
                                   byte[] value, int flags)
            throws FspException {
        Node n = (Node) nodeObj;
        boolean exists = n.xattrs.containsKey(name);
        if ((flags & EA_CREATE) != 0 && exists)
            throw err(Errno.EEXIST);
        if ((flags & EA_REPLACE) != 0 && !exists)
            throw err(Errno.ENODATA);
        n.xattrs.put(name, value);
        n.ctime = now();
    }

    @Override
    public synchronized Collection<String> listEa(Request req, Object node) {
        return new ArrayList<>(((Node) node).xattrs.keySet());
    }

    @Override
    public synchronized void removeEa(Request req, Object nodeObj, String name)
            throws FspException {
        Node n = (Node) nodeObj;
        if (n.xattrs.remove(name) == null)
            throw err(Errno.ENODATA);
        n.ctime = now();
    }

    // ---- named streams (-N) ----------------------------------------------------
    // A stream is a regular-file Node of its own, named by its file's
    // stream map, so it lives while listed or referenced as a file does.

    /** The kernel checks access to a stream by its file's owner and mode;
     * NTFS keeps attributes per file, so a read-only file's streams are
     * read-only too. */
    private static void syncStream(Node file, Node s) {
        s.mode = Mode.S_IFREG | (file.mode & 07777);
        s.uid = file.uid;
        s.gid = file.gid;
        s.attributes = (s.attributes & ~FileInfo.ATTR_READONLY)
            | (file.attributes & FileInfo.ATTR_READONLY);
    }

    @Override
    public synchronized Object lookupStream(Request req, Object node,
                                            String name, FileInfo fi)
            throws FspException {
        Node n = (Node) node;
        Node s = n.streams == null ? null : n.streams.get(name);
        if (s == null)
            throw err(Errno.ENOENT);
        syncStream(n, s);
        s.fill(fi);
        return s;
    }

    @Override
    public synchronized Object createStream(Request req, Object node,
                                            String name, FileInfo fi)
            throws FspException {
        Node n = (Node) node;
        if (n.streams == null)
            n.streams = new LinkedHashMap<>();
        if (n.streams.containsKey(name))
            throw err(Errno.EEXIST);
        Node s = newNode(Mode.S_IFREG, 0, 0, 0, FileInfo.ATTR_ARCHIVE);
        s.names = 1;
        syncStream(n, s);
        n.streams.put(name, s);
        n.ctime = now();
        s.fill(fi);
        return s;
    }

    @Override
    public synchronized void deleteStream(Request req, Object node,
                                          String name) throws FspException {
        Node n = (Node) node;
        Node s = n.streams == null ? null : n.streams.remove(name);
        if (s == null)
            throw err(Errno.ENOENT);
        s.names = 0;
        n.ctime = now();
    }

    @Override
    public synchronized Map<String, Long> getStreamInfo(Request req,
                                                        Object node) {
        Map<String, Long> list = new LinkedHashMap<>();
        Node n = (Node) node;
        if (n.streams != null)
            n.streams.forEach((name, s) -> list.put(name, s.length));
        return list;
    }

    // ---- reparse data (-P) and security descriptors (--security) --------------
    // memfs only keeps the bytes: fsp checks them, and derives the owner,
    // group and mode from a descriptor.

    @Override
    public synchronized byte[] getReparseData(Request req, Object node) {
        return ((Node) node).reparse;                // null: ENODATA
    }

    @Override
    public synchronized void setReparseData(Request req, Object node,
                                            byte[] data) throws FspException {
        Node n = (Node) node;
        // Windows replaces reparse data only with data of the same tag
        if (n.reparse != null && !java.util.Arrays.equals(
                n.reparse, 0, 4, data, 0, 4))
            throw err(Errno.EEXIST);
        n.reparse = data;
        n.attributes |= FileInfo.ATTR_REPARSE_POINT;
        n.ctime = now();
    }

    @Override
    public synchronized void deleteReparseData(Request req, Object node)
            throws FspException {
        Node n = (Node) node;
        if (n.reparse == null)
            throw err(Errno.ENODATA);
        n.reparse = null;
        if (n.target == null)                        // symlinks keep it
            n.attributes &= ~FileInfo.ATTR_REPARSE_POINT;
        n.ctime = now();
    }

    @Override
    public synchronized byte[] getSecurity(Request req, Object node) {
        return ((Node) node).sd;                     // null: fsp maps the mode
    }

    @Override
    public synchronized void setSecurity(Request req, Object node, byte[] sd) {
        Node n = (Node) node;
        n.sd = sd;
        n.ctime = now();
    }

    // ---- data ----------------------------------------------------------------
    @Override
    public int read(Request req, Object node, Object file, ByteBuffer buf,
                    long offset) {
        Node n = (Node) node;
        if (workers != null) {
            PendingRequest p = req.pend();
            workers.execute(() -> {
                int done;
                synchronized (this) {
                    if (movesAtime(file))
                        n.accessed();
                    done = n.read(p.buffer(), offset);
                }
                p.completeRead(done);
            });
            return Request.PENDING;
        }
        synchronized (this) {
            if (movesAtime(file))
                n.accessed();
            return n.read(buf, offset);
        }
    }

    @Override
    public int write(Request req, Object node, Object file, ByteBuffer data,
                     long offset, FileInfo fi) {
        Node n = (Node) node;
        if (workers != null) {
            PendingRequest p = req.pend();
            workers.execute(() -> {
                FileInfo info = new FileInfo();
                int done;
                synchronized (this) {
                    done = n.write(p.buffer(), offset);
                    n.touch(now());
                    n.fill(info);
                }
                p.completeWrite(done, info);
            });
            return Request.PENDING;
        }
        synchronized (this) {
            int done = n.write(data, offset);
            n.touch(now());
            n.fill(fi);
            return done;
        }
    }

    @Override
    public void overwrite(Request req, Object node, Object file, FileInfo fi) {
        setFileSize(req, node, file, 0, fi);
    }

    @Override
    public synchronized void setFileSize(Request req, Object node, Object file,
                                         long size, FileInfo fi) {
        Node n = (Node) node;
        n.truncate(size);
        n.touch(now());
        n.fill(fi);
    }

    @Override
    public synchronized void allocate(Request req, Object node, Object file,
                                      long offset, long length, int mode,
                                      FileInfo fi) {
        Node n = (Node) node;
        if ((mode & ALLOC_PUNCH_HOLE) != 0) {
            n.punch(offset, length);
        } else {
            n.allocate(offset, length);
            if ((mode & ALLOC_KEEP_SIZE) == 0)
                n.length = Math.max(n.length, offset + length);
        }
        n.touch(now());
        n.fill(fi);
    }

    @Override
    public synchronized long seek(Request req, Object node, Object file,
                                  long offset, int whence) throws FspException {
        return ((Node) node).seek(offset, whence);
    }

    // ---- command line --------------------------------------------------------
    static final int WINDOWS = VolumeParams.NAMED_STREAMS
        | VolumeParams.REPARSE_POINTS | VolumeParams.READONLY_ATTR
        | VolumeParams.SECURITY;

    /** A byte count with an optional K, M or G (binary) suffix. */
    static long size(String s) {
        int shift = 0;
        switch (Character.toLowerCase(s.charAt(s.length() - 1))) {
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        default: break;
        }
        String digits = shift > 0 ? s.substring(0, s.length() - 1) : s;
        if (!digits.matches("[0-9]+"))
            throw new IllegalArgumentException("bad size: " + s);
        return Long.parseLong(digits) << shift;
    }

    public static void main(String[] args) throws Exception {
        boolean debug = false, nocache = false, slow = false, acl = false;
        int windows = 0;                             // VolumeParams flags
        int threads = -1;
        long maxFileSize = 0;
        String label = "memfs", mountpoint = null;
        StringBuilder options = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
            case "-f": break;     // always foreground: bindings/java/memfs
                                  // puts it in the background
            case "-d": debug = true; break;
            case "-C": nocache = true; break;
            case "-S": slow = true; break;
            case "-A": acl = true; break;
            case "-N": windows |= VolumeParams.NAMED_STREAMS; break;
            case "-P": windows |= VolumeParams.REPARSE_POINTS; break;
            case "-R": windows |= VolumeParams.READONLY_ATTR; break;
            case "--security": windows |= VolumeParams.SECURITY; break;
            case "-W": windows |= WINDOWS; break;
            case "-t": threads = Integer.parseInt(args[++i]); break;
            case "-l": label = args[++i]; break;
            case "-F": maxFileSize = size(args[++i]); break;
            case "-o":                               // "windows" is -W
                for (String o : args[++i].split(",")) {
                    if (o.equals("windows")) {
                        windows |= WINDOWS;
                        continue;
                    }
                    if (options.length() > 0)
                        options.append(',');
                    options.append(o);
                }
                break;
            default:
                if (a.startsWith("-") || mountpoint != null) {
                    System.err.println("usage: memfs [-f] [-d] [-t THREADS] "
                        + "[-C] [-S] [-A] [-N] [-P] [-R] [--security] [-W] "
                        + "[-F MAX_SIZE] [-l LABEL] [-o OPTIONS] MOUNTPOINT");
                    System.exit(2);
                }
                mountpoint = a;
            }
        }
        if (mountpoint == null) {
            System.err.println("memfs: missing mountpoint");
            System.exit(2);
        }
        VolumeParams vp = new VolumeParams();
        vp.flags = (nocache ? VolumeParams.DIRECT_IO : 0)
            | (acl ? VolumeParams.POSIX_ACL : 0) | windows;
        vp.fileInfoTimeoutMs = nocache ? 0 : 1000;
        vp.volumeSerial = System.nanoTime() & 0xffffffffL;
        vp.volumeCreationTime = now();
        vp.maxFileSize = maxFileSize;
        vp.fsname = "memfs.java";
        vp.subtype = "memfs.java";
        MemFs fs = new MemFs(label, !nocache, slow);
        try (Mount m = new Mount(fs, mountpoint, options.toString(), vp,
                                 threads, debug)) {
            m.run();
        } catch (FspException e) {
            System.err.println("memfs: " + e.getMessage());
            System.exit(1);
        }
    }
}
