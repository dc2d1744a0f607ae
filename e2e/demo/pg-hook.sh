#!/usr/bin/env bash
# The PostgreSQL scenario's hook (spec.hooks.onPrimary / onSecondary): PostgreSQL 15 with its data
# directory on the group's replicated filesystem, listening on the virtual IP.
#   pg-hook.sh MOUNT VIP NODE WORK GROUP ROLE   (hapair appends GROUP and ROLE)
set -euo pipefail
mnt=$1 vip=$2 node=$3 work=$4 role=${6:-}
bin=/usr/lib/postgresql/15/bin
data=$mnt/pgdata
as_pg() { runuser -u postgres -- "$@"; }
case "$role" in
  primary)
    if [ ! -d "$data" ]; then   # the first primary of a fresh volume creates the cluster
      install -d -o postgres -g postgres -m 700 "$data"
      as_pg "$bin/initdb" -D "$data" --auth=trust -U postgres > "$work/initdb-$node.log"
      printf "host all all 0.0.0.0/0 trust\n" >> "$data/pg_hba.conf"
    fi
    sockets=$work/pgsock-$node
    install -d -o postgres -g postgres "$sockets" "$work/pglog"
    # The virtual IP comes up after this hook: bind to it before it exists (ip_nonlocal_bind).
    started=$(date +%s.%N)
    as_pg "$bin/pg_ctl" -D "$data" -l "$work/pglog/postgres-$node.log" -w -t 120 start \
      -o "-c listen_addresses=$vip -c unix_socket_directories=$sockets -c cluster_name=$node -c shared_buffers=32MB -c fsync=on -c synchronous_commit=on -c full_page_writes=on" > /dev/null
    echo "$node $started $(date +%s.%N)" >> "$work/pg-starts"
    ;;
  secondary)
    if [ -f "$data/postmaster.pid" ]; then
      as_pg "$bin/pg_ctl" -D "$data" -w -t 30 -m fast stop > /dev/null \
        || as_pg "$bin/pg_ctl" -D "$data" -w -t 10 -m immediate stop > /dev/null
    fi
    ;;
esac
