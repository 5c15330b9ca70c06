// SPDX-License-Identifier: LGPL-2.1-or-later
//! Windows security descriptors (`include/fsp/security.h`) as a file
//! system meets them: self-relative descriptors are plain bytes
//! (`Vec<u8>`, what [`crate::FileSystem::get_security`] returns and
//! [`crate::FileSystem::set_security`] gets), and SDDL text is a `String`.
//! Every function is pure and may run on any thread.
//!
//! ```
//! let sd = fsp::security::sddl_to_sd("O:S-1-22-1-1000G:S-1-22-2-1000D:P(A;;FA;;;WD)").unwrap();
//! assert!(fsp::security::check(&sd).is_ok());
//! assert!(fsp::security::sd_to_sddl(&sd).unwrap().starts_with("O:S-1-22-1-1000"));
//! ```
use std::ffi::CStr;
use std::os::raw::c_void;

use fsp_sys as sys;

use crate::types::{Errno, Result};

/// A descriptor taken apart, cleared (its ACL arrays freed) when dropped.
struct Parsed(sys::fsp_sd);

impl Parsed {
    fn new() -> Parsed {
        // SAFETY: all-zero is fsp's empty descriptor (null ACL arrays).
        Parsed(unsafe { std::mem::zeroed() })
    }
    fn from_bytes(sd: &[u8]) -> Result<Parsed> {
        let mut p = Parsed::new();
        Errno::check(unsafe { sys::fsp_sd_parse(sd.as_ptr() as *const c_void, sd.len(), &mut p.0) })?;
        Ok(p)
    }
    fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut buf: *mut c_void = std::ptr::null_mut();
        let mut size = 0usize;
        Errno::check(unsafe { sys::fsp_sd_build(&self.0, &mut buf, &mut size) })?;
        // SAFETY: fsp_sd_build malloc'ed size bytes at buf.
        let v = unsafe { std::slice::from_raw_parts(buf as *const u8, size) }.to_vec();
        unsafe { sys::free(buf) };
        Ok(v)
    }
}

impl Drop for Parsed {
    fn drop(&mut self) {
        unsafe { sys::fsp_sd_clear(&mut self.0) }
    }
}

/// Check a self-relative descriptor (revision, offsets and lengths, ACL
/// and ACE layout, SIDs): Ok or EINVAL.
pub fn check(sd: &[u8]) -> Result<()> {
    Errno::check(unsafe { sys::fsp_sd_check(sd.as_ptr() as *const c_void, sd.len()) }).map(|_| ())
}

/// SDDL text ("O:...G:...D:...(ace)...") to a self-relative descriptor;
/// EINVAL for anything malformed.
pub fn sddl_to_sd(sddl: &str) -> Result<Vec<u8>> {
    let text = std::ffi::CString::new(sddl).map_err(|_| Errno::EINVAL)?;
    let mut p = Parsed::new();
    Errno::check(unsafe { sys::fsp_sddl_parse(text.as_ptr(), &mut p.0) })?;
    p.to_bytes()
}

/// A self-relative descriptor as SDDL (aliases where SDDL has them);
/// EINVAL for a malformed one.
pub fn sd_to_sddl(sd: &[u8]) -> Result<String> {
    check(sd)?;
    let p = Parsed::from_bytes(sd)?;
    let mut text: *mut std::os::raw::c_char = std::ptr::null_mut();
    Errno::check(unsafe { sys::fsp_sddl_print(&p.0, &mut text) })?;
    // SAFETY: fsp_sddl_print malloc'ed a NUL-terminated string.
    let s = unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned();
    unsafe { sys::free(text as *mut c_void) };
    Ok(s)
}

/// The SID of POSIX user (or group) `id` in fsp's default mapping
/// (S-1-22-1-N, S-1-22-2-N), as text.
pub fn sid_of_id(id: u32, is_group: bool) -> Result<String> {
    let mut sid = sys::fsp_sid::default();
    Errno::check(unsafe { sys::fsp_sid_from_id(std::ptr::null(), id, is_group as i32, &mut sid) })?;
    let mut buf = [0 as std::os::raw::c_char; 200];
    Errno::check(unsafe { sys::fsp_sid_print(&sid, buf.as_mut_ptr(), buf.len()) })?;
    Ok(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
}

/// The descriptor NTFS gives a new file (`is_dir`: a directory) owned by
/// SIDs `owner` and `group` (text, "S-1-..." or an alias) in a directory
/// with descriptor `parent`: its inheritable entries, marked inherited.
/// `Ok(None)` when the parent passes nothing on.
pub fn inherit(parent: &[u8], owner: &str, group: &str, is_dir: bool) -> Result<Option<Vec<u8>>> {
    check(parent)?;
    let p = Parsed::from_bytes(parent)?;
    let sid = |t: &str| -> Result<sys::fsp_sid> {
        let c = std::ffi::CString::new(t).map_err(|_| Errno::EINVAL)?;
        let mut s = sys::fsp_sid::default();
        Errno::check(unsafe { sys::fsp_sid_parse(c.as_ptr(), &mut s) })?;
        Ok(s)
    };
    let (o, g) = (sid(owner)?, sid(group)?);
    let mut out = Parsed::new();
    match unsafe { sys::fsp_sd_inherit(&p.0, &o, &g, is_dir as i32, &mut out.0) } {
        r if r == -Errno::ENOENT.0 => Ok(None),
        r => {
            Errno::check(r)?;
            out.to_bytes().map(Some)
        }
    }
}

/// A file system's own SID <-> POSIX id mapping (a domain, a user map),
/// asked before fsp's default one ([`crate::Host::set_sid_mapper`]).  SIDs
/// are text ("S-1-5-21-..."); ENOENT from either method falls back to the
/// default mapping.  Called from dispatcher threads, several at once.
pub trait SidMapper: Send + Sync + 'static {
    /// The POSIX id of `sid`, and whether it is a group.
    fn sid_to_id(&self, sid: &str) -> Result<(u32, bool)>;
    /// The SID of user (or group) `id`.
    fn id_to_sid(&self, id: u32, is_group: bool) -> Result<String>;
}

fn sid_text(sid: &sys::fsp_sid) -> Option<String> {
    let mut buf = [0 as std::os::raw::c_char; 200];
    if unsafe { sys::fsp_sid_print(sid, buf.as_mut_ptr(), buf.len()) } < 0 {
        return None;
    }
    Some(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
}

/// Runs a mapper method; a panic is logged and answers EIO.
fn mapper_guard(what: &str, f: impl FnOnce() -> i32) -> i32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        eprintln!("fsp: panic in SidMapper::{}: answering EIO", what);
        -Errno::EIO.0
    })
}

unsafe extern "C" fn map_sid_to_id(
    ctx: *mut c_void,
    sid: *const sys::fsp_sid,
    id: *mut u32,
    is_group: *mut std::os::raw::c_int,
) -> std::os::raw::c_int {
    mapper_guard("sid_to_id", || {
        let m = &*(ctx as *const Box<dyn SidMapper>);
        let text = match sid_text(&*sid) {
            Some(t) => t,
            None => return -Errno::EINVAL.0,
        };
        match m.sid_to_id(&text) {
            Ok((i, g)) => {
                *id = i;
                *is_group = g as i32;
                0
            }
            Err(e) => e.to_c("SidMapper::sid_to_id"),
        }
    })
}

unsafe extern "C" fn map_id_to_sid(
    ctx: *mut c_void,
    id: u32,
    is_group: std::os::raw::c_int,
    sid: *mut sys::fsp_sid,
) -> std::os::raw::c_int {
    mapper_guard("id_to_sid", || {
        let m = &*(ctx as *const Box<dyn SidMapper>);
        match m.id_to_sid(id, is_group != 0) {
            Ok(text) => {
                let c = match std::ffi::CString::new(text) {
                    Ok(c) => c,
                    Err(_) => return -Errno::EINVAL.0,
                };
                let r = sys::fsp_sid_parse(c.as_ptr(), sid);
                if r < 0 {
                    eprintln!("fsp: SidMapper::id_to_sid returned no SID: answering EIO");
                    return -Errno::EIO.0;
                }
                0
            }
            Err(e) => e.to_c("SidMapper::id_to_sid"),
        }
    })
}

/// The C mapper for `m`, which must stay where it is while fsp may call.
pub(crate) fn c_mapper(m: &Box<dyn SidMapper>) -> sys::fsp_sid_mapper {
    sys::fsp_sid_mapper {
        sid_to_id: Some(map_sid_to_id),
        id_to_sid: Some(map_id_to_sid),
        ctx: m as *const Box<dyn SidMapper> as *mut c_void,
    }
}
