// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** One request from the kernel, valid during its callback only: the
 * caller's identity, the path, the interrupt flag and the request-scoped
 * calls of the C API. */
public final class Request {
    /** Returned by read or write after {@link #pend}: the answer comes
     * later through the PendingRequest. */
    public static final int PENDING = -0x10000;

    final long handle;
    final Mount mount;
    ByteBuffer buf;              // read/write: the I/O buffer
    PendingRequest pending;
    boolean sent;

    Request(long handle, Mount mount) {
        this.handle = handle;
        this.mount = mount;
    }

    /** The mount this request is for. */
    public Mount mount() { return mount; }
    public int uid() { return Native.uid(handle); }
    public int gid() { return Native.gid(handle); }
    public int pid() { return Native.pid(handle); }
    /** The umask of create calls (0 elsewhere). */
    public int umask() { return Native.umask(handle); }
    /** True once the caller got a signal: give up with EINTR. */
    public boolean interrupted() { return Native.interrupted(handle); }

    /** The path of the file ("/a/b"), or null for a file with no name. */
    public String path() {
        byte[] b = Native.path(handle);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** In read or write: keep the request beyond the callback.  Return
     * {@link #PENDING} from the callback and complete the returned
     * PendingRequest later, from any thread, exactly once.  The buffer
     * the callback got stays valid until then. */
    public PendingRequest pend() {
        if (pending != null)
            return pending;
        if (buf == null)
            throw new IllegalStateException("only read and write can pend");
        long p = Native.pend(handle);
        if (p == 0)
            throw new OutOfMemoryError("fsp_request_pend");
        return pending = new PendingRequest(p, buf);
    }

    /** In open or create on a PASSTHROUGH volume: let the kernel do this
     * open's I/O on descriptor fd.  True if the kernel took it. */
    public boolean passthrough(int fd) {
        return Native.passthrough(handle, fd) == 0;
    }

    /** In read: answer with up to length bytes of descriptor fd at
     * offset, spliced by the kernel.  True when sent (return 0 then). */
    public boolean readFd(int fd, long offset, int length) {
        if (Native.readFd(handle, fd, offset, length) == 0)
            return sent = true;
        return false;
    }
}
