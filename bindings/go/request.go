// SPDX-License-Identifier: LGPL-2.1-or-later

package fsp

/*
#include <stdlib.h>
#include "bridge.h"
*/
import "C"

import (
	"log"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// Request is the request a callback answers: the caller's identity, the
// path, passthrough, and asynchronous completion.  Valid during the
// callback only: do not keep it (keep a [Pending] instead).
type Request struct {
	raw     *C.fsp_request
	length  int      // read or write: the buffer's length
	pending *Pending // set by Pend
}

// UID is the caller's user id.
func (r *Request) UID() uint32 { return uint32(C.fsp_request_uid(r.raw)) }

// GID is the caller's group id.
func (r *Request) GID() uint32 { return uint32(C.fsp_request_gid(r.raw)) }

// PID is the caller's process id (0 for requests of the kernel itself).
func (r *Request) PID() int { return int(C.fsp_request_pid(r.raw)) }

// Umask is the umask of a create (0 elsewhere).
func (r *Request) Umask() uint32 { return uint32(C.fsp_request_umask(r.raw)) }

// Interrupted reports whether the kernel asked to interrupt the request
// (the caller got a signal): a slow callback returns syscall.EINTR.
func (r *Request) Interrupted() bool { return C.fsp_request_interrupted(r.raw) != 0 }

// Path is the path of the file the request is about ("/a/b"), or "" for a
// file with no name any more.
func (r *Request) Path() string {
	p := C.fsp_request_path(r.raw)
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// Passthrough, in Open or Create on a VolPassthrough volume, lets the
// kernel do this open's I/O on fd (which stays the file system's and must
// stay open until Close).  An error: I/O keeps coming to Read and Write.
func (r *Request) Passthrough(fd int) error {
	if rc := C.fsp_request_passthrough(r.raw, C.int(fd)); rc < 0 {
		return syscall.Errno(-rc)
	}
	return nil
}

// ReadFd, in Read, answers with up to length bytes of fd at off, moved by
// the kernel (splice); Read then returns 0, nil.  An error: nothing was
// sent, fill buf as usual.
func (r *Request) ReadFd(fd int, off uint64, length uint32) error {
	if rc := C.fsp_request_read_fd(r.raw, C.int(fd), C.uint64_t(off), C.uint32_t(length)); rc < 0 {
		return syscall.Errno(-rc)
	}
	return nil
}

// Handle returns the file system's handle (notifications, Stop).
func (r *Request) Handle() *FsHandle {
	return hostOf(C.fsp_go_request_context(r.raw)).handle
}

// Pend, in Read or Write, keeps the request beyond the callback: the
// binding answers it when the returned Pending is completed, from any
// goroutine, and ignores what the callback returns.  The buffer the
// callback got (fsp's memory) stays valid until then.  nil when out of
// memory (answer now) or outside Read and Write.
func (r *Request) Pend() *Pending {
	if r.length < 0 || r.pending != nil {
		return nil
	}
	p := C.fsp_request_pend(r.raw)
	if p == nil {
		return nil
	}
	r.pending = &Pending{raw: p, length: r.length}
	return r.pending
}

// Pending is a read or write answered later.  Complete it exactly once,
// from any goroutine.
type Pending struct {
	raw    *C.fsp_request
	length int
	done   atomic.Bool
}

func (p *Pending) complete(rc C.int, n uint32, fi *C.struct_fsp_file_info) bool {
	if !p.done.CompareAndSwap(false, true) {
		log.Printf("fsp: a pending request completed twice: ignored")
		return false
	}
	C.fsp_request_complete(p.raw, rc, C.uint32_t(n), fi)
	return true
}

// CompleteRead answers a pended read with n bytes (already in the buffer
// Read got) or an error.  False if it was answered already.
func (p *Pending) CompleteRead(n int, err error) bool {
	if err != nil {
		return p.complete(toErrno(err, "read completion"), 0, nil)
	}
	if n < 0 || n > p.length {
		log.Printf("fsp: read completed with %d bytes for a %d-byte read: answering EIO", n, p.length)
		return p.complete(-C.int(syscall.EIO), 0, nil)
	}
	return p.complete(0, uint32(n), nil)
}

// CompleteWrite answers a pended write with n bytes written and the new
// file info (nil when unknown), or an error.
func (p *Pending) CompleteWrite(n int, fi *FileInfo, err error) bool {
	if err != nil {
		return p.complete(toErrno(err, "write completion"), 0, nil)
	}
	if n < 0 || n > p.length {
		log.Printf("fsp: write completed with %d bytes of %d: answering EIO", n, p.length)
		return p.complete(-C.int(syscall.EIO), 0, nil)
	}
	if fi == nil {
		return p.complete(0, uint32(n), nil)
	}
	// C memory: fsp reads it during the call only.
	c := (*C.struct_fsp_file_info)(C.calloc(1, C.size_t(unsafe.Sizeof(C.struct_fsp_file_info{}))))
	defer C.free(unsafe.Pointer(c))
	fillInfo(c, fi)
	return p.complete(0, uint32(n), c)
}

// DirBuffer is a directory listing under construction (ReadDirectory).
type DirBuffer struct {
	raw  *C.struct_fsp_dir_buffer
	name []byte
	info C.struct_fsp_file_info
}

// Add adds one entry (fsp copies the name and fi's index and type).
// False when fsp ran out of memory (stop adding) or the name holds a NUL.
func (d *DirBuffer) Add(name string, fi *FileInfo) bool {
	d.name = append(d.name[:0], name...)
	for _, b := range d.name {
		if b == 0 {
			return false
		}
	}
	d.name = append(d.name, 0)
	fillInfo(&d.info, fi)
	// Go memory without Go pointers in it: allowed by cgo's rules.
	return C.fsp_dir_buffer_add(d.raw, (*C.char)(unsafe.Pointer(&d.name[0])), &d.info) != 0
}
