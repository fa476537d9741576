#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks: 127.0.0.1, a free port, a temp data
# directory, trust authentication. Installs PostgreSQL (apt-get) when it is missing and we are root.
#
#   scripts/postgres.sh start [--fast] [--owner-pid PID]
#       Prints two lines on stdout:  LLMSPELL_PG_DIR=<dir>  and  LLMSPELL_PG=<Npgsql connection string>.
#       --fast          fsync and synchronous_commit off (tests: behaviour, not durability)
#       --owner-pid PID stop the server when process PID exits (so a killed test run leaves nothing behind)
#   scripts/postgres.sh stop <dir>
#   scripts/postgres.sh install      installs PostgreSQL if it is missing (root), else does nothing
#
# Everything else goes to stderr. Exit codes: 0 ok, 1 failed to start, 2 usage, 3 PostgreSQL missing.
set -euo pipefail
self=$(readlink -f "$0")

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; fi
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_postgres() {
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and we are not root to install it."
    log "Install it (sudo apt-get install -y postgresql) or set LLMSPELL_TEST_PG to a connection string of a server you own."
    exit 3
  fi
  # Test processes start servers in parallel: one installs, the others wait for it.
  exec 9>/tmp/llmspell-postgres-install.lock
  flock 9
  if [ -n "$(find_bin)" ]; then flock -u 9; return 0; fi
  log "PostgreSQL is not installed: apt-get install -y postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  flock -u 9
}

free_port() {
  local port i
  for i in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    # Nothing answers on it: treat it as free (pg_ctl is retried on another port if we lost a race).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  log "no free TCP port found on 127.0.0.1"
  exit 1
}

start() {
  local fast=0 owner=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --fast) fast=1; shift ;;
      --owner-pid) owner="${2:?--owner-pid needs a PID}"; shift 2 ;;
      *) log "unknown option $1"; exit 2 ;;
    esac
  done

  local bin
  bin=$(find_bin)
  if [ -z "$bin" ]; then install_postgres; bin=$(find_bin); fi
  if [ -z "$bin" ]; then log "PostgreSQL was installed but no initdb was found under /usr/lib/postgresql/*/bin"; exit 3; fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi

  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/llmspell-pg.XXXXXX")
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  cd "$dir" # the postgres user may not be able to read the caller's directory (e.g. a checkout under /root)
  if ! as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    log "initdb failed (see above)"
    rm -rf "$dir"
    exit 1
  fi

  local opts="-c listen_addresses=127.0.0.1 -k $dir -c max_connections=300"
  if [ "$fast" -eq 1 ]; then opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
  local port attempt started=0
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port $opts" -w -t 60 start >/dev/null 2>>"$dir/pg_ctl.log"; then
      started=1
      break
    fi
    log "pg_ctl start on port $port failed (attempt $attempt)"
  done
  if [ "$started" -ne 1 ]; then
    cat "$dir/pg_ctl.log" "$dir/server.log" >&2 2>/dev/null || true
    log "PostgreSQL did not start (logs above)"
    rm -rf "$dir"
    exit 1
  fi

  if [ -n "$owner" ]; then
    # Stops the server once the owner exits, even if it never calls stop.
    setsid nohup bash -c "tail --pid='$owner' -f /dev/null; '$self' stop '$dir'" >/dev/null 2>&1 < /dev/null &
  fi
  echo "LLMSPELL_PG_DIR=$dir"
  echo "LLMSPELL_PG=Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

stop() {
  local dir="${1:?usage: postgres.sh stop <dir>}"
  dir=$(readlink -f "$dir")
  case "$(basename "$dir")" in
    llmspell-pg.*) ;;
    *) log "refusing to stop/remove '$dir': not a directory made by postgres.sh start"; exit 2 ;;
  esac
  [ -d "$dir" ] || return 0
  cd /
  local bin
  bin=$(find_bin)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  install) if [ -z "$(find_bin)" ]; then install_postgres; fi ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start [--fast] [--owner-pid PID] | stop <dir> | install" >&2; exit 2 ;;
esac
