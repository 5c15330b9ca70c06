# SPDX-License-Identifier: LGPL-2.1-or-later
# Shell pieces the bench scripts share; sourced after they define die().

# wait_mount DIR TYPE: wait (at most 5 s) until DIR is a mount whose type
# starts with TYPE ("fuse" also matches fuse.memfs), else die.
wait_mount() {
    for _ in $(seq 100); do
        case "$(findmnt -n -o FSTYPE --mountpoint "$1" 2>/dev/null)" in
            "$2"*) return 0 ;;
        esac
        sleep 0.05
    done
    die "$1 did not mount"
}
