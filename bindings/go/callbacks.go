// SPDX-License-Identifier: LGPL-2.1-or-later

package fsp

/*
#include <stdlib.h>
#include <string.h>
#include <fsp/security.h>
#include "bridge.h"
*/
import "C"

import (
	"log"
	"runtime"
	"runtime/cgo"
	"runtime/debug"
	"sync"
	"syscall"
	"unsafe"
)

// The Go functions bridge.c calls.  Each recovers a panic (logged, EIO),
// turns handle numbers back into the file system's values and its error
// into fsp's errno (toErrno).

const eio = -C.int(syscall.EIO)

func recovered(what string, rc *C.int) {
	if p := recover(); p != nil {
		log.Printf("fsp: panic in %s: %v: answering EIO\n%s", what, p, debug.Stack())
		*rc = eio
	}
}

// goSpawnThread is fsp's thread factory (fsp_fs_set_thread_factory): it
// starts a goroutine that runs fsp's run function, a dispatcher loop or
// an io_uring queue, which calls back into Go for every request.  So the
// callbacks enter Go on a thread the runtime made (Go -> C -> Go), which
// is cheap, instead of on a C thread the runtime must adopt for each
// callback (an M hand-over with signal-mask system calls on Go 1.19).
// The goroutine stays locked to its thread and never unlocks, so the
// thread ends with it: nothing fsp did to the thread meets another
// goroutine.  run returns when the session ends, and fsp_fs_run waits for
// it.
//
//export goSpawnThread
func goSpawnThread(run, arg C.uintptr_t) C.int {
	go func() {
		runtime.LockOSThread()
		waitingInC(+1)
		C.fsp_go_thread_run(run, arg)
		waitingInC(-1)
	}()
	return 0
}

// waitingInC raises GOMAXPROCS by one for each thread that spends its
// life in fsp's C code (a dispatcher waiting for the next request, Run
// waiting for the session's end), and lowers it again when the thread
// is done.  Go counts such a thread as holding a processor (P), and
// when no P is idle its monitor takes the thread's P after 20 us and
// wakes another thread to look for work: futex and nanosleep calls on
// every request, and a callback that must find a P again.  With one P
// more per waiting thread there is always an idle one, and Go code still
// runs on at most the user's GOMAXPROCS threads plus those that serve
// requests.
var procsMu sync.Mutex

func waitingInC(d int) {
	procsMu.Lock()
	runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + d)
	procsMu.Unlock()
}

// goYield reschedules the calling dispatcher goroutine: see enter in
// bridge.c for why.
//
//export goYield
func goYield() { runtime.Gosched() }

func hostOf(ctx C.uintptr_t) *host {
	return cgo.Handle(ctx).Value().(*host)
}

func hostOfFs(fs *C.fsp_fs) *host {
	return cgo.Handle(C.fsp_go_context(fs)).Value().(*host)
}

func value(h C.uintptr_t) any { return handles.get(uintptr(h)) }

func handle(v any) C.uintptr_t { return C.uintptr_t(handles.add(v)) }

func fillInfo(c *C.struct_fsp_file_info, g *FileInfo) {
	*c = C.struct_fsp_file_info{
		index:         C.uint64_t(g.Index),
		mode:          C.uint32_t(g.Mode),
		attributes:    C.uint32_t(g.Attributes),
		nlink:         C.uint32_t(g.Nlink),
		uid:           C.uint32_t(g.UID),
		gid:           C.uint32_t(g.GID),
		rdev:          C.uint32_t(g.Rdev),
		size:          C.uint64_t(g.Size),
		alloc_size:    C.uint64_t(g.AllocSize),
		creation_time: ts(g.CreationTime),
		access_time:   ts(g.AccessTime),
		write_time:    ts(g.WriteTime),
		change_time:   ts(g.ChangeTime),
		generation:    C.uint64_t(g.Generation),
	}
}

func fillVolume(c *C.struct_fsp_volume_info, v *VolumeInfo) {
	c.total_size = C.uint64_t(v.TotalSize)
	free := v.FreeSize
	if free > v.TotalSize {
		free = v.TotalSize
	}
	c.free_size = C.uint64_t(free)
	c.total_files = C.uint64_t(v.TotalFiles)
	c.free_files = C.uint64_t(v.FreeFiles)
	copyString(c.label[:], v.Label)
}

func req(raw *C.fsp_request) *Request { return &Request{raw: raw, length: -1} }

//export goGetVolumeInfo
func goGetVolumeInfo(r *C.fsp_request, ctx C.uintptr_t, vi *C.struct_fsp_volume_info) (rc C.int) {
	defer recovered("GetVolumeInfo", &rc)
	v, err := hostOf(ctx).fs.GetVolumeInfo(req(r))
	if err == nil {
		fillVolume(vi, &v)
	}
	return toErrno(err, "GetVolumeInfo")
}

//export goSetVolumeLabel
func goSetVolumeLabel(r *C.fsp_request, ctx C.uintptr_t, label *C.char, vi *C.struct_fsp_volume_info) (rc C.int) {
	defer recovered("SetVolumeLabel", &rc)
	v, err := hostOf(ctx).fs.SetVolumeLabel(req(r), C.GoString(label))
	if err == nil {
		fillVolume(vi, &v)
	}
	return toErrno(err, "SetVolumeLabel")
}

//export goLookup
func goLookup(r *C.fsp_request, ctx C.uintptr_t, parent C.uintptr_t, name *C.char, node *C.uintptr_t, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("Lookup", &rc)
	n, info, err := hostOf(ctx).fs.Lookup(req(r), value(parent), C.GoString(name))
	if err != nil {
		return toErrno(err, "Lookup")
	}
	fillInfo(fi, &info)
	*node = handle(n)
	return 0
}

//export goForget
func goForget(fs *C.fsp_fs, node C.uintptr_t) {
	var rc C.int
	defer recovered("Forget", &rc)
	n := handles.take(uintptr(node))
	hostOfFs(fs).fs.Forget(n)
}

//export goGetFileInfo
func goGetFileInfo(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("GetFileInfo", &rc)
	info, err := hostOf(ctx).fs.GetFileInfo(req(r), value(node), value(file))
	if err == nil {
		fillInfo(fi, &info)
	}
	return toErrno(err, "GetFileInfo")
}

//export goCreate
func goCreate(r *C.fsp_request, ctx C.uintptr_t, parent C.uintptr_t, name *C.char, cp *C.struct_fsp_create_params,
	node, file *C.uintptr_t, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("Create", &rc)
	p := CreateParams{
		Mode:       uint32(cp.mode),
		Attributes: uint32(cp.attributes),
		Flags:      uint32(cp.flags),
		UID:        uint32(cp.uid),
		GID:        uint32(cp.gid),
		Rdev:       uint32(cp.rdev),
	}
	if cp.link_target != nil {
		p.LinkTarget = C.GoString(cp.link_target)
	}
	if cp.security != nil && cp.security_size > 0 && cp.security_size <= 1<<20 {
		p.Security = C.GoBytes(cp.security, C.int(cp.security_size))
	}
	nm := ""
	if name != nil {
		nm = C.GoString(name)
	}
	n, f, info, err := hostOf(ctx).fs.Create(req(r), value(parent), nm, &p)
	if err != nil {
		return toErrno(err, "Create")
	}
	fillInfo(fi, &info)
	*node = handle(n)
	if f != nil {
		*file = handle(f)
	}
	return 0
}

//export goOpen
func goOpen(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, flags C.uint32_t, file *C.uintptr_t, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("Open", &rc)
	f, info, err := hostOf(ctx).fs.Open(req(r), value(node), uint32(flags))
	if err != nil {
		return toErrno(err, "Open")
	}
	fillInfo(fi, &info)
	if f != nil {
		*file = handle(f)
	}
	return 0
}

//export goOverwrite
func goOverwrite(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("Overwrite", &rc)
	fs := hostOf(ctx).fs
	rq := req(r)
	info, err := fs.Overwrite(rq, value(node), value(file))
	if err == syscall.ENOSYS { // fsp's meaning of a missing overwrite
		info, err = fs.SetFileSize(rq, value(node), value(file), 0)
	}
	if err == nil {
		fillInfo(fi, &info)
	}
	return toErrno(err, "Overwrite")
}

//export goCleanup
func goCleanup(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t) (rc C.int) {
	defer recovered("Cleanup", &rc)
	return toErrno(hostOf(ctx).fs.Cleanup(req(r), value(node), value(file)), "Cleanup")
}

//export goClose
func goClose(fs *C.fsp_fs, node, file C.uintptr_t) {
	var rc C.int
	defer recovered("Close", &rc)
	f := handles.take(uintptr(file))
	hostOfFs(fs).fs.Close(value(node), f)
}

// ioDone answers a read or write whose callback pended: whatever the
// callback returned or however it ended, fsp gets FSP_PENDING; a panic
// completes the request with EIO unless it was completed already.
func ioDone(rq *Request, what string, rc *C.int) {
	if p := recover(); p != nil {
		log.Printf("fsp: panic in %s: %v: answering EIO\n%s", what, p, debug.Stack())
		*rc = eio
		if rq.pending != nil {
			rq.pending.complete(eio, 0, nil)
		}
	}
	if rq.pending != nil {
		*rc = C.FSP_PENDING
	}
}

//export goRead
func goRead(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, buf unsafe.Pointer, off C.uint64_t, length C.uint32_t, bytesRead *C.uint32_t) (rc C.int) {
	rq := &Request{raw: r, length: int(length)}
	defer ioDone(rq, "Read", &rc)
	b := unsafe.Slice((*byte)(buf), int(length))
	n, err := hostOf(ctx).fs.Read(rq, value(node), value(file), b, uint64(off))
	switch {
	case rq.pending != nil:
		return C.FSP_PENDING
	case err != nil:
		return toErrno(err, "Read")
	case n < 0 || n > int(length):
		log.Printf("fsp: Read returned %d bytes for a %d-byte read: answering EIO", n, length)
		return eio
	}
	*bytesRead = C.uint32_t(n)
	return 0
}

//export goWrite
func goWrite(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, buf unsafe.Pointer, off C.uint64_t, length C.uint32_t, bytesWritten *C.uint32_t, fi *C.struct_fsp_file_info) (rc C.int) {
	rq := &Request{raw: r, length: int(length)}
	defer ioDone(rq, "Write", &rc)
	b := unsafe.Slice((*byte)(buf), int(length))
	n, info, err := hostOf(ctx).fs.Write(rq, value(node), value(file), b, uint64(off))
	switch {
	case rq.pending != nil:
		return C.FSP_PENDING
	case err != nil:
		return toErrno(err, "Write")
	case n < 0 || n > int(length):
		log.Printf("fsp: Write returned %d bytes for a %d-byte write: answering EIO", n, length)
		return eio
	}
	*bytesWritten = C.uint32_t(n)
	fillInfo(fi, &info)
	return 0
}

//export goFlush
func goFlush(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, datasync C.int) (rc C.int) {
	defer recovered("Flush", &rc)
	return toErrno(hostOf(ctx).fs.Flush(req(r), value(node), value(file), datasync != 0), "Flush")
}

//export goSetBasicInfo
func goSetBasicInfo(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, bi *C.struct_fsp_basic_info, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("SetBasicInfo", &rc)
	b := BasicInfo{
		Valid:        uint32(bi.valid),
		Mode:         uint32(bi.mode),
		UID:          uint32(bi.uid),
		GID:          uint32(bi.gid),
		Attributes:   uint32(bi.attributes),
		AccessTime:   fromTs(bi.access_time),
		WriteTime:    fromTs(bi.write_time),
		ChangeTime:   fromTs(bi.change_time),
		CreationTime: fromTs(bi.creation_time),
	}
	info, err := hostOf(ctx).fs.SetBasicInfo(req(r), value(node), value(file), &b)
	if err == nil {
		fillInfo(fi, &info)
	}
	return toErrno(err, "SetBasicInfo")
}

//export goSetFileSize
func goSetFileSize(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, size C.uint64_t, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("SetFileSize", &rc)
	info, err := hostOf(ctx).fs.SetFileSize(req(r), value(node), value(file), uint64(size))
	if err == nil {
		fillInfo(fi, &info)
	}
	return toErrno(err, "SetFileSize")
}

//export goCanDelete
func goCanDelete(r *C.fsp_request, ctx C.uintptr_t, parent C.uintptr_t, name *C.char, node C.uintptr_t) (rc C.int) {
	defer recovered("CanDelete", &rc)
	return toErrno(hostOf(ctx).fs.CanDelete(req(r), value(parent), C.GoString(name), value(node)), "CanDelete")
}

//export goSetDelete
func goSetDelete(r *C.fsp_request, ctx C.uintptr_t, parent C.uintptr_t, name *C.char, node C.uintptr_t) (rc C.int) {
	defer recovered("SetDelete", &rc)
	return toErrno(hostOf(ctx).fs.SetDelete(req(r), value(parent), C.GoString(name), value(node)), "SetDelete")
}

//export goRename
func goRename(r *C.fsp_request, ctx C.uintptr_t, op C.uintptr_t, on *C.char, np C.uintptr_t, nn *C.char, node C.uintptr_t, flags C.uint32_t) (rc C.int) {
	defer recovered("Rename", &rc)
	err := hostOf(ctx).fs.Rename(req(r), value(op), C.GoString(on), value(np), C.GoString(nn), value(node), uint32(flags))
	return toErrno(err, "Rename")
}

//export goReadDirectory
func goReadDirectory(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, db *C.struct_fsp_dir_buffer) (rc C.int) {
	defer recovered("ReadDirectory", &rc)
	d := DirBuffer{raw: db, name: make([]byte, 0, 256)}
	return toErrno(hostOf(ctx).fs.ReadDirectory(req(r), value(node), value(file), &d), "ReadDirectory")
}

//export goGetReparsePoint
func goGetReparsePoint(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, buf *C.char, size C.size_t) (rc C.int) {
	defer recovered("GetReparsePoint", &rc)
	t, err := hostOf(ctx).fs.GetReparsePoint(req(r), value(node))
	if err != nil {
		return toErrno(err, "GetReparsePoint")
	}
	for i := 0; i < len(t); i++ {
		if t[i] == 0 {
			log.Printf("fsp: GetReparsePoint returned a target with a NUL byte: answering EIO")
			return eio
		}
	}
	if len(t) >= int(size) {
		return -C.int(syscall.ENAMETOOLONG)
	}
	out := unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(size))
	copy(out, t)
	out[len(t)] = 0
	return 0
}

// copySized copies v into fsp's buffer with the size-probe rules.
func copySized(v []byte, out unsafe.Pointer, size C.size_t, needed *C.size_t) C.int {
	*needed = C.size_t(len(v))
	if size == 0 {
		return 0
	}
	if int(size) < len(v) {
		return -C.int(syscall.ERANGE)
	}
	copy(unsafe.Slice((*byte)(out), int(size)), v)
	return 0
}

//export goGetEA
func goGetEA(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, name *C.char, value_ unsafe.Pointer, size C.size_t, needed *C.size_t) (rc C.int) {
	defer recovered("GetEA", &rc)
	v, err := hostOf(ctx).fs.GetEA(req(r), value(node), C.GoString(name))
	if err != nil {
		return toErrno(err, "GetEA")
	}
	return copySized(v, value_, size, needed)
}

//export goSetEA
func goSetEA(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, name *C.char, value_ unsafe.Pointer, size C.size_t, flags C.int) (rc C.int) {
	defer recovered("SetEA", &rc)
	v := []byte{}
	if size > 0 {
		v = C.GoBytes(value_, C.int(size))
	}
	return toErrno(hostOf(ctx).fs.SetEA(req(r), value(node), C.GoString(name), v, int(flags)), "SetEA")
}

//export goListEA
func goListEA(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, list *C.char, size C.size_t, needed *C.size_t) (rc C.int) {
	defer recovered("ListEA", &rc)
	names, err := hostOf(ctx).fs.ListEA(req(r), value(node))
	if err != nil {
		return toErrno(err, "ListEA")
	}
	var all []byte
	for _, n := range names {
		for i := 0; i < len(n); i++ {
			if n[i] == 0 {
				log.Printf("fsp: ListEA returned a name with a NUL byte: answering EIO")
				return eio
			}
		}
		if n == "" {
			log.Printf("fsp: ListEA returned an empty name: answering EIO")
			return eio
		}
		all = append(append(all, n...), 0)
	}
	return copySized(all, unsafe.Pointer(list), size, needed)
}

//export goRemoveEA
func goRemoveEA(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, name *C.char) (rc C.int) {
	defer recovered("RemoveEA", &rc)
	return toErrno(hostOf(ctx).fs.RemoveEA(req(r), value(node), C.GoString(name)), "RemoveEA")
}

//export goLink
func goLink(r *C.fsp_request, ctx C.uintptr_t, node, np C.uintptr_t, nn *C.char, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("Link", &rc)
	info, err := hostOf(ctx).fs.Link(req(r), value(node), value(np), C.GoString(nn))
	if err == nil {
		fillInfo(fi, &info)
	}
	return toErrno(err, "Link")
}

//export goAllocate
func goAllocate(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, off, length C.uint64_t, mode C.uint32_t, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("Allocate", &rc)
	info, err := hostOf(ctx).fs.Allocate(req(r), value(node), value(file), uint64(off), uint64(length), uint32(mode))
	if err == nil {
		fillInfo(fi, &info)
	}
	return toErrno(err, "Allocate")
}

//export goSeek
func goSeek(r *C.fsp_request, ctx C.uintptr_t, node, file C.uintptr_t, off C.uint64_t, whence C.int, result *C.uint64_t) (rc C.int) {
	defer recovered("Seek", &rc)
	o, err := hostOf(ctx).fs.Seek(req(r), value(node), value(file), uint64(off), int(whence))
	if err == nil {
		*result = C.uint64_t(o)
	}
	return toErrno(err, "Seek")
}

//export goLookupIndex
func goLookupIndex(r *C.fsp_request, ctx C.uintptr_t, index C.uint64_t, node *C.uintptr_t, fi *C.struct_fsp_file_info) (rc C.int) {
	defer recovered("LookupIndex", &rc)
	n, info, err := hostOf(ctx).fs.(IndexFileSystem).LookupIndex(req(r), uint64(index))
	if err != nil {
		return toErrno(err, "LookupIndex")
	}
	fillInfo(fi, &info)
	*node = handle(n)
	return 0
}

// goLookupStream is lookup_stream and (create != 0) create_stream.
//
//export goLookupStream
func goLookupStream(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, name *C.char, stream *C.uintptr_t, fi *C.struct_fsp_file_info, create C.int) (rc C.int) {
	what := "LookupStream"
	if create != 0 {
		what = "CreateStream"
	}
	defer recovered(what, &rc)
	sfs := hostOf(ctx).fs.(StreamFileSystem)
	var (
		s    Node
		info FileInfo
		err  error
	)
	if create != 0 {
		s, info, err = sfs.CreateStream(req(r), value(node), C.GoString(name))
	} else {
		s, info, err = sfs.LookupStream(req(r), value(node), C.GoString(name))
	}
	if err != nil {
		return toErrno(err, what)
	}
	fillInfo(fi, &info)
	*stream = handle(s)
	return 0
}

//export goDeleteStream
func goDeleteStream(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, name *C.char) (rc C.int) {
	defer recovered("DeleteStream", &rc)
	return toErrno(hostOf(ctx).fs.(StreamFileSystem).DeleteStream(req(r), value(node), C.GoString(name)), "DeleteStream")
}

// validStreamName: what fsp would accept from the kernel as a stream name.
func validStreamName(n string) bool {
	if n == "" || len(n) > 255 {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] == 0 || n[i] == '/' || n[i] == ':' {
			return false
		}
	}
	return true
}

//export goGetStreamInfo
func goGetStreamInfo(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, sb *C.struct_fsp_stream_buffer) (rc C.int) {
	defer recovered("GetStreamInfo", &rc)
	list, err := hostOf(ctx).fs.(StreamFileSystem).GetStreamInfo(req(r), value(node))
	if err != nil {
		return toErrno(err, "GetStreamInfo")
	}
	for _, s := range list {
		if !validStreamName(s.Name) {
			log.Printf("fsp: GetStreamInfo returned the stream name %q: answering EIO", s.Name)
			return eio
		}
	}
	for _, s := range list {
		// C memory, which fsp copies: nothing of Go's reaches fsp.
		c := C.CString(s.Name)
		ok := C.fsp_stream_buffer_add(sb, c, C.uint64_t(s.Size))
		C.free(unsafe.Pointer(c))
		if ok == 0 {
			return -C.int(syscall.ENOMEM)
		}
	}
	return 0
}

// validReparse: Windows' REPARSE_DATA_BUFFER, whose header's data length
// is exactly what follows it.
func validReparse(b []byte) bool {
	return len(b) >= 8 && len(b) <= ReparseMaxSize && int(b[4])|int(b[5])<<8 == len(b)-8
}

// goGetBytes is get_reparse_data (sec 0) and get_security (sec 1): the
// Go callback returns bytes, checked here, which copySized copies into
// fsp's buffer with the size-probe rules.
//
//export goGetBytes
func goGetBytes(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, buf unsafe.Pointer, size C.size_t, needed *C.size_t, sec C.int) (rc C.int) {
	what := "GetReparseData"
	if sec != 0 {
		what = "GetSecurity"
	}
	defer recovered(what, &rc)
	var (
		b   []byte
		err error
	)
	if sec != 0 {
		b, err = hostOf(ctx).fs.(SecurityFileSystem).GetSecurity(req(r), value(node))
	} else {
		b, err = hostOf(ctx).fs.(ReparseFileSystem).GetReparseData(req(r), value(node))
	}
	switch {
	case err != nil:
		return toErrno(err, what)
	case b == nil:
		return -C.int(syscall.ENODATA)
	case sec == 0 && !validReparse(b):
		log.Printf("fsp: GetReparseData returned %d bytes that are no reparse buffer: answering EIO", len(b))
		return eio
	case sec != 0 && (len(b) == 0 || C.fsp_sd_check(unsafe.Pointer(&b[0]), C.size_t(len(b))) != 0):
		log.Printf("fsp: GetSecurity returned %d bytes that are no security descriptor: answering EIO", len(b))
		return eio
	}
	return copySized(b, buf, size, needed)
}

// goSetBytes is set_reparse_data (sec 0) and set_security (sec 1); the
// file system gets a Go copy of fsp's buffer.
//
//export goSetBytes
func goSetBytes(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t, buf unsafe.Pointer, size C.size_t, sec C.int) (rc C.int) {
	what := "SetReparseData"
	if sec != 0 {
		what = "SetSecurity"
	}
	defer recovered(what, &rc)
	b := C.GoBytes(buf, C.int(size))
	var err error
	if sec != 0 {
		err = hostOf(ctx).fs.(SecurityFileSystem).SetSecurity(req(r), value(node), b)
	} else {
		err = hostOf(ctx).fs.(ReparseFileSystem).SetReparseData(req(r), value(node), b)
	}
	return toErrno(err, what)
}

//export goDeleteReparseData
func goDeleteReparseData(r *C.fsp_request, ctx C.uintptr_t, node C.uintptr_t) (rc C.int) {
	defer recovered("DeleteReparseData", &rc)
	return toErrno(hostOf(ctx).fs.(ReparseFileSystem).DeleteReparseData(req(r), value(node)), "DeleteReparseData")
}
