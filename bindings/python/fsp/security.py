# SPDX-License-Identifier: LGPL-2.1-or-later
"""Windows security descriptors for fsp file systems (include/fsp/security.h).

A descriptor is ``bytes`` in Windows' self-relative layout: what
:meth:`fsp.FileSystem.get_security` returns, what ``set_security`` and
``CreateParams.security`` hand over.  fsp checks and maps descriptors
itself (owner, group and mode); a file system needs these helpers only to
make one (a default for its root, say) or to read one::

    sd = fsp.security.from_sddl("O:S-1-22-1-0G:S-1-22-2-0D:P(A;;FA;;;WD)")
    fsp.security.to_sddl(sd)   # 'O:S-1-22-1-0G:S-1-22-2-0D:P(A;;FA;;;WD)'

SIDs are ``str`` ("S-1-5-32-544", or an SDDL alias such as "BA").  Every
function is pure and may be called from any thread; malformed input
raises ``OSError(errno.EINVAL)``.
"""
import ctypes as _ct
import errno as _errno
import os as _os

from . import _native as _n

__all__ = ["check", "from_sddl", "to_sddl", "inherit", "sid_to_id",
           "sid_from_id", "normalize_sid", "SidMapper"]


def _raise(rc, what):
    raise OSError(-rc, "%s: %s" % (what, _os.strerror(-rc)))


def _bytes(sd):
    if not isinstance(sd, (bytes, bytearray, memoryview)):
        raise TypeError("a security descriptor is bytes, not %r"
                        % type(sd).__name__)
    return bytes(sd)


def check(sd):
    """True when sd is a well-formed self-relative descriptor (fsp_sd_check:
    revision, offsets, ACL and ACE sizes, SIDs, ACE types)."""
    sd = _bytes(sd)
    return _n.sd_check(sd, len(sd)) == 0


def _parse(sd):
    """bytes -> a filled SdC (the caller clears it)."""
    sd = _bytes(sd)
    out = _n.SdC()
    rc = _n.sd_check(sd, len(sd)) or _n.sd_parse(sd, len(sd), _ct.byref(out))
    if rc:
        _raise(rc, "fsp_sd_parse")
    return out


def _build(c):
    """A filled SdC -> bytes (clears c)."""
    buf, size = _ct.c_void_p(), _ct.c_size_t()
    try:
        rc = _n.sd_build(_ct.byref(c), _ct.byref(buf), _ct.byref(size))
        if rc:
            _raise(rc, "fsp_sd_build")
        return _ct.string_at(buf, size.value)
    finally:
        _n.libc_free(buf)
        _n.sd_clear(_ct.byref(c))


def from_sddl(text):
    """The descriptor (bytes) that SDDL text describes
    ("O:...G:...D:flags(ace)...S:...")."""
    c = _n.SdC()
    rc = _n.sddl_parse(text.encode(), _ct.byref(c))
    if rc:
        _n.sd_clear(_ct.byref(c))
        _raise(rc, "fsp_sddl_parse")
    return _build(c)


def to_sddl(sd):
    """SDDL text of descriptor sd (bytes); well-known SIDs and rights print
    as their aliases."""
    c = _parse(sd)
    text = _ct.c_void_p()
    try:
        rc = _n.sddl_print(_ct.byref(c), _ct.byref(text))
        if rc:
            _raise(rc, "fsp_sddl_print")
        return _ct.string_at(text).decode()
    finally:
        _n.libc_free(text)
        _n.sd_clear(_ct.byref(c))


def _sid(text):
    s = _n.SidC()
    rc = _n.sid_parse(text.encode(), _ct.byref(s))
    if rc:
        _raise(rc, "fsp_sid_parse(%r)" % text)
    return s


def _sid_text(s):
    buf = _ct.create_string_buffer(200)
    rc = _n.sid_print(_ct.byref(s), buf, 200)
    if rc < 0:
        _raise(rc, "fsp_sid_print")
    return buf.value.decode()


def normalize_sid(text):
    """The S-... form of a SID or SDDL alias ("BA" -> "S-1-5-32-544")."""
    return _sid_text(_sid(text))


def inherit(parent, owner, group, is_dir):
    """The descriptor NTFS gives a new file (is_dir False) or directory in
    a directory whose descriptor is parent (bytes), owned by the SIDs
    owner and group; None when the parent passes nothing on."""
    p = _parse(parent)
    out = _n.SdC()
    try:
        rc = _n.sd_inherit(_ct.byref(p), _ct.byref(_sid(owner)),
                           _ct.byref(_sid(group)), int(bool(is_dir)),
                           _ct.byref(out))
    finally:
        _n.sd_clear(_ct.byref(p))
    if rc == -_errno.ENOENT:
        _n.sd_clear(_ct.byref(out))
        return None
    if rc:
        _n.sd_clear(_ct.byref(out))
        _raise(rc, "fsp_sd_inherit")
    return _build(out)


def sid_to_id(sid):
    """(id, is_group) that SID text maps to by fsp's default mapping
    (S-1-22-1-N: uid N, S-1-22-2-N: gid N, ...); None when it maps to
    no POSIX id."""
    i, g = _ct.c_uint32(), _ct.c_int()
    rc = _n.sid_to_id(None, _ct.byref(_sid(sid)), _ct.byref(i), _ct.byref(g))
    if rc == -_errno.ENOENT:
        return None
    if rc:
        _raise(rc, "fsp_sid_to_id")
    return i.value, bool(g.value)


def sid_from_id(id_, is_group=False):
    """The SID text of uid (or gid with is_group) id_ by the default
    mapping."""
    s = _n.SidC()
    rc = _n.sid_from_id(None, id_, int(bool(is_group)), _ct.byref(s))
    if rc:
        _raise(rc, "fsp_sid_from_id")
    return _sid_text(s)


class SidMapper:
    """A file system's own SID <-> uid/gid mapping (a domain, a user map),
    asked before fsp's default one on VOL_SECURITY volumes: pass one as
    ``sid_mapper`` of :class:`fsp.Mount`.  Called on fsp's threads, any
    time while mounted; keep them quick and thread-safe.  Returning None
    falls back to the default mapping; OSError(errno) answers that errno,
    and any other exception is a bug: logged, answered EIO, as in every
    callback."""

    def sid_to_id(self, sid):
        """(id, is_group) for SID text sid, or None."""
        return None

    def id_to_sid(self, id_, is_group):
        """SID text for uid (gid when is_group) id_, or None."""
        return None


def _mapper_c(mapper, error, pinned):
    """The struct fsp_sid_mapper calling mapper, and what must stay alive
    with it (fsp copies the struct, not the functions).  error(e, what):
    the binding's one exception-to-errno mapping."""
    def sid_to_id(ctx, sid, id_out, is_group_out):
        try:
            r = mapper.sid_to_id(_sid_text(sid[0]))
            if r is None:
                return -_errno.ENOENT
            i, g = r
            if type(i) is not int or not 0 <= i < 1 << 32:
                raise ValueError("sid_to_id returned id %r" % (i,))
            id_out[0], is_group_out[0] = i, int(bool(g))
            return 0
        except BaseException as e:
            return error(e, "sid_to_id")

    def id_to_sid(ctx, id_, is_group, sid_out):
        try:
            text = mapper.id_to_sid(id_, bool(is_group))
            if text is None:
                return -_errno.ENOENT
            sid_out[0] = _sid(text)
            return 0
        except BaseException as e:
            return error(e, "id_to_sid")

    fields = dict(_n.SidMapperC._fields_)
    keep = [fields["sid_to_id"](pinned(sid_to_id)),
            fields["id_to_sid"](pinned(id_to_sid))]
    return _n.SidMapperC(keep[0], keep[1], None), keep
