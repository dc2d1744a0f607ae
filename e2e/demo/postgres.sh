#!/usr/bin/env bash
# The PostgreSQL scenario (demo.sh postgres [fault]): PostgreSQL 15 on hapair's replicated
# filesystem. Each node's agent mounts the volume (ext4, attached through the local agent, never
# the VIP) on the primary only and starts PostgreSQL from its hooks, listening on the virtual IP;
# a client in its own namespace commits numbered rows, one transaction each, while a fault hits
# node-a. Afterwards every acknowledged commit must be on the surviving primary, and along the
# row numbers the committing node changes only once. Needs root; everything is removed at the end.
#   node-dies   (default) every process of node-a killed (agent, qemu-storage-daemon, PostgreSQL)
#               and its link down: node-b takes over, replays the journal and recovers PostgreSQL
#   agent-kill  node-a's agent alone killed (SIGKILL): PostgreSQL on node-a survives but cannot
#               commit anything (its disk was the agent); node-b takes over. NOT WORKING YET on
#               one machine: both "nodes" share one PID namespace, so node-b's PostgreSQL finds
#               node-a's live postmaster PID in postmaster.pid and refuses to start
#   switchover  hapair-agent ctl switchover node-b on node-a: PostgreSQL stopped, unmounted,
#               handed over, mounted and started on node-b
set -euo pipefail
FAULT=${1:-node-dies}
cd "$(dirname "$0")/../.."
. e2e/lib/lan.sh

[ "$(id -u)" -eq 0 ] || { echo "postgres demo: run as root" >&2; exit 1; }
[ -x /usr/lib/postgresql/15/bin/postgres ] || { echo "postgres demo: needs PostgreSQL 15 (scripts/install-deps.sh)" >&2; exit 1; }
JAR=agent/target/hapair-agent.jar
[ -f "$JAR" ] || mvn -B -q -ntp -DskipTests package -pl api,agent -am

P=${HAPDEMO_PREFIX:-hapdemo}
VETH=${HAPDEMO_VETH:-hd}
NET=192.0.2
VIP=$NET.100
work=$(mktemp -d)
chmod 755 "$work"       # PostgreSQL runs as postgres: it must reach its data directory below
cp "$JAR" "$work/agent.jar"
AGENT="$work/agent.jar"
HOOK=$(pwd)/e2e/demo/pg-hook.sh
MNT=$work/pg            # the mount path on either node (each agent has its own mount namespace)
RUN_SECONDS=90

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
await_log() {  # file pattern [count] [steps of 0.1 s]
  local file=$1 pattern=$2 count=${3:-1} steps=${4:-300}
  for _ in $(seq 1 "$steps"); do
    [ "$(grep -c -- "$pattern" "$file" 2>/dev/null)" -ge "$count" ] && return 0
    sleep 0.1
  done
  return 1
}

cleanup() {
  lan_delete "$P" node-a node-b witness client   # every process in them, then the namespaces
  # The agents' mounts went with their mount namespaces; a loop device that a killed agent left on
  # its FUSE file stays (a real node's death takes its kernel along): the agents' logs name them.
  grep -ho "(qemu-fuse, /dev/loop[0-9]*)" "$work"/node-*.log 2>/dev/null | grep -o "/dev/loop[0-9]*" \
    | sort -u | xargs -r -n1 losetup -d 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "postgres demo: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap "exit 1" INT TERM

lan_delete "$P" node-a node-b witness client
say "network: namespaces $P-{node-a,node-b,witness,client} on a bridge in $P-lan"
lan_create "$P" "$VETH" "$NET" node-a:11 node-b:12 witness:3 client:50
for node in node-a node-b; do   # PostgreSQL binds the VIP before the agent takes it
  ip netns exec "$P-$node" sysctl -qw net.ipv4.ip_nonlocal_bind=1
done
head -c 32 /dev/urandom > "$work/pair.key"
truncate -s 512M "$work/a.img" "$work/b.img"
mkdir -p "$MNT"

for node in node-a node-b; do
  cat > "$work/$node.yaml" <<YAML
pair: demo
node: $node
stateDir: $work/state-$node
keyFile: $work/pair.key
witness: $NET.3:7799
witnessTimeout: 5s
allowCommands: true  # the hooks that start and stop PostgreSQL are commands
metrics: "off"
spec:
  nodes:
    - {name: node-a, address: $NET.11, disk: $work/a.img}
    - {name: node-b, address: $NET.12, disk: $work/b.img}
  volume: {disk: unused, protocol: C, resyncRate: 200Mi}
  filesystem: {type: ext4, mountPath: $MNT, mountOptions: noatime, format: IfBlank}
  virtualIPs:
    - {address: $VIP/24, interface: eth0, garp: {count: 5, interval: 100ms, refresh: 10s}}
  preferredPrimary: node-a
  hooks:
    onPrimary: "$HOOK $MNT $VIP $node $work"
    onSecondary: "$HOOK $MNT $VIP $node $work"
    timeout: 120s
  failover: {heartbeatInterval: 100ms, missedHeartbeats: 5}
YAML
done

ip netns exec "$P-witness" java -jar "$AGENT" witness --listen "$NET.3:7799" \
  --state-dir "$work/witness" --key-file "$work/pair.key" >> "$work/witness.log" 2>&1 &
await_log "$work/witness.log" "witness listening" 1 600
start_agent() {  # start_agent NODE: retried (3 times) if it exits while starting, as on a loaded host
  local pid
  for try in 1 2 3; do
    ip netns exec "$P-$1" java -jar "$AGENT" run -c "$work/$1.yaml" >> "$work/$1.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 1200); do
      grep -q "running (" "$work/$1.log" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && break
    echo "   $1's agent exited while starting (try $try): $(grep -m1 "Exception:" "$work/$1.log" | cut -c1-160)"
  done
  if [ "$1" = node-a ]; then agent_a=$pid; else agent_b=$pid; fi
}
say "starting the witness and both agents; node-a formats the blank volume, mounts it, runs initdb"
start_agent node-a
await_log "$work/node-a.log" "workload up" 1 1200 \
  || { echo "postgres demo: node-a did not start PostgreSQL:" >&2; tail -20 "$work/node-a.log" >&2; exit 1; }
start_agent node-b
await_log "$work/node-a.log" "resync of node-b done\|node-b is in sync" 1 1200 \
  || { echo "postgres demo: node-b did not join:" >&2; tail -20 "$work/node-b.log" >&2; exit 1; }
grep -h "attach backend\|workload up" "$work/node-a.log" | sed 's/^/   node-a /'
ip netns exec "$P-client" psql "host=$VIP user=postgres dbname=postgres connect_timeout=5" -qX \
  -c "create table rows (n int primary key, node text not null, at timestamptz default now())"

say "client: numbered rows, one transaction each, through $VIP"
ip netns exec "$P-client" python3 e2e/demo/pgclient.py --host "$VIP" --history "$work/history.json" \
  --stop "$work/stop" --seconds "$RUN_SECONDS" | sed -u 's/^/   /' &
client=$!
sleep 4

mark_b=$(wc -l < "$work/node-b.log")
case "$FAULT" in
  node-dies)
    say "node-a dies: every process in it killed (agent, qemu-storage-daemon, PostgreSQL), its link down"
    netns_kill "$P-node-a"
    ip -n "$P-node-a" link set eth0 down
    ;;
  agent-kill)
    say "node-a's agent alone killed (SIGKILL): PostgreSQL there keeps running without a disk"
    kill -9 "$agent_a"
    ;;
  switchover)
    say "a planned switchover: hapair-agent ctl switchover node-b, on node-a"
    ip netns exec "$P-node-a" java -jar "$AGENT" ctl -c "$work/node-a.yaml" switchover node-b \
      | sed 's/^/   ctl: /'
    ;;
  *) echo "postgres demo: unknown fault $FAULT" >&2; exit 2 ;;
esac
await_log "$work/node-b.log" "workload up" 1 1200 || echo "   node-b did not bring PostgreSQL up"
sleep 5
touch "$work/stop"
wait "$client" || true

say "timeline (node-b's agent)"
tail -n +"$((mark_b + 1))" "$work/node-b.log" \
  | grep -h "took over\|took the handed-over\|workload up\|announced\|primary of epoch" | sed 's/^/   /'
say "PostgreSQL's own recovery on node-b (its log)"
grep -h "database system was\|redo starts\|redo done\|ready to accept" "$work/pglog/postgres-node-b.log" 2>/dev/null \
  | sed 's/^/   /' || echo "   (no PostgreSQL log on node-b)"
awk '$1 == "node-b" {printf "   pg_ctl start on node-b (crash recovery included): %.2f s\n", $3 - $2}' "$work/pg-starts" 2>/dev/null || true

say "checking the surviving primary (node-b) through $VIP"
verdict="ACKNOWLEDGED COMMITS LOST OR TWO PRIMARIES"
if ip netns exec "$P-client" python3 e2e/demo/pgclient.py --host "$VIP" --history "$work/history.json" \
    --check --moves 1 | sed 's/^/   /'; then
  verdict="every acknowledged commit present, one primary at a time"
fi
say "result (postgres $FAULT): $verdict"
[ "$verdict" = "every acknowledged commit present, one primary at a time" ]
