#!/usr/bin/env python3
"""Samples the resident memory of a measured process while it runs (run.sh's `measure`).

    python3 benches/rss_timeline.py PARENT_PID OUT.json [INTERVAL_S]

PARENT_PID is the `/usr/bin/time` that runs the measured command; its one child is the
command. Every INTERVAL_S seconds (default 0.1) the child's VmRSS is read from /proc until the
parent exits. OUT.json gets the largest RSS seen in each tenth of the run's time (kB; null for
a tenth with no sample), and the number of samples: where memory goes while text streams and
while the tables are finished, at any corpus size, in ten numbers.
"""

import json
import os
import sys
import time


def child_of(parent):
    """The pid of `parent`'s child, or None while it has none."""
    try:
        with open(f"/proc/{parent}/task/{parent}/children") as f:
            kids = f.read().split()
        if kids:
            return int(kids[0])
    except OSError:
        pass
    # Kernels without the children file: scan every process's parent.
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name (field 2) is in parentheses and may hold spaces.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[1] == str(parent):
            return int(name)
    return None


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def tenths(samples, end):
    """The largest RSS in each tenth of [0, end]."""
    out = [None] * 10
    for t, kb in samples:
        i = min(9, int(10 * t / end)) if end > 0 else 9
        out[i] = kb if out[i] is None else max(out[i], kb)
    return out


def main():
    parent, out_path = int(sys.argv[1]), sys.argv[2]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
    start = time.monotonic()
    samples = []
    child = None
    while os.path.exists(f"/proc/{parent}"):
        if child is None:
            child = child_of(parent)
        if child is not None:
            kb = rss_kb(child)
            if kb is not None:
                samples.append((time.monotonic() - start, kb))
        time.sleep(interval)
    end = time.monotonic() - start
    with open(out_path, "w") as f:
        json.dump({"rss_tenths_kb": tenths(samples, end), "rss_samples": len(samples)}, f)


if __name__ == "__main__":
    main()
