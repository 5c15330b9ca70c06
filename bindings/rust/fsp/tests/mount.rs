// SPDX-License-Identifier: LGPL-2.1-or-later
//! The binding through a real mount: contexts given back, errors mapped,
//! panics answered EIO, nonsense answers refused, pending reads completed
//! from another thread, caller identity, notifications and stop.
//! Needs root and /dev/fuse; says so and passes vacuously otherwise.
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use fsp::{DirBuffer, Errno, FileInfo, FileSystem, Host, ReadBuf, Request, Result, VolumeInfo, VolumeParams};

const NAMES: [&str; 8] = ["hello", "slow", "panic", "bad", "toolong", "who", "slowdrop", "slowpanic"];

struct TNode {
    index: u64,
    live: Arc<AtomicI64>,
}
impl Drop for TNode {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

struct TestFs {
    live: Arc<AtomicI64>,
    opens: Arc<AtomicI64>,
}

impl TestFs {
    fn node(&self, index: u64) -> TNode {
        self.live.fetch_add(1, Ordering::SeqCst);
        TNode { index, live: self.live.clone() }
    }
    fn info(&self, req: &Request, index: u64) -> FileInfo {
        if index == 1 {
            return FileInfo { index, mode: 0o40755, nlink: 2, ..Default::default() };
        }
        let who = NAMES[index as usize - 2] == "who";
        FileInfo {
            index,
            mode: 0o100644,
            nlink: 1,
            // the caller's identity, reported back as the owner
            uid: if who { req.uid() } else { 0 },
            gid: if who { req.gid() } else { 0 },
            size: 12,
            ..Default::default()
        }
    }
}

struct Open;

impl FileSystem for TestFs {
    type Node = TNode;
    type File = Open;

    fn get_volume_info(&self, _: &Request) -> Result<VolumeInfo> {
        Ok(VolumeInfo { total_size: 1 << 20, free_size: 1 << 19, label: "test".into(), ..Default::default() })
    }
    fn lookup(&self, req: &Request, parent: Option<&TNode>, name: &OsStr) -> Result<(TNode, FileInfo)> {
        let index = match parent {
            None => 1,
            Some(_) => match NAMES.iter().position(|n| OsStr::new(n) == name) {
                Some(i) => i as u64 + 2,
                None => return Err(Errno::ENOENT),
            },
        };
        match name.as_bytes() {
            b"panic" => panic!("a bug in lookup"),
            b"bad" => return Err(Errno(100_000)),
            _ => {}
        }
        Ok((self.node(index), self.info(req, index)))
    }
    fn get_file_info(&self, req: &Request, node: &TNode, _: Option<&Open>) -> Result<FileInfo> {
        Ok(self.info(req, node.index))
    }
    fn open(&self, req: &Request, node: &TNode, _: u32) -> Result<(Option<Open>, FileInfo)> {
        self.opens.fetch_add(1, Ordering::SeqCst);
        Ok((Some(Open), self.info(req, node.index)))
    }
    fn close(&self, _: &TNode, file: Option<Open>) {
        assert!(file.is_some());
        self.opens.fetch_sub(1, Ordering::SeqCst);
    }
    fn read(&self, _: &Request, node: &TNode, _: Option<&Open>, off: u64, mut buf: ReadBuf) -> Result<usize> {
        let data = b"hello world\n";
        let name = NAMES[node.index as usize - 2];
        if name == "toolong" {
            return Ok(buf.len() + 1);
        }
        let n = data.len().saturating_sub(off as usize).min(buf.len());
        if name == "slowdrop" {
            // a pending read dropped without completing: answered EIO
            let p = buf.pend().ok_or(Errno::ENOMEM)?;
            thread::spawn(move || drop(p));
            return Ok(0);
        }
        if name == "slowpanic" {
            // a bug after pending: unwinding drops the handle, EIO
            let _p = buf.pend().ok_or(Errno::ENOMEM)?;
            panic!("a bug after pend");
        }
        if name == "slow" {
            let mut p = buf.pend().ok_or(Errno::ENOMEM)?;
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50));
                p.buf()[..n].copy_from_slice(&data[off as usize..off as usize + n]);
                p.complete(Ok(n));
            });
            return Ok(0);
        }
        buf[..n].copy_from_slice(&data[off as usize..off as usize + n]);
        Ok(n)
    }
    fn read_directory(&self, req: &Request, _: &TNode, _: Option<&Open>, dir: &mut DirBuffer) -> Result<()> {
        for (i, n) in NAMES.iter().enumerate() {
            dir.add(OsStr::new(n), &self.info(req, i as u64 + 2));
        }
        Ok(())
    }
    fn get_ea(&self, _: &Request, _: &TNode, name: &OsStr) -> Result<Vec<u8>> {
        if name == "user.big" {
            Ok(vec![b'x'; 100])
        } else {
            Err(Errno::ENODATA)
        }
    }
}

fn errno(r: std::io::Result<impl Sized>) -> i32 {
    r.err().and_then(|e| e.raw_os_error()).unwrap_or(0)
}

#[test]
fn mount_and_serve() {
    let is_root = fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false);
    if !is_root || fs::metadata("/dev/fuse").is_err() {
        eprintln!("skipped: needs root and /dev/fuse");
        return;
    }
    let mp: PathBuf = std::env::temp_dir().join(format!("fsp-rust-test.{}", std::process::id()));
    fs::create_dir_all(&mp).unwrap();
    let live = Arc::new(AtomicI64::new(0));
    let opens = Arc::new(AtomicI64::new(0));
    let tfs = TestFs { live: live.clone(), opens: opens.clone() };
    let mut host = Host::new(&VolumeParams::default(), 0, tfs).unwrap();
    host.mount(&mp, "").unwrap();
    let handle = host.handle();
    let server = thread::spawn(move || {
        let r = host.run();
        drop(host);
        r
    });

    let result = std::panic::catch_unwind(|| {
        assert_eq!(fs::read(mp.join("hello")).unwrap(), b"hello world\n");
        // asynchronous completion from another thread
        assert_eq!(fs::read(mp.join("slow")).unwrap(), b"hello world\n");
        // a panic and an invalid errno answer EIO; the mount keeps serving
        assert_eq!(errno(fs::metadata(mp.join("panic"))), 5);
        assert_eq!(errno(fs::metadata(mp.join("bad"))), 5);
        assert_eq!(errno(fs::metadata(mp.join("nothing"))), 2);
        // too much data is refused
        let mut f = fs::File::open(mp.join("toolong")).unwrap();
        let mut b = [0u8; 16];
        assert_eq!(errno(f.read(&mut b)), 5);
        drop(f);
        for n in ["slowdrop", "slowpanic"] {
            assert_eq!(errno(fs::read(mp.join(n))), 5, "{}", n);
        }
        // the caller's identity reached the file system
        let m = fs::metadata(mp.join("who")).unwrap();
        assert_eq!((m.uid(), m.gid()), (0, 0));
        // a directory listing
        let mut names: Vec<String> =
            fs::read_dir(&mp).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names.len(), NAMES.len());
        // an unimplemented callback answers ENOSYS (O_TRUNC: no set_file_size)
        assert_eq!(errno(fs::write(mp.join("hello"), b"x")), 38);
        // notifications reach the kernel (ENOENT: nothing cached is fine)
        let r = handle.notify_inode(2, -1, 0);
        assert!(r.is_ok() || r == Err(Errno::ENOENT), "{:?}", r);
        assert!(fs::metadata(mp.join("hello")).is_ok());
        assert_eq!(fs::read(mp.join("hello")).unwrap().len(), 12);
        assert_eq!(fs::metadata(mp.join("panic")).err().and_then(|e| e.raw_os_error()), Some(5));
    });
    handle.stop();
    let run = server.join().unwrap();
    let _ = fs::remove_dir(&mp);
    if let Err(p) = result {
        std::panic::resume_unwind(p);
    }
    run.unwrap();
    // every node reference and every open came back
    assert_eq!(live.load(Ordering::SeqCst), 0, "nodes not forgotten");
    assert_eq!(opens.load(Ordering::SeqCst), 0, "opens not closed");
    // a handle outliving its file system answers ENOTCONN
    assert_eq!(handle.notify_inode(1, -1, 0), Err(Errno::ENOTCONN));
}

#[test]
fn errno_mapping() {
    assert_eq!(Errno::from(std::io::Error::from_raw_os_error(2)), Errno::ENOENT);
    assert_eq!(format!("{:?}", Errno::ENOSPC), "ENOSPC");
    assert_eq!(format!("{:?}", Errno(4000)), "Errno(4000)");
    let e: std::io::Error = Errno::EACCES.into();
    assert_eq!(e.raw_os_error(), Some(13));
}

#[test]
fn send_and_sync() {
    fn check<T: Send + Sync>() {}
    fn send<T: Send>() {}
    check::<fsp::FsHandle>();
    send::<fsp::PendingRead>();
    send::<fsp::PendingWrite>();
    send::<Host<TestFs>>();
}
