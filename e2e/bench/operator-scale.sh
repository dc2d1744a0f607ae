#!/usr/bin/env bash
# The operator at scale: PAIRS HAPairs (default 500) on fabric8's mock API server, the operator jar
# as its own process with the chart's memory settings (RATE=10 paces the creation). Prints creation-to-status latency
# percentiles, the operator's reconcile timer and its resident memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
PAIRS="${PAIRS:-500}"
RATE="${RATE:-0}"   # pairs created per second; 0: as fast as the mock API server takes them
mvn -B -q -DskipTests install -pl api,common,operator,agent -am
mvn -B -pl e2e verify -Dit.test=OperatorScaleBench -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dpairs="$PAIRS" -Drate="$RATE" 2>&1 | grep -E "^(pairs=|creation-to-status|operator reconcile|operator RSS|mock API|operator CPU|operator log|\[ERROR\])"
