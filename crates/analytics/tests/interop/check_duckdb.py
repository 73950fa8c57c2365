#!/usr/bin/env python3
"""Check warta's aggregates against DuckDB.

Usage: check_duckdb.py DIR

DIR is a directory written by warta (TableSink::finish): NAME.parquet and NAME.csv for each
fact table and each aggregate. This script registers the fact tables' Parquet files in DuckDB
under their names, runs every crates/analytics/sql/*.sql file unchanged, and compares the
result with the aggregate warta wrote, both the Parquet file (typed values) and the CSV file
(values as text). Rows are compared as multisets; floats with a relative tolerance of 1e-9.
Exits 0 when everything matches, 1 on any difference, 2 on bad usage.
"""

import math
import pathlib
import sys

import duckdb

SQL_DIR = pathlib.Path(__file__).resolve().parent.parent.parent / "sql"


def norm(v):
    """A comparable form of a cell: numbers as floats, empty strings as None."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v)
    if s == "":
        return None
    if s in ("true", "false"):
        return s
    try:
        return float(s)
    except ValueError:
        return s


def sort_key(row):
    return tuple((0, "") if v is None else (1, f"{v!r}") if isinstance(v, float) else (2, v) for v in row)


def same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def compare(what, cols_a, rows_a, cols_b, rows_b):
    errors = []
    if cols_a != cols_b:
        errors.append(f"{what}: columns differ:\n  duckdb: {cols_a}\n  warta:  {cols_b}")
        return errors
    a = sorted(([norm(v) for v in r] for r in rows_a), key=sort_key)
    b = sorted(([norm(v) for v in r] for r in rows_b), key=sort_key)
    if len(a) != len(b):
        errors.append(f"{what}: {len(a)} rows in duckdb, {len(b)} in warta")
    for ra, rb in zip(a, b):
        if len(ra) != len(rb) or not all(same(x, y) for x, y in zip(ra, rb)):
            errors.append(f"{what}: row differs:\n  duckdb: {ra}\n  warta:  {rb}")
    return errors


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = pathlib.Path(argv[1])
    sql_files = sorted(SQL_DIR.glob("*.sql"))
    aggregates = {p.stem for p in sql_files}
    if not sql_files:
        print(f"no .sql files in {SQL_DIR}", file=sys.stderr)
        return 2
    con = duckdb.connect()
    facts = sorted(p for p in out.glob("*.parquet") if p.stem not in aggregates)
    if not facts:
        print(f"no fact tables in {out}", file=sys.stderr)
        return 2
    for p in facts:
        path = str(p).replace("'", "''")
        con.execute(f"CREATE VIEW \"{p.stem}\" AS SELECT * FROM read_parquet('{path}')")

    errors = []
    for sql_file in sql_files:
        name = sql_file.stem
        rel = con.execute(sql_file.read_text(encoding="utf-8"))
        cols = [d[0] for d in rel.description]
        rows = rel.fetchall()

        pq = out / f"{name}.parquet"
        csv = out / f"{name}.csv"
        if not pq.is_file() or not csv.is_file():
            errors.append(f"{name}: warta wrote no {pq.name} / {csv.name}")
            continue
        path = str(pq).replace("'", "''")
        wrel = con.execute(f"SELECT * FROM read_parquet('{path}')")
        errors += compare(f"{name}.parquet", cols, rows, [d[0] for d in wrel.description], wrel.fetchall())
        path = str(csv).replace("'", "''")
        crel = con.execute(f"SELECT * FROM read_csv('{path}', header = true, all_varchar = true)")
        errors += compare(f"{name}.csv", cols, rows, [d[0] for d in crel.description], crel.fetchall())
        print(f"{name}: {len(rows)} rows checked")

    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"{len(errors)} difference(s) between DuckDB and warta", file=sys.stderr)
        return 1
    print(f"DuckDB agrees with warta on {len(sql_files)} aggregates")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
