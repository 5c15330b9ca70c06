// SPDX-License-Identifier: LGPL-2.1-or-later
//! Raw FFI declarations of fsp's native API, `include/fsp/fsp.h`, version 1.
//!
//! Written by hand from the header; `cargo test` checks every struct's size
//! and every field's offset against what the C compiler says (see
//! `build.rs`).  Everything here is `unsafe` and mirrors C exactly: use the
//! `fsp` crate for a safe, idiomatic API.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_uint, c_void};

/// `FSP_API_VERSION`.
pub const FSP_API_VERSION: c_int = 1;
/// Returned by read or write to complete later with [`fsp_request_complete`].
pub const FSP_PENDING: c_int = -0x10000;

pub const FSP_ATTR_READONLY: u32 = 0x0000_0001;
pub const FSP_ATTR_HIDDEN: u32 = 0x0000_0002;
pub const FSP_ATTR_SYSTEM: u32 = 0x0000_0004;
pub const FSP_ATTR_DIRECTORY: u32 = 0x0000_0010;
pub const FSP_ATTR_ARCHIVE: u32 = 0x0000_0020;
pub const FSP_ATTR_NORMAL: u32 = 0x0000_0080;
pub const FSP_ATTR_TEMPORARY: u32 = 0x0000_0100;
pub const FSP_ATTR_SPARSE_FILE: u32 = 0x0000_0200;
pub const FSP_ATTR_REPARSE_POINT: u32 = 0x0000_0400;

pub const FSP_VOL_CASE_INSENSITIVE: u32 = 0x0001;
pub const FSP_VOL_READ_ONLY: u32 = 0x0002;
pub const FSP_VOL_COARSE_GUARD: u32 = 0x0004;
pub const FSP_VOL_DEFAULT_PERMS: u32 = 0x0008;
pub const FSP_VOL_DIRECT_IO: u32 = 0x0010;
pub const FSP_VOL_PASSTHROUGH: u32 = 0x0020;
pub const FSP_VOL_WRITEBACK_CACHE: u32 = 0x0040;
pub const FSP_VOL_POSIX_ACL: u32 = 0x0080;
pub const FSP_VOL_NAMED_STREAMS: u32 = 0x0100;
pub const FSP_VOL_READONLY_ATTR: u32 = 0x0200;
pub const FSP_VOL_REPARSE_POINTS: u32 = 0x0400;
pub const FSP_VOL_SECURITY: u32 = 0x0800;

pub const FSP_REPARSE_TAG_SYMLINK: u32 = 0xA000_000C;
pub const FSP_REPARSE_TAG_NFS: u32 = 0x8000_0014;
pub const FSP_REPARSE_MAX_SIZE: usize = 16384;

pub const FSP_SET_MODE: u32 = 0x0001;
pub const FSP_SET_UID: u32 = 0x0002;
pub const FSP_SET_GID: u32 = 0x0004;
pub const FSP_SET_ATIME: u32 = 0x0008;
pub const FSP_SET_MTIME: u32 = 0x0010;
pub const FSP_SET_CTIME: u32 = 0x0020;
pub const FSP_SET_CRTIME: u32 = 0x0040;
pub const FSP_SET_ATTRIBUTES: u32 = 0x0080;

pub const FSP_RENAME_NOREPLACE: u32 = 0x1;
pub const FSP_RENAME_EXCHANGE: u32 = 0x2;
pub const FSP_EA_CREATE: c_int = 0x1;
pub const FSP_EA_REPLACE: c_int = 0x2;
pub const FSP_ALLOC_KEEP_SIZE: u32 = 0x01;
pub const FSP_ALLOC_PUNCH_HOLE: u32 = 0x02;
pub const FSP_SEEK_DATA: c_int = 3;
pub const FSP_SEEK_HOLE: c_int = 4;

pub const FSP_IFACE_STATELESS_OPENS: u32 = 0x0001;
pub const FSP_IFACE_UNNAMED_FILES: u32 = 0x0002;
pub const FSP_IFACE_STATELESS_DIR_OPENS: u32 = 0x0004;

/// One file system instance; opaque.
#[repr(C)]
pub struct fsp_fs {
    _opaque: [u8; 0],
}
/// One request from the kernel; opaque.
#[repr(C)]
pub struct fsp_request {
    _opaque: [u8; 0],
}
/// A directory listing under construction; opaque.
#[repr(C)]
pub struct fsp_dir_buffer {
    _opaque: [u8; 0],
}

/// `struct timespec` on 64-bit Linux.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct timespec {
    pub tv_sec: i64,
    pub tv_nsec: i64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct fsp_file_info {
    pub index: u64,
    pub mode: u32,
    pub attributes: u32,
    pub nlink: u32,
    pub uid: u32,
    pub gid: u32,
    pub rdev: u32,
    pub size: u64,
    pub alloc_size: u64,
    pub creation_time: timespec,
    pub access_time: timespec,
    pub write_time: timespec,
    pub change_time: timespec,
    /// Export volumes (`lookup_index`): tells this file from earlier
    /// files with the same index.
    pub generation: u64,
    pub reserved: [u64; 3],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct fsp_volume_info {
    pub total_size: u64,
    pub free_size: u64,
    pub total_files: u64,
    pub free_files: u64,
    pub label: [c_char; 64],
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct fsp_volume_params {
    pub size: u32,
    pub flags: u32,
    pub sector_size: u32,
    pub max_name_length: u32,
    pub file_info_timeout_ms: u32,
    pub reserved0: u32,
    pub volume_serial: u64,
    pub volume_creation_time: timespec,
    pub fsname: [c_char; 64],
    pub subtype: [c_char; 32],
    pub max_file_size: u64,
    pub reserved: [u64; 15],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct fsp_basic_info {
    pub valid: u32,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub attributes: u32,
    pub reserved0: u32,
    pub access_time: timespec,
    pub write_time: timespec,
    pub change_time: timespec,
    pub creation_time: timespec,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct fsp_create_params {
    pub mode: u32,
    pub attributes: u32,
    pub flags: u32,
    pub uid: u32,
    pub gid: u32,
    pub rdev: u32,
    pub reserved0: u32,
    pub link_target: *const c_char,
    /// `FSP_VOL_SECURITY`: the new file's self-relative descriptor.
    pub security: *const c_void,
    pub security_size: u64,
    pub reserved: [u64; 2],
}

pub type fsp_get_volume_info_fn =
    unsafe extern "C" fn(req: *mut fsp_request, vi: *mut fsp_volume_info) -> c_int;
pub type fsp_set_volume_label_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    label: *const c_char,
    vi: *mut fsp_volume_info,
) -> c_int;
pub type fsp_lookup_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    parent: *mut c_void,
    name: *const c_char,
    node: *mut *mut c_void,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_forget_fn = unsafe extern "C" fn(fs: *mut fsp_fs, node: *mut c_void);
pub type fsp_get_file_info_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_create_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    parent: *mut c_void,
    name: *const c_char,
    cp: *const fsp_create_params,
    node: *mut *mut c_void,
    file: *mut *mut c_void,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_open_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    flags: u32,
    file: *mut *mut c_void,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_overwrite_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_cleanup_fn =
    unsafe extern "C" fn(req: *mut fsp_request, node: *mut c_void, file: *mut c_void) -> c_int;
pub type fsp_close_fn = unsafe extern "C" fn(fs: *mut fsp_fs, node: *mut c_void, file: *mut c_void);
pub type fsp_read_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    buf: *mut c_void,
    offset: u64,
    length: u32,
    bytes_read: *mut u32,
) -> c_int;
pub type fsp_write_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    buf: *const c_void,
    offset: u64,
    length: u32,
    bytes_written: *mut u32,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_flush_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    datasync: c_int,
) -> c_int;
pub type fsp_set_basic_info_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    bi: *const fsp_basic_info,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_set_file_size_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    size: u64,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_can_delete_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    parent: *mut c_void,
    name: *const c_char,
    node: *mut c_void,
) -> c_int;
pub type fsp_set_delete_fn = fsp_can_delete_fn;
pub type fsp_rename_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    old_parent: *mut c_void,
    old_name: *const c_char,
    new_parent: *mut c_void,
    new_name: *const c_char,
    node: *mut c_void,
    flags: u32,
) -> c_int;
pub type fsp_read_directory_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    marker: *const c_char,
    db: *mut fsp_dir_buffer,
) -> c_int;
pub type fsp_get_reparse_point_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    buf: *mut c_char,
    size: usize,
) -> c_int;
pub type fsp_get_ea_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    name: *const c_char,
    value: *mut c_void,
    size: usize,
    needed: *mut usize,
) -> c_int;
pub type fsp_set_ea_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    name: *const c_char,
    value: *const c_void,
    size: usize,
    flags: c_int,
) -> c_int;
pub type fsp_list_ea_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    list: *mut c_char,
    size: usize,
    needed: *mut usize,
) -> c_int;
pub type fsp_remove_ea_fn =
    unsafe extern "C" fn(req: *mut fsp_request, node: *mut c_void, name: *const c_char) -> c_int;
pub type fsp_link_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    new_parent: *mut c_void,
    new_name: *const c_char,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_allocate_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    offset: u64,
    length: u64,
    mode: u32,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_seek_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    file: *mut c_void,
    offset: u64,
    whence: c_int,
    result: *mut u64,
) -> c_int;

pub type fsp_lookup_index_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    index: u64,
    node: *mut *mut c_void,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_lookup_stream_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    name: *const c_char,
    stream: *mut *mut c_void,
    fi: *mut fsp_file_info,
) -> c_int;
pub type fsp_delete_stream_fn =
    unsafe extern "C" fn(req: *mut fsp_request, node: *mut c_void, name: *const c_char) -> c_int;
/// `struct fsp_stream_buffer`: opaque, owned by fsp.
#[repr(C)]
pub struct fsp_stream_buffer {
    _private: [u8; 0],
}
pub type fsp_get_stream_info_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    sb: *mut fsp_stream_buffer,
) -> c_int;
pub type fsp_get_reparse_data_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    buf: *mut c_void,
    size: usize,
    needed: *mut usize,
) -> c_int;
pub type fsp_set_reparse_data_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    buf: *const c_void,
    size: usize,
) -> c_int;
pub type fsp_delete_reparse_data_fn =
    unsafe extern "C" fn(req: *mut fsp_request, node: *mut c_void) -> c_int;
pub type fsp_get_security_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    buf: *mut c_void,
    size: usize,
    needed: *mut usize,
) -> c_int;
pub type fsp_set_security_fn = unsafe extern "C" fn(
    req: *mut fsp_request,
    node: *mut c_void,
    sd: *const c_void,
    size: usize,
) -> c_int;

/// `struct fsp_fs_interface`: `None` members get fsp's documented default.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct fsp_fs_interface {
    pub size: u32,
    pub flags: u32,
    pub get_volume_info: Option<fsp_get_volume_info_fn>,
    pub set_volume_label: Option<fsp_set_volume_label_fn>,
    pub lookup: Option<fsp_lookup_fn>,
    pub forget: Option<fsp_forget_fn>,
    pub get_file_info: Option<fsp_get_file_info_fn>,
    pub create: Option<fsp_create_fn>,
    pub open: Option<fsp_open_fn>,
    pub overwrite: Option<fsp_overwrite_fn>,
    pub cleanup: Option<fsp_cleanup_fn>,
    pub close: Option<fsp_close_fn>,
    pub read: Option<fsp_read_fn>,
    pub write: Option<fsp_write_fn>,
    pub flush: Option<fsp_flush_fn>,
    pub set_basic_info: Option<fsp_set_basic_info_fn>,
    pub set_file_size: Option<fsp_set_file_size_fn>,
    pub can_delete: Option<fsp_can_delete_fn>,
    pub set_delete: Option<fsp_set_delete_fn>,
    pub rename: Option<fsp_rename_fn>,
    pub read_directory: Option<fsp_read_directory_fn>,
    pub get_reparse_point: Option<fsp_get_reparse_point_fn>,
    pub get_ea: Option<fsp_get_ea_fn>,
    pub set_ea: Option<fsp_set_ea_fn>,
    pub list_ea: Option<fsp_list_ea_fn>,
    pub remove_ea: Option<fsp_remove_ea_fn>,
    pub link: Option<fsp_link_fn>,
    pub allocate: Option<fsp_allocate_fn>,
    pub seek: Option<fsp_seek_fn>,
    pub lookup_index: Option<fsp_lookup_index_fn>,
    pub lookup_stream: Option<fsp_lookup_stream_fn>,
    pub create_stream: Option<fsp_lookup_stream_fn>,
    pub delete_stream: Option<fsp_delete_stream_fn>,
    pub get_stream_info: Option<fsp_get_stream_info_fn>,
    pub get_reparse_data: Option<fsp_get_reparse_data_fn>,
    pub set_reparse_data: Option<fsp_set_reparse_data_fn>,
    pub delete_reparse_data: Option<fsp_delete_reparse_data_fn>,
    pub get_security: Option<fsp_get_security_fn>,
    pub set_security: Option<fsp_set_security_fn>,
    pub reserved: [Option<unsafe extern "C" fn()>; 27],
}

/// `struct fsp_sid` (include/fsp/security.h).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct fsp_sid {
    pub revision: u8,
    pub sub_count: u8,
    pub authority: [u8; 6],
    pub sub: [u32; 15],
}
/// `struct fsp_ace`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct fsp_ace {
    pub type_: u8,
    pub flags: u8,
    pub reserved: u16,
    pub mask: u32,
    pub sid: fsp_sid,
}
/// `struct fsp_acl`: `aces` is malloc'ed, owned by the descriptor.
#[repr(C)]
#[derive(Debug)]
pub struct fsp_acl {
    pub revision: u8,
    pub count: u32,
    pub aces: *mut fsp_ace,
}
/// `struct fsp_sd`: a descriptor taken apart; clear with [`fsp_sd_clear`].
#[repr(C)]
#[derive(Debug)]
pub struct fsp_sd {
    pub control: u16,
    pub has_owner: u8,
    pub has_group: u8,
    pub owner: fsp_sid,
    pub group: fsp_sid,
    pub dacl: fsp_acl,
    pub sacl: fsp_acl,
}

/// `struct fsp_sid_mapper`: a file system's own SID <-> id mapping.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct fsp_sid_mapper {
    pub sid_to_id: Option<
        unsafe extern "C" fn(ctx: *mut c_void, sid: *const fsp_sid, id: *mut u32, is_group: *mut c_int) -> c_int,
    >,
    pub id_to_sid:
        Option<unsafe extern "C" fn(ctx: *mut c_void, id: u32, is_group: c_int, sid: *mut fsp_sid) -> c_int>,
    pub ctx: *mut c_void,
}

extern "C" {
    pub fn fsp_fs_set_sid_mapper(fs: *mut fsp_fs, m: *const fsp_sid_mapper);
    pub fn fsp_sd_clear(sd: *mut fsp_sd);
    pub fn fsp_sd_check(buf: *const c_void, size: usize) -> c_int;
    pub fn fsp_sd_parse(buf: *const c_void, size: usize, sd: *mut fsp_sd) -> c_int;
    pub fn fsp_sd_build(sd: *const fsp_sd, buf: *mut *mut c_void, size: *mut usize) -> c_int;
    pub fn fsp_sd_inherit(
        parent: *const fsp_sd,
        owner: *const fsp_sid,
        group: *const fsp_sid,
        is_dir: c_int,
        sd: *mut fsp_sd,
    ) -> c_int;
    pub fn fsp_sid_parse(text: *const c_char, sid: *mut fsp_sid) -> c_int;
    pub fn fsp_sid_print(sid: *const fsp_sid, buf: *mut c_char, size: usize) -> c_int;
    pub fn fsp_sddl_parse(text: *const c_char, sd: *mut fsp_sd) -> c_int;
    pub fn fsp_sddl_print(sd: *const fsp_sd, text: *mut *mut c_char) -> c_int;
    pub fn fsp_sid_from_id(mapper: *const c_void, id: u32, is_group: c_int, sid: *mut fsp_sid) -> c_int;
    pub fn fsp_sid_to_id(mapper: *const c_void, sid: *const fsp_sid, id: *mut u32, is_group: *mut c_int) -> c_int;
    pub fn free(p: *mut c_void);
}

extern "C" {
    pub fn fsp_stream_buffer_add(sb: *mut fsp_stream_buffer, name: *const c_char, size: u64) -> c_int;
    pub fn fsp_dir_buffer_add(
        db: *mut fsp_dir_buffer,
        name: *const c_char,
        fi: *const fsp_file_info,
    ) -> c_int;
    pub fn fsp_fs_new(
        vp: *const fsp_volume_params,
        iface: *const fsp_fs_interface,
        context: *mut c_void,
        out: *mut *mut fsp_fs,
    ) -> c_int;
    pub fn fsp_fs_context(fs: *const fsp_fs) -> *mut c_void;
    pub fn fsp_fs_set_debug(fs: *mut fsp_fs, on: c_int);
    pub fn fsp_fs_set_threads(fs: *mut fsp_fs, threads: c_uint, max_threads: c_uint);
    pub fn fsp_fs_mount(
        fs: *mut fsp_fs,
        mountpoint: *const c_char,
        options: *const c_char,
        err: *mut c_char,
        errlen: usize,
    ) -> c_int;
    pub fn fsp_fs_run(fs: *mut fsp_fs) -> c_int;
    pub fn fsp_fs_stop(fs: *mut fsp_fs);
    pub fn fsp_fs_set_signal_handlers(fs: *mut fsp_fs) -> c_int;
    pub fn fsp_fs_delete(fs: *mut fsp_fs);
    pub fn fsp_fs_notify_inode(fs: *mut fsp_fs, index: u64, off: i64, len: i64) -> c_int;
    pub fn fsp_fs_notify_entry(fs: *mut fsp_fs, parent_index: u64, name: *const c_char) -> c_int;
    pub fn fsp_fs_notify_expire(fs: *mut fsp_fs, parent_index: u64, name: *const c_char) -> c_int;
    pub fn fsp_fs_notify_delete(
        fs: *mut fsp_fs,
        parent_index: u64,
        child_index: u64,
        name: *const c_char,
    ) -> c_int;
    pub fn fsp_fs_notify_store(fs: *mut fsp_fs, index: u64, off: u64, buf: *const c_void, size: usize) -> c_int;
    pub fn fsp_fs_notify_retrieve(
        fs: *mut fsp_fs,
        index: u64,
        off: u64,
        buf: *mut c_void,
        size: usize,
        timeout_ms: c_int,
        got: *mut usize,
    ) -> c_int;
    pub fn fsp_request_uid(req: *const fsp_request) -> u32;
    pub fn fsp_request_gid(req: *const fsp_request) -> u32;
    pub fn fsp_request_pid(req: *const fsp_request) -> i32;
    pub fn fsp_request_umask(req: *const fsp_request) -> u32;
    pub fn fsp_request_interrupted(req: *const fsp_request) -> c_int;
    pub fn fsp_request_fs(req: *const fsp_request) -> *mut fsp_fs;
    pub fn fsp_request_path(req: *mut fsp_request) -> *const c_char;
    pub fn fsp_request_pend(req: *mut fsp_request) -> *mut fsp_request;
    pub fn fsp_request_passthrough(req: *mut fsp_request, fd: c_int) -> c_int;
    pub fn fsp_request_read_fd(req: *mut fsp_request, fd: c_int, offset: u64, length: u32) -> c_int;
    pub fn fsp_request_complete(
        req: *mut fsp_request,
        result: c_int,
        bytes: u32,
        fi: *const fsp_file_info,
    );
}

#[cfg(test)]
mod layout {
    //! Every size and offset against the C compiler's (build.rs).
    use super::*;
    use std::mem::size_of;

    include!(concat!(env!("OUT_DIR"), "/c_layout.rs"));

    macro_rules! off {
        ($t:ty, $f:ident) => {{
            let v = std::mem::MaybeUninit::<$t>::uninit();
            let base = v.as_ptr();
            // SAFETY: addr_of! on an uninitialized value reads nothing.
            let field = unsafe { std::ptr::addr_of!((*base).$f) };
            field as usize - base as usize
        }};
    }

    #[test]
    fn sizes_match_c() {
        for (name, rust, c) in [
            ("fsp_file_info", size_of::<fsp_file_info>(), C_SIZES[0]),
            ("fsp_volume_info", size_of::<fsp_volume_info>(), C_SIZES[1]),
            ("fsp_volume_params", size_of::<fsp_volume_params>(), C_SIZES[2]),
            ("fsp_basic_info", size_of::<fsp_basic_info>(), C_SIZES[3]),
            ("fsp_create_params", size_of::<fsp_create_params>(), C_SIZES[4]),
            ("fsp_fs_interface", size_of::<fsp_fs_interface>(), C_SIZES[5]),
            ("timespec", size_of::<timespec>(), C_SIZES[6]),
            ("fsp_sid", size_of::<fsp_sid>(), C_SIZES[7]),
            ("fsp_ace", size_of::<fsp_ace>(), C_SIZES[8]),
            ("fsp_acl", size_of::<fsp_acl>(), C_SIZES[9]),
            ("fsp_sd", size_of::<fsp_sd>(), C_SIZES[10]),
        ] {
            assert_eq!(rust, c, "sizeof(struct {})", name);
        }
    }

    #[test]
    fn offsets_match_c() {
        let rust: Vec<(&str, usize)> = vec![
            ("fsp_file_info.mode", off!(fsp_file_info, mode)),
            ("fsp_file_info.nlink", off!(fsp_file_info, nlink)),
            ("fsp_file_info.rdev", off!(fsp_file_info, rdev)),
            ("fsp_file_info.size", off!(fsp_file_info, size)),
            ("fsp_file_info.creation_time", off!(fsp_file_info, creation_time)),
            ("fsp_file_info.change_time", off!(fsp_file_info, change_time)),
            ("fsp_file_info.generation", off!(fsp_file_info, generation)),
            ("fsp_file_info.reserved", off!(fsp_file_info, reserved)),
            ("fsp_volume_info.label", off!(fsp_volume_info, label)),
            ("fsp_volume_params.volume_serial", off!(fsp_volume_params, volume_serial)),
            ("fsp_volume_params.volume_creation_time", off!(fsp_volume_params, volume_creation_time)),
            ("fsp_volume_params.fsname", off!(fsp_volume_params, fsname)),
            ("fsp_volume_params.subtype", off!(fsp_volume_params, subtype)),
            ("fsp_volume_params.max_file_size", off!(fsp_volume_params, max_file_size)),
            ("fsp_basic_info.attributes", off!(fsp_basic_info, attributes)),
            ("fsp_basic_info.access_time", off!(fsp_basic_info, access_time)),
            ("fsp_basic_info.creation_time", off!(fsp_basic_info, creation_time)),
            ("fsp_create_params.rdev", off!(fsp_create_params, rdev)),
            ("fsp_create_params.link_target", off!(fsp_create_params, link_target)),
            ("fsp_create_params.security", off!(fsp_create_params, security)),
            ("fsp_create_params.reserved", off!(fsp_create_params, reserved)),
            ("fsp_fs_interface.get_volume_info", off!(fsp_fs_interface, get_volume_info)),
            ("fsp_fs_interface.lookup", off!(fsp_fs_interface, lookup)),
            ("fsp_fs_interface.read", off!(fsp_fs_interface, read)),
            ("fsp_fs_interface.read_directory", off!(fsp_fs_interface, read_directory)),
            ("fsp_fs_interface.link", off!(fsp_fs_interface, link)),
            ("fsp_fs_interface.seek", off!(fsp_fs_interface, seek)),
            ("fsp_fs_interface.lookup_index", off!(fsp_fs_interface, lookup_index)),
            ("fsp_fs_interface.lookup_stream", off!(fsp_fs_interface, lookup_stream)),
            (
                "fsp_fs_interface.delete_reparse_data",
                off!(fsp_fs_interface, delete_reparse_data),
            ),
            ("fsp_fs_interface.set_security", off!(fsp_fs_interface, set_security)),
            ("fsp_fs_interface.reserved", off!(fsp_fs_interface, reserved)),
            ("fsp_ace.mask", off!(fsp_ace, mask)),
            ("fsp_ace.sid", off!(fsp_ace, sid)),
            ("fsp_acl.aces", off!(fsp_acl, aces)),
            ("fsp_sd.owner", off!(fsp_sd, owner)),
            ("fsp_sd.group", off!(fsp_sd, group)),
            ("fsp_sd.dacl", off!(fsp_sd, dacl)),
            ("fsp_sd.sacl", off!(fsp_sd, sacl)),
        ];
        assert_eq!(rust.len(), C_OFFSETS.len());
        for ((name, r), (cname, c)) in rust.iter().zip(C_OFFSETS.iter()) {
            assert_eq!(name, cname);
            assert_eq!(r, c, "offsetof({})", name);
        }
    }
}
