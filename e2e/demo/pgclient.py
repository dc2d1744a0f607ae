#!/usr/bin/env python3
"""The PostgreSQL scenario's client: numbered rows, one transaction each, through the virtual IP.

Each INSERT is one psql run (a new connection, autocommit: one transaction); a row counts as
acknowledged only when psql exits 0 having printed the node that committed it. The history
(n, acknowledged, node, time) goes to --history; --check compares it with the rows the surviving
primary holds: every acknowledged row present, and the committing node changes at most --moves
times along n (a single client commits in n order, so two servers accepting commits at once shows
as a back-and-forth).
"""
import argparse
import json
import os
import subprocess
import sys
import time


def psql(host, sql, timeout):
    return subprocess.run(
        ["psql", f"host={host} user=postgres dbname=postgres connect_timeout=2",
         "-qtAX", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True, text=True, timeout=timeout)


def run(args):
    history = []
    started = time.time()
    n = 0
    while not os.path.exists(args.stop) and time.time() - started < args.seconds:
        n += 1
        t = time.time()
        try:
            r = psql(args.host,
                     f"insert into rows(n, node) values ({n}, current_setting('cluster_name'))"
                     " returning node", args.timeout)
            ok = r.returncode == 0 and r.stdout.strip() in ("node-a", "node-b")
            node = r.stdout.strip() if ok else None
        except subprocess.TimeoutExpired:
            ok, node = False, None
        history.append({"n": n, "ok": ok, "node": node, "t": t, "done": time.time()})
        if not ok:
            time.sleep(0.05)
    with open(args.history, "w") as f:
        json.dump(history, f)
    acked = [h for h in history if h["ok"]]
    gaps = [b["done"] - a["done"] for a, b in zip(acked, acked[1:])]
    print(f"client: {len(history)} commits tried, {len(acked)} acknowledged, "
          f"longest gap between acknowledged commits {max(gaps, default=0):.2f} s")


def check(args):
    with open(args.history) as f:
        history = json.load(f)
    r = psql(args.host, "select n, node from rows order by n", 30)
    if r.returncode != 0:
        print(f"check: cannot read the rows: {r.stderr.strip()}")
        return 1
    rows = {}
    for line in r.stdout.split():
        n, node = line.split("|")
        rows[int(n)] = node
    acked = [h for h in history if h["ok"]]
    lost = [h["n"] for h in acked if rows.get(h["n"]) != h["node"]]
    # Along n, the committing node may change only as often as the role moved.
    order = [rows[n] for n in sorted(rows)]
    changes = sum(1 for a, b in zip(order, order[1:]) if a != b)
    gaps = [b["done"] - a["done"] for a, b in zip(acked, acked[1:])]
    print(f"check: {len(acked)} acknowledged commits, {len(rows)} rows on the surviving primary, "
          f"{len(lost)} acknowledged commits missing{' ' + str(lost[:10]) if lost else ''}")
    print(f"check: the committing node changed {changes} time(s) along n "
          f"(allowed: {args.moves}); client outage {max(gaps, default=0):.2f} s")
    return 0 if not lost and changes <= args.moves else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--history", required=True)
    p.add_argument("--stop")
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--timeout", type=float, default=5)
    p.add_argument("--check", action="store_true")
    p.add_argument("--moves", type=int, default=1)
    args = p.parse_args()
    sys.exit(check(args) if args.check else run(args))


if __name__ == "__main__":
    main()
