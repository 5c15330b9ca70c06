#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small in-memory file system on python3-llfuse, for fuse2_ll.sh.

llfuse drives libfuse 2's low-level API with a loop of its own
(fuse_mount, fuse_lowlevel_new, fuse_session_add_chan, then worker
threads calling fuse_session_receive_buf / fuse_session_process_buf),
so this exercises fsp's libfuse.so.2 from an unmodified Debian C
extension.  Files and directories, read, write, truncate, rename,
unlink, rmdir, xattrs; writing to the file "invalidate" makes the file
system change "counter" behind the kernel's back and tell it with
llfuse.invalidate_inode (fuse_lowlevel_notify_inval_inode).

Usage: llfuse_memfs.py MOUNTPOINT [WORKERS]
"""
import errno
import os
import stat
import sys
import threading
import time

import llfuse

ROOT = llfuse.ROOT_INODE


class Node:
    def __init__(self, ino, mode):
        self.ino = ino
        self.mode = mode
        self.data = b""
        self.children = {}          # name (bytes) -> ino, for directories
        self.nlink = 2 if stat.S_ISDIR(mode) else 1
        self.xattrs = {}
        self.mtime_ns = time.time_ns()


class MemFS(llfuse.Operations):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.nodes = {ROOT: Node(ROOT, stat.S_IFDIR | 0o755)}
        self.next_ino = ROOT + 1
        self.counter = 0
        self.counter_ino = self._new(ROOT, b"counter", stat.S_IFREG | 0o444)
        self.nodes[self.counter_ino].data = b"counter 0\n"

    def _new(self, parent, name, mode):
        ino = self.next_ino
        self.next_ino += 1
        self.nodes[ino] = Node(ino, mode)
        self.nodes[parent].children[name] = ino
        if stat.S_ISDIR(mode):
            self.nodes[parent].nlink += 1
        return ino

    def _attr(self, ino):
        n = self.nodes[ino]
        a = llfuse.EntryAttributes()
        a.st_ino = ino
        a.st_mode = n.mode
        a.st_nlink = n.nlink
        a.st_uid = os.getuid()
        a.st_gid = os.getgid()
        a.st_size = len(n.data)
        a.st_blksize = 4096
        a.st_blocks = (len(n.data) + 511) // 512
        a.st_atime_ns = a.st_mtime_ns = a.st_ctime_ns = n.mtime_ns
        # long timeouts: "counter" is only fresh thanks to invalidate_inode
        a.attr_timeout = 3600
        a.entry_timeout = 3600
        return a

    def _child(self, parent, name):
        ino = self.nodes[parent].children.get(name)
        if ino is None:
            raise llfuse.FUSEError(errno.ENOENT)
        return ino

    def lookup(self, parent, name, ctx=None):
        with self.lock:
            if name == b".":
                return self._attr(parent)
            return self._attr(self._child(parent, name))

    def getattr(self, ino, ctx=None):
        with self.lock:
            return self._attr(ino)

    def setattr(self, ino, attr, fields, fh, ctx):
        with self.lock:
            n = self.nodes[ino]
            if fields.update_size:
                n.data = n.data[:attr.st_size].ljust(attr.st_size, b"\0")
            if fields.update_mode:
                n.mode = (n.mode & ~0o7777) | (attr.st_mode & 0o7777)
            if fields.update_mtime:
                n.mtime_ns = attr.st_mtime_ns
            return self._attr(ino)

    def opendir(self, ino, ctx):
        return ino

    def readdir(self, ino, off):
        with self.lock:
            entries = sorted(self.nodes[ino].children.items())
            attrs = [(name, self._attr(i)) for name, i in entries]
        for i, (name, a) in enumerate(attrs[off:], off + 1):
            yield name, a, i

    def mkdir(self, parent, name, mode, ctx):
        with self.lock:
            if name in self.nodes[parent].children:
                raise llfuse.FUSEError(errno.EEXIST)
            return self._attr(self._new(parent, name, stat.S_IFDIR | mode))

    def create(self, parent, name, mode, flags, ctx):
        with self.lock:
            if name in self.nodes[parent].children:
                raise llfuse.FUSEError(errno.EEXIST)
            ino = self._new(parent, name, stat.S_IFREG | mode)
            return ino, self._attr(ino)

    def open(self, ino, flags, ctx):
        return ino

    def read(self, fh, off, size):
        with self.lock:
            return self.nodes[fh].data[off:off + size]

    def write(self, fh, off, buf):
        with self.lock:
            n = self.nodes[fh]
            d = n.data.ljust(off, b"\0")
            n.data = d[:off] + buf + d[off + len(buf):]
            n.mtime_ns = time.time_ns()
            bump = fh == self.nodes[ROOT].children.get(b"invalidate")
            if bump:
                self.counter += 1
                self.nodes[self.counter_ino].data = \
                    b"counter %d\n" % self.counter
        if bump:
            # the kernel has "counter" cached for an hour: tell it
            llfuse.invalidate_inode(self.counter_ino, attr_only=False)
        return len(buf)

    def _unlink(self, parent, name, want_dir):
        with self.lock:
            ino = self._child(parent, name)
            n = self.nodes[ino]
            if stat.S_ISDIR(n.mode) != want_dir:
                raise llfuse.FUSEError(errno.EISDIR if not want_dir
                                       else errno.ENOTDIR)
            if want_dir and n.children:
                raise llfuse.FUSEError(errno.ENOTEMPTY)
            del self.nodes[parent].children[name]
            if want_dir:
                self.nodes[parent].nlink -= 1
            n.nlink -= 1

    def unlink(self, parent, name, ctx):
        self._unlink(parent, name, False)

    def rmdir(self, parent, name, ctx):
        self._unlink(parent, name, True)

    def rename(self, p_old, name_old, p_new, name_new, ctx):
        with self.lock:
            ino = self._child(p_old, name_old)
            if name_new in self.nodes[p_new].children:
                raise llfuse.FUSEError(errno.EEXIST)
            del self.nodes[p_old].children[name_old]
            self.nodes[p_new].children[name_new] = ino
            if stat.S_ISDIR(self.nodes[ino].mode):
                self.nodes[p_old].nlink -= 1
                self.nodes[p_new].nlink += 1

    def setxattr(self, ino, name, value, ctx):
        with self.lock:
            self.nodes[ino].xattrs[name] = value

    def getxattr(self, ino, name, ctx):
        with self.lock:
            try:
                return self.nodes[ino].xattrs[name]
            except KeyError:
                raise llfuse.FUSEError(llfuse.ENOATTR)

    def listxattr(self, ino, ctx):
        with self.lock:
            return list(self.nodes[ino].xattrs)

    def removexattr(self, ino, name, ctx):
        with self.lock:
            if self.nodes[ino].xattrs.pop(name, None) is None:
                raise llfuse.FUSEError(llfuse.ENOATTR)

    def statfs(self, ctx):
        s = llfuse.StatvfsData()
        s.f_bsize = s.f_frsize = 4096
        s.f_blocks = 1000
        s.f_bfree = s.f_bavail = 900
        s.f_files = 100
        s.f_ffree = s.f_favail = 90
        s.f_namemax = 255
        return s


def main():
    mountpoint = sys.argv[1]
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else None
    llfuse.init(MemFS(), mountpoint, ["fsname=llfuse_memfs"])
    try:
        llfuse.main(workers=workers)
    finally:
        llfuse.close(unmount=True)


if __name__ == "__main__":
    main()
