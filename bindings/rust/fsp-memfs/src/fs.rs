// SPDX-License-Identifier: LGPL-2.1-or-later
//! memfs in Rust: the in-memory file system, as a Rust user writes one.
//!
//! A node is an `Arc<MNode>`: directories hold their children by `Arc`,
//! and fsp holds one `Arc` per node reference it has, so a node lives
//! while it has a name or a reference and its space is given back when
//! the last `Arc` goes (`Drop`).  Directory entries are under a `RwLock`
//! (fsp runs namespace changes alone, lookups and listings shared);
//! everything else of a node under its `Mutex`, since reads and writes run
//! beside everything.
//!
//! The Windows set: a node's named streams are nodes of their own in its
//! `streams` map (-N), its reparse data and security descriptor are
//! bytes memfs keeps as they come (-P, --security: fsp checks them and
//! derives what they mean), and the read-only attribute is fsp's to
//! enforce (-R).  Export: every named file is found by its index, with a
//! generation that differs between runs (indexes are never reused within
//! one).
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, Weak};

use fsp::{
    alloc, attr, ea, rename, set, BasicInfo, CreateParams, DirBuffer, Errno, FileInfo, FileSystem,
    ReadBuf, Request, Result, StreamBuffer, Timespec, VolumeInfo, Whence, WriteBuf,
};

const PAGE: u64 = 4096;
const S_IFMT: u32 = 0o170000;
const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;
const O_NOATIME: u32 = 0o1000000;

/// The volume's limits and what is used of them.
pub struct Volume {
    max_bytes: u64,
    max_files: u64,
    used_bytes: AtomicU64,
    used_files: AtomicU64,
    next_index: AtomicU64,
    /// Export: the named files by index (weak: names and fsp's references
    /// keep a node alive, not this map).
    by_index: Mutex<HashMap<u64, Weak<MNode>>>,
    /// Mixed into every generation, so handles of an earlier run are stale.
    gen_key: u64,
}

impl Volume {
    fn reserve_file(&self) -> Result<()> {
        let r = self.used_files.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |u| {
            if self.max_files != 0 && u >= self.max_files {
                None
            } else {
                Some(u + 1)
            }
        });
        r.map(|_| ()).map_err(|_| Errno::ENOSPC)
    }
    /// Reserves `want` bytes, or with `partial` what is left.
    fn reserve_bytes(&self, want: u64, partial: bool) -> u64 {
        let mut got = 0;
        let _ = self.used_bytes.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |u| {
            let avail = self.max_bytes.saturating_sub(u);
            got = if want <= avail { want } else if partial { avail } else { 0 };
            Some(u + got)
        });
        got
    }
    fn release_bytes(&self, b: u64) {
        self.used_bytes.fetch_sub(b, Ordering::SeqCst);
    }
    fn publish(&self, n: &Arc<MNode>) {
        let index = n.lock().info.index;
        self.by_index.lock().unwrap().insert(index, Arc::downgrade(n));
    }
}

struct Page {
    bytes: Box<[u8]>,
    unwritten: bool, // allocated by fallocate and never written: a hole to SEEK_DATA
}

#[derive(Default)]
struct State {
    info: FileInfo,
    names: u32,
    subdirs: u32,
    pages: BTreeMap<u64, Page>,
    eas: BTreeMap<Vec<u8>, Vec<u8>>,
    streams: BTreeMap<Vec<u8>, Arc<MNode>>,
    reparse: Option<Vec<u8>>,
    sd: Option<Vec<u8>>,
}

/// One file, directory, symlink or special file.
pub struct MNode {
    kind: u32,
    target: Option<Vec<u8>>,
    st: Mutex<State>,
    entries: RwLock<BTreeMap<Vec<u8>, Arc<MNode>>>,
    parent: Mutex<Weak<MNode>>, // a directory's, for export's ".."
    vol: Arc<Volume>,
}

impl Drop for MNode {
    fn drop(&mut self) {
        let st = self.st.get_mut().unwrap_or_else(|e| e.into_inner());
        self.vol.release_bytes(st.pages.len() as u64 * PAGE);
        self.vol.used_files.fetch_sub(1, Ordering::SeqCst);
        let mut map = self.vol.by_index.lock().unwrap_or_else(|e| e.into_inner());
        if map.get(&st.info.index).map_or(false, |w| w.strong_count() == 0) {
            map.remove(&st.info.index);
        }
    }
}

impl MNode {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.st.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn is_dir(&self) -> bool {
        self.kind == S_IFDIR
    }
    fn info(&self) -> FileInfo {
        fill(&self.lock(), self.kind)
    }
}

fn fill(st: &State, kind: u32) -> FileInfo {
    let mut fi = st.info;
    // A directory's ".." entries in its subdirectories are links too.
    fi.nlink = if kind == S_IFDIR && st.names > 0 { 2 + st.subdirs } else { st.names };
    fi.alloc_size = st.pages.len() as u64 * PAGE;
    fi
}

/// One open: memfs only needs to know whether reads may move atime.
pub struct OpenFile {
    noatime: bool,
}

/// A read or write to finish later on the slow-I/O thread (-S).
enum Slow {
    Read(Arc<MNode>, bool, u64, fsp::PendingRead),
    Write(Arc<MNode>, u64, fsp::PendingWrite),
}

/// The file system.
pub struct MemFs {
    vol: Arc<Volume>,
    root: Arc<MNode>,
    label: Mutex<String>,
    stateless: bool,
    slow: Option<Mutex<mpsc::Sender<Slow>>>,
}

type Node = Arc<MNode>;

fn now() -> Timespec {
    Timespec::now()
}

impl MemFs {
    /// An empty volume: `max_bytes` 0 is half the machine's memory.
    pub fn new(max_bytes: u64, max_files: u64, label: &str, stateless: bool, uid: u32, gid: u32) -> MemFs {
        let vol = Arc::new(Volume {
            max_bytes,
            max_files,
            used_bytes: AtomicU64::new(0),
            used_files: AtomicU64::new(0),
            next_index: AtomicU64::new(1),
            by_index: Mutex::new(HashMap::new()),
            gen_key: Timespec::now().nsec as u64 ^ (Timespec::now().sec as u64) << 20 ^ std::process::id() as u64,
        });
        let cp = CreateParams {
            mode: S_IFDIR | 0o755,
            attributes: 0,
            flags: 0,
            uid,
            gid,
            rdev: 0,
            link_target: None,
            security: None,
        };
        let _ = vol.reserve_file();
        let root = new_node(&vol, &cp);
        root.lock().names = 1; // never unlinked
        vol.publish(&root);
        MemFs { vol, root, label: Mutex::new(label.into()), stateless, slow: None }
    }

    /// -S: reads and writes finish later on another thread.
    pub fn start_slow_io(&mut self) {
        let (tx, rx) = mpsc::channel::<Slow>();
        std::thread::spawn(move || {
            for job in rx {
                match job {
                    Slow::Read(n, noatime, off, mut p) => {
                        let r = read_into(&n, noatime, off, p.buf());
                        p.complete(Ok(r));
                    }
                    Slow::Write(n, off, p) => {
                        let r = write_from(&n, off, p.data()).map(|(c, fi)| (c, Some(fi)));
                        p.complete(r);
                    }
                }
            }
        });
        self.slow = Some(Mutex::new(tx));
    }

    fn volume_info(&self) -> VolumeInfo {
        let used_files = self.vol.used_files.load(Ordering::SeqCst);
        let used_bytes = self.vol.used_bytes.load(Ordering::SeqCst);
        let (total_files, free_files) = if self.vol.max_files != 0 {
            (self.vol.max_files, self.vol.max_files.saturating_sub(used_files))
        } else {
            // As tmpfs without nr_inodes: one file per page of the budget.
            let t = (self.vol.max_bytes / PAGE).max(used_files);
            (t, t - used_files)
        };
        VolumeInfo {
            total_size: self.vol.max_bytes,
            free_size: self.vol.max_bytes.saturating_sub(used_bytes),
            total_files,
            free_files,
            label: self.label.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        }
    }
}

fn new_node(vol: &Arc<Volume>, cp: &CreateParams) -> Arc<MNode> {
    let kind = cp.mode & S_IFMT;
    let target = cp.link_target.map(|t| t.as_bytes().to_vec());
    let t = now();
    let index = vol.next_index.fetch_add(1, Ordering::SeqCst); // never reused
    let mut info = FileInfo {
        index,
        generation: generation(vol.gen_key, index),
        mode: cp.mode,
        attributes: cp.attributes,
        uid: cp.uid,
        gid: cp.gid,
        rdev: cp.rdev,
        creation_time: t,
        access_time: t,
        write_time: t,
        change_time: t,
        ..Default::default()
    };
    if kind == S_IFDIR {
        info.attributes |= attr::DIRECTORY;
    }
    if let Some(t) = &target {
        info.attributes |= attr::REPARSE_POINT;
        info.size = t.len() as u64;
    }
    Arc::new(MNode {
        kind,
        target,
        st: Mutex::new(State { info, sd: cp.security.map(|s| s.to_vec()), ..Default::default() }),
        entries: RwLock::new(BTreeMap::new()),
        parent: Mutex::new(Weak::new()),
        vol: vol.clone(),
    })
}

/// A file's generation: the same for the file all its life, another for
/// the same index in another run.
fn generation(key: u64, index: u64) -> u64 {
    let mut x = key ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 31;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    (x ^ (x >> 29)) & 0xffff_ffff // the kernel keeps 32 bits
}

/// A stream shows its file's owner, group, permissions and read-only
/// attribute (NTFS keeps those per file, not per stream).
fn stream_info(host: &MNode, s: &MNode) -> FileInfo {
    let h = host.lock().info;
    let mut st = s.lock();
    let i = &mut st.info;
    i.mode = S_IFREG | (h.mode & 0o7777);
    i.uid = h.uid;
    i.gid = h.gid;
    i.attributes = (i.attributes & !attr::READONLY) | (h.attributes & attr::READONLY);
    fill(&st, s.kind)
}

/// Linux's default relatime rule: an access moves atime only when atime
/// is not newer than mtime or ctime, or is a day old.
fn touch_access(st: &mut State) {
    let t = now();
    let i = &mut st.info;
    if i.access_time <= i.write_time || i.access_time <= i.change_time || t.sec - i.access_time.sec >= 86400 {
        i.access_time = t;
    }
}

fn touch_data(st: &mut State) {
    let t = now();
    st.info.write_time = t;
    st.info.change_time = t;
}

fn dir_changed(dir: &MNode, subdirs: i32) {
    let mut st = dir.lock();
    st.subdirs = (st.subdirs as i32 + subdirs) as u32;
    touch_data(&mut st);
}

fn unlink_node(n: &MNode) {
    let mut st = n.lock();
    st.names -= 1;
    st.info.change_time = now();
}

fn read_into(n: &MNode, noatime: bool, off: u64, buf: &mut [u8]) -> usize {
    let mut st = n.lock();
    let size = st.info.size;
    let count = if off < size { (size - off).min(buf.len() as u64) as usize } else { 0 };
    let mut done = 0;
    while done < count {
        let pos = off + done as u64;
        let in_page = (pos % PAGE) as usize;
        let len = (PAGE as usize - in_page).min(count - done);
        match st.pages.get(&(pos / PAGE)) {
            Some(p) => buf[done..done + len].copy_from_slice(&p.bytes[in_page..in_page + len]),
            None => buf[done..done + len].fill(0),
        }
        done += len;
    }
    if !noatime {
        touch_access(&mut st);
    }
    count
}

/// Writes what fits; ENOSPC only when nothing did.
fn write_from(n: &MNode, off: u64, data: &[u8]) -> Result<(usize, FileInfo)> {
    if off.checked_add(data.len() as u64).map_or(true, |e| e > i64::MAX as u64) {
        return Err(Errno::EFBIG);
    }
    let mut st = n.lock();
    let mut done = 0;
    while done < data.len() {
        let pos = off + done as u64;
        let no = pos / PAGE;
        let in_page = (pos % PAGE) as usize;
        let len = (PAGE as usize - in_page).min(data.len() - done);
        if !st.pages.contains_key(&no) {
            if n.vol.reserve_bytes(PAGE, false) == 0 {
                break;
            }
            st.pages.insert(no, Page { bytes: vec![0; PAGE as usize].into_boxed_slice(), unwritten: false });
        }
        let p = st.pages.get_mut(&no).unwrap();
        p.bytes[in_page..in_page + len].copy_from_slice(&data[done..done + len]);
        p.unwritten = false;
        done += len;
    }
    if done == 0 && !data.is_empty() {
        return Err(Errno::ENOSPC);
    }
    if done > 0 {
        if off + done as u64 > st.info.size {
            st.info.size = off + done as u64;
        }
        touch_data(&mut st);
    }
    Ok((done, fill(&st, n.kind)))
}

/// Frees every page past `size`, zeroing the tail of the last one kept.
fn truncate(n: &MNode, st: &mut State, size: u64) {
    let first_gone = (size + PAGE - 1) / PAGE;
    let gone: Vec<u64> = st.pages.range(first_gone..).map(|(k, _)| *k).collect();
    for k in &gone {
        st.pages.remove(k);
    }
    n.vol.release_bytes(gone.len() as u64 * PAGE);
    if size % PAGE != 0 {
        if let Some(p) = st.pages.get_mut(&(size / PAGE)) {
            p.bytes[(size % PAGE) as usize..].fill(0);
        }
    }
}

impl FileSystem for MemFs {
    type Node = Node;
    type File = OpenFile;
    // All offered; fsp calls streams, reparse data and security only on
    // volumes with their flag (-N, -P, --security).
    const EXPORT: bool = true;
    const STREAMS: bool = true;
    const REPARSE_DATA: bool = true;
    const SECURITY: bool = true;

    fn get_volume_info(&self, _: &Request) -> Result<VolumeInfo> {
        Ok(self.volume_info())
    }

    fn set_volume_label(&self, _: &Request, label: &OsStr) -> Result<VolumeInfo> {
        let s = label.to_str().ok_or(Errno::EINVAL)?;
        if s.len() >= 64 {
            return Err(Errno::ENAMETOOLONG);
        }
        *self.label.lock().unwrap_or_else(|e| e.into_inner()) = s.into();
        Ok(self.volume_info())
    }

    fn lookup(&self, _: &Request, parent: Option<&Node>, name: &OsStr) -> Result<(Node, FileInfo)> {
        let n = match parent {
            None if name == "/" => self.root.clone(),
            None => return Err(Errno::ENOENT),
            // Export asks a directory for its parent; a removed one has none.
            Some(d) if name == ".." && d.is_dir() && d.lock().names > 0 => {
                d.parent.lock().unwrap().upgrade().ok_or(Errno::ENOENT)?
            }
            Some(p) => p.entries.read().unwrap().get(name.as_bytes()).cloned().ok_or(Errno::ENOENT)?,
        };
        let fi = n.info();
        Ok((n, fi))
    }

    fn get_file_info(&self, _: &Request, node: &Node, _: Option<&OpenFile>) -> Result<FileInfo> {
        Ok(node.info())
    }

    fn create(
        &self,
        _: &Request,
        dir: &Node,
        name: Option<&OsStr>,
        cp: &CreateParams,
    ) -> Result<(Node, Option<OpenFile>, FileInfo)> {
        let kind = cp.mode & S_IFMT;
        let file = || Some(OpenFile { noatime: cp.flags & O_NOATIME != 0 }).filter(|_| !self.stateless);
        let name = match name {
            Some(n) => n,
            None => {
                // O_TMPFILE: a regular file with no name, open.
                if kind != S_IFREG {
                    return Err(Errno::EINVAL);
                }
                if !dir.is_dir() {
                    return Err(Errno::ENOTDIR);
                }
                if dir.lock().names == 0 {
                    return Err(Errno::ENOENT);
                }
                self.vol.reserve_file()?;
                let n = new_node(&self.vol, cp);
                let fi = n.info();
                return Ok((n, file(), fi));
            }
        };
        match kind {
            S_IFLNK if cp.link_target.is_none() => return Err(Errno::EINVAL),
            S_IFREG | S_IFDIR | S_IFLNK | 0o020000 | 0o060000 | 0o010000 | 0o140000 => {}
            _ => return Err(Errno::EINVAL),
        }
        if !dir.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        if dir.lock().names == 0 {
            return Err(Errno::ENOENT); // a removed directory takes no new names
        }
        let mut ents = dir.entries.write().unwrap();
        if ents.contains_key(name.as_bytes()) {
            return Err(Errno::EEXIST);
        }
        self.vol.reserve_file()?;
        let n = new_node(&self.vol, cp);
        n.lock().names = 1;
        *n.parent.lock().unwrap() = Arc::downgrade(dir);
        self.vol.publish(&n);
        ents.insert(name.as_bytes().to_vec(), n.clone());
        drop(ents);
        dir_changed(dir, (kind == S_IFDIR) as i32);
        let fi = n.info();
        let f = if kind == S_IFREG { file() } else { None };
        Ok((n, f, fi))
    }

    fn open(&self, _: &Request, node: &Node, flags: u32) -> Result<(Option<OpenFile>, FileInfo)> {
        Ok((Some(OpenFile { noatime: flags & O_NOATIME != 0 }), node.info()))
    }

    fn overwrite(&self, _: &Request, node: &Node, _: Option<&OpenFile>) -> Result<FileInfo> {
        let mut st = node.lock();
        truncate(node, &mut st, 0);
        st.info.size = 0;
        touch_data(&mut st);
        Ok(fill(&st, node.kind))
    }

    fn read(&self, _: &Request, node: &Node, file: Option<&OpenFile>, offset: u64, mut buf: ReadBuf) -> Result<usize> {
        let noatime = file.map_or(false, |f| f.noatime);
        if let Some(slow) = &self.slow {
            if let Some(p) = buf.pend() {
                let _ = slow.lock().unwrap().send(Slow::Read(node.clone(), noatime, offset, p));
                return Ok(0);
            }
            return Err(Errno::ENOMEM);
        }
        Ok(read_into(node, noatime, offset, &mut buf))
    }

    fn write(
        &self,
        _: &Request,
        node: &Node,
        _: Option<&OpenFile>,
        offset: u64,
        data: WriteBuf,
    ) -> Result<(usize, FileInfo)> {
        if let Some(slow) = &self.slow {
            if let Some(p) = data.pend() {
                let _ = slow.lock().unwrap().send(Slow::Write(node.clone(), offset, p));
                return Ok((0, FileInfo::default()));
            }
            return Err(Errno::ENOMEM);
        }
        write_from(node, offset, &data)
    }

    fn flush(&self, _: &Request, _: &Node, _: Option<&OpenFile>, _: bool) -> Result<()> {
        Ok(()) // the data is already where it goes
    }

    fn set_basic_info(&self, _: &Request, node: &Node, _: Option<&OpenFile>, bi: &BasicInfo) -> Result<FileInfo> {
        let type_attrs = attr::DIRECTORY | attr::REPARSE_POINT;
        let mut st = node.lock();
        let i = &mut st.info;
        if bi.valid & set::MODE != 0 {
            i.mode = (i.mode & S_IFMT) | (bi.mode & 0o7777);
        }
        if bi.valid & set::UID != 0 {
            i.uid = bi.uid;
        }
        if bi.valid & set::GID != 0 {
            i.gid = bi.gid;
        }
        if bi.valid & set::ATTRIBUTES != 0 {
            // the type's bits are not data
            i.attributes = (bi.attributes & !type_attrs) | (i.attributes & type_attrs);
        }
        if bi.valid & set::ATIME != 0 {
            i.access_time = bi.access_time;
        }
        if bi.valid & set::MTIME != 0 {
            i.write_time = bi.write_time;
        }
        if bi.valid & set::CRTIME != 0 {
            i.creation_time = bi.creation_time;
        }
        i.change_time = if bi.valid & set::CTIME != 0 { bi.change_time } else { now() };
        Ok(fill(&st, node.kind))
    }

    fn set_file_size(&self, _: &Request, node: &Node, _: Option<&OpenFile>, size: u64) -> Result<FileInfo> {
        if node.kind != S_IFREG {
            return Err(if node.is_dir() { Errno::EISDIR } else { Errno::EINVAL });
        }
        if size > i64::MAX as u64 {
            return Err(Errno::EFBIG);
        }
        let mut st = node.lock();
        if size < st.info.size {
            truncate(node, &mut st, size); // growing makes a hole
        }
        st.info.size = size;
        touch_data(&mut st);
        Ok(fill(&st, node.kind))
    }

    fn can_delete(&self, _: &Request, _: &Node, _: &OsStr, node: &Node) -> Result<()> {
        if node.is_dir() && !node.entries.read().unwrap().is_empty() {
            Err(Errno::ENOTEMPTY)
        } else {
            Ok(())
        }
    }

    fn set_delete(&self, _: &Request, dir: &Node, name: &OsStr, node: &Node) -> Result<()> {
        let mut ents = dir.entries.write().unwrap();
        match ents.get(name.as_bytes()) {
            Some(e) if Arc::ptr_eq(e, node) => {}
            _ => return Err(Errno::ENOENT),
        }
        let gone = ents.remove(name.as_bytes());
        drop(ents);
        dir_changed(dir, -(node.is_dir() as i32));
        unlink_node(node);
        drop(gone); // after the locks: may free a node
        Ok(())
    }

    fn rename(
        &self,
        _: &Request,
        odir: &Node,
        old_name: &OsStr,
        ndir: &Node,
        new_name: &OsStr,
        node: &Node,
        flags: u32,
    ) -> Result<()> {
        if !odir.is_dir() || !ndir.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        if ndir.lock().names == 0 {
            return Err(Errno::ENOENT);
        }
        let (on, nn) = (old_name.as_bytes(), new_name.as_bytes());
        match odir.entries.read().unwrap().get(on) {
            Some(e) if Arc::ptr_eq(e, node) => {}
            _ => return Err(Errno::ENOENT),
        }
        let old = ndir.entries.read().unwrap().get(nn).cloned();
        let n_dir = node.is_dir() as i32;
        let old_dir = old.as_ref().map_or(0, |o| o.is_dir() as i32);
        let same_dir = Arc::ptr_eq(odir, ndir);
        if flags & rename::EXCHANGE != 0 {
            let old = old.ok_or(Errno::ENOENT)?;
            odir.entries.write().unwrap().insert(on.to_vec(), old.clone());
            ndir.entries.write().unwrap().insert(nn.to_vec(), node.clone());
            *old.parent.lock().unwrap() = Arc::downgrade(odir);
            *node.parent.lock().unwrap() = Arc::downgrade(ndir);
            dir_changed(odir, if same_dir { 0 } else { old_dir - n_dir });
            dir_changed(ndir, if same_dir { 0 } else { n_dir - old_dir });
            old.lock().info.change_time = now();
            node.lock().info.change_time = now();
            return Ok(());
        }
        if let Some(o) = &old {
            if Arc::ptr_eq(o, node) {
                return Ok(()); // the same file: nothing to do
            }
            if flags & rename::NOREPLACE != 0 {
                return Err(Errno::EEXIST);
            }
            if o.is_dir() && !o.entries.read().unwrap().is_empty() {
                return Err(Errno::ENOTEMPTY);
            }
        }
        let moved = odir.entries.write().unwrap().remove(on);
        ndir.entries.write().unwrap().insert(nn.to_vec(), node.clone());
        *node.parent.lock().unwrap() = Arc::downgrade(ndir);
        dir_changed(odir, -n_dir);
        dir_changed(ndir, n_dir - old_dir);
        if let Some(o) = &old {
            unlink_node(o);
        }
        node.lock().info.change_time = now();
        drop(moved);
        Ok(())
    }

    fn read_directory(&self, _: &Request, node: &Node, _: Option<&OpenFile>, out: &mut DirBuffer) -> Result<()> {
        if !node.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        touch_access(&mut node.lock());
        for (name, child) in node.entries.read().unwrap().iter() {
            if !out.add(OsStr::from_bytes(name), &child.info()) {
                break;
            }
        }
        Ok(())
    }

    fn get_reparse_point(&self, _: &Request, node: &Node) -> Result<Vec<u8>> {
        node.target.clone().ok_or(Errno::EINVAL)
    }

    fn get_ea(&self, _: &Request, node: &Node, name: &OsStr) -> Result<Vec<u8>> {
        node.lock().eas.get(name.as_bytes()).cloned().ok_or(Errno::ENODATA)
    }

    fn set_ea(&self, _: &Request, node: &Node, name: &OsStr, value: &[u8], flags: i32) -> Result<()> {
        let mut st = node.lock();
        let exists = st.eas.contains_key(name.as_bytes());
        if flags & ea::CREATE != 0 && exists {
            return Err(Errno::EEXIST);
        }
        if flags & ea::REPLACE != 0 && !exists {
            return Err(Errno::ENODATA);
        }
        st.eas.insert(name.as_bytes().to_vec(), value.to_vec());
        st.info.change_time = now();
        Ok(())
    }

    fn list_ea(&self, _: &Request, node: &Node) -> Result<Vec<Vec<u8>>> {
        Ok(node.lock().eas.keys().cloned().collect())
    }

    fn remove_ea(&self, _: &Request, node: &Node, name: &OsStr) -> Result<()> {
        let mut st = node.lock();
        st.eas.remove(name.as_bytes()).ok_or(Errno::ENODATA)?;
        st.info.change_time = now();
        Ok(())
    }

    fn link(&self, _: &Request, node: &Node, dir: &Node, name: &OsStr) -> Result<FileInfo> {
        if !dir.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        if dir.lock().names == 0 {
            return Err(Errno::ENOENT);
        }
        if node.is_dir() {
            return Err(Errno::EPERM);
        }
        if node.lock().names == u32::MAX {
            return Err(Errno::EMLINK);
        }
        {
            let mut ents = dir.entries.write().unwrap();
            if ents.contains_key(name.as_bytes()) {
                return Err(Errno::EEXIST);
            }
            ents.insert(name.as_bytes().to_vec(), node.clone());
        }
        self.vol.publish(node); // an O_TMPFILE file may get its first name here
        {
            let mut st = node.lock();
            st.names += 1;
            st.info.change_time = now();
        }
        dir_changed(dir, 0);
        Ok(node.info())
    }

    fn allocate(
        &self,
        _: &Request,
        node: &Node,
        _: Option<&OpenFile>,
        offset: u64,
        length: u64,
        mode: u32,
    ) -> Result<FileInfo> {
        if node.kind != S_IFREG {
            return Err(if node.is_dir() { Errno::EISDIR } else { Errno::ENODEV });
        }
        let mut st = node.lock();
        let (first, last) = (offset / PAGE, (offset + length - 1) / PAGE);
        if mode & alloc::PUNCH_HOLE != 0 {
            let end = offset + length;
            for no in first..=last {
                let (ps, pe) = (no * PAGE, no * PAGE + PAGE);
                if offset <= ps && end >= pe {
                    if st.pages.remove(&no).is_some() {
                        node.vol.release_bytes(PAGE);
                    }
                } else if let Some(p) = st.pages.get_mut(&no) {
                    let a = offset.max(ps) - ps;
                    let b = end.min(pe) - ps;
                    p.bytes[a as usize..b as usize].fill(0);
                }
            }
        } else {
            // All or nothing: the space is reserved before any page exists.
            let missing = (first..=last).filter(|no| !st.pages.contains_key(no)).count() as u64;
            if missing > 0 && node.vol.reserve_bytes(missing * PAGE, false) == 0 {
                return Err(Errno::ENOSPC);
            }
            for no in first..=last {
                st.pages
                    .entry(no)
                    .or_insert_with(|| Page { bytes: vec![0; PAGE as usize].into_boxed_slice(), unwritten: true });
            }
            if mode & alloc::KEEP_SIZE == 0 && offset + length > st.info.size {
                st.info.size = offset + length;
            }
        }
        touch_data(&mut st);
        Ok(fill(&st, node.kind))
    }

    fn seek(&self, _: &Request, node: &Node, _: Option<&OpenFile>, offset: u64, whence: Whence) -> Result<u64> {
        let st = node.lock();
        let size = st.info.size;
        if offset >= size {
            return Err(Errno::ENXIO);
        }
        let is_data = |no: &u64| st.pages.get(no).map_or(false, |p| !p.unwritten);
        match whence {
            Whence::Data => {
                let start = st
                    .pages
                    .range(offset / PAGE..)
                    .find(|(_, p)| !p.unwritten)
                    .map(|(no, _)| no * PAGE)
                    .filter(|s| *s < size)
                    .ok_or(Errno::ENXIO)?;
                Ok(start.max(offset))
            }
            Whence::Hole => {
                let mut no = offset / PAGE;
                while is_data(&no) {
                    no += 1;
                }
                Ok((no * PAGE).max(offset).min(size))
            }
        }
    }

    fn lookup_index(&self, _: &Request, index: u64) -> Result<(Node, FileInfo)> {
        let n = self.vol.by_index.lock().unwrap().get(&index).and_then(Weak::upgrade);
        // Files without names are not offered, as in C memfs.
        let n = n.filter(|n| n.lock().names > 0).ok_or(Errno::ESTALE)?;
        let fi = n.info();
        Ok((n, fi))
    }

    fn lookup_stream(&self, _: &Request, node: &Node, name: &OsStr) -> Result<(Node, FileInfo)> {
        let s = node.lock().streams.get(name.as_bytes()).cloned().ok_or(Errno::ENOENT)?;
        let fi = stream_info(node, &s);
        Ok((s, fi))
    }

    fn create_stream(&self, _: &Request, node: &Node, name: &OsStr) -> Result<(Node, FileInfo)> {
        if node.lock().streams.contains_key(name.as_bytes()) {
            return Err(Errno::EEXIST); // create_stream runs alone: no race
        }
        self.vol.reserve_file()?;
        let cp = CreateParams {
            mode: S_IFREG,
            attributes: attr::ARCHIVE,
            flags: 0,
            uid: 0,
            gid: 0,
            rdev: 0,
            link_target: None,
            security: None,
        };
        let s = new_node(&self.vol, &cp);
        s.lock().names = 1;
        {
            let mut st = node.lock();
            st.streams.insert(name.as_bytes().to_vec(), s.clone());
            st.info.change_time = now();
        }
        let fi = stream_info(node, &s);
        Ok((s, fi))
    }

    fn delete_stream(&self, _: &Request, node: &Node, name: &OsStr) -> Result<()> {
        let gone = {
            let mut st = node.lock();
            let s = st.streams.remove(name.as_bytes()).ok_or(Errno::ENOENT)?;
            st.info.change_time = now();
            s
        };
        unlink_node(&gone); // readable while fsp still references it
        Ok(())
    }

    fn get_stream_info(&self, _: &Request, node: &Node, out: &mut StreamBuffer) -> Result<()> {
        let streams: Vec<(Vec<u8>, Node)> = node.lock().streams.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (name, s) in streams {
            let size = s.lock().info.size;
            if !out.add(OsStr::from_bytes(&name), size) {
                return Err(Errno::ENOMEM);
            }
        }
        Ok(())
    }

    fn get_reparse_data(&self, _: &Request, node: &Node) -> Result<Vec<u8>> {
        node.lock().reparse.clone().ok_or(Errno::ENODATA)
    }

    fn set_reparse_data(&self, _: &Request, node: &Node, data: &[u8]) -> Result<()> {
        let mut st = node.lock();
        // Windows replaces reparse data only with data of the same tag.
        if st.reparse.as_ref().map_or(false, |r| r[..4] != data[..4]) {
            return Err(Errno::EEXIST);
        }
        st.reparse = Some(data.to_vec());
        st.info.attributes |= attr::REPARSE_POINT;
        st.info.change_time = now();
        Ok(())
    }

    fn delete_reparse_data(&self, _: &Request, node: &Node) -> Result<()> {
        let mut st = node.lock();
        st.reparse.take().ok_or(Errno::ENODATA)?;
        if node.target.is_none() {
            st.info.attributes &= !attr::REPARSE_POINT; // a symlink stays one
        }
        st.info.change_time = now();
        Ok(())
    }

    fn get_security(&self, _: &Request, node: &Node) -> Result<Option<Vec<u8>>> {
        Ok(node.lock().sd.clone()) // None (the root): fsp maps the mode
    }

    fn set_security(&self, _: &Request, node: &Node, sd: &[u8]) -> Result<()> {
        let mut st = node.lock();
        st.sd = Some(sd.to_vec());
        st.info.change_time = now();
        Ok(())
    }
}
