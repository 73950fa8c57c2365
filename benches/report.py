#!/usr/bin/env python3
"""Turns the records run.sh collects (results.jsonl) into the markdown report of one size.

    python3 benches/report.py results.jsonl --size 100000 --out benches/results/latest-100000.md
"""

import argparse
import json

# Targets on a 2-core machine (from the project brief).
TARGET_E2E_MBS_2T = 150.0
TARGET_EXTRACT_MBS_CORE = 100.0
TARGET_RSS_MB_1M = 500.0
TARGET_PY_RATIO = 1000.0


def mb(b):
    return b / 1e6


def fmt(x, nd=1):
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{nd}f}"


def verdict(ok):
    if ok is None:
        return "–"
    return "met" if ok else "**not met**"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    recs = [json.loads(l) for l in open(args.results) if l.strip()]
    machine = next((r for r in recs if r["kind"] == "machine"), {})
    corpus = next((r for r in recs if r["kind"] == "corpus" and r["size"] == args.size), {})
    all_runs = [r for r in recs if r["kind"] == "run" and r["size"] == args.size]
    # A run that failed (a full disk, say) measured nothing: it is listed but never judged.
    runs = [r for r in all_runs if r.get("status", 0) == 0]
    failed = [r for r in all_runs if r.get("status", 0) != 0]
    py = next((r for r in recs if r["kind"] == "python" and r["size"] == args.size), None)
    micro = [r for r in recs if r["kind"] == "micro"]

    def get(input_, stage, threads):
        return next(
            (r for r in runs if r["input"] == input_ and r["stage"] == stage and r["threads"] == threads), None
        )

    L = []
    L.append(f"# warta benchmarks: {args.size:,} articles")
    L.append("")
    L.append(
        f"Machine: {machine.get('nproc', '?')} cores ({machine.get('cpu', '?')}), "
        f"{machine.get('mem_gib', '?')} GiB RAM; {machine.get('rustc', '?')}; {machine.get('date', '?')}; "
        f"commit {machine.get('commit', '?')}; load average before the run: {machine.get('load_before', '?')} "
        "(the machine is shared: a load above the core count slows every number below)."
    )
    if corpus:
        L.append("")
        L.append(
            f"Corpus: `warta-gen --seed {corpus.get('seed')}`, {corpus.get('articles', 0):,} articles, "
            f"{mb(corpus.get('text_bytes', 0)):,.1f} MB of text (mean {corpus.get('text_bytes', 0) / max(1, corpus.get('articles', 1)):,.0f} B); "
            f"{corpus.get('syndicated', 0):,} syndicated rewrites, {corpus.get('same_page', 0):,} same-page copies, "
            f"{corpus.get('repeated_bodies', 0):,} repeated bodies; outlets {corpus.get('outlets', {})}; "
            f"generated in {corpus.get('seconds', 0):.1f} s."
        )
    L.append("")
    L.append("## End to end and per stage")
    L.append("")
    L.append("MB = 10^6 bytes of input article text. Wall time and peak RSS from `/usr/bin/time -v`; "
             "runs with 1 thread are pinned to one core (`taskset -c 0`).")
    L.append("")
    L.append("| input | stage | threads | wall s | MB/s | articles/s | peak RSS MB | user s | sys s | exit |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in all_runs:
        w = max(r["wall"], 1e-3)
        L.append(
            f"| {r['input']} | {r['stage']} | {r['threads']} | {r['wall']:.2f} | {fmt(mb(r['bytes']) / w)} | "
            f"{fmt(r['articles'] / w)} | {fmt(r['rss_kb'] / 1024)} | {r['user']:.2f} | {r['sys']:.2f} | {r['status']} |"
        )
    if failed:
        L.append("")
        L.append(f"**{len(failed)} run(s) failed** (exit status not 0): their figures are listed above "
                 "but left out of every table and verdict below.")
    timed = [r for r in runs if r.get("rss_tenths_kb")]
    if timed:
        L.append("")
        L.append("Memory over each run: the largest RSS in each tenth of its wall time (MB, sampled from "
                 "`/proc` every 0.1 s by `benches/rss_timeline.py`). Text streams through most of a run; "
                 "`run` ends with the aggregates and the join of the fact tables' parts, `extract` and "
                 "`ingest` with the syndication clusters and the JSON output.")
        L.append("")
        L.append("| input | stage | threads | " + " | ".join(f"{10 * (i + 1)}%" for i in range(10)) + " |")
        L.append("|---|---|---:|" + "---:|" * 10)
        for r in timed:
            cells = " | ".join(fmt(kb / 1024) if kb is not None else "–" for kb in r["rss_tenths_kb"])
            L.append(f"| {r['input']} | {r['stage']} | {r['threads']} | {cells} |")
    # Stage costs. The stages overlap in one process (ingest, extraction and writing run at
    # once), so wall-time differences no longer isolate a stage: costs are CPU seconds
    # (user + sys) of each command, and extraction alone is timed directly.
    def cpu(r):
        return r["user"] + r["sys"] if r else None

    L.append("")
    L.append("Stage costs in CPU seconds (user + sys): `ingest`; extraction and its JSON output = "
             "`extract` − `ingest`; `run` is the whole job (ingest, extraction, tables; no JSON). "
             "MB per CPU-second is the throughput one core gives.")
    L.append("")
    L.append("| threads | ingest CPU s | MB per CPU-s | extract − ingest CPU s | MB per CPU-s | run CPU s | MB per CPU-s |")
    L.append("|---:|---:|---:|---:|---:|---:|---:|")
    for t in sorted({r["threads"] for r in runs if r["input"] == "jsonl"}):
        i, e, u = get("jsonl", "ingest", t), get("jsonl", "extract", t), get("jsonl", "run", t)
        ci, ce, cu = cpu(i), cpu(e), cpu(u)
        b = mb((i or e or u)["bytes"]) if (i or e or u) else None
        d = (ce - ci) if ci is not None and ce is not None and ce > ci else None
        L.append(f"| {t} | {fmt(ci, 2)} | {fmt(b / ci if b and ci else None)} | {fmt(d, 2)} | "
                 f"{fmt(b / d if b and d else None)} | {fmt(cu, 2)} | {fmt(b / cu if b and cu else None)} |")
    alone = next((r for r in recs if r["kind"] == "extract_alone" and r["size"] == args.size), None)
    ext1 = None
    if alone:
        ext1 = mb(alone["bytes"]) / alone["seconds"]
        L.append("")
        L.append(
            f"Extraction alone (`warta_extract::extract` over {alone['articles']:,} cleaned articles held in memory, "
            f"pinned to one core, `crates/extract/examples/extract_throughput.rs`): {mb(alone['bytes']):.1f} MB of kept "
            f"paragraph text in {alone['seconds']:.2f} s = **{ext1:.1f} MB/s per core**, "
            f"{alone['articles'] / alone['seconds']:,.0f} articles/s, {alone['mentions']:,} mentions."
        )

    ins = next((r for r in recs if r["kind"] == "instructions" and r["size"] == args.size), None)
    if ins:
        n1, n2 = ins["articles"]
        total = ins["total_per_byte"]
        L.append("")
        L.append(
            f"Instructions per byte of input text by stage of `warta run --threads 1` (callgrind, the articles "
            f"between the corpus' first {n1:,} and first {n2:,}: the same on a loaded machine as on an idle one; "
            f"`benches/callgrind_stages.py`). Fixed cost of a run (rules, polars, aggregates of an almost "
            f"empty table): {ins['fixed'] / 1e6:,.0f} million instructions."
        )
        L.append("")
        L.append("| stage | instructions per byte | share |")
        L.append("|---|---:|---:|")
        for label, v in ins["per_byte"].items():
            L.append(f"| {label} | {v:.1f} | {100 * v / total:.0f}% |")
        L.append(f"| **all** | **{total:.1f}** | 100% |")

    # Python.
    L.append("")
    L.append("## Against the Python path")
    L.append("")
    sub = next((r for r in runs if r["input"] == "subset"), None)
    ratio_same = ratio_tp = None
    if py:
        L.append(
            f"`benches/baseline/baseline.py` (re cleaning, hashed repeat removal, dateparser "
            f"`search_dates(languages=['id'])`, Python {py.get('python')}) on the first {py['articles']} articles "
            f"({mb(py['bytes']):.2f} MB): {py['seconds']:.1f} s wall, {py.get('cpu_seconds', 0):.1f} s CPU → "
            f"**{py['mb_per_s']:.4f} MB/s** ({py.get('mb_per_cpu_s') or 0:.4f} MB per CPU-second), "
            f"{py['articles_per_s']:.1f} articles/s."
        )
        L.append("")
        L.append("| comparison | warta MB/s | Python MB/s | ratio |")
        L.append("|---|---:|---:|---:|")
        if sub:
            w = mb(sub["bytes"]) / sub["wall"]
            ratio_same = w / py["mb_per_s"]
            L.append(
                f"| same {py['articles']} articles, `warta run --threads 1` (process start and table writing included) "
                f"| {fmt(w)} | {py['mb_per_s']:.4f} | {fmt(ratio_same)}x |"
            )
        r1 = get("jsonl", "run", 1)
        if r1:
            w = mb(r1["bytes"]) / r1["wall"]
            ratio_tp = w / py["mb_per_s"]
            L.append(
                f"| throughput: full corpus `warta run --threads 1` vs the Python subset | {fmt(w)} | "
                f"{py['mb_per_s']:.4f} | {fmt(ratio_tp)}x |"
            )
    else:
        L.append("(not run)")

    # Targets.
    L.append("")
    L.append("## Targets (2 cores)")
    L.append("")
    L.append("| target | measured | verdict |")
    L.append("|---|---:|---|")
    r2 = get("jsonl", "run", 2)
    e2e = mb(r2["bytes"]) / r2["wall"] if r2 else None
    L.append(f"| end to end ≥ {TARGET_E2E_MBS_2T:.0f} MB/s with 2 threads | {fmt(e2e)} MB/s | "
             f"{verdict(None if e2e is None else e2e >= TARGET_E2E_MBS_2T)} |")
    L.append(f"| extraction ≥ {TARGET_EXTRACT_MBS_CORE:.0f} MB/s per core (extraction alone, one core) | "
             f"{fmt(ext1)} MB/s | {verdict(None if ext1 is None else ext1 >= TARGET_EXTRACT_MBS_CORE)} |")
    peak = max((r["rss_kb"] for r in runs if r["input"] == "jsonl"), default=None)
    peak_mb = peak / 1024 if peak else None
    scale_note = "" if args.size >= 1_000_000 else f" (at {args.size:,}; the target is at 1M)"
    L.append(f"| peak RSS < {TARGET_RSS_MB_1M:.0f} MB at 1M articles | {fmt(peak_mb)} MB{scale_note} | "
             f"{verdict(None if peak_mb is None else peak_mb < TARGET_RSS_MB_1M)}{' at this size' if scale_note else ''} |")
    best = max([x for x in (ratio_same, ratio_tp) if x is not None], default=None)
    L.append(f"| ≥ {TARGET_PY_RATIO:.0f}x the Python path | same subset {fmt(ratio_same)}x, throughput {fmt(ratio_tp)}x | "
             f"{verdict(None if best is None else best >= TARGET_PY_RATIO)} |")

    # Scaling across sizes.
    sizes = sorted({r["size"] for r in recs if r["kind"] == "run" and r["input"] == "jsonl"})
    if len(sizes) > 1:
        L.append("")
        L.append("## Scaling (JSON Lines input): MB/s per size")
        L.append("")
        allruns = [r for r in recs if r["kind"] == "run" and r["input"] == "jsonl" and r.get("status", 0) == 0]
        combos = sorted({(r["stage"], r["threads"]) for r in allruns}, key=lambda x: (x[1], ["ingest", "extract", "run"].index(x[0]) if x[0] in ("ingest", "extract", "run") else 9))
        L.append("| stage | threads | " + " | ".join(f"{s:,}" for s in sizes) + " | largest / smallest |")
        L.append("|---|---:|" + "---:|" * len(sizes) + "---:|")
        for stage, t in combos:
            vals = []
            for s in sizes:
                r = next((x for x in allruns if x["size"] == s and x["stage"] == stage and x["threads"] == t), None)
                vals.append(mb(r["bytes"]) / r["wall"] if r else None)
            ratio = vals[-1] / vals[0] if vals[0] and vals[-1] else None
            L.append(f"| {stage} | {t} | " + " | ".join(fmt(v) for v in vals) + f" | {fmt(ratio, 2)} |")
        L.append("")
        L.append("Cost grows linearly when MB/s stays flat across sizes (ratio near 1; above 0.8 is read as linear; "
                 "small sizes carry start-up costs, so a ratio above 1 is expected).")

    if micro:
        L.append("")
        L.append("## Micro-benchmarks (criterion, median)")
        L.append("")
        L.append("| benchmark | time | throughput |")
        L.append("|---|---:|---:|")
        for m in micro:
            L.append(f"| {m['name']} | {m['time']} | {m.get('thrpt', '–')} |")

    text = "\n".join(L) + "\n"
    with open(args.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
