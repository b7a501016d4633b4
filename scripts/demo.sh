#!/usr/bin/env bash
# make demo: on a fresh Debian 12 machine, install what is needed, build and
# install loan_risk, start a throwaway PostgreSQL cluster of its own on a free
# local port, load the sample data from data/, and run the main job end to
# end.  Rerunning it replaces the previous demo cluster.
#
#   make demo         run it          (LR_DEMO_DIR, default /tmp/loan_risk_demo)
#   make demo-stop    stop the cluster and remove its directory
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEMO_DIR=${LR_DEMO_DIR:-/tmp/loan_risk_demo}

bash scripts/deps.sh
. test/lib.sh

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
PGBIN=$($PG_CONFIG --bindir)

stop_demo() {
  if [ -f "$DEMO_DIR/data/postmaster.pid" ]; then
    lr_as_user "$PGBIN/pg_ctl" -D "$DEMO_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DEMO_DIR"
}

if [ "${1:-}" = "--stop" ]; then
  stop_demo
  echo "demo cluster stopped and $DEMO_DIR removed"
  exit 0
fi

echo "== building and installing loan_risk"
make -s PG_CONFIG="$PG_CONFIG" all
"${SUDO[@]}" make -s PG_CONFIG="$PG_CONFIG" install >/dev/null

echo "== starting a throwaway cluster in $DEMO_DIR"
stop_demo
mkdir -p "$DEMO_DIR"
chmod 755 "$DEMO_DIR"
[ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$DEMO_DIR"
PORT=$(lr_free_port)
lr_as_user "$PGBIN/initdb" -D "$DEMO_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$DEMO_DIR/initdb.log" 2>&1
{
  echo "port = $PORT"
  echo "listen_addresses = '127.0.0.1'"
  echo "unix_socket_directories = '$DEMO_DIR'"
  echo "max_parallel_workers_per_gather = 2"
} | lr_as_user tee -a "$DEMO_DIR/data/postgresql.conf" >/dev/null
lr_as_user "$PGBIN/pg_ctl" -D "$DEMO_DIR/data" -l "$DEMO_DIR/server.log" -w start >/dev/null

# The sample data and the job, copied where the server user can read them.
cp data/applicants.csv data/demo_card.json scripts/demo.sql data/portfolio/gen_book.sql "$DEMO_DIR"/
cp data/decision/demo.sql "$DEMO_DIR"/decision_demo.sql
[ "$(id -u)" -eq 0 ] && chown "$LR_USER" "$DEMO_DIR"/*.csv "$DEMO_DIR"/*.json "$DEMO_DIR"/*.sql

PSQL=("$PGBIN/psql" -X -h "$DEMO_DIR" -p "$PORT" -U postgres)
lr_as_user "${PSQL[@]}" -q -d postgres -c "CREATE DATABASE loan_risk_demo"
echo "== running the main job (scripts/demo.sql)"
(cd "$DEMO_DIR" && lr_as_user "${PSQL[@]}" -d loan_risk_demo -v ON_ERROR_STOP=1 -f demo.sql)

cat <<MSG

== the demo cluster is running
  connect:  ${LR_RUNAS[*]:+${LR_RUNAS[*]} }psql -h $DEMO_DIR -p $PORT -U postgres loan_risk_demo
            (or over TCP: psql -h 127.0.0.1 -p $PORT -U postgres loan_risk_demo)
  report:   $DEMO_DIR/validation_report.html  (open it in a browser)
  stop:     make demo-stop
MSG
