#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small in-memory file system on Debian's python3-pyfuse3.

pyfuse3 drives libfuse3's low-level API its own way: it polls
fuse_session_fd() from trio and calls fuse_session_receive_buf() and
fuse_session_process_buf() itself, and replies with fuse_reply_*; run on
fsp's libfuse3.so.3 this exercises those calls.  Used by
tests/compat/debian.sh:  pyfuse3_memfs.py MOUNTPOINT
"""
import errno
import os
import stat
import sys
import time

import pyfuse3
import trio


class Node:
    def __init__(self, ino, mode):
        self.ino = ino
        self.mode = mode
        self.data = b''
        self.children = {}   # name (bytes) -> ino, for directories
        self.nlink = 2 if stat.S_ISDIR(mode) else 1
        now = time.time_ns()
        self.mtime = self.ctime = self.atime = now


class MemFs(pyfuse3.Operations):
    def __init__(self):
        super().__init__()
        self.nodes = {pyfuse3.ROOT_INODE:
                      Node(pyfuse3.ROOT_INODE, stat.S_IFDIR | 0o755)}
        self.next_ino = pyfuse3.ROOT_INODE + 1

    def _attr(self, n):
        a = pyfuse3.EntryAttributes()
        a.st_ino = n.ino
        a.st_mode = n.mode
        a.st_nlink = n.nlink
        a.st_uid = os.getuid()
        a.st_gid = os.getgid()
        a.st_size = len(n.data)
        a.st_blksize = 4096
        a.st_blocks = (len(n.data) + 511) // 512
        a.st_atime_ns, a.st_mtime_ns, a.st_ctime_ns = n.atime, n.mtime, n.ctime
        a.entry_timeout = 1
        a.attr_timeout = 1
        return a

    def _dir(self, ino):
        n = self.nodes.get(ino)
        if n is None or not stat.S_ISDIR(n.mode):
            raise pyfuse3.FUSEError(errno.ENOTDIR)
        return n

    def _new(self, parent, name, mode):
        d = self._dir(parent)
        if name in d.children:
            raise pyfuse3.FUSEError(errno.EEXIST)
        n = Node(self.next_ino, mode)
        self.next_ino += 1
        self.nodes[n.ino] = n
        d.children[name] = n.ino
        if stat.S_ISDIR(mode):
            d.nlink += 1
        return n

    async def lookup(self, parent_inode, name, ctx=None):
        d = self._dir(parent_inode)
        if name == b'.':
            return self._attr(d)
        if name not in d.children:
            raise pyfuse3.FUSEError(errno.ENOENT)
        return self._attr(self.nodes[d.children[name]])

    async def getattr(self, inode, ctx=None):
        return self._attr(self.nodes[inode])

    async def setattr(self, inode, attr, fields, fh, ctx):
        n = self.nodes[inode]
        if fields.update_size:
            n.data = n.data[:attr.st_size].ljust(attr.st_size, b'\0')
            n.mtime = time.time_ns()
        if fields.update_mode:
            n.mode = (n.mode & ~0o7777) | (attr.st_mode & 0o7777)
        if fields.update_mtime:
            n.mtime = attr.st_mtime_ns
        n.ctime = time.time_ns()
        return self._attr(n)

    async def opendir(self, inode, ctx):
        self._dir(inode)
        return inode

    async def readdir(self, fh, start_id, token):
        d = self._dir(fh)
        names = sorted(d.children)
        for i, name in enumerate(names[start_id:], start_id + 1):
            n = self.nodes[d.children[name]]
            if not pyfuse3.readdir_reply(token, name, self._attr(n), i):
                break

    async def mkdir(self, parent_inode, name, mode, ctx):
        return self._attr(self._new(parent_inode, name, stat.S_IFDIR | mode))

    async def create(self, parent_inode, name, mode, flags, ctx):
        n = self._new(parent_inode, name, stat.S_IFREG | mode)
        return pyfuse3.FileInfo(fh=n.ino), self._attr(n)

    async def open(self, inode, flags, ctx):
        if flags & os.O_TRUNC:
            self.nodes[inode].data = b''
        return pyfuse3.FileInfo(fh=inode)

    async def read(self, fh, off, size):
        return self.nodes[fh].data[off:off + size]

    async def write(self, fh, off, buf):
        n = self.nodes[fh]
        if off > len(n.data):
            n.data = n.data.ljust(off, b'\0')
        n.data = n.data[:off] + buf + n.data[off + len(buf):]
        n.mtime = n.ctime = time.time_ns()
        return len(buf)

    async def release(self, fh):
        pass

    def _remove(self, parent_inode, name, want_dir):
        d = self._dir(parent_inode)
        if name not in d.children:
            raise pyfuse3.FUSEError(errno.ENOENT)
        n = self.nodes[d.children[name]]
        if want_dir != stat.S_ISDIR(n.mode):
            raise pyfuse3.FUSEError(errno.ENOTDIR if want_dir else errno.EISDIR)
        if want_dir and n.children:
            raise pyfuse3.FUSEError(errno.ENOTEMPTY)
        del d.children[name]
        if want_dir:
            d.nlink -= 1
        n.nlink -= 1

    async def unlink(self, parent_inode, name, ctx):
        self._remove(parent_inode, name, False)

    async def rmdir(self, parent_inode, name, ctx):
        self._remove(parent_inode, name, True)

    async def rename(self, parent_old, name_old, parent_new, name_new,
                     flags, ctx):
        src = self._dir(parent_old)
        dst = self._dir(parent_new)
        if name_old not in src.children:
            raise pyfuse3.FUSEError(errno.ENOENT)
        if name_new in dst.children:
            old = self.nodes[dst.children[name_new]]
            self._remove(parent_new, name_new, stat.S_ISDIR(old.mode))
        ino = src.children.pop(name_old)
        dst.children[name_new] = ino
        if stat.S_ISDIR(self.nodes[ino].mode) and src is not dst:
            src.nlink -= 1
            dst.nlink += 1

    async def statfs(self, ctx):
        s = pyfuse3.StatvfsData()
        s.f_bsize = s.f_frsize = 4096
        s.f_blocks = s.f_bfree = s.f_bavail = 1 << 20
        s.f_files = s.f_ffree = s.f_favail = 1 << 20
        s.f_namemax = 255
        return s


def main():
    fs = MemFs()
    opts = set(pyfuse3.default_options)
    opts.add('fsname=pyfuse3_memfs')
    pyfuse3.init(fs, sys.argv[1], opts)
    try:
        trio.run(pyfuse3.main)
    finally:
        # unmounted from outside: nothing left to unmount
        pyfuse3.close(unmount=False)


if __name__ == '__main__':
    main()
