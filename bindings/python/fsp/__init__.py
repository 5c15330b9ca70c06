# SPDX-License-Identifier: LGPL-2.1-or-later
"""fsp for Python: write a Linux file system as a Python class.

A file system subclasses :class:`FileSystem` and overrides the callbacks
it supports (only :meth:`FileSystem.lookup` is required); a
:class:`Mount` mounts it and serves requests::

    import errno, stat, fsp

    class Hello(fsp.FileSystem):
        def lookup(self, req, parent, name):
            ...

    with fsp.Mount(Hello(), "/mnt/hello") as m:
        m.run()

This is fsp's native API (include/fsp/fsp.h), not the libfuse layer:
per-node and per-open contexts are any Python objects you return from
lookup/create/open (the binding keeps them alive until fsp gives them back
through forget/close), errors are exceptions, and read and write may finish
later from another thread (:meth:`Request.pend`).

Errors.  Raise ``OSError(errno.ENOENT, ...)`` (or a subclass such as
``FileNotFoundError``) and the kernel gets that errno; this mapping is
done in one place.  Any other exception, and any nonsense return value
(a wrong type, a negative size, more data than asked for), answers EIO and
is logged on the ``fsp`` logger with its traceback; the mount keeps
serving.

Threads.  fsp calls the methods on its dispatcher threads, several at once
(see ``threads`` of :class:`Mount`).  The GIL is released while fsp waits
for the kernel and taken only for the duration of one callback, so
callbacks serialize on the GIL as any Python threads do; protect state
that spans several statements with your own lock, exactly as the C API's
guard rules say (reads and writes run under no guard).
"""
import errno as _errno
import itertools as _itertools
import logging as _logging
import os as _os
import threading as _threading
import ctypes as _ct

from . import _native as _n
from . import security

__all__ = [
    "FileSystem", "Mount", "Request", "PendingRequest", "FileInfo",
    "VolumeInfo", "VolumeParams", "CreateParams", "BasicInfo", "now_ns",
    "ATTR_READONLY", "ATTR_HIDDEN", "ATTR_SYSTEM", "ATTR_DIRECTORY",
    "ATTR_ARCHIVE", "ATTR_NORMAL", "ATTR_TEMPORARY", "ATTR_SPARSE_FILE",
    "ATTR_REPARSE_POINT", "VOL_CASE_INSENSITIVE", "VOL_READ_ONLY",
    "VOL_COARSE_GUARD", "VOL_DIRECT_IO", "VOL_PASSTHROUGH",
    "VOL_WRITEBACK_CACHE", "VOL_POSIX_ACL", "SET_MODE", "SET_UID", "SET_GID",
    "SET_ATIME", "SET_MTIME", "SET_CTIME", "SET_CRTIME", "SET_ATTRIBUTES",
    "RENAME_NOREPLACE", "RENAME_EXCHANGE", "EA_CREATE", "EA_REPLACE",
    "ALLOC_KEEP_SIZE", "ALLOC_PUNCH_HOLE", "SEEK_DATA", "SEEK_HOLE",
    "VOL_DEFAULT_PERMS", "VOL_NAMED_STREAMS", "VOL_READONLY_ATTR",
    "VOL_REPARSE_POINTS", "VOL_SECURITY", "REPARSE_TAG_SYMLINK",
    "REPARSE_TAG_NFS", "REPARSE_MAX_SIZE", "security", "abort_connection",
    "casefold",
]

log = _logging.getLogger("fsp")

ATTR_READONLY, ATTR_HIDDEN, ATTR_SYSTEM = 0x1, 0x2, 0x4
ATTR_DIRECTORY, ATTR_ARCHIVE, ATTR_NORMAL = 0x10, 0x20, 0x80
ATTR_TEMPORARY, ATTR_SPARSE_FILE, ATTR_REPARSE_POINT = 0x100, 0x200, 0x400
VOL_CASE_INSENSITIVE, VOL_READ_ONLY, VOL_COARSE_GUARD = 0x1, 0x2, 0x4
VOL_DIRECT_IO, VOL_PASSTHROUGH, VOL_WRITEBACK_CACHE = 0x10, 0x20, 0x40
VOL_POSIX_ACL, VOL_DEFAULT_PERMS = 0x80, 0x8
VOL_NAMED_STREAMS, VOL_READONLY_ATTR = 0x100, 0x200
VOL_REPARSE_POINTS, VOL_SECURITY = 0x400, 0x800
REPARSE_TAG_SYMLINK, REPARSE_TAG_NFS = 0xA000000C, 0x80000014
REPARSE_MAX_SIZE = _n.REPARSE_MAX_SIZE
SET_MODE, SET_UID, SET_GID, SET_ATIME = 0x1, 0x2, 0x4, 0x8
SET_MTIME, SET_CTIME, SET_CRTIME, SET_ATTRIBUTES = 0x10, 0x20, 0x40, 0x80
RENAME_NOREPLACE, RENAME_EXCHANGE = 0x1, 0x2
EA_CREATE, EA_REPLACE = 0x1, 0x2
ALLOC_KEEP_SIZE, ALLOC_PUNCH_HOLE = 0x1, 0x2
SEEK_DATA, SEEK_HOLE = 3, 4
_IFACE_STATELESS_OPENS, _IFACE_UNNAMED_FILES = 0x1, 0x2
_IFACE_STATELESS_DIR_OPENS = 0x4
_NS = 1_000_000_000


def abort_connection(mountpoint):
    """Cut off the FUSE connection mounted at mountpoint (any FUSE file
    system's): every waiting and later request fails with ENOTCONN; the
    mount stays until unmounted.  Root only; raises OSError."""
    err = _ct.create_string_buffer(512)
    rc = _n.abort_connection(_os.fsencode(mountpoint), err, 512)
    if rc:
        raise OSError(-rc, err.value.decode(errors="replace") or
                      _os.strerror(-rc), mountpoint)


def casefold(name):
    """fsp's case folding of a name (Unicode simple folding, as fsp
    compares names on VOL_CASE_INSENSITIVE volumes; unlike str.casefold,
    "ß" stays "ß")."""
    raw = _os.fsencode(name)
    size = 4 * len(raw) + 1
    out = _ct.create_string_buffer(size)
    rc = _n.name_casefold(raw, out, size)
    if rc < 0:
        raise OSError(-rc, _os.strerror(-rc))
    return _os.fsdecode(out.raw[:rc])


def now_ns():
    """The current time (CLOCK_REALTIME) in nanoseconds, for file times."""
    import time
    return time.time_ns()


class FileInfo:
    """What the file system knows about one file (struct fsp_file_info).

    Times are integer nanoseconds since the epoch, as ``os.stat``'s
    ``st_mtime_ns``.  ``index`` is the stable file index (inode number),
    never 0.  ``generation`` matters on export volumes (a file system
    with :meth:`FileSystem.lookup_index`): constant for a file while it
    lives, different for a later file that gets the same index."""
    __slots__ = ("index", "mode", "attributes", "nlink", "uid", "gid", "rdev",
                 "size", "alloc_size", "creation_time", "access_time",
                 "write_time", "change_time", "generation")

    def __init__(self, index=0, mode=0, attributes=0, nlink=1, uid=0, gid=0,
                 rdev=0, size=0, alloc_size=0, creation_time=0,
                 access_time=0, write_time=0, change_time=0, generation=0):
        self.index, self.mode, self.attributes = index, mode, attributes
        self.nlink, self.uid, self.gid, self.rdev = nlink, uid, gid, rdev
        self.size, self.alloc_size = size, alloc_size
        self.creation_time, self.access_time = creation_time, access_time
        self.write_time, self.change_time = write_time, change_time
        self.generation = generation

    def __repr__(self):
        return "FileInfo(%s)" % ", ".join(
            "%s=%r" % (k, getattr(self, k)) for k in self.__slots__)


def _pack_fi(fi):
    """FileInfo -> the 144 bytes of struct fsp_file_info (raises on
    nonsense: a wrong type, a negative or oversized number)."""
    if type(fi) is not FileInfo:
        raise TypeError("expected fsp.FileInfo, got %r" % type(fi).__name__)
    cs, cn = divmod(fi.creation_time, _NS)
    as_, an = divmod(fi.access_time, _NS)
    ws, wn = divmod(fi.write_time, _NS)
    hs, hn = divmod(fi.change_time, _NS)
    return _n.FILE_INFO.pack(fi.index, fi.mode, fi.attributes, fi.nlink,
                             fi.uid, fi.gid, fi.rdev, fi.size, fi.alloc_size,
                             cs, cn, as_, an, ws, wn, hs, hn, fi.generation)


def _store_fi(ptr, fi):
    _n.memcpy(ptr, _pack_fi(fi), 144)


class VolumeInfo:
    """Volume-wide numbers for statfs() (struct fsp_volume_info)."""
    __slots__ = ("total_size", "free_size", "total_files", "free_files",
                 "label")

    def __init__(self, total_size=0, free_size=0, total_files=0,
                 free_files=0, label=""):
        self.total_size, self.free_size = total_size, free_size
        self.total_files, self.free_files = total_files, free_files
        self.label = label


def _store_vi(ptr, vi):
    if type(vi) is not VolumeInfo:
        raise TypeError("expected fsp.VolumeInfo, got %r" % type(vi).__name__)
    label = vi.label.encode()
    if len(label) >= 64:
        raise ValueError("volume label longer than 63 bytes")
    _n.memcpy(ptr, _n.VOLUME_INFO.pack(vi.total_size, vi.free_size,
                                         vi.total_files, vi.free_files,
                                         label), 96)


class VolumeParams:
    """Parameters fixed at mount (struct fsp_volume_params).

    flags: VOL_*; file_info_timeout_ms: how long the kernel may cache
    entries and attributes; max_file_size: 0 for no limit; times in ns."""

    def __init__(self, flags=0, sector_size=0, max_name_length=0,
                 file_info_timeout_ms=1000, volume_serial=0,
                 volume_creation_time=0, fsname="fsp", subtype="",
                 max_file_size=0):
        self.flags, self.sector_size = flags, sector_size
        self.max_name_length = max_name_length
        self.file_info_timeout_ms = file_info_timeout_ms
        self.volume_serial = volume_serial
        self.volume_creation_time = volume_creation_time
        self.fsname, self.subtype = fsname, subtype
        self.max_file_size = max_file_size

    def _c(self):
        vp = _n.VolumeParamsC()
        vp.size = _ct.sizeof(vp)
        vp.flags, vp.sector_size = self.flags, self.sector_size
        vp.max_name_length = self.max_name_length
        vp.file_info_timeout_ms = self.file_info_timeout_ms
        vp.volume_serial = self.volume_serial
        s, ns = divmod(self.volume_creation_time, _NS)
        vp.volume_creation_time = _n.Timespec(s, ns)
        vp.fsname = self.fsname.encode()
        vp.subtype = self.subtype.encode()
        vp.max_file_size = self.max_file_size
        return vp


class CreateParams:
    """What to create (struct fsp_create_params): mode has the type bits
    and the umask applied; link_target is the target of a symlink (str);
    security, on VOL_SECURITY volumes, the new file's descriptor (bytes,
    checked by fsp; mode, uid and gid derive from it) to store as
    set_security would, else None."""
    __slots__ = ("mode", "attributes", "flags", "uid", "gid", "rdev",
                 "link_target", "security")

    def __init__(self, c):
        self.mode, self.attributes, self.flags = c.mode, c.attributes, c.flags
        self.uid, self.gid, self.rdev = c.uid, c.gid, c.rdev
        t = c.link_target
        self.link_target = None if t is None else _os.fsdecode(t)
        self.security = (_ct.string_at(c.security, c.security_size)
                         if c.security else None)


class BasicInfo:
    """Attributes and times to change (struct fsp_basic_info): change
    exactly what ``valid`` (SET_*) names.  Times in ns, "now" resolved."""
    __slots__ = ("valid", "mode", "uid", "gid", "attributes", "access_time",
                 "write_time", "change_time", "creation_time")

    def __init__(self, raw):
        (self.valid, self.mode, self.uid, self.gid, self.attributes, _,
         a_s, a_n, w_s, w_n, c_s, c_n, cr_s, cr_n) = _n.BASIC_INFO.unpack(raw)
        self.access_time = a_s * _NS + a_n
        self.write_time = w_s * _NS + w_n
        self.change_time = c_s * _NS + c_n
        self.creation_time = cr_s * _NS + cr_n


class Request:
    """One request from the kernel, valid during its callback only.

    Gives the caller's identity (uid, gid, pid, umask), the path, the
    interrupt flag, and the request-scoped calls of the C API."""
    __slots__ = ("_p", "mount", "_sent", "_pending", "_buf", "_len")

    def __init__(self, p, mount):
        self._p, self.mount = p, mount
        self._sent = False
        self._pending = None

    @property
    def uid(self):
        return _n.request_uid(self._p)

    @property
    def gid(self):
        return _n.request_gid(self._p)

    @property
    def pid(self):
        return _n.request_pid(self._p)

    @property
    def umask(self):
        """The umask of create calls (0 elsewhere)."""
        return _n.request_umask(self._p)

    @property
    def interrupted(self):
        """True once the caller got a signal: a slow callback gives up
        with ``raise InterruptedError(errno.EINTR, ...)``."""
        return bool(_n.request_interrupted(self._p))

    @property
    def path(self):
        """The path of the file ("/a/b"), or None for a file with no
        name any more."""
        p = _n.request_path(self._p)
        return None if p is None else _os.fsdecode(p)

    def passthrough(self, fd):
        """In open or create on a VOL_PASSTHROUGH volume: let the kernel
        do this open's I/O on descriptor fd (keep it open until close).
        Returns True if the kernel took it."""
        return _n.request_passthrough(self._p, fd) == 0

    def read_fd(self, fd, offset, length):
        """In read: answer with up to length bytes of fd at offset,
        spliced by the kernel.  True when sent (the callback's return
        value is then ignored); False: return the data as usual."""
        if _n.request_read_fd(self._p, fd, offset, length) == 0:
            self._sent = True
            return True
        return False

    def pend(self):
        """In read or write: keep the request beyond the callback.  Return
        the PendingRequest from the callback and complete it later, from
        any thread, exactly once."""
        if self._pending is not None:
            return self._pending
        if not hasattr(self, "_buf"):
            raise RuntimeError("only read and write can be pended")
        p = _n.request_pend(self._p)
        if not p:
            raise MemoryError("fsp_request_pend")
        self._pending = PendingRequest(p, self._buf, self._len)
        return self._pending


class PendingRequest:
    """A read or write to finish later (fsp_request_complete), from any
    thread, with exactly one of complete_read, complete_write or fail."""
    __slots__ = ("_p", "_buf", "_len", "_lock")

    def __init__(self, p, buf, length):
        self._p, self._buf, self._len = p, buf, length
        self._lock = _threading.Lock()

    def _take(self):
        with self._lock:
            p, self._p = self._p, None
        if p is None:
            raise RuntimeError("request already completed")
        return p

    @property
    def interrupted(self):
        p = self._p
        return bool(p and _n.request_interrupted(p))

    def complete_read(self, data):
        """Answer a pended read with data (at most the length asked)."""
        if len(data) > self._len:
            self.fail(_errno.EIO)
            raise ValueError("read returned %d bytes, %d asked"
                             % (len(data), self._len))
        p = self._take()
        _n.memcpy(self._buf, bytes(data), len(data))
        _n.request_complete(p, 0, len(data), None)

    def complete_write(self, written, info=None):
        """Answer a pended write: bytes written and the new FileInfo."""
        if not 0 <= written <= self._len:
            self.fail(_errno.EIO)
            raise ValueError("write reported %r bytes" % (written,))
        raw = None if info is None else _pack_fi(info)
        _n.request_complete(self._take(), 0, written, raw)

    def fail(self, err):
        """Answer a pended request with errno err (e.g. errno.EIO)."""
        _n.request_complete(self._take(), -err if 0 < err < 4096
                            else -_errno.EIO, 0, None)


class FileSystem:
    """Base class of a file system: override the callbacks you support.

    Each callback gets the :class:`Request` first.  Nodes and files are
    whatever objects lookup/create and create/open return; fsp hands them
    back in later calls.  A callback that is not overridden behaves as the
    C API's NULL member (ENOSYS, or the default noted there).

    Class attributes: ``stateless_opens = True`` (no per-open state: open
    and close are never called, ``file`` is always None);
    ``stateless_dir_opens = True`` (the same for directories only: files
    keep open and close, directories are listed with ``file`` None and
    their listings stay in the kernel's cache);
    ``unnamed_files = True`` (create may get name None, for O_TMPFILE).
    """
    stateless_opens = False
    stateless_dir_opens = False
    unnamed_files = False

    def get_volume_info(self, req):
        """statfs(): return a VolumeInfo."""
    def set_volume_label(self, req, label):
        """Store the label (str); return the new VolumeInfo."""
    def lookup(self, req, parent, name):
        """Required.  Return (node, FileInfo) for name in directory parent
        or raise FileNotFoundError.  parent None and name "/" is the root.
        Each successful lookup is one reference, given back by forget.
        With lookup_index overridden (export), name may also be ".." of
        a directory (never the root): return its parent."""
        raise OSError(_errno.ENOSYS, "lookup")
    def forget(self, node):
        """fsp dropped one reference to node (no request; any thread)."""
    def get_file_info(self, req, node, file):
        """stat(): return the node's FileInfo (file: the open or None)."""
    def create(self, req, parent, name, params):
        """Create name in parent as CreateParams says; return
        (node, file, FileInfo).  Raise FileExistsError if it exists."""
    def open(self, req, node, flags):
        """Open an existing node with open(2) flags: return (file, FileInfo)."""
    def overwrite(self, req, node, file):
        """open(O_TRUNC): truncate to 0; return the FileInfo."""
    def cleanup(self, req, node, file):
        """close() of one descriptor of the open."""
    def close(self, node, file):
        """The open is over (no request, cannot fail)."""
    def read(self, req, node, file, offset, length):
        """Return up to length bytes at offset (short only at end of
        file), or a PendingRequest from req.pend()."""
    def write(self, req, node, file, data, offset):
        """Write data (bytes) at offset; return (bytes_written, FileInfo),
        or a PendingRequest from req.pend()."""
    def flush(self, req, node, file, datasync):
        """fsync()/fdatasync()."""
    def set_basic_info(self, req, node, file, info):
        """chmod, chown, utimensat: change what info.valid names; return
        the FileInfo."""
    def set_file_size(self, req, node, file, size):
        """truncate(): return the FileInfo."""
    def can_delete(self, req, parent, name, node):
        """May name be removed?  Raise (e.g. ENOTEMPTY) to refuse."""
    def set_delete(self, req, parent, name, node):
        """Remove the name now (unlink, rmdir)."""
    def rename(self, req, old_parent, old_name, new_parent, new_name, node,
               flags):
        """Move node; flags RENAME_NOREPLACE / RENAME_EXCHANGE."""
    def read_directory(self, req, node, file):
        """Return an iterable of (name, FileInfo) (fsp adds . and ..)."""
    def get_reparse_point(self, req, node):
        """readlink(): return the target (str)."""
    def get_ea(self, req, node, name):
        """Return the value (bytes) of extended attribute name, or raise
        OSError(errno.ENODATA)."""
    def set_ea(self, req, node, name, value, flags):
        """Set extended attribute name to value (bytes); flags EA_*."""
    def list_ea(self, req, node):
        """Return an iterable of extended attribute names."""
    def remove_ea(self, req, node, name):
        """Remove extended attribute name (ENODATA if missing)."""
    def link(self, req, node, new_parent, new_name):
        """Hard link: add new_name for node; return the FileInfo."""
    def allocate(self, req, node, file, offset, length, mode):
        """fallocate() (mode: 0 or ALLOC_*); return the FileInfo."""
    def seek(self, req, node, file, offset, whence):
        """SEEK_DATA/SEEK_HOLE: return the offset, or raise ENXIO."""

    # Export (docs/export.md).  Overriding lookup_index makes the volume
    # exportable: file handles then outlive the kernel's cache.
    def lookup_index(self, req, index):
        """Return (node, FileInfo) of the file whose index is index (not
        the root's), with its generation set, or raise OSError(ESTALE)
        when none has it now.  One reference, as lookup.  With this
        method lookup is also asked for ".." of a directory: return its
        parent."""

    # Named streams (VOL_NAMED_STREAMS; docs/windows.md).  A stream is a
    # node of its own (any object), with its own index, on which fsp
    # calls open, read, write, get_file_info, ... as on a regular file.
    def lookup_stream(self, req, node, name):
        """Return (stream_node, FileInfo) of stream name of node (a
        regular file with the file's owner and permission bits), or raise
        FileNotFoundError.  One reference, as lookup."""
    def create_stream(self, req, node, name):
        """Make the empty stream name of node (FileExistsError if it
        exists); return (stream_node, FileInfo) as lookup_stream."""
    def delete_stream(self, req, node, name):
        """Remove stream name of node (FileNotFoundError if none)."""
    def get_stream_info(self, req, node):
        """Return an iterable of (name, size) of node's named streams."""

    # Reparse data (Windows' REPARSE_DATA_BUFFER: tag u32, length u16,
    # reserved u16, then length bytes), separate from readlink.
    def get_reparse_data(self, req, node):
        """Return node's reparse buffer (bytes), or None when it has none
        (ENODATA).  The binding refuses (EIO) anything that is not bytes
        in the layout above."""
    def set_reparse_data(self, req, node, data):
        """Store data (bytes, checked by fsp) and report
        ATTR_REPARSE_POINT from now on; raise FileExistsError when node
        has reparse data of another tag."""
    def delete_reparse_data(self, req, node):
        """Remove node's reparse data (OSError(ENODATA) if none)."""

    # Security descriptors (VOL_SECURITY; docs/security.md, fsp.security).
    def get_security(self, req, node):
        """Return node's self-relative security descriptor (bytes), or
        None when it has none (fsp then maps owner, group and mode).  The
        binding refuses (EIO) bytes that fsp.security.check rejects."""
    def set_security(self, req, node, sd):
        """Replace node's descriptor by sd (bytes, checked); move ctime.
        fsp follows with set_basic_info of the owner, group and mode."""


def _error(e, what):
    """The one place exceptions become answers: OSError(errno) is -errno;
    everything else is a bug in the file system, logged, answered EIO."""
    if isinstance(e, OSError):
        err = e.errno
        if type(err) is int and 0 < err < 4096:
            return -err
    log.error("fsp: %s failed", what, exc_info=e)
    return -_errno.EIO


def _reparse_buffer(data):
    """data as a reparse buffer, or TypeError/ValueError (answered EIO):
    fsp passes what get_reparse_data gives on to the kernel as it is."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("get_reparse_data must return bytes or None, not %r"
                        % type(data).__name__)
    data = bytes(data)
    if (len(data) < 8 or len(data) > REPARSE_MAX_SIZE or
            len(data) != 8 + int.from_bytes(data[4:6], "little")):
        raise ValueError("get_reparse_data returned %d bytes that are no "
                         "reparse buffer" % len(data))
    return data


def _overridden(fs, name):
    return getattr(type(fs), name, None) is not getattr(FileSystem, name)


class _Handles:
    """Python objects handed to C as small integers.  A node gets a new
    handle per reference (lookup, create) and loses it at forget; a file
    gets one per open and loses it at close.  The dict keeps the objects
    alive in between."""

    def __init__(self):
        self.objs = {}
        self._next = _itertools.count(1).__next__

    def put(self, obj):
        h = self._next()
        self.objs[h] = obj
        return h


def _build_interface(fs, mount):
    objs = _Handles()
    get = objs.objs.get
    put = objs.put
    pop = objs.objs.pop
    os_fsdecode = _os.fsdecode
    R = Request

    def obj(h):
        return None if not h else get(h)

    def get_volume_info(r, vi):
        try:
            _store_vi(vi, fs.get_volume_info(R(r, mount)))
            return 0
        except BaseException as e:
            return _error(e, "get_volume_info")

    def set_volume_label(r, label, vi):
        try:
            _store_vi(vi, fs.set_volume_label(R(r, mount),
                                              os_fsdecode(label)))
            return 0
        except BaseException as e:
            return _error(e, "set_volume_label")

    def lookup(r, parent, name, node_out, fi):
        try:
            node, info = fs.lookup(R(r, mount), obj(parent),
                                   os_fsdecode(name))
            _store_fi(fi, info)
            node_out[0] = put(node)
            return 0
        except BaseException as e:
            return _error(e, "lookup")

    def forget(f, node):
        try:
            n = pop(node, None)
            if has_forget:
                fs.forget(n)
        except BaseException as e:
            _error(e, "forget")

    def get_file_info(r, node, file, fi):
        try:
            _store_fi(fi, fs.get_file_info(R(r, mount), get(node), obj(file)))
            return 0
        except BaseException as e:
            return _error(e, "get_file_info")

    def create(r, parent, name, cp, node_out, file_out, fi):
        try:
            node, file, info = fs.create(
                R(r, mount), get(parent),
                None if name is None else os_fsdecode(name),
                CreateParams(cp[0]))
            raw = _pack_fi(info)
            if file is not None and fs.stateless_opens:
                raise ValueError("create returned a file on a volume with "
                                 "stateless opens")
            node_out[0] = put(node)
            if file is not None:
                file_out[0] = put(file)
            _n.memcpy(fi, raw, 144)
            return 0
        except BaseException as e:
            return _error(e, "create")

    def open_(r, node, flags, file_out, fi):
        try:
            file, info = fs.open(R(r, mount), get(node), flags)
            _store_fi(fi, info)
            if file is not None:
                file_out[0] = put(file)
            return 0
        except BaseException as e:
            return _error(e, "open")

    def overwrite(r, node, file, fi):
        try:
            _store_fi(fi, fs.overwrite(R(r, mount), get(node), obj(file)))
            return 0
        except BaseException as e:
            return _error(e, "overwrite")

    def cleanup(r, node, file):
        try:
            fs.cleanup(R(r, mount), get(node), obj(file))
            return 0
        except BaseException as e:
            return _error(e, "cleanup")

    def close(f, node, file):
        try:
            fs.close(get(node), None if not file else pop(file, None))
        except BaseException as e:
            _error(e, "close")

    def read(r, node, file, buf, offset, length, bytes_read):
        req = R(r, mount)
        req._buf, req._len = buf, length
        try:
            data = fs.read(req, get(node), obj(file), offset, length)
            if req._sent:
                return 0
            if data is not None and data is req._pending:
                return _n.PENDING
            if type(data) is not bytes:
                data = bytes(data)      # bytearray, memoryview; else TypeError
            n = len(data)
            if n > length:
                raise ValueError("read returned %d bytes, %d asked"
                                 % (n, length))
            _n.memcpy(buf, data, n)
            bytes_read[0] = n
            rc = 0
        except BaseException as e:
            rc = _error(e, "read")
        return _settle(req, rc)

    def write(r, node, file, buf, offset, length, written, fi):
        req = R(r, mount)
        req._buf, req._len = buf, length
        try:
            res = fs.write(req, get(node), obj(file),
                           _ct.string_at(buf, length), offset)
            if res is not None and res is req._pending:
                return _n.PENDING
            n, info = res
            if type(n) is not int or not 0 <= n <= length:
                raise ValueError("write reported %r bytes of %d" % (n, length))
            _store_fi(fi, info)
            written[0] = n
            rc = 0
        except BaseException as e:
            rc = _error(e, "write")
        return _settle(req, rc)

    def flush(r, node, file, datasync):
        try:
            fs.flush(R(r, mount), get(node), obj(file), bool(datasync))
            return 0
        except BaseException as e:
            return _error(e, "flush")

    def set_basic_info(r, node, file, bi, fi):
        try:
            info = BasicInfo(_ct.string_at(bi, 88))
            _store_fi(fi, fs.set_basic_info(R(r, mount), get(node),
                                            obj(file), info))
            return 0
        except BaseException as e:
            return _error(e, "set_basic_info")

    def set_file_size(r, node, file, size, fi):
        try:
            _store_fi(fi, fs.set_file_size(R(r, mount), get(node), obj(file),
                                           size))
            return 0
        except BaseException as e:
            return _error(e, "set_file_size")

    def can_delete(r, parent, name, node):
        try:
            fs.can_delete(R(r, mount), get(parent), os_fsdecode(name),
                          get(node))
            return 0
        except BaseException as e:
            return _error(e, "can_delete")

    def set_delete(r, parent, name, node):
        try:
            fs.set_delete(R(r, mount), get(parent), os_fsdecode(name),
                          get(node))
            return 0
        except BaseException as e:
            return _error(e, "set_delete")

    def rename(r, op, on, np, nn, node, flags):
        try:
            fs.rename(R(r, mount), get(op), os_fsdecode(on), get(np),
                      os_fsdecode(nn), get(node), flags)
            return 0
        except BaseException as e:
            return _error(e, "rename")

    def read_directory(r, node, file, marker, db):
        try:
            add = _n.dir_buffer_add
            for name, info in fs.read_directory(R(r, mount), get(node),
                                                obj(file)):
                if not add(db, _os.fsencode(name), _pack_fi(info)):
                    return -_errno.ENOMEM
            return 0
        except BaseException as e:
            return _error(e, "read_directory")

    def get_reparse_point(r, node, buf, size):
        try:
            target = _os.fsencode(fs.get_reparse_point(R(r, mount), get(node)))
            if len(target) + 1 > size:
                return -_errno.ENAMETOOLONG
            _n.memcpy(buf, target + b"\0", len(target) + 1)
            return 0
        except BaseException as e:
            return _error(e, "get_reparse_point")

    def _give(data, buf, size, needed):
        """The get/list answer: *needed always, the bytes if they fit."""
        needed[0] = len(data)
        if size == 0:
            return 0
        if len(data) > size:
            return -_errno.ERANGE
        _n.memcpy(buf, data, len(data))
        return 0

    def get_ea(r, node, name, value, size, needed):
        try:
            data = fs.get_ea(R(r, mount), get(node), os_fsdecode(name))
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError("get_ea must return bytes")
            return _give(bytes(data), value, size, needed)
        except BaseException as e:
            return _error(e, "get_ea")

    def set_ea(r, node, name, value, size, flags):
        try:
            fs.set_ea(R(r, mount), get(node), os_fsdecode(name),
                      _ct.string_at(value, size) if size else b"", flags)
            return 0
        except BaseException as e:
            return _error(e, "set_ea")

    def list_ea(r, node, buf, size, needed):
        try:
            data = b"".join(_os.fsencode(n) + b"\0"
                            for n in fs.list_ea(R(r, mount), get(node)))
            return _give(data, buf, size, needed)
        except BaseException as e:
            return _error(e, "list_ea")

    def remove_ea(r, node, name):
        try:
            fs.remove_ea(R(r, mount), get(node), os_fsdecode(name))
            return 0
        except BaseException as e:
            return _error(e, "remove_ea")

    def link(r, node, np, nn, fi):
        try:
            _store_fi(fi, fs.link(R(r, mount), get(node), get(np),
                                  os_fsdecode(nn)))
            return 0
        except BaseException as e:
            return _error(e, "link")

    def allocate(r, node, file, offset, length, mode, fi):
        try:
            _store_fi(fi, fs.allocate(R(r, mount), get(node), obj(file),
                                      offset, length, mode))
            return 0
        except BaseException as e:
            return _error(e, "allocate")

    def lookup_index(r, index, node_out, fi):
        try:
            node, info = fs.lookup_index(R(r, mount), index)
            _store_fi(fi, info)
            node_out[0] = put(node)
            return 0
        except BaseException as e:
            return _error(e, "lookup_index")

    def lookup_stream(r, node, name, stream_out, fi):
        try:
            stream, info = fs.lookup_stream(R(r, mount), get(node),
                                            os_fsdecode(name))
            _store_fi(fi, info)
            stream_out[0] = put(stream)
            return 0
        except BaseException as e:
            return _error(e, "lookup_stream")

    def create_stream(r, node, name, stream_out, fi):
        try:
            stream, info = fs.create_stream(R(r, mount), get(node),
                                            os_fsdecode(name))
            _store_fi(fi, info)
            stream_out[0] = put(stream)
            return 0
        except BaseException as e:
            return _error(e, "create_stream")

    def delete_stream(r, node, name):
        try:
            fs.delete_stream(R(r, mount), get(node), os_fsdecode(name))
            return 0
        except BaseException as e:
            return _error(e, "delete_stream")

    def get_stream_info(r, node, sb):
        try:
            add = _n.stream_buffer_add
            for name, size in fs.get_stream_info(R(r, mount), get(node)):
                if type(size) is not int or size < 0:
                    raise ValueError("stream %r has size %r" % (name, size))
                if not add(sb, _os.fsencode(name), size):
                    return -_errno.ENOMEM
            return 0
        except BaseException as e:
            return _error(e, "get_stream_info")

    def get_reparse_data(r, node, buf, size, needed):
        try:
            data = fs.get_reparse_data(R(r, mount), get(node))
            if data is None:
                return -_errno.ENODATA
            return _give(_reparse_buffer(data), buf, size, needed)
        except BaseException as e:
            return _error(e, "get_reparse_data")

    def set_reparse_data(r, node, buf, size):
        try:
            fs.set_reparse_data(R(r, mount), get(node),
                                _ct.string_at(buf, size))
            return 0
        except BaseException as e:
            return _error(e, "set_reparse_data")

    def delete_reparse_data(r, node):
        try:
            fs.delete_reparse_data(R(r, mount), get(node))
            return 0
        except BaseException as e:
            return _error(e, "delete_reparse_data")

    def get_security(r, node, buf, size, needed):
        try:
            sd = fs.get_security(R(r, mount), get(node))
            if sd is None:
                return -_errno.ENODATA
            if not security.check(sd):
                raise ValueError("get_security returned a malformed "
                                 "descriptor")
            return _give(bytes(sd), buf, size, needed)
        except BaseException as e:
            return _error(e, "get_security")

    def set_security(r, node, sd, size):
        try:
            fs.set_security(R(r, mount), get(node), _ct.string_at(sd, size))
            return 0
        except BaseException as e:
            return _error(e, "set_security")

    def seek(r, node, file, offset, whence, result):
        try:
            off = fs.seek(R(r, mount), get(node), obj(file), offset, whence)
            if type(off) is not int or off < 0:
                raise ValueError("seek returned %r" % (off,))
            result[0] = off
            return 0
        except BaseException as e:
            return _error(e, "seek")

    has_forget = _overridden(fs, "forget")
    impl = dict(locals())
    impl["open"] = open_
    iface = _n.InterfaceC()
    iface.size = _ct.sizeof(iface)
    iface.flags = ((_IFACE_STATELESS_OPENS if fs.stateless_opens else 0) |
                   (_IFACE_STATELESS_DIR_OPENS
                    if fs.stateless_dir_opens else 0) |
                   (_IFACE_UNNAMED_FILES if fs.unnamed_files else 0))
    keep = []
    # forget and close are ours even when not overridden: they free the
    # handles that keep the contexts alive.
    always = {"lookup", "forget", "close"}
    for name, ftype in _n.CALLBACKS:
        if name not in always and not _overridden(fs, name):
            continue
        cb = ftype(_pinned(impl[name]))
        keep.append(cb)
        setattr(iface, name, cb)
    return iface, keep, objs


_pinned_threads = set()
_get_ident = _threading.get_ident
_gil_ensure = _ct.pythonapi.PyGILState_Ensure
_gil_ensure.restype = _ct.c_int
_gil_ensure.argtypes = []


def _pinned(f):
    """Wrap a callback so that its dispatcher thread keeps a Python thread
    state.  ctypes gives a thread Python has never seen a fresh thread
    state for each callback and deletes it afterwards, which costs an mmap
    and page faults of a new frame stack every time (measured: most of a
    callback's cost).  One extra PyGILState_Ensure, never released, keeps
    it: later callbacks on the thread only take the GIL."""
    def call(*args):
        ident = _get_ident()
        if ident not in _pinned_threads:
            _pinned_threads.add(ident)
            _gil_ensure()
        return f(*args)
    return call


def _settle(req, rc):
    """A read or write that pended and then failed still owes fsp one
    completion: give it the error and tell fsp to wait for it."""
    if req._pending is not None and rc != _n.PENDING:
        try:
            req._pending.fail(-rc if rc < 0 else _errno.EIO)
        except RuntimeError:
            pass  # the file system completed it before failing
        return _n.PENDING
    return rc


class Mount:
    """A FileSystem mounted at mountpoint.

    options: -o style mount options ("ro,allow_other"); params: a
    VolumeParams; threads: dispatcher threads (None: fsp's default, 1:
    single-threaded); debug: trace every request on stderr; sid_mapper:
    an fsp.security.SidMapper for VOL_SECURITY volumes.  Raises
    OSError when the mount fails.  run() then serves requests until
    unmounted or stop(); close() frees the instance (also on exit from a
    ``with`` block)."""

    def __init__(self, fs, mountpoint, options="", params=None, threads=None,
                 max_threads=0, debug=False, sid_mapper=None):
        if not isinstance(fs, FileSystem):
            raise TypeError("fs must be an fsp.FileSystem")
        self.fs = fs
        self._iface, self._keep, self._handles = _build_interface(fs, self)
        self._vp = (params or VolumeParams())._c()
        h = _ct.c_void_p()
        rc = _n.fs_new(_ct.byref(self._vp), _ct.byref(self._iface), None,
                       _ct.byref(h))
        if rc:
            raise OSError(-rc, "fsp_fs_new: " + _os.strerror(-rc))
        self._h = h.value
        _n.fs_set_debug(self._h, int(bool(debug)))
        if threads is not None:
            _n.fs_set_threads(self._h, threads, max_threads)
        if sid_mapper is not None:
            self._mapper, self._mapper_keep = security._mapper_c(
                sid_mapper, _error, _pinned)
            _n.fs_set_sid_mapper(self._h, _ct.byref(self._mapper))
        err = _ct.create_string_buffer(512)
        rc = _n.fs_mount(self._h, _os.fsencode(mountpoint),
                         options.encode(), err, 512)
        if rc:
            self.close()
            msg = err.value.decode(errors="replace") or _os.strerror(-rc)
            raise OSError(-rc, msg, mountpoint)

    def run(self, signals=True):
        """Serve requests until unmounted or stop() (the GIL is free
        meanwhile).  signals: SIGINT, SIGTERM and SIGHUP stop it."""
        if signals:
            rc = _n.fs_set_signal_handlers(self._h)
            if rc:
                raise OSError(-rc, "fsp_fs_set_signal_handlers")
        rc = _n.fs_run(self._h)
        if rc:
            raise OSError(-rc, _os.strerror(-rc))

    def stop(self):
        """Make run() return (any thread)."""
        if self._h:
            _n.fs_stop(self._h)

    def notify_inode(self, index, offset=-1, length=0):
        """Drop the kernel's cached attributes of file index (and its data
        from offset for length bytes when offset >= 0).  Never from a
        callback about the same file.  False if the kernel held nothing."""
        return self._notify(_n.fs_notify_inode(self._h, index, offset,
                                               length))

    def notify_entry(self, parent_index, name):
        """Drop the kernel's cached entry name in directory parent_index."""
        return self._notify(_n.fs_notify_entry(self._h, parent_index,
                                               _os.fsencode(name)))

    def notify_expire(self, parent_index, name):
        """As notify_entry, but the kernel keeps the entry, only expired
        (the next access looks it up again; a cwd or mount on it stays).
        OSError(ENOSYS) on kernels before FUSE 7.38."""
        return self._notify(_n.fs_notify_expire(self._h, parent_index,
                                                _os.fsencode(name)))

    def notify_delete(self, parent_index, child_index, name):
        """name in parent_index is gone, and with it file child_index's
        name there: the kernel drops the entry and inotify watchers of the
        file see IN_DELETE_SELF.  child_index 0 drops the name only."""
        return self._notify(_n.fs_notify_delete(self._h, parent_index,
                                                child_index,
                                                _os.fsencode(name)))

    def notify_store(self, index, offset, data):
        """Put data (bytes) into the kernel's page cache of file index at
        offset, so reads get it without asking the file system."""
        data = bytes(data)
        return self._notify(_n.fs_notify_store(self._h, index, offset, data,
                                               len(data)))

    def notify_retrieve(self, index, offset, size, timeout_ms=1000):
        """What the kernel has cached of file index from offset, up to
        size bytes (bytes; b"" when nothing).  Blocks until the kernel
        answers (OSError(ETIMEDOUT) after timeout_ms); needs a dispatcher
        thread free, so never from a callback on a single-threaded mount."""
        buf = _ct.create_string_buffer(size)
        got = _ct.c_size_t()
        rc = _n.fs_notify_retrieve(self._h, index, offset, buf, size,
                                   timeout_ms, _ct.byref(got))
        if rc == -_errno.ENOENT:
            return b""
        if rc:
            raise OSError(-rc, _os.strerror(-rc))
        return buf.raw[:got.value]

    @staticmethod
    def _notify(rc):
        if rc == -_errno.ENOENT:
            return False
        if rc:
            raise OSError(-rc, _os.strerror(-rc))
        return True

    def close(self):
        """Free the instance (after run() returned, or if it never ran)."""
        h, self._h = getattr(self, "_h", None), None
        if h:
            _n.fs_delete(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
