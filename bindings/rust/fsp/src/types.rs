// SPDX-License-Identifier: LGPL-2.1-or-later
//! The values callbacks exchange with fsp: errors, times, file and volume
//! information, create and change requests.
use std::ffi::OsStr;
use std::fmt;
use std::os::raw::c_char;
use std::time::{SystemTime, UNIX_EPOCH};

use fsp_sys as sys;

/// An errno value (positive: `Errno::ENOENT` is 2).  The one error type of
/// every callback; the binding turns it into fsp's negative errno in one
/// place, and answers EIO (logged) for a value outside errno's range.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

macro_rules! errnos {
    ($($name:ident = $v:expr),* $(,)?) => {
        impl Errno { $(#[allow(missing_docs)] pub const $name: Errno = Errno($v);)* }
        fn errno_name(e: i32) -> Option<&'static str> {
            match e { $($v => Some(stringify!($name)),)* _ => None }
        }
    };
}
errnos! {
    EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, EBADF = 9,
    EAGAIN = 11, ENOMEM = 12, EACCES = 13, EBUSY = 16, EEXIST = 17, EXDEV = 18,
    ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23,
    EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, ERANGE = 34,
    ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENODATA = 61,
    EOVERFLOW = 75, EOPNOTSUPP = 95, ENOTCONN = 107, ETIMEDOUT = 110, ESTALE = 116,
}

impl Errno {
    /// The largest value fsp accepts as an errno.
    pub const MAX: i32 = 4095;

    /// The negative value fsp expects from a callback; EIO (logged) for a
    /// value that is not an errno: the one place errors are mapped.
    pub(crate) fn to_c(self, what: &str) -> i32 {
        if self.0 > 0 && self.0 <= Errno::MAX {
            -self.0
        } else {
            eprintln!("fsp: {} returned the invalid errno {}: answering EIO", what, self.0);
            -Errno::EIO.0
        }
    }

    /// The errno of a negative C result, or Ok for 0 and positive values.
    pub(crate) fn check(r: i32) -> Result<i32> {
        if r < 0 {
            Err(Errno(-r))
        } else {
            Ok(r)
        }
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match errno_name(self.0) {
            Some(n) => write!(f, "{}", n),
            None => write!(f, "Errno({})", self.0),
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", std::io::Error::from_raw_os_error(self.0))
    }
}

impl std::error::Error for Errno {}

impl From<std::io::Error> for Errno {
    /// An I/O error's errno, or EIO for one without.
    fn from(e: std::io::Error) -> Errno {
        Errno(e.raw_os_error().unwrap_or(Errno::EIO.0))
    }
}

impl From<Errno> for std::io::Error {
    fn from(e: Errno) -> std::io::Error {
        std::io::Error::from_raw_os_error(e.0)
    }
}

/// The result of every callback.
pub type Result<T> = std::result::Result<T, Errno>;

/// A point in time, as Linux keeps it: seconds and nanoseconds since 1970.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timespec {
    /// Seconds since 1970 (negative before).
    pub sec: i64,
    /// 0..1_000_000_000.
    pub nsec: i64,
}

impl Timespec {
    /// The current real time.
    pub fn now() -> Timespec {
        SystemTime::now().into()
    }
    pub(crate) fn to_c(self) -> sys::timespec {
        sys::timespec { tv_sec: self.sec, tv_nsec: self.nsec }
    }
    pub(crate) fn from_c(t: sys::timespec) -> Timespec {
        Timespec { sec: t.tv_sec, nsec: t.tv_nsec }
    }
}

impl From<SystemTime> for Timespec {
    fn from(t: SystemTime) -> Timespec {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timespec { sec: d.as_secs() as i64, nsec: d.subsec_nanos() as i64 },
            Err(e) => {
                let d = e.duration();
                let (mut sec, mut nsec) = (-(d.as_secs() as i64), -(d.subsec_nanos() as i64));
                if nsec < 0 {
                    sec -= 1;
                    nsec += 1_000_000_000;
                }
                Timespec { sec, nsec }
            }
        }
    }
}

/// What the file system knows about one file (`struct fsp_file_info`);
/// fsp maps it onto stat, statx and the kernel's attribute cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileInfo {
    /// Stable file index (the inode number), never 0.
    pub index: u64,
    /// `S_IFMT` type and permission bits.
    pub mode: u32,
    /// DOS attributes ([`attr`]).
    pub attributes: u32,
    /// Hard links; 0 once deleted but still open.
    pub nlink: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// Device number of a device file.
    pub rdev: u32,
    /// Bytes (a symlink: its target's length).
    pub size: u64,
    /// Bytes allocated; `st_blocks` is this / 512.
    pub alloc_size: u64,
    /// Birth time (statx's btime).
    pub creation_time: Timespec,
    /// atime.
    pub access_time: Timespec,
    /// mtime.
    pub write_time: Timespec,
    /// ctime.
    pub change_time: Timespec,
    /// Export volumes ([`crate::FileSystem::EXPORT`]): tells this file
    /// from every earlier file with the same index; constant while the
    /// file lives, new when an index is reused.  The kernel keeps the low
    /// 32 bits.  Ignored elsewhere.
    pub generation: u64,
}

impl FileInfo {
    pub(crate) fn to_c(&self) -> sys::fsp_file_info {
        sys::fsp_file_info {
            index: self.index,
            mode: self.mode,
            attributes: self.attributes,
            nlink: self.nlink,
            uid: self.uid,
            gid: self.gid,
            rdev: self.rdev,
            size: self.size,
            alloc_size: self.alloc_size,
            creation_time: self.creation_time.to_c(),
            access_time: self.access_time.to_c(),
            write_time: self.write_time.to_c(),
            change_time: self.change_time.to_c(),
            generation: self.generation,
            reserved: [0; 3],
        }
    }
}

/// DOS file attributes (Windows' `FILE_ATTRIBUTE_*` values).
pub mod attr {
    pub use fsp_sys::{
        FSP_ATTR_ARCHIVE as ARCHIVE, FSP_ATTR_DIRECTORY as DIRECTORY, FSP_ATTR_HIDDEN as HIDDEN,
        FSP_ATTR_NORMAL as NORMAL, FSP_ATTR_READONLY as READONLY,
        FSP_ATTR_REPARSE_POINT as REPARSE_POINT, FSP_ATTR_SPARSE_FILE as SPARSE_FILE,
        FSP_ATTR_SYSTEM as SYSTEM, FSP_ATTR_TEMPORARY as TEMPORARY,
    };
}

/// Volume-wide numbers, reported through statfs().
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VolumeInfo {
    /// Bytes.
    pub total_size: u64,
    /// Bytes (no more than total).
    pub free_size: u64,
    /// 0: no limit.
    pub total_files: u64,
    /// Files that may still be made.
    pub free_files: u64,
    /// UTF-8, shorter than 64 bytes (cut there otherwise).
    pub label: String,
}

pub(crate) fn copy_cstr(dst: &mut [c_char], s: &[u8]) {
    let n = s.len().min(dst.len() - 1);
    for (d, b) in dst.iter_mut().zip(&s[..n]) {
        *d = *b as c_char;
    }
    for d in dst[n..].iter_mut() {
        *d = 0;
    }
}

impl VolumeInfo {
    pub(crate) fn fill(&self, vi: &mut sys::fsp_volume_info) {
        vi.total_size = self.total_size;
        vi.free_size = self.free_size.min(self.total_size);
        vi.total_files = self.total_files;
        vi.free_files = self.free_files;
        copy_cstr(&mut vi.label, self.label.as_bytes());
    }
}

/// Volume flags (`FSP_VOL_*`): see `include/fsp/fsp.h` for each.
pub mod vol {
    pub use fsp_sys::{
        FSP_VOL_CASE_INSENSITIVE as CASE_INSENSITIVE, FSP_VOL_COARSE_GUARD as COARSE_GUARD,
        FSP_VOL_DEFAULT_PERMS as DEFAULT_PERMS, FSP_VOL_DIRECT_IO as DIRECT_IO,
        FSP_VOL_PASSTHROUGH as PASSTHROUGH, FSP_VOL_POSIX_ACL as POSIX_ACL,
        FSP_VOL_READ_ONLY as READ_ONLY, FSP_VOL_WRITEBACK_CACHE as WRITEBACK_CACHE,
    };
    /// Named streams (`FILE:NAME`, `user.DosStream.NAME:$DATA`): fsp calls
    /// the stream methods of a file system with [`crate::FileSystem::STREAMS`].
    pub use fsp_sys::FSP_VOL_NAMED_STREAMS as NAMED_STREAMS;
    /// fsp enforces [`crate::attr::READONLY`] as NTFS does (EACCES for
    /// writes, EPERM for unlink).
    pub use fsp_sys::FSP_VOL_READONLY_ATTR as READONLY_ATTR;
    /// Reparse data may be set on any file
    /// ([`crate::FileSystem::REPARSE_DATA`]).
    pub use fsp_sys::FSP_VOL_REPARSE_POINTS as REPARSE_POINTS;
    /// A Windows security descriptor per file is the truth
    /// ([`crate::FileSystem::SECURITY`], [`crate::security`]).
    pub use fsp_sys::FSP_VOL_SECURITY as SECURITY;
}

/// Reparse tags fsp itself knows, and the largest reparse buffer.
pub mod reparse {
    pub use fsp_sys::{
        FSP_REPARSE_MAX_SIZE as MAX_SIZE, FSP_REPARSE_TAG_NFS as TAG_NFS,
        FSP_REPARSE_TAG_SYMLINK as TAG_SYMLINK,
    };
}

/// Interface flags (`FSP_IFACE_*`).
pub mod iface {
    /// No per-open state: open and close are never called.
    pub use fsp_sys::FSP_IFACE_STATELESS_OPENS as STATELESS_OPENS;
    /// create may get no name (open(O_TMPFILE)).
    pub use fsp_sys::FSP_IFACE_UNNAMED_FILES as UNNAMED_FILES;
    /// Directories only are stateless: open and close are never called
    /// for a directory (read_directory gets no file), files keep theirs.
    pub use fsp_sys::FSP_IFACE_STATELESS_DIR_OPENS as STATELESS_DIR_OPENS;
}

/// Parameters fixed when the file system is created
/// (`struct fsp_volume_params`).
#[derive(Clone, Debug, Default)]
pub struct VolumeParams {
    /// [`vol`] flags.
    pub flags: u32,
    /// `st_blksize` and `f_bsize`; 0: 4096.
    pub sector_size: u32,
    /// Longer names get ENAMETOOLONG; 0: 255.
    pub max_name_length: u32,
    /// How long the kernel caches entries and attributes.
    pub file_info_timeout_ms: u32,
    /// Any number identifying the volume.
    pub volume_serial: u64,
    /// When the volume was made.
    pub volume_creation_time: Timespec,
    /// The mount source; "" is "fsp".  Cut at 63 bytes.
    pub fsname: String,
    /// The type is fuse.SUBTYPE; "" none.  Cut at 31 bytes.
    pub subtype: String,
    /// Largest file; fsp answers EFBIG past it.  0: no limit.
    pub max_file_size: u64,
}

impl VolumeParams {
    pub(crate) fn to_c(&self) -> sys::fsp_volume_params {
        // SAFETY: all-zero is a valid fsp_volume_params (integers, arrays).
        let mut vp: sys::fsp_volume_params = unsafe { std::mem::zeroed() };
        vp.size = std::mem::size_of::<sys::fsp_volume_params>() as u32;
        vp.flags = self.flags;
        vp.sector_size = self.sector_size;
        vp.max_name_length = self.max_name_length;
        vp.file_info_timeout_ms = self.file_info_timeout_ms;
        vp.volume_serial = self.volume_serial;
        vp.volume_creation_time = self.volume_creation_time.to_c();
        copy_cstr(&mut vp.fsname, self.fsname.as_bytes());
        copy_cstr(&mut vp.subtype, self.subtype.as_bytes());
        vp.max_file_size = self.max_file_size;
        vp
    }
}

/// What to create (`struct fsp_create_params`).
#[derive(Clone, Copy, Debug)]
pub struct CreateParams<'a> {
    /// Type and permission bits, umask (or default ACL) applied.
    pub mode: u32,
    /// DOS attributes for the new file.
    pub attributes: u32,
    /// open(2) flags, for regular files.
    pub flags: u32,
    /// Owner: the caller.
    pub uid: u32,
    /// Group: the caller's, or the set-group-ID directory's.
    pub gid: u32,
    /// Device number of a device file.
    pub rdev: u32,
    /// A symbolic link's target.
    pub link_target: Option<&'a OsStr>,
    /// [`vol::SECURITY`]: the new file's self-relative security
    /// descriptor (checked by fsp), which the file system stores as
    /// [`crate::FileSystem::set_security`] would; mode, uid and gid are
    /// already derived from it.  None elsewhere.
    pub security: Option<&'a [u8]>,
}

/// Which fields of a [`BasicInfo`] to change (`FSP_SET_*`).
pub mod set {
    pub use fsp_sys::{
        FSP_SET_ATIME as ATIME, FSP_SET_ATTRIBUTES as ATTRIBUTES, FSP_SET_CRTIME as CRTIME,
        FSP_SET_CTIME as CTIME, FSP_SET_GID as GID, FSP_SET_MODE as MODE, FSP_SET_MTIME as MTIME,
        FSP_SET_UID as UID,
    };
}

/// Attributes and times to change (`struct fsp_basic_info`); fsp has
/// resolved "now" already.
#[derive(Clone, Copy, Debug, Default)]
pub struct BasicInfo {
    /// [`set`] flags naming the fields that change.
    pub valid: u32,
    /// Permission bits only (07777).
    pub mode: u32,
    /// New owner.
    pub uid: u32,
    /// New group.
    pub gid: u32,
    /// New DOS attributes.
    pub attributes: u32,
    /// New atime.
    pub access_time: Timespec,
    /// New mtime.
    pub write_time: Timespec,
    /// New ctime (only with [`set::CTIME`]; otherwise ctime is now).
    pub change_time: Timespec,
    /// New birth time.
    pub creation_time: Timespec,
}

impl BasicInfo {
    pub(crate) fn from_c(b: &sys::fsp_basic_info) -> BasicInfo {
        BasicInfo {
            valid: b.valid,
            mode: b.mode,
            uid: b.uid,
            gid: b.gid,
            attributes: b.attributes,
            access_time: Timespec::from_c(b.access_time),
            write_time: Timespec::from_c(b.write_time),
            change_time: Timespec::from_c(b.change_time),
            creation_time: Timespec::from_c(b.creation_time),
        }
    }
}

/// Rename flags (renameat2's values).
pub mod rename {
    /// Swap source and target.
    pub use fsp_sys::FSP_RENAME_EXCHANGE as EXCHANGE;
    /// Fail with EEXIST when the target exists.
    pub use fsp_sys::FSP_RENAME_NOREPLACE as NOREPLACE;
}

/// Extended attribute set flags (setxattr's values).
pub mod ea {
    /// EEXIST if the attribute exists.
    pub const CREATE: i32 = fsp_sys::FSP_EA_CREATE;
    /// ENODATA if it does not.
    pub const REPLACE: i32 = fsp_sys::FSP_EA_REPLACE;
}

/// allocate() modes (fallocate's values).
pub mod alloc {
    pub use fsp_sys::{FSP_ALLOC_KEEP_SIZE as KEEP_SIZE, FSP_ALLOC_PUNCH_HOLE as PUNCH_HOLE};
}

/// The direction of a [`crate::FileSystem::seek`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whence {
    /// SEEK_DATA: the first offset that starts data.
    Data,
    /// SEEK_HOLE: the first offset that starts a hole (the end counts).
    Hole,
}
