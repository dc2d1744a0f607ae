#!/usr/bin/env bash
# Failover benchmark (issue 4): client-observed outage when the primary's agent is killed and when
# the primary node's link goes down, RUNS times each, min/median/max. Uses the demo's topology
# (network namespaces, witness, NBD over TLS through the VIP, FUA writes; client request deadline
# 250 ms). Needs root.   Usage: e2e/bench/failover.sh   (env: RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for scenario in kill link-down; do
  for run in $(seq 1 "$RUNS"); do
    out=$(CLIENT_TIMEOUT=0.25 ./e2e/demo/demo.sh "$scenario" 2>&1) || { echo "$scenario run $run failed:" >&2; echo "$out" | tail -20 >&2; exit 1; }
    # Outage: from the last acknowledged write before the fault to the first one after it.
    ms=$(echo "$out" | sed -n 's/.*writes flowing again after \([0-9]*\) ms.*/\1/p' | head -1)
    gap=$(echo "$out" | sed -n 's/.*last ack gap \([0-9]*\) ms.*/\1/p' | head -1)
    echo "$scenario ${gap:-$ms}" >> "$results"
    echo "$scenario run $run: ${gap:-$ms} ms" >&2
  done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    scenario, ms = line.split()
    rows.setdefault(scenario, []).append(int(ms))
print("| hapair, defaults (100 ms x 5) | runs | min ms | median ms | max ms |")
print("| --- | --- | --- | --- | --- |")
for scenario, values in rows.items():
    print(f"| {scenario} | {len(values)} | {min(values)} | {statistics.median(values):.0f} | {max(values)} |")
PY
