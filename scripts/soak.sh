#!/usr/bin/env bash
# Soak test of `edgegrad batch`: FILES (default 20000) small generated images in a deep tree,
# 1% of them corrupt (cut short, garbage, empty, lying headers).
#   1. One uninterrupted run, its memory (RSS) sampled over time: every good file gets one
#      output, every bad one is reported, and the peak RSS of the last quarter of the run is
#      within 10% of the first quarter's.
#   2. A run killed with SIGKILL at three random moments (when a random share of the files is
#      done), each followed by a run with --skip-existing, the last one left to finish: every
#      good file ends with exactly one output, each decodes, every bad file is reported, no
#      temporary file is left.
# Prints the figures; exits 1 if a check fails. Needs python3 (standard library) and jq.
# Usage: scripts/soak.sh [FILES]   (EDGEGRAD_BIN: the binary, default target/release/edgegrad;
#                                   SOAK_DIR: the scratch folder, default a new one in /tmp,
#                                   removed at the end unless KEEP=1; JOBS: --jobs, default all)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${EDGEGRAD_BIN:-$repo/target/release/edgegrad}
files=${1:-20000}
jobs=(${JOBS:+--jobs "$JOBS"})
say() { printf 'soak: %s\n' "$*"; }
fail() {
  say "FAILED: $*" >&2
  exit 1
}
[ -x "$bin" ] || fail "no binary at $bin (cargo build --release)"
work=${SOAK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/edgegrad-soak.XXXXXX")}
mkdir -p "$work"
rm -rf "$work/in" "$work/out1" "$work/out2" "$work/check"
running=
cleanup() {
  local status=$?
  if [ -n "$running" ]; then kill -9 "$running" 2>/dev/null || true; fi
  if [ -n "${KEEP:-}" ] || [ "$status" -ne 0 ]; then say "work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
in=$work/in

# --- The images: PNG, PGM and BMP written with the standard library -------------------------
say "generating $files images in $in"
python3 - "$in" "$files" <<'EOF'
import random, struct, sys, zlib
from pathlib import Path

root, count = Path(sys.argv[1]), int(sys.argv[2])
rng = random.Random(20000)

def pixels(w, h, channels):
    """A gradient with a bright rectangle and a little noise: something with edges."""
    x0, y0 = rng.randrange(w // 2), rng.randrange(h // 2)
    x1, y1 = x0 + rng.randrange(4, w // 2 + 4), y0 + rng.randrange(4, h // 2 + 4)
    rows = []
    for y in range(h):
        noise = rng.randbytes(w)
        inside = y0 <= y < y1
        values = bytes(
            min(255, (230 if inside and x0 <= x < x1 else (x * 3 + y * 2) % 200) + (noise[x] & 7))
            for x in range(w)
        )
        if channels == 3:
            values = bytes(b for v in values for b in (v, v * 7 % 256, 255 - v))
        rows.append(values)
    return rows

def png(w, h, channels, claim):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    colour = 2 if channels == 3 else 0
    raw = b"".join(b"\0" + r for r in pixels(w, h, channels))
    ihdr = struct.pack(">IIBBBBB", claim, h, 8, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))

def pgm(w, h, _, claim):
    return f"P5 {claim} {h} 255\n".encode() + b"".join(pixels(w, h, 1))

def bmp(w, h, _, claim):
    pad = (4 - (w * 3) % 4) % 4
    bgr = lambda r: bytes(b for i in range(0, len(r), 3) for b in (r[i + 2], r[i + 1], r[i]))
    body = b"".join(bgr(r) + b"\0" * pad for r in reversed(pixels(w, h, 3)))
    header = struct.pack("<2sIHHI", b"BM", 54 + len(body), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, claim, h, 1, 24, 0, len(body), 2835, 2835, 0, 0)
    return header + info + body

writers = [(".png", png, 1), (".png", png, 3), (".pgm", pgm, 1), (".bmp", bmp, 3)]
bad = set(rng.sample(range(count), count // 100))
for i in range(count):
    # Six levels of folders, a few files in each.
    parts = [f"l{d}_{(i // 4) // (5 ** d) % 5}" for d in range(6)]
    ext, write, channels = writers[i % len(writers)]
    w, h = rng.randrange(24, 97), rng.randrange(24, 97)
    kind = rng.randrange(4) if i in bad else None
    # A lying header claims 50 times the width the data holds.
    data = write(w, h, channels, w * 50 if kind == 3 else w)
    if kind == 0:
        data = data[: len(data) // 2]  # cut short
    elif kind == 1:
        data = bytes(rng.randrange(256) for _ in range(200))  # garbage
    elif kind == 2:
        data = b""  # empty
    path = root.joinpath(*parts, f"img{i:05}{'_bad' if i in bad else ''}{ext}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
EOF
(cd "$in" && find . -type f | sed 's#^\./##' | sort) >"$work/inputs.txt"
grep '_bad\.' "$work/inputs.txt" >"$work/bad.txt" || true
grep -v '_bad\.' "$work/inputs.txt" | sed 's/$/.png/' >"$work/expected.txt"
total=$(wc -l <"$work/inputs.txt")
nbad=$(wc -l <"$work/bad.txt")
say "$total files ($nbad corrupt), $(du -sh "$in" | cut -f1), $(find "$in" -type d | wc -l) folders"

# Runs batch IN OUT [options...] in the background, its stderr to LOG, recording its pid in
# $running.
start() {
  local out=$1 log=$2
  shift 2
  "$bin" batch "$in" "$out" --quiet "${jobs[@]}" "$@" 2>"$log" &
  running=$!
}
# Waits for the running batch; its exit status is 0 or 1 (some files failed), anything else
# is an error.
finish() {
  local status=0
  wait "$running" || status=$?
  running=
  [ "$status" -le 1 ] || fail "batch exited with $status"
}
# Checks OUT holds exactly one whole output per good input and that the report and the error
# lines on stderr (LOG) name every bad file as failed, and no other; prints the number of outputs.
check() {
  local out=$1 report=$2 log=$3
  (cd "$out" && find . -type f | sed 's#^\./##' | sort) >"$work/outputs.txt"
  diff -q "$work/expected.txt" "$work/outputs.txt" >/dev/null ||
    fail "$out: not exactly one output per good file ($(diff "$work/expected.txt" "$work/outputs.txt" | head -3 | tr '\n' ' '))"
  jq -r '.files[] | select(.status == "failed") | .input' "$report" | sort >"$work/failed.txt"
  diff -q "$work/bad.txt" "$work/failed.txt" >/dev/null || fail "$report: the failures are not the corrupt files"
  sed -n 's/^edgegrad: error: \([^:]*\): .*/\1/p' "$log" | sort >"$work/errors.txt"
  diff -q "$work/bad.txt" "$work/errors.txt" >/dev/null || fail "$log: the error lines are not one per corrupt file"
  rm -rf "$work/check"
  "$bin" batch "$out" "$work/check" --threshold 0.5 --quiet "${jobs[@]}" --report "$work/check.json" ||
    fail "$out: some outputs do not decode"
  [ "$(jq .totals.ok "$work/check.json")" -eq "$(wc -l <"$work/outputs.txt")" ] || fail "outputs not read back"
  wc -l <"$work/outputs.txt"
}

# --- 1. One run, memory sampled -----------------------------------------------------------
start "$work/out1" "$work/run1.log" --report "$work/run1.json"
: >"$work/rss.txt"
t0=$(date +%s.%N)
while kill -0 "$running" 2>/dev/null; do
  rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$running/status" 2>/dev/null || true)
  [ -n "$rss" ] && echo "$(date +%s.%N) $rss" >>"$work/rss.txt"
  sleep 0.05
done
finish
seconds=$(jq .totals.seconds "$work/run1.json")
outputs=$(check "$work/out1" "$work/run1.json" "$work/run1.log")
read -r first last samples < <(python3 - "$work/rss.txt" <<'EOF'
import sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
t0, t1 = rows[0][0], rows[-1][0]
quarter = (t1 - t0) / 4
first = max(r for t, r in rows if t <= t0 + quarter)
last = max(r for t, r in rows if t >= t1 - quarter)
print(int(first), int(last), len(rows))
EOF
)
change=$(python3 -c "print(f'{($last - $first) / $first * 100:+.1f}')")
say "1. one run: $outputs outputs, $nbad failures reported, ${seconds} s ($(jq .totals.images_per_second "$work/run1.json") images/s)"
say "   RSS ($samples samples): first-quarter peak $((first / 1024)) MiB, last-quarter peak $((last / 1024)) MiB ($change %)"
python3 -c "import sys; sys.exit(0 if abs($last - $first) <= 0.1 * $first else 1)" ||
  fail "memory grew: last-quarter peak $last kB against $first kB"

# --- 2. Killed three times, resumed with --skip-existing -----------------------------------
out=$work/out2
good=$(wc -l <"$work/expected.txt")
read -r -a targets < <(python3 -c "
import random
r = random.Random()
print(*sorted(r.randrange(int($good * 0.05), int($good * 0.95)) for _ in range(3)))")
flags=()
for k in 0 1 2; do
  start "$out" "$work/killed$k.log" "${flags[@]}" --report "$work/killed$k.json"
  while :; do
    n=$(find "$out" -name '*.png' 2>/dev/null | wc -l)
    [ "$n" -ge "${targets[$k]}" ] && break
    kill -0 "$running" 2>/dev/null || fail "run $k ended before its kill at ${targets[$k]} outputs"
    sleep 0.1
  done
  kill -9 "$running"
  wait "$running" 2>/dev/null || true
  running=
  [ ! -e "$work/killed$k.json" ] || fail "a killed run wrote its report"
  say "2. kill -9 at $n outputs of $good (aimed at ${targets[$k]}); $(find "$out" -name '*.tmp' | wc -l) temporary file(s) left"
  flags=(--skip-existing)
done
start "$out" "$work/run2.log" --skip-existing --report "$work/run2.json"
finish
outputs=$(check "$out" "$work/run2.json" "$work/run2.log")
tmp=$(find "$out" -name '*.tmp' | wc -l)
[ "$tmp" -eq 0 ] || fail "$tmp temporary files left"
say "   resumed: $outputs outputs, each whole, exactly one per good file; $nbad failures reported;" \
  "$(jq .totals.removed_temporaries "$work/run2.json") temporary file(s) removed, none left" \
  "($(jq -c '.totals | {ok, skipped, failed}' "$work/run2.json"))"
say passed
