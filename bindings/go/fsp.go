// SPDX-License-Identifier: LGPL-2.1-or-later

// Package fsp writes Linux file systems in Go on fsp's native API
// (include/fsp/fsp.h), the way WinFsp's FSP_FILE_SYSTEM_INTERFACE does on
// Windows.
//
// A file system is a value implementing [FileSystem]: one method per
// callback, each returning an error.  Embed [Base] to get a default for
// every method (ENOSYS, or what fsp's C API does for a missing callback)
// and implement what the file system offers; Lookup is the one every file
// system needs.  [New] creates the instance, [Host.Mount] mounts it and
// [Host.Run] serves until it is unmounted or stopped.
//
// # Contexts
//
// Each file the kernel knows has a per-node context, any Go value returned
// by Lookup or Create ([Node]); each open a per-open context returned by
// Open or Create ([File]; nil is allowed).  The binding keeps them in a
// table of its own (handles.go, as runtime/cgo handles but cheaper) and
// gives fsp only their numbers, so no Go pointer is ever stored in C
// memory (GODEBUG=cgocheck=1 and =2 clean).  Forget and Close hand them
// back; the number is freed then.
//
// # Errors and panics
//
// A callback's error becomes fsp's errno in one place: a syscall.Errno (or
// an error wrapping one) is used as is; fs.ErrNotExist, fs.ErrExist and
// fs.ErrPermission map to ENOENT, EEXIST and EACCES; any other error, or an
// errno out of range, answers EIO and is logged.  A panic in a callback is
// recovered at the boundary, logged, and answers EIO: the mount keeps
// serving.
//
// # Threads
//
// fsp's dispatcher threads, and the queue threads of FUSE over io_uring,
// are goroutines: the binding makes them through fsp's thread factory
// (fsp_fs_set_thread_factory), each locked to its thread and waiting for
// requests in C, so a callback is a call from C back into the goroutine
// that called C (the cheap kind of cgo callback, with no thread to adopt).
// They end when the volume is unmounted, before Run returns.  The
// scheduler is not blocked: a dispatcher waiting for the kernel is in a
// cgo call.  While they serve (and while Run waits) the binding raises
// GOMAXPROCS by one per such thread and lowers it again afterwards, so
// that Go's monitor never takes a waiting thread's processor, and each
// dispatcher yields to the scheduler once every few milliseconds
// (docs/bindings-go.md, "Threads"); read runtime.GOMAXPROCS(0) before
// Run for your own setting.  Several callbacks run at once (see
// FSP_VOL_COARSE_GUARD), so a file system guards its state with
// sync.Mutex or sync.RWMutex; reads and writes run beside everything.  A
// callback may block (on a lock, on I/O), which ties up its dispatcher
// but no other goroutine; fsp adds dispatchers while all are busy.  Long
// work belongs in Read or Write answered later: [Request.Pend] returns a
// [Pending] that any goroutine completes.
package fsp

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -L${SRCDIR}/../../build -l:libfsp.a -luring -lpthread
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"errors"
	"io/fs"
	"log"
	"os"
	"os/signal"
	"runtime/cgo"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Node is a per-node context: any value the file system chooses.
type Node = any

// File is a per-open context: any value, or nil.
type File = any

// DOS file attributes (Windows' FILE_ATTRIBUTE_* values).
const (
	AttrReadonly     = 0x0001
	AttrHidden       = 0x0002
	AttrSystem       = 0x0004
	AttrDirectory    = 0x0010
	AttrArchive      = 0x0020
	AttrNormal       = 0x0080
	AttrTemporary    = 0x0100
	AttrSparseFile   = 0x0200
	AttrReparsePoint = 0x0400
)

// Volume flags (FSP_VOL_*); include/fsp/fsp.h describes each.
const (
	VolCaseInsensitive = 0x0001
	VolReadOnly        = 0x0002
	VolCoarseGuard     = 0x0004
	VolDefaultPerms    = 0x0008
	VolDirectIO        = 0x0010
	VolPassthrough     = 0x0020
	VolWritebackCache  = 0x0040
	VolPosixACL        = 0x0080
	// VolNamedStreams: named streams (a [StreamFileSystem]), seen as
	// user.DosStream.NAME:$DATA attributes and, with -o
	// streams_interface=windows, as FILE:NAME paths.
	VolNamedStreams = 0x0100
	// VolReadonlyAttr: AttrReadonly is enforced as NTFS does (fsp
	// refuses writes with EACCES, unlink and rmdir with EPERM).
	VolReadonlyAttr = 0x0200
	// VolReparsePoints: any file may carry reparse data (a
	// [ReparseFileSystem]).
	VolReparsePoints = 0x0400
	// VolSecurity: a Windows security descriptor per file (a
	// [SecurityFileSystem]) decides owner, group and mode.
	VolSecurity = 0x0800
)

// Reparse tags fsp knows and the largest reparse buffer (header
// included).
const (
	ReparseTagSymlink = 0xA000000C
	ReparseTagNFS     = 0x80000014
	ReparseMaxSize    = 16384
)

// Interface flags (FSP_IFACE_*).
const (
	// StatelessOpens: Open and Close are never called; File is always nil.
	StatelessOpens = 0x0001
	// UnnamedFiles: Create may get the name "" (open(O_TMPFILE)).
	UnnamedFiles = 0x0002
	// StatelessDirOpens: the same as StatelessOpens for directories only:
	// files keep Open and Close, a directory is listed with File nil and
	// its listing stays in the kernel's cache.
	StatelessDirOpens = 0x0004
)

// Fields of BasicInfo to change (FSP_SET_*).
const (
	SetMode       = 0x0001
	SetUID        = 0x0002
	SetGID        = 0x0004
	SetAtime      = 0x0008
	SetMtime      = 0x0010
	SetCtime      = 0x0020
	SetCrtime     = 0x0040
	SetAttributes = 0x0080
)

// Rename flags (renameat2's), extended attribute flags (setxattr's),
// Allocate modes (fallocate's) and Seek directions (lseek's).
const (
	RenameNoReplace = 0x1
	RenameExchange  = 0x2
	EACreate        = 0x1
	EAReplace       = 0x2
	AllocKeepSize   = 0x01
	AllocPunchHole  = 0x02
	SeekData        = 3
	SeekHole        = 4
)

// FileInfo is what the file system knows about one file (struct
// fsp_file_info); fsp maps it onto stat, statx and the kernel's caches.
// A zero time is reported as 1970-01-01.
type FileInfo struct {
	Index        uint64 // stable file index (inode number), never 0
	Mode         uint32 // S_IFMT type and permission bits
	Attributes   uint32 // Attr* flags
	Nlink        uint32 // hard links; 0 once deleted but still open
	UID, GID     uint32
	Rdev         uint32 // device files
	Size         uint64 // bytes (a symlink: its target's length)
	AllocSize    uint64 // bytes allocated; st_blocks = AllocSize/512
	CreationTime time.Time
	AccessTime   time.Time
	WriteTime    time.Time // mtime
	ChangeTime   time.Time // ctime
	// Generation tells this file from every earlier one with the same
	// Index, on an export volume (an [IndexFileSystem]): the same in every
	// call for one file, new when an index is reused or the volume
	// restarted without its files.  The kernel keeps the low 32 bits.
	Generation uint64
}

// VolumeInfo holds the volume-wide numbers statfs() reports.
type VolumeInfo struct {
	TotalSize, FreeSize   uint64 // bytes
	TotalFiles, FreeFiles uint64 // TotalFiles 0: no limit
	Label                 string // shorter than 64 bytes
}

// VolumeParams are fixed when the file system is created (struct
// fsp_volume_params).
type VolumeParams struct {
	Flags              uint32 // Vol* flags
	SectorSize         uint32 // st_blksize; 0: 4096
	MaxNameLength      uint32 // 0: 255
	FileInfoTimeout    time.Duration
	VolumeSerial       uint64
	VolumeCreationTime time.Time
	FSName             string // mount source; "": "fsp"
	Subtype            string // type fuse.SUBTYPE
	MaxFileSize        uint64 // EFBIG past it; 0: no limit
}

// CreateParams says what Create makes.
type CreateParams struct {
	Mode       uint32 // type and permission bits, umask applied
	Attributes uint32
	Flags      uint32 // open(2) flags, regular files
	UID, GID   uint32 // owner: the caller (group: see fsp.h)
	Rdev       uint32
	LinkTarget string // a symbolic link's target
	// Security, on a VolSecurity volume: the new file's self-relative
	// descriptor (checked by fsp; the binding's copy, the file system's
	// to keep), to store as SetSecurity would.  Mode, UID and GID are
	// already derived from it.  nil elsewhere.
	Security []byte
}

// BasicInfo lists the attributes and times to change (Valid: Set* flags).
type BasicInfo struct {
	Valid                                           uint32
	Mode                                            uint32 // permission bits only
	UID, GID                                        uint32
	Attributes                                      uint32
	AccessTime, WriteTime, ChangeTime, CreationTime time.Time
}

// FileSystem is the contract between fsp and a file system: the methods of
// struct fsp_fs_interface (include/fsp/fsp.h has each one's guarantees).
// Embed [Base] for defaults.  Every method may be called from several
// threads at once.
type FileSystem interface {
	GetVolumeInfo(r *Request) (VolumeInfo, error)
	SetVolumeLabel(r *Request, label string) (VolumeInfo, error)
	// Lookup finds name in directory parent (parent nil and name "/": the
	// root).  Each success hands fsp a node reference, given back by
	// exactly one Forget.
	Lookup(r *Request, parent Node, name string) (Node, FileInfo, error)
	// Forget gives back one node reference.  No request; it must not call
	// into fsp.
	Forget(node Node)
	GetFileInfo(r *Request, node Node, file File) (FileInfo, error)
	// Create makes name in parent (name "": an unnamed O_TMPFILE file);
	// for a regular file it also opens it (File).
	Create(r *Request, parent Node, name string, cp *CreateParams) (Node, File, FileInfo, error)
	Open(r *Request, node Node, flags uint32) (File, FileInfo, error)
	Overwrite(r *Request, node Node, file File) (FileInfo, error)
	Cleanup(r *Request, node Node, file File) error
	// Close ends an open.  No request; it cannot fail.
	Close(node Node, file File)
	// Read fills buf (fsp's memory, len(buf) the read's length) from off.
	Read(r *Request, node Node, file File, buf []byte, off uint64) (int, error)
	// Write writes data (fsp's memory) at off.
	Write(r *Request, node Node, file File, data []byte, off uint64) (int, FileInfo, error)
	Flush(r *Request, node Node, file File, datasync bool) error
	SetBasicInfo(r *Request, node Node, file File, bi *BasicInfo) (FileInfo, error)
	SetFileSize(r *Request, node Node, file File, size uint64) (FileInfo, error)
	CanDelete(r *Request, parent Node, name string, node Node) error
	SetDelete(r *Request, parent Node, name string, node Node) error
	Rename(r *Request, oldParent Node, oldName string, newParent Node, newName string, node Node, flags uint32) error
	ReadDirectory(r *Request, node Node, file File, dir *DirBuffer) error
	GetReparsePoint(r *Request, node Node) (string, error)
	// GetEA returns a value (syscall.ENODATA: none); the binding answers
	// size probes and ERANGE.
	GetEA(r *Request, node Node, name string) ([]byte, error)
	SetEA(r *Request, node Node, name string, value []byte, flags int) error
	ListEA(r *Request, node Node) ([]string, error)
	RemoveEA(r *Request, node Node, name string) error
	Link(r *Request, node Node, newParent Node, newName string) (FileInfo, error)
	Allocate(r *Request, node Node, file File, off, length uint64, mode uint32) (FileInfo, error)
	Seek(r *Request, node Node, file File, off uint64, whence int) (uint64, error)
}

// The Windows calls and export support are optional interfaces: a file
// system that implements one gets its callbacks installed; one that does
// not behaves as without them in C (their callbacks stay NULL).  [New]
// looks for them once.

// IndexFileSystem offers export support (NFS through a user-space server,
// name_to_handle_at/open_by_handle_at): file handles survive the kernel
// forgetting the node.  With it, Lookup is also asked for ".." of a
// directory (its parent), and FileInfo.Generation must be set
// (docs/export.md).
type IndexFileSystem interface {
	FileSystem
	// LookupIndex finds the file whose index is index (never 0 nor the
	// root's): a node reference, as Lookup gives one, or syscall.ESTALE.
	LookupIndex(r *Request, index uint64) (Node, FileInfo, error)
}

// StreamInfo is one named stream of a file: its name (without ":$DATA")
// and size in bytes.
type StreamInfo struct {
	Name string
	Size uint64
}

// StreamFileSystem keeps named streams (NTFS's alternate data streams),
// called on VolNamedStreams volumes only.  A stream is a node like any
// other (its own Index, given back by Forget), which fsp then opens,
// reads, writes and truncates as a regular file; its owner, group and
// permission bits are its file's.  Names arrive checked: not empty, no
// '/', ':' or NUL, without ":$DATA".
type StreamFileSystem interface {
	FileSystem
	// LookupStream finds stream name of node (syscall.ENOENT: none).
	LookupStream(r *Request, node Node, name string) (Node, FileInfo, error)
	// CreateStream makes an empty stream (syscall.EEXIST if it exists)
	// and returns it as LookupStream does; the file's ctime moves.
	CreateStream(r *Request, node Node, name string) (Node, FileInfo, error)
	// DeleteStream removes stream name (syscall.ENOENT: none).
	DeleteStream(r *Request, node Node, name string) error
	// GetStreamInfo lists the named streams (not the main one).
	GetStreamInfo(r *Request, node Node) ([]StreamInfo, error)
}

// ReparseFileSystem keeps reparse data of any file or directory, in
// Windows' REPARSE_DATA_BUFFER layout (tag u32 little-endian, data length
// u16, reserved u16, then the data), checked by fsp before SetReparseData.
// The file reports AttrReparsePoint while it has some.
type ReparseFileSystem interface {
	FileSystem
	// GetReparseData returns the stored buffer; nil (or
	// syscall.ENODATA): none.  The binding copies it to fsp and answers
	// size probes; a malformed buffer answers EIO.
	GetReparseData(r *Request, node Node) ([]byte, error)
	// SetReparseData stores data (the binding's copy): syscall.EEXIST
	// when the file has data of another tag.
	SetReparseData(r *Request, node Node, data []byte) error
	// DeleteReparseData removes it (syscall.ENODATA: none).
	DeleteReparseData(r *Request, node Node) error
}

// SecurityFileSystem keeps a self-relative security descriptor per file
// on VolSecurity volumes (see [SDDLToDescriptor]); fsp derives owner,
// group and mode from it and follows SetSecurity with SetBasicInfo.
type SecurityFileSystem interface {
	FileSystem
	// GetSecurity returns the descriptor; nil (or syscall.ENODATA): none,
	// and fsp maps the file's owner, group and mode instead.  One that
	// fsp_sd_check refuses answers EIO.
	GetSecurity(r *Request, node Node) ([]byte, error)
	// SetSecurity replaces it by sd (checked, the binding's copy); moves
	// ctime.
	SetSecurity(r *Request, node Node, sd []byte) error
}

// Base gives every FileSystem method a default: ENOSYS, except where fsp's
// C API defines what a missing callback means, which Base does.  Embed it.
type Base struct{}

var _ FileSystem = Base{}

// GetVolumeInfo: sizes 0.
func (Base) GetVolumeInfo(*Request) (VolumeInfo, error) { return VolumeInfo{}, nil }

// SetVolumeLabel: EOPNOTSUPP, as without the callback.
func (Base) SetVolumeLabel(*Request, string) (VolumeInfo, error) {
	return VolumeInfo{}, syscall.EOPNOTSUPP
}

// Lookup: ENOSYS; every file system implements it.
func (Base) Lookup(*Request, Node, string) (Node, FileInfo, error) {
	return nil, FileInfo{}, syscall.ENOSYS
}

// Forget: nothing.
func (Base) Forget(Node) {}

// GetFileInfo: ENOSYS.
func (Base) GetFileInfo(*Request, Node, File) (FileInfo, error) { return FileInfo{}, syscall.ENOSYS }

// Create: ENOSYS.
func (Base) Create(*Request, Node, string, *CreateParams) (Node, File, FileInfo, error) {
	return nil, nil, FileInfo{}, syscall.ENOSYS
}

// Open: ENOSYS.
func (Base) Open(*Request, Node, uint32) (File, FileInfo, error) {
	return nil, FileInfo{}, syscall.ENOSYS
}

// Overwrite: ENOSYS, which the binding answers with SetFileSize(0), as fsp
// does without the callback.
func (Base) Overwrite(*Request, Node, File) (FileInfo, error) { return FileInfo{}, syscall.ENOSYS }

// Cleanup: ENOSYS, which makes the kernel stop sending it.
func (Base) Cleanup(*Request, Node, File) error { return syscall.ENOSYS }

// Close: nothing.
func (Base) Close(Node, File) {}

// Read: ENOSYS.
func (Base) Read(*Request, Node, File, []byte, uint64) (int, error) { return 0, syscall.ENOSYS }

// Write: ENOSYS.
func (Base) Write(*Request, Node, File, []byte, uint64) (int, FileInfo, error) {
	return 0, FileInfo{}, syscall.ENOSYS
}

// Flush: ENOSYS (the kernel then treats fsync as done).
func (Base) Flush(*Request, Node, File, bool) error { return syscall.ENOSYS }

// SetBasicInfo: ENOSYS.
func (Base) SetBasicInfo(*Request, Node, File, *BasicInfo) (FileInfo, error) {
	return FileInfo{}, syscall.ENOSYS
}

// SetFileSize: ENOSYS.
func (Base) SetFileSize(*Request, Node, File, uint64) (FileInfo, error) {
	return FileInfo{}, syscall.ENOSYS
}

// CanDelete: yes.
func (Base) CanDelete(*Request, Node, string, Node) error { return nil }

// SetDelete: ENOSYS.
func (Base) SetDelete(*Request, Node, string, Node) error { return syscall.ENOSYS }

// Rename: ENOSYS.
func (Base) Rename(*Request, Node, string, Node, string, Node, uint32) error { return syscall.ENOSYS }

// ReadDirectory: ENOSYS.
func (Base) ReadDirectory(*Request, Node, File, *DirBuffer) error { return syscall.ENOSYS }

// GetReparsePoint: ENOSYS.
func (Base) GetReparsePoint(*Request, Node) (string, error) { return "", syscall.ENOSYS }

// GetEA: ENOSYS.
func (Base) GetEA(*Request, Node, string) ([]byte, error) { return nil, syscall.ENOSYS }

// SetEA: ENOSYS.
func (Base) SetEA(*Request, Node, string, []byte, int) error { return syscall.ENOSYS }

// ListEA: ENOSYS.
func (Base) ListEA(*Request, Node) ([]string, error) { return nil, syscall.ENOSYS }

// RemoveEA: ENOSYS.
func (Base) RemoveEA(*Request, Node, string) error { return syscall.ENOSYS }

// Link: EPERM, as on file systems without hard links.
func (Base) Link(*Request, Node, Node, string) (FileInfo, error) { return FileInfo{}, syscall.EPERM }

// Allocate: EOPNOTSUPP.
func (Base) Allocate(*Request, Node, File, uint64, uint64, uint32) (FileInfo, error) {
	return FileInfo{}, syscall.EOPNOTSUPP
}

// Seek: ENOSYS (the kernel then treats the whole file as data).
func (Base) Seek(*Request, Node, File, uint64, int) (uint64, error) { return 0, syscall.ENOSYS }

// toErrno is the one place an error becomes fsp's negative errno.
func toErrno(err error, what string) C.int {
	if err == nil {
		return 0
	}
	// The common case first: errors.As walks the chain by reflection,
	// which every ENOENT lookup before a create would pay.
	if e, ok := err.(syscall.Errno); ok && e > 0 && e <= 4095 {
		return -C.int(e)
	}
	var e syscall.Errno
	switch {
	case errors.As(err, &e):
		if e > 0 && e <= 4095 {
			return -C.int(e)
		}
	case errors.Is(err, fs.ErrNotExist):
		return -C.int(syscall.ENOENT)
	case errors.Is(err, fs.ErrExist):
		return -C.int(syscall.EEXIST)
	case errors.Is(err, fs.ErrPermission):
		return -C.int(syscall.EACCES)
	}
	log.Printf("fsp: %s returned %v, not an errno: answering EIO", what, err)
	return -C.int(syscall.EIO)
}

// host is what the C side's context handle leads to.
type host struct {
	fs     FileSystem
	handle *FsHandle
	mapper SIDMapper // SetSIDMapper's; nil: fsp's default mapping
}

// Host is one fsp file system instance: New, Mount, Run, Close.
type Host struct {
	raw    *C.fsp_fs
	ctx    cgo.Handle
	handle *FsHandle
}

func ts(t time.Time) C.struct_timespec {
	if t.IsZero() {
		return C.struct_timespec{}
	}
	return C.struct_timespec{tv_sec: C.long(t.Unix()), tv_nsec: C.long(t.Nanosecond())}
}

func fromTs(t C.struct_timespec) time.Time {
	return time.Unix(int64(t.tv_sec), int64(t.tv_nsec))
}

func copyString(dst []C.char, s string) {
	n := len(s)
	if n > len(dst)-1 {
		n = len(dst) - 1
	}
	for i := 0; i < n; i++ {
		dst[i] = C.char(s[i])
	}
	for i := n; i < len(dst); i++ {
		dst[i] = 0
	}
}

// New creates the instance for fs with volume parameters p and interface
// flags (StatelessOpens, StatelessDirOpens, UnnamedFiles).
func New(p VolumeParams, ifaceFlags uint32, fs FileSystem) (*Host, error) {
	var vp C.struct_fsp_volume_params
	vp.size = C.uint32_t(unsafe.Sizeof(vp))
	vp.flags = C.uint32_t(p.Flags)
	vp.sector_size = C.uint32_t(p.SectorSize)
	vp.max_name_length = C.uint32_t(p.MaxNameLength)
	vp.file_info_timeout_ms = C.uint32_t(p.FileInfoTimeout / time.Millisecond)
	vp.volume_serial = C.uint64_t(p.VolumeSerial)
	vp.volume_creation_time = ts(p.VolumeCreationTime)
	copyString(vp.fsname[:], p.FSName)
	copyString(vp.subtype[:], p.Subtype)
	vp.max_file_size = C.uint64_t(p.MaxFileSize)

	var optional C.uint32_t
	if _, ok := fs.(IndexFileSystem); ok {
		optional |= C.FSP_GO_INDEX
	}
	if _, ok := fs.(StreamFileSystem); ok {
		optional |= C.FSP_GO_STREAMS
	}
	if _, ok := fs.(ReparseFileSystem); ok {
		optional |= C.FSP_GO_REPARSE
	}
	if _, ok := fs.(SecurityFileSystem); ok {
		optional |= C.FSP_GO_SECURITY
	}
	h := &Host{handle: &FsHandle{}}
	h.ctx = cgo.NewHandle(&host{fs: fs, handle: h.handle})
	if r := C.fsp_go_new(&vp, C.uint32_t(ifaceFlags), optional, C.uintptr_t(h.ctx), &h.raw); r < 0 {
		h.ctx.Delete()
		return nil, syscall.Errno(-r)
	}
	h.handle.fs = h.raw
	return h, nil
}

// Handle returns the handle other goroutines use for notifications and
// Stop.
func (h *Host) Handle() *FsHandle { return h.handle }

// SetDebug traces every request and reply on stderr.
func (h *Host) SetDebug(on bool) {
	v := C.int(0)
	if on {
		v = 1
	}
	C.fsp_fs_set_debug(h.raw, v)
}

// SetThreads sets the dispatcher threads (0: one per CPU; 1: single) and
// the most the pool grows to (0: 4 x threads).  Before Run.
func (h *Host) SetThreads(threads, max uint) {
	C.fsp_fs_set_threads(h.raw, C.uint(threads), C.uint(max))
}

// MountError is a failed Mount: the errno and fsp's one-line message.
type MountError struct {
	Errno   syscall.Errno
	Message string
}

func (e *MountError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return e.Errno.Error()
}

func (e *MountError) Unwrap() error { return e.Errno }

// Mount mounts on mountpoint with -o style options ("ro,allow_other").
func (h *Host) Mount(mountpoint, options string) error {
	mp := C.CString(mountpoint)
	defer C.free(unsafe.Pointer(mp))
	op := C.CString(options)
	defer C.free(unsafe.Pointer(op))
	var msg [512]C.char
	if r := C.fsp_fs_mount(h.raw, mp, op, &msg[0], C.size_t(len(msg))); r < 0 {
		return &MountError{Errno: syscall.Errno(-r), Message: C.GoString(&msg[0])}
	}
	return nil
}

// StopOnSignals makes SIGINT, SIGTERM and SIGHUP stop Run, through
// os/signal (the Go runtime owns the process's signal handlers, so the
// binding does not use fsp_fs_set_signal_handlers).
func (h *Host) StopOnSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-ch
		h.handle.Stop()
	}()
}

// Run serves until unmounted or stopped; then every open is closed and
// every node forgotten.  It occupies the calling goroutine's thread.
func (h *Host) Run() error {
	waitingInC(+1)
	r := C.fsp_fs_run(h.raw)
	waitingInC(-1)
	if r < 0 {
		return syscall.Errno(-r)
	}
	return nil
}

// Close frees the instance (after Run returned, or if it never ran).
// Handles answer ENOTCONN afterwards.
func (h *Host) Close() {
	h.handle.mu.Lock()
	h.handle.fs = nil
	h.handle.mu.Unlock()
	C.fsp_fs_delete(h.raw)
	h.raw = nil
	h.ctx.Delete()
}

// FsHandle reaches a mounted file system from any goroutine: kernel cache
// notifications and Stop.
type FsHandle struct {
	mu sync.RWMutex
	fs *C.fsp_fs // nil once closed
}

func (f *FsHandle) with(fn func(*C.fsp_fs) C.int) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.fs == nil {
		return syscall.ENOTCONN
	}
	if r := fn(f.fs); r < 0 {
		return syscall.Errno(-r)
	}
	return nil
}

// NotifyInode drops the kernel's attributes of file index and its cached
// data from off for length bytes (length <= 0: to the end; off < 0: the
// attributes only).  Never from a callback about the same file.
func (f *FsHandle) NotifyInode(index uint64, off, length int64) error {
	return f.with(func(fs *C.fsp_fs) C.int {
		return C.fsp_fs_notify_inode(fs, C.uint64_t(index), C.int64_t(off), C.int64_t(length))
	})
}

// NotifyEntry drops the kernel's entry name in directory parentIndex.
func (f *FsHandle) NotifyEntry(parentIndex uint64, name string) error {
	c := C.CString(name)
	defer C.free(unsafe.Pointer(c))
	return f.with(func(fs *C.fsp_fs) C.int {
		return C.fsp_fs_notify_entry(fs, C.uint64_t(parentIndex), c)
	})
}

// NotifyExpire marks the kernel's entry name in directory parentIndex
// expired without dropping it (a working directory or a mount on it
// stays); syscall.ENOSYS on kernels before FUSE 7.38.
func (f *FsHandle) NotifyExpire(parentIndex uint64, name string) error {
	c := C.CString(name)
	defer C.free(unsafe.Pointer(c))
	return f.with(func(fs *C.fsp_fs) C.int {
		return C.fsp_fs_notify_expire(fs, C.uint64_t(parentIndex), c)
	})
}

// NotifyDelete tells the kernel name in directory parentIndex is gone,
// and with it file childIndex's name there (0: the name only); watchers
// of the file see IN_DELETE_SELF.
func (f *FsHandle) NotifyDelete(parentIndex, childIndex uint64, name string) error {
	c := C.CString(name)
	defer C.free(unsafe.Pointer(c))
	return f.with(func(fs *C.fsp_fs) C.int {
		return C.fsp_fs_notify_delete(fs, C.uint64_t(parentIndex), C.uint64_t(childIndex), c)
	})
}

// NotifyStore puts data into the kernel's page cache of file index at
// off (fsp copies it before returning).
func (f *FsHandle) NotifyStore(index, off uint64, data []byte) error {
	var p unsafe.Pointer
	if len(data) > 0 {
		p = unsafe.Pointer(&data[0]) // Go bytes without Go pointers: allowed
	}
	return f.with(func(fs *C.fsp_fs) C.int {
		return C.fsp_fs_notify_store(fs, C.uint64_t(index), C.uint64_t(off), p, C.size_t(len(data)))
	})
}

// NotifyRetrieve reads what the kernel has cached of file index from off
// into buf and returns how many bytes it got; it waits up to timeout for
// the kernel's answer (syscall.ETIMEDOUT).  Never from a callback on a
// single-threaded volume.
func (f *FsHandle) NotifyRetrieve(index, off uint64, buf []byte, timeout time.Duration) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	var got C.size_t
	err := f.with(func(fs *C.fsp_fs) C.int {
		return C.fsp_fs_notify_retrieve(fs, C.uint64_t(index), C.uint64_t(off),
			unsafe.Pointer(&buf[0]), C.size_t(len(buf)), C.int(timeout/time.Millisecond), &got)
	})
	return int(got), err
}

// AbortConnection cuts off the FUSE connection mounted at mountpoint (any
// FUSE file system's): its waiting and later requests fail with
// ENOTCONN, so processes stuck on a server that does not answer get their
// calls back; the mount stays until unmounted.  Root only; a *MountError
// carries fsp's message.
func AbortConnection(mountpoint string) error {
	mp := C.CString(mountpoint)
	defer C.free(unsafe.Pointer(mp))
	var msg [512]C.char
	if r := C.fsp_abort_connection(mp, &msg[0], C.size_t(len(msg))); r < 0 {
		return &MountError{Errno: syscall.Errno(-r), Message: C.GoString(&msg[0])}
	}
	return nil
}

// Stop makes Run return (it unmounts).
func (f *FsHandle) Stop() {
	_ = f.with(func(fs *C.fsp_fs) C.int { C.fsp_fs_stop(fs); return 0 })
}
