# SPDX-License-Identifier: LGPL-2.1-or-later
"""ctypes declarations of libfsp's native API (include/fsp/fsp.h).

Private: the rest of the package is written against these.  ctypes was
chosen over a C extension because it needs no compiler and no python3-dev
to install, and it gives the threading model the binding wants for free:
a foreign call (fsp_fs_run) releases the GIL for as long as fsp waits,
and a CFUNCTYPE callback takes the GIL on whichever dispatcher thread it
runs and gives it back when it returns.
"""
import ctypes
import ctypes.util
import os
import struct

c_int, c_uint32, c_uint64, c_int64 = (ctypes.c_int, ctypes.c_uint32,
                                      ctypes.c_uint64, ctypes.c_int64)
c_void_p, c_char_p, c_size_t = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
P = ctypes.POINTER

PENDING = -0x10000


def _find_library():
    """FSP_LIBRARY, then the copy pip bundled at install
    (_build/fsp_build.py), then the build tree this package sits in (a
    checkout), then the system's libfsp.so.1 (make install / the Debian
    package)."""
    env = os.environ.get("FSP_LIBRARY")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    bundled = os.path.join(here, "libfsp.so.1")  # see _build/fsp_build.py
    if os.path.exists(bundled):
        return bundled
    for up in ("../../../build", "../../build"):
        cand = os.path.normpath(os.path.join(here, up, "libfsp.so.1"))
        if os.path.exists(cand):
            return cand
    return ctypes.util.find_library("fsp") or "libfsp.so.1"


lib = ctypes.CDLL(_find_library(), use_errno=True)
# The same library through PyDLL: calls that keep the GIL.  For the short
# calls made inside callbacks (request accessors, fsp_dir_buffer_add,
# copying results into fsp's buffers): releasing the GIL around each would
# let another dispatcher thread take it and make this one wait to get it
# back, a convoy that measured slower than the calls themselves.  Anything
# that may block or take a lock of fsp's (run, mount, notify, complete,
# passthrough, read_fd, path and pend) stays on `lib`, which releases the
# GIL: forget runs with fsp's node table locked and waits for the GIL, so
# a callback holding the GIL must never wait for that lock (path does).
plib = ctypes.PyDLL(lib._name)
memcpy = ctypes.PyDLL(None).memcpy
memcpy.restype = c_void_p
memcpy.argtypes = [c_void_p, c_char_p, c_size_t]


class Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class VolumeParamsC(ctypes.Structure):
    _fields_ = [("size", c_uint32), ("flags", c_uint32),
                ("sector_size", c_uint32), ("max_name_length", c_uint32),
                ("file_info_timeout_ms", c_uint32), ("reserved0", c_uint32),
                ("volume_serial", c_uint64),
                ("volume_creation_time", Timespec),
                ("fsname", ctypes.c_char * 64), ("subtype", ctypes.c_char * 32),
                ("max_file_size", c_uint64), ("reserved", c_uint64 * 15)]


class CreateParamsC(ctypes.Structure):
    _fields_ = [("mode", c_uint32), ("attributes", c_uint32),
                ("flags", c_uint32), ("uid", c_uint32), ("gid", c_uint32),
                ("rdev", c_uint32), ("reserved0", c_uint32),
                ("link_target", c_char_p),
                ("security", c_void_p), ("security_size", c_uint64),
                ("reserved", c_uint64 * 2)]


# struct fsp_file_info (144 bytes): index, mode, attributes, nlink, uid,
# gid, rdev, size, alloc_size, four timespecs, generation, reserved[3]
# (generation: FileInfo.generation, for export).  Packed with
# struct rather than through a ctypes.Structure: one call, no per-field
# attribute traffic on the hot path.
FILE_INFO = struct.Struct("=QIIIIIIQQ8qQ24x")
# struct fsp_volume_info (96 bytes)
VOLUME_INFO = struct.Struct("=QQQQ64s")
# struct fsp_basic_info (88 bytes)
BASIC_INFO = struct.Struct("=IIIIII8q")
assert FILE_INFO.size == 144 and VOLUME_INFO.size == 96
assert BASIC_INFO.size == 88
assert ctypes.sizeof(VolumeParamsC) == 272 and ctypes.sizeof(CreateParamsC) == 72

# The callback types, in struct fsp_fs_interface order.
CB = ctypes.CFUNCTYPE
REQ = c_void_p
CALLBACKS = [
    ("get_volume_info", CB(c_int, REQ, c_void_p)),
    ("set_volume_label", CB(c_int, REQ, c_char_p, c_void_p)),
    ("lookup", CB(c_int, REQ, c_void_p, c_char_p, P(c_void_p), c_void_p)),
    ("forget", CB(None, c_void_p, c_void_p)),
    ("get_file_info", CB(c_int, REQ, c_void_p, c_void_p, c_void_p)),
    ("create", CB(c_int, REQ, c_void_p, c_char_p, P(CreateParamsC),
                  P(c_void_p), P(c_void_p), c_void_p)),
    ("open", CB(c_int, REQ, c_void_p, c_uint32, P(c_void_p), c_void_p)),
    ("overwrite", CB(c_int, REQ, c_void_p, c_void_p, c_void_p)),
    ("cleanup", CB(c_int, REQ, c_void_p, c_void_p)),
    ("close", CB(None, c_void_p, c_void_p, c_void_p)),
    ("read", CB(c_int, REQ, c_void_p, c_void_p, c_void_p, c_uint64, c_uint32,
                P(c_uint32))),
    ("write", CB(c_int, REQ, c_void_p, c_void_p, c_void_p, c_uint64, c_uint32,
                 P(c_uint32), c_void_p)),
    ("flush", CB(c_int, REQ, c_void_p, c_void_p, c_int)),
    ("set_basic_info", CB(c_int, REQ, c_void_p, c_void_p, c_void_p, c_void_p)),
    ("set_file_size", CB(c_int, REQ, c_void_p, c_void_p, c_uint64, c_void_p)),
    ("can_delete", CB(c_int, REQ, c_void_p, c_char_p, c_void_p)),
    ("set_delete", CB(c_int, REQ, c_void_p, c_char_p, c_void_p)),
    ("rename", CB(c_int, REQ, c_void_p, c_char_p, c_void_p, c_char_p,
                  c_void_p, c_uint32)),
    ("read_directory", CB(c_int, REQ, c_void_p, c_void_p, c_char_p, c_void_p)),
    ("get_reparse_point", CB(c_int, REQ, c_void_p, c_void_p, c_size_t)),
    ("get_ea", CB(c_int, REQ, c_void_p, c_char_p, c_void_p, c_size_t,
                  P(c_size_t))),
    ("set_ea", CB(c_int, REQ, c_void_p, c_char_p, c_void_p, c_size_t, c_int)),
    ("list_ea", CB(c_int, REQ, c_void_p, c_void_p, c_size_t, P(c_size_t))),
    ("remove_ea", CB(c_int, REQ, c_void_p, c_char_p)),
    ("link", CB(c_int, REQ, c_void_p, c_void_p, c_char_p, c_void_p)),
    ("allocate", CB(c_int, REQ, c_void_p, c_void_p, c_uint64, c_uint64,
                    c_uint32, c_void_p)),
    ("seek", CB(c_int, REQ, c_void_p, c_void_p, c_uint64, c_int, P(c_uint64))),
]


# The members after seek (export, named streams, reparse data, security
# descriptors), appended in fsp.h's order.
CALLBACKS += [
    ("lookup_index", CB(c_int, REQ, c_uint64, P(c_void_p), c_void_p)),
    ("lookup_stream", CB(c_int, REQ, c_void_p, c_char_p, P(c_void_p),
                         c_void_p)),
    ("create_stream", CB(c_int, REQ, c_void_p, c_char_p, P(c_void_p),
                         c_void_p)),
    ("delete_stream", CB(c_int, REQ, c_void_p, c_char_p)),
    ("get_stream_info", CB(c_int, REQ, c_void_p, c_void_p)),
    ("get_reparse_data", CB(c_int, REQ, c_void_p, c_void_p, c_size_t,
                            P(c_size_t))),
    ("set_reparse_data", CB(c_int, REQ, c_void_p, c_void_p, c_size_t)),
    ("delete_reparse_data", CB(c_int, REQ, c_void_p)),
    ("get_security", CB(c_int, REQ, c_void_p, c_void_p, c_size_t,
                        P(c_size_t))),
    ("set_security", CB(c_int, REQ, c_void_p, c_void_p, c_size_t)),
]
REPARSE_MAX_SIZE = 16384


class InterfaceC(ctypes.Structure):
    _fields_ = ([("size", c_uint32), ("flags", c_uint32)] +
                list(CALLBACKS) + [("reserved", c_void_p * 27)])


assert ctypes.sizeof(InterfaceC) == 8 + 37 * 8 + 27 * 8


def _decl(name, restype, *argtypes, keep_gil=False):
    f = getattr(plib if keep_gil else lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


fs_new = _decl("fsp_fs_new", c_int, P(VolumeParamsC), P(InterfaceC), c_void_p,
               P(c_void_p))
fs_set_debug = _decl("fsp_fs_set_debug", None, c_void_p, c_int)
fs_set_threads = _decl("fsp_fs_set_threads", None, c_void_p, ctypes.c_uint,
                       ctypes.c_uint)
fs_mount = _decl("fsp_fs_mount", c_int, c_void_p, c_char_p, c_char_p,
                 c_char_p, c_size_t)
fs_run = _decl("fsp_fs_run", c_int, c_void_p)
fs_stop = _decl("fsp_fs_stop", None, c_void_p)
fs_set_signal_handlers = _decl("fsp_fs_set_signal_handlers", c_int, c_void_p)
fs_delete = _decl("fsp_fs_delete", None, c_void_p)
fs_notify_inode = _decl("fsp_fs_notify_inode", c_int, c_void_p, c_uint64,
                        c_int64, c_int64)
fs_notify_entry = _decl("fsp_fs_notify_entry", c_int, c_void_p, c_uint64,
                        c_char_p)
dir_buffer_add = _decl("fsp_dir_buffer_add", c_int, c_void_p, c_char_p,
                       c_char_p, keep_gil=True)
request_uid = _decl("fsp_request_uid", c_uint32, c_void_p, keep_gil=True)
request_gid = _decl("fsp_request_gid", c_uint32, c_void_p, keep_gil=True)
request_pid = _decl("fsp_request_pid", c_int, c_void_p, keep_gil=True)
request_umask = _decl("fsp_request_umask", c_uint32, c_void_p, keep_gil=True)
request_interrupted = _decl("fsp_request_interrupted", c_int, c_void_p, keep_gil=True)
request_path = _decl("fsp_request_path", c_char_p, c_void_p)
request_pend = _decl("fsp_request_pend", c_void_p, c_void_p)
request_passthrough = _decl("fsp_request_passthrough", c_int, c_void_p, c_int)
request_read_fd = _decl("fsp_request_read_fd", c_int, c_void_p, c_int,
                        c_uint64, c_uint32)
request_complete = _decl("fsp_request_complete", None, c_void_p, c_int,
                         c_uint32, c_char_p)
fs_notify_expire = _decl("fsp_fs_notify_expire", c_int, c_void_p, c_uint64,
                         c_char_p)
fs_notify_delete = _decl("fsp_fs_notify_delete", c_int, c_void_p, c_uint64,
                         c_uint64, c_char_p)
fs_notify_store = _decl("fsp_fs_notify_store", c_int, c_void_p, c_uint64,
                        c_uint64, c_char_p, c_size_t)
fs_notify_retrieve = _decl("fsp_fs_notify_retrieve", c_int, c_void_p,
                           c_uint64, c_uint64, c_void_p, c_size_t, c_int,
                           P(c_size_t))
stream_buffer_add = _decl("fsp_stream_buffer_add", c_int, c_void_p, c_char_p,
                          c_uint64, keep_gil=True)


# include/fsp/security.h: pure functions, any thread; they keep the GIL
# (no locks, no I/O).
class SidC(ctypes.Structure):
    _fields_ = [("revision", ctypes.c_uint8), ("sub_count", ctypes.c_uint8),
                ("authority", ctypes.c_uint8 * 6), ("sub", c_uint32 * 15)]


class AclC(ctypes.Structure):
    _fields_ = [("revision", ctypes.c_uint8), ("count", c_uint32),
                ("aces", c_void_p)]


class SdC(ctypes.Structure):
    _fields_ = [("control", ctypes.c_uint16), ("has_owner", ctypes.c_uint8),
                ("has_group", ctypes.c_uint8), ("owner", SidC),
                ("group", SidC), ("dacl", AclC), ("sacl", AclC)]


assert ctypes.sizeof(SidC) == 68 and ctypes.sizeof(SdC) == 176
libc_free = ctypes.PyDLL(None).free
libc_free.restype = None
libc_free.argtypes = [c_void_p]
sd_clear = _decl("fsp_sd_clear", None, P(SdC), keep_gil=True)
sd_check = _decl("fsp_sd_check", c_int, c_char_p, c_size_t, keep_gil=True)
sd_parse = _decl("fsp_sd_parse", c_int, c_char_p, c_size_t, P(SdC),
                 keep_gil=True)
sd_build = _decl("fsp_sd_build", c_int, P(SdC), P(c_void_p), P(c_size_t),
                 keep_gil=True)
sd_inherit = _decl("fsp_sd_inherit", c_int, P(SdC), P(SidC), P(SidC), c_int,
                   P(SdC), keep_gil=True)
sddl_parse = _decl("fsp_sddl_parse", c_int, c_char_p, P(SdC), keep_gil=True)
sddl_print = _decl("fsp_sddl_print", c_int, P(SdC), P(c_void_p),
                   keep_gil=True)
sid_parse = _decl("fsp_sid_parse", c_int, c_char_p, P(SidC), keep_gil=True)
sid_print = _decl("fsp_sid_print", c_int, P(SidC), c_char_p, c_size_t,
                  keep_gil=True)
sid_to_id = _decl("fsp_sid_to_id", c_int, c_void_p, P(SidC), P(c_uint32),
                  P(c_int), keep_gil=True)
sid_from_id = _decl("fsp_sid_from_id", c_int, c_void_p, c_uint32, c_int,
                    P(SidC), keep_gil=True)


class SidMapperC(ctypes.Structure):
    _fields_ = [("sid_to_id", CB(c_int, c_void_p, P(SidC), P(c_uint32),
                                 P(c_int))),
                ("id_to_sid", CB(c_int, c_void_p, c_uint32, c_int,
                                 P(SidC))),
                ("ctx", c_void_p)]


fs_set_sid_mapper = _decl("fsp_fs_set_sid_mapper", None, c_void_p,
                          P(SidMapperC))
abort_connection = _decl("fsp_abort_connection", c_int, c_char_p, c_char_p,
                         c_size_t)
name_casefold = _decl("fsp_name_casefold", c_int, c_char_p, c_char_p,
                      c_size_t, keep_gil=True)
