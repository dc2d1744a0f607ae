#!/usr/bin/env bash
# The hapair demo (README command 1): two nodes, a witness and a client in network namespaces of
# their own on one bridge; writes flowing through the virtual IP over NBD with TLS; a fault; the
# client carries on; every acknowledged write is checked. Needs root. Everything it creates is
# removed at the end.
#   demo.sh [kill|stop|partition-peer|link-down|partition-witness|witness-killed|one-way|loss]
#   kill            (default) the primary's agent gets SIGKILL; the secondary takes over
#   stop            the primary's agent is frozen (SIGSTOP) for 3 s, longer than its lease, then
#                   resumed: it must step down, never answer again, and resync as secondary
#   partition-peer  nftables drops all traffic between node-a and node-b for 3 s: node-a stays
#                   primary (it outdates node-b at the witness first), no failover, then resync
#   link-down       node-a's network interface goes down, as when the node dies
#   partition-witness  node-a cut from the witness for 3 s: nothing moves
#   witness-killed  the witness process is killed: nothing moves
#   one-way         node-a stops hearing node-b for 3 s: node-a outdates node-b and carries on
#   loss            30% of the packets between the nodes dropped for 10 s: no failover
#   qemu-reconnect  as kill, with qemu-io (reconnect-delay) writing across the failover
# FAILOVER overrides spec.failover (default "{heartbeatInterval: 100ms, missedHeartbeats: 5}").
# CLIENT_TIMEOUT (seconds, default 2) bounds each client write (see docs/how-to/nbd-clients.md).
set -euo pipefail
SCENARIO=${1:-kill}
cd "$(dirname "$0")/../.."
. e2e/lib/lan.sh

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
JAR=agent/target/hapair-agent.jar
[ -f "$JAR" ] || mvn -B -q -ntp -DskipTests package -pl api,agent -am

P=hapdemo                       # prefix of everything this script creates
NET=192.0.2                     # documentation range, inside the demo's namespaces only
VIP=$NET.100
work=$(mktemp -d)
pids=()

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
  for pid in "${pids[@]:-}"; do kill -9 "$pid" 2>/dev/null || true; done
  lan_delete "$P" node-a node-b witness client
  if [ -n "${KEEP:-}" ]; then echo "demo: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

lan_delete "$P" node-a node-b witness client
say "network: namespaces $P-{node-a,node-b,witness,client} on a bridge in $P-lan"
lan_create "$P" hd "$NET" node-a:11 node-b:12 witness:3 client:50

say "pair key and certificates (the pair's own CA; the server certificate names $VIP)"
head -c 32 /dev/urandom > "$work/pair.key"
java -jar "$JAR" certs --dir "$work/tls" --pair demo --server-name "$VIP" > /dev/null
truncate -s 256M "$work/a.img" "$work/b.img"

for node in node-a node-b; do
  cat > "$work/$node.yaml" <<YAML
pair: demo
node: $node
stateDir: $work/state-$node
keyFile: $work/pair.key
tlsDir: $work/tls
witness: $NET.3:7799
spec:
  nodes:
    - {name: node-a, address: $NET.11, disk: $work/a.img}
    - {name: node-b, address: $NET.12, disk: $work/b.img}
  volume: {disk: unused, protocol: C}
  virtualIPs:
    - {address: $VIP/24, interface: eth0, garp: {count: 5, interval: 100ms, refresh: 10s}}
  preferredPrimary: node-a
  failover: ${FAILOVER:-{heartbeatInterval: 100ms, missedHeartbeats: 5\}}
YAML
done

say "starting the witness and both agents"
ip netns exec "$P-witness" java -jar "$JAR" witness --listen "$NET.3:7799" \
  --state-dir "$work/witness" --key-file "$work/pair.key" > "$work/witness.log" 2>&1 &
pids+=($!)
ip netns exec "$P-node-a" java -jar "$JAR" run -c "$work/node-a.yaml" > "$work/node-a.log" 2>&1 &
pids+=($!); agent_a=$!
ip netns exec "$P-node-b" java -jar "$JAR" run -c "$work/node-b.yaml" > "$work/node-b.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  grep -q "resync of node-b done\|node-b is in sync" "$work/node-a.log" 2>/dev/null && break
  sleep 0.1
done
grep -q "resync of node-b done\|node-b is in sync" "$work/node-a.log" \
  || { echo "demo: the pair did not come up; node-a's log:" >&2; tail -20 "$work/node-a.log" >&2; exit 1; }
grep -h "primary of epoch\|took\|resync of" "$work/node-a.log" | sed 's/^/   node-a /'

say "client: numbered FUA writes through $VIP (NBD over TLS), reconnecting on errors"
uri="nbds://$VIP/demo?tls-certificates=$work/tls"
ip netns exec "$P-client" env PATH=/usr/bin:/bin python3 e2e/demo/client.py \
  --uri "$uri" --stop "$work/stop" --seconds 120 --request-timeout "${CLIENT_TIMEOUT:-2}" 2>&1 \
  | sed -u 's/^/   /' &
client=$!
sleep 3

case "$SCENARIO" in
  kill)
    say "killing node-a's agent with SIGKILL (its address lifetime runs out; node-b waits out its lease)"
    kill -9 "$agent_a"
    for _ in $(seq 1 200); do grep -q "took over" "$work/node-b.log" && break; sleep 0.05; done
    expected_primary=node-b
    ;;
  stop)
    say "freezing node-a's agent (SIGSTOP) for 3 s, longer than its lease"
    kill -STOP "$agent_a"
    for _ in $(seq 1 200); do grep -q "took over" "$work/node-b.log" && break; sleep 0.05; done
    sleep 2
    say "resuming node-a's agent (SIGCONT): it must step down, not answer"
    kill -CONT "$agent_a"
    for _ in $(seq 1 200); do grep -q "stepped down" "$work/node-a.log" && break; sleep 0.05; done
    for _ in $(seq 1 200); do grep -q "resync of node-a done\|node-a is in sync" "$work/node-b.log" && break; sleep 0.05; done
    expected_primary=node-b
    ;;
  partition-peer)
    say "cutting node-a <-> node-b (nftables drop on node-a) for 3 s; both still reach the witness"
    ip netns exec "$P-node-a" nft -f - <<NFT
table inet hapdemo {
  chain in {
    type filter hook input priority 0;
    ip saddr $NET.12 drop
  }
  chain out {
    type filter hook output priority 0;
    ip daddr $NET.12 drop
  }
}
NFT
    sleep 3
    say "healing the partition"
    ip netns exec "$P-node-a" nft delete table inet hapdemo
    for _ in $(seq 1 300); do
      [ "$(grep -c "resync of node-b done" "$work/node-a.log")" -ge 2 ] && break
      sleep 0.05
    done
    expected_primary=node-a
    ;;
  link-down)
    say "taking node-a's interface down, as if the node died"
    ip -n "$P-node-a" link set eth0 down
    for _ in $(seq 1 200); do grep -q "took over" "$work/node-b.log" && break; sleep 0.05; done
    expected_primary=node-b
    ;;
  partition-witness)
    say "cutting node-a from the witness (nftables) for 3 s: the pair is connected, nothing moves"
    ip netns exec "$P-node-a" nft -f - <<NFT
table inet hapdemo {
  chain in { type filter hook input priority 0; ip saddr $NET.3 drop; }
  chain out { type filter hook output priority 0; ip daddr $NET.3 drop; }
}
NFT
    sleep 3
    ip netns exec "$P-node-a" nft delete table inet hapdemo
    expected_primary=node-a
    ;;
  witness-killed)
    say "killing the witness: the pair is connected, nothing moves (a lost peer now could not be outdated)"
    ip netns pids "$P-witness" | xargs -r kill -9
    sleep 3
    expected_primary=node-a
    ;;
  one-way)
    say "node-a stops hearing node-b (nftables, one way) for 3 s: node-a outdates node-b and carries on; node-b still hears node-a and does not take over"
    ip netns exec "$P-node-a" nft -f - <<NFT
table inet hapdemo {
  chain in { type filter hook input priority 0; ip saddr $NET.12 drop; }
}
NFT
    sleep 3
    ip netns exec "$P-node-a" nft delete table inet hapdemo
    for _ in $(seq 1 300); do
      [ "$(grep -c "resync of node-b done" "$work/node-a.log")" -ge 2 ] && break
      sleep 0.05
    done
    expected_primary=node-a
    ;;
  loss)
    say "dropping 30% of node-a's packets to and from node-b (nftables numgen) for 10 s: no failover"
    ip netns exec "$P-node-a" nft -f - <<NFT
table inet hapdemo {
  chain in { type filter hook input priority 0; ip saddr $NET.12 numgen random mod 100 < 30 drop; }
  chain out { type filter hook output priority 0; ip daddr $NET.12 numgen random mod 100 < 30 drop; }
}
NFT
    sleep 10
    ip netns exec "$P-node-a" nft delete table inet hapdemo
    expected_primary=node-a
    ;;
  qemu-reconnect)
    say "qemu-io, a client that reconnects by itself (reconnect-delay=10), writes, sleeps while node-a's agent is killed, writes again and reads both back"
    ip netns exec "$P-client" qemu-io --object "tls-creds-x509,id=tls0,dir=$work/tls,endpoint=client" \
      --image-opts "driver=nbd,server.type=inet,server.host=$VIP,server.port=10809,export=demo,tls-creds=tls0,reconnect-delay=10" \
      -c "write -P 0x51 200M 64k" -c "sleep 4000" -c "write -P 0x52 201M 64k" \
      -c "read -P 0x51 200M 64k" -c "read -P 0x52 201M 64k" > "$work/qemu.log" 2>&1 &
    qemu=$!
    sleep 1
    kill -9 "$agent_a"
    for _ in $(seq 1 200); do grep -q "took over" "$work/node-b.log" && break; sleep 0.05; done
    qemu_ok=no
    wait "$qemu" && ! grep -q "Pattern verification failed" "$work/qemu.log" && qemu_ok=yes
    sed 's/^/   qemu-io: /' "$work/qemu.log"
    echo "   qemu-io across the failover: $qemu_ok"
    [ "$qemu_ok" = yes ] || verdict_extra="QEMU FAILED"
    expected_primary=node-b
    ;;
  *) echo "demo: unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
sleep 3
touch "$work/stop"
wait "$client" && verdict="no acknowledged write lost" || verdict="ACKNOWLEDGED WRITES LOST"

say "timeline (the agents' logs)"
grep -h "took over\|took .* and announced\\|released\|stepped down\|outdating\|recorded as outdated" \
  "$work/node-a.log" "$work/node-b.log" | sort | sed 's/^/   /'
vip_holders() {
  local found=""
  for node in node-a node-b; do
    ip -n "$P-$node" -o addr show dev eth0 | grep -q " $VIP/" && found="$found $node"
  done
  echo "$found"
}
# The address follows the lease: give a moment's lapse under load time to heal (bounded).
for _ in $(seq 1 30); do
  holders=$(vip_holders)
  [ "$holders" = " $expected_primary" ] && break
  sleep 0.1
done
echo "   $VIP is on:${holders:- nobody}"
disks="not compared (node-a is dead)"
if [ "$SCENARIO" != kill ] && [ "$SCENARIO" != link-down ] && [ "$SCENARIO" != qemu-reconnect ]; then
  # Both agents live: once no resync is pending, the two disks must be identical.
  disks="DIFFERENT"
  for _ in $(seq 1 100); do
    if cmp -s "$work/a.img" "$work/b.img"; then disks="identical"; break; fi
    sleep 0.1
  done
fi
echo "   disks: $disks"
say "result ($SCENARIO): $verdict; expected primary $expected_primary, VIP on${holders:- nobody}"
[ -z "${verdict_extra:-}" ] && [ "$verdict" = "no acknowledged write lost" ] \
  && [ "$holders" = " $expected_primary" ] \
  && [ "$disks" != "DIFFERENT" ]
