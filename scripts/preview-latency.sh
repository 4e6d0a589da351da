#!/usr/bin/env bash
# How long a parameter change takes to show in `edgegrad preview`: runs the window under Xvfb on
# a 1920x1080 photo, presses Up and Down (threshold) N times each, and prints the median and
# worst key-to-screen time (total_ms of --timings) with the median of each stage.
#
#   scripts/preview-latency.sh [IMAGE] [N] [VIEW-KEY]     (default: assets/chelsea.png resized
#                                                          to 1920x1080, 20, 2 = edges)
# Needs Xvfb, xdotool and ImageMagick (.ci/run installs them) and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/edgegrad
n=${2:-20}
view=${3:-2}
work=$(mktemp -d)
cleanup() {
  [ -n "${preview:-}" ] && kill "$preview" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "${1:-}" ]; then
  image=$1
else
  image=$work/photo1080.png
  convert assets/chelsea.png -resize '1920x1080!' "$image"
fi
d=150
while [ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ]; do d=$((d + 1)); done
Xvfb ":$d" -screen 0 1920x1200x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.05; done
export DISPLAY=:$d
"$bin" preview "$image" --timings 2>"$work/timings" &
preview=$!
win=
for _ in $(seq 200); do
  win=$(xdotool search --onlyvisible --name "edgegrad preview" 2>/dev/null | head -1) && [ -n "$win" ] && break
  sleep 0.05
done
[ -n "$win" ] || { echo "no preview window" >&2; exit 1; }
key() { xdotool windowfocus --sync "$win"; xdotool keydown "$1"; sleep 0.12; xdotool keyup "$1"; sleep 0.15; }
key "$view"
sleep 0.5
: >"$work/timings"
for _ in $(seq "$n"); do key Up; key Down; done
key q
wait "$preview" || true
preview=
awk -v n="$n" '
  /"work":"pipeline"/ {
    k += 1
    line[k] = $0
    match($0, /"total_ms":[0-9.]+/); total[k] = substr($0, RSTART + 11, RLENGTH - 11) + 0
  }
  function median(a, m,   i, j, t, b) {
    for (i = 1; i <= m; i++) b[i] = a[i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
    return m % 2 ? b[(m + 1) / 2] : (b[m / 2] + b[m / 2 + 1]) / 2
  }
  END {
    if (k == 0) { print "no pipeline runs recorded"; exit 1 }
    worst = 0; for (i = 1; i <= k; i++) if (total[i] > worst) worst = total[i]
    printf "%d threshold changes shown (of %d keys): key to screen median %.1f ms, worst %.1f ms\n", k, 2 * n, median(total, k), worst
    split("histogram_ms edges_ms smooth_ms gradient_ms nms_ms hysteresis_ms render_ms scale_ms", stages, " ")
    for (s in stages) {
      m = 0
      for (i = 1; i <= k; i++) if (match(line[i], "\"" stages[s] "\":[0-9.]+")) { m += 1; v[m] = substr(line[i], RSTART + length(stages[s]) + 3, RLENGTH - length(stages[s]) - 3) + 0 }
      if (m) printf "  %-14s median %.2f ms\n", stages[s], median(v, m)
    }
  }' "$work/timings"
