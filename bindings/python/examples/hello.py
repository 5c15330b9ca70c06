# SPDX-License-Identifier: 0BSD
"""hello.py MOUNTPOINT: one read-only file, /hello, saying hello."""
import errno
import stat
import sys

import fsp

TEXT = b"Hello, world!\n"
ROOT = fsp.FileInfo(index=1, mode=stat.S_IFDIR | 0o755, nlink=2)
HELLO = fsp.FileInfo(index=2, mode=stat.S_IFREG | 0o444, size=len(TEXT))


class Hello(fsp.FileSystem):
    def lookup(self, req, parent, name):
        if parent is None:              # the root, asked once at mount
            return "/", ROOT
        if name == "hello":
            return "hello", HELLO
        raise FileNotFoundError(errno.ENOENT, name)

    def get_file_info(self, req, node, file):
        return ROOT if node == "/" else HELLO

    def open(self, req, node, flags):
        return None, HELLO              # no per-open state

    def read(self, req, node, file, offset, length):
        return TEXT[offset:offset + length]

    def read_directory(self, req, node, file):
        return [("hello", HELLO)]


if __name__ == "__main__":
    with fsp.Mount(Hello(), sys.argv[1]) as mount:
        mount.run()                     # until unmounted or Ctrl-C
