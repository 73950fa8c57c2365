#!/usr/bin/env python3
"""The Python path warta is measured against.

The same work done the way a researcher would otherwise do it: read the corpus (a tree of .txt
files, or JSON Lines, plain or gzip), strip boilerplate lines with a few `re` patterns, drop
repeated paragraphs with a set of hashes, and find dates with
`dateparser.search.search_dates(text, languages=["id"])`. Prints one JSON object: articles,
bytes of raw text, seconds, MB/s, and what was found.

    python baseline.py CORPUS [--limit N]

CORPUS is a folder (searched recursively for *.txt, sorted by path), a .jsonl or a .jsonl.gz
file. Only the processing is timed per article; reading is included in the total seconds too.
"""

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
import time

from dateparser.search import search_dates

BOILERPLATE = [
    re.compile(r"^\s*COPYRIGHT\s+©", re.I),
    re.compile(r"^\s*Baca juga\s*:", re.I),
    re.compile(r"^.*\|\s*$"),  # Tribun related lists: `Title |`, `![]() |`, `---|`
    re.compile(r"^\s*Isi komentar sepenuhnya", re.I),
    re.compile(r"^\s*(Pewarta|Penulis|Editor)\s*:", re.I),
    re.compile(r"^\s*id [a-z0-9 ,.-]+$"),  # keyword line
    re.compile(r"\((ANTARA|Antara)/[^)]*\)\s*$"),  # photo caption
    re.compile(r"^\s*$"),
]
DATELINE = re.compile(r"^[A-Z][\w .-]{1,40}(\(ANTARA\))?\s*-\s*")
SPACES = re.compile(r"\s+")


def read_corpus(path, limit):
    """Yields (id, text) pairs."""
    n = 0
    if os.path.isdir(path):
        files = []
        for root, _dirs, names in os.walk(path):
            files.extend(os.path.join(root, f) for f in names if f.endswith(".txt"))
        files.sort()
        for f in files:
            if limit is not None and n >= limit:
                return
            with open(f, encoding="utf-8", errors="replace", newline="") as fh:
                yield os.path.splitext(os.path.basename(f))[0], fh.read()
            n += 1
    else:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", newline="") as fh:
            for line in fh:
                if limit is not None and n >= limit:
                    return
                if not line.strip():
                    continue
                rec = json.loads(line)
                yield str(rec.get("id", n)), rec.get("text", "")
                n += 1


def clean(text):
    """Returns (kept paragraphs, removed boilerplate lines, removed repeats)."""
    kept, seen = [], set()
    boiler = repeats = 0
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.replace("\u00a0", " ").replace("&nbsp;", " ")
        if any(p.search(line) for p in BOILERPLATE):
            boiler += 1
            continue
        norm = SPACES.sub(" ", line).strip()
        if len(kept) == 0:
            norm = DATELINE.sub("", norm)
        key = hashlib.md5(norm.lower().encode("utf-8")).digest()
        if key in seen:
            repeats += 1
            continue
        seen.add(key)
        kept.append(norm)
    return kept, boiler, repeats


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--limit", type=int, default=None, help="process only the first N articles")
    args = ap.parse_args()

    started = time.perf_counter()
    cpu_started = time.process_time()
    articles = raw_bytes = kept_bytes = dates = boiler = repeats = 0
    for _id, text in read_corpus(args.corpus, args.limit):
        articles += 1
        raw_bytes += len(text.encode("utf-8"))
        kept, b, r = clean(text)
        boiler += b
        repeats += r
        body = "\n\n".join(kept)
        kept_bytes += len(body.encode("utf-8"))
        found = search_dates(body, languages=["id"]) or []
        dates += len(found)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    out = {
        "tool": "python-baseline",
        "python": sys.version.split()[0],
        "corpus": args.corpus,
        "articles": articles,
        "bytes": raw_bytes,
        "kept_bytes": kept_bytes,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "mb_per_s": round(raw_bytes / 1e6 / seconds, 4) if seconds > 0 else None,
        "mb_per_cpu_s": round(raw_bytes / 1e6 / cpu_seconds, 4) if cpu_seconds > 0 else None,
        "articles_per_s": round(articles / seconds, 2) if seconds > 0 else None,
        "dates_found": dates,
        "boilerplate_lines_removed": boiler,
        "repeated_paragraphs_removed": repeats,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
