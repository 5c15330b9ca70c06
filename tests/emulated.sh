# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Sourced by test scripts: is a built binary foreign to this kernel (an
# aarch64 build on x86_64, run through binfmt_misc and qemu-user by
# tests/arm64.sh)?  Then the few things qemu-user cannot carry are
# skipped with the reason, never passed (docs/arm64.md lists them).
#
#   fsp_emulated BINARY   exit 0 if BINARY's ELF machine is not this
#                         machine's; sets FSP_EMULATOR to a name for it
#
# A host this file does not know counts as native.

# fsp_elf_machine FILE: the ELF e_machine number (62 x86_64, 183 aarch64).
fsp_elf_machine() {
    od -An -tu2 -j18 -N2 "$1" 2>/dev/null | tr -d ' '
}

# shellcheck disable=SC2034  # FSP_EMULATOR is for the sourcing script
fsp_emulated() {
    FSP_EMULATOR=
    fsp_m=$(fsp_elf_machine "$1")
    case "$(uname -m)" in
    x86_64) fsp_host=62 ;;
    aarch64) fsp_host=183 ;;
    *) return 1 ;;
    esac
    [ -n "$fsp_m" ] && [ "$fsp_m" != "$fsp_host" ] || return 1
    case "$fsp_m" in
    62) FSP_EMULATOR=qemu-x86_64 ;;
    183) FSP_EMULATOR=qemu-aarch64 ;;
    *) FSP_EMULATOR="an emulator (ELF machine $fsp_m)" ;;
    esac
    return 0
}
