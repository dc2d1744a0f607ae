#!/usr/bin/env bash
# Failover benchmark (issue 4): client-observed outage when the primary's agent is killed and when
# the primary node's link goes down, RUNS times each, min/median/max, side by side with keepalived
# (VRRP, advert_int 1 and 0.1) on the same topology (e2e/bench/keepalived.sh). Uses the demo's
# network namespaces, NBD through the VIP, FUA writes, client request deadline 250 ms. Needs root.
#   Usage: e2e/bench/failover.sh   (env: RUNS=10)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-10}
# The fast profile: heartbeats every 30 ms, 5 missed (150 ms), against keepalived's advert_int 0.1.
FAST="{heartbeatInterval: 30ms, missedHeartbeats: 5}"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for scenario in kill link-down; do
  for run in $(seq 1 "$RUNS"); do
    for profile in default fast; do
      failover=""
      [ "$profile" = fast ] && failover="$FAST"
      out=$(FAILOVER="$failover" CLIENT_TIMEOUT=0.25 ./e2e/demo/demo.sh "$scenario" 2>&1) \
        || { echo "$scenario run $run failed:" >&2; echo "$out" | tail -20 >&2; exit 1; }
      # Outage: from the last acknowledged write before the fault to the first one after it.
      gap=$(echo "$out" | sed -n 's/.*last ack gap \([0-9]*\) ms.*/\1/p' | head -1)
      echo "hapair-$profile $scenario ${gap:-failed}" >> "$results"
      echo "hapair $profile $scenario run $run: ${gap:-failed} ms" >&2
    done
    for advert in 1 0.1; do
      ka=$(CLIENT_TIMEOUT=0.25 ./e2e/bench/keepalived.sh "$scenario" "$advert" 2>&1 | sed -n 's/^keepalived outage ms: //p')
      echo "keepalived-$advert $scenario ${ka:-failed}" >> "$results"
      echo "keepalived advert_int $advert $scenario run $run: ${ka:-failed} ms" >&2
    done
  done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    system, scenario, ms = line.split()
    if ms.isdigit():
        rows.setdefault((system, scenario), []).append(int(ms))
print("| system | fault | runs | min ms | median ms | max ms |")
print("| --- | --- | --- | --- | --- | --- |")
for (system, scenario), values in sorted(rows.items(), key=lambda r: (r[0][1], r[0][0])):
    print(f"| {system} | {scenario} | {len(values)} | {min(values)} | {statistics.median(values):.0f} | {max(values)} |")
PY
