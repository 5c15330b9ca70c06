// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/** A read or write finished later, from any thread, by exactly one of
 * {@link #completeRead}, {@link #completeWrite} or {@link #fail}. */
public final class PendingRequest {
    private final AtomicLong handle;
    private final ByteBuffer buf;
    private final long[] fi = new long[FileInfo.LONGS];

    PendingRequest(long handle, ByteBuffer buf) {
        this.handle = new AtomicLong(handle);
        this.buf = buf;
    }

    /** The request's buffer: for a read, fill it (from position 0); for a
     * write, the data. */
    public ByteBuffer buffer() {
        return buf;
    }

    private long take() {
        long h = handle.getAndSet(0);
        if (h == 0)
            throw new IllegalStateException("request already completed");
        return h;
    }

    /** Answer a read: {@code bytes} bytes are in buffer(). */
    public void completeRead(int bytes) {
        if (bytes < 0 || bytes > buf.capacity()) {
            fail(Errno.EIO);
            throw new IllegalArgumentException("read of " + bytes + " bytes, "
                + buf.capacity() + " asked");
        }
        Native.complete(take(), 0, bytes, null);
    }

    /** Answer a write: bytes written and the file's new info (or null). */
    public void completeWrite(int bytes, FileInfo info) {
        if (bytes < 0 || bytes > buf.capacity()) {
            fail(Errno.EIO);
            throw new IllegalArgumentException("write of " + bytes + " bytes");
        }
        long[] packed = null;
        if (info != null) {
            info.pack(fi, 0);
            packed = fi;
        }
        Native.complete(take(), 0, bytes, packed);
    }

    /** Answer with errno (e.g. Errno.EIO). */
    public void fail(int errno) {
        Native.complete(take(), errno > 0 && errno < 4096 ? -errno
                        : -Errno.EIO, 0, null);
    }

    boolean done() {
        return handle.get() == 0;
    }
}
