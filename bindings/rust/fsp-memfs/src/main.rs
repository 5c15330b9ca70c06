// SPDX-License-Identifier: LGPL-2.1-or-later
//! memfs in Rust: the command line (the options of C memfs) and the fsp
//! life cycle.
mod fs;

use std::process::exit;
use std::time::SystemTime;

use fsp::{iface, vol, Host, Timespec, VolumeParams};

const USAGE: &str = "usage: memfs [-f] [-d] [-t THREADS] [-n MAX_FILES] [-s MAX_BYTES]
             [-F MAX_SIZE] [-C] [-S] [-A] [-N] [-P] [-R] [--security] [-W]
             [-l LABEL] [-o OPTIONS] MOUNTPOINT

An in-memory file system, in Rust on fsp.

  -f             stay in the foreground
  -d             trace every request on stderr (implies -f)
  -t THREADS     dispatcher threads (1: single-threaded, 0: one per CPU)
  -n MAX_FILES   most files and directories (default: no limit)
  -s MAX_BYTES   most bytes of file data, with K, M or G suffix
  -F MAX_SIZE    largest file, with K, M or G suffix (EFBIG past it)
  -C             no kernel caching: every read, write and stat reaches memfs
  -S             slow I/O: reads and writes finish later on another thread
  -A             POSIX ACLs
  --security     Windows security descriptors (system.ntfs_acl, fsptool sd):
                 the descriptor decides the owner, group and mode
  -N             named streams (user.DosStream.NAME:$DATA attributes;
                 FILE:STREAM paths with -o streams_interface=windows)
  -P             reparse points: any file or directory may carry
                 reparse data (system.ntfs_reparse_data)
  -R             the read-only attribute is enforced as NTFS does
  -W             the whole Windows set: -N -P -R --security (also
                 -o windows)
  -l LABEL       volume label (default: memfs)
  -o OPTIONS     mount options, e.g. ro,allow_other
  -h, --help     show this help
";

extern "C" {
    fn getuid() -> u32;
    fn getgid() -> u32;
    fn getpid() -> i32;
    fn sysconf(name: i32) -> i64;
    fn fork() -> i32;
    fn setsid() -> i32;
    fn pipe(fds: *mut i32) -> i32;
    fn read(fd: i32, buf: *mut u8, n: usize) -> isize;
    fn write(fd: i32, buf: *const u8, n: usize) -> isize;
    fn close(fd: i32) -> i32;
    fn dup2(a: i32, b: i32) -> i32;
    fn open(path: *const u8, flags: i32, ...) -> i32;
    fn chdir(path: *const u8) -> i32;
}
const SC_PAGESIZE: i32 = 30;
const SC_PHYS_PAGES: i32 = 85;

fn die(msg: &str) -> ! {
    eprintln!("memfs: {}", msg);
    exit(1)
}

fn number(opt: char, s: &str, suffixes: bool) -> u64 {
    let (digits, shift) = match s.chars().last() {
        Some(c) if suffixes && "kKmMgG".contains(c) => {
            (&s[..s.len() - 1], match c.to_ascii_lowercase() { 'k' => 10, 'm' => 20, _ => 30 })
        }
        _ => (s, 0),
    };
    match digits.parse::<u64>() {
        Ok(v) if v.leading_zeros() >= shift => v << shift,
        _ => die(&format!("bad number for -{}: '{}'", opt, s)),
    }
}

struct Options {
    foreground: bool,
    debug: bool,
    nocache: bool,
    slowio: bool,
    acl: bool,
    streams: bool,
    reparse: bool,
    readonly_attr: bool,
    security: bool,
    threads: Option<u32>,
    max_files: u64,
    max_bytes: u64,
    max_file_size: u64,
    label: String,
    options: String,
    mountpoint: String,
}

impl Options {
    /// -W: the whole Windows set.
    fn windows(&mut self) {
        self.streams = true;
        self.reparse = true;
        self.readonly_attr = true;
        self.security = true;
    }
}

fn parse() -> Options {
    let mut o = Options {
        foreground: false,
        debug: false,
        nocache: false,
        slowio: false,
        acl: false,
        streams: false,
        reparse: false,
        readonly_attr: false,
        security: false,
        threads: None,
        max_files: 0,
        max_bytes: 0,
        max_file_size: 0,
        label: "memfs".into(),
        options: String::new(),
        mountpoint: String::new(),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "-h" || a == "--help" {
            print!("{}", USAGE);
            exit(0);
        }
        if a == "--security" {
            o.security = true;
            continue;
        }
        if !a.starts_with('-') || a.len() < 2 {
            rest.push(a.clone());
            continue;
        }
        // Flags may be grouped (-fd); an argument may follow or be attached.
        let chars: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            j += 1;
            let mut arg = || -> String {
                let attached: String = chars[j..].iter().collect();
                j = chars.len();
                if !attached.is_empty() {
                    return attached;
                }
                i += 1;
                args.get(i - 1).cloned().unwrap_or_else(|| die(&format!("option -{} needs an argument", c)))
            };
            match c {
                'f' => o.foreground = true,
                'd' => {
                    o.debug = true;
                    o.foreground = true
                }
                'C' => o.nocache = true,
                'S' => o.slowio = true,
                'A' => o.acl = true,
                'N' => o.streams = true,
                'P' => o.reparse = true,
                'R' => o.readonly_attr = true,
                'W' => o.windows(),
                'i' => die("-i (case-insensitive) is not offered by the Rust memfs"),
                't' => o.threads = Some(number(c, &arg(), false).min(1024) as u32),
                'n' => o.max_files = number(c, &arg(), false),
                's' => o.max_bytes = number(c, &arg(), true),
                'F' => o.max_file_size = number(c, &arg(), true),
                'l' => o.label = arg(),
                'o' => {
                    // "windows" is -W; the rest goes to the mount.
                    for v in arg().split(',').filter(|v| !v.is_empty()) {
                        if v == "windows" {
                            o.windows();
                            continue;
                        }
                        if !o.options.is_empty() {
                            o.options.push(',');
                        }
                        o.options.push_str(v);
                    }
                }
                _ => die(&format!("unknown option -{} (see memfs --help)", c)),
            }
        }
    }
    match rest.len() {
        0 => die("missing mountpoint (see memfs --help)"),
        1 => o.mountpoint = rest.pop().unwrap(),
        _ => die(&format!("unexpected argument '{}'", rest[1])),
    }
    if o.label.len() >= 64 {
        die(&format!("label too long: '{}'", o.label));
    }
    o
}

/// Detach from the terminal before any thread exists; the parent exits
/// with the mount's status, read from the returned pipe.
fn daemonize() -> i32 {
    let mut fds = [0i32; 2];
    unsafe {
        if pipe(fds.as_mut_ptr()) < 0 {
            die("pipe failed");
        }
        let pid = fork();
        if pid < 0 {
            die("fork failed");
        }
        if pid > 0 {
            close(fds[1]);
            let mut status = 1u8;
            if read(fds[0], &mut status, 1) != 1 {
                status = 1;
            }
            exit(status as i32);
        }
        close(fds[0]);
        setsid();
    }
    fds[1]
}

fn notify_parent(fd: &mut i32, status: u8) {
    if *fd >= 0 {
        unsafe {
            write(*fd, &status, 1);
            close(*fd);
        }
        *fd = -1;
    }
}

fn detach_stdio() {
    unsafe {
        let fd = open(b"/dev/null\0".as_ptr(), 2);
        if chdir(b"/\0".as_ptr()) < 0 || fd < 0 {
            return;
        }
        for t in 0..3 {
            dup2(fd, t);
        }
        if fd > 2 {
            close(fd);
        }
    }
}

fn main() {
    let o = parse();
    let mut notify = if o.foreground { -1 } else { daemonize() };

    let max_bytes = if o.max_bytes != 0 {
        o.max_bytes
    } else {
        // like tmpfs: half of the machine's memory
        unsafe { (sysconf(SC_PHYS_PAGES) as u64) * (sysconf(SC_PAGESIZE) as u64) / 2 }
    };
    // An open is needed only to honour O_NOATIME, which matters only when
    // reads reach memfs (-C); otherwise opens are stateless.
    let stateless = !o.nocache;
    let (uid, gid) = unsafe { (getuid(), getgid()) };
    let mut memfs = fs::MemFs::new(max_bytes, o.max_files, &o.label, stateless, uid, gid);
    if o.slowio {
        memfs.start_slow_io();
    }
    let now = SystemTime::now();
    let params = VolumeParams {
        flags: [
            (o.nocache, vol::DIRECT_IO),
            (o.acl, vol::POSIX_ACL),
            (o.streams, vol::NAMED_STREAMS),
            (o.reparse, vol::REPARSE_POINTS),
            (o.readonly_attr, vol::READONLY_ATTR),
            (o.security, vol::SECURITY),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |f, (_, flag)| f | flag),
        file_info_timeout_ms: if o.nocache { 0 } else { 1000 },
        max_file_size: o.max_file_size,
        volume_serial: Timespec::from(now).sec as u64 ^ unsafe { getpid() } as u64,
        volume_creation_time: now.into(),
        fsname: "memfs".into(),
        subtype: "memfs".into(),
        ..Default::default()
    };
    let flags = iface::UNNAMED_FILES | if stateless { iface::STATELESS_OPENS } else { 0 };
    let mut host = Host::new(&params, flags, memfs).unwrap_or_else(|e| {
        notify_parent(&mut notify, 1);
        die(&e.to_string())
    });
    host.set_debug(o.debug);
    if let Some(t) = o.threads {
        host.set_threads(t, 0);
    }
    if let Err(e) = host.mount(o.mountpoint.as_ref(), &o.options) {
        notify_parent(&mut notify, 1);
        die(&e.to_string());
    }
    if let Err(e) = host.set_signal_handlers() {
        notify_parent(&mut notify, 1);
        die(&format!("signal handlers: {}", e));
    }
    if notify >= 0 {
        notify_parent(&mut notify, 0);
        detach_stdio();
    }
    let rc = match host.run() {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("memfs: {}", e);
            1
        }
    };
    drop(host);
    exit(rc);
}
