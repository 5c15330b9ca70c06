// SPDX-License-Identifier: LGPL-2.1-or-later
//! One request: the caller's identity, its path, passthrough, and the
//! buffers of read and write with their asynchronous completion.
use std::cell::Cell;
use std::ffi::{CStr, OsStr};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::RawFd;
use std::sync::{Arc, RwLock};

use fsp_sys as sys;

use crate::types::{Errno, FileInfo, Result};

/// The request a callback answers.  Valid during the callback only (it is
/// neither `Send` nor `'static`); keep a read or write beyond it with
/// [`ReadBuf::pend`] / [`WriteBuf::pend`].
pub struct Request<'a> {
    raw: *mut sys::fsp_request,
    _call: PhantomData<&'a ()>,
}

impl<'a> Request<'a> {
    pub(crate) fn new(raw: *mut sys::fsp_request) -> Request<'a> {
        Request { raw, _call: PhantomData }
    }

    /// The caller's user id.
    pub fn uid(&self) -> u32 {
        // SAFETY: raw is live for the callback ('a).
        unsafe { sys::fsp_request_uid(self.raw) }
    }
    /// The caller's group id.
    pub fn gid(&self) -> u32 {
        unsafe { sys::fsp_request_gid(self.raw) }
    }
    /// The caller's process id (0 for requests the kernel makes itself).
    pub fn pid(&self) -> i32 {
        unsafe { sys::fsp_request_pid(self.raw) }
    }
    /// The umask of a create (0 in other calls).
    pub fn umask(&self) -> u32 {
        unsafe { sys::fsp_request_umask(self.raw) }
    }
    /// True once the kernel asked to interrupt this request (the caller
    /// got a signal): a slow callback returns `Err(Errno::EINTR)`.
    pub fn interrupted(&self) -> bool {
        unsafe { sys::fsp_request_interrupted(self.raw) != 0 }
    }
    /// The path of the file the request is about ("/a/b"), or None for a
    /// file with no name any more.
    pub fn path(&self) -> Option<&OsStr> {
        // SAFETY: the path is owned by the request, which outlives &self.
        unsafe {
            let p = sys::fsp_request_path(self.raw);
            if p.is_null() {
                None
            } else {
                Some(OsStr::from_bytes(CStr::from_ptr(p).to_bytes()))
            }
        }
    }
    /// In open or create on a [`crate::vol::PASSTHROUGH`] volume: let the
    /// kernel do this open's I/O on `fd` (which stays the file system's
    /// and must stay open until close).  An error means I/O keeps coming
    /// to read and write.
    pub fn passthrough(&self, fd: RawFd) -> Result<()> {
        Errno::check(unsafe { sys::fsp_request_passthrough(self.raw, fd) }).map(|_| ())
    }
    /// In read: answer with up to `length` bytes of `fd` at `offset`, moved
    /// by the kernel (splice).  Ok: the data went, return `Ok(0)` from read
    /// (the buffer is ignored).  An error: nothing was sent; fill the
    /// buffer as usual.
    pub fn read_fd(&self, fd: RawFd, offset: u64, length: u32) -> Result<()> {
        Errno::check(unsafe { sys::fsp_request_read_fd(self.raw, fd, offset, length) }).map(|_| ())
    }
    /// The handle of the file system this request is for (notifications,
    /// stop); it may be kept and used from any thread.
    pub fn fs_handle(&self) -> FsHandle {
        // SAFETY: the context is the binding's Inner, alive while mounted.
        unsafe {
            let fs = sys::fsp_request_fs(self.raw);
            let h = sys::fsp_fs_context(fs) as *const FsHandle;
            (*h).clone()
        }
    }
    pub(crate) fn raw(&self) -> *mut sys::fsp_request {
        self.raw
    }
}

/// The buffer a read fills.  Dereferences to `[u8]` of the read's length.
pub struct ReadBuf<'a> {
    req: *mut sys::fsp_request,
    ptr: *mut u8,
    len: usize,
    pended: &'a Cell<bool>,
}

impl<'a> ReadBuf<'a> {
    pub(crate) fn new(req: &Request<'a>, ptr: *mut u8, len: usize, pended: &'a Cell<bool>) -> Self {
        // A slice may not start at NULL, even an empty one.
        let (ptr, len) = if ptr.is_null() { (std::ptr::NonNull::dangling().as_ptr(), 0) } else { (ptr, len) };
        ReadBuf { req: req.raw(), ptr, len, pended }
    }
    /// Answer this read later, from any thread: returns the handle that
    /// holds the buffer and completes the read (the value the callback
    /// then returns is ignored).  None when out of memory: answer now.
    pub fn pend(self) -> Option<PendingRead> {
        // SAFETY: the request is live during the callback.
        let p = unsafe { sys::fsp_request_pend(self.req) };
        if p.is_null() {
            return None;
        }
        self.pended.set(true);
        Some(PendingRead { req: p, ptr: self.ptr, len: self.len })
    }
}

impl Deref for ReadBuf<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: fsp guarantees len bytes at ptr during the callback.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}
impl DerefMut for ReadBuf<'_> {
    fn deref_mut(&mut self) -> &mut [u8] {
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

/// A read answered later.  Fill [`PendingRead::buf`] and call
/// [`PendingRead::complete`] once, from any thread; dropping it without
/// completing answers EIO.
pub struct PendingRead {
    req: *mut sys::fsp_request,
    ptr: *mut u8,
    len: usize,
}
// SAFETY: fsp_request_complete may be called from any thread, and the
// buffer belongs to the pended request alone.
unsafe impl Send for PendingRead {}

impl PendingRead {
    /// The read's buffer (it lives with the pending request).
    pub fn buf(&mut self) -> &mut [u8] {
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
    /// Answer the read: the bytes read into [`PendingRead::buf`], or an
    /// error.
    pub fn complete(mut self, r: Result<usize>) {
        let (res, n) = match r {
            Ok(n) if n <= self.len => (0, n as u32),
            Ok(n) => {
                eprintln!("fsp: read completed with {} bytes for a {}-byte buffer: EIO", n, self.len);
                (-Errno::EIO.0, 0)
            }
            Err(e) => (e.to_c("read completion"), 0),
        };
        unsafe { sys::fsp_request_complete(self.req, res, n, std::ptr::null()) };
        self.req = std::ptr::null_mut();
    }
}

impl Drop for PendingRead {
    fn drop(&mut self) {
        if !self.req.is_null() {
            eprintln!("fsp: a pending read was dropped without completing: EIO");
            unsafe { sys::fsp_request_complete(self.req, -Errno::EIO.0, 0, std::ptr::null()) };
        }
    }
}

/// The data a write brings.  Dereferences to `[u8]`.
pub struct WriteBuf<'a> {
    req: *mut sys::fsp_request,
    ptr: *const u8,
    len: usize,
    pended: &'a Cell<bool>,
}

impl<'a> WriteBuf<'a> {
    pub(crate) fn new(req: &Request<'a>, ptr: *const u8, len: usize, pended: &'a Cell<bool>) -> Self {
        let (ptr, len) = if ptr.is_null() { (std::ptr::NonNull::dangling().as_ptr() as *const u8, 0) } else { (ptr, len) };
        WriteBuf { req: req.raw(), ptr, len, pended }
    }
    /// Answer this write later, from any thread (see [`ReadBuf::pend`]).
    pub fn pend(self) -> Option<PendingWrite> {
        let p = unsafe { sys::fsp_request_pend(self.req) };
        if p.is_null() {
            return None;
        }
        self.pended.set(true);
        Some(PendingWrite { req: p, ptr: self.ptr, len: self.len })
    }
}

impl Deref for WriteBuf<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// A write answered later: [`PendingWrite::complete`] once, from any
/// thread; dropping it answers EIO.
pub struct PendingWrite {
    req: *mut sys::fsp_request,
    ptr: *const u8,
    len: usize,
}
// SAFETY: as PendingRead.
unsafe impl Send for PendingWrite {}

impl PendingWrite {
    /// The data to write.
    pub fn data(&self) -> &[u8] {
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
    /// Answer the write: bytes written and the new file info (None when
    /// unknown), or an error.
    pub fn complete(mut self, r: Result<(usize, Option<FileInfo>)>) {
        let fi_c;
        let (res, n, fi) = match r {
            Ok((n, fi)) if n <= self.len => {
                fi_c = fi.map(|f| f.to_c());
                (0, n as u32, fi_c.as_ref().map_or(std::ptr::null(), |f| f as *const _))
            }
            Ok((n, _)) => {
                eprintln!("fsp: write completed with {} bytes of {}: EIO", n, self.len);
                (-Errno::EIO.0, 0, std::ptr::null())
            }
            Err(e) => (e.to_c("write completion"), 0, std::ptr::null()),
        };
        unsafe { sys::fsp_request_complete(self.req, res, n, fi) };
        self.req = std::ptr::null_mut();
    }
}

impl Drop for PendingWrite {
    fn drop(&mut self) {
        if !self.req.is_null() {
            eprintln!("fsp: a pending write was dropped without completing: EIO");
            unsafe { sys::fsp_request_complete(self.req, -Errno::EIO.0, 0, std::ptr::null()) };
        }
    }
}

/// A directory listing under construction (read_directory).
pub struct DirBuffer<'a> {
    raw: *mut sys::fsp_dir_buffer,
    name: Vec<u8>,
    _call: PhantomData<&'a ()>,
}

impl<'a> DirBuffer<'a> {
    pub(crate) fn new(raw: *mut sys::fsp_dir_buffer) -> Self {
        DirBuffer { raw, name: Vec::with_capacity(256), _call: PhantomData }
    }
    /// Add one entry (fsp copies the name and the index and type of
    /// `fi`).  False when fsp ran out of memory: stop adding.  A name
    /// with a NUL byte is not added (false).
    pub fn add(&mut self, name: &OsStr, fi: &FileInfo) -> bool {
        let b = name.as_bytes();
        if b.contains(&0) {
            return false;
        }
        self.name.clear();
        self.name.extend_from_slice(b);
        self.name.push(0);
        let c = fi.to_c();
        unsafe { sys::fsp_dir_buffer_add(self.raw, self.name.as_ptr() as *const _, &c) != 0 }
    }
}

/// A list of named streams under construction
/// ([`crate::FileSystem::get_stream_info`]).
pub struct StreamBuffer<'a> {
    raw: *mut sys::fsp_stream_buffer,
    name: Vec<u8>,
    _call: PhantomData<&'a ()>,
}

impl<'a> StreamBuffer<'a> {
    pub(crate) fn new(raw: *mut sys::fsp_stream_buffer) -> Self {
        StreamBuffer { raw, name: Vec::with_capacity(256), _call: PhantomData }
    }
    /// Add one stream: its name (without ":$DATA") and size in bytes.
    /// False when fsp ran out of memory (stop adding); a name with a NUL
    /// byte is not added (false).
    pub fn add(&mut self, name: &OsStr, size: u64) -> bool {
        let b = name.as_bytes();
        if b.contains(&0) {
            return false;
        }
        self.name.clear();
        self.name.extend_from_slice(b);
        self.name.push(0);
        unsafe { sys::fsp_stream_buffer_add(self.raw, self.name.as_ptr() as *const _, size) != 0 }
    }
}

fn c_name(name: &OsStr) -> Result<Vec<u8>> {
    let mut c = name.as_bytes().to_vec();
    if c.contains(&0) {
        return Err(Errno::EINVAL);
    }
    c.push(0);
    Ok(c)
}

/// A handle on a mounted file system for other threads: kernel cache
/// notifications and stopping.  Cheap to clone; `Send + Sync`.  Once the
/// [`crate::Host`] is dropped, calls answer ENOTCONN.
#[derive(Clone)]
pub struct FsHandle {
    pub(crate) fs: Arc<RwLock<usize>>, // the fsp_fs pointer, 0 once deleted
}

impl FsHandle {
    fn with<T>(&self, f: impl FnOnce(*mut sys::fsp_fs) -> T) -> Option<T> {
        let g = self.fs.read().unwrap_or_else(|e| e.into_inner());
        if *g == 0 {
            None
        } else {
            Some(f(*g as *mut sys::fsp_fs))
        }
    }
    /// Drop the kernel's attributes of file `index` and its cached data
    /// from `off` for `len` bytes (len <= 0: to the end; off < 0: the
    /// attributes only).  Never from a callback about the same file.
    pub fn notify_inode(&self, index: u64, off: i64, len: i64) -> Result<()> {
        self.with(|fs| unsafe { sys::fsp_fs_notify_inode(fs, index, off, len) })
            .map_or(Err(Errno::ENOTCONN), |r| Errno::check(r).map(|_| ()))
    }
    /// Drop the kernel's entry `name` in directory `parent_index` (also a
    /// cached negative one).  Never from a callback about that directory.
    pub fn notify_entry(&self, parent_index: u64, name: &OsStr) -> Result<()> {
        let mut c = name.as_bytes().to_vec();
        if c.contains(&0) {
            return Err(Errno::EINVAL);
        }
        c.push(0);
        self.with(|fs| unsafe { sys::fsp_fs_notify_entry(fs, parent_index, c.as_ptr() as *const _) })
            .map_or(Err(Errno::ENOTCONN), |r| Errno::check(r).map(|_| ()))
    }
    /// Like [`FsHandle::notify_entry`], but the kernel only marks the
    /// entry expired (a working directory or a mount on it stays).
    /// ENOSYS on kernels before protocol 7.38.
    pub fn notify_expire(&self, parent_index: u64, name: &OsStr) -> Result<()> {
        let c = c_name(name)?;
        self.with(|fs| unsafe { sys::fsp_fs_notify_expire(fs, parent_index, c.as_ptr() as *const _) })
            .map_or(Err(Errno::ENOTCONN), |r| Errno::check(r).map(|_| ()))
    }
    /// `name` in directory `parent_index` is gone, and with it file
    /// `child_index`'s name there (0: drop the name only); inotify
    /// watchers of the file see it deleted.  ENOTEMPTY for a directory the
    /// kernel still caches entries of.
    pub fn notify_delete(&self, parent_index: u64, child_index: u64, name: &OsStr) -> Result<()> {
        let c = c_name(name)?;
        self.with(|fs| unsafe {
            sys::fsp_fs_notify_delete(fs, parent_index, child_index, c.as_ptr() as *const _)
        })
        .map_or(Err(Errno::ENOTCONN), |r| Errno::check(r).map(|_| ()))
    }
    /// Put `data` into the kernel's page cache of file `index` at `off`,
    /// so reads get it without asking the file system.
    pub fn notify_store(&self, index: u64, off: u64, data: &[u8]) -> Result<()> {
        self.with(|fs| unsafe {
            sys::fsp_fs_notify_store(fs, index, off, data.as_ptr() as *const _, data.len())
        })
        .map_or(Err(Errno::ENOTCONN), |r| Errno::check(r).map(|_| ()))
    }
    /// Read back what the kernel caches of file `index` from `off` into
    /// `buf`: the number of bytes copied (up to the first page not
    /// cached).  Blocks up to `timeout_ms` (ETIMEDOUT); needs a free
    /// dispatcher thread, so never from a callback of a single-threaded
    /// volume.
    pub fn notify_retrieve(&self, index: u64, off: u64, buf: &mut [u8], timeout_ms: i32) -> Result<usize> {
        let mut got = 0usize;
        self.with(|fs| unsafe {
            sys::fsp_fs_notify_retrieve(fs, index, off, buf.as_mut_ptr() as *mut _, buf.len(), timeout_ms, &mut got)
        })
        .map_or(Err(Errno::ENOTCONN), |r| Errno::check(r).map(|_| got.min(buf.len())))
    }
    /// Make [`crate::Host::run`] return (it unmounts).  Any thread.
    pub fn stop(&self) {
        self.with(|fs| unsafe { sys::fsp_fs_stop(fs) });
    }
}
