// SPDX-License-Identifier: LGPL-2.1-or-later
//! The C callbacks fsp calls: each turns raw pointers into Rust values,
//! calls the FileSystem method inside catch_unwind, and turns the Result
//! back into fsp's answer.  Nothing unwinds into C.
use std::cell::Cell;
use std::ffi::{CStr, OsStr};
use std::os::raw::{c_char, c_int, c_void};
use std::os::unix::ffi::OsStrExt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use fsp_sys as sys;

use crate::request::{DirBuffer, ReadBuf, Request, StreamBuffer, WriteBuf};
use crate::types::{BasicInfo, CreateParams, Errno, Result, Whence};
use crate::{FileSystem, Inner};

type Node<F> = <F as FileSystem>::Node;
type File<F> = <F as FileSystem>::File;

const EIO: c_int = -5;

/// Runs one callback; a panic is logged and answers EIO.
fn guard(what: &str, f: impl FnOnce() -> c_int) -> c_int {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            log_panic(what, &p);
            EIO
        }
    }
}

fn log_panic(what: &str, p: &Box<dyn std::any::Any + Send>) {
    let msg = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    eprintln!("fsp: panic in {}: {}: answering EIO", what, msg);
}

/// The one place a Result becomes fsp's answer.
fn answer(what: &str, r: Result<()>) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => e.to_c(what),
    }
}

unsafe fn inner<'a, F: FileSystem>(req: *mut sys::fsp_request) -> &'a Inner<F> {
    &*(sys::fsp_fs_context(sys::fsp_request_fs(req)) as *const Inner<F>)
}
unsafe fn inner_fs<'a, F: FileSystem>(fs: *mut sys::fsp_fs) -> &'a Inner<F> {
    &*(sys::fsp_fs_context(fs) as *const Inner<F>)
}
unsafe fn node<'a, F: FileSystem>(p: *mut c_void) -> &'a Node<F> {
    &*(p as *const Node<F>)
}
unsafe fn file<'a, F: FileSystem>(p: *mut c_void) -> Option<&'a File<F>> {
    (p as *const File<F>).as_ref()
}
/// fsp's `size` bytes at `p` (a value, a buffer, a descriptor) as a
/// slice; none when size is 0, where p may be NULL.
unsafe fn bytes<'a>(p: *const c_void, size: usize) -> &'a [u8] {
    if size == 0 { &[] } else { std::slice::from_raw_parts(p as *const u8, size) }
}
unsafe fn name<'a>(p: *const c_char) -> &'a OsStr {
    OsStr::from_bytes(CStr::from_ptr(p).to_bytes())
}
fn box_node<F: FileSystem>(n: Node<F>) -> *mut c_void {
    Box::into_raw(Box::new(n)) as *mut c_void
}
fn box_file<F: FileSystem>(f: Option<File<F>>) -> *mut c_void {
    f.map_or(std::ptr::null_mut(), |f| Box::into_raw(Box::new(f)) as *mut c_void)
}

unsafe extern "C" fn get_volume_info<F: FileSystem>(
    req: *mut sys::fsp_request,
    vi: *mut sys::fsp_volume_info,
) -> c_int {
    guard("get_volume_info", || {
        let r = Request::new(req);
        answer("get_volume_info", inner::<F>(req).fs.get_volume_info(&r).map(|v| v.fill(&mut *vi)))
    })
}

unsafe extern "C" fn set_volume_label<F: FileSystem>(
    req: *mut sys::fsp_request,
    label: *const c_char,
    vi: *mut sys::fsp_volume_info,
) -> c_int {
    guard("set_volume_label", || {
        let r = Request::new(req);
        match inner::<F>(req).fs.set_volume_label(&r, name(label)) {
            Err(Errno::ENOSYS) => -Errno::EOPNOTSUPP.0, // fsp's answer without the callback
            res => answer("set_volume_label", res.map(|v| v.fill(&mut *vi))),
        }
    })
}

unsafe extern "C" fn lookup<F: FileSystem>(
    req: *mut sys::fsp_request,
    parent: *mut c_void,
    nm: *const c_char,
    out: *mut *mut c_void,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("lookup", || {
        let r = Request::new(req);
        let p = if parent.is_null() { None } else { Some(node::<F>(parent)) };
        answer(
            "lookup",
            inner::<F>(req).fs.lookup(&r, p, name(nm)).map(|(n, info)| {
                *fi = info.to_c();
                *out = box_node::<F>(n);
            }),
        )
    })
}

unsafe extern "C" fn forget<F: FileSystem>(fs: *mut sys::fsp_fs, n: *mut c_void) {
    guard("forget", || {
        let n = Box::from_raw(n as *mut Node<F>);
        inner_fs::<F>(fs).fs.forget(*n);
        0
    });
}

unsafe extern "C" fn get_file_info<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("get_file_info", || {
        let r = Request::new(req);
        let res = inner::<F>(req).fs.get_file_info(&r, node::<F>(n), file::<F>(f));
        answer("get_file_info", res.map(|info| *fi = info.to_c()))
    })
}

unsafe extern "C" fn create<F: FileSystem>(
    req: *mut sys::fsp_request,
    parent: *mut c_void,
    nm: *const c_char,
    cp: *const sys::fsp_create_params,
    out_node: *mut *mut c_void,
    out_file: *mut *mut c_void,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("create", || {
        let r = Request::new(req);
        let c = &*cp;
        let params = CreateParams {
            mode: c.mode,
            attributes: c.attributes,
            flags: c.flags,
            uid: c.uid,
            gid: c.gid,
            rdev: c.rdev,
            link_target: if c.link_target.is_null() { None } else { Some(name(c.link_target)) },
            security: if c.security.is_null() || c.security_size == 0 {
                None
            } else {
                Some(bytes(c.security, c.security_size as usize))
            },
        };
        let nm = if nm.is_null() { None } else { Some(name(nm)) };
        let res = inner::<F>(req).fs.create(&r, node::<F>(parent), nm, &params);
        answer(
            "create",
            res.map(|(n, f, info)| {
                *fi = info.to_c();
                *out_node = box_node::<F>(n);
                *out_file = box_file::<F>(f);
            }),
        )
    })
}

unsafe extern "C" fn open<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    flags: u32,
    out_file: *mut *mut c_void,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("open", || {
        let r = Request::new(req);
        let res = inner::<F>(req).fs.open(&r, node::<F>(n), flags);
        answer(
            "open",
            res.map(|(f, info)| {
                *fi = info.to_c();
                *out_file = box_file::<F>(f);
            }),
        )
    })
}

unsafe extern "C" fn overwrite<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("overwrite", || {
        let r = Request::new(req);
        let fs = &inner::<F>(req).fs;
        let res = match fs.overwrite(&r, node::<F>(n), file::<F>(f)) {
            // fsp's meaning of a missing overwrite
            Err(Errno::ENOSYS) => fs.set_file_size(&r, node::<F>(n), file::<F>(f), 0),
            res => res,
        };
        answer("overwrite", res.map(|info| *fi = info.to_c()))
    })
}

unsafe extern "C" fn cleanup<F: FileSystem>(req: *mut sys::fsp_request, n: *mut c_void, f: *mut c_void) -> c_int {
    guard("cleanup", || {
        let r = Request::new(req);
        answer("cleanup", inner::<F>(req).fs.cleanup(&r, node::<F>(n), file::<F>(f)))
    })
}

unsafe extern "C" fn close<F: FileSystem>(fs: *mut sys::fsp_fs, n: *mut c_void, f: *mut c_void) {
    guard("close", || {
        let f = if f.is_null() { None } else { Some(*Box::from_raw(f as *mut File<F>)) };
        inner_fs::<F>(fs).fs.close(node::<F>(n), f);
        0
    });
}

unsafe extern "C" fn read<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    buf: *mut c_void,
    offset: u64,
    length: u32,
    bytes_read: *mut u32,
) -> c_int {
    let pended = Cell::new(false);
    let rc = guard("read", || {
        let r = Request::new(req);
        let b = ReadBuf::new(&r, buf as *mut u8, length as usize, &pended);
        match inner::<F>(req).fs.read(&r, node::<F>(n), file::<F>(f), offset, b) {
            _ if pended.get() => sys::FSP_PENDING,
            Ok(count) if count <= length as usize => {
                *bytes_read = count as u32;
                0
            }
            Ok(count) => {
                eprintln!("fsp: read returned {} bytes for a {}-byte read: answering EIO", count, length);
                EIO
            }
            Err(e) => e.to_c("read"),
        }
    });
    // A panic after pend: the handle completes (or completed) the request.
    if pended.get() {
        sys::FSP_PENDING
    } else {
        rc
    }
}

#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn write<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    buf: *const c_void,
    offset: u64,
    length: u32,
    bytes_written: *mut u32,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    let pended = Cell::new(false);
    let rc = guard("write", || {
        let r = Request::new(req);
        let b = WriteBuf::new(&r, buf as *const u8, length as usize, &pended);
        match inner::<F>(req).fs.write(&r, node::<F>(n), file::<F>(f), offset, b) {
            _ if pended.get() => sys::FSP_PENDING,
            Ok((count, info)) if count <= length as usize => {
                *bytes_written = count as u32;
                *fi = info.to_c();
                0
            }
            Ok((count, _)) => {
                eprintln!("fsp: write returned {} bytes for a {}-byte write: answering EIO", count, length);
                EIO
            }
            Err(e) => e.to_c("write"),
        }
    });
    if pended.get() {
        sys::FSP_PENDING
    } else {
        rc
    }
}

unsafe extern "C" fn flush<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    datasync: c_int,
) -> c_int {
    guard("flush", || {
        let r = Request::new(req);
        answer("flush", inner::<F>(req).fs.flush(&r, node::<F>(n), file::<F>(f), datasync != 0))
    })
}

unsafe extern "C" fn set_basic_info<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    bi: *const sys::fsp_basic_info,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("set_basic_info", || {
        let r = Request::new(req);
        let b = BasicInfo::from_c(&*bi);
        let res = inner::<F>(req).fs.set_basic_info(&r, node::<F>(n), file::<F>(f), &b);
        answer("set_basic_info", res.map(|info| *fi = info.to_c()))
    })
}

unsafe extern "C" fn set_file_size<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    size: u64,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("set_file_size", || {
        let r = Request::new(req);
        let res = inner::<F>(req).fs.set_file_size(&r, node::<F>(n), file::<F>(f), size);
        answer("set_file_size", res.map(|info| *fi = info.to_c()))
    })
}

unsafe extern "C" fn can_delete<F: FileSystem>(
    req: *mut sys::fsp_request,
    parent: *mut c_void,
    nm: *const c_char,
    n: *mut c_void,
) -> c_int {
    guard("can_delete", || {
        let r = Request::new(req);
        answer("can_delete", inner::<F>(req).fs.can_delete(&r, node::<F>(parent), name(nm), node::<F>(n)))
    })
}

unsafe extern "C" fn set_delete<F: FileSystem>(
    req: *mut sys::fsp_request,
    parent: *mut c_void,
    nm: *const c_char,
    n: *mut c_void,
) -> c_int {
    guard("set_delete", || {
        let r = Request::new(req);
        answer("set_delete", inner::<F>(req).fs.set_delete(&r, node::<F>(parent), name(nm), node::<F>(n)))
    })
}

unsafe extern "C" fn rename<F: FileSystem>(
    req: *mut sys::fsp_request,
    op: *mut c_void,
    on: *const c_char,
    np: *mut c_void,
    nn: *const c_char,
    n: *mut c_void,
    flags: u32,
) -> c_int {
    guard("rename", || {
        let r = Request::new(req);
        let res = inner::<F>(req).fs.rename(
            &r,
            node::<F>(op),
            name(on),
            node::<F>(np),
            name(nn),
            node::<F>(n),
            flags,
        );
        answer("rename", res)
    })
}

unsafe extern "C" fn read_directory<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    _marker: *const c_char,
    db: *mut sys::fsp_dir_buffer,
) -> c_int {
    guard("read_directory", || {
        let r = Request::new(req);
        let mut d = DirBuffer::new(db);
        answer("read_directory", inner::<F>(req).fs.read_directory(&r, node::<F>(n), file::<F>(f), &mut d))
    })
}

unsafe extern "C" fn get_reparse_point<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    buf: *mut c_char,
    size: usize,
) -> c_int {
    guard("get_reparse_point", || {
        let r = Request::new(req);
        match inner::<F>(req).fs.get_reparse_point(&r, node::<F>(n)) {
            Ok(t) if t.len() < size && !t.contains(&0) => {
                std::ptr::copy_nonoverlapping(t.as_ptr(), buf as *mut u8, t.len());
                *buf.add(t.len()) = 0;
                0
            }
            Ok(t) if t.contains(&0) => {
                eprintln!("fsp: get_reparse_point returned a target with a NUL byte: answering EIO");
                EIO
            }
            Ok(_) => -Errno::ENAMETOOLONG.0,
            Err(e) => e.to_c("get_reparse_point"),
        }
    })
}

/// Copies `v` into the caller's buffer with fsp's size-probe rules.
unsafe fn copy_sized(v: &[u8], out: *mut u8, size: usize, needed: *mut usize) -> c_int {
    *needed = v.len();
    if size == 0 {
        0
    } else if size < v.len() {
        -Errno::ERANGE.0
    } else {
        std::ptr::copy_nonoverlapping(v.as_ptr(), out, v.len());
        0
    }
}

unsafe extern "C" fn get_ea<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    nm: *const c_char,
    value: *mut c_void,
    size: usize,
    needed: *mut usize,
) -> c_int {
    guard("get_ea", || {
        let r = Request::new(req);
        match inner::<F>(req).fs.get_ea(&r, node::<F>(n), name(nm)) {
            Ok(v) => copy_sized(&v, value as *mut u8, size, needed),
            Err(e) => e.to_c("get_ea"),
        }
    })
}

unsafe extern "C" fn set_ea<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    nm: *const c_char,
    value: *const c_void,
    size: usize,
    flags: c_int,
) -> c_int {
    guard("set_ea", || {
        let r = Request::new(req);
        let v = bytes(value, size);
        answer("set_ea", inner::<F>(req).fs.set_ea(&r, node::<F>(n), name(nm), v, flags))
    })
}

unsafe extern "C" fn list_ea<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    list: *mut c_char,
    size: usize,
    needed: *mut usize,
) -> c_int {
    guard("list_ea", || {
        let r = Request::new(req);
        match inner::<F>(req).fs.list_ea(&r, node::<F>(n)) {
            Ok(names) => {
                let mut all = Vec::new();
                for nm in names {
                    if nm.is_empty() || nm.contains(&0) {
                        eprintln!("fsp: list_ea returned an empty name or one with NUL: answering EIO");
                        return EIO;
                    }
                    all.extend_from_slice(&nm);
                    all.push(0);
                }
                copy_sized(&all, list as *mut u8, size, needed)
            }
            Err(e) => e.to_c("list_ea"),
        }
    })
}

unsafe extern "C" fn remove_ea<F: FileSystem>(req: *mut sys::fsp_request, n: *mut c_void, nm: *const c_char) -> c_int {
    guard("remove_ea", || {
        let r = Request::new(req);
        answer("remove_ea", inner::<F>(req).fs.remove_ea(&r, node::<F>(n), name(nm)))
    })
}

unsafe extern "C" fn link<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    np: *mut c_void,
    nn: *const c_char,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("link", || {
        let r = Request::new(req);
        let res = inner::<F>(req).fs.link(&r, node::<F>(n), node::<F>(np), name(nn));
        answer("link", res.map(|info| *fi = info.to_c()))
    })
}

unsafe extern "C" fn allocate<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    offset: u64,
    length: u64,
    mode: u32,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("allocate", || {
        let r = Request::new(req);
        let res = inner::<F>(req).fs.allocate(&r, node::<F>(n), file::<F>(f), offset, length, mode);
        answer("allocate", res.map(|info| *fi = info.to_c()))
    })
}

unsafe extern "C" fn seek<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    f: *mut c_void,
    offset: u64,
    whence: c_int,
    result: *mut u64,
) -> c_int {
    guard("seek", || {
        let r = Request::new(req);
        let w = if whence == sys::FSP_SEEK_DATA { Whence::Data } else { Whence::Hole };
        let res = inner::<F>(req).fs.seek(&r, node::<F>(n), file::<F>(f), offset, w);
        answer("seek", res.map(|o| *result = o))
    })
}

unsafe extern "C" fn lookup_index<F: FileSystem>(
    req: *mut sys::fsp_request,
    index: u64,
    out: *mut *mut c_void,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("lookup_index", || {
        let r = Request::new(req);
        answer(
            "lookup_index",
            inner::<F>(req).fs.lookup_index(&r, index).map(|(n, info)| {
                *fi = info.to_c();
                *out = box_node::<F>(n);
            }),
        )
    })
}

/// lookup_stream and create_stream: a stream node, boxed as any node.
unsafe fn stream_node<F: FileSystem>(
    what: &str,
    res: Result<(Node<F>, crate::FileInfo)>,
    out: *mut *mut c_void,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    answer(
        what,
        res.map(|(n, info)| {
            *fi = info.to_c();
            *out = box_node::<F>(n);
        }),
    )
}

unsafe extern "C" fn lookup_stream<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    nm: *const c_char,
    out: *mut *mut c_void,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("lookup_stream", || {
        let r = Request::new(req);
        let res = inner::<F>(req).fs.lookup_stream(&r, node::<F>(n), name(nm));
        stream_node::<F>("lookup_stream", res, out, fi)
    })
}

unsafe extern "C" fn create_stream<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    nm: *const c_char,
    out: *mut *mut c_void,
    fi: *mut sys::fsp_file_info,
) -> c_int {
    guard("create_stream", || {
        let r = Request::new(req);
        let res = inner::<F>(req).fs.create_stream(&r, node::<F>(n), name(nm));
        stream_node::<F>("create_stream", res, out, fi)
    })
}

unsafe extern "C" fn delete_stream<F: FileSystem>(req: *mut sys::fsp_request, n: *mut c_void, nm: *const c_char) -> c_int {
    guard("delete_stream", || {
        let r = Request::new(req);
        answer("delete_stream", inner::<F>(req).fs.delete_stream(&r, node::<F>(n), name(nm)))
    })
}

unsafe extern "C" fn get_stream_info<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    sb: *mut sys::fsp_stream_buffer,
) -> c_int {
    guard("get_stream_info", || {
        let r = Request::new(req);
        let mut b = StreamBuffer::new(sb);
        answer("get_stream_info", inner::<F>(req).fs.get_stream_info(&r, node::<F>(n), &mut b))
    })
}

/// Why a reparse buffer is not one in Windows' layout, if it is not.
fn reparse_layout_error(v: &[u8]) -> Option<String> {
    if v.len() < 8 {
        return Some(format!("{} bytes, shorter than the 8-byte header", v.len()));
    }
    if v.len() > sys::FSP_REPARSE_MAX_SIZE {
        return Some(format!("{} bytes, more than {}", v.len(), sys::FSP_REPARSE_MAX_SIZE));
    }
    let data_len = u16::from_le_bytes([v[4], v[5]]) as usize;
    if data_len + 8 != v.len() {
        return Some(format!("its header says {} data bytes but it has {}", data_len, v.len() - 8));
    }
    None
}

unsafe extern "C" fn get_reparse_data<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    buf: *mut c_void,
    size: usize,
    needed: *mut usize,
) -> c_int {
    guard("get_reparse_data", || {
        let r = Request::new(req);
        match inner::<F>(req).fs.get_reparse_data(&r, node::<F>(n)) {
            Ok(v) => match reparse_layout_error(&v) {
                Some(why) => {
                    eprintln!("fsp: get_reparse_data returned a bad reparse buffer ({}): answering EIO", why);
                    EIO
                }
                None => copy_sized(&v, buf as *mut u8, size, needed),
            },
            Err(e) => e.to_c("get_reparse_data"),
        }
    })
}

unsafe extern "C" fn set_reparse_data<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    buf: *const c_void,
    size: usize,
) -> c_int {
    guard("set_reparse_data", || {
        let r = Request::new(req);
        let v = bytes(buf, size);
        answer("set_reparse_data", inner::<F>(req).fs.set_reparse_data(&r, node::<F>(n), v))
    })
}

unsafe extern "C" fn delete_reparse_data<F: FileSystem>(req: *mut sys::fsp_request, n: *mut c_void) -> c_int {
    guard("delete_reparse_data", || {
        let r = Request::new(req);
        answer("delete_reparse_data", inner::<F>(req).fs.delete_reparse_data(&r, node::<F>(n)))
    })
}

unsafe extern "C" fn get_security<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    buf: *mut c_void,
    size: usize,
    needed: *mut usize,
) -> c_int {
    guard("get_security", || {
        let r = Request::new(req);
        match inner::<F>(req).fs.get_security(&r, node::<F>(n)) {
            Ok(None) => -Errno::ENODATA.0,
            Ok(Some(sd)) if crate::security::check(&sd).is_err() => {
                eprintln!("fsp: get_security returned {} bytes that are no security descriptor: answering EIO", sd.len());
                EIO
            }
            Ok(Some(sd)) => copy_sized(&sd, buf as *mut u8, size, needed),
            Err(e) => e.to_c("get_security"),
        }
    })
}

unsafe extern "C" fn set_security<F: FileSystem>(
    req: *mut sys::fsp_request,
    n: *mut c_void,
    sd: *const c_void,
    size: usize,
) -> c_int {
    guard("set_security", || {
        let r = Request::new(req);
        let v = bytes(sd, size);
        answer("set_security", inner::<F>(req).fs.set_security(&r, node::<F>(n), v))
    })
}

/// The interface table for F: every callback of the core set is set, and
/// the defaults of [`FileSystem`] give fsp's meaning of a missing one.
/// The optional groups (export, streams, reparse data, security) change
/// what fsp does by being there at all, so they are set only when F says
/// it implements them (`F::EXPORT`, ...), and NULL otherwise.
pub(crate) fn interface<F: FileSystem>() -> sys::fsp_fs_interface {
    sys::fsp_fs_interface {
        size: std::mem::size_of::<sys::fsp_fs_interface>() as u32,
        flags: 0,
        get_volume_info: Some(get_volume_info::<F>),
        set_volume_label: Some(set_volume_label::<F>),
        lookup: Some(lookup::<F>),
        forget: Some(forget::<F>),
        get_file_info: Some(get_file_info::<F>),
        create: Some(create::<F>),
        open: Some(open::<F>),
        overwrite: Some(overwrite::<F>),
        cleanup: Some(cleanup::<F>),
        close: Some(close::<F>),
        read: Some(read::<F>),
        write: Some(write::<F>),
        flush: Some(flush::<F>),
        set_basic_info: Some(set_basic_info::<F>),
        set_file_size: Some(set_file_size::<F>),
        can_delete: Some(can_delete::<F>),
        set_delete: Some(set_delete::<F>),
        rename: Some(rename::<F>),
        read_directory: Some(read_directory::<F>),
        get_reparse_point: Some(get_reparse_point::<F>),
        get_ea: Some(get_ea::<F>),
        set_ea: Some(set_ea::<F>),
        list_ea: Some(list_ea::<F>),
        remove_ea: Some(remove_ea::<F>),
        link: Some(link::<F>),
        allocate: Some(allocate::<F>),
        seek: Some(seek::<F>),
        lookup_index: if F::EXPORT { Some(lookup_index::<F>) } else { None },
        lookup_stream: if F::STREAMS { Some(lookup_stream::<F>) } else { None },
        create_stream: if F::STREAMS { Some(create_stream::<F>) } else { None },
        delete_stream: if F::STREAMS { Some(delete_stream::<F>) } else { None },
        get_stream_info: if F::STREAMS { Some(get_stream_info::<F>) } else { None },
        get_reparse_data: if F::REPARSE_DATA { Some(get_reparse_data::<F>) } else { None },
        set_reparse_data: if F::REPARSE_DATA { Some(set_reparse_data::<F>) } else { None },
        delete_reparse_data: if F::REPARSE_DATA { Some(delete_reparse_data::<F>) } else { None },
        get_security: if F::SECURITY { Some(get_security::<F>) } else { None },
        set_security: if F::SECURITY { Some(set_security::<F>) } else { None },
        reserved: [None; 27],
    }
}
