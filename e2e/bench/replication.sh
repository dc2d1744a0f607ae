#!/usr/bin/env bash
# Replication benchmark (issue 3). The same fio jobs, side by side in one run, against:
#   a local file | nbdkit's file plugin (un-replicated NBD) | hapair protocol C | hapair protocol A
#   | hapair protocol C with the replication link authenticated (HMAC-SHA256)
# Both hapair nodes run as separate processes on this machine, talking over loopback; every
# replicated byte is written twice on the same 2 cores. Prints a table; ratios are against nbdkit.
# Usage: e2e/bench/replication.sh   (env: SIZE=1G RUNTIME=10 JAVA_OPTS=... ONLY="hapair-C")
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE=${SIZE:-1G}
RUNTIME=${RUNTIME:-10}
JAR=agent/target/hapair-agent.jar
[ -f "$JAR" ] || mvn -B -q -ntp -DskipTests package -pl api,agent -am
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for_export() { # uri
  for _ in $(seq 1 100); do nbdinfo "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "export $1 did not come up" >&2; return 1
}

fio_json() { # name target-args... -> json file
  local out=$work/$1.json; shift
  fio --output-format=json --output="$out" --runtime="$RUNTIME" --time_based --size="$SIZE" \
    --group_reporting "$@" >/dev/null
  echo "$out"
}

run_jobs() { # label, engine args...
  local label=$1; shift
  local seq fua rd1 rd16
  seq=$(fio_json "$label-seq" --name=seq --rw=write --bs=1M --iodepth=8 "$@")
  fua=$(fio_json "$label-fua" --name=fua --rw=randwrite --bs=4k --iodepth=1 --fsync=1 "$@")
  rd1=$(fio_json "$label-rd1" --name=rd1 --rw=randread --bs=4k --iodepth=1 "$@")
  rd16=$(fio_json "$label-rd16" --name=rd16 --rw=randread --bs=4k --iodepth=16 "$@")
  python3 - "$label" "$seq" "$fua" "$rd1" "$rd16" >> "$work/rows" <<'PY'
import json, sys
label, seq, fua, rd1, rd16 = sys.argv[1:]
j = lambda f: json.load(open(f))["jobs"][0]
s = j(seq)["write"]["bw_bytes"] / 1e6
f = j(fua)
pct = lambda d, p: d.get("percentile", {}).get(p, 0)
wp = f["write"]["clat_ns"]; sp = f["sync"]["lat_ns"]
p50 = (pct(wp, "50.000000") + pct(sp, "50.000000")) / 1e3
p99 = (pct(wp, "99.000000") + pct(sp, "99.000000")) / 1e3
ops = f["write"]["iops"]
r1 = j(rd1)["read"]["iops"]; r16 = j(rd16)["read"]["iops"]
print(f"{label}\t{s:.0f}\t{ops:.0f}\t{p50:.0f}\t{p99:.0f}\t{r1:.0f}\t{r16:.0f}")
PY
}

start_pair() { # label protocol keyfile-or-empty port-base
  local label=$1 protocol=$2 key=$3 base=$4
  truncate -s "$SIZE" "$work/$label-a.img" "$work/$label-b.img"
  for n in a b; do
    mkdir -p "$work/$label-state-$n"
    {
      echo "pair: bench"
      echo "node: node-$n"
      echo "stateDir: $work/$label-state-$n"
      echo "metrics: \"off\""
      [ -n "$key" ] && echo "keyFile: $key"
      echo "spec:"
      echo "  nodes:"
      echo "    - {name: node-a, address: 127.0.0.1, disk: $work/$label-a.img}"
      echo "    - {name: node-b, address: 127.0.0.2, disk: $work/$label-b.img}"
      echo "  volume: {disk: unused, protocol: $protocol, port: $base, resyncRate: 4Gi}"
      echo "  export: {bind: Loopback, tls: Disabled, port: $((base + 1))}"
      echo "  preferredPrimary: node-a"
    } > "$work/$label-$n.yaml"
    java ${JAVA_OPTS:-} -jar "$JAR" run -c "$work/$label-$n.yaml" > "$work/$label-$n.log" 2>&1 &
    pids+=($!)
  done
  wait_for_export "nbd://127.0.0.1:$((base + 1))/bench"
  for _ in $(seq 1 600); do grep -q "resync of node-b done\|node-b is in sync" "$work/$label-a.log" && return 0; sleep 0.1; done
  echo "$label: initial sync did not finish" >&2
  tail -n 5 "$work/$label-a.log" "$work/$label-b.log" >&2
  return 1
}

stop_pair() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}

echo "running: local file, nbdkit, hapair C, hapair A, hapair C+auth; size $SIZE, ${RUNTIME}s per job" >&2
: > "$work/rows"

truncate -s "$SIZE" "$work/local.img"
run_jobs "local-file" --ioengine=psync --filename="$work/local.img"

truncate -s "$SIZE" "$work/nbdkit.img"
nbdkit --foreground --port=12809 --ipaddr=127.0.0.1 file "$work/nbdkit.img" &
pids+=($!)
wait_for_export "nbd://127.0.0.1:12809/"
run_jobs "nbdkit" --ioengine=nbd --uri="nbd://127.0.0.1:12809/"
stop_pair

start_pair hapair-C C "" 13788
run_jobs "hapair-C" --ioengine=nbd --uri="nbd://127.0.0.1:13789/bench"
cmp -s "$work/hapair-C-a.img" "$work/hapair-C-b.img" && echo "hapair-C: disks identical" >&2
stop_pair

start_pair hapair-A A "" 14788
run_jobs "hapair-A" --ioengine=nbd --uri="nbd://127.0.0.1:14789/bench"
stop_pair

head -c 32 /dev/urandom > "$work/pair.key"
start_pair hapair-C-auth C "$work/pair.key" 15788
run_jobs "hapair-C-auth" --ioengine=nbd --uri="nbd://127.0.0.1:15789/bench"
stop_pair

python3 - "$work/rows" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
base = next(r for r in rows if r[0] == "nbdkit")
print("| target | seq write MB/s | 4k write+flush ops/s | write+flush p50 µs | p99 µs | 4k read IOPS qd1 | qd16 |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]} |")
print()
print("| ratio to nbdkit | seq write | write+flush ops/s | p50 difference µs | read qd1 | read qd16 |")
print("| --- | --- | --- | --- | --- | --- |")
for r in rows:
    if r[0].startswith("hapair"):
        f = lambda i: float(r[i]) / float(base[i])
        print(f"| {r[0]} | {f(1):.0%} | {f(2):.0%} | {float(r[3]) - float(base[3]):+.0f} | {f(5):.0%} | {f(6):.0%} |")
PY
