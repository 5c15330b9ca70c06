// SPDX-License-Identifier: LGPL-2.1-or-later

// Command memfs is fsp's in-memory reference file system, in Go: the
// command line of C memfs and the fsp life cycle.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"fsp"
)

const usage = `usage: memfs [-f] [-d] [-t THREADS] [-n MAX_FILES] [-s MAX_BYTES]
             [-F MAX_SIZE] [-C] [-S] [-A] [-N] [-P] [-R] [--security] [-W]
             [-l LABEL] [-o OPTIONS] MOUNTPOINT

An in-memory file system, in Go on fsp.

  -f             stay in the foreground
  -d             trace every request on stderr (implies -f)
  -t THREADS     dispatcher threads (1: single-threaded, 0: one per CPU)
  -n MAX_FILES   most files and directories (default: no limit)
  -s MAX_BYTES   most bytes of file data, with K, M or G suffix
  -F MAX_SIZE    largest file, with K, M or G suffix (EFBIG past it)
  -C             no kernel caching: every read, write and stat reaches memfs
  -S             slow I/O: reads and writes finish later on other goroutines
  -A             POSIX ACLs
  --security     Windows security descriptors (system.ntfs_acl, Samba's
                 security.NTACL, fsptool sd): the descriptor decides the
                 owner, group and mode
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
`

// The daemon child tells its parent on this descriptor whether it mounted.
const notifyEnv = "FSP_GO_MEMFS_NOTIFY"

func die(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "memfs: "+format+"\n", a...)
	os.Exit(1)
}

func number(opt byte, s string, suffixes bool) uint64 {
	shift := 0
	if suffixes && s != "" {
		switch s[len(s)-1] {
		case 'k', 'K':
			shift = 10
		case 'm', 'M':
			shift = 20
		case 'g', 'G':
			shift = 30
		}
		if shift != 0 {
			s = s[:len(s)-1]
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v > ^uint64(0)>>shift {
		die("bad number for -%c: '%s'", opt, s)
	}
	return v << shift
}

type options struct {
	foreground, debug, nocache, slowio, acl  bool
	streams, reparse, readonlyAttr, security bool // the Windows set (-W)
	threads                                  int
	maxFiles, maxBytes, maxFileSize          uint64
	label, options, mountpoint               string
}

// windows is -W: everything memfs keeps of the Windows set.
func (o *options) windows() {
	o.streams, o.reparse, o.readonlyAttr, o.security = true, true, true, true
}

func parse(args []string) options {
	o := options{threads: -1, label: "memfs"}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-h" || a == "--help" {
			fmt.Print(usage)
			os.Exit(0)
		}
		if a == "--security" {
			o.security = true
			continue
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			arg := func() string {
				if j+1 < len(a) {
					v := a[j+1:]
					j = len(a)
					return v
				}
				i++
				if i >= len(args) {
					die("option -%c needs an argument", c)
				}
				j = len(a)
				return args[i]
			}
			switch c {
			case 'f':
				o.foreground = true
			case 'd':
				o.debug, o.foreground = true, true
			case 'C':
				o.nocache = true
			case 'S':
				o.slowio = true
			case 'A':
				o.acl = true
			case 'N':
				o.streams = true
			case 'P':
				o.reparse = true
			case 'R':
				o.readonlyAttr = true
			case 'W':
				o.windows()
			case 'i':
				die("-i (case-insensitive) is not offered by the Go memfs")
			case 't':
				t := number(c, arg(), false)
				if t > 1024 {
					t = 1024
				}
				o.threads = int(t)
			case 'n':
				o.maxFiles = number(c, arg(), false)
			case 's':
				o.maxBytes = number(c, arg(), true)
			case 'F':
				o.maxFileSize = number(c, arg(), true)
			case 'l':
				o.label = arg()
			case 'o':
				for _, opt := range strings.Split(arg(), ",") {
					if opt == "windows" { // memfs's own: -W
						o.windows()
						continue
					}
					if o.options != "" {
						o.options += ","
					}
					o.options += opt
				}
			default:
				die("unknown option -%c (see memfs --help)", c)
			}
		}
	}
	switch len(rest) {
	case 0:
		die("missing mountpoint (see memfs --help)")
	case 1:
		o.mountpoint = rest[0]
	default:
		die("unexpected argument '%s'", rest[1])
	}
	if len(o.label) >= 64 {
		die("label too long: '%s'", o.label)
	}
	return o
}

// daemonize runs this program again in the background, in a session of
// its own (Go cannot fork), and exits with the status the child reports
// once it mounted or failed: a script may use the mount point at once.
func daemonize() {
	r, w, err := os.Pipe()
	if err != nil {
		die("pipe: %v", err)
	}
	self, err := os.Executable()
	if err != nil {
		die("%v", err)
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Env = append(os.Environ(), notifyEnv+"=3")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	null, _ := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	cmd.Stdin, cmd.Stdout = null, null
	cmd.Stderr = os.Stderr // mount errors reach the caller
	if err := cmd.Start(); err != nil {
		die("%v", err)
	}
	w.Close()
	status := []byte{1}
	if n, _ := r.Read(status); n != 1 {
		status[0] = 1
	}
	os.Exit(int(status[0]))
}

func main() {
	o := parse(os.Args[1:])
	var notify *os.File
	if os.Getenv(notifyEnv) != "" {
		notify = os.NewFile(3, "notify")
		os.Unsetenv(notifyEnv)
	} else if !o.foreground {
		daemonize()
	}
	tell := func(status byte) {
		if notify != nil {
			notify.Write([]byte{status})
			notify.Close()
			notify = nil
		}
	}

	maxBytes := o.maxBytes
	if maxBytes == 0 { // like tmpfs: half of the machine's memory
		var si syscall.Sysinfo_t
		if syscall.Sysinfo(&si) == nil {
			maxBytes = uint64(si.Totalram) * uint64(si.Unit) / 2
		}
	}
	// An open is needed only to honour O_NOATIME, which matters only when
	// reads reach memfs (-C); otherwise opens are stateless.
	stateless := !o.nocache
	m := newMemfs(maxBytes, o.maxFiles, o.label, stateless, uint32(os.Getuid()), uint32(os.Getgid()))
	if o.slowio {
		m.slow = make(chan func(), 64)
		for i := 0; i < 4; i++ {
			go func() {
				for job := range m.slow {
					job()
				}
			}()
		}
	}
	p := fsp.VolumeParams{
		FSName:             "memfs",
		Subtype:            "memfs",
		FileInfoTimeout:    time.Second,
		MaxFileSize:        o.maxFileSize,
		VolumeSerial:       uint64(time.Now().Unix())<<16 ^ uint64(os.Getpid()),
		VolumeCreationTime: time.Now(),
	}
	if o.nocache {
		p.Flags |= fsp.VolDirectIO
		p.FileInfoTimeout = 0
	}
	if o.acl {
		p.Flags |= fsp.VolPosixACL
	}
	for _, f := range []struct {
		on   bool
		flag uint32
	}{
		{o.streams, fsp.VolNamedStreams},
		{o.reparse, fsp.VolReparsePoints},
		{o.readonlyAttr, fsp.VolReadonlyAttr},
		{o.security, fsp.VolSecurity},
	} {
		if f.on {
			p.Flags |= f.flag
		}
	}
	// memfs always offers export and descriptors (fsp asks for the latter
	// on VolSecurity volumes only); streams and reparse data only when
	// asked for, as C memfs does.
	var fs fsp.FileSystem = m
	if o.streams || o.reparse {
		fs = windowsFS{m}
	}
	flags := uint32(fsp.UnnamedFiles)
	if stateless {
		flags |= fsp.StatelessOpens
	}
	host, err := fsp.New(p, flags, fs)
	if err != nil {
		tell(1)
		die("%v", err)
	}
	host.SetDebug(o.debug)
	if o.threads >= 0 {
		host.SetThreads(uint(o.threads), 0)
	}
	if err := host.Mount(o.mountpoint, o.options); err != nil {
		tell(1)
		die("%v", err)
	}
	host.StopOnSignals()
	if notify != nil {
		tell(0)
		if null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0); err == nil {
			syscall.Dup2(int(null.Fd()), 2)
		}
		os.Chdir("/")
	}
	rc := 0
	if err := host.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "memfs: %v\n", err)
		rc = 1
	}
	host.Close()
	os.Exit(rc)
}
