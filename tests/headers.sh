#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The public headers stand alone: each include/fsp/*.h compiles by itself
# in C11 and in C++17, with gcc and clang, -Wall -Wextra -pedantic, no
# warning (a header a C++ program cannot include is not a public API).
#
#   tests/headers.sh
set -u
cd "$(dirname "$0")/.." || exit 1
for h in include/fsp/*.h; do
    for cc in "gcc -std=c11 -x c" "clang -std=c11 -x c" \
              "g++ -std=c++17 -x c++" "clang++ -std=c++17 -x c++"; do
        name="headers_$(basename "$h" .h)_${cc%% *}"
        if ! command -v "${cc%% *}" >/dev/null; then
            echo "SKIP: $name: ${cc%% *} not installed"
            continue
        fi
        # shellcheck disable=SC2086  # the compiler and its flags
        if out=$(printf '#include <fsp/%s>\n' "$(basename "$h")" |
                 $cc -Wall -Wextra -pedantic -Werror -Iinclude -fsyntax-only - 2>&1); then
            echo "PASS: $name"
        else
            echo "FAIL: $name: $(echo "$out" | head -3 | tr '\n' ' ')"
        fi
    done
done
exit 0
