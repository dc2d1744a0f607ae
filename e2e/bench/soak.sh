#!/usr/bin/env bash
# False-failover soak (issue 4, "defaults chosen by measurement"): for each failover profile,
# SOAK_SECONDS (default 600) of the demo's topology with writes flowing, 30% loss on the
# replication link (TCP; the UDP heartbeat path untouched) and two busy loops in each node's
# namespace (the JVMs compete for the 2 cores). Counts takeovers, handovers and link drops; the
# defaults are fit when the first two are zero. Needs root.
#   Usage: e2e/bench/soak.sh ["{heartbeatInterval: 50ms, missedHeartbeats: 5}" ...]
#   (no argument: the default profile and the fast one)
set -euo pipefail
cd "$(dirname "$0")/../.."
profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=("" "{heartbeatInterval: 30ms, missedHeartbeats: 5}")
for failover in "${profiles[@]}"; do
  out=$(FAILOVER="$failover" ./e2e/demo/demo.sh soak 2>&1) || true
  echo "$out" | grep -h "soak (\|result (soak)" | sed 's/\x1b\[[0-9;]*m//g; s/^ *//'
done
