#!/usr/bin/env bash
# The hapair demo (README command 1) and the e2e scenarios: two nodes, a witness and a client in
# network namespaces of their own on one bridge; writes flowing through the virtual IP over NBD
# with TLS; a fault; the client carries on; every acknowledged write is checked; the ARP traffic
# for the virtual IP is recorded on the client's side and checked. Needs root. Everything it
# creates is removed at the end.
#   demo.sh [scenario]
#   postgres [fault]  PostgreSQL on the group's replicated filesystem (e2e/demo/postgres.sh)
#   kill            (default) the primary's agent gets SIGKILL; the secondary takes over
#   stop            the primary's agent is frozen (SIGSTOP) for 3 s, longer than its lease, then
#                   resumed: it must step down, never answer again, and resync as secondary
#   partition-peer  nftables drops all traffic between node-a and node-b for 3 s: node-a stays
#                   primary (it outdates node-b at the witness first), no failover, then resync
#   partition-both  node-a cut from node-b and from the witness for 4 s: its lease runs out, it
#                   stops answering, node-b takes over; healed, node-a steps down and resyncs
#   link-down       node-a's network interface goes down, as when the node dies
#   partition-witness  node-a cut from the witness for 3 s: nothing moves
#   witness-killed  the witness process is killed: nothing moves
#   witness-rollback  a failover to node-b (epoch 2), node-a back; then the witness's state is
#                   restored from a copy of epoch 1 and node-b is killed: node-a must refuse the
#                   older record (automation stops with an alarm) and nobody serves
#   one-way         node-a stops hearing node-b for 3 s: node-a outdates node-b and carries on
#   loss            30% of the packets between the nodes dropped for 10 s: no failover
#   loss-link       30% of the replication link's packets (TCP only) dropped for 20 s; the UDP
#                   heartbeat path is untouched: no failover
#   resync-restart  node-b away while 200 MiB are written, back resyncing, restarted mid-resync,
#                   then node-a killed:
#                   node-b is Inconsistent and must not promote; nobody serves
#   switchover      hapair-agent ctl switchover node-b on node-a: a planned handover
#   failback        spec.failback Preferred: node-a killed, node-b takes over; node-a restarted
#                   gets the role back once in sync
#   health-check    node-a's health check starts failing: it hands the role to node-b
#   track-link      replication and witness on a second network; node-a's client-side link
#                   (the VIP's interface) goes down: it hands the role to node-b (trackInterface)
#   qemu-reconnect  as kill, with qemu-io (reconnect-delay) writing across the failover
#   kill-ipv6       as kill, with an IPv6 virtual IP (nodad, unsolicited neighbour advertisements)
#   kill-vmac       as kill, with a virtual MAC (mac: vmac, vrid 51): the client's ARP entry
#                   never changes
#   soak            SOAK_SECONDS (default 600) of 30% loss on the replication link (TCP) with both
#                   nodes' CPUs kept busy: counts failovers, handovers and link drops (none wanted);
#                   SOAK_NO_UDP=1 also blocks the UDP heartbeat path (the baseline: the link alone)
# FAILOVER overrides spec.failover (default "{heartbeatInterval: 100ms, missedHeartbeats: 5}").
# CLIENT_TIMEOUT (seconds, default 2) bounds each client write (see docs/how-to/nbd-clients.md).
# HAPDEMO_PREFIX / HAPDEMO_VETH name the namespaces and veths (to run two at once).
set -euo pipefail
SCENARIO=${1:-kill}
cd "$(dirname "$0")/../.."
# PostgreSQL on the replicated filesystem: its own script (demo.sh postgres [node-dies|agent-kill|switchover]).
[ "$SCENARIO" = postgres ] && exec e2e/demo/postgres.sh "${@:2}"
. e2e/lib/lan.sh

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
JAR=agent/target/hapair-agent.jar
[ -f "$JAR" ] || mvn -B -q -ntp -DskipTests package -pl api,agent -am

P=${HAPDEMO_PREFIX:-hapdemo}    # prefix of everything this script creates
VETH=${HAPDEMO_VETH:-hd}
NET=192.0.2                     # documentation range, inside the demo's namespaces only
VIP=$NET.100
BACK=$NET                       # the network of replication and witness: the client's, or
[ "$SCENARIO" = track-link ] && BACK=198.51.100   # a second one (documentation range too)
VIP_PREFIX=24
if [ "$SCENARIO" = kill-ipv6 ]; then VIP=fd00:db8::100; VIP_PREFIX=64; fi
# The name clients use. For the IPv6 VIP a name from the client namespace's own hosts file: libnbd
# (gnutls) sends an IPv6 literal as TLS SNI, which RFC 6066 forbids and the JVM's TLS refuses.
VIP_HOST=$VIP; [ "$VIP_PREFIX" = 64 ] && VIP_HOST=vip6.demo.test
VMAC=""                         # with mac: vmac, the MAC the VIP keeps on either node
[ "$SCENARIO" = kill-vmac ] && VMAC=00:00:5e:00:01:33
VIP_LIFETIME=2                  # seconds (NodeRunner.VIP_LIFETIME_SECONDS)
work=$(mktemp -d)
cp "$JAR" "$work/agent.jar"     # a rebuild while the demo runs does not touch its agents
AGENT="$work/agent.jar"
pids=()
SOAK_SECONDS=${SOAK_SECONDS:-600}
RUN_SECONDS=120                 # bounds the client and the ARP recorder
[ "$SCENARIO" = soak ] && RUN_SECONDS=$((SOAK_SECONDS + 120))

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
now() { date +%s.%N; }

# Waits (bounded: 0.05 s steps) until the file contains the pattern at least N times.
await_log() {
  local file=$1 pattern=$2 count=${3:-1} steps=${4:-200}
  for _ in $(seq 1 "$steps"); do
    [ "$(grep -c -- "$pattern" "$file" 2>/dev/null)" -ge "$count" ] && return 0
    sleep 0.05
  done
  return 1
}

cleanup() {
  for pid in "${pids[@]:-}"; do kill -9 "$pid" 2>/dev/null || true; done
  lan_delete "$P" node-a node-b witness client
  rm -rf "/etc/netns/$P-client"
  if [ -n "${KEEP:-}" ]; then echo "demo: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Scenario settings that go into the config files.
FAILBACK=Never
HEALTH=""
case "$SCENARIO" in
  failback) FAILBACK=Preferred ;;
  health-check) HEALTH=yes ;;
esac

lan_delete "$P" node-a node-b witness client
say "network: namespaces $P-{node-a,node-b,witness,client} on a bridge in $P-lan"
lan_create "$P" "$VETH" "$NET" node-a:11 node-b:12 witness:3 client:50
[ "$BACK" != "$NET" ] && lan_add_net "$P" "${VETH}b" "$BACK" node-a:11 node-b:12 witness:3
if [ "$VIP_PREFIX" = 64 ]; then
  ip -n "$P-client" addr add fd00:db8::50/64 dev eth0 nodad
  mkdir -p "/etc/netns/$P-client"  # ip netns exec mounts it over /etc/hosts for the client only
  printf '127.0.0.1 localhost\n%s %s\n' "$VIP" "$VIP_HOST" > "/etc/netns/$P-client/hosts"
fi

say "pair key and certificates (the pair's own CA; the server certificate names $VIP)"
head -c 32 /dev/urandom > "$work/pair.key"
names=(--server-name "$VIP"); [ "$VIP_HOST" != "$VIP" ] && names+=(--server-name "$VIP_HOST")
java -jar "$AGENT" certs --dir "$work/tls" --pair demo "${names[@]}" > /dev/null
truncate -s 256M "$work/a.img" "$work/b.img"

for node in node-a node-b; do
  health=""
  allow_commands=false  # the health check is a command: the config must allow commands
  [ -n "$HEALTH" ] && allow_commands=true
  [ -n "$HEALTH" ] && health=", healthCheck: {command: \"test ! -e $work/sick-$node\", interval: 200ms, timeout: 1s, failures: 2}"
  cat > "$work/$node.yaml" <<YAML
pair: demo
node: $node
stateDir: $work/state-$node
keyFile: $work/pair.key
tlsDir: $work/tls
witness: $BACK.3:7799
allowCommands: $allow_commands
spec:
  nodes:
    - {name: node-a, address: $BACK.11, disk: $work/a.img}
    - {name: node-b, address: $BACK.12, disk: $work/b.img}
  volume: {disk: unused, protocol: C, resyncRate: 100Mi}
  virtualIPs:
    - {address: $VIP/$VIP_PREFIX, interface: eth0, garp: {count: 5, interval: 100ms, refresh: 10s}${VMAC:+, mac: vmac, vrid: 51}}
  preferredPrimary: node-a
  failback: $FAILBACK
  failover: ${FAILOVER:-{heartbeatInterval: 100ms, missedHeartbeats: 5\}}
YAML
  if [ -n "$health" ]; then
    sed -i "s|^  failover: {\(.*\)}$|  failover: {\1$health}|" "$work/$node.yaml"
  fi
done

start_witness() {
  ip netns exec "$P-witness" java -jar "$AGENT" witness --listen "$BACK.3:7799" \
    --state-dir "$work/witness" --key-file "$work/pair.key" >> "$work/witness.log" 2>&1 &
  pids+=($!); witness_pid=$!
}
start_agent() {  # start_agent NODE: sets agent_a or agent_b
  ip netns exec "$P-$1" java -jar "$AGENT" run -c "$work/$1.yaml" >> "$work/$1.log" 2>&1 &
  pids+=($!)
  if [ "$1" = node-a ]; then agent_a=$!; else agent_b=$!; fi
}
mac_of() { ip -n "$P-$1" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

say "starting the witness and both agents"
start_witness
start_agent node-a
start_agent node-b
await_log "$work/node-a.log" "resync of node-b done\|node-b is in sync" 1 300 \
  || { echo "demo: the pair did not come up; node-a's log:" >&2; tail -20 "$work/node-a.log" >&2; exit 1; }
grep -h "primary of epoch\|took\|resync of" "$work/node-a.log" | sed 's/^/   node-a /'

say "client: numbered FUA writes through $VIP (NBD over TLS), reconnecting on errors; ARP for $VIP recorded"
ip netns exec "$P-client" python3 e2e/demo/arpwatch.py --vip "$VIP" --out "$work/arp.log" \
  --stop "$work/stop" --seconds "$((RUN_SECONDS + 180))" &
pids+=($!); arpwatch=$!
uri="nbds://$VIP_HOST/demo?tls-certificates=$work/tls"
ip netns exec "$P-client" env PATH=/usr/bin:/bin python3 e2e/demo/client.py \
  --uri "$uri" --stop "$work/stop" --seconds "$RUN_SECONDS" --request-timeout "${CLIENT_TIMEOUT:-2}" \
  --history "$work/history.json" 2>&1 | sed -u 's/^/   /' &
client=$!
sleep 3

nft_on_a() { ip netns exec "$P-node-a" nft -f -; }
heal_a() { ip netns exec "$P-node-a" nft delete table inet hapdemo; }
filter_on_a() {  # filter_on_a "<input rules>" ["<output rules>"]: node-a's table inet hapdemo
  nft_on_a <<NFT
table inet hapdemo {
  chain in { type filter hook input priority 0; $1 }
  chain out { type filter hook output priority 0; ${2:-} }
}
NFT
}
cut_a_from() { filter_on_a "ip saddr $1 drop;" "ip daddr $1 drop;"; }  # both ways
lossy_link_on_a() {  # 30% of the replication link's packets (TCP 7788) dropped both ways
  local udp_in="" udp_out=""   # with SOAK_NO_UDP, the UDP heartbeat path blocked as well
  if [ -n "${SOAK_NO_UDP:-}" ]; then
    udp_in="ip saddr $NET.12 udp dport 7788 drop;"; udp_out="ip daddr $NET.12 udp dport 7788 drop;"
  fi
  local lossy="numgen random mod 100 < 30 drop;"
  filter_on_a \
    "$udp_in ip saddr $NET.12 tcp sport 7788 $lossy ip saddr $NET.12 tcp dport 7788 $lossy" \
    "$udp_out ip daddr $NET.12 tcp dport 7788 $lossy ip daddr $NET.12 tcp sport 7788 $lossy"
}
mark_logs() { mark_a=$(wc -l < "$work/node-a.log"); mark_b=$(wc -l < "$work/node-b.log"); }
count() {  # lines matching $1 in both agents' logs since mark_logs
  { tail -n +"$((mark_a + 1))" "$work/node-a.log"; tail -n +"$((mark_b + 1))" "$work/node-b.log"; } \
    | grep -c -- "$1" || true
}
moves=0            # how many times the announcing node must change (checked on the wire)
fault_at=""        # when the old primary lost the role (wall clock), for the ARP bound
history_image=""   # when nobody serves at the end: the disk holding every acknowledged write

case "$SCENARIO" in
  kill|kill-ipv6|kill-vmac)
    say "killing node-a's agent with SIGKILL (its address lifetime runs out; node-b waits out its lease)"
    fault_at=$(now); kill -9 "$agent_a"
    await_log "$work/node-b.log" "took over" || true
    expected_primary=node-b; moves=1
    ;;
  stop)
    say "freezing node-a's agent (SIGSTOP) for 3 s, longer than its lease"
    fault_at=$(now); kill -STOP "$agent_a"
    await_log "$work/node-b.log" "took over" || true
    sleep 2
    say "resuming node-a's agent (SIGCONT): it must step down, not answer"
    kill -CONT "$agent_a"
    await_log "$work/node-a.log" "stepped down" || true
    await_log "$work/node-b.log" "resync of node-a done\|node-a is in sync" || true
    expected_primary=node-b; moves=1
    ;;
  partition-peer)
    say "cutting node-a <-> node-b (nftables drop on node-a) for 3 s; both still reach the witness"
    cut_a_from "$NET.12"
    sleep 3
    say "healing the partition"
    heal_a
    await_log "$work/node-a.log" "resync of node-b done" 2 300 || true
    expected_primary=node-a
    ;;
  partition-both)
    say "cutting node-a from node-b and from the witness for 4 s: its lease runs out, node-b takes over"
    fault_at=$(now)
    cut_a_from "{ $NET.12, $NET.3 }"
    await_log "$work/node-b.log" "took over" || true
    sleep 2
    say "healing: node-a hears of epoch 2, steps down and resyncs from node-b"
    heal_a
    await_log "$work/node-a.log" "stepped down" || true
    await_log "$work/node-b.log" "resync of node-a done\|node-a is in sync" 1 300 || true
    expected_primary=node-b; moves=1
    ;;
  link-down)
    say "taking node-a's interface down, as if the node died"
    fault_at=$(now); ip -n "$P-node-a" link set eth0 down
    await_log "$work/node-b.log" "took over" || true
    expected_primary=node-b; moves=1
    ;;
  partition-witness)
    say "cutting node-a from the witness (nftables) for 3 s: the pair is connected, nothing moves"
    cut_a_from "$NET.3"
    sleep 3
    heal_a
    expected_primary=node-a
    ;;
  witness-killed)
    say "killing the witness: the pair is connected, nothing moves (a lost peer now could not be outdated)"
    kill -9 "$witness_pid"
    sleep 3
    expected_primary=node-a
    ;;
  witness-rollback)
    say "copying the witness's state (epoch 1), then a first failover: node-a's agent killed"
    cp -a "$work/witness" "$work/witness-epoch1"
    fault_at=$(now); kill -9 "$agent_a"
    await_log "$work/node-b.log" "took over" || true
    say "node-a back as secondary; it resyncs from node-b"
    start_agent node-a
    await_log "$work/node-b.log" "resync of node-a done\|node-a is in sync" 1 300 || true
    say "the witness's state rolled back to the epoch-1 copy (a restored backup), witness restarted"
    kill -9 "$witness_pid"; wait "$witness_pid" 2>/dev/null || true
    rm -rf "$work/witness"; cp -a "$work/witness-epoch1" "$work/witness"
    start_witness
    sleep 1
    say "killing node-b's agent: node-a must refuse the older record and stop automation"
    kill -9 "$agent_b"
    await_log "$work/node-a.log" "automation stopped" 1 200 || true
    sleep 2
    expected_primary=none; moves=1; history_image=$work/b.img
    ;;
  one-way)
    say "node-a stops hearing node-b (nftables, one way) for 3 s: node-a outdates node-b and carries on; node-b still hears node-a and does not take over"
    filter_on_a "ip saddr $NET.12 drop;"
    sleep 3
    heal_a
    await_log "$work/node-a.log" "resync of node-b done" 2 300 || true
    expected_primary=node-a
    ;;
  loss)
    say "dropping 30% of node-a's packets to and from node-b (nftables numgen) for 10 s: no failover"
    filter_on_a "ip saddr $NET.12 numgen random mod 100 < 30 drop;" \
      "ip daddr $NET.12 numgen random mod 100 < 30 drop;"
    sleep 10
    heal_a
    expected_primary=node-a
    ;;
  loss-link)
    say "dropping 30% of the replication link's packets (TCP 7788 both ways) for 20 s; the UDP heartbeat path is untouched: no failover"
    mark_logs
    lossy_link_on_a
    sleep 20
    heal_a
    echo "   replication link drops during the loss: $(count "replication link to node-. closed")"
    expected_primary=node-a
    ;;
  soak)
    say "soak: $SOAK_SECONDS s of 30% loss on the replication link (TCP) and two busy loops in each node's namespace"
    mark_logs
    lossy_link_on_a
    burners=()
    for node in node-a node-b; do
      for _ in 1 2; do
        ip netns exec "$P-$node" timeout "$((SOAK_SECONDS + 10))" sh -c 'while :; do :; done' &
        burners+=($!); pids+=($!)
      done
    done
    sleep "$SOAK_SECONDS"
    kill "${burners[@]}" 2>/dev/null || true
    heal_a
    await_log "$work/node-a.log" "resync of node-b done\|node-b is in sync" 1 200 || true
    echo "   soak ($SOAK_SECONDS s, failover ${FAILOVER:-default}${SOAK_NO_UDP:+, UDP path blocked}): takeovers $(count "took over"), handovers $(count "took the handed-over role"), link drops $(count "replication link to node-. closed"): silent on both paths $(count "on either heartbeat path"), stalled while heard over UDP $(count "is heard over UDP"), data-path timeouts $(count "did not complete a request")"
    expected_primary=node-a
    ;;
  resync-restart)
    say "killing node-b's agent; 200 MiB written meanwhile (qemu-io through the VIP): node-b falls far behind"
    kill -9 "$agent_b"
    ip netns exec "$P-client" qemu-io --object "tls-creds-x509,id=tls0,dir=$work/tls,endpoint=client" \
      --image-opts "driver=nbd,server.type=inet,server.host=$VIP,server.port=10809,export=demo,tls-creds=tls0" \
      -c "write -P 0x33 32M 200M" | sed 's/^/   qemu-io: /'
    say "node-b back: it resyncs from node-a (100 MiB/s) and is Inconsistent until done"
    start_agent node-b
    await_log "$work/node-b.log" "Inconsistent until the resync completes" 1 300 || true
    sleep 0.3
    say "restarting node-b again in the middle of its resync"
    kill -9 "$agent_b"; wait "$agent_b" 2>/dev/null || true
    start_agent node-b
    await_log "$work/node-b.log" "Inconsistent until the resync completes" 2 300 || true
    sleep 0.3
    say "killing node-a's agent: node-b is Inconsistent and must not promote"
    kill -9 "$agent_a"
    await_log "$work/node-b.log" "not taking over" 1 200 || true
    sleep 2
    grep -h "not taking over" "$work/node-b.log" | sed 's/^/   node-b /'
    expected_primary=none; history_image=$work/a.img
    ;;
  switchover)
    say "a planned switchover: hapair-agent ctl switchover node-b, on node-a"
    fault_at=$(now)
    ip netns exec "$P-node-a" java -jar "$AGENT" ctl -c "$work/node-a.yaml" switchover node-b \
      | sed 's/^/   ctl: /'
    await_log "$work/node-b.log" "took the handed-over role" || true
    expected_primary=node-b; moves=1
    ;;
  failback)
    say "killing node-a's agent: node-b takes over"
    fault_at=$(now); kill -9 "$agent_a"
    await_log "$work/node-b.log" "took over" || true
    say "node-a restarted: it resyncs, and with failback Preferred gets the role back once in sync"
    start_agent node-a
    await_log "$work/node-a.log" "took the handed-over role" 1 400 || true
    expected_primary=node-a; moves=2
    ;;
  track-link)
    say "taking node-a's client-side link (eth0, the VIP's interface) down; replication and the witness stay on eth1: node-a hands over"
    fault_at=$(now); ip -n "$P-node-a" link set eth0 down
    await_log "$work/node-b.log" "took the handed-over role" 1 200 || true
    expected_primary=node-b; moves=1
    ;;
  health-check)
    say "node-a's health check starts failing (test ! -e $work/sick-node-a): it hands the role to node-b"
    fault_at=$(now); touch "$work/sick-node-a"
    await_log "$work/node-b.log" "took the handed-over role" 1 200 || true
    expected_primary=node-b; moves=1
    ;;
  qemu-reconnect)
    say "qemu-io, a client that reconnects by itself (reconnect-delay=10), writes, sleeps while node-a's agent is killed, writes again and reads both back"
    ip netns exec "$P-client" qemu-io --object "tls-creds-x509,id=tls0,dir=$work/tls,endpoint=client" \
      --image-opts "driver=nbd,server.type=inet,server.host=$VIP,server.port=10809,export=demo,tls-creds=tls0,reconnect-delay=10" \
      -c "write -P 0x51 200M 64k" -c "sleep 4000" -c "write -P 0x52 201M 64k" \
      -c "read -P 0x51 200M 64k" -c "read -P 0x52 201M 64k" > "$work/qemu.log" 2>&1 &
    qemu=$!
    sleep 1
    fault_at=$(now); kill -9 "$agent_a"
    await_log "$work/node-b.log" "took over" || true
    qemu_ok=no
    wait "$qemu" && ! grep -q "Pattern verification failed" "$work/qemu.log" && qemu_ok=yes
    sed 's/^/   qemu-io: /' "$work/qemu.log"
    echo "   qemu-io across the failover: $qemu_ok"
    [ "$qemu_ok" = yes ] || verdict_extra="QEMU FAILED"
    expected_primary=node-b; moves=1
    ;;
  *) echo "demo: unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
sleep 3
touch "$work/stop"
set +e
wait "$client"; client_status=$?
set -e
case "$client_status" in
  0) verdict="no acknowledged write lost" ;;
  3) if python3 e2e/demo/client.py --check-image "$history_image" --history "$work/history.json" \
        | sed 's/^/   /'; then
       verdict="no acknowledged write lost"
     else
       verdict="ACKNOWLEDGED WRITES LOST"
     fi ;;
  *) verdict="ACKNOWLEDGED WRITES LOST" ;;
esac
wait "$arpwatch" 2>/dev/null || true

say "timeline (the agents' logs)"
grep -h "took over\|took .* and announced\\|released\|stepped down\|outdating\|recorded as outdated\|handed-over\|switchover to\|automation stopped" \
  "$work/node-a.log" "$work/node-b.log" | sort | sed 's/^/   /'
vip_holders() {
  local found=""
  for node in node-a node-b; do
    ip -n "$P-$node" -o addr show 2>/dev/null | grep -q " $VIP/$VIP_PREFIX " && found="$found $node"
  done
  echo "$found"
}
want_holders=" $expected_primary"
[ "$expected_primary" = none ] && want_holders=""
# The address follows the lease: give a moment's lapse under load time to heal (bounded).
for _ in $(seq 1 30); do
  holders=$(vip_holders)
  [ "$holders" = "$want_holders" ] && break
  sleep 0.1
done
echo "   $VIP is on:${holders:- nobody}"

say "on the wire (ARP or neighbour advertisements for $VIP as the client saw it)"
wire_ok=yes
# With a virtual MAC every announcement carries it: no change of announcer, whoever holds it.
# (and the old owner's silence cannot be told from the new owner's announcements).
initial=node-a; [ -n "$VMAC" ] && { initial=vmac; moves=0; }
fault_args=(); [ -n "$fault_at" ] && [ -z "$VMAC" ] && fault_args=(--fault-at "$fault_at")
python3 e2e/demo/arpcheck.py --log "$work/arp.log" --moves "$moves" --initial "$initial" \
  --mac "node-a=$(mac_of node-a)" --mac "node-b=$(mac_of node-b)" ${VMAC:+--mac "vmac=$VMAC"} \
  "${fault_args[@]}" --bound "$((VIP_LIFETIME + 1))" | sed 's/^/   /' || wire_ok=no
if [ "$expected_primary" != none ]; then
  client_sees=$(ip -n "$P-client" neigh show to "$VIP" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
  want_mac=${VMAC:-$(mac_of "$expected_primary")}
  if [ "$client_sees" = "$want_mac" ]; then
    echo "   the client's ARP entry for $VIP names $expected_primary ($client_sees${VMAC:+, the virtual MAC})"
  else
    echo "   the client's ARP entry for $VIP is '${client_sees:-none}', not $expected_primary"
    wire_ok=no
  fi
fi

disks="not compared (a node is dead)"
if [ "$expected_primary" != none ] && [ "${SCENARIO#kill}" = "$SCENARIO" ] && [ "$SCENARIO" != link-down ] \
    && [ "$SCENARIO" != qemu-reconnect ]; then
  # Both agents live: once no resync is pending, the two disks must be identical.
  disks="DIFFERENT"
  for _ in $(seq 1 100); do
    if cmp -s "$work/a.img" "$work/b.img"; then disks="identical"; break; fi
    sleep 0.1
  done
fi
echo "   disks: $disks"
say "result ($SCENARIO): $verdict; expected primary $expected_primary, VIP on${holders:- nobody}; wire checks: $wire_ok"
[ -z "${verdict_extra:-}" ] && [ "$verdict" = "no acknowledged write lost" ] \
  && [ "$holders" = "$want_holders" ] && [ "$wire_ok" = yes ] \
  && [ "$disks" != "DIFFERENT" ]
