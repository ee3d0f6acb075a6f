#!/usr/bin/env bash
# Point-in-time recovery with pgBackRest: continuous WAL archiving to a repository, full and
# incremental backups (with the media files), and the restore drill.
#
#   scripts/pitr.sh ensure            the cluster archives WAL, the stanza exists, a full backup exists
#   scripts/pitr.sh backup [full|diff|incr]   a backup of the cluster and of MEDIA_ROOT (cron: docs/operations.md)
#   scripts/pitr.sh ensure-db         the drill's database on the PITR cluster, if absent (migrated)
#   scripts/pitr.sh mark [DB]         counts every table of DB in one instant and prints that time
#   scripts/pitr.sh drill [--time T] [--db DB] [--keep]
#                                     restore to T (default: a mark taken now) into a new cluster on
#                                     YIZHAN_DRILL_PORT, check the counts of that instant, stock_verify,
#                                     migrate --check, the media; then remove the drill cluster
#   scripts/pitr.sh drill-drop        remove a drill cluster kept with --keep
#   scripts/pitr.sh drop              stop and remove the archiving cluster and its repository
#   scripts/pitr.sh info              pgBackRest's view of the repository
#
# The archiving cluster is a dedicated one (never the machine's shared main cluster): a data
# directory of its own on YIZHAN_PITR_PORT (5440), owned by postgres, started with pg_ctl.
# On a deployment's own server point YIZHAN_PITR_DATA / YIZHAN_PITR_PORT at its cluster
# instead and `ensure` configures archiving there (docs/operations.md).
#
# Repository, configuration, marks and media archives live in YIZHAN_PITR_HOME
# (/var/lib/yizhan-pitr; mode 700, files 600, owned by postgres). Put the repository on
# another disk or host (YIZHAN_PITR_REPO). The repository is encrypted (aes-256-cbc) with a
# passphrase generated once into the configuration, unless YIZHAN_PITR_CIPHER=none.
source "$(dirname "$0")/lib.sh"

ACTION="${1:-drill}"
shift || true

PG_MAJOR="$(pg_lsclusters -h 2>/dev/null | awk '{print $1}' | sort -V | tail -1)"
[ -n "$PG_MAJOR" ] || PG_MAJOR="$(ls /usr/lib/postgresql | sort -V | tail -1)"
BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
NAME="${YIZHAN_PITR_NAME:-yizhan-pitr}"  # the tests use a name of their own
PORT="${YIZHAN_PITR_PORT:-5440}"
DATA="${YIZHAN_PITR_DATA:-/var/lib/postgresql/$NAME-$PG_MAJOR}"
HOME_DIR="${YIZHAN_PITR_HOME:-/var/lib/$NAME}"
REPO="${YIZHAN_PITR_REPO:-$HOME_DIR/repo}"
CONF="$HOME_DIR/pgbackrest.conf"
STANZA="${YIZHAN_PITR_STANZA:-yizhan}"
DRILL_PORT="${YIZHAN_DRILL_PORT:-5441}"
DRILL_DATA="${YIZHAN_DRILL_DATA:-/var/lib/postgresql/$NAME-drill-$PG_MAJOR}"
DB="${YIZHAN_DRILL_DB:-yizhan}"
MEDIA="${MEDIA_ROOT:-$ROOT/var/media}"
# The application's role, for stock_verify and migrate --check on the restored database.
DB_USER="${YIZHAN_DRILL_DB_USER:-yizhan}"
DB_PASSWORD="${YIZHAN_DRILL_DB_PASSWORD:-yizhan}"
SOCKET=/var/run/postgresql
PY="${YIZHAN_PY:-$PY}"  # the Python of manage.py (another virtualenv than .venv: the tests')

is_root || fail "scripts/pitr.sh runs as root (it acts as the postgres user)"
as_pg() { runuser -u postgres -- "$@"; }
psql_at() { local port="$1" db="$2"; shift 2; as_pg psql -h "$SOCKET" -p "$port" -d "$db" -v ON_ERROR_STOP=1 -qAtX "$@"; }
bgr() { as_pg pgbackrest --config="$CONF" --stanza="$STANZA" --log-level-console=warn "$@"; }
running() { [ -f "$1/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }
now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }

write_config() {
  install -d -m 700 -o postgres -g postgres "$HOME_DIR" "$HOME_DIR/log" "$HOME_DIR/lock" \
    "$HOME_DIR/spool" "$HOME_DIR/marks" "$HOME_DIR/media"
  install -d -m 700 -o postgres -g postgres "$REPO"
  local cipher=""
  if [ "${YIZHAN_PITR_CIPHER:-aes-256-cbc}" != none ]; then
    local pass
    pass="$(sed -n 's/^repo1-cipher-pass=//p' "$CONF" 2>/dev/null || true)"
    [ -n "$pass" ] || pass="$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')"
    cipher=$'repo1-cipher-type=aes-256-cbc\n'"repo1-cipher-pass=$pass"
  fi
  umask 077
  cat >"$CONF.new" <<INI
[global]
repo1-path=$REPO
repo1-retention-full=${YIZHAN_PITR_RETENTION_FULL:-2}
$cipher
log-path=$HOME_DIR/log
lock-path=$HOME_DIR/lock
spool-path=$HOME_DIR/spool
compress-type=gz
compress-level=1
start-fast=y
process-max=2
archive-timeout=60

[$STANZA]
pg1-path=$DATA
pg1-port=$PORT
pg1-socket-path=$SOCKET
INI
  umask 022
  chown postgres:postgres "$CONF.new"
  chmod 600 "$CONF.new"
  mv "$CONF.new" "$CONF"
}

archive_settings() {
  cat <<CONF
# yizhan PITR (scripts/pitr.sh): every WAL segment to the pgBackRest repository, at least once a minute.
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$CONF --stanza=$STANZA archive-push %p'
archive_timeout = 60
CONF
}

ensure_cluster() {
  apt_install pgbackrest "postgresql-$PG_MAJOR-postgis-3"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    [ -n "${YIZHAN_PITR_DATA:-}" ] && fail "no cluster at YIZHAN_PITR_DATA=$DATA"
    step "PITR cluster: initdb $DATA (port $PORT)"
    install -d -m 700 -o postgres -g postgres "$DATA"
    local pwfile
    pwfile="$(mktemp)"
    head -c 24 /dev/urandom | base64 >"$pwfile"  # postgres signs in by peer; never used
    chown postgres "$pwfile"
    as_pg "$BIN/initdb" -D "$DATA" -A scram-sha-256 --auth-local=peer -U postgres \
      --pwfile="$pwfile" >/dev/null || { rm -f "$pwfile"; fail "initdb $DATA"; }
    rm -f "$pwfile"
    {
      echo "port = $PORT"
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$SOCKET'"
      echo "shared_buffers = 32MB"
      echo "max_wal_size = 256MB"
      archive_settings
    } | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
  fi
  if ! running "$DATA"; then
    step "PITR cluster: starting on $PORT"
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/postgresql.log" -w -t 60 start >/dev/null \
      || { tail -20 "$DATA/postgresql.log" >&2; fail "starting the PITR cluster"; }
  fi
  if ! psql_at "$PORT" postgres -c "SHOW archive_command" | grep -q "archive-push"; then
    # An existing cluster (a deployment's): archiving needs a restart, done only when asked.
    [ "${YIZHAN_PITR_CONFIGURE:-0}" = 1 ] || fail "the cluster on port $PORT does not archive WAL; rerun with YIZHAN_PITR_CONFIGURE=1 to turn archiving on (ALTER SYSTEM) and restart it"
    step "PITR: WAL archiving on for the cluster on $PORT (one restart)"
    psql_at "$PORT" postgres -c "ALTER SYSTEM SET wal_level = 'replica'" \
      -c "ALTER SYSTEM SET archive_mode = 'on'" -c "ALTER SYSTEM SET archive_timeout = '60'" \
      -c "ALTER SYSTEM SET archive_command = 'pgbackrest --config=$CONF --stanza=$STANZA archive-push %p'" \
      || fail "ALTER SYSTEM on the cluster on $PORT"
    local debian
    debian="$(pg_lsclusters -h | awk -v d="$DATA" '$6 == d {print $1 " " $2}')"
    if [ -n "$debian" ]; then
      # shellcheck disable=SC2086
      pg_ctlcluster $debian restart || fail "restarting PostgreSQL $debian"
    else
      as_pg "$BIN/pg_ctl" -D "$DATA" -w -m fast restart -l "$DATA/postgresql.log" >/dev/null || fail "restarting $DATA"
    fi
  fi
  [ -n "${YIZHAN_PITR_DATA:-}" ] && return 0  # a deployment's cluster has its roles already
  # The dedicated cluster: the application's role and PostGIS for new databases.
  psql_at "$PORT" postgres -c "DO \$\$BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'yizhan') THEN
        CREATE ROLE yizhan LOGIN CREATEDB PASSWORD 'yizhan';
      END IF; END\$\$;" || fail "role yizhan on the PITR cluster"
  psql_at "$PORT" template1 -c "CREATE EXTENSION IF NOT EXISTS postgis" || fail "PostGIS in template1"
}

ensure() {
  write_config
  ensure_cluster
  if ! bgr info --output=json 2>/dev/null | grep -q '"status":{"code":0'; then
    step "pgBackRest: stanza $STANZA in $REPO"
    bgr stanza-create >/dev/null || fail "pgbackrest stanza-create (logs: $HOME_DIR/log)"
  fi
  bgr check >/dev/null || fail "pgbackrest check: WAL archiving does not reach the repository (logs: $HOME_DIR/log)"
  if ! bgr info --output=json | grep -q '"label"'; then
    backup full
  fi
}

# The drill's database on a machine with no deployment of its own (make restore-drill on a
# fresh machine): created, migrated and given Qinghai's network once.
ensure_db() {
  [ "$(psql_at "$PORT" postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 1 ] && return 0
  step "database $DB on the PITR cluster (migrate, load_network)"
  psql_at "$PORT" postgres -c "CREATE DATABASE \"$DB\" OWNER yizhan" || fail "creating $DB"
  local djenv=(env DATABASE_URL="postgis://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB" DATABASE_POOLER=none
               DJANGO_SETTINGS_MODULE="${DRILL_SETTINGS:-config.settings.test}" DATABASE_REPLICA_URL=)
  "${djenv[@]}" "$PY" manage.py migrate --noinput -v0 || fail "migrate $DB"
  "${djenv[@]}" "$PY" manage.py load_network -v0 >/dev/null || fail "load_network into $DB"
  backup incr
}

media_backup() {
  # The media files as they are now, beside the database backup of the same job.
  local stamp archive
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  archive="$HOME_DIR/media/$stamp.tar.gz"
  [ -d "$MEDIA" ] || { echo "media: $MEDIA does not exist, nothing to keep"; return 0; }
  umask 077
  (cd "$MEDIA" && find . -type f -print0 | sort -z | xargs -0r sha256sum) >"$archive.sha256"
  tar -C "$MEDIA" -czf "$archive" . || fail "archiving $MEDIA"
  umask 022
  chown postgres:postgres "$archive" "$archive.sha256"
  chmod 600 "$archive" "$archive.sha256"
  echo "media: $(wc -l <"$archive.sha256") files in $archive"
}

backup() {
  local kind="${1:-incr}"
  case "$kind" in full|diff|incr) ;; *) fail "backup type must be full, diff or incr";; esac
  step "pgBackRest $kind backup and media"
  bgr backup --type="$kind" || fail "pgbackrest backup (logs: $HOME_DIR/log)"
  media_backup
  find "$REPO" -type f -exec chmod 600 {} + 2>/dev/null || true
}

# Counts of every table of $1 in one instant: each table locked against writes (SHARE: reads
# go on) while it is counted, and the instant taken before the locks go. Every commit before
# that instant is in the counts, every later one is not: exactly what recovery_target_time
# keeps. Prints the instant; the counts go to marks/<instant>.counts.
mark() {
  local db="${1:-$DB}" tables sql out instant file
  tables="$(psql_at "$PORT" "$db" -c "SELECT string_agg(format('%I', c.relname), ',' ORDER BY c.relname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r','p') AND NOT c.relispartition
        AND c.relname <> 'spatial_ref_sys'")"
  [ -n "$tables" ] || fail "database $db has no tables to count"
  sql="BEGIN; LOCK TABLE $tables IN SHARE MODE;"
  local t
  for t in ${tables//,/ }; do sql+=" SELECT '$t', count(*) FROM $t;"; done
  sql+=" SELECT 'INSTANT', clock_timestamp(); COMMIT;"
  out="$(psql_at "$PORT" "$db" -F ' ' -c "$sql")" || fail "counting the tables of $db"
  instant="$(awk '$1=="INSTANT" {sub(/^INSTANT /, ""); print}' <<<"$out")"
  file="$HOME_DIR/marks/$(date -u -d "$instant" +%Y%m%dT%H%M%S.%NZ).counts"
  umask 077
  { echo "# $db $instant"; grep -v '^INSTANT ' <<<"$out"; } >"$file"
  umask 022
  chown postgres:postgres "$file"
  # A commit after the instant, so recovery sees the target passed; then the segment is
  # closed and archived before a drill may use it.
  psql_at "$PORT" "$db" -c "SELECT pg_current_xact_id()" >/dev/null
  wait_archived
  echo "$instant"
}

wait_archived() {
  local wal deadline=$((SECONDS + 60))
  wal="$(psql_at "$PORT" postgres -c "SELECT pg_walfile_name(pg_switch_wal())")"
  until [ "$(psql_at "$PORT" postgres -c "SELECT coalesce(last_archived_wal, '') >= '$wal' FROM pg_stat_archiver")" = t ]; do
    [ $SECONDS -lt $deadline ] || fail "WAL $wal was not archived within 60 s (logs: $HOME_DIR/log)"
    sleep 0.2
  done
}

drill_drop() {
  if running "$DRILL_DATA"; then as_pg "$BIN/pg_ctl" -D "$DRILL_DATA" -w -m immediate stop >/dev/null || true; fi
  rm -rf "$DRILL_DATA" "$DRILL_DATA.media"
}

drill() {
  local target="" keep=0 check_only=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --time) target="$2"; shift 2;;
      --db) DB="$2"; shift 2;;
      --keep) keep=1; shift;;
      --check-only) check_only=1; keep=1; shift;;  # the checks again on a kept drill cluster
      *) fail "unknown drill option $1";;
    esac
  done
  [ -f "$CONF" ] && running "$DATA" || fail "no archiving cluster: run scripts/pitr.sh ensure first"
  [ -n "$target" ] || target="$(mark "$DB" | tail -1)"
  local counts
  counts="$(grep -l "^# $DB $target\$" "$HOME_DIR"/marks/*.counts 2>/dev/null | tail -1 || true)"
  [ -n "$counts" ] || fail "no counts were marked at $target for $DB (scripts/pitr.sh mark $DB)"
  local started restored
  started="$(now_s)"
  if [ $check_only = 1 ]; then
    running "$DRILL_DATA" || fail "no drill cluster kept on $DRILL_PORT"
  else
  drill_drop
  step "restore drill: $DB as of $target into a new cluster on $DRILL_PORT"
  install -d -m 700 -o postgres -g postgres "$DRILL_DATA"
  bgr restore --pg1-path="$DRILL_DATA" --type=time --target="$target" \
    --target-action=promote --archive-mode=off >/dev/null || fail "pgbackrest restore (logs: $HOME_DIR/log)"
  if [ ! -f "$DRILL_DATA/postgresql.conf" ]; then
    # A Debian cluster keeps its configuration in /etc/postgresql: the drill needs a little.
    printf "shared_buffers = 64MB\n" | as_pg tee "$DRILL_DATA/postgresql.conf" >/dev/null
    printf "local all postgres peer\nhost all all 127.0.0.1/32 scram-sha-256\n" \
      | as_pg tee "$DRILL_DATA/pg_hba.conf" >/dev/null
    : | as_pg tee "$DRILL_DATA/pg_ident.conf" >/dev/null
  fi
  as_pg "$BIN/pg_ctl" -D "$DRILL_DATA" -l "$DRILL_DATA/drill.log" -w -t 300 \
    -o "-p $DRILL_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$SOCKET -c archive_mode=off" \
    start >/dev/null || { tail -30 "$DRILL_DATA/drill.log" >&2; fail "starting the drill cluster"; }
  local deadline=$((SECONDS + 300))
  until [ "$(psql_at "$DRILL_PORT" postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ]; do
    [ $SECONDS -lt $deadline ] || { tail -30 "$DRILL_DATA/drill.log" >&2; fail "the drill cluster did not finish recovery"; }
    sleep 0.2
  done
  fi
  restored="$(now_s)"

  step "row counts of $target"
  local table want got bad=0 n=0
  while read -r table want; do
    [ "${table:0:1}" = "#" ] && continue
    got="$(psql_at "$DRILL_PORT" "$DB" -c "SELECT count(*) FROM \"$table\"")"
    n=$((n + 1))
    if [ "$got" != "$want" ]; then echo "  $table: marked $want, restored $got"; bad=1; fi
  done <"$counts"
  [ $bad = 0 ] || fail "restored row counts differ from the counts at $target"
  echo "  $n tables, every count as marked"

  local url="postgis://$DB_USER:$DB_PASSWORD@127.0.0.1:$DRILL_PORT/$DB"
  local djenv=(env DATABASE_URL="$url" DATABASE_POOLER=none DJANGO_SETTINGS_MODULE="${DRILL_SETTINGS:-config.settings.test}" DATABASE_REPLICA_URL=)
  step "stock_verify and migrate --check on the restored database"
  # One Python process for both: on a busy machine each start of Django costs seconds.
  "${djenv[@]}" "$PY" - <<'PYEOF' || fail "stock_verify or migrate --check on the restored database"
import django
from django.core.management import call_command
django.setup()
call_command("stock_verify")
try:
    call_command("migrate", check_unapplied=True, verbosity=0)
except SystemExit as exc:
    raise SystemExit("migrate --check: the restored schema is not this code's") from exc
print("  migrations: as this code expects")
PYEOF

  step "media as of $target"
  local stamp archive
  stamp="$(date -u -d "$target" +%Y%m%dT%H%M%SZ)"
  archive="$(ls "$HOME_DIR"/media/*.tar.gz 2>/dev/null | awk -F/ -v s="$stamp" '{f=$NF; sub(/\.tar\.gz$/, "", f); if (f <= s) print}' | sort | tail -1)"
  if [ -n "$archive" ]; then
    mkdir -p "$DRILL_DATA.media"
    tar -C "$DRILL_DATA.media" -xzf "$archive" || fail "extracting $archive"
    (cd "$DRILL_DATA.media" && sha256sum --quiet -c "$archive.sha256") || fail "media files differ from their checksums"
    echo "  $(wc -l <"$archive.sha256") files restored from $(basename "$archive") and verified"
  else
    echo "  no media archive older than $target"
  fi
  local finished
  finished="$(now_s)"
  printf '\nrestore drill passed: %s restored as of %s; restore and recovery %.1f s, whole drill %.1f s\n' \
    "$DB" "$target" "$(elapsed "$started" "$restored")" "$(elapsed "$started" "$finished")"
  if [ $keep = 1 ]; then
    echo "drill cluster kept on port $DRILL_PORT (media in $DRILL_DATA.media); scripts/pitr.sh drill-drop removes it"
  else
    drill_drop
  fi
}

case "$ACTION" in
  ensure) ensure;;
  ensure-db) ensure_db;;
  backup) [ -f "$CONF" ] || ensure; backup "${1:-incr}";;
  mark) mark "${1:-$DB}";;
  drill) drill "$@";;
  drill-drop) drill_drop;;
  info) bgr info;;
  drop)
    drill_drop
    if running "$DATA"; then as_pg "$BIN/pg_ctl" -D "$DATA" -w -m fast stop >/dev/null || true; fi
    [ -n "${YIZHAN_PITR_DATA:-}" ] || rm -rf "$DATA"
    rm -rf "$HOME_DIR" "$REPO";;
  *) fail "usage: scripts/pitr.sh ensure|backup [full|diff|incr]|mark [DB]|drill [--time T] [--db DB] [--keep]|drill-drop|info|drop";;
esac
