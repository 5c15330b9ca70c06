#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write the seed corpus of the fuzz targets (tests/fuzz/corpus/TARGET/).

    tests/fuzz/make_corpus.py [CORPUS_DIR]

Seeds are small, readable request sequences in the frame format of
tests/fuzz/frames.h ([opcode][sel][len u16][body]), so the fuzzer starts
from requests that get past INIT and LOOKUP into real state: a file
created, written, read, renamed, linked, listed, given attributes and
forgotten.  Node ids are chosen by index (sel): 0 is the root, 1, 2, ...
the ids replies handed out, in order.  fh fields are filled in by the
target from the handles replies gave, so here they are just selectors.
Files named regress-* are inputs that once crashed a target; this script
never touches them.
"""
import os
import struct
import sys

OP = dict(LOOKUP=1, FORGET=2, GETATTR=3, SETATTR=4, READLINK=5, SYMLINK=6,
          MKNOD=8, MKDIR=9, UNLINK=10, RMDIR=11, RENAME=12, LINK=13, OPEN=14,
          READ=15, WRITE=16, STATFS=17, RELEASE=18, FSYNC=20, SETXATTR=21,
          GETXATTR=22, LISTXATTR=23, REMOVEXATTR=24, FLUSH=25, INIT=26,
          OPENDIR=27, READDIR=28, RELEASEDIR=29, FSYNCDIR=30, GETLK=31,
          SETLK=32, ACCESS=34, CREATE=35, INTERRUPT=36, BMAP=37, DESTROY=38,
          IOCTL=39, POLL=40, BATCH_FORGET=42, FALLOCATE=43, READDIRPLUS=44,
          RENAME2=45, LSEEK=46, COPY_FILE_RANGE=47, SYNCFS=50, TMPFILE=51,
          STATX=52)


def frame(op, sel, body=b""):
    return struct.pack("<BBH", OP[op] if isinstance(op, str) else op, sel,
                       len(body)) + body


def name(s):
    return s.encode() + b"\0"


def create(sel, n, mode=0o100644, flags=0o102):
    # fsp_create_in: flags, mode, umask, open_flags
    return frame("CREATE", sel, struct.pack("<IIII", flags, mode, 0o22, 0)
                 + name(n))


def mkdir(sel, n, mode=0o755):
    return frame("MKDIR", sel, struct.pack("<II", mode, 0o22) + name(n))


def mknod(sel, n, mode=0o100644):
    return frame("MKNOD", sel, struct.pack("<IIII", mode, 0, 0o22, 0)
                 + name(n))


def write(sel, off, data, fh=0):
    # fsp_write_in: fh, offset, size, write_flags, lock_owner, flags, pad
    return frame("WRITE", sel, struct.pack("<QQIIQII", fh, off, len(data), 0,
                                           0, 0o2, 0) + data)


def read(op, sel, off, size, fh=0):
    # fsp_read_in: fh, offset, size, read_flags, lock_owner, flags, pad
    return frame(op, sel, struct.pack("<QQIIQII", fh, off, size, 0, 0, 0, 0))


def open_(op, sel, flags=0o2):
    return frame(op, sel, struct.pack("<II", flags, 0))


def release(op, sel, fh=0):
    return frame(op, sel, struct.pack("<QIIQ", fh, 0, 0, 0))


def setattr(sel, valid, size=0, mode=0, fh=0):
    # fsp_setattr_in: valid, pad, fh, size, lock_owner, atime, mtime,
    # ctime, atimensec, mtimensec, ctimensec, mode, unused4, uid, gid,
    # unused5
    return frame("SETATTR", sel, struct.pack("<IIQQQQQQIIIIIIII", valid, 0, fh,
                                             size, 0, 1, 2, 3, 4, 5, 6, mode,
                                             0, 0, 0, 0))


def setxattr(sel, n, value, flags=0):
    # the short fsp_setxattr_in (size, flags): no SETXATTR_EXT asked
    return frame("SETXATTR", sel, struct.pack("<II", len(value), flags)
                 + name(n) + value)


def getxattr(op, sel, n, size):
    body = struct.pack("<II", size, 0)
    if n is not None:
        body += name(n)
    return frame(op, sel, body)


def init(minor, flags=0xffffffff, flags2=0xffffffff, ext=True):
    body = struct.pack("<IIIII", 7, minor, 131072, flags, flags2)
    if ext:
        body += b"\0" * 44
    return frame("INIT", 0, body)


SEEDS = {
    "files": [
        create(0, "a"), write(1, 0, b"hello world"), read("READ", 1, 0, 4096),
        read("READ", 1, 6, 3), frame("GETATTR", 1, struct.pack("<IIQ", 1, 0, 0)),
        frame("FLUSH", 1, struct.pack("<QIIQ", 0, 0, 0, 0)),
        frame("FSYNC", 1, struct.pack("<II", 0, 0) + b"\0" * 8),
        release("RELEASE", 1), frame("LOOKUP", 0, name("a")),
        frame("UNLINK", 0, name("a")),
        frame("FORGET", 1, struct.pack("<Q", 2)),
    ],
    "dirs": [
        mkdir(0, "d"), mkdir(1, "e"), mknod(1, "f"), open_("OPENDIR", 1, 0),
        read("READDIR", 1, 0, 4096), read("READDIRPLUS", 1, 0, 4096),
        read("READDIRPLUS", 1, 2, 100), release("RELEASEDIR", 1),
        frame("RMDIR", 1, name("e")), frame("RMDIR", 0, name("d")),
        read("READDIR", 0, 0, 4096),
    ],
    "rename": [
        create(0, "x"), mkdir(0, "sub"),
        frame("RENAME", 0, struct.pack("<Q", 1) + name("x") + name("y")),
        frame("RENAME2", 0, struct.pack("<QII", 1, 2, 0) + name("sub")
              + name("x")),
        frame("RENAME2", 0, struct.pack("<QII", 1, 1, 0) + name("x")
              + name("sub")),
        frame("LINK", 1, struct.pack("<Q", 1) + name("hard")),
        frame("SYMLINK", 0, name("s") + name("/target/path")),
        frame("READLINK", 3),
    ],
    "xattr": [
        create(0, "x"), setxattr(1, "user.k", b"value"),
        setxattr(1, "user.k", b"v2", 2), setxattr(1, "user.n", b"", 1),
        getxattr("GETXATTR", 1, "user.k", 0),
        getxattr("GETXATTR", 1, "user.k", 100),
        getxattr("LISTXATTR", 1, None, 0), getxattr("LISTXATTR", 1, None, 2),
        frame("REMOVEXATTR", 1, name("user.k")),
        setxattr(0, "system.posix_acl_access",
                 struct.pack("<I", 2) + struct.pack("<HHI", 1, 6, 0xffffffff)
                 + struct.pack("<HHI", 4, 4, 0xffffffff)
                 + struct.pack("<HHI", 0x20, 4, 0xffffffff)),
        getxattr("GETXATTR", 0, "user.fsp.stats", 4096),
    ],
    "setattr": [
        create(0, "t"), setattr(1, 8, size=100000), setattr(1, 1, mode=0o4755),
        setattr(1, 0x10 | 0x20), setattr(1, 0x80 | 0x100),
        setattr(1, 8 | 0x200 | 0x800, size=3), read("READ", 1, 0, 1 << 20),
        frame("FALLOCATE", 1, struct.pack("<QQQII", 0, 4096, 8192, 0, 0)),
        frame("FALLOCATE", 1, struct.pack("<QQQII", 0, 0, 4096, 3, 0)),
        frame("LSEEK", 1, struct.pack("<QQII", 0, 0, 3, 0)),
        frame("LSEEK", 1, struct.pack("<QQII", 0, 0, 4, 0)),
        frame("STATX", 1, struct.pack("<IIQII", 0, 0, 0, 0, 0xfff)),
        frame("ACCESS", 1, struct.pack("<II", 4, 0)),
        frame("STATFS", 0),
    ],
    "forgets": [
        create(0, "a"), create(0, "b"), mkdir(0, "c"),
        frame("BATCH_FORGET", 0, struct.pack("<II", 3, 0)
              + struct.pack("<QQ", 2, 1) + struct.pack("<QQ", 3, 1)
              + struct.pack("<QQ", 4, 5)),
        frame("BATCH_FORGET", 0, struct.pack("<II", 1000, 0)),
        frame("FORGET", 2, struct.pack("<Q", 1 << 63)),
        frame("LOOKUP", 0, name("a")), frame("GETATTR", 4, b"\0" * 16),
    ],
    "init": [
        init(45), init(31, ext=False), frame("GETATTR", 0, b"\0" * 16),
        frame("INTERRUPT", 0, struct.pack("<Q", 12345)),
        frame("INTERRUPT", 0, struct.pack("<Q", 2)),
        frame(0xff, 0, struct.pack("<IIQQIIIHH", 40, 4096, 9, 1, 0, 0, 0, 0, 0)
              + b"\0" * 40),
        frame(0xff, 0, struct.pack("<IIQQIIIHH", 40, 3, 9, 1, 0, 0, 0, 3, 0)
              + b"\0" * 40),
        frame("DESTROY", 0),
    ],
    "names": [
        frame("LOOKUP", 0, b"noterminator"), frame("LOOKUP", 0, b""),
        frame("LOOKUP", 0, b"\0"), frame("LOOKUP", 0, name(".")),
        frame("LOOKUP", 0, name("..")), frame("LOOKUP", 0, name("a/b")),
        frame("LOOKUP", 0, name("x" * 300)), create(0, "n" * 255),
        frame("MKDIR", 0, struct.pack("<II", 0o755, 0)),
        frame("SYMLINK", 0, name("s")), frame("RENAME", 0, struct.pack("<Q", 1)
                                              + name("a")),
        frame("TMPFILE", 0, struct.pack("<IIII", 0o2, 0o100600, 0, 0)
              + name("")),
    ],
    "export": [
        # file handles: "." and ".." by node id once the kernel forgot
        # the nodes (memfs has lookup_index), and ids nobody handed out
        mkdir(0, "d"), create(1, "f"), frame("LOOKUP", 1, name("..")),
        frame("FORGET", 2, struct.pack("<Q", 1)),
        frame("FORGET", 1, struct.pack("<Q", 1)),
        frame("LOOKUP", 2, name(".")), frame("LOOKUP", 1, name(".")),
        frame("LOOKUP", 1, name("..")), frame("LOOKUP", 0, name("..")),
        frame("LOOKUP", 0x3e, name(".")), frame("LOOKUP", 0x3f, name(".")),
        frame("GETATTR", 2, b"\0" * 16),
    ],
    "copy": [
        create(0, "src"), write(1, 0, b"0123456789" * 50), create(0, "dst"),
        frame("COPY_FILE_RANGE", 1, struct.pack("<QQQQQQQ", 0, 10, 0, 1, 0,
                                                200, 0)),
        read("READ", 2, 0, 4096), frame("POLL", 1, struct.pack("<QQII", 0, 0,
                                                               0, 1)),
        frame("IOCTL", 1, struct.pack("<QIIQII", 0, 0, 0x5401, 0, 0, 0)),
        frame("GETLK", 1, struct.pack("<QQQQIIII", 0, 1, 0, 10, 1, 0, 0, 0)),
        frame("BMAP", 1, struct.pack("<QII", 0, 512, 0)),
        frame("SYNCFS", 0, b"\0" * 8),
    ],
}


# The Windows set (fuzz_native mode bit 6): FILE:STREAM names, the stream,
# attribute and reparse names of docs/windows.md.
WINDOWS = [
    create(0, "w"), write(1, 0, b"data"),
    mknod(0, "w:s1"), frame("LOOKUP", 0, name("w:s1")),
    write(3, 0, b"stream"), read("READ", 3, 0, 100),
    setxattr(1, "user.DosStream.s2:$DATA", b"abc\0"),
    getxattr("GETXATTR", 1, "user.DosStream.s2:$DATA", 4096),
    getxattr("LISTXATTR", 1, None, 4096),
    getxattr("GETXATTR", 1, "user.fsp.streams", 4096),
    getxattr("GETXATTR", 1, "user.DOSATTRIB", 4096),
    setxattr(1, "system.ntfs_attrib", struct.pack("<I", 1)),
    setattr(1, 8, size=0),
    setxattr(1, "system.ntfs_reparse_data",
             struct.pack("<IHH", 0x80000017, 2, 0) + b"\1\2"),
    getxattr("GETXATTR", 1, "system.ntfs_reparse_data", 4096),
    frame("REMOVEXATTR", 1, name("system.ntfs_reparse_data")),
    frame("UNLINK", 0, name("w:s1")), frame("UNLINK", 0, name("w")),
]


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    for target, modes in (("fuzz_native", (0x01, 0x03, 0x0b, 0x15, 0x25)),
                          ("fuzz_fuse3", (0x01, 0x03))):
        d = os.path.join(top, target)
        os.makedirs(d, exist_ok=True)
        for seed, frames in SEEDS.items():
            for mode in modes:
                with open(os.path.join(d, "%s-%02x" % (seed, mode)), "wb") as f:
                    f.write(bytes([mode]) + b"".join(frames))
    d = os.path.join(top, "fuzz_native")
    for mode in (0x41, 0x43, 0x45):
        with open(os.path.join(d, "windows-%02x" % mode), "wb") as f:
            f.write(bytes([mode]) + b"".join(WINDOWS))


if __name__ == "__main__":
    main()
