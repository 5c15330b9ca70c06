// SPDX-License-Identifier: 0BSD
//! The smallest fsp file system in Rust: one read-only file.
//!
//!     cargo run --example hello -- /mnt    (Ctrl-C unmounts)
use fsp::{DirBuffer, Errno, FileInfo, FileSystem, Host, ReadBuf, Request, Result, VolumeParams};
use std::ffi::OsStr;

const TEXT: &[u8] = b"Hello, world!\n";

struct Hello;

/// The node is its inode number: 1 the root, 2 the file.
fn info(index: u64) -> FileInfo {
    match index {
        1 => FileInfo { index, mode: 0o040755, nlink: 2, ..Default::default() },
        _ => FileInfo { index, mode: 0o100444, nlink: 1, size: TEXT.len() as u64, ..Default::default() },
    }
}

impl FileSystem for Hello {
    type Node = u64;
    type File = ();

    fn lookup(&self, _: &Request, parent: Option<&u64>, name: &OsStr) -> Result<(u64, FileInfo)> {
        match (parent, name.to_str()) {
            (None, _) => Ok((1, info(1))),
            (Some(1), Some("hello")) => Ok((2, info(2))),
            _ => Err(Errno::ENOENT),
        }
    }
    fn get_file_info(&self, _: &Request, node: &u64, _: Option<&()>) -> Result<FileInfo> {
        Ok(info(*node))
    }
    fn read(&self, _: &Request, _: &u64, _: Option<&()>, offset: u64, mut buf: ReadBuf) -> Result<usize> {
        let data = TEXT.get(offset as usize..).unwrap_or(&[]);
        let n = data.len().min(buf.len());
        buf[..n].copy_from_slice(&data[..n]);
        Ok(n)
    }
    fn read_directory(&self, _: &Request, _: &u64, _: Option<&()>, dir: &mut DirBuffer) -> Result<()> {
        dir.add(OsStr::new("hello"), &info(2));
        Ok(())
    }
}

fn main() {
    let mountpoint = std::env::args().nth(1).expect("usage: hello MOUNTPOINT");
    let params = VolumeParams { file_info_timeout_ms: 1000, ..Default::default() };
    let mut host = Host::new(&params, fsp::iface::STATELESS_OPENS, Hello).expect("fsp_fs_new");
    host.mount(mountpoint.as_ref(), "").unwrap_or_else(|e| panic!("mount: {}", e));
    host.set_signal_handlers().expect("signals");
    host.run().expect("run");
}
