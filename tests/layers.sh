#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The layer wall (issue 15), checked on the tree and on the built
# libraries:
#
#   tests/layers.sh [BUILDDIR]
#
# include_graph: every #include of a project header, in src/, include/,
#   fs/, tools/, services/ and bindings/, goes to a folder its layer may use (the
#   table below, which docs/architecture.md explains), and the folders
#   form no cycle.  Tests may include anything and are not checked.
# libfsp_a_prefixes: every global symbol libfsp.a defines is either a
#   public function (src/libfsp.map) or carries its layer's prefix
#   (wire_ and kmount_ for the kernel channel, ses_ for the session,
#   nat_ for the native API), so it cannot collide with a program's.
# compat_exports_libfuse_only: the drop-in libfuse libraries export only
#   libfuse's names (fuse_*, cuse_*), with libfuse's version nodes.
# A second or so.
set -u
cd "$(dirname "$0")/.." || exit 1
build=${1:-build}

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1: $2"; }
skip() { echo "SKIP: $1: $2"; }

out=$(python3 - <<'PY'
import os, re, sys

# Folder -> the folders its files may include (itself always).
ALLOWED = {
    'src/kernel': set(),
    'src/session': {'src/kernel'},
    'include/fsp': set(),
    'src/native': {'include/fsp', 'src/session', 'src/kernel'},
    'include/fuse3': set(),
    'include/fuse': {'include/fuse3'},
    'src/compat/fuse3': {'include/fuse3', 'src/session', 'src/kernel'},
    'src/compat/fuse2': {'src/compat/fuse3', 'include/fuse', 'include/fuse3',
                         'src/session', 'src/kernel'},
}
# File systems, tools and bindings: the public headers and their own.
PUBLIC = {'include/fsp', 'include/fuse3', 'include/fuse'}

def unit_of(path):
    d = os.path.dirname(path)
    for u in sorted(ALLOWED, key=len, reverse=True):
        if d == u or d.startswith(u + '/'):
            return u
    parts = d.split('/')
    if parts[0] == 'tools':
        return 'tools'      # tools/bench and tools/fsptool are the tools'
    if parts[0] in ('fs', 'bindings', 'services') and len(parts) >= 2:
        return '/'.join(parts[:2])
    return None

def allowed(u):
    if u in ALLOWED:
        return ALLOWED[u]
    return PUBLIC

def resolve(src, name):
    for base in (os.path.dirname(src), 'src', 'include', 'include/fuse3',
                 'include/fuse'):
        p = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(p):
            return p
    return None

inc = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
edges, bad, files = {}, [], 0
for top in ('src', 'include', 'fs', 'tools', 'bindings', 'services'):
    for d, _, fs in os.walk(top):
        for f in fs:
            if not f.endswith(('.c', '.h')):
                continue
            src = os.path.join(d, f)
            u = unit_of(src)
            if u is None:
                continue
            files += 1
            for name in inc.findall(open(src, errors='replace').read()):
                tgt = resolve(src, name)
                if not tgt:
                    continue      # a system header
                v = unit_of(tgt)
                if v is None or v == u:
                    continue
                edges.setdefault(u, set()).add(v)
                if v not in allowed(u):
                    bad.append('%s includes %s (%s may not use %s)' %
                               (src, name, u, v))

# A cycle between folders, by depth-first search.
cycle, state = None, {}
def visit(u, stack):
    global cycle
    state[u] = 1
    for v in sorted(edges.get(u, ())):
        if cycle:
            return
        if state.get(v) == 1:
            cycle = stack[stack.index(v):] + [v] if v in stack else [u, v]
        elif not state.get(v):
            visit(v, stack + [v])
    state[u] = 2
for u in sorted(edges):
    if not state.get(u) and not cycle:
        visit(u, [u])

if bad:
    print('FAIL: include_graph: %d upward or sideways includes, e.g. %s'
          % (len(bad), '; '.join(bad[:3])))
elif cycle:
    print('FAIL: include_graph: cycle between folders: ' + ' -> '.join(cycle))
else:
    print('PASS: include_graph (%d files, %d folder edges)' %
          (files, sum(len(v) for v in edges.values())))
PY
)
echo "$out"

lib_a=$build/libfsp.a
if [ ! -f "$lib_a" ]; then
    fail libfsp_a_prefixes "$lib_a missing (build first)"
else
    public=$(sed -n 's/^ *\(fsp_[a-z0-9_]*\);$/\1/p' src/libfsp.map)
    # Defined globals: text, data, bss, read-only and thread-local.
    stray=$(nm -g --defined-only "$lib_a" 2>/dev/null |
        awk 'NF == 3 { print $3 }' | sort -u |
        grep -v -x -F "$public" | grep -v -E '^(wire|kmount|ses|nat)_')
    if [ -z "$stray" ]; then
        pass "libfsp_a_prefixes ($(nm -g --defined-only "$lib_a" | awk 'NF == 3' | sort -u | wc -l) globals)"
    else
        fail libfsp_a_prefixes "$(echo "$stray" | wc -l) without a layer prefix, e.g. $(echo "$stray" | head -5 | tr '\n' ' ')"
    fi
fi

for so in "$build"/compat/libfuse3.so.* "$build"/compat/libfuse.so.*; do
    [ -f "$so" ] && [ ! -L "$so" ] || continue
    name=compat_exports_libfuse_only_$(basename "$so")
    # Version nodes are absolute symbols named after themselves.
    stray=$(nm -D --defined-only "$so" | awk '{ print $3 }' |
        grep -v -E '^_?(fuse|cuse)_|^FUSE_[0-9.]+$')
    nodes=$(nm -D --defined-only "$so" | awk '{ print $3 }' | grep -c -E '^FUSE_[0-9.]+$')
    if [ -z "$stray" ] && [ "$nodes" -gt 0 ]; then
        pass "$name ($nodes version nodes)"
    else
        fail "$name" "foreign exports: $(echo "$stray" | head -5 | tr '\n' ' ') nodes $nodes"
    fi
done
