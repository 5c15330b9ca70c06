// SPDX-License-Identifier: LGPL-2.1-or-later

package fsp

/*
#include <stdlib.h>
#include <fsp/security.h>
#include "bridge.h"
*/
import "C"

import (
	"log"
	"syscall"
	"unsafe"
)

// Windows security descriptors (include/fsp/security.h) in their
// self-relative binary form, the bytes a [SecurityFileSystem] keeps.

// cBytes copies n bytes fsp malloc'ed at p into Go memory and frees them.
func cBytes(p unsafe.Pointer, n C.size_t) []byte {
	defer C.free(p)
	return C.GoBytes(p, C.int(n))
}

// SDDLToDescriptor parses SDDL ("O:BAG:SYD:(A;;FA;;;WD)") into a
// self-relative descriptor; syscall.EINVAL for anything malformed.
func SDDLToDescriptor(sddl string) ([]byte, error) {
	c := C.CString(sddl)
	defer C.free(unsafe.Pointer(c))
	var p unsafe.Pointer
	var n C.size_t
	if r := C.fsp_go_sddl_to_sd(c, &p, &n); r < 0 {
		return nil, syscall.Errno(-r)
	}
	return cBytes(p, n), nil
}

// DescriptorToSDDL prints a self-relative descriptor as SDDL (aliases
// where one fits); syscall.EINVAL when CheckDescriptor refuses it.
func DescriptorToSDDL(sd []byte) (string, error) {
	if len(sd) == 0 {
		return "", syscall.EINVAL
	}
	var text *C.char
	// Go bytes without Go pointers in them: fsp reads them during the call.
	if r := C.fsp_go_sd_to_sddl(unsafe.Pointer(&sd[0]), C.size_t(len(sd)), &text); r < 0 {
		return "", syscall.Errno(-r)
	}
	defer C.free(unsafe.Pointer(text))
	return C.GoString(text), nil
}

// CheckDescriptor checks a self-relative descriptor's layout
// (fsp_sd_check): nil or syscall.EINVAL.
func CheckDescriptor(sd []byte) error {
	if len(sd) == 0 {
		return syscall.EINVAL
	}
	if r := C.fsp_sd_check(unsafe.Pointer(&sd[0]), C.size_t(len(sd))); r < 0 {
		return syscall.Errno(-r)
	}
	return nil
}

// InheritDescriptor is the descriptor NTFS gives a new file (isDir: a
// directory) owned by the SIDs owner and group ("S-1-22-1-1000" or an
// alias such as "BA") in a directory with descriptor parent;
// syscall.ENOENT when parent passes nothing on.
func InheritDescriptor(parent []byte, owner, group string, isDir bool) ([]byte, error) {
	if len(parent) == 0 {
		return nil, syscall.EINVAL
	}
	o, g := C.CString(owner), C.CString(group)
	defer C.free(unsafe.Pointer(o))
	defer C.free(unsafe.Pointer(g))
	dir := C.int(0)
	if isDir {
		dir = 1
	}
	var p unsafe.Pointer
	var n C.size_t
	if r := C.fsp_go_sd_inherit(unsafe.Pointer(&parent[0]), C.size_t(len(parent)), o, g, dir, &p, &n); r < 0 {
		return nil, syscall.Errno(-r)
	}
	return cBytes(p, n), nil
}

// SIDMapper is a file system's own mapping of SIDs to POSIX ids and back
// (a domain, a user map) on VolSecurity volumes, asked before fsp's
// default one (S-1-22-1-N is uid N, S-1-22-2-N gid N; SYSTEM is uid 0
// and BUILTIN\Administrators gid 0, one way).  SIDs are text,
// "S-1-5-21-1-2-3-1001".  An error that is or wraps syscall.ENOENT (or
// fs.ErrNotExist) falls back to the default mapping; any other error is
// fsp's answer, as errors of the callbacks are.  fsp calls it on its
// dispatcher goroutines, several at once, whenever it turns a descriptor
// into owner, group and mode or back (stat of a file whose descriptor
// names a SID, sd set, chown, chmod, create): keep it quick and safe for
// concurrent use.  A panic is recovered, logged and answers EIO; the
// mount keeps serving.
type SIDMapper interface {
	// SIDToID returns the uid (isGroup false) or gid (isGroup true) of sid.
	SIDToID(sid string) (id uint32, isGroup bool, err error)
	// IDToSID returns the SID of uid id (gid when isGroup); text fsp's
	// SID parser refuses answers EIO.
	IDToSID(id uint32, isGroup bool) (string, error)
}

// SetSIDMapper makes m the volume's SID mapper (nil: fsp's default
// mapping alone).  Before Run; it matters on VolSecurity volumes only.
func (h *Host) SetSIDMapper(m SIDMapper) {
	// Set before Run starts the dispatchers, which read it afterwards.
	h.ctx.Value().(*host).mapper = m
	on := C.int(0)
	if m != nil {
		on = 1
	}
	C.fsp_go_set_sid_mapper(h.raw, C.uintptr_t(h.ctx), on)
}

// goSIDToID is the mapper's sid_to_id: bridge.c printed the SID.
//
//export goSIDToID
func goSIDToID(ctx C.uintptr_t, sid *C.char, id *C.uint32_t, isGroup *C.int) (rc C.int) {
	defer recovered("SIDToID", &rc)
	m := hostOf(ctx).mapper
	if m == nil {
		return -C.int(syscall.ENOENT)
	}
	i, g, err := m.SIDToID(C.GoString(sid))
	if err != nil {
		return toErrno(err, "SIDToID")
	}
	*id = C.uint32_t(i)
	*isGroup = 0
	if g {
		*isGroup = 1
	}
	return 0
}

// goIDToSID is the mapper's id_to_sid: the text is parsed into fsp's SID.
//
//export goIDToSID
func goIDToSID(ctx C.uintptr_t, id C.uint32_t, isGroup C.int, sid *C.struct_fsp_sid) (rc C.int) {
	defer recovered("IDToSID", &rc)
	m := hostOf(ctx).mapper
	if m == nil {
		return -C.int(syscall.ENOENT)
	}
	text, err := m.IDToSID(uint32(id), isGroup != 0)
	if err != nil {
		return toErrno(err, "IDToSID")
	}
	// A Go array without Go pointers in it, read by C during the call.
	var buf [200]C.char
	if len(text) >= len(buf) || C.fsp_sid_parse(cString(buf[:], text), sid) != 0 {
		log.Printf("fsp: IDToSID(%d, %v) returned %q, not a SID: answering EIO", id, isGroup != 0, text)
		return eio
	}
	return 0
}

// cString copies s into buf (NUL-terminated; s has no NUL and fits).
func cString(buf []C.char, s string) *C.char {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			buf[0] = 0 // an empty SID, which the parser refuses
			return &buf[0]
		}
		buf[i] = C.char(s[i])
	}
	buf[len(s)] = 0
	return &buf[0]
}
