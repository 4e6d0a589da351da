#!/usr/bin/env bash
# How long a parameter change takes to show in `edgegrad preview`: runs the window under Xvfb on
# a 1920x1080 photo, presses Up and Down (threshold) N times each, and prints the median and
# worst key-to-screen time (total_ms of --timings) with the median of each stage.
#
#   scripts/preview-latency.sh [IMAGE] [N] [VIEW-KEY] [PREVIEW OPTION...]
#   (defaults: assets/chelsea.png resized to 1920x1080, 20, 2 = edges; e.g. "" 20 2 --canny)
# Needs Xvfb, xdotool and ImageMagick (.ci/run installs them) and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/edgegrad
given=${1:-}
n=${2:-20}
view=${3:-2}
shift $(($# < 3 ? $# : 3))
work=$(mktemp -d)
cleanup() {
  [ -n "${preview:-}" ] && kill "$preview" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "$given" ]; then
  image=$given
else
  image=$work/photo1080.png
  convert assets/chelsea.png -resize '1920x1080!' "$image"
fi
d=150
while [ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ]; do d=$((d + 1)); done
Xvfb ":$d" -screen 0 1920x1200x24 -nolisten tcp -noreset >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.05; done
export DISPLAY=:$d
"$bin" preview "$image" --timings "$@" 2>"$work/timings" &
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
  function median(a, m,   i, j, t, b) {
    for (i = 1; i <= m; i++) b[i] = a[i]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
    return m % 2 ? b[(m + 1) / 2] : (b[m / 2] + b[m / 2 + 1]) / 2
  }
  /"work":"pipeline"/ {
    k += 1
    rest = $0
    while (match(rest, /"[a-z_]+_ms":[0-9.]+/)) {
      pair = substr(rest, RSTART + 1, RLENGTH - 1)
      rest = substr(rest, RSTART + RLENGTH)
      split(pair, kv, "\":")
      if (!(kv[1] in count)) order[++stages] = kv[1]
      value[kv[1], ++count[kv[1]]] = kv[2] + 0
    }
  }
  END {
    if (k == 0) { print "no pipeline runs recorded"; exit 1 }
    for (i = 1; i <= count["total_ms"]; i++) { v[i] = value["total_ms", i]; if (v[i] > worst) worst = v[i] }
    printf "%d threshold changes shown (of %d keys): key to screen median %.1f ms, worst %.1f ms\n", k, 2 * n, median(v, count["total_ms"]), worst
    for (s = 1; s <= stages; s++) {
      name = order[s]
      if (name == "total_ms") continue
      for (i = 1; i <= count[name]; i++) v[i] = value[name, i]
      printf "  %-16s median %.2f ms\n", name, median(v, count[name])
    }
  }' "$work/timings"
