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
import hashlib
import multiprocessing
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

CONDITION_ORDER = ["clean", "textured", "noisy", "blurred", "low-contrast", "fine-detail", "mixed"]


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


class SceneScorer:
    """Scores edge maps of one scene, once per distinct map (many settings give the same map)."""

    def __init__(self, scene):
        self.scene = scene
        self.cache = {}

    def __call__(self, edges) -> Counts:
        key = hashlib.blake2b(np.packbits(edges).tobytes(), digest_size=16).digest()
        if key not in self.cache:
            self.cache[key] = match(edges, self.scene.truth)
        return self.cache[key]


def evaluate_scene(args):
    """Every Python-side method on one scene: {(method, parameter): Counts}."""
    spec, with_rules = args
    scene = render(spec)
    score = SceneScorer(scene)
    out = {}
    for label, fn in baselines.untuned():
        out[(label, label)] = score(fn(scene.image))
    for label, params in baselines.sweeps():
        for p, fn in params:
            out[(label, p)] = score(fn(scene.image))
    if with_rules:
        maps = {s: Maps.of(scene.image, s) for s in rules.SIGMAS}
        for cand in rules.candidates():
            sigma, family, name, arg, ratio = cand
            label = rules.describe(*cand)
            m = maps[sigma]
            out[(label, label)] = score(rules.apply(m, family, rules.level(m, name, arg), ratio))
        for sigma in rules.SIGMAS:
            for family, ratios in (("plain", (1.0,)), ("thin", (1.0,)), ("hyst", baselines.RATIOS)):
                label = oracle_label(sigma, family)
                for t in baselines.LEVELS:
                    for r in ratios:
                        p = f"{r * t:.4g},{t:.4g}" if family == "hyst" else f"{t:.4g}"
                        out[(label, p)] = score(rules.apply(maps[sigma], family, t, r))
    return out


def oracle_label(sigma, family):
    return f"simulated edgegrad, sigma {sigma:g}, {family}, fixed T"


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


MARKER = "<!-- Everything below is generated by run.py; edit above this line. -->"


def report(res, untuned, swept, rule_labels, elapsed, quick):
    lines = [MARKER, ""]
    n = len(res.scenes)
    per = ", ".join(f"{c} {len(res.sets[c])}" for c in res.conditions)
    lines.append(f"Generated by `bench/edge_quality/run.py`{' --quick' if quick else ''} in {elapsed:.0f} s: "
                 f"{n} scenes ({per}), matching tolerance {TOLERANCE:g} px, one-to-one (README.md). "
                 "Counts are summed over the scenes of a column; \"mean F\" is the mean of the condition "
                 "columns. Oracle rows choose the best setting with knowledge of the ground truth: per "
                 "column (one setting for the scenes of that column) or per image.\n")

    summary = [(f"{m} (untuned)", fixed(res, m, m)) for m in untuned]
    if rule_labels:
        for title, cand in list(rules.CURRENT.items()) + list(rules.RECOMMENDED.items()):
            summary.append((f"simulated {title}", fixed(res, rules.describe(*cand), rules.describe(*cand))))
    oracle_methods = [m for m in swept if not m.startswith("simulated") or m in (
        oracle_label(1.0, "thin"), oracle_label(1.4, "hyst"), oracle_label(2.0, "thin"))]
    summary += [(f"{m}: best per column (oracle)", oracle_per_set(res, m)) for m in oracle_methods]
    summary += [(f"{m}: one setting for all scenes, best mean F (oracle)", fixed(res, m, res.best(m, "mean")))
                for m in oracle_methods]
    summary += [(f"{m}: best per image (oracle)", oracle_per_image(res, m)) for m in oracle_methods]
    lines.append("## Summary: F-measure\n")
    lines.append(table(res, summary, fmt_f))
    lines.append("\n## Summary: precision / recall\n")
    lines.append(table(res, summary, fmt_pr))

    variants = variant_sets(res)
    lines.append("\n## F by noise and blur level\n")
    lines.append(variant_table(res, variants, summary))

    lines.append("\n## Every swept method: oracle and fixed settings\n")
    rows = [(f"{m}: best per column", oracle_per_set(res, m)) for m in swept]
    rows += [(f"{m}: one setting, best mean F", fixed(res, m, res.best(m, "mean"))) for m in swept]
    rows += [(f"{m}: best per image", oracle_per_image(res, m)) for m in swept]
    lines.append(table(res, rows, fmt_f))
    lines.append("\nSettings chosen by the sweeps:\n")
    for m in swept:
        lines.append(f"- {m}: one setting `{res.best(m, 'mean')}`; per column: "
                     + ", ".join(f"{c} `{res.best(m, c)}`" for c in res.conditions))
    if rule_labels:
        lines.append("\n## Automatic threshold rules (simulated edgegrad pipeline)\n")
        lines.append("Each rule is one formula applied to every image (nothing tuned per set). "
                     "s_med = median(M) / sqrt(2 ln 2); g = peak magnitude of a unit step through the same "
                     "smoothing and gradient (see rules.py).\n")
        ranked = sorted(rule_labels, key=lambda m: -res.mean_f(m, m))
        seen = set()
        kinds = []
        for m in ranked:
            sigma, family, name, _, _ = res.meta[m]
            if (sigma, family, name) not in seen:
                seen.add((sigma, family, name))
                kinds.append(m)
        lines.append("Best rule of each kind (smoothing, thinning, level statistic):\n")
        lines.append(table(res, [(m, fixed(res, m, m)) for m in kinds], fmt_f))
        lines.append("\nThe 30 best rules:\n")
        lines.append(table(res, [(m, fixed(res, m, m)) for m in ranked[:30]], fmt_f))
        lines.append("\nSensitivity of the noise rule (mean F; NMS + hysteresis low = 0.5 high, floor 0.01 g):\n")
        lines.append("| k | " + " | ".join(f"sigma {s:g}" for s in rules.SIGMAS) + " |")
        lines.append("|---" * (len(rules.SIGMAS) + 1) + "|")
        for k in rules.NOISE_K:
            cells = [f"{res.mean_f(l, l):.3f}" for l in
                     (rules.describe(s, "hyst", "noise", (k, 0.01), 0.5) for s in rules.SIGMAS)]
            lines.append(f"| {k:g} | " + " | ".join(cells) + " |")
        lines.append("\nSensitivity of the noise rule (mean F; NMS, single threshold, floor 0.01 g):\n")
        lines.append("| k | " + " | ".join(f"sigma {s:g}" for s in rules.SIGMAS) + " |")
        lines.append("|---" * (len(rules.SIGMAS) + 1) + "|")
        for k in rules.NOISE_K:
            cells = [f"{res.mean_f(l, l):.3f}" for l in
                     (rules.describe(s, "thin", "noise", (k, 0.01), 1.0) for s in rules.SIGMAS)]
            lines.append(f"| {k:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def variant_sets(res):
    """Extra scene subsets by noise and blur level, for the breakdown table."""
    out = {}
    for i, sc in enumerate(res.scenes):
        sp = sc.spec
        if sp.condition == "noisy":
            out.setdefault(f"noise {sp.noise:g}", []).append(i)
        if sp.condition == "blurred":
            out.setdefault(f"blur {sp.blur:g}", []).append(i)
        if sp.condition == "textured":
            out.setdefault(f"texture {sp.texture:g}", []).append(i)
    return out


def variant_table(res, variants, rows):
    names = sorted(variants)
    res.sets.update(variants)
    out = ["| method | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for label, pick in rows:
        out.append(f"| {label} | " + " | ".join(fmt_f(pick(v)) for v in names) + " |")
    return "\n".join(out)


def write_report(path, text):
    """Replace the generated part of ``path``, keeping the hand-written text above the marker."""
    head = ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        if MARKER in old:
            head = old[:old.index(MARKER)]
    with open(path, "w") as f:
        f.write(head + text)


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

    specs = scene_set(args.quick)
    scenes = [render(s) for s in specs]
    res = Results(scenes)
    print(f"{len(scenes)} scenes rendered in {time.time() - t0:.1f} s", file=sys.stderr)

    with multiprocessing.Pool(args.jobs) as pool:
        per_scene = pool.map(evaluate_scene, [(s, not args.no_rules) for s in specs], chunksize=1)
    for key in per_scene[0]:
        res.add(key[0], key[1], [d[key] for d in per_scene])
    untuned = [label for label, _ in baselines.untuned()]
    swept = [label for label, _ in baselines.sweeps()]
    rule_labels = []
    if not args.no_rules:
        rule_labels = [rules.describe(*c) for c in rules.candidates()]
        res.meta = {rules.describe(*c): c for c in rules.candidates()}
        swept += [oracle_label(s, f) for s in rules.SIGMAS for f in ("plain", "thin", "hyst")]
    print(f"python methods done at {time.time() - t0:.1f} s", file=sys.stderr)

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

    text = report(res, untuned, swept, rule_labels, time.time() - t0, args.quick)
    write_report(args.out, text)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
