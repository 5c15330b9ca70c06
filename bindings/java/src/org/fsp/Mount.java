// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A FileSystem mounted on a directory.  The constructor mounts (or throws
 * FspException with the errno and fsp's one-line reason); {@link #run}
 * serves requests until unmounted or {@link #stop}; {@link #close} frees
 * the instance.
 */
public final class Mount implements AutoCloseable {
    private long fs;
    private final Dispatcher dispatcher;

    /** options: -o style ("ro,allow_other"); params may be null; threads:
     * dispatcher threads (-1: fsp's default, 1: single-threaded). */
    public Mount(FileSystem fileSystem, String mountpoint, String options,
                 VolumeParams params, int threads, boolean debug)
            throws IOException {
        this(fileSystem, mountpoint, options, params, threads, debug, null);
    }

    /** As above, with sidMapper (may be null) mapping SIDs and POSIX ids
     * on a VolumeParams.SECURITY volume before fsp's default mapping; the
     * mount holds it until close(). */
    public Mount(FileSystem fileSystem, String mountpoint, String options,
                 VolumeParams params, int threads, boolean debug,
                 SidMapper sidMapper) throws IOException {
        if (params == null)
            params = new VolumeParams();
        dispatcher = new Dispatcher(fileSystem);
        dispatcher.mount = this;
        int flags = (fileSystem.statelessOpens ? 1 : 0)
            | (fileSystem.unnamedFiles ? 2 : 0)
            | (fileSystem.statelessDirOpens ? 4 : 0);
        long h = Native.create(dispatcher, params.pack(), utf8(params.fsname),
                               utf8(params.subtype), flags, dispatcher.mask());
        if (h < 0)
            throw new FspException((int) -h, "fsp_fs_new failed");
        fs = h;
        Native.setDebug(fs, debug);
        if (threads >= 0)
            Native.setThreads(fs, threads, 0);
        if (sidMapper != null) {
            int mrc = Native.setSidMapper(fs, sidMapper);
            if (mrc != 0) {
                close();
                throw new FspException(-mrc, "fsp_fs_set_sid_mapper");
            }
        }
        byte[] err = new byte[512];
        int rc = Native.mount(fs, utf8(mountpoint),
                              utf8(options == null ? "" : options), err);
        if (rc != 0) {
            close();
            int n = 0;
            while (n < err.length && err[n] != 0)
                n++;
            throw new FspException(-rc, mountpoint + ": "
                + new String(err, 0, n, StandardCharsets.UTF_8));
        }
    }

    public Mount(FileSystem fileSystem, String mountpoint) throws IOException {
        this(fileSystem, mountpoint, "", null, -1, false);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Serve requests until unmounted or stop().  signals: SIGINT,
     * SIGTERM and SIGHUP stop it (fsp's handlers replace the JVM's). */
    public void run(boolean signals) throws IOException {
        if (signals) {
            int rc = Native.setSignalHandlers(fs);
            if (rc != 0)
                throw new FspException(-rc, "fsp_fs_set_signal_handlers");
        }
        int rc = Native.run(fs);
        if (rc != 0)
            throw new FspException(-rc, "fsp_fs_run");
    }

    public void run() throws IOException {
        run(true);
    }

    /** Make run() return; any thread. */
    public void stop() {
        if (fs != 0)
            Native.stop(fs);
    }

    /** Drop the kernel's cached attributes of file index (and its data from
     * off for len bytes when off >= 0).  Never from a callback about the
     * same file.  False when the kernel held nothing. */
    public boolean notifyInode(long index, long off, long len)
            throws FspException {
        return notified(Native.notifyInode(fs, index, off, len));
    }

    /** Drop the kernel's cached entry name in directory parentIndex. */
    public boolean notifyEntry(long parentIndex, String name)
            throws FspException {
        return notified(Native.notifyEntry(fs, parentIndex, utf8(name)));
    }

    /** Like notifyEntry, but the kernel keeps the entry and only marks it
     * expired (a working directory on it stays).  FspException(ENOSYS) on
     * kernels before FUSE 7.38. */
    public boolean notifyExpire(long parentIndex, String name)
            throws FspException {
        return notified(Native.notifyExpire(fs, parentIndex, utf8(name)));
    }

    /** Name {@code name} in directory parentIndex is gone, and with it
     * file childIndex's name there (0: the name only); inotify watchers
     * of the file see IN_DELETE_SELF.  A directory must be empty in the
     * kernel's cache (FspException ENOTEMPTY). */
    public boolean notifyDelete(long parentIndex, long childIndex,
                                String name) throws FspException {
        return notified(Native.notifyDelete(fs, parentIndex, childIndex,
                                            utf8(name)));
    }

    /** Put data into the kernel's page cache of file index at off, so
     * reads get it without asking the file system (copied before the
     * call returns). */
    public boolean notifyStore(long index, long off, byte[] data)
            throws FspException {
        return notified(Native.notifyStore(fs, index, off, data, 0,
                                           data.length));
    }

    /** What the kernel has cached of file index from off, up to size
     * bytes (fewer: up to the first page not cached or the end of the
     * file; empty when nothing is).  Blocks until the kernel answers or
     * timeoutMs pass (FspException ETIMEDOUT); needs a dispatcher thread
     * free, so never from a callback on a single-threaded volume.  null
     * when the kernel holds nothing for the file. */
    public byte[] notifyRetrieve(long index, long off, int size,
                                 int timeoutMs) throws FspException {
        if (size < 0)
            throw new IllegalArgumentException("size " + size);
        byte[] buf = new byte[size];
        int got = Native.notifyRetrieve(fs, index, off, buf, timeoutMs);
        if (got < 0 && !notified(got))
            return null;
        return java.util.Arrays.copyOf(buf, got);
    }

    private static boolean notified(int rc) throws FspException {
        if (rc == -Errno.ENOENT)
            return false;
        if (rc != 0)
            throw new FspException(-rc, "notify failed");
        return true;
    }

    /** Free the instance (after run() returned, or if it never ran). */
    @Override
    public synchronized void close() {
        if (fs != 0) {
            Native.delete(fs);
            fs = 0;
        }
    }
}
