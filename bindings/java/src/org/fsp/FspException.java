// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

import java.io.IOException;

/** A failure with the errno the kernel is to answer (Errno.ENOENT, ...).
 * Throw it from a callback; see Dispatcher for how other exceptions map. */
public class FspException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public FspException(int errno) {
        this(errno, "errno " + errno);
    }

    public FspException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
