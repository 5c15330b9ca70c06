// SPDX-License-Identifier: LGPL-2.1-or-later
//! The Windows calls' trampolines through a real mount: nonsense from a
//! callback (a reparse buffer whose header lies, bytes that are no
//! security descriptor, a panic) answers an error while the mount keeps
//! serving, and methods of a group the file system does not declare are
//! never installed.  Needs root and /dev/fuse; says so and passes
//! vacuously otherwise.
use std::ffi::{CString, OsStr};
use std::fs;
use std::os::raw::{c_char, c_void};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use fsp::security::SidMapper;
use fsp::{vol, BasicInfo, Errno, FileInfo, FileSystem, Host, Request, Result, StreamBuffer, VolumeParams};

extern "C" {
    fn getxattr(path: *const c_char, name: *const c_char, value: *mut c_void, size: usize) -> isize;
    fn setxattr(path: *const c_char, name: *const c_char, value: *const c_void, size: usize, flags: i32) -> i32;
}

/// getxattr's value, or the errno.
fn get_attr(p: &Path, name: &str) -> std::result::Result<Vec<u8>, i32> {
    let path = CString::new(p.as_os_str().as_bytes()).unwrap();
    let name = CString::new(name).unwrap();
    let mut buf = vec![0u8; 65536];
    let n = unsafe { getxattr(path.as_ptr(), name.as_ptr(), buf.as_mut_ptr() as *mut c_void, buf.len()) };
    if n < 0 {
        return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
    }
    buf.truncate(n as usize);
    Ok(buf)
}

/// Files: 2 "lying" (reparse header says 100 bytes, has 3; its descriptor
/// is junk), 3 "panicky" (both callbacks panic), 4 "good" (valid ones).
const NAMES: [&str; 3] = ["lying", "panicky", "good"];

fn info(index: u64) -> FileInfo {
    match index {
        1 => FileInfo { index, mode: 0o40755, nlink: 2, ..Default::default() },
        _ => FileInfo { index, mode: 0o100644, nlink: 1, ..Default::default() },
    }
}

/// Declares reparse data and security; streams and export are left out,
/// though their methods exist (and panic if ever called).
struct Liar;

impl FileSystem for Liar {
    type Node = u64;
    type File = ();
    const REPARSE_DATA: bool = true;
    const SECURITY: bool = true;

    fn lookup(&self, _: &Request, parent: Option<&u64>, name: &OsStr) -> Result<(u64, FileInfo)> {
        let index = match parent {
            None => 1,
            Some(_) => NAMES.iter().position(|n| OsStr::new(n) == name).ok_or(Errno::ENOENT)? as u64 + 2,
        };
        Ok((index, info(index)))
    }
    fn get_file_info(&self, _: &Request, node: &u64, _: Option<&()>) -> Result<FileInfo> {
        Ok(info(*node))
    }
    fn get_ea(&self, _: &Request, _: &u64, _: &OsStr) -> Result<Vec<u8>> {
        Err(Errno::ENODATA)
    }
    fn get_reparse_data(&self, _: &Request, node: &u64) -> Result<Vec<u8>> {
        match *node {
            2 => Ok(vec![0x99, 0, 0, 0x80, 100, 0, 0, 0, 1, 2, 3]),
            3 => panic!("a bug in get_reparse_data"),
            4 => Ok(vec![0x99, 0, 0, 0x80, 3, 0, 0, 0, 1, 2, 3]),
            _ => Err(Errno::ENODATA),
        }
    }
    fn get_security(&self, _: &Request, node: &u64) -> Result<Option<Vec<u8>>> {
        match *node {
            2 => Ok(Some(b"not a descriptor".to_vec())),
            3 => panic!("a bug in get_security"),
            4 => fsp::security::sddl_to_sd("O:S-1-22-1-0G:S-1-22-2-0D:P(A;;FA;;;WD)").map(Some),
            _ => Ok(None),
        }
    }
    fn lookup_stream(&self, _: &Request, _: &u64, _: &OsStr) -> Result<(u64, FileInfo)> {
        panic!("lookup_stream called though STREAMS is false")
    }
    fn get_stream_info(&self, _: &Request, _: &u64, _: &mut StreamBuffer) -> Result<()> {
        panic!("get_stream_info called though STREAMS is false")
    }
}

#[test]
fn nonsense_answers_errors() {
    let is_root = fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false);
    if !is_root || fs::metadata("/dev/fuse").is_err() {
        eprintln!("skipped: needs root and /dev/fuse");
        return;
    }
    let mp: PathBuf = std::env::temp_dir().join(format!("fsp-rust-wintest.{}", std::process::id()));
    fs::create_dir_all(&mp).unwrap();
    let params = VolumeParams {
        flags: vol::NAMED_STREAMS | vol::REPARSE_POINTS | vol::SECURITY,
        ..Default::default()
    };
    let mut host = Host::new(&params, fsp::iface::STATELESS_OPENS, Liar).unwrap();
    host.mount(&mp, "").unwrap();
    let handle = host.handle();
    let server = thread::spawn(move || {
        let r = host.run();
        drop(host);
        r
    });

    let result = std::panic::catch_unwind(|| {
        let (lying, panicky, good) = (mp.join("lying"), mp.join("panicky"), mp.join("good"));
        // a reparse buffer whose header lies, and a panic: EIO
        assert_eq!(get_attr(&lying, "system.ntfs_reparse_data"), Err(5));
        assert_eq!(get_attr(&panicky, "system.ntfs_reparse_data"), Err(5));
        assert_eq!(get_attr(&good, "system.ntfs_reparse_data").unwrap(), [0x99, 0, 0, 0x80, 3, 0, 0, 0, 1, 2, 3]);
        // bytes that are no descriptor, and a panic: EIO
        assert_eq!(get_attr(&lying, "system.ntfs_acl"), Err(5));
        assert_eq!(get_attr(&panicky, "system.ntfs_acl"), Err(5));
        let sd = get_attr(&good, "system.ntfs_acl").unwrap();
        assert_eq!(fsp::security::sd_to_sddl(&sd).unwrap(), "O:S-1-22-1-0G:S-1-22-2-0D:P(A;;FA;;;WD)");
        // no STREAMS: the stream callbacks are not installed, so fsp
        // treats the stream name as an ordinary attribute (get_ea: ENODATA)
        assert_eq!(get_attr(&good, "user.DosStream.s:$DATA"), Err(61));
        // the mount keeps serving
        assert_eq!(fs::metadata(&good).unwrap().mode() & 0o170000, 0o100000);
        assert_eq!(fs::read_dir(&mp).map(|_| ()).err().and_then(|e| e.raw_os_error()), None);
    });
    handle.stop();
    let run = server.join().unwrap();
    let _ = fs::remove_dir(&mp);
    if let Err(p) = result {
        std::panic::resume_unwind(p);
    }
    run.unwrap();
}

#[test]
fn sddl_round_trip_and_errors() {
    let text = "O:BAG:SYD:P(A;OICI;FA;;;BA)(D;;FW;;;S-1-22-1-1000)(A;;FR;;;WD)";
    let sd = fsp::security::sddl_to_sd(text).unwrap();
    fsp::security::check(&sd).unwrap();
    assert_eq!(fsp::security::sd_to_sddl(&sd).unwrap(), text);
    assert_eq!(fsp::security::sddl_to_sd("O:nonsense"), Err(Errno::EINVAL));
    assert_eq!(fsp::security::check(b"junk"), Err(Errno::EINVAL));
    assert_eq!(fsp::security::sd_to_sddl(b"junk"), Err(Errno::EINVAL));
    assert_eq!(fsp::security::sid_of_id(1000, false).unwrap(), "S-1-22-1-1000");
    // inheritance: the container-and-object-inherit entry passes on
    let child = fsp::security::inherit(&sd, "S-1-22-1-5", "S-1-22-2-5", false).unwrap().unwrap();
    assert!(fsp::security::sd_to_sddl(&child).unwrap().contains("(A;ID;FA;;;BA)"), "{}", fsp::security::sd_to_sddl(&child).unwrap());
    let plain = fsp::security::sddl_to_sd("O:BAG:SYD:(A;;FA;;;WD)").unwrap();
    assert_eq!(fsp::security::inherit(&plain, "S-1-22-1-5", "S-1-22-2-5", true).unwrap(), None);
}

/// One file "f" whose descriptor and owner are kept, for the mapper.
struct Owned {
    uid: Arc<AtomicU32>,
    sd: Mutex<Option<Vec<u8>>>,
}

impl FileSystem for Owned {
    type Node = u64;
    type File = ();
    const SECURITY: bool = true;

    fn lookup(&self, _: &Request, parent: Option<&u64>, name: &OsStr) -> Result<(u64, FileInfo)> {
        match (parent, name.to_str()) {
            (None, _) => Ok((1, info(1))),
            (Some(1), Some("f")) => Ok((2, self.get_file_info_of(2))),
            _ => Err(Errno::ENOENT),
        }
    }
    fn get_file_info(&self, _: &Request, node: &u64, _: Option<&()>) -> Result<FileInfo> {
        Ok(self.get_file_info_of(*node))
    }
    fn set_basic_info(&self, _: &Request, node: &u64, _: Option<&()>, bi: &BasicInfo) -> Result<FileInfo> {
        if bi.valid & fsp::set::UID != 0 {
            self.uid.store(bi.uid, Ordering::SeqCst);
        }
        Ok(self.get_file_info_of(*node))
    }
    fn get_security(&self, _: &Request, _: &u64) -> Result<Option<Vec<u8>>> {
        Ok(self.sd.lock().unwrap().clone())
    }
    fn set_security(&self, _: &Request, _: &u64, sd: &[u8]) -> Result<()> {
        *self.sd.lock().unwrap() = Some(sd.to_vec());
        Ok(())
    }
}

impl Owned {
    fn get_file_info_of(&self, index: u64) -> FileInfo {
        FileInfo { uid: if index == 2 { self.uid.load(Ordering::SeqCst) } else { 0 }, ..info(index) }
    }
}

/// A domain user fsp's default mapping does not know.
struct Domain;
impl SidMapper for Domain {
    fn sid_to_id(&self, sid: &str) -> Result<(u32, bool)> {
        match sid {
            "S-1-5-21-1-2-3-1000" => Ok((4242, false)),
            "S-1-5-21-1-2-3-666" => panic!("a bug in the mapper"),
            _ => Err(Errno::ENOENT),
        }
    }
    fn id_to_sid(&self, id: u32, _: bool) -> Result<String> {
        match id {
            4242 => Ok("S-1-5-21-1-2-3-1000".into()),
            _ => Err(Errno::ENOENT),
        }
    }
}

#[test]
fn sid_mapper_maps_owners() {
    let is_root = fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false);
    if !is_root || fs::metadata("/dev/fuse").is_err() {
        eprintln!("skipped: needs root and /dev/fuse");
        return;
    }
    let mp: PathBuf = std::env::temp_dir().join(format!("fsp-rust-mapper.{}", std::process::id()));
    fs::create_dir_all(&mp).unwrap();
    let uid = Arc::new(AtomicU32::new(0));
    let params = VolumeParams { flags: vol::SECURITY, ..Default::default() };
    let fsys = Owned { uid: uid.clone(), sd: Mutex::new(None) };
    let mut host = Host::new(&params, fsp::iface::STATELESS_OPENS, fsys).unwrap();
    host.set_sid_mapper(Domain);
    host.mount(&mp, "").unwrap();
    let handle = host.handle();
    let server = thread::spawn(move || {
        let r = host.run();
        drop(host);
        r
    });
    let set_sd = |sddl: &str| -> i32 {
        let sd = fsp::security::sddl_to_sd(sddl).unwrap();
        let path = CString::new(mp.join("f").as_os_str().as_bytes()).unwrap();
        let name = CString::new("system.ntfs_acl").unwrap();
        match unsafe { setxattr(path.as_ptr(), name.as_ptr(), sd.as_ptr() as *const c_void, sd.len(), 0) } {
            0 => 0,
            _ => std::io::Error::last_os_error().raw_os_error().unwrap_or(0),
        }
    };
    let result = std::panic::catch_unwind(|| {
        assert_eq!(set_sd("O:S-1-5-21-1-2-3-1000G:S-1-22-2-0D:P(A;;FA;;;WD)"), 0);
        assert_eq!(uid.load(Ordering::SeqCst), 4242, "the mapper's uid reached set_basic_info");
        assert_eq!(fs::metadata(mp.join("f")).unwrap().uid(), 4242);
        // the default mapping still answers what the mapper does not know
        assert_eq!(set_sd("O:S-1-22-1-77G:S-1-22-2-0D:P(A;;FA;;;WD)"), 0);
        assert_eq!(uid.load(Ordering::SeqCst), 77);
        // a panicking mapper is caught; the mount keeps serving
        let _ = set_sd("O:S-1-5-21-1-2-3-666G:S-1-22-2-0D:P(A;;FA;;;WD)");
        assert!(fs::metadata(mp.join("f")).is_ok());
    });
    handle.stop();
    let run = server.join().unwrap();
    let _ = fs::remove_dir(&mp);
    if let Err(p) = result {
        std::panic::resume_unwind(p);
    }
    run.unwrap();
}
