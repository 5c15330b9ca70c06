#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The man pages (man/) against the programs and the API (issue 16):
#
#   tests/manpages.sh BUILDDIR
#
# For every program: its --help follows the house style (a usage line,
# one line of description, the options, ending with -h, --help; on
# stdout, exit 0) and lists exactly the options of the OPTIONS list of
# its man page.  Every page passes `mandoc -T lint` and renders with
# `man -l` without a warning; every function of include/fsp/*.h is
# named by a library page.  About a second.
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}
# What make install installs: memfs, passthrough, fsp-tests, fsp-bench
# and one program per tools/*.c (a new tool needs a page too).
PROGRAMS="memfs passthrough fsp-tests fsp-bench $(for f in tools/*.c; do basename "$f" .c; done)"

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
skip() { echo "SKIP: $1: $2"; }

tmp=$(mktemp -d /tmp/fsp-manpages.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Options of --help: the words opening the lines "  -x ..." / "  --long".
help_options() {
    sed -n 's/^  \(-[^ ,]*\)\(, \(--[^ ]*\)\)\{0,1\}.*/\1 \3/p' "$1" |
        tr ' ' '\n' | sed '/^$/d' | sort -u
}

# Options of a man page: every "Fl x" of the .It lines of its OPTIONS
# section ("Fl \-help" is --help).
man_options() {
    sed -n '/^\.Sh OPTIONS/,/^\.Sh /p' "$1" | grep '^\.It ' |
        grep -o 'Fl [^ ]*' | sed 's/^Fl /-/; s/\\-/-/g' | sort -u
}

for p in $PROGRAMS; do
    page=man/$p.1
    bin=$build/$p
    if [ ! -f "$page" ]; then fail "man_$p" "no $page"; continue; fi
    if [ ! -x "$bin" ]; then fail "help_$p" "no $bin (build it first)"; continue; fi
    "$bin" --help >"$tmp/help" 2>"$tmp/err"
    rc=$?
    why=""
    [ $rc -eq 0 ] || why="exit status $rc"
    [ -s "$tmp/err" ] && why="${why:+$why; }output on stderr"
    head -1 "$tmp/help" | grep -q "^usage: $p " || why="${why:+$why; }first line is not 'usage: $p ...'"
    # usage lines (continued with spaces), a blank line, one sentence,
    # a blank line, then the options
    awk 'BEGIN { s = 0 }
         s == 0 && /^$/ { s = 1; next }
         s == 1 { if ($0 ~ /^[A-Z].*\.$/) { s = 2; next } else { exit 1 } }
         s == 2 { if ($0 == "") { s = 3; next } else { exit 1 } }
         END { exit s == 3 ? 0 : 1 }' "$tmp/help" ||
        why="${why:+$why; }not: usage, blank, one-line description, blank, options"
    tail -1 "$tmp/help" | grep -q '^  -h, --help ' || why="${why:+$why; }last line is not -h, --help"
    if [ -z "$why" ]; then pass "help_style_$p"; else fail "help_style_$p" "$why"; fi

    help_options "$tmp/help" >"$tmp/h.opts"
    man_options "$page" >"$tmp/m.opts"
    if [ ! -s "$tmp/m.opts" ]; then
        fail "help_matches_man_$p" "no options found in $page"
    elif diff -q "$tmp/h.opts" "$tmp/m.opts" >/dev/null; then
        pass "help_matches_man_$p ($(wc -l <"$tmp/h.opts") options)"
    else
        fail "help_matches_man_$p" "--help only: $(comm -23 "$tmp/h.opts" "$tmp/m.opts" | tr '\n' ' ')man only: $(comm -13 "$tmp/h.opts" "$tmp/m.opts" | tr '\n' ' ')"
    fi
done

if command -v mandoc >/dev/null; then
    for page in man/*.[1-8]; do
        out=$(mandoc -T lint -W warning "$page" 2>&1)
        if [ -z "$out" ]; then pass "mandoc_lint_${page#man/}"; else fail "mandoc_lint_${page#man/}" "$out"; fi
    done
else
    skip mandoc_lint "mandoc is not installed (tests/deps.sh installs it)"
fi

for page in man/*.[1-8]; do
    out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >"$tmp/render")
    if [ -n "$out" ]; then
        fail "man_render_${page#man/}" "$out"
    elif ! grep -q NAME "$tmp/render"; then
        fail "man_render_${page#man/}" "no NAME section in the rendering"
    else
        pass "man_render_${page#man/}"
    fi
done

# Every public function has a page (its NAME section names it).
sed -n '/^\.Sh NAME/,/^\.Nd/s/^\.Nm \([^ ,]*\).*/\1/p' man/*.3 | sort -u >"$tmp/documented"
grep -ho '\bfsp_[a-z0-9_]*(' include/fsp/*.h | tr -d '(' | sort -u >"$tmp/public"
missing=$(comm -23 "$tmp/public" "$tmp/documented" | tr '\n' ' ')
if [ -z "$missing" ]; then
    pass "man3_covers_api ($(wc -l <"$tmp/public") functions)"
else
    fail man3_covers_api "no page names: $missing"
fi
