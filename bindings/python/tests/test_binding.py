# SPDX-License-Identifier: LGPL-2.1-or-later
"""The binding's own contract, on real mounts: contexts, errno mapping,
failures that must answer an error and keep the mount serving, pending
completion from other threads, identity, notifications."""
import errno
import os
import stat
import threading
import time

import pytest

import fsp
from hello import Hello, TEXT

NOCACHE = fsp.VolumeParams(file_info_timeout_ms=0, flags=fsp.VOL_DIRECT_IO)


def test_hello(mounted):
    m = mounted(Hello())
    assert os.listdir(m.dir) == ["hello"]
    with open(m.path("hello"), "rb") as f:
        assert f.read() == TEXT
    st = os.stat(m.path("hello"))
    assert stat.S_ISREG(st.st_mode) and st.st_size == len(TEXT)
    with pytest.raises(FileNotFoundError):
        os.stat(m.path("nothing"))


class Tricky(Hello):
    """Hello plus files whose callbacks misbehave on purpose."""

    def __init__(self):
        self.mode = None
        self.opens, self.closes, self.forgets = [], [], []
        self.pending_error = False

    def lookup(self, req, parent, name):
        if parent is None:
            return "/", fsp.FileInfo(index=1, mode=stat.S_IFDIR | 0o755)
        if name == "denied":
            raise PermissionError(errno.EACCES, "no")
        if name == "custom":
            raise OSError(errno.EXDEV, "cross")
        if name == "bug":
            raise KeyError("a bug in the file system")
        if name == "badinfo":
            return name, fsp.FileInfo(index=9, mode=stat.S_IFREG, size=-1)
        if name == "notinfo":
            return name, {"index": 9}
        if name == "oserror_noerrno":
            raise OSError("no errno")
        if name in ("hello", "toomuch", "notbytes", "pended", "pendfail",
                    "slowwrite"):
            return Node(name), self.info(name)
        raise FileNotFoundError(errno.ENOENT, name)

    def info(self, name):
        return fsp.FileInfo(index=hash(name) & 0xFFFFFF | 0x100,
                            mode=stat.S_IFREG | 0o644, size=len(TEXT))

    def get_file_info(self, req, node, file):
        if node == "/":
            return fsp.FileInfo(index=1, mode=stat.S_IFDIR | 0o755)
        return self.info(node.name)

    def open(self, req, node, flags):
        f = OpenFile(node, req.pid, req.uid, req.path)
        self.opens.append(f)
        return f, self.info(node.name)

    def close(self, node, file):
        self.closes.append((node, file))

    def forget(self, node):
        self.forgets.append(node)

    def read(self, req, node, file, offset, length):
        assert isinstance(file, OpenFile) and file.node is node
        if node.name == "toomuch":
            return b"x" * (length + 1)
        if node.name == "notbytes":
            return "text, not bytes"
        if node.name == "pended":
            p = req.pend()
            threading.Timer(0.2, p.complete_read,
                            [TEXT[offset:offset + length]]).start()
            return p
        if node.name == "pendfail":
            req.pend()
            raise RuntimeError("failed after pending")
        return TEXT[offset:offset + length]

    def write(self, req, node, file, data, offset):
        if node.name == "slowwrite":
            p = req.pend()
            threading.Timer(0.1, p.complete_write,
                            [len(data), self.info(node.name)]).start()
            return p
        return len(data) + 1, self.info(node.name)  # more than it got


class Node:
    def __init__(self, name):
        self.name = name


class OpenFile:
    def __init__(self, node, pid, uid, path=None):
        self.node, self.pid, self.uid, self.path = node, pid, uid, path


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_errno_mapping(mounted):
    m = mounted(Tricky(), params=NOCACHE)
    with pytest.raises(PermissionError):
        os.stat(m.path("denied"))
    with pytest.raises(OSError) as e:
        os.stat(m.path("custom"))
    assert e.value.errno == errno.EXDEV


@pytest.mark.parametrize("name", ["bug", "badinfo", "notinfo",
                                  "oserror_noerrno"])
def test_failures_answer_eio_and_keep_serving(mounted, name, caplog):
    m = mounted(Tricky(), params=NOCACHE)
    with pytest.raises(OSError) as e:
        os.stat(m.path(name))
    assert e.value.errno == errno.EIO
    assert any(r.name == "fsp" for r in caplog.records)
    assert read(m.path("hello")) == TEXT


@pytest.mark.parametrize("name", ["toomuch", "notbytes", "pendfail"])
def test_bad_reads_answer_eio(mounted, name):
    m = mounted(Tricky(), params=NOCACHE)
    with pytest.raises(OSError) as e:
        read(m.path(name))
    assert e.value.errno == errno.EIO
    assert read(m.path("hello")) == TEXT


def test_write_reporting_too_much_is_eio(mounted):
    m = mounted(Tricky(), params=NOCACHE)
    fd = os.open(m.path("hello"), os.O_WRONLY)
    try:
        with pytest.raises(OSError) as e:
            os.write(fd, b"abc")
        assert e.value.errno == errno.EIO
    finally:
        os.close(fd)
    assert read(m.path("hello")) == TEXT


def test_pending_completion_from_other_threads(mounted):
    m = mounted(Tricky(), params=NOCACHE)
    t0 = time.monotonic()
    assert read(m.path("pended")) == TEXT
    assert time.monotonic() - t0 >= 0.2
    fd = os.open(m.path("slowwrite"), os.O_WRONLY)
    try:
        assert os.write(fd, b"abcd") == 4
    finally:
        os.close(fd)


def test_contexts_and_identity(mounted):
    fs = Tricky()
    m = mounted(fs, params=NOCACHE)
    with open(m.path("hello"), "rb") as f:
        f.read()
    opened = fs.opens[-1]
    assert opened.pid == os.getpid() and opened.uid == os.getuid()
    assert opened.path == "/hello"
    for _ in range(100):            # RELEASE is asynchronous
        if fs.closes:
            break
        time.sleep(0.01)
    node, file = fs.closes[-1]
    assert file is opened and node is opened.node
    m.close()                       # unmount forgets every node
    assert any(n is opened.node for n in fs.forgets)
    m.close = lambda: None


def test_concurrent_readers(mounted):
    m = mounted(Tricky(), params=NOCACHE)
    bad = []

    def reader():
        for _ in range(50):
            if read(m.path("hello")) != TEXT:
                bad.append(1)
    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad


def test_memfs_notify_and_xattrs(mounted):
    from memfs import MemFS
    fs = MemFS()
    m = mounted(fs, params=fsp.VolumeParams(file_info_timeout_ms=60000))
    with open(m.path("f"), "wb") as f:
        f.write(b"12345")
    assert os.stat(m.path("f")).st_size == 5
    with fs.lock:                   # behind the kernel's back
        node = fs.root.entries["f"]
        node.truncate(2)
    assert os.stat(m.path("f")).st_size == 5     # still cached
    assert m.mount.notify_inode(node.index)
    assert os.stat(m.path("f")).st_size == 2
    os.setxattr(m.path("f"), "user.k", b"v" * 100)
    assert os.getxattr(m.path("f"), "user.k") == b"v" * 100
    assert "user.k" in os.listxattr(m.path("f"))
    with pytest.raises(OSError) as e:
        os.getxattr(m.path("f"), "user.missing")
    assert e.value.errno == errno.ENODATA


def test_mount_failure_raises():
    with pytest.raises(OSError):
        fsp.Mount(Hello(), "/nonexistent/fsp-pytest")


class Passthrough(fsp.FileSystem):
    """One file whose opens hand their I/O to a backing file."""

    def __init__(self, backing):
        self.backing = backing
        self.taken = []
        self.reads = 0

    def info(self, node):
        if node == "/":
            return fsp.FileInfo(index=1, mode=stat.S_IFDIR | 0o755, nlink=2)
        return fsp.FileInfo(index=2, mode=stat.S_IFREG | 0o644,
                            size=os.stat(self.backing).st_size)

    def lookup(self, req, parent, name):
        if parent is None:
            return "/", self.info("/")
        if name != "f":
            raise FileNotFoundError(errno.ENOENT, name)
        return "f", self.info("f")

    def get_file_info(self, req, node, file):
        return self.info(node)

    def open(self, req, node, flags):
        fd = os.open(self.backing, os.O_RDWR)
        self.taken.append(req.passthrough(fd))
        return fd, self.info(node)

    def close(self, node, file):
        if file is not None:
            os.close(file)

    def read(self, req, node, file, offset, length):
        self.reads += 1
        return b"not from the backing file"[offset:offset + length]


def test_passthrough(mounted, tmp_path):
    backing = tmp_path / "backing"
    backing.write_bytes(b"from the backing file\n")
    fs = Passthrough(str(backing))
    try:
        m = mounted(fs, params=fsp.VolumeParams(flags=fsp.VOL_PASSTHROUGH))
    except OSError as e:
        pytest.skip("no passthrough volume here: %s" % e)
    data = read(m.path("f"))
    if not fs.taken or not fs.taken[0]:
        pytest.skip("the kernel did not take the passthrough descriptor")
    assert data == b"from the backing file\n" and fs.reads == 0
