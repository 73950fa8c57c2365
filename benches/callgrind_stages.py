#!/usr/bin/env python3
"""Instructions per input byte of each stage of `warta run`, from two callgrind runs.

    python3 benches/callgrind_stages.py SIZE N1 BYTES1 ANNOTATE1 N2 BYTES2 ANNOTATE2

ANNOTATEk is the output of `callgrind_annotate --inclusive=yes --threshold=100` for `warta run
--threads 1` over the first Nk articles (BYTESk bytes of article text): one file, or a glob
pattern of one file per thread (`valgrind --separate-threads=yes`). Instruction counts do not depend on the
machine's load, so they compare builds where wall times on a shared machine cannot. The
difference of the two runs is the cost of the articles in between: the fixed costs (compiling
the rules, starting polars, writing the aggregates of a nearly empty table) cancel out, and
the fixed cost is what the first run spent beyond its articles at that rate.

Each stage is the inclusive count of the functions that do it for one article or batch, so
the stages do not nest: reading and decoding JSON Lines (`read_all`), cleaning and repeated
paragraphs (`clean_keeping_tokens`), syndication (MinHash signatures, `signature_with`, and
clusters, `warta_ingest::finish`), extraction (`warta_extract::extract`), filling and encoding
the fact tables (`TableSink::push`, and `TableWriter::cut` for the rows written at the end)
and the aggregates (the rest of `TableSink::finish`, and with one profile per thread what
polars' own threads do for it: see `profile`). The rest (channels, freeing batches, the allocator outside these, thread start, and
the MinHash signatures where they are inlined into the per-article closure) is `other`.
Prints one JSON record.
"""

import glob
import json
import re
import sys

# Each stage: its label and the functions whose inclusive counts add up to it (a `-` in front
# subtracts one).
STAGES = [
    ("read JSON Lines", ["warta_ingest::read::read_all"]),
    ("clean + repeats", ["warta_ingest::clean::clean_keeping_tokens"]),
    # MinHash signatures are computed next to cleaning, per article; the clusters at the end.
    ("syndication", ["warta_ingest::finish", "warta_ingest::minhash::signature_with"]),
    ("extract", ["warta_extract::extract"]),
    # Rows still buffered when the run ends are written by `finish`, through `TableWriter::cut`:
    # they belong to the fact tables. Runs this small hold one partition, so `cut` runs only
    # there (a partition boundary inside `push` would count twice).
    ("fact tables", ["warta_analytics::sink::TableSink::push", "warta_analytics::sink::TableWriter::cut"]),
    ("aggregates", ["warta_analytics::sink::TableSink::finish", "-warta_analytics::sink::TableWriter::cut"]),
]

# Functions that only warta's own rayon pool runs.
POOL_FUNCTIONS = ["warta_ingest::clean::clean_keeping_tokens", "warta_extract::extract"]


def inclusive(path):
    """Function name -> inclusive instructions (the first, outermost entry of a name)."""
    total = None
    costs = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$", line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        rest = m.group(2)
        if "PROGRAM TOTALS" in rest:
            total = n
            continue
        # `file:function [binary]`; the file is `???` without debug info.
        name = re.sub(r"\s+\[[^\]]*\]\s*$", "", rest)
        name = name.split(":", 1)[1] if ":" in name.split("::", 1)[0] else name
        name = name.strip()
        costs.setdefault(name, n)
    return total, costs


def profile(pattern):
    """Total instructions and per-stage inclusive counts over the threads of one run.

    With one profile per thread, what a thread does outside the stage functions counts to the
    aggregates unless it is the main thread or one of warta's pool threads (those that clean
    or extract): polars runs the aggregate queries on pools of its own, whose threads start
    in `finish` (taking over the numbers of the stage threads that have ended by then). The
    stage threads' own hand-over loops count there too; they are small.
    """
    total = 0
    stages = {label: 0 for label, _ in STAGES}
    paths = sorted(glob.glob(pattern)) or [pattern]
    for path in paths:
        t, costs = inclusive(path)
        if t is None:
            continue
        total += t
        staged = 0
        for label, fns in STAGES:
            for fn in fns:
                sign = -1 if fn.startswith("-") else 1
                n = sign * costs.get(fn.lstrip("-"), 0)
                stages[label] += n
                staged += n
        main_thread = "main" in costs
        pool = any(costs.get(fn, 0) > 0 for fn in POOL_FUNCTIONS)
        if len(paths) > 1 and not main_thread and not pool:
            stages["aggregates"] += t - staged
    return total, stages


def main():
    size = int(sys.argv[1])
    n1, b1, p1, n2, b2, p2 = sys.argv[2:8]
    n1, b1, n2, b2 = int(n1), int(b1), int(n2), int(b2)
    t1, s1 = profile(p1)
    t2, s2 = profile(p2)
    if not t1 or not t2 or b2 <= b1:
        sys.exit("callgrind_stages: missing totals or byte counts")
    db = b2 - b1
    stages = {label: (s2[label] - s1[label]) / db for label, _ in STAGES}
    total = (t2 - t1) / db
    stages["other"] = total - sum(stages.values())
    fixed = t1 - total * b1
    print(json.dumps({
        "kind": "instructions",
        "size": size,
        "articles": [n1, n2],
        "bytes": [b1, b2],
        "per_byte": stages,
        "total_per_byte": total,
        "fixed": fixed,
    }))


if __name__ == "__main__":
    main()
