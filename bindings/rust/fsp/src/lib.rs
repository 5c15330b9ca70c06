// SPDX-License-Identifier: LGPL-2.1-or-later
//! Write a Linux file system in Rust on fsp's native API.
//!
//! A file system is a type implementing [`FileSystem`]: one method per
//! callback of `struct fsp_fs_interface` (`include/fsp/fsp.h` has every
//! contract), each answering a [`Result`] whose error is an [`Errno`].
//! [`Host`] creates the fsp instance, mounts it and runs it.
//!
//! # Contexts
//!
//! Each file the kernel knows has a per-node context, a value of
//! [`FileSystem::Node`] returned by `lookup` or `create`: the binding keeps
//! it in a `Box` and lends it (`&Self::Node`) to every later call about the
//! file, until [`FileSystem::forget`] hands it back by value.  Each open has
//! a per-open context, an `Option<Self::File>` from `open` or `create`,
//! lent to read, write, ... and handed back by [`FileSystem::close`].  A
//! file system that shares nodes between names uses `Arc<...>` as `Node`.
//!
//! # Errors and panics
//!
//! `Err(Errno::ENOENT)` answers ENOENT.  An errno outside 1..=4095 answers
//! EIO and is logged.  A panic in a callback is caught at the boundary
//! (it never unwinds into C), logged, and answers EIO: the mount keeps
//! serving.
//!
//! # Threads
//!
//! fsp calls from its dispatcher threads, several at once (unless the
//! volume asks for [`vol::COARSE_GUARD`]), so the file system, its nodes
//! and its open contexts are `Send + Sync`.  Under the default guard,
//! namespace changes run alone, lookups, attributes and listings run
//! shared, and read, write and flush run beside everything: protect file
//! data yourself (a `Mutex` or `RwLock` per node).
//!
//! # Asynchronous completion
//!
//! read and write may answer later: [`ReadBuf::pend`] / [`WriteBuf::pend`]
//! give a `Send` handle that another thread completes.
//!
//! ```no_run
//! use fsp::{FileInfo, FileSystem, Host, Request, Result, Errno, VolumeParams};
//! use std::ffi::OsStr;
//!
//! struct Empty;
//! impl FileSystem for Empty {
//!     type Node = ();
//!     type File = ();
//!     fn lookup(&self, _: &Request, parent: Option<&()>, _: &OsStr) -> Result<((), FileInfo)> {
//!         match parent {
//!             None => Ok(((), FileInfo { index: 1, mode: 0o40755, nlink: 2, ..Default::default() })),
//!             Some(_) => Err(Errno::ENOENT),
//!         }
//!     }
//! }
//! let mut host = Host::new(&VolumeParams::default(), 0, Empty).unwrap();
//! host.mount("/mnt".as_ref(), "").unwrap();
//! host.run().unwrap();
//! ```
#![warn(missing_docs)]

mod request;
pub mod security;
mod trampolines;
mod types;

use std::ffi::{CStr, CString, OsStr};
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::{Arc, RwLock};

use fsp_sys as sys;

pub use request::{
    DirBuffer, FsHandle, PendingRead, PendingWrite, ReadBuf, Request, StreamBuffer, WriteBuf,
};
pub use types::{
    alloc, attr, ea, iface, rename, reparse, set, vol, BasicInfo, CreateParams, Errno, FileInfo, Result,
    Timespec, VolumeInfo, VolumeParams, Whence,
};

/// The callbacks of a file system.  Only `lookup` is required; every other
/// method has a default: ENOSYS, except where fsp's C API defines what a
/// missing callback means (noted on the method), which the default does.
///
/// Every method gets the [`Request`] first (caller identity, path,
/// passthrough).  Nodes are lent as `&Self::Node`, open contexts as
/// `Option<&Self::File>` (None for an open without a context, and always
/// None with [`iface::STATELESS_OPENS`]).
#[allow(unused_variables)]
pub trait FileSystem: Send + Sync + Sized + 'static {
    /// The per-node context.
    type Node: Send + Sync + 'static;
    /// The per-open context.
    type File: Send + Sync + 'static;

    /// Offer export support: fsp gets [`FileSystem::lookup_index`] (and
    /// calls `lookup` with ".." too).  Each of these four constants says
    /// the file system implements a group of optional methods; only then
    /// does the binding give fsp those callbacks, so a file system that
    /// leaves them `false` behaves as if they did not exist (NULL in C).
    const EXPORT: bool = false;
    /// Offer named streams: `lookup_stream`, `create_stream`,
    /// `delete_stream`, `get_stream_info` (called on [`vol::NAMED_STREAMS`]
    /// volumes only).
    const STREAMS: bool = false;
    /// Offer reparse data: `get_reparse_data`, `set_reparse_data`,
    /// `delete_reparse_data` (set only on [`vol::REPARSE_POINTS`] volumes).
    const REPARSE_DATA: bool = false;
    /// Offer security descriptors: `get_security`, `set_security` (called
    /// on [`vol::SECURITY`] volumes only).
    const SECURITY: bool = false;

    /// statfs().  Default: sizes 0.
    fn get_volume_info(&self, req: &Request) -> Result<VolumeInfo> {
        Ok(VolumeInfo::default())
    }
    /// Store a new volume label (shorter than 64 bytes) and report the
    /// volume.  Default: ENOSYS (fsp answers users ENOTSUP).
    fn set_volume_label(&self, req: &Request, label: &OsStr) -> Result<VolumeInfo> {
        Err(Errno::ENOSYS)
    }
    /// Required.  Find `name` in directory `parent` (None and "/": the
    /// root, once at mount).  Each success hands fsp one node reference,
    /// given back by exactly one [`FileSystem::forget`].
    fn lookup(
        &self,
        req: &Request,
        parent: Option<&Self::Node>,
        name: &OsStr,
    ) -> Result<(Self::Node, FileInfo)>;
    /// A node reference comes back.  No request; it must not call into
    /// fsp.  Default: drop it.
    fn forget(&self, node: Self::Node) {}
    /// stat().  Fill all of the info.
    fn get_file_info(
        &self,
        req: &Request,
        node: &Self::Node,
        file: Option<&Self::File>,
    ) -> Result<FileInfo> {
        Err(Errno::ENOSYS)
    }
    /// Create `name` (None: an unnamed O_TMPFILE file, with
    /// [`iface::UNNAMED_FILES`]) in `parent`: a node reference, an open
    /// context for a regular file (ignored for other types), and the info.
    fn create(
        &self,
        req: &Request,
        parent: &Self::Node,
        name: Option<&OsStr>,
        cp: &CreateParams,
    ) -> Result<(Self::Node, Option<Self::File>, FileInfo)> {
        Err(Errno::ENOSYS)
    }
    /// Open an existing node with open(2)'s flags.
    fn open(&self, req: &Request, node: &Self::Node, flags: u32) -> Result<(Option<Self::File>, FileInfo)> {
        Err(Errno::ENOSYS)
    }
    /// open(O_TRUNC): truncate to 0, mtime and ctime now.  Default (ENOSYS):
    /// the binding calls [`FileSystem::set_file_size`] with 0, as fsp
    /// does for a missing overwrite.
    fn overwrite(&self, req: &Request, node: &Self::Node, file: Option<&Self::File>) -> Result<FileInfo> {
        Err(Errno::ENOSYS)
    }
    /// One descriptor of the open is closed.  ENOSYS (the default) makes
    /// the kernel stop sending these.
    fn cleanup(&self, req: &Request, node: &Self::Node, file: Option<&Self::File>) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// The open is over; its context comes back.  Cannot fail.
    fn close(&self, node: &Self::Node, file: Option<Self::File>) {}
    /// Read into `buf` at `offset`; the bytes read (short only at end of
    /// file).  `buf.pend()` answers later instead.
    fn read(
        &self,
        req: &Request,
        node: &Self::Node,
        file: Option<&Self::File>,
        offset: u64,
        buf: ReadBuf,
    ) -> Result<usize> {
        Err(Errno::ENOSYS)
    }
    /// Write `data` at `offset`; the bytes written and the new info.
    /// `data.pend()` answers later instead.
    fn write(
        &self,
        req: &Request,
        node: &Self::Node,
        file: Option<&Self::File>,
        offset: u64,
        data: WriteBuf,
    ) -> Result<(usize, FileInfo)> {
        Err(Errno::ENOSYS)
    }
    /// fsync()/fdatasync().  ENOSYS (the default): the kernel treats
    /// fsync as done from then on.
    fn flush(&self, req: &Request, node: &Self::Node, file: Option<&Self::File>, datasync: bool) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// chmod, chown, utimensat, DOS attributes: change what `bi.valid`
    /// names, ctime now (or bi.change_time), and report.
    fn set_basic_info(
        &self,
        req: &Request,
        node: &Self::Node,
        file: Option<&Self::File>,
        bi: &BasicInfo,
    ) -> Result<FileInfo> {
        Err(Errno::ENOSYS)
    }
    /// truncate(): set the size, mtime and ctime now.
    fn set_file_size(
        &self,
        req: &Request,
        node: &Self::Node,
        file: Option<&Self::File>,
        size: u64,
    ) -> Result<FileInfo> {
        Err(Errno::ENOSYS)
    }
    /// May `name` be removed?  Default: yes (fsp's meaning of no callback).
    fn can_delete(&self, req: &Request, parent: &Self::Node, name: &OsStr, node: &Self::Node) -> Result<()> {
        Ok(())
    }
    /// unlink()/rmdir(): remove the name now.
    fn set_delete(&self, req: &Request, parent: &Self::Node, name: &OsStr, node: &Self::Node) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// rename() with [`rename`] flags.
    #[allow(clippy::too_many_arguments)]
    fn rename(
        &self,
        req: &Request,
        old_parent: &Self::Node,
        old_name: &OsStr,
        new_parent: &Self::Node,
        new_name: &OsStr,
        node: &Self::Node,
        flags: u32,
    ) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// List the directory: add every entry but "." and ".." to `dir`.
    fn read_directory(
        &self,
        req: &Request,
        node: &Self::Node,
        file: Option<&Self::File>,
        dir: &mut DirBuffer,
    ) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// readlink(): the target of a symbolic link.
    fn get_reparse_point(&self, req: &Request, node: &Self::Node) -> Result<Vec<u8>> {
        Err(Errno::ENOSYS)
    }
    /// The value of extended attribute `name` (ENODATA: none).  The
    /// binding answers size probes and ERANGE itself.
    fn get_ea(&self, req: &Request, node: &Self::Node, name: &OsStr) -> Result<Vec<u8>> {
        Err(Errno::ENOSYS)
    }
    /// Set attribute `name` ([`ea`] flags); ctime now.
    fn set_ea(&self, req: &Request, node: &Self::Node, name: &OsStr, value: &[u8], flags: i32) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// The names of the attributes.
    fn list_ea(&self, req: &Request, node: &Self::Node) -> Result<Vec<Vec<u8>>> {
        Err(Errno::ENOSYS)
    }
    /// Remove attribute `name` (ENODATA: none); ctime now.
    fn remove_ea(&self, req: &Request, node: &Self::Node, name: &OsStr) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// link(): another name for `node`.  Default: EPERM, as fsp does for
    /// file systems without hard links.
    fn link(&self, req: &Request, node: &Self::Node, new_parent: &Self::Node, new_name: &OsStr) -> Result<FileInfo> {
        Err(Errno::EPERM)
    }
    /// fallocate() with [`alloc`] modes.  Default: EOPNOTSUPP.
    #[allow(clippy::too_many_arguments)]
    fn allocate(
        &self,
        req: &Request,
        node: &Self::Node,
        file: Option<&Self::File>,
        offset: u64,
        length: u64,
        mode: u32,
    ) -> Result<FileInfo> {
        Err(Errno::EOPNOTSUPP)
    }
    /// lseek(SEEK_DATA / SEEK_HOLE).  Default: the whole file is data
    /// (ENOSYS makes the kernel do that itself).
    fn seek(
        &self,
        req: &Request,
        node: &Self::Node,
        file: Option<&Self::File>,
        offset: u64,
        whence: Whence,
    ) -> Result<u64> {
        Err(Errno::ENOSYS)
    }

    /// Export support (with [`FileSystem::EXPORT`]): find the file whose
    /// index is `index` (never 0 or the root's), with no name to go by: a
    /// node reference (as lookup: one forget each) and its info,
    /// including [`FileInfo::generation`], or ESTALE (ENOENT counts as
    /// ESTALE).  A file system offering this also answers `lookup` of
    /// ".." in a directory with the directory's parent.  Default: ENOSYS.
    fn lookup_index(&self, req: &Request, index: u64) -> Result<(Self::Node, FileInfo)> {
        Err(Errno::ENOSYS)
    }
    /// Named streams (with [`FileSystem::STREAMS`]): find stream `name`
    /// (checked, without ":$DATA") of file or directory `node`.  A stream
    /// is a node like any other (forgotten with forget; opened, read,
    /// written, truncated as a regular file) with an index of its own and
    /// its file's owner, group and permission bits.  ENOENT: none.
    /// Default: ENOSYS.
    fn lookup_stream(&self, req: &Request, node: &Self::Node, name: &OsStr) -> Result<(Self::Node, FileInfo)> {
        Err(Errno::ENOSYS)
    }
    /// Make an empty stream `name` of `node` (EEXIST if it exists) and
    /// return it as [`FileSystem::lookup_stream`] does; the file's ctime
    /// moves.  Default: ENOSYS.
    fn create_stream(&self, req: &Request, node: &Self::Node, name: &OsStr) -> Result<(Self::Node, FileInfo)> {
        Err(Errno::ENOSYS)
    }
    /// Remove stream `name` of `node` (ENOENT if none); a stream node
    /// still referenced stays readable until forgotten.  The file's ctime
    /// moves.  Default: ENOSYS.
    fn delete_stream(&self, req: &Request, node: &Self::Node, name: &OsStr) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// List the streams of `node` (not the unnamed main stream): one
    /// [`StreamBuffer::add`] each, in any order.  Default: ENOSYS.
    fn get_stream_info(&self, req: &Request, node: &Self::Node, streams: &mut StreamBuffer) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// Reparse data (with [`FileSystem::REPARSE_DATA`]): the node's
    /// buffer in Windows' REPARSE_DATA_BUFFER layout (tag u32 LE, data
    /// length u16 LE, reserved u16, the data), or ENODATA for none.  The
    /// binding answers size probes and ERANGE itself, and refuses (EIO,
    /// logged) a buffer whose layout is wrong.  Default: ENOSYS (fsp then
    /// shows the data it makes up for symlinks).
    fn get_reparse_data(&self, req: &Request, node: &Self::Node) -> Result<Vec<u8>> {
        Err(Errno::ENOSYS)
    }
    /// Store `data` (layout checked by fsp, at most [`reparse::MAX_SIZE`]
    /// bytes), replacing a buffer of the same tag; EEXIST when the node
    /// has one of another tag.  Report [`attr::REPARSE_POINT`] while it
    /// has one.  Default: ENOSYS.
    fn set_reparse_data(&self, req: &Request, node: &Self::Node, data: &[u8]) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// Remove the node's reparse data; ENODATA when it has none.
    /// Default: ENOSYS.
    fn delete_reparse_data(&self, req: &Request, node: &Self::Node) -> Result<()> {
        Err(Errno::ENOSYS)
    }
    /// Security descriptors (with [`FileSystem::SECURITY`]): the node's
    /// self-relative descriptor, or `None` when it has none (fsp then
    /// uses the one its owner, group and mode map to).  The binding
    /// answers size probes and ERANGE, and refuses a malformed
    /// descriptor (EIO, logged).  Default: ENOSYS.
    fn get_security(&self, req: &Request, node: &Self::Node) -> Result<Option<Vec<u8>>> {
        Err(Errno::ENOSYS)
    }
    /// Replace the node's descriptor by `sd` (checked by fsp); ctime
    /// moves.  fsp follows with set_basic_info of the owner, group and
    /// mode it maps to.  Default: ENOSYS.
    fn set_security(&self, req: &Request, node: &Self::Node, sd: &[u8]) -> Result<()> {
        Err(Errno::ENOSYS)
    }
}

/// What the binding gives fsp as the file system's context.  repr(C) with
/// the handle first, so a request reaches the handle without knowing F.
#[repr(C)]
pub(crate) struct Inner<F> {
    pub(crate) handle: FsHandle,
    pub(crate) fs: F,
}

/// A mount failure: the errno and fsp's one-line message.
#[derive(Debug, Clone)]
pub struct MountError {
    /// Why.
    pub errno: Errno,
    /// fsp's message (may be empty).
    pub message: String,
}

impl fmt::Display for MountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.errno)
        } else {
            write!(f, "{}", self.message)
        }
    }
}
impl std::error::Error for MountError {}

/// One fsp file system instance serving `F`: new, mount, run, drop.
pub struct Host<F: FileSystem> {
    raw: *mut sys::fsp_fs,
    inner: Box<Inner<F>>,
    // fsp holds a pointer to the inner Box until the instance is deleted
    mapper: Option<Box<Box<dyn security::SidMapper>>>,
}

// SAFETY: the fsp_fs is used from the owner's thread (run, mount) and
// through FsHandle, which fsp allows from any thread.
unsafe impl<F: FileSystem> Send for Host<F> {}

impl<F: FileSystem> Host<F> {
    /// Create the instance.  `iface_flags` are [`iface`] flags.
    pub fn new(params: &VolumeParams, iface_flags: u32, fs: F) -> Result<Self> {
        let vp = params.to_c();
        let mut ifc = trampolines::interface::<F>();
        ifc.flags = iface_flags;
        let mut inner = Box::new(Inner { handle: FsHandle { fs: Arc::new(RwLock::new(0)) }, fs });
        let mut raw = std::ptr::null_mut();
        let ctx = &mut *inner as *mut Inner<F> as *mut std::os::raw::c_void;
        // SAFETY: vp and ifc are copied by fsp; ctx outlives raw (Drop).
        Errno::check(unsafe { sys::fsp_fs_new(&vp, &ifc, ctx, &mut raw) })?;
        *inner.handle.fs.write().unwrap() = raw as usize;
        Ok(Host { raw, inner, mapper: None })
    }
    /// The file system.
    pub fn fs(&self) -> &F {
        &self.inner.fs
    }
    /// A handle for other threads: notifications and stop.
    pub fn handle(&self) -> FsHandle {
        self.inner.handle.clone()
    }
    /// Trace every request and reply on stderr.
    pub fn set_debug(&mut self, on: bool) {
        unsafe { sys::fsp_fs_set_debug(self.raw, on as i32) }
    }
    /// Dispatcher threads (0: one per CPU; 1: single-threaded) and the
    /// most the pool grows to (0: 4 x the start).  Before run.
    pub fn set_threads(&mut self, threads: u32, max_threads: u32) {
        unsafe { sys::fsp_fs_set_threads(self.raw, threads, max_threads) }
    }
    /// [`vol::SECURITY`]: map SIDs and POSIX ids with `mapper` before
    /// fsp's default mapping (S-1-22-1-N is uid N, ...).  Before run.
    pub fn set_sid_mapper(&mut self, mapper: impl security::SidMapper) {
        let m: Box<Box<dyn security::SidMapper>> = Box::new(Box::new(mapper));
        let c = security::c_mapper(&m);
        // SAFETY: fsp copies c; its ctx points into m, which self keeps
        // until after fsp_fs_delete (Drop), or until replaced below, after
        // fsp has the new one.
        unsafe { sys::fsp_fs_set_sid_mapper(self.raw, &c) };
        self.mapper = Some(m);
    }
    /// Mount on `mountpoint` with -o style options ("ro,allow_other").
    pub fn mount(&mut self, mountpoint: &Path, options: &str) -> std::result::Result<(), MountError> {
        let bad = |m: &str| MountError { errno: Errno::EINVAL, message: m.into() };
        let mp = CString::new(mountpoint.as_os_str().as_bytes()).map_err(|_| bad("NUL in mountpoint"))?;
        let opts = CString::new(options).map_err(|_| bad("NUL in options"))?;
        let mut msg = [0 as std::os::raw::c_char; 512];
        let r = unsafe { sys::fsp_fs_mount(self.raw, mp.as_ptr(), opts.as_ptr(), msg.as_mut_ptr(), msg.len()) };
        if r < 0 {
            let message = unsafe { CStr::from_ptr(msg.as_ptr()) }.to_string_lossy().into_owned();
            return Err(MountError { errno: Errno(-r), message });
        }
        Ok(())
    }
    /// Make SIGINT, SIGTERM and SIGHUP stop run (one instance per process).
    pub fn set_signal_handlers(&mut self) -> Result<()> {
        Errno::check(unsafe { sys::fsp_fs_set_signal_handlers(self.raw) }).map(|_| ())
    }
    /// Serve until unmounted or stopped; then every open is closed and
    /// every node forgotten.
    pub fn run(&mut self) -> Result<()> {
        Errno::check(unsafe { sys::fsp_fs_run(self.raw) }).map(|_| ())
    }
}

impl<F: FileSystem> Drop for Host<F> {
    fn drop(&mut self) {
        // Handles kept by other threads must not reach a deleted fsp_fs.
        *self.inner.handle.fs.write().unwrap_or_else(|e| e.into_inner()) = 0;
        unsafe { sys::fsp_fs_delete(self.raw) };
    }
}
