# Network namespaces on a bridge of their own, for the demo and the benchmarks (sourced).
#   lan_create PREFIX VETH NET name:octet...  creates PREFIX-lan with bridge br0 and, per host,
#   namespace PREFIX-name with eth0 = NET.octet/24 on the bridge (veth ends VETH1, VETH2, ...).
#   lan_delete PREFIX name...                 kills what runs in them and deletes them.
lan_create() {
  local prefix=$1 veth=$2 net=$3 i=0 host name octet
  shift 3
  ip netns add "$prefix-lan"
  ip -n "$prefix-lan" link add br0 type bridge
  ip -n "$prefix-lan" link set br0 up
  for host in "$@"; do
    name=${host%%:*}; octet=${host##*:}; i=$((i + 1))
    ip netns add "$prefix-$name"
    ip link add "$veth$i" type veth peer name eth0 netns "$prefix-$name"
    ip link set "$veth$i" netns "$prefix-lan"
    ip -n "$prefix-lan" link set "$veth$i" master br0 up
    ip -n "$prefix-$name" addr add "$net.$octet/24" dev eth0
    ip -n "$prefix-$name" link set eth0 up
    ip -n "$prefix-$name" link set lo up
  done
}

#   lan_add_net PREFIX VETH NET name:octet...  a second network: bridge br1 in PREFIX-lan and eth1 =
#   NET.octet/24 in each named (existing) namespace (veth ends VETH1, VETH2, ...).
lan_add_net() {
  local prefix=$1 veth=$2 net=$3 i=0 host name octet
  shift 3
  ip -n "$prefix-lan" link add br1 type bridge
  ip -n "$prefix-lan" link set br1 up
  for host in "$@"; do
    name=${host%%:*}; octet=${host##*:}; i=$((i + 1))
    ip link add "$veth$i" type veth peer name eth1 netns "$prefix-$name"
    ip link set "$veth$i" netns "$prefix-lan"
    ip -n "$prefix-lan" link set "$veth$i" master br1 up
    ip -n "$prefix-$name" addr add "$net.$octet/24" dev eth1
    ip -n "$prefix-$name" link set eth1 up
  done
}

# netns_kill NS: SIGKILL every process in the namespace. A process may exit between listing and
# killing, so a failed kill is fine; what must not happen is a process that survives (checked
# for 5 s, then the call fails).
netns_kill() {
  local ns=$1 pid try
  for pid in $(ip netns pids "$ns" 2>/dev/null); do
    kill -9 "$pid" 2>/dev/null || [ ! -e "/proc/$pid" ] || [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ]
  done
  for try in $(seq 50); do
    [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
  echo "netns_kill: processes left in $ns: $(ip netns pids "$ns" | tr '\n' ' ')" >&2
  return 1
}

lan_delete() {
  local prefix=$1 ns
  shift
  for ns in "$@" lan; do
    ip netns pids "$prefix-$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  done
  wait 2>/dev/null || true
  for ns in "$@" lan; do ip netns del "$prefix-$ns" 2>/dev/null || true; done
}
