#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A small in-memory file system on python3-fusepy (ctypes on libfuse.so.2).

Used by tests/compat/run.sh to run fusepy against fsp's libfuse.so.2:
the test points FUSE_LIBRARY_PATH (which fusepy honours before
ctypes.util.find_library) at build/compat/libfuse.so.2.
Usage: fusepy_memfs.py MOUNTPOINT
"""
import errno
import stat
import sys
import time

from fusepy import FUSE, FuseOSError, LoggingMixIn, Operations  # noqa: F401


class MemFS(Operations):
    """Paths to attribute dicts, file contents in bytes."""

    def __init__(self):
        now = time.time()
        self.files = {'/': dict(st_mode=stat.S_IFDIR | 0o755, st_nlink=2,
                                st_ctime=now, st_mtime=now, st_atime=now)}
        self.data = {}

    def _get(self, path):
        if path not in self.files:
            raise FuseOSError(errno.ENOENT)
        return self.files[path]

    def getattr(self, path, fh=None):
        return self._get(path)

    def readdir(self, path, fh):
        self._get(path)
        prefix = path.rstrip('/') + '/'
        names = [p[len(prefix):] for p in self.files
                 if p != '/' and p.startswith(prefix)
                 and '/' not in p[len(prefix):]]
        return ['.', '..'] + names

    def _new(self, path, mode):
        parent = path.rsplit('/', 1)[0] or '/'
        self._get(parent)
        if path in self.files:
            raise FuseOSError(errno.EEXIST)
        now = time.time()
        self.files[path] = dict(st_mode=mode, st_nlink=1, st_size=0,
                                st_ctime=now, st_mtime=now, st_atime=now)

    def create(self, path, mode, fi=None):
        self._new(path, stat.S_IFREG | mode)
        self.data[path] = b''
        return 0

    def mkdir(self, path, mode):
        self._new(path, stat.S_IFDIR | mode)
        self.files[path]['st_nlink'] = 2

    def open(self, path, flags):
        self._get(path)
        return 0

    def read(self, path, size, offset, fh):
        return self.data[path][offset:offset + size]

    def write(self, path, buf, offset, fh):
        d = self.data[path]
        d = d[:offset].ljust(offset, b'\0') + buf + d[offset + len(buf):]
        self.data[path] = d
        self.files[path]['st_size'] = len(d)
        return len(buf)

    def truncate(self, path, length, fh=None):
        d = self.data[path][:length].ljust(length, b'\0')
        self.data[path] = d
        self.files[path]['st_size'] = length

    def unlink(self, path):
        self._get(path)
        del self.files[path]
        self.data.pop(path, None)

    def rmdir(self, path):
        if any(p.startswith(path + '/') for p in self.files):
            raise FuseOSError(errno.ENOTEMPTY)
        self._get(path)
        del self.files[path]

    def rename(self, old, new):
        self._get(old)
        self.files[new] = self.files.pop(old)
        if old in self.data:
            self.data[new] = self.data.pop(old)

    def chmod(self, path, mode):
        f = self._get(path)
        f['st_mode'] = (f['st_mode'] & ~0o7777) | mode

    def chown(self, path, uid, gid):
        f = self._get(path)
        f['st_uid'], f['st_gid'] = uid, gid

    def utimens(self, path, times=None):
        now = time.time()
        atime, mtime = times if times else (now, now)
        f = self._get(path)
        f['st_atime'], f['st_mtime'] = atime, mtime

    def statfs(self, path):
        return dict(f_bsize=4096, f_blocks=1024, f_bavail=1024, f_bfree=1024)


if __name__ == '__main__':
    FUSE(MemFS(), sys.argv[1], foreground=True, nothreads=False)
