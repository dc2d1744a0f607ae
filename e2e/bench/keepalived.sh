#!/usr/bin/env bash
# The keepalived baseline of the failover benchmark: the demo's topology (network namespaces on a
# bridge of their own, 192.0.2.0/24) with keepalived (VRRP) moving the virtual IP and nbdkit
# serving a file on each node, and the demo's client writing through the VIP with the same
# request deadline. keepalived moves only the address: the client's data checks fail after a
# failover (each node has its own file); only the outage is measured. Needs root.
#   keepalived.sh kill|link-down [advert_int seconds, default 1]
set -euo pipefail
SCENARIO=${1:-kill}
ADVERT=${2:-1}
cd "$(dirname "$0")/../.."
. e2e/lib/lan.sh
[ "$(id -u)" -eq 0 ] || { echo "keepalived.sh: run as root" >&2; exit 1; }
command -v keepalived > /dev/null || apt-get install -y -q keepalived > /dev/null

P=hapka
NET=192.0.2
VIP=$NET.100
work=$(mktemp -d)
cleanup() {
  lan_delete "$P" node-a node-b client
  if [ -n "${KEEP:-}" ]; then echo "keepalived.sh: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

lan_delete "$P" node-a node-b client
lan_create "$P" hk "$NET" node-a:11 node-b:12 client:50

for node in node-a:150:MASTER node-b:100:BACKUP; do
  name=${node%%:*}; rest=${node#*:}; prio=${rest%%:*}; state=${rest##*:}
  truncate -s 64M "$work/$name.img"
  cat > "$work/$name.conf" <<CONF
global_defs {
  router_id $name
  enable_script_security
  # VRRPv2 rounds advert_int up to whole seconds; version 3 takes fractions.
  vrrp_version 3
}
vrrp_instance demo {
  state $state
  interface eth0
  virtual_router_id 51
  priority $prio
  advert_int $ADVERT
  virtual_ipaddress {
    $VIP/24 dev eth0
  }
}
CONF
  # In subshells, so that the shell does not report them killed at the end.
  (ip netns exec "$P-$name" keepalived --dont-fork --log-console --vrrp -f "$work/$name.conf" \
    -p "$work/$name.pid" -r "$work/$name.vrrp.pid" > "$work/$name.log" 2>&1 &)
  (ip netns exec "$P-$name" nbdkit --foreground -i 0.0.0.0 -p 10809 \
    file "$work/$name.img" > /dev/null 2>&1 &)
done
for _ in $(seq 1 100); do
  ip -n "$P-node-a" -o addr show dev eth0 | grep -q " $VIP/" && break
  sleep 0.1
done

ip netns exec "$P-client" env PATH=/usr/bin:/bin python3 e2e/demo/client.py \
  --uri "nbd://$VIP/" --stop "$work/stop" --seconds 60 --request-timeout "${CLIENT_TIMEOUT:-0.25}" \
  > "$work/client.log" 2>&1 &
client=$!
sleep 3
case "$SCENARIO" in
  kill) ip netns pids "$P-node-a" | while read -r pid; do
          [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = keepalived ] && kill -9 "$pid" || true
        done ;;
  link-down) ip -n "$P-node-a" link set eth0 down ;;
  *) echo "keepalived.sh: unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
for _ in $(seq 1 150); do
  grep -q "writes flowing again" "$work/client.log" && break
  sleep 0.1
done
sleep 1
touch "$work/stop"
wait "$client" || true
sed -n 's/.*last ack gap \([0-9]*\) ms.*/keepalived outage ms: \1/p' "$work/client.log" | head -1
grep -q "last ack gap" "$work/client.log" \
  || { echo "keepalived.sh: the client never recovered:" >&2; tail -5 "$work/client.log" >&2; exit 1; }
