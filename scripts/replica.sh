#!/usr/bin/env bash
# A streaming read replica of the main PostgreSQL cluster on this machine, for the replica
# tests (make test) and make serve:  scripts/replica.sh ensure|start|stop|status
#
# `ensure` is idempotent: it adds a replication role and one pg_hba line to the main
# cluster and reloads it (never restarts it), takes a pg_basebackup (with a physical
# replication slot) into a second data directory and starts it as a hot standby on
# YIZHAN_REPLICA_PORT (default 5433). A standby that does not catch up is taken again.
# `drop` removes the standby and its slot (do it when the machine no longer needs one).
source "$(dirname "$0")/lib.sh"

REPLICA_PORT="${YIZHAN_REPLICA_PORT:-5433}"
SLOT=yizhan_replica
# An abandoned standby's slot would keep WAL on the primary for ever: past this much
# retained WAL `ensure` drops the slot and takes the standby again.
MAX_RETAINED_MB="${YIZHAN_REPLICA_MAX_RETAINED_MB:-4096}"
ACTION="${1:-ensure}"

replica_vars() {
  PG_MAJOR="$(pg_lsclusters -h | awk '$2=="main" {print $1}' | sort -V | tail -1)"
  [ -n "$PG_MAJOR" ] || PG_MAJOR="$(pg_lsclusters -h | awk '{print $1}' | sort -V | tail -1)"
  PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_MAJOR" '$1==v {print $3; exit}')"
  BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
  RDIR="/var/lib/postgresql/yizhan-replica-$PG_MAJOR"
  RLOG="/var/lib/postgresql/yizhan-replica-$PG_MAJOR.log"
}

as_pg() { runuser -u postgres -- "$@"; }
psql_primary() { as_pg psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qAtX -d postgres "$@"; }
psql_replica() { as_pg psql -h /var/run/postgresql -p "$REPLICA_PORT" -qAtX -d postgres "$@"; }

replica_running() { [ -f "$RDIR/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$RDIR" status >/dev/null 2>&1; }

replica_streaming() {
  [ "$(psql_replica -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] &&
    [ "$(psql_replica -c "SELECT count(*) FROM pg_stat_wal_receiver WHERE status='streaming'" 2>/dev/null)" = 1 ]
}

# Streaming and caught up: replayed to within 16 MB of where the primary was when we asked.
# (A standby whose WAL was recycled while it was down flips between "streaming" and an
# error; only catching up tells them apart.)
caught_up() {
  local target
  target="$(psql_primary -c 'SELECT pg_current_wal_lsn()')" || return 1
  replica_streaming &&
    [ "$(psql_replica -c "SELECT pg_wal_lsn_diff('$target', pg_last_wal_replay_lsn()) < 16777216" 2>/dev/null)" = t ]
}

wait_streaming() {
  for _ in $(seq 1 "${1:-60}"); do caught_up && return 0; sleep 0.5; done
  return 1
}

primary_setup() {
  psql_primary -c "DO \$\$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'yizhan_replicator') THEN
      CREATE ROLE yizhan_replicator LOGIN REPLICATION;
    END IF; END\$\$;" || fail "creating the replication role"
  local hba
  hba="$(psql_primary -c 'SHOW hba_file')"
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+yizhan_replicator[[:space:]]' "$hba"; then
    step "allowing replication from 127.0.0.1 in $hba (reload, no restart)"
    printf '\n# yizhan: the local streaming replica (scripts/replica.sh)\nhost replication yizhan_replicator 127.0.0.1/32 trust\n' >>"$hba"
    psql_primary -c 'SELECT pg_reload_conf()' >/dev/null || fail "reloading the main cluster"
  fi
}

drop_slot() {
  psql_primary -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                   WHERE slot_name = '$SLOT' AND NOT active" >/dev/null || true
}

take_backup() {
  step "pg_basebackup from port $PG_PORT into $RDIR"
  rm -rf "$RDIR"
  drop_slot
  # A physical slot keeps the WAL the standby still needs: on a busy shared cluster the
  # segments after the backup are otherwise recycled before the standby asks for them.
  as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U yizhan_replicator -D "$RDIR" \
    -X stream -R -C -S "$SLOT" --checkpoint=fast || fail "pg_basebackup"
  # A hot standby needs these at least as large as on the primary.
  local setting conf="$RDIR/postgresql.conf"
  {
    echo "# yizhan hot standby (scripts/replica.sh)"
    echo "port = $REPLICA_PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '/var/run/postgresql'"
    echo "hot_standby = on"
    echo "hot_standby_feedback = on"
    echo "shared_buffers = 64MB"
    echo "logging_collector = off"
    for setting in max_connections max_worker_processes max_wal_senders \
                   max_prepared_transactions max_locks_per_transaction; do
      echo "$setting = $(psql_primary -c "SHOW $setting")"
    done
  } >"$conf"
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >"$RDIR/pg_hba.conf"
  : >"$RDIR/pg_ident.conf"
  chown postgres:postgres "$conf" "$RDIR/pg_hba.conf" "$RDIR/pg_ident.conf"
  chmod 700 "$RDIR"
}

start_replica() {
  replica_running && return 0
  as_pg "$BIN/pg_ctl" -D "$RDIR" -l "$RLOG" -w -t 300 start >/dev/null || return 1
}

stop_replica() {
  replica_running || return 0
  as_pg "$BIN/pg_ctl" -D "$RDIR" -m fast -w stop >/dev/null
}

is_root || fail "scripts/replica.sh needs root (it runs PostgreSQL commands as the postgres user)"
command -v pg_lsclusters >/dev/null || fail "PostgreSQL is not installed (scripts/lib.sh ensure_postgres)"
replica_vars

case "$ACTION" in
  ensure)
    step "streaming replica on port $REPLICA_PORT"
    primary_setup
    retained="$(psql_primary -c "SELECT COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) / 1048576, 0)::bigint FROM pg_replication_slots WHERE slot_name = '$SLOT'")"
    if [ -n "$retained" ] && [ "$retained" -gt "$MAX_RETAINED_MB" ]; then
      stop_replica || true
      rm -f "$RDIR/standby.signal"  # take it again below
    fi
    if [ -f "$RDIR/standby.signal" ] && start_replica && wait_streaming 120; then
      echo "replica on $REPLICA_PORT is streaming"
      exit 0
    fi
    stop_replica || true
    take_backup
    start_replica || { tail -20 "$RLOG" >&2; fail "starting the replica"; }
    wait_streaming 240 || { tail -20 "$RLOG" >&2; fail "the replica does not stream"; }
    echo "replica on $REPLICA_PORT is streaming"
    ;;
  start) start_replica || fail "starting the replica"; wait_streaming 240 || fail "the replica does not stream" ;;
  stop) stop_replica || fail "stopping the replica" ;;
  drop) stop_replica || true; drop_slot; rm -rf "$RDIR"; echo "replica and its slot removed" ;;
  status) replica_running && caught_up && echo streaming || { echo down; exit 1; } ;;
  *) fail "usage: scripts/replica.sh ensure|start|stop|status|drop" ;;
esac
