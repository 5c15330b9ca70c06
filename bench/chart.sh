#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Turn fsp-bench's report into a chart: every configuration's ratio to
# tmpfs per test (the "best of repeats" table), tests grouped as the
# tables are, each group closed by its geometric mean.
#
#   bench/chart.sh REPORT.txt CHART.svg [TITLE]
#
# Needs gnuplot (Debian's gnuplot-nox).  bench/run.sh calls it at the end.
set -eu
report=$1 out=$2 title=${3:-fsp-bench: ratio to tmpfs (best of repeats; higher is better)}
command -v gnuplot >/dev/null || { echo "bench/chart.sh: gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 1; }
data=$(mktemp /tmp/fsp-chart.XXXXXX)
trap 'rm -f "$data"' EXIT

# The "best of repeats" table: a header naming the targets, then rows of
# "test tmpfs_ops (ops ratio)..." and "group geomean ratio..." rows.
awk '
    /^best of repeats/ { inside = 1; next }
    /^median of repeats/ { inside = 0 }
    !inside { next }
    /^test \(ops\/s\)/ {
        n = 0
        for (i = 3; i <= NF; i++) if ($i != "ratio") names[++n] = $i
        printf "test"
        for (i = 2; i <= n; i++) printf "\t%s", names[i]
        printf "\n"
        next
    }
    NF == 0 { next }
    / geomean / {
        g = 0
        for (i = 1; i <= NF; i++) if ($i == "geomean") g = i
        name = $1
        for (i = 2; i < g; i++) name = name " " $i
        printf "%s (geomean)", name
        for (i = g + 1; i <= NF; i++) printf "\t%s", ($i == "-" ? "NaN" : $i)
        printf "\n\n"
        next
    }
    {
        printf "%s", $1
        for (i = 4; i <= NF; i += 2) printf "\t%s", ($i == "-" ? "NaN" : $i)
        printf "\n"
    }' "$report" > "$data"
ncols=$(head -1 "$data" | awk -F'\t' '{ print NF }')
[ "$ncols" -ge 2 ] || { echo "bench/chart.sh: no 'best of repeats' table in $report" >&2; exit 1; }
rows=$(grep -vc '^$' "$data")

gnuplot <<GP
set terminal svg size $((300 + rows * 34)),560 dynamic font "sans,11" background "white"
set output "$out"
set title "$title"
set datafile separator "\t"
set termoption noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "ops/s relative to tmpfs"
set yrange [0:*]
set grid ytics
set xtics rotate by 90 right font ",10" nomirror offset 0,-0.3
set bmargin 12
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#444444"
plot for [c=2:$ncols] "$data" using c:xtic(1) title columnheader(c)
GP
echo "bench/chart.sh: wrote $out"
