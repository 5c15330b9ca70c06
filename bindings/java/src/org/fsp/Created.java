// SPDX-License-Identifier: LGPL-2.1-or-later
package org.fsp;

/** What create returns: the new node and, for a regular file, its open
 * context (may be null). */
public final class Created {
    public final Object node, file;

    public Created(Object node, Object file) {
        this.node = node;
        this.file = file;
    }
}
