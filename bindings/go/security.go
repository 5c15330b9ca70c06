// SPDX-License-Identifier: LGPL-2.1-or-later

package fsp

/*
#include <stdlib.h>
#include <fsp/security.h>
#include "bridge.h"
*/
import "C"

import (
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
