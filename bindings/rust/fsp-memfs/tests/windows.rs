// SPDX-License-Identifier: LGPL-2.1-or-later
//! The Rust memfs's Windows set (-W) and export support through the real
//! kernel: streams as `user.DosStream.NAME:$DATA` attributes and as
//! `FILE:NAME` paths, reparse data, a security descriptor set from SDDL,
//! the read-only attribute, and a file handle surviving drop_caches.
//! Runs `memfs -f -W -o allow_other[,streams_interface=windows]` as the
//! lead's shell test does, and `fsptool` from the tree's build directory
//! ($FSP_BUILD_DIR).  Needs root and /dev/fuse; says so and passes
//! vacuously otherwise.
use std::ffi::CString;
use std::fs;
use std::io::Write;
use std::os::raw::{c_char, c_int, c_void};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

extern "C" {
    fn getxattr(path: *const c_char, name: *const c_char, value: *mut c_void, size: usize) -> isize;
    fn setxattr(path: *const c_char, name: *const c_char, value: *const c_void, size: usize, flags: c_int) -> c_int;
    fn removexattr(path: *const c_char, name: *const c_char) -> c_int;
    fn listxattr(path: *const c_char, list: *mut c_char, size: usize) -> isize;
    fn name_to_handle_at(dirfd: c_int, path: *const c_char, handle: *mut u8, mount_id: *mut c_int, flags: c_int)
        -> c_int;
    fn open_by_handle_at(mount_fd: c_int, handle: *mut u8, flags: c_int) -> c_int;
    fn read(fd: c_int, buf: *mut c_void, n: usize) -> isize;
    fn close(fd: c_int) -> c_int;
}
const AT_FDCWD: c_int = -100;

fn ready() -> bool {
    let root = fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false);
    if !root || fs::metadata("/dev/fuse").is_err() {
        eprintln!("skipped: needs root and /dev/fuse");
        return false;
    }
    true
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}
fn err_of<T>(r: std::io::Result<T>) -> i32 {
    r.err().and_then(|e| e.raw_os_error()).unwrap_or(0)
}
fn c(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap()
}
fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// getxattr's value, or the errno.
fn get_attr(p: &Path, name: &str) -> Result<Vec<u8>, i32> {
    let mut buf = vec![0u8; 65536];
    let n = unsafe { getxattr(c(p).as_ptr(), cs(name).as_ptr(), buf.as_mut_ptr() as *mut c_void, buf.len()) };
    if n < 0 {
        return Err(errno());
    }
    buf.truncate(n as usize);
    Ok(buf)
}
fn set_attr(p: &Path, name: &str, v: &[u8]) -> Result<(), i32> {
    match unsafe { setxattr(c(p).as_ptr(), cs(name).as_ptr(), v.as_ptr() as *const c_void, v.len(), 0) } {
        0 => Ok(()),
        _ => Err(errno()),
    }
}
fn list_attrs(p: &Path) -> Vec<String> {
    let mut buf = vec![0u8; 65536];
    let n = unsafe { listxattr(c(p).as_ptr(), buf.as_mut_ptr() as *mut c_char, buf.len()) };
    assert!(n >= 0, "listxattr: errno {}", errno());
    buf[..n as usize]
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

fn build_dir() -> PathBuf {
    std::env::var_os("FSP_BUILD_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../build"))
}

/// `fsptool ARGS`: its stdout, or panics with its stderr.
fn fsptool(args: &[&str]) -> String {
    let out = Command::new(build_dir().join("fsptool")).args(args).output().expect("running fsptool");
    assert!(out.status.success(), "fsptool {:?}: {}", args, String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn mounted(dir: &Path) -> bool {
    let info = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let d = dir.to_string_lossy();
    info.lines().any(|l| l.split(' ').nth(4) == Some(&d))
}

/// The Rust memfs mounted on a fresh directory; unmounted and stopped on
/// drop, also when a check failed.
struct Mount {
    dir: PathBuf,
    child: Child,
}

impl Mount {
    fn new(tag: &str, options: &str) -> Mount {
        let dir = std::env::temp_dir().join(format!("fsp-rust-win-{}.{}", tag, std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_memfs"))
            .args(["-f", "-W", "-o", options])
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .expect("starting memfs");
        let mut m = Mount { dir, child };
        for _ in 0..100 {
            if mounted(&m.dir) {
                return m;
            }
            if let Ok(Some(st)) = m.child.try_wait() {
                panic!("memfs exited: {}", st);
            }
            sleep(Duration::from_millis(50));
        }
        panic!("memfs did not mount on {}", m.dir.display());
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = self.child.kill(); // SIGKILL: the kernel then aborts the connection
        let _ = self.child.wait();
        while mounted(&self.dir) {
            let umount = Command::new("umount").arg("-l").arg(&self.dir).stderr(Stdio::null()).status();
            if !umount.map_or(false, |s| s.success()) {
                break;
            }
        }
        let _ = fs::remove_dir(&self.dir);
    }
}

#[test]
fn streams_as_attributes() {
    if !ready() {
        return;
    }
    let m = Mount::new("xattr", "allow_other");
    let f = m.path("f");
    fs::write(&f, b"main data").unwrap();
    let name = "user.DosStream.s1:$DATA";
    set_attr(&f, name, b"stream data").unwrap();
    // read back as Samba's vfs_streams_xattr stores it: the bytes and a NUL
    assert_eq!(get_attr(&f, name).unwrap(), b"stream data\0");
    assert!(list_attrs(&f).iter().any(|n| n == name), "{:?}", list_attrs(&f));
    assert_eq!(fsptool(&["streams", "list", f.to_str().unwrap()]).trim(), "11 s1");
    assert_eq!(fs::read(&f).unwrap(), b"main data"); // the main stream is apart
    assert_eq!(unsafe { removexattr(c(&f).as_ptr(), cs(name).as_ptr()) }, 0, "errno {}", errno());
    assert_eq!(get_attr(&f, name), Err(61)); // ENODATA
    assert_eq!(fsptool(&["streams", "list", f.to_str().unwrap()]).trim(), "");
}

#[test]
fn streams_as_paths() {
    if !ready() {
        return;
    }
    let m = Mount::new("paths", "allow_other,streams_interface=windows");
    let f = m.path("f");
    fs::write(&f, b"main").unwrap();
    fs::write(m.path("f:alt"), b"alternate").unwrap();
    assert_eq!(fs::read(m.path("f:alt")).unwrap(), b"alternate");
    assert_eq!(fs::metadata(m.path("f:alt")).unwrap().len(), 9);
    assert_eq!(fs::read(&f).unwrap(), b"main");
    assert_eq!(get_attr(&f, "user.DosStream.alt:$DATA").unwrap(), b"alternate\0");
    fs::remove_file(m.path("f:alt")).unwrap();
    assert_eq!(err_of(fs::metadata(m.path("f:alt"))), 2);
    assert_eq!(fs::read(&f).unwrap(), b"main");
}

#[test]
fn reparse_data() {
    if !ready() {
        return;
    }
    let m = Mount::new("reparse", "allow_other");
    let f = m.path("f");
    fs::write(&f, b"x").unwrap();
    let p = f.to_str().unwrap();
    assert_eq!(get_attr(&f, "system.ntfs_reparse_data"), Err(61));
    fsptool(&["reparse", p, "set", "0x80000099", "0a0b0c"]);
    let want = [0x99, 0, 0, 0x80, 3, 0, 0, 0, 0x0a, 0x0b, 0x0c];
    assert_eq!(get_attr(&f, "system.ntfs_reparse_data").unwrap(), want);
    assert!(fsptool(&["attrib", p]).contains('L'), "no reparse attribute");
    // another tag while one is set: Windows' EEXIST
    let other = [0x98, 0, 0, 0x80, 0, 0, 0, 0];
    assert_eq!(set_attr(&f, "system.ntfs_reparse_data", &other), Err(17));
    fsptool(&["reparse", p, "delete"]);
    assert_eq!(get_attr(&f, "system.ntfs_reparse_data"), Err(61));
    assert!(!fsptool(&["attrib", p]).contains('L'));
}

#[test]
fn security_descriptor() {
    if !ready() {
        return;
    }
    let m = Mount::new("sd", "allow_other");
    let f = m.path("f");
    fs::write(&f, b"x").unwrap();
    let p = f.to_str().unwrap();
    let sddl = "O:S-1-22-1-1234G:S-1-22-2-567D:P(A;;FA;;;S-1-22-1-1234)(A;;FR;;;WD)";
    fsptool(&["sd", "set", p, sddl]);
    assert_eq!(fsptool(&["sd", "get", p]).trim(), sddl);
    let md = fs::metadata(&f).unwrap();
    assert_eq!((md.uid(), md.gid(), md.permissions().mode() & 0o777), (1234, 567, 0o744));
    // the binding's own SDDL helpers read what the file system stored
    let raw = get_attr(&f, "system.ntfs_acl").unwrap();
    assert_eq!(fsp::security::sd_to_sddl(&raw).unwrap(), sddl);
    // a new file gets a descriptor through create (cp.security)
    fs::write(m.path("g"), b"y").unwrap();
    assert!(fsptool(&["sd", "get", m.path("g").to_str().unwrap()]).starts_with("O:"));
}

#[test]
fn readonly_attribute() {
    if !ready() {
        return;
    }
    let m = Mount::new("ro", "allow_other");
    let f = m.path("f");
    fs::write(&f, b"x").unwrap();
    let p = f.to_str().unwrap();
    fsptool(&["attrib", p, "+r"]);
    // EACCES for writing: at open, or (memfs's opens are stateless, so the
    // kernel sends no open to refuse) at the write, as with C memfs
    let w = fs::OpenOptions::new().write(true).open(&f).and_then(|mut h| h.write_all(b"y"));
    assert_eq!(err_of(w), 13);
    assert_eq!(err_of(fs::remove_file(&f)), 1); // EPERM
    assert_eq!(fs::read(&f).unwrap(), b"x");
    fsptool(&["attrib", p, "-r"]);
    fs::OpenOptions::new().append(true).open(&f).unwrap().write_all(b"y").unwrap();
    fs::remove_file(&f).unwrap();
}

#[test]
fn handle_survives_drop_caches() {
    if !ready() {
        return;
    }
    let m = Mount::new("export", "allow_other");
    fs::create_dir_all(m.path("a/b")).unwrap();
    let f = m.path("a/b/file");
    fs::write(&f, b"payload").unwrap();
    let mut handle = [0u8; 136]; // struct file_handle: bytes, type, then up to 128 bytes
    handle[..4].copy_from_slice(&128u32.to_ne_bytes());
    let mut mount_id = 0;
    let r = unsafe { name_to_handle_at(AT_FDCWD, c(&f).as_ptr(), handle.as_mut_ptr(), &mut mount_id, 0) };
    assert_eq!(r, 0, "name_to_handle_at: errno {}", errno());
    let root = fs::File::open(&m.dir).unwrap();
    Command::new("sync").status().unwrap();
    fs::write("/proc/sys/vm/drop_caches", b"2").unwrap();
    let fd = unsafe { open_by_handle_at(root.as_raw_fd(), handle.as_mut_ptr(), 0) };
    assert!(fd >= 0, "open_by_handle_at after drop_caches: errno {}", errno());
    let mut buf = [0u8; 64];
    let n = unsafe { read(fd, buf.as_mut_ptr() as *mut c_void, buf.len()) };
    unsafe { close(fd) };
    assert_eq!(&buf[..n.max(0) as usize], b"payload");
    // a removed file's handle is stale
    fs::remove_file(&f).unwrap();
    fs::write("/proc/sys/vm/drop_caches", b"2").unwrap();
    let fd = unsafe { open_by_handle_at(root.as_raw_fd(), handle.as_mut_ptr(), 0) };
    assert!(fd < 0 && errno() == 116, "a removed file's handle opened (fd {}, errno {})", fd, errno());
    assert!(fs::metadata(m.path("a/b")).unwrap().is_dir());
}
