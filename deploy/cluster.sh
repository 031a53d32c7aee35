#!/usr/bin/env bash
# DevReady on one machine as it runs in production: N app processes (serve.py) sharing one PostgreSQL,
# nginx in front on one port. No Docker needed.
#
#   deploy/cluster.sh start    start what is not running (migrations first, then the apps, then nginx)
#   deploy/cluster.sh stop     stop nginx and every app process
#   deploy/cluster.sh status   what runs where
#   deploy/cluster.sh kill N   SIGKILL app process N (a crash, for fault tests)
#
# Settings (environment): DATABASE_URL (default: the machine's PostgreSQL, database devready),
# DEVREADY_PORT (nginx, default 8500), DEVREADY_APP_PORT (first app port, default 8511),
# DEVREADY_PROCESSES (default 2), DEVREADY_CLUSTER_DIR (pid files, logs, nginx.conf; default data/cluster),
# DEVREADY_APP_SCRIPT (what each process runs, default serve.py; bench/load.py runs its trivial baseline page so).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
NGINX="${NGINX:-/usr/sbin/nginx}"
RUN_DIR="${DEVREADY_CLUSTER_DIR:-$ROOT/data/cluster}"
PORT="${DEVREADY_PORT:-8500}"
APP_PORT="${DEVREADY_APP_PORT:-8511}"
N="${DEVREADY_PROCESSES:-2}"
APP_SCRIPT="${DEVREADY_APP_SCRIPT:-serve.py}"
export DATABASE_URL="${DATABASE_URL:-postgresql+psycopg://127.0.0.1:5432/devready}"
export DEVREADY_MODE=hosted
mkdir -p "$RUN_DIR"

# Running, and not a zombie: a killed process whose parent has not reaped it still answers kill -0.
alive() {
  [ -f "$1" ] || return 1
  local state
  state="$(ps -o stat= -p "$(cat "$1")" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "${state#Z}" = "$state" ]
}

wait_healthy() {
  for _ in $(seq 1 300); do
    if curl -fs "http://127.0.0.1:$1/_stcore/health" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "app on port $1 did not become healthy; see $RUN_DIR/app-*.log" >&2
  return 1
}

start() {
  if [ "$DATABASE_URL" = "postgresql+psycopg://127.0.0.1:5432/devready" ]; then
    createdb -h 127.0.0.1 devready 2>/dev/null || true  # the default database, made once
  fi
  "$PY" -c "from quiz.store.database import Store; Store.open()"  # migrations once, before any app
  for i in $(seq 1 "$N"); do
    port=$((APP_PORT + i - 1))
    if alive "$RUN_DIR/app-$i.pid"; then continue; fi
    (cd "$ROOT" && exec "$PY" -m streamlit run "$APP_SCRIPT" --server.headless true --server.address 127.0.0.1 \
      --server.port "$port" --browser.gatherUsageStats false) >>"$RUN_DIR/app-$i.log" 2>&1 &
    echo $! >"$RUN_DIR/app-$i.pid"
  done
  for i in $(seq 1 "$N"); do wait_healthy $((APP_PORT + i - 1)); done
  servers=""
  for i in $(seq 1 "$N"); do
    servers+="        server 127.0.0.1:$((APP_PORT + i - 1)) max_fails=1 fail_timeout=3s;"$'\n'
  done
  mkdir -p "$RUN_DIR"/{client_body,proxy,fastcgi,uwsgi,scgi}
  awk -v servers="$servers" -v listen="127.0.0.1:$PORT" -v run="$RUN_DIR" \
    '{ gsub("@LISTEN@", listen); gsub("@RUN_DIR@", run); if ($0 ~ /^@UPSTREAM_SERVERS@$/) { printf "%s", servers } else print }' \
    "$ROOT/deploy/nginx.conf.template" >"$RUN_DIR/nginx.conf"
  if alive "$RUN_DIR/nginx.pid"; then
    "$NGINX" -c "$RUN_DIR/nginx.conf" -p "$RUN_DIR" -s reload
  else
    "$NGINX" -c "$RUN_DIR/nginx.conf" -p "$RUN_DIR"
  fi
  echo "DevReady: http://127.0.0.1:$PORT ($N app processes, database $DATABASE_URL)"
}

stop() {
  if alive "$RUN_DIR/nginx.pid"; then "$NGINX" -c "$RUN_DIR/nginx.conf" -p "$RUN_DIR" -s quit || true; fi
  for pidfile in "$RUN_DIR"/app-*.pid; do
    [ -f "$pidfile" ] || continue
    if alive "$pidfile"; then kill "$(cat "$pidfile")" || true; fi
    rm -f "$pidfile"
  done
  echo "stopped"
}

status() {
  alive "$RUN_DIR/nginx.pid" && echo "nginx on 127.0.0.1:$PORT" || echo "nginx: not running"
  for i in $(seq 1 "$N"); do
    alive "$RUN_DIR/app-$i.pid" && echo "app $i on 127.0.0.1:$((APP_PORT + i - 1))" || echo "app $i: not running"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) kill -9 "$(cat "$RUN_DIR/app-$2.pid")" ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
