"""Edge-quality evaluation of edgegrad against OpenCV and scikit-image Canny.

Usage (from the repository root):

    ~/.cache/edgegrad-fixtures/bin/python bench/edge_quality/run.py \
        [--bin target/release/edgegrad] [--quick] [--out bench/edge_quality/RESULTS.md] \
        [--keep DIR]

Renders the synthetic scenes (scenes.py), runs every method on the 8-bit PNGs, scores them
(scoring.py) and writes a markdown report. See README.md.
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import baselines  # noqa: E402
import rules  # noqa: E402
from pipeline_sim import Maps  # noqa: E402
from scenes import render, scene_set  # noqa: E402
from scoring import TOLERANCE, Counts, match  # noqa: E402

CONDITION_ORDER = ["clean", "textured", "noisy", "blurred", "low-contrast", "mixed"]


class Results:
    """Counts per (method, parameter) per scene, and aggregation over scene sets."""

    def __init__(self, scenes):
        self.scenes = scenes
        self.conditions = [c for c in CONDITION_ORDER if any(s.spec.condition == c for s in scenes)]
        self.sets = {c: [i for i, s in enumerate(scenes) if s.spec.condition == c] for c in self.conditions}
        self.sets["overall"] = list(range(len(scenes)))
        self.counts = collections.defaultdict(dict)  # method -> param -> [Counts per scene]

    def add(self, method, param, per_scene):
        self.counts[method][param] = per_scene

    def total(self, method, param, subset) -> Counts:
        c = Counts()
        for i in self.sets[subset]:
            c = c + self.counts[method][param][i]
        return c

    def mean_f(self, method, param) -> float:
        return float(np.mean([self.total(method, param, c).f for c in self.conditions]))

    def best(self, method, subset):
        """The parameter with the highest F on ``subset`` ("mean" = mean F over conditions)."""
        params = self.counts[method]
        if subset == "mean":
            return max(params, key=lambda p: self.mean_f(method, p))
        return max(params, key=lambda p: self.total(method, p, subset).f)


def score_all(scenes, fn):
    return [match(fn(s), s.truth) for s in scenes]


# ---------------------------------------------------------------- edgegrad, the real binary

def has_detect(binary) -> bool:
    if not binary or not os.path.exists(binary):
        return False
    r = subprocess.run([binary, "detect", "--help"], capture_output=True, text=True)
    return r.returncode == 0


def run_edgegrad(binary, png, out, args):
    r = subprocess.run([binary, "detect", png, "-o", out, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"edgegrad detect {' '.join(args)} on {png}: {r.stderr.strip()}")
    return np.array(Image.open(out).convert("L")) > 127


def edgegrad_configs(sweep: bool):
    untuned = [("edgegrad detect (defaults)", []),
               ("edgegrad detect --thin", ["--thin"]),
               ("edgegrad detect --canny", ["--canny"])]
    sweeps = []
    if sweep:
        lv = baselines.LEVELS
        sweeps.append(("edgegrad --threshold T", [(f"{t:.4g}", ["--threshold", f"{t:.6g}"]) for t in lv]))
        sweeps.append(("edgegrad --thin --threshold T",
                       [(f"{t:.4g}", ["--thin", "--threshold", f"{t:.6g}"]) for t in lv]))
        sweeps.append(("edgegrad --canny --hysteresis L,H",
                       [(f"{r * t:.4g},{t:.4g}", ["--canny", "--hysteresis", f"{r * t:.6g},{t:.6g}"])
                        for t in lv for r in baselines.RATIOS]))
    return untuned, sweeps


def evaluate_edgegrad(res, binary, scenes, pngs, workdir, sweep, jobs):
    untuned, sweeps = edgegrad_configs(sweep)
    jobs_list = [(label, label, args) for label, args in untuned]
    jobs_list += [(label, p, args) for label, params in sweeps for p, args in params]

    def one(job_index, scene_index):
        label, param, args = jobs_list[job_index]
        out = os.path.join(workdir, f"eg-{job_index}-{scene_index}.png")
        edges = run_edgegrad(binary, pngs[scene_index], out, args)
        os.remove(out)
        return match(edges, scenes[scene_index].truth)

    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {(j, i): pool.submit(one, j, i) for j in range(len(jobs_list)) for i in range(len(scenes))}
        for j, (label, param, _) in enumerate(jobs_list):
            res.add(label, param, [futures[(j, i)].result() for i in range(len(scenes))])
    return [l for l, _ in untuned], [l for l, _ in sweeps]


# ---------------------------------------------------------------- report

def fmt_f(c: Counts) -> str:
    return f"{c.f:.3f}"


def fmt_pr(c: Counts) -> str:
    return f"{c.precision:.2f} / {c.recall:.2f}"


def table(res, rows, cell):
    """Rows of (label, pick) where pick(column) gives the Counts shown in that column."""
    cols = res.conditions + ["overall"]
    out = ["| method | " + " | ".join(cols) + " | mean F |", "|---" * (len(cols) + 2) + "|"]
    for label, pick in rows:
        counts = {c: pick(c) for c in cols}
        mean = np.mean([counts[c].f for c in res.conditions])
        out.append(f"| {label} | " + " | ".join(cell(counts[c]) for c in cols) + f" | {mean:.3f} |")
    return "\n".join(out)


def fixed(res, method, param):
    return lambda c: res.total(method, param, c)


def oracle_per_set(res, method):
    return lambda c: res.total(method, res.best(method, c), c)


def oracle_per_image(res, method):
    def pick(c):
        total = Counts()
        for i in res.sets[c]:
            total = total + max((per[i] for per in res.counts[method].values()), key=lambda k: k.f)
        return total
    return pick


def report(res, untuned, swept, rule_labels, elapsed, quick):
    lines = []
    n = len(res.scenes)
    per = ", ".join(f"{c} {len(res.sets[c])}" for c in res.conditions)
    lines.append("# Edge quality: edgegrad vs OpenCV and scikit-image Canny\n")
    lines.append(f"Generated by `bench/edge_quality/run.py`{' --quick' if quick else ''} "
                 f"in {elapsed:.0f} s. {n} scenes ({per}); matching tolerance {TOLERANCE:g} px, "
                 "one-to-one (see README.md). Counts are summed over the scenes of a column; "
                 "\"mean F\" is the mean of the condition columns.\n")
    rows = [(f"{m} (untuned)", fixed(res, m, m)) for m in untuned]
    rows += [(f"{m}: best setting per column (oracle)", oracle_per_set(res, m)) for m in swept]
    rows += [(f"{m}: one setting for all, best mean F", fixed(res, m, res.best(m, "mean"))) for m in swept]
    rows += [(f"{m}: best setting per image (oracle)", oracle_per_image(res, m)) for m in swept]
    lines.append("## F-measure\n")
    lines.append(table(res, rows, fmt_f))
    lines.append("\n## Precision / recall\n")
    lines.append(table(res, rows, fmt_pr))
    lines.append("\n## Best settings found by the sweeps\n")
    for m in swept:
        lines.append(f"- {m}: overall best `{res.best(m, 'mean')}`; per condition: "
                     + ", ".join(f"{c} `{res.best(m, c)}`" for c in res.conditions))
    if rule_labels:
        lines.append("\n## Automatic threshold rules (simulated edgegrad pipeline)\n")
        lines.append("Ranked by mean F over conditions; each rule is one fixed formula for every "
                     "image (no per-set tuning). Oracle rows: the best fixed threshold.\n")
        ranked = sorted(rule_labels, key=lambda m: -res.mean_f(m, m))
        rows = [(m, fixed(res, m, m)) for m in ranked[:25]]
        lines.append(table(res, rows, fmt_f))
        lines.append("\nBest rule of each kind:\n")
        seen = set()
        kinds = []
        for m in ranked:
            kind = (m.split(",")[0], m.split(",")[1], m.split("T = ")[1].split("(")[0].split(" ")[0])
            if kind not in seen:
                seen.add(kind)
                kinds.append(m)
        rows = [(m, fixed(res, m, m)) for m in kinds]
        lines.append(table(res, rows, fmt_f))
        lines.append("\nPrecision / recall of the best rules:\n")
        rows = [(m, fixed(res, m, m)) for m in ranked[:10]]
        lines.append(table(res, rows, fmt_pr))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="target/release/edgegrad", help="edgegrad binary (with `detect`)")
    ap.add_argument("--quick", action="store_true", help="one scene per condition and variant")
    ap.add_argument("--no-cli-sweep", action="store_true", help="run edgegrad only with its defaults")
    ap.add_argument("--no-rules", action="store_true", help="skip the simulated threshold rules")
    ap.add_argument("--jobs", type=int, default=2, help="parallel edgegrad processes")
    ap.add_argument("--keep", help="also save the scenes (PNG) and their ground truth here")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"))
    args = ap.parse_args()
    t0 = time.time()

    scenes = [render(s) for s in scene_set(args.quick)]
    res = Results(scenes)
    print(f"{len(scenes)} scenes rendered in {time.time() - t0:.1f} s", file=sys.stderr)

    untuned = []
    for label, fn in baselines.untuned():
        res.add(label, label, score_all(scenes, lambda s, fn=fn: fn(s.image)))
        untuned.append(label)
    swept = []
    for label, params in baselines.sweeps():
        for p, fn in params:
            res.add(label, p, score_all(scenes, lambda s, fn=fn: fn(s.image)))
        swept.append(label)
    print(f"baselines done at {time.time() - t0:.1f} s", file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        keep = args.keep or tmp
        os.makedirs(keep, exist_ok=True)
        pngs = []
        for s in scenes:
            path = os.path.join(keep, s.spec.name + ".png")
            Image.fromarray(s.image).save(path)
            if args.keep:
                Image.fromarray(s.truth.astype(np.uint8) * 255).save(
                    os.path.join(keep, s.spec.name + ".truth.png"))
            pngs.append(path)
        if has_detect(args.bin):
            u, w = evaluate_edgegrad(res, args.bin, scenes, pngs, tmp, not args.no_cli_sweep, args.jobs)
            untuned += u
            swept += w
            print(f"edgegrad done at {time.time() - t0:.1f} s", file=sys.stderr)
        else:
            print(f"{args.bin}: no `detect` subcommand, edgegrad itself not evaluated", file=sys.stderr)

    rule_labels = []
    if not args.no_rules:
        maps = {s: [Maps.of(sc.image, s) for sc in scenes] for s in rules.SIGMAS}
        for cand in rules.candidates():
            sigma, family, name, arg, ratio = cand
            label = rules.describe(*cand)
            per = []
            for i, sc in enumerate(scenes):
                m = maps[sigma][i]
                per.append(match(rules.apply(m, family, rules.level(m, name, arg), ratio), sc.truth))
            res.add(label, label, per)
            rule_labels.append(label)
        for sigma in rules.SIGMAS:
            for family, ratios in (("plain", (1.0,)), ("thin", (1.0,)), ("hyst", baselines.RATIOS)):
                label = f"oracle: sigma {sigma:g}, {family}, fixed T"
                for t in baselines.LEVELS:
                    for r in ratios:
                        res.add(label, f"{r * t:.4g},{t:.4g}" if family == "hyst" else f"{t:.4g}",
                                [match(rules.apply(maps[sigma][i], family, t, r), sc.truth)
                                 for i, sc in enumerate(scenes)])
                swept.append(label)
        print(f"rules done at {time.time() - t0:.1f} s", file=sys.stderr)

    text = report(res, untuned, swept, rule_labels, time.time() - t0, args.quick)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
