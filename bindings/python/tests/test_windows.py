# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Windows calls and export, on real mounts of the Python memfs with
the whole Windows set (-W): named streams, reparse data, the read-only
attribute, security descriptors, file handles across the kernel's cache
eviction, and callbacks answering nonsense."""
import ctypes
import errno
import os
import stat
import subprocess
import time

import pytest

import fsp
import memfs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("FSP_BUILD", os.path.join(ROOT, "build"))
FSPTOOL = os.path.join(BUILD, "fsptool")
WINDOWS = fsp.VolumeParams(flags=fsp.VOL_NAMED_STREAMS | fsp.VOL_REPARSE_POINTS
                           | fsp.VOL_READONLY_ATTR | fsp.VOL_SECURITY)
STREAM = "user.DosStream.%s:$DATA"


def windows(mounted, options="", fs=None):
    return mounted(fs or memfs.WindowsMemFS(), options, WINDOWS)


def write(path, data, mode="wb"):
    with open(path, mode) as f:
        f.write(data)


def test_streams_as_attributes(mounted):
    m = windows(mounted)
    write(m.path("f"), b"main")
    os.setxattr(m.path("f"), STREAM % "s1", b"hello")
    os.setxattr(m.path("f"), STREAM % "s2", b"other data")
    # read back with the NUL Samba expects after a stream's bytes
    assert os.getxattr(m.path("f"), STREAM % "s1") == b"hello\0"
    assert sorted(n for n in os.listxattr(m.path("f"))
                  if n.startswith("user.DosStream.")) == [STREAM % "s1",
                                                           STREAM % "s2"]
    listing = os.getxattr(m.path("f"), "user.fsp.streams").decode()
    assert sorted(listing.splitlines()) == ["10 s2", "5 s1"]
    os.removexattr(m.path("f"), STREAM % "s1")
    with pytest.raises(OSError) as e:
        os.getxattr(m.path("f"), STREAM % "s1")
    assert e.value.errno == errno.ENODATA
    with open(m.path("f"), "rb") as f:
        assert f.read() == b"main"   # the main stream untouched


def test_streams_as_paths(mounted):
    m = windows(mounted, "streams_interface=windows")
    write(m.path("f"), b"main")
    write(m.path("f:s"), b"stream data")
    with open(m.path("f:s"), "rb") as f:
        assert f.read() == b"stream data"
    assert os.stat(m.path("f:s")).st_size == 11
    out = subprocess.run([FSPTOOL, "streams", "list", m.path("f")],
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["11", "s"]
    os.unlink(m.path("f:s"))
    assert not os.path.exists(m.path("f:s"))
    assert os.listdir(m.dir) == ["f"]


def test_reparse_data(mounted):
    m = windows(mounted)
    write(m.path("f"), b"")
    with pytest.raises(OSError) as e:
        os.getxattr(m.path("f"), "system.ntfs_reparse_data")
    assert e.value.errno == errno.ENODATA
    buf = bytes.fromhex("170000800400000001020304")
    os.setxattr(m.path("f"), "system.ntfs_reparse_data", buf)
    assert os.getxattr(m.path("f"), "system.ntfs_reparse_data") == buf
    attrib = int.from_bytes(os.getxattr(m.path("f"), "system.ntfs_attrib"),
                            "little")
    assert attrib & fsp.ATTR_REPARSE_POINT
    # another tag while one is stored: Windows' EEXIST
    with pytest.raises(OSError) as e:
        os.setxattr(m.path("f"), "system.ntfs_reparse_data",
                    bytes.fromhex("1800008000000000"))
    assert e.value.errno == errno.EEXIST
    os.removexattr(m.path("f"), "system.ntfs_reparse_data")
    with pytest.raises(OSError) as e:
        os.getxattr(m.path("f"), "system.ntfs_reparse_data")
    assert e.value.errno == errno.ENODATA
    attrib = int.from_bytes(os.getxattr(m.path("f"), "system.ntfs_attrib"),
                            "little")
    assert not attrib & fsp.ATTR_REPARSE_POINT


def test_security_descriptor(mounted):
    m = windows(mounted)
    write(m.path("f"), b"x")
    sddl = ("O:S-1-22-1-1234G:S-1-22-2-5678"
            "D:P(A;;FA;;;S-1-22-1-1234)(A;;FR;;;WD)")
    subprocess.run([FSPTOOL, "sd", "set", m.path("f"), sddl], check=True)
    got = subprocess.run([FSPTOOL, "sd", "get", m.path("f")],
                         capture_output=True, text=True, check=True).stdout
    assert got.strip() == sddl
    st = os.stat(m.path("f"))
    # as C memfs: the owner and group of the SIDs, rwx for the owner's
    # full access and r for Everyone's read
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == \
        (1234, 5678, 0o744)
    raw = os.getxattr(m.path("f"), "system.ntfs_acl")
    assert fsp.security.to_sddl(raw) == sddl


def test_security_on_create(mounted):
    """A new file gets a descriptor through CreateParams.security, which
    memfs stores: inherited from a directory's inheritable entries."""
    m = windows(mounted)
    os.mkdir(m.path("d"))
    subprocess.run([FSPTOOL, "sd", "set", m.path("d"),
                    "O:S-1-22-1-0G:S-1-22-2-0D:P(A;OICI;FA;;;WD)"],
                   check=True)
    write(m.path("d", "f"), b"")
    raw = os.getxattr(m.path("d", "f"), "system.ntfs_acl")
    assert "(A;ID;FA;;;WD)" in fsp.security.to_sddl(raw)


def test_readonly_attribute(mounted):
    m = windows(mounted)
    write(m.path("ro"), b"x")
    os.setxattr(m.path("ro"), "system.ntfs_attrib",
                fsp.ATTR_READONLY.to_bytes(4, "little"))
    with pytest.raises(PermissionError) as e:
        write(m.path("ro"), b"y", "ab")
    assert e.value.errno == errno.EACCES
    with pytest.raises(PermissionError) as e:
        os.unlink(m.path("ro"))
    assert e.value.errno == errno.EPERM
    os.rename(m.path("ro"), m.path("ro2"))     # renaming still works
    os.setxattr(m.path("ro2"), "system.ntfs_attrib",
                fsp.ATTR_ARCHIVE.to_bytes(4, "little"))
    os.unlink(m.path("ro2"))


# name_to_handle_at / open_by_handle_at, which the os module lacks.
_libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = -100


def handle_of(path):
    buf = ctypes.create_string_buffer(8 + 128)
    ctypes.c_uint32.from_buffer(buf).value = 128
    mount_id = ctypes.c_int()
    if _libc.name_to_handle_at(AT_FDCWD, os.fsencode(path), buf,
                               ctypes.byref(mount_id), 0):
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), path)
    return buf


def open_handle(mount_fd, handle):
    fd = _libc.open_by_handle_at(mount_fd, handle, os.O_RDONLY)
    if fd < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return fd


def evict():
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("2")


@pytest.mark.skipif(os.geteuid() != 0, reason="open_by_handle_at needs root")
def test_handle_survives_eviction(mounted):
    m = windows(mounted)
    os.mkdir(m.path("d"))
    write(m.path("d", "f"), b"exported")
    handle = handle_of(m.path("d", "f"))
    dhandle = handle_of(m.path("d"))
    mount_fd = os.open(m.dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        evict()
        time.sleep(0.2)
        evict()
        fd = open_handle(mount_fd, handle)
        try:
            assert os.read(fd, 100) == b"exported"
        finally:
            os.close(fd)
        fd = open_handle(mount_fd, dhandle)   # reconnects through ".."
        os.close(fd)
        os.unlink(m.path("d", "f"))
        evict()
        with pytest.raises(OSError) as e:
            os.close(open_handle(mount_fd, handle))
        assert e.value.errno == errno.ESTALE
    finally:
        os.close(mount_fd)


class Nonsense(memfs.WindowsMemFS):
    """Callbacks that answer nonsense for files carrying user.bad."""

    def get_reparse_data(self, req, node):
        bad = node.xattrs.get("user.bad")
        if bad == b"str":
            return "not bytes"
        if bad == b"short":
            return bytes.fromhex("1700008008000000")   # says 8, has 0
        return super().get_reparse_data(req, node)

    def get_security(self, req, node):
        if node.xattrs.get("user.bad") == b"sd":
            return b"\x01\x00junk"
        return super().get_security(req, node)

    def get_stream_info(self, req, node):
        if node.xattrs.get("user.bad") == b"streams":
            return [("s", -1)]
        return super().get_stream_info(req, node)


@pytest.mark.parametrize("bad,name", [
    ("str", "system.ntfs_reparse_data"),
    ("short", "system.ntfs_reparse_data"),
    ("sd", "system.ntfs_acl"),
    ("streams", "user.fsp.streams")])
def test_nonsense_answers_eio(mounted, bad, name):
    m = windows(mounted, fs=Nonsense())
    write(m.path("f"), b"data")
    os.setxattr(m.path("f"), "user.bad", bad.encode())
    with pytest.raises(OSError) as e:
        os.getxattr(m.path("f"), name)
    assert e.value.errno == errno.EIO
    # still serving
    write(m.path("g"), b"ok")
    assert sorted(os.listdir(m.dir)) == ["f", "g"]
    with open(m.path("f"), "rb") as f:
        assert f.read() == b"data"


def test_security_helpers():
    sddl = "O:BAG:SYD:P(A;;FA;;;WD)"
    sd = fsp.security.from_sddl(sddl)
    assert fsp.security.check(sd) and not fsp.security.check(b"\x01junk")
    assert fsp.security.to_sddl(sd) == sddl
    with pytest.raises(OSError) as e:
        fsp.security.from_sddl("O:nonsense(")
    assert e.value.errno == errno.EINVAL
    assert fsp.security.normalize_sid("BA") == "S-1-5-32-544"
    assert fsp.security.sid_to_id("S-1-22-1-1000") == (1000, False)
    assert fsp.security.sid_from_id(7, is_group=True) == "S-1-22-2-7"
    parent = fsp.security.from_sddl("O:BAG:BAD:(A;OICI;FA;;;CO)")
    child = fsp.security.inherit(parent, "S-1-22-1-5", "S-1-22-2-5", False)
    assert "(A;ID;FA;;;S-1-22-1-5)" in fsp.security.to_sddl(child)
    assert fsp.security.inherit(fsp.security.from_sddl("O:BAD:(A;;FA;;;WD)"),
                                "S-1-22-1-5", "S-1-22-2-5", False) is None


def test_memfs_windows_options(tmp_path):
    """bindings/python/memfs takes the options tests/binding_windows.sh
    passes: -f -W -o allow_other,streams_interface=windows."""
    mp = tmp_path / "m"
    mp.mkdir()
    p = subprocess.Popen([os.path.join(ROOT, "bindings", "python", "memfs"),
                          "-f", "-W", "-o",
                          "allow_other,streams_interface=windows", str(mp)])
    try:
        for _ in range(100):
            if os.path.ismount(mp):
                break
            time.sleep(0.05)
        assert os.path.ismount(mp)
        write(mp / "f", b"x")
        write(str(mp / "f") + ":s", b"stream")
        assert os.getxattr(mp / "f", STREAM % "s") == b"stream\0"
        os.setxattr(mp / "f", "system.ntfs_reparse_data",
                    bytes.fromhex("1700008000000000"))
        assert os.getxattr(mp / "f", "system.ntfs_acl")[:1] == b"\x01"
    finally:
        subprocess.run(["umount", str(mp)], check=False)
        p.wait(10)


def test_notify_store_retrieve_expire_delete(mounted):
    """The notifications the binding gained: store puts data in the
    kernel's cache, retrieve reads it back, expire and delete make the
    kernel look a name up again."""
    fs = memfs.MemFS()
    m = mounted(fs, params=fsp.VolumeParams(file_info_timeout_ms=60000))
    write(m.path("f"), b"abcdefgh")
    with open(m.path("f"), "rb") as f:
        assert f.read() == b"abcdefgh"      # now cached
    node = fs.root.entries["f"]
    assert m.mount.notify_store(node.index, 0, b"ABCD") is True
    with open(m.path("f"), "rb") as f:
        assert f.read() == b"ABCDefgh"      # served from the kernel's cache
    assert m.mount.notify_retrieve(node.index, 0, 4) == b"ABCD"
    with fs.lock:                           # renamed behind the kernel's back
        fs.root.entries["g"] = fs.root.entries.pop("f")
    assert os.path.exists(m.path("f"))      # still cached
    assert m.mount.notify_expire(fs.root.index, "f") in (True, False)
    assert not os.path.exists(m.path("f"))
    os.stat(m.path("g"))                    # cached under its new name
    with fs.lock:
        fs.unname(fs.root, "g", time.time_ns())
    assert m.mount.notify_delete(fs.root.index, node.index, "g")
    assert not os.path.exists(m.path("g"))
    assert m.mount.notify_entry(fs.root.index, "never-seen") is False


class Domain(fsp.security.SidMapper):
    """uid 4242 is S-1-5-21-1-2-3-1000 of a made-up domain."""
    SID = "S-1-5-21-1-2-3-1000"

    def sid_to_id(self, sid):
        return (4242, False) if sid == self.SID else None

    def id_to_sid(self, id_, is_group):
        if id_ == 4242 and not is_group:
            return self.SID
        if id_ == 4343:
            raise KeyError("a bug in the mapper: logged, answered EIO")
        return None


def test_sid_mapper(mounted):
    m = mounted(memfs.WindowsMemFS(), "", WINDOWS, sid_mapper=Domain())
    write(m.path("f"), b"")
    subprocess.run([FSPTOOL, "sd", "set", m.path("f"),
                    "O:%sG:S-1-22-2-0D:P(A;;FA;;;WD)" % Domain.SID],
                   check=True)
    assert os.stat(m.path("f")).st_uid == 4242
    write(m.path("g"), b"")
    os.chown(m.path("g"), 4242, 0)
    sddl = subprocess.run([FSPTOOL, "sd", "get", m.path("g")],
                          capture_output=True, text=True,
                          check=True).stdout
    assert sddl.startswith("O:%sG:" % Domain.SID)
    with pytest.raises(OSError) as e:   # the mapper raises: EIO
        os.chown(m.path("g"), 4343, 0)
    assert e.value.errno == errno.EIO
    assert os.stat(m.path("g")).st_uid == 4242   # unchanged, still serving
    os.chown(m.path("g"), 77, 0)        # None: fsp's default mapping
    sddl = subprocess.run([FSPTOOL, "sd", "get", m.path("g")],
                          capture_output=True, text=True,
                          check=True).stdout
    assert sddl.startswith("O:S-1-22-1-77G:")


@pytest.mark.skipif(os.geteuid() != 0, reason="fusectl needs root")
def test_abort_connection(mounted):
    m = windows(mounted)
    write(m.path("f"), b"x")
    fsp.abort_connection(m.dir)
    # the session is over: run() returns (and fsp unmounts)
    m.thread.join(10)
    assert not m.thread.is_alive()
    assert not os.path.exists(m.path("f"))
    with pytest.raises(OSError) as e:
        fsp.abort_connection("/")
    assert e.value.errno == errno.EINVAL


def test_casefold():
    assert fsp.casefold("ÉCOLE") == "école"
    assert fsp.casefold("\u212a") == "k"            # KELVIN SIGN
    assert fsp.casefold("Straße") == "straße"       # simple folding only
