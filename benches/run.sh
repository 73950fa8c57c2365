#!/usr/bin/env bash
# Benchmarks warta at corpus scale and writes benches/results/latest-<SIZE>.md.
#
#   benches/run.sh [SIZE...]          default: 100000 articles
#   benches/run.sh 10000 100000       several sizes: also reports MB/s per size (linearity)
#
# For each SIZE: generates a corpus with warta-gen (JSON Lines, plus a .txt tree when SIZE is at
# most WARTA_BENCH_TXT_MAX), runs `warta ingest`, `warta extract` and `warta run` with 1 and 2
# threads under /usr/bin/time (wall time, peak RSS; RSS over each run from benches/rss_timeline.py),
# runs the Python baseline and warta on the
# same subset, counts the instructions per byte of each stage of `warta run` with callgrind
# (when valgrind is installed), runs the criterion micro-benchmarks once, and writes a markdown
# report.
#
# Environment:
#   CARGO_TARGET_DIR         build dir (default: the workspace target/)
#   WARTA_BENCH_DIR          scratch dir for corpora and outputs (default: a new /tmp/warta-bench.*)
#   WARTA_BENCH_TXT_DIR      where .txt trees go (default /dev/shm when it exists: creating a
#                            million small files on a VM disk measures the disk, not warta)
#   WARTA_BENCH_TXT_MAX      largest SIZE that also gets a .txt tree (default 100000)
#   WARTA_BENCH_THREADS      thread counts to run (default "1 2")
#   WARTA_BENCH_PY_LIMIT     articles for the Python baseline (default 200)
#   WARTA_BENCH_VENV         venv for the baseline (default /tmp/warta-bench-venv)
#   WARTA_BENCH_SKIP         space-separated parts to skip: python micro txt callgrind
#   WARTA_BENCH_CG_ARTICLES  articles of the smaller callgrind run (default 1000; the other has
#                            twice as many)
#   WARTA_BENCH_KEEP=1       keep the scratch dir
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(100000)
THREADS=(${WARTA_BENCH_THREADS:-1 2})
PY_LIMIT=${WARTA_BENCH_PY_LIMIT:-200}
TXT_MAX=${WARTA_BENCH_TXT_MAX:-100000}
VENV=${WARTA_BENCH_VENV:-/tmp/warta-bench-venv}
SKIP=" ${WARTA_BENCH_SKIP:-} "
WORK=${WARTA_BENCH_DIR:-$(mktemp -d /tmp/warta-bench.XXXXXX)}
if [ -n "${WARTA_BENCH_TXT_DIR:-}" ]; then
    TXT_BASE=$WARTA_BENCH_TXT_DIR
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
    TXT_BASE=/dev/shm
else
    TXT_BASE=$WORK
fi
TXT_WORK=$(mktemp -d "$TXT_BASE/warta-bench-txt.XXXXXX")
case "$WORK/" in "$REPO"/*) echo "run.sh: WARTA_BENCH_DIR must be outside the repository" >&2; exit 2 ;; esac
mkdir -p "$WORK" "$REPO/benches/results"
RESULTS=$WORK/results.jsonl
FAILED_RUNS=0
: > "$RESULTS"

cleanup() {
    rm -rf "$TXT_WORK"
    if [ "${WARTA_BENCH_KEEP:-0}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Bytes of article text in a JSON Lines file.
text_bytes() {
    python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].encode()) for l in open(sys.argv[1])))" "$1"
}
log() { printf '[run.sh %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
skipping() { [[ "$SKIP" == *" $1 "* ]]; }

# --- tools -----------------------------------------------------------------------------------
if ! [ -x /usr/bin/time ]; then
    log "installing GNU time (apt-get)"
    (apt-get install -y time >/dev/null 2>&1 || (apt-get update >/dev/null && apt-get install -y time >/dev/null))
fi
log "building warta, warta-gen and extract_throughput (release, $CARGO_TARGET_DIR)"
(cd "$REPO" && cargo build --release -p warta-cli -p warta-benches --bins 2>&1 | tail -n 2 >&2)
(cd "$REPO" && cargo build --release -p warta-extract --example extract_throughput 2>&1 | tail -n 2 >&2)
WARTA=$CARGO_TARGET_DIR/release/warta
GEN=$CARGO_TARGET_DIR/release/warta-gen
EXTRACT_ALONE=$CARGO_TARGET_DIR/release/examples/extract_throughput
# Articles of the cleaned sample that extraction alone is timed on.
EXTRACT_SAMPLE=${WARTA_BENCH_EXTRACT_SAMPLE:-20000}
CG_ARTICLES=${WARTA_BENCH_CG_ARTICLES:-1000}

# --- machine ---------------------------------------------------------------------------------
python3 - "$RESULTS" <<'EOF'
import json, os, subprocess, sys, datetime
def sh(c):
    try:
        return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return ""
model = next((l.split(":", 1)[1].strip() for l in sh("lscpu").splitlines() if l.startswith("Model name")), "?")
mem = sh("free -g | awk '/^Mem:/{print $2}'")
rec = {"kind": "machine", "nproc": sh("nproc"), "cpu": model, "mem_gib": mem, "rustc": sh("rustc -V"),
       "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
       "load_before": sh("cut -d' ' -f1-3 /proc/loadavg"), "commit": sh("git -C '%s' rev-parse --short HEAD" % os.environ.get("REPO", "."))}
open(sys.argv[1], "a").write(json.dumps(rec) + "\n")
EOF

# measure LABEL SIZE INPUT_KIND STAGE THREADS BYTES ARTICLES -- CMD...
measure() {
    local size=$1 input=$2 stage=$3 threads=$4 bytes=$5 articles=$6
    shift 7
    local tf=$WORK/time.txt
    log "$stage  size=$size input=$input threads=$threads"
    local status=0
    # One thread means one core: the pipeline's reader, ingest and writer threads run beside the
    # rayon pool, so the single-thread runs are pinned to CPU 0.
    local pin=()
    if [ "$threads" = 1 ] && command -v taskset >/dev/null; then pin=(taskset -c 0); fi
    # Resident memory over the run, sampled from /proc beside it (benches/rss_timeline.py).
    local rf=$WORK/rss.json
    rm -f "$rf"
    RAYON_NUM_THREADS=$threads /usr/bin/time -f '%e %M %U %S' -o "$tf" "${pin[@]}" "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt" &
    local tpid=$!
    python3 "$REPO/benches/rss_timeline.py" "$tpid" "$rf" &
    local spid=$!
    wait "$tpid" || status=$?
    wait "$spid" || true
    local rss_json='"rss_tenths_kb":null'
    if [ -s "$rf" ]; then rss_json=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('\"rss_tenths_kb\":' + json.dumps(d['rss_tenths_kb']))" "$rf"); fi
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
        log "  failed with status $status: $(tail -n 3 "$WORK/stderr.txt" | tr '\n' ' ')"
        FAILED_RUNS=$((FAILED_RUNS + 1))
    fi
    read -r wall rss user sys < <(tail -n 1 "$tf")
    printf '{"kind":"run","size":%s,"input":"%s","stage":"%s","threads":%s,"bytes":%s,"articles":%s,"wall":%s,"rss_kb":%s,"user":%s,"sys":%s,"status":%s,%s}\n' \
        "$size" "$input" "$stage" "$threads" "$bytes" "$articles" "$wall" "$rss" "$user" "$sys" "$status" "$rss_json" >>"$RESULTS"
}

# --- per size --------------------------------------------------------------------------------
for SIZE in "${SIZES[@]}"; do
    CORPUS=$WORK/corpus-$SIZE

    log "generating $SIZE articles"
    "$GEN" --from "$REPO/corpus" --out "$CORPUS" --articles "$SIZE" --format jsonl --seed 42
    BYTES=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['text_bytes'])" "$CORPUS/manifest.json")
    python3 -c "import json,sys; m=json.load(open(sys.argv[1])); m['kind']='corpus'; m['size']=int(sys.argv[2]); m.pop('sources',None); print(json.dumps(m))" \
        "$CORPUS/manifest.json" "$SIZE" >>"$RESULTS"
    OUT=$WORK/out
    for t in "${THREADS[@]}"; do
        for stage in ingest extract run; do
            rm -rf "$OUT"
            measure "$SIZE" jsonl "$stage" "$t" "$BYTES" "$SIZE" -- \
                "$WARTA" "$stage" "$CORPUS/corpus.jsonl" -o "$OUT" --threads "$t" --quiet
            # The cleaned sample extraction alone is timed on: from the first thread count run.
            if [ "$stage" = extract ] && [ "$t" = "${THREADS[0]}" ]; then
                head -n "$EXTRACT_SAMPLE" "$OUT/articles.jsonl" >"$WORK/cleaned-sample.jsonl"
            fi
        done
    done
    # Extraction alone: warta_extract::extract over cleaned articles held in memory, one core.
    if [ -s "$WORK/cleaned-sample.jsonl" ]; then
        log "extraction alone on $(wc -l <"$WORK/cleaned-sample.jsonl") cleaned articles (1 core)"
        taskset -c 0 "$EXTRACT_ALONE" 1 "$WORK/cleaned-sample.jsonl" |
            python3 -c "
import re, sys, json
line = sys.stdin.read()
m = re.search(r'(\d+) articles, (\d+) bytes, (\d+) passes, (\d+) mentions, ([0-9.]+) s wall', line)
a, b, p, n, s = m.groups()
print(json.dumps({'kind': 'extract_alone', 'size': int(sys.argv[1]), 'articles': int(a), 'bytes': int(b) * int(p),
                  'mentions': int(n), 'seconds': float(s)}))" "$SIZE" >>"$RESULTS"
        rm -f "$WORK/cleaned-sample.jsonl"
    fi
    # Instructions per byte by stage: two callgrind runs of `warta run` on the corpus' first
    # CG_ARTICLES and twice as many articles; their difference is the cost of the articles in
    # between, whatever the machine's load (see benches/callgrind_stages.py).
    if ! skipping callgrind && command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
        log "instructions per byte by stage (callgrind, $CG_ARTICLES and $((2 * CG_ARTICLES)) articles)"
        cg_args=("$SIZE")
        for n in "$CG_ARTICLES" $((2 * CG_ARTICLES)); do
            head -n "$n" "$CORPUS/corpus.jsonl" >"$WORK/cg-$n.jsonl"
            rm -rf "$OUT"
            # One profile per thread: polars runs the aggregates on threads of its own, which
            # no stage function of the main profile would reach.
            rm -f "$WORK/cg-$n.out"* "$WORK/cg-$n-"*.txt
            valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$WORK/cg-$n.out" \
                "$WARTA" run "$WORK/cg-$n.jsonl" -o "$OUT" --threads 1 --quiet >/dev/null 2>"$WORK/cg-$n.log" ||
                log "  callgrind run of $n articles failed: $(tail -n 2 "$WORK/cg-$n.log" | tr '\n' ' ')"
            for f in "$WORK/cg-$n.out"-*; do
                callgrind_annotate --inclusive=yes --threshold=100 "$f" >"$WORK/cg-$n-${f##*-}.txt" 2>/dev/null || true
            done
            cg_args+=("$n" "$(text_bytes "$WORK/cg-$n.jsonl")" "$WORK/cg-$n-*.txt")
            rm -f "$WORK/cg-$n.out"* "$WORK/cg-$n.jsonl"
        done
        python3 "$REPO/benches/callgrind_stages.py" "${cg_args[@]}" >>"$RESULTS" ||
            log "callgrind stage costs failed"
        rm -rf "$OUT"
    fi
    if ! skipping txt && [ "$SIZE" -le "$TXT_MAX" ]; then
        TXT=$TXT_WORK/corpus-$SIZE
        log "generating the .txt tree of $SIZE articles in $TXT_BASE"
        "$GEN" --from "$REPO/corpus" --out "$TXT" --articles "$SIZE" --format txt --seed 42
        t=${THREADS[-1]}
        rm -rf "$OUT"
        measure "$SIZE" txt run "$t" "$BYTES" "$SIZE" -- "$WARTA" run "$TXT/txt" -o "$OUT" --threads "$t" --quiet
        rm -rf "$TXT"
    fi
    rm -rf "$OUT"

    # --- Python baseline and warta on the same subset ----------------------------------------
    if ! skipping python; then
        SUB=$WORK/subset-$PY_LIMIT.jsonl
        head -n "$PY_LIMIT" "$CORPUS/corpus.jsonl" >"$SUB"
        SUB_BYTES=$(text_bytes "$SUB")
        if ! [ -x "$VENV/bin/python" ]; then
            log "creating the baseline venv $VENV"
            python3 -m venv "$VENV"
        fi
        "$VENV/bin/pip" install -q -r "$REPO/benches/baseline/requirements.txt" >&2
        log "Python baseline on $PY_LIMIT articles"
        "$VENV/bin/python" "$REPO/benches/baseline/baseline.py" "$SUB" |
            python3 -c "import json,sys; r=json.loads(sys.stdin.read()); r['kind']='python'; r['size']=int(sys.argv[1]); print(json.dumps(r))" "$SIZE" >>"$RESULTS"
        rm -rf "$OUT"
        measure "$SIZE" subset run 1 "$SUB_BYTES" "$PY_LIMIT" -- "$WARTA" run "$SUB" -o "$OUT" --threads 1 --quiet
        rm -rf "$OUT"
    fi
    rm -rf "$CORPUS"
done

# --- micro-benchmarks ------------------------------------------------------------------------
if ! skipping micro; then
    log "criterion micro-benchmarks"
    (cd "$REPO" && cargo bench -p warta-benches --bench micro 2>/dev/null) >"$WORK/micro.txt" || log "micro-benchmarks failed"
    python3 - "$WORK/micro.txt" "$RESULTS" <<'EOF'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
out = open(sys.argv[2], "a")
name = None
for l in lines:
    m = re.match(r"^(\S+/\S+)\s*(time:.*)?$", l)
    if m and not l.startswith(" "):
        name = m.group(1)
    t = re.search(r"time:\s+\[(\S+ \S+) (\S+ \S+) (\S+ \S+)\]", l)
    if t and name:
        rec = {"kind": "micro", "name": name, "time": t.group(2)}
    r = re.search(r"thrpt:\s+\[(\S+ \S+) (\S+ \S+) (\S+ \S+)\]", l)
    if r and name:
        rec["thrpt"] = r.group(2)
        out.write(json.dumps(rec) + "\n")
        name = None
EOF
fi

# --- report ----------------------------------------------------------------------------------
for SIZE in "${SIZES[@]}"; do
    python3 "$REPO/benches/report.py" "$RESULTS" --size "$SIZE" --out "$REPO/benches/results/latest-$SIZE.md"
done
# Raw records under the sizes run, so that a run at another size keeps this one's.
RAW_NAME=$(IFS=-; echo "${SIZES[*]}")
cp "$RESULTS" "$REPO/benches/results/latest-raw-$RAW_NAME.jsonl"
for SIZE in "${SIZES[@]}"; do cat "$REPO/benches/results/latest-$SIZE.md"; echo; done
# A failed run (a full disk, say) measured nothing: the report leaves it out of every verdict,
# and the script says so in its exit status.
if [ "$FAILED_RUNS" -gt 0 ]; then
    log "$FAILED_RUNS run(s) failed: see the log above"
    exit 1
fi
