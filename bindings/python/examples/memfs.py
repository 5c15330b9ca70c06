# SPDX-License-Identifier: 0BSD
"""memfs in Python: an in-memory file system on fsp's native API.

The Python counterpart of fs/memfs (C): files, directories, symbolic
links, devices, FIFOs and sockets, hard links, extended attributes, sparse
files with fallocate and SEEK_DATA/SEEK_HOLE, rename with its flags,
O_TMPFILE, export (file handles that outlive the kernel's cache), (with
-S) reads and writes completed later on worker threads, and (with -W) the
Windows set: named streams, reparse data, the read-only attribute and
security descriptors.  One lock guards the whole tree: the GIL serializes Python
anyway, and the lock makes each callback's several steps atomic.

    python3 memfs.py [-f] [-d] [-t THREADS] [-C] [-S] [-A] [-N] [-P] [-R]
                     [--security] [-W] [-F MAX_SIZE] [-l LABEL]
                     [-o OPTIONS] MOUNTPOINT
"""
import argparse
import errno
import hashlib
import os
import stat
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import fsp

PAGE = 4096


def err(code):
    return OSError(code, os.strerror(code))


class Node:
    """One file of any type; a Directory or a File adds its contents."""

    def __init__(self, index, generation, mode, uid, gid, rdev=0,
                 attributes=0):
        now = time.time_ns()
        self.index, self.generation = index, generation
        self.mode, self.uid, self.gid = mode, uid, gid
        self.rdev, self.attributes = rdev, attributes
        self.names = 0
        self.btime = self.atime = self.mtime = self.ctime = now
        self.xattrs = {}
        self.target = None      # symbolic links
        self.streams = {}       # named streams: name -> File
        self.reparse = None     # reparse buffer (bytes)
        self.sd = None          # security descriptor (bytes)

    def size(self):
        return len(self.target) if self.target is not None else 0

    def allocated(self):
        return 0

    def nlink(self):
        return self.names

    def info(self):
        return fsp.FileInfo(
            index=self.index, mode=self.mode, attributes=self.attributes,
            nlink=self.nlink(), uid=self.uid, gid=self.gid, rdev=self.rdev,
            size=self.size(), alloc_size=self.allocated(),
            creation_time=self.btime, access_time=self.atime,
            write_time=self.mtime, change_time=self.ctime,
            generation=self.generation)

    def touch(self, now=None):
        """Contents changed: mtime and ctime move."""
        self.mtime = self.ctime = now or time.time_ns()

    def accessed(self):
        """Linux's relatime rule: an access moves atime only when atime is
        not newer than mtime or ctime, or is a day old.  Only accesses
        that reach memfs count (the kernel serves cached reads itself)."""
        now = time.time_ns()
        if (self.atime <= self.mtime or self.atime <= self.ctime or
                now - self.atime >= 24 * 3600 * 10**9):
            self.atime = now


class OpenFile:
    """One open (without stateless opens): memfs only needs to know
    whether it may move atime."""

    def __init__(self, flags):
        self.noatime = bool(flags & os.O_NOATIME)


class Directory(Node):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.entries = {}
        self.subdirs = 0
        self.parent = None      # for ".." (export); the root's is None

    def nlink(self):
        return 2 + self.subdirs if self.names else 0

    def size(self):
        return len(self.entries)


class File(Node):
    """A regular file: sparse, in pages of PAGE bytes."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.pages = {}
        self.length = 0

    def size(self):
        return self.length

    def allocated(self):
        return len(self.pages) * PAGE

    def read(self, offset, length):
        end = min(offset + length, self.length)
        out = bytearray()
        while offset < end:
            no, at = divmod(offset, PAGE)
            n = min(PAGE - at, end - offset)
            page = self.pages.get(no)
            out += page[at:at + n] if page is not None else bytes(n)
            offset += n
        return bytes(out)

    def write(self, data, offset):
        pos, view = 0, memoryview(data)
        while pos < len(data):
            no, at = divmod(offset + pos, PAGE)
            n = min(PAGE - at, len(data) - pos)
            page = self.pages.get(no)
            if page is None:
                page = self.pages[no] = bytearray(PAGE)
            page[at:at + n] = view[pos:pos + n]
            pos += n
        self.length = max(self.length, offset + len(data))

    def truncate(self, size):
        if size < self.length:
            keep = -(-size // PAGE)
            for no in [no for no in self.pages if no >= keep]:
                del self.pages[no]
            at = size % PAGE
            if at and size // PAGE in self.pages:
                page = self.pages[size // PAGE]
                page[at:] = bytes(PAGE - at)
        self.length = size

    def allocate(self, offset, length):
        for no in range(offset // PAGE, -(-(offset + length) // PAGE)):
            self.pages.setdefault(no, bytearray(PAGE))

    def punch(self, offset, length):
        end = min(offset + length, self.length)
        while offset < end:
            no, at = divmod(offset, PAGE)
            n = min(PAGE - at, end - offset)
            if n == PAGE:
                self.pages.pop(no, None)
            elif no in self.pages:
                self.pages[no][at:at + n] = bytes(n)
            offset += n

    def seek(self, offset, whence):
        if offset >= self.length:
            raise err(errno.ENXIO)
        if whence == fsp.SEEK_DATA:
            nos = [no for no in self.pages if (no + 1) * PAGE > offset]
            if not nos:
                raise err(errno.ENXIO)
            found = max(offset, min(nos) * PAGE)
            if found >= self.length:
                raise err(errno.ENXIO)
            return found
        no = offset // PAGE
        while no in self.pages and no * PAGE < self.length:
            no += 1
        return min(max(offset, no * PAGE), self.length)


class MemFS(fsp.FileSystem):
    def __init__(self, label="memfs", stateless=True, slow=False):
        self.lock = threading.RLock()
        self.label = label
        self.stateless_opens = stateless
        self.unnamed_files = True
        self.next_index = 1
        # Export: the files that have names, by index; and a random key
        # per instance for generations, so that handles from before a
        # restart (which reuses the indexes) are stale.
        self.by_index = {}
        self.gen_key = os.urandom(16)
        self.root = self.new_node(Directory, stat.S_IFDIR | 0o755,
                                  os.getuid(), os.getgid())
        self.root.names = 1
        self.workers = ThreadPoolExecutor(4) if slow else None

    def new_node(self, cls, mode, uid, gid, rdev=0, attributes=0):
        index, self.next_index = self.next_index, self.next_index + 1
        gen = int.from_bytes(hashlib.blake2b(
            index.to_bytes(8, "little"), key=self.gen_key,
            digest_size=4).digest(), "little")
        return cls(index, gen, mode, uid, gid, rdev, attributes)

    def named(self, node):
        """node got a name: offer it to lookup_index."""
        node.names += 1
        self.by_index[node.index] = node

    def child(self, parent, name):
        node = parent.entries.get(name)
        if node is None:
            raise err(errno.ENOENT)
        return node

    # ---- volume ----------------------------------------------------------
    def get_volume_info(self, req):
        total = 1 << 40
        return fsp.VolumeInfo(total_size=total, free_size=total,
                              label=self.label)

    def set_volume_label(self, req, label):
        with self.lock:
            self.label = label
        return self.get_volume_info(req)

    # ---- names ------------------------------------------------------------
    def lookup(self, req, parent, name):
        with self.lock:
            if parent is None:
                node = self.root
            elif name == "..":          # export: a directory's parent
                node = parent.parent if parent.names else None
                if node is None:
                    raise err(errno.ENOENT)
            else:
                node = self.child(parent, name)
            return node, node.info()

    def lookup_index(self, req, index):
        """Export: only files with names are offered."""
        with self.lock:
            node = self.by_index.get(index)
            if node is None:
                raise err(errno.ESTALE)
            return node, node.info()

    def get_file_info(self, req, node, file):
        with self.lock:
            return node.info()

    def create(self, req, parent, name, params):
        kind = stat.S_IFMT(params.mode)
        cls = {stat.S_IFDIR: Directory, stat.S_IFREG: File}.get(kind, Node)
        with self.lock:
            if name is not None and name in parent.entries:
                raise err(errno.EEXIST)
            node = self.new_node(cls, params.mode, params.uid, params.gid,
                                 params.rdev, params.attributes)
            if kind == stat.S_IFLNK:
                node.target = os.fsencode(params.link_target)
            node.sd = params.security
            if name is not None:
                parent.entries[name] = node
                self.named(node)
                if cls is Directory:
                    parent.subdirs += 1
                    node.parent = parent
                parent.touch(node.ctime)
            # With stateless opens there is no per-open state to keep.
            file = None
            if cls is File and not self.stateless_opens:
                file = OpenFile(params.flags)
            return node, file, node.info()

    def open(self, req, node, flags):
        with self.lock:
            return OpenFile(flags), node.info()

    def can_delete(self, req, parent, name, node):
        with self.lock:
            if isinstance(node, Directory) and node.entries:
                raise err(errno.ENOTEMPTY)

    def unname(self, parent, name, now):
        node = parent.entries.pop(name)
        node.names -= 1
        node.ctime = now
        if not node.names:
            del self.by_index[node.index]
        if isinstance(node, Directory):
            parent.subdirs -= 1
        return node

    def set_delete(self, req, parent, name, node):
        with self.lock:
            now = time.time_ns()
            self.unname(parent, name, now)
            parent.touch(now)

    def rename(self, req, old_parent, old_name, new_parent, new_name, node,
               flags):
        with self.lock:
            now = time.time_ns()
            target = new_parent.entries.get(new_name)
            if flags & fsp.RENAME_EXCHANGE:
                if target is None:
                    raise err(errno.ENOENT)
                old_parent.entries[old_name] = target
                new_parent.entries[new_name] = node
                for n, p in ((node, new_parent), (target, old_parent)):
                    if isinstance(n, Directory):
                        n.parent = p
                if isinstance(node, Directory) != isinstance(target, Directory):
                    d = 1 if isinstance(node, Directory) else -1
                    old_parent.subdirs -= d
                    new_parent.subdirs += d
                target.ctime = now
            else:
                if target is not None and flags & fsp.RENAME_NOREPLACE:
                    raise err(errno.EEXIST)
                if target is not None:
                    if isinstance(target, Directory) and target.entries:
                        raise err(errno.ENOTEMPTY)
                    self.unname(new_parent, new_name, now)
                self.unname(old_parent, old_name, now)
                new_parent.entries[new_name] = node
                self.named(node)
                if isinstance(node, Directory):
                    new_parent.subdirs += 1
                    node.parent = new_parent
            node.ctime = now
            old_parent.touch(now)
            new_parent.touch(now)

    def link(self, req, node, new_parent, new_name):
        with self.lock:
            if new_name in new_parent.entries:
                raise err(errno.EEXIST)
            now = time.time_ns()
            new_parent.entries[new_name] = node
            self.named(node)
            node.ctime = now
            new_parent.touch(now)
            return node.info()

    def read_directory(self, req, node, file):
        with self.lock:
            node.accessed()
            return [(name, child.info()) for name, child in
                    node.entries.items()]

    def get_reparse_point(self, req, node):
        return os.fsdecode(node.target)

    # ---- attributes -------------------------------------------------------
    def set_basic_info(self, req, node, file, info):
        with self.lock:
            v = info.valid
            if v & fsp.SET_MODE:
                node.mode = stat.S_IFMT(node.mode) | info.mode
            if v & fsp.SET_UID:
                node.uid = info.uid
            if v & fsp.SET_GID:
                node.gid = info.gid
            if v & fsp.SET_ATTRIBUTES:
                node.attributes = info.attributes
                # NTFS keeps attributes per file: a read-only file's
                # streams are read-only too.
                for s in node.streams.values():
                    s.attributes = (s.attributes & ~fsp.ATTR_READONLY |
                                    info.attributes & fsp.ATTR_READONLY)
            if v & fsp.SET_ATIME:
                node.atime = info.access_time
            if v & fsp.SET_MTIME:
                node.mtime = info.write_time
            if v & fsp.SET_CRTIME:
                node.btime = info.creation_time
            node.ctime = (info.change_time if v & fsp.SET_CTIME
                          else time.time_ns())
            return node.info()

    def get_ea(self, req, node, name):
        with self.lock:
            try:
                return node.xattrs[name]
            except KeyError:
                raise err(errno.ENODATA) from None

    def set_ea(self, req, node, name, value, flags):
        with self.lock:
            exists = name in node.xattrs
            if flags & fsp.EA_CREATE and exists:
                raise err(errno.EEXIST)
            if flags & fsp.EA_REPLACE and not exists:
                raise err(errno.ENODATA)
            node.xattrs[name] = value
            node.ctime = time.time_ns()

    def list_ea(self, req, node):
        with self.lock:
            return list(node.xattrs)

    def remove_ea(self, req, node, name):
        with self.lock:
            if node.xattrs.pop(name, None) is None:
                raise err(errno.ENODATA)
            node.ctime = time.time_ns()

    # ---- security descriptors (--security) ------------------------------
    # memfs keeps the bytes; fsp checks them and derives owner, group and
    # mode.  The root has none: fsp maps its mode instead.
    def get_security(self, req, node):
        with self.lock:
            return node.sd

    def set_security(self, req, node, sd):
        with self.lock:
            node.sd = sd
            node.ctime = time.time_ns()

    # ---- data -------------------------------------------------------------
    def read(self, req, node, file, offset, length):
        if self.workers:
            pending = req.pend()
            self.workers.submit(self.finish_read, pending, node, file,
                                offset, length)
            return pending
        with self.lock:
            if not (file and file.noatime):
                node.accessed()
            return node.read(offset, length)

    def finish_read(self, pending, node, file, offset, length):
        with self.lock:
            if not (file and file.noatime):
                node.accessed()
            data = node.read(offset, length)
        pending.complete_read(data)

    def write(self, req, node, file, data, offset):
        if self.workers:
            pending = req.pend()
            self.workers.submit(self.finish_write, pending, node, data,
                                offset)
            return pending
        with self.lock:
            node.write(data, offset)
            node.touch()
            return len(data), node.info()

    def finish_write(self, pending, node, data, offset):
        with self.lock:
            node.write(data, offset)
            node.touch()
            info = node.info()
        pending.complete_write(len(data), info)

    def overwrite(self, req, node, file):
        return self.set_file_size(req, node, file, 0)

    def set_file_size(self, req, node, file, size):
        with self.lock:
            node.truncate(size)
            node.touch()
            return node.info()

    def allocate(self, req, node, file, offset, length, mode):
        with self.lock:
            if mode & fsp.ALLOC_PUNCH_HOLE:
                node.punch(offset, length)
            else:
                node.allocate(offset, length)
                if not mode & fsp.ALLOC_KEEP_SIZE:
                    node.length = max(node.length, offset + length)
            node.touch()
            return node.info()

    def seek(self, req, node, file, offset, whence):
        with self.lock:
            return node.seek(offset, whence)


class WindowsMemFS(MemFS):
    """MemFS plus named streams and reparse data (-N, -P, -W): fsp asks for
    them only on volumes with VOL_NAMED_STREAMS or VOL_REPARSE_POINTS."""

    def stream_ref(self, node, stream):
        """A stream has its file's owner and permission bits (the kernel
        checks access to it by them) and read-only attribute."""
        stream.mode = stat.S_IFREG | node.mode & 0o7777
        stream.uid, stream.gid = node.uid, node.gid
        stream.attributes = (stream.attributes & ~fsp.ATTR_READONLY |
                             node.attributes & fsp.ATTR_READONLY)
        return stream, stream.info()

    def lookup_stream(self, req, node, name):
        with self.lock:
            stream = node.streams.get(name)
            if stream is None:
                raise err(errno.ENOENT)
            return self.stream_ref(node, stream)

    def create_stream(self, req, node, name):
        with self.lock:
            if name in node.streams:
                raise err(errno.EEXIST)
            stream = self.new_node(File, stat.S_IFREG, 0, 0,
                                   attributes=fsp.ATTR_ARCHIVE)
            stream.names = 1
            node.streams[name] = stream
            node.ctime = time.time_ns()
            return self.stream_ref(node, stream)

    def delete_stream(self, req, node, name):
        with self.lock:
            stream = node.streams.pop(name, None)
            if stream is None:
                raise err(errno.ENOENT)
            stream.names = 0    # readable while fsp still holds it
            node.ctime = time.time_ns()

    def get_stream_info(self, req, node):
        with self.lock:
            return [(name, s.size()) for name, s in node.streams.items()]

    def get_reparse_data(self, req, node):
        with self.lock:
            return node.reparse

    def set_reparse_data(self, req, node, data):
        with self.lock:
            # Windows replaces reparse data only with data of the same tag.
            if node.reparse is not None and node.reparse[:4] != data[:4]:
                raise err(errno.EEXIST)
            node.reparse = data
            node.attributes |= fsp.ATTR_REPARSE_POINT
            node.ctime = time.time_ns()

    def delete_reparse_data(self, req, node):
        with self.lock:
            if node.reparse is None:
                raise err(errno.ENODATA)
            node.reparse = None
            if not stat.S_ISLNK(node.mode):
                node.attributes &= ~fsp.ATTR_REPARSE_POINT
            node.ctime = time.time_ns()


def daemonize():
    """Fork into the background before any thread exists; the parent
    exits with the mount's status, read from a pipe."""
    r, w = os.pipe()
    if os.fork():
        os.close(w)
        status = os.read(r, 1)
        os._exit(status[0] if status else 1)
    os.close(r)
    os.setsid()
    return w


def size(text):
    """A byte count with an optional K, M or G (binary) suffix."""
    shift = {"k": 10, "m": 20, "g": 30}.get(text[-1:].lower(), 0)
    digits = text[:-1] if shift else text
    if not digits.isdigit():
        raise argparse.ArgumentTypeError("bad size: %r" % text)
    return int(digits) << shift


def main(argv=None):
    ap = argparse.ArgumentParser(prog="memfs", description=__doc__.split(
        "\n")[0])
    ap.add_argument("-f", action="store_true", help="stay in the foreground")
    ap.add_argument("-d", action="store_true", help="trace every request")
    ap.add_argument("-t", type=int, metavar="THREADS",
                    help="dispatcher threads")
    ap.add_argument("-C", action="store_true", help="no kernel caching")
    ap.add_argument("-S", action="store_true",
                    help="slow I/O: reads and writes complete on workers")
    ap.add_argument("-A", action="store_true",
                    help="POSIX ACLs (fsp validates; memfs stores them "
                    "as the extended attributes they are)")
    ap.add_argument("-N", action="store_true", help="named streams "
                    "(user.DosStream.NAME:$DATA attributes; FILE:STREAM "
                    "paths with -o streams_interface=windows)")
    ap.add_argument("-P", action="store_true", help="reparse points: any "
                    "file or directory may carry reparse data")
    ap.add_argument("-R", action="store_true", help="the read-only "
                    "attribute is enforced as NTFS does")
    ap.add_argument("--security", action="store_true", help="Windows "
                    "security descriptors: the descriptor decides the "
                    "owner, group and mode")
    ap.add_argument("-W", action="store_true", help="the whole Windows "
                    "set: -N -P -R --security (also -o windows)")
    ap.add_argument("-F", type=size, default=0, metavar="MAX_SIZE",
                    help="largest file, with K, M or G (EFBIG past it)")
    ap.add_argument("-l", default="memfs", metavar="LABEL")
    ap.add_argument("-o", action="append", default=[], metavar="OPTIONS")
    ap.add_argument("mountpoint")
    a = ap.parse_args(argv)
    options = [o for arg in a.o for o in arg.split(",") if o]
    if "windows" in options:
        options.remove("windows")
        a.W = True
    if a.W:
        a.N = a.P = a.R = a.security = True
    notify = None if a.f or a.d else daemonize()

    cls = WindowsMemFS if a.N or a.P else MemFS
    fs = cls(label=a.l, stateless=not a.C, slow=a.S)
    params = fsp.VolumeParams(
        flags=(fsp.VOL_DIRECT_IO if a.C else 0) |
              (fsp.VOL_POSIX_ACL if a.A else 0) |
              (fsp.VOL_NAMED_STREAMS if a.N else 0) |
              (fsp.VOL_REPARSE_POINTS if a.P else 0) |
              (fsp.VOL_READONLY_ATTR if a.R else 0) |
              (fsp.VOL_SECURITY if a.security else 0),
        file_info_timeout_ms=0 if a.C else 1000,
        volume_serial=time.time_ns() & 0xFFFFFFFF,
        volume_creation_time=time.time_ns(),
        fsname="memfs.py", subtype="memfs.py", max_file_size=a.F)
    try:
        mount = fsp.Mount(fs, a.mountpoint, ",".join(options), params,
                          threads=a.t, debug=a.d)
    except OSError as e:
        print("memfs: %s" % e.strerror, file=sys.stderr)
        if notify is not None:
            os.write(notify, b"\1")
        return 1
    if notify is not None:
        os.write(notify, b"\0")
        os.close(notify)
        fd = os.open(os.devnull, os.O_RDWR)
        for n in (0, 1, 2):
            os.dup2(fd, n)
    with mount:
        mount.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
