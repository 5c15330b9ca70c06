// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** The calls into libfspjni (bindings/java/native/fsp_jni.c); private to
 * the binding.  Loads the library from the system property fsp.jni (a
 * path), the environment variable FSP_JNI, or java.library.path. */
final class Native {
    static {
        String p = System.getProperty("fsp.jni", System.getenv("FSP_JNI"));
        if (p != null && !p.isEmpty())
            System.load(new java.io.File(p).getAbsolutePath());
        else
            System.loadLibrary("fspjni");
    }

    private Native() {}

    static native long create(Dispatcher d, long[] vparams, byte[] fsname,
                              byte[] subtype, int ifaceFlags, long mask);
    static native void setDebug(long fs, boolean on);
    /** 0 or -errno; mapper null restores fsp's default mapping. */
    static native int setSidMapper(long fs, SidMapper mapper);
    static native void setThreads(long fs, int threads, int max);
    static native int mount(long fs, byte[] mountpoint, byte[] options,
                            byte[] err);
    static native int run(long fs);
    static native void stop(long fs);
    static native int setSignalHandlers(long fs);
    static native void delete(long fs);
    static native int notifyInode(long fs, long index, long off, long len);
    static native int notifyEntry(long fs, long parent, byte[] name);
    static native int uid(long req);
    static native int gid(long req);
    static native int pid(long req);
    static native int umask(long req);
    static native boolean interrupted(long req);
    static native byte[] path(long req);
    static native long pend(long req);
    static native int passthrough(long req, int fd);
    static native int readFd(long req, int fd, long off, int len);
    static native void complete(long req, int result, int bytes, long[] fi);
    static native boolean dirAdd(long db, byte[] name, long[] fi);
    static native boolean streamAdd(long sb, byte[] name, long size);
    static native int notifyExpire(long fs, long parent, byte[] name);
    static native int notifyDelete(long fs, long parent, long child,
                                   byte[] name);
    static native int notifyStore(long fs, long index, long off, byte[] data,
                                  int from, int len);
    static native int notifyRetrieve(long fs, long index, long off,
                                     byte[] buf, int timeoutMs);
    static native byte[] sddlToSd(byte[] text, int[] err);
    static native byte[] sdToSddl(byte[] sd, int[] err);
    static native int sdCheck(byte[] sd);
    static native byte[] sdInherit(byte[] parent, byte[] owner, byte[] group,
                                   boolean dir, int[] err);
}
