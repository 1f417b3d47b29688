#!/usr/bin/env bash
# Does the audit trail keep up at saturation on a store that has grown? For one store (sqlite or postgres):
#   1. a throwaway store (a SQLite file, or a PostgreSQL cluster from Debian's package on a loopback port) is filled
#      with CALLS audited hook calls spread over 300 days, three cards each (fill-audit-store.py);
#   2. the Release build is started on it and saturated with small order-sign calls (the eligible example) from
#      CONNECTIONS connections for SECONDS seconds; kcds_audit_queue_depth is printed every 15 s;
#   3. at the end: calls per second, kcds_audit_dropped_total, the audit rows added against the calls answered, and
#      the time of the statistics query (30 days) and of a retention purge of the oldest day;
#   4. the writer alone on the same grown store, service stopped: 100,000 queued calls written (the benchmark's
#      audit-writer verb, when tests/KetamineCds.Benchmarks is built in Release).
# From the repository root (wrk and PostgreSQL from Debian's packages):
#   dotnet build -c Release src/KetamineCds.Api && dotnet build -c Release tests/KetamineCds.Benchmarks
#   bash deploy/loadtest/audit-load.sh sqlite|postgres [seconds] [connections] [calls]
set -euo pipefail
store=${1:?sqlite or postgres}
seconds=${2:-180}
connections=${3:-8}
calls=${4:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
bin=src/KetamineCds.Api/bin/Release/net10.0/ketamine-cds.dll
port=5098
base=http://127.0.0.1:$port
work=$(mktemp -d /tmp/kcds-audit-load.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "${pg_bin:-}" ]; then as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
# PostgreSQL refuses to run as root: as root, its tools run as the package's postgres user.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

echo "== $store store: filling with $calls audited calls over 300 days (3 cards each)"
case "$store" in
  sqlite)
    connection="Data Source=$work/audit.db"
    dotnet "$bin" store migrate --connection "$connection" >/dev/null
    python3 "$here/fill-audit-store.py" sqlite "$work/audit.db" --calls "$calls"
    ;;
  postgres)
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    pg_port=5499
    mkdir "$work/pg"
    if [ "$(id -u)" = 0 ]; then chown postgres "$work/pg"; fi
    as_postgres "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 >/dev/null
    # The package's defaults apart from the port; fsync stays on, as in production.
    as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null
    connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
    psql() { as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q "$@"; }
    dotnet "$bin" store migrate --connection "$connection" >/dev/null
    python3 "$here/fill-audit-store.py" csv "$work/csv" --calls "$calls"
    chmod -R a+r "$work/csv"
    psql -c "\\copy audit_invocation FROM '$work/csv/audit_invocation.csv' CSV"
    psql -c "\\copy audit_card FROM '$work/csv/audit_card.csv' CSV NULL ''"
    psql -c "VACUUM ANALYZE"
    rm -rf "$work/csv"
    ;;
  *) echo "store must be sqlite or postgres"; exit 2 ;;
esac

count_rows() {
  if [ "$store" = sqlite ]; then
    python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM audit_invocation').fetchone()[0])" "$work/audit.db"
  else
    psql -At -c "SELECT COUNT(*) FROM audit_invocation"
  fi
}
metric() { curl -s "$base/metrics" | awk -v name="$1" '$1 == name || index($1, name "{") == 1 { sum += $2 } END { printf "%d\n", sum }'; }

before=$(count_rows)
env ASPNETCORE_ENVIRONMENT=Development Logging__Format=json Store__ConnectionString="$connection" \
  Http__RequestsPerSecondPerIssuer=100000 Http__BurstPerIssuer=100000 \
  dotnet "$bin" --urls "$base" >"$work/service.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -sf "$base/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "$base/health/ready" >/dev/null || { echo "the service did not start:"; tail -5 "$work/service.log"; exit 1; }

echo "== saturating: $connections connections, ${seconds}s, small order-sign calls (examples/requests/order-sign-eligible.json)"
(
  for t in $(seq 15 15 "$seconds"); do
    sleep 15
    echo "  t=${t}s  kcds_audit_queue_depth $(metric kcds_audit_queue_depth)"
  done
) &
pids+=($!)
REQUEST_FILE=examples/requests/order-sign-eligible.json SERVICE_PATH=/cds-services/ketamine-order-sign \
  wrk -t2 -c"$connections" -d"${seconds}s" -s "$here/post.lua" "$base" >"$work/wrk.txt"
sed -n '/^requests/,/^throughput/p' "$work/wrk.txt" | sed 's/^/  /'
grep -E "Requests/sec" "$work/wrk.txt" | sed 's/^ */  /'
dropped=$(metric kcds_audit_dropped_total)
for _ in $(seq 1 120); do [ "$(metric kcds_audit_queue_depth)" = 0 ] && break; sleep 0.5; done
answered=$(metric kcds_hook_duration_seconds_count)
written=$(metric kcds_audit_written_total)
after=$(count_rows)
echo "  kcds_audit_dropped_total $dropped"
echo "  calls answered $answered, audit records written $written, audit rows added $((after - before))"
echo "  drop summary lines in the log: $(grep -c 'records dropped in the last' "$work/service.log" || true)"

echo "== the grown store, while the service is idle"
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
start=$(date +%s.%N)
dotnet "$bin" store migrate --connection "$connection" >/dev/null
echo "  the CLI's start-up alone (store migrate, nothing to do): $(since "$start") s"
start=$(date +%s.%N)
dotnet "$bin" stats --since 30d --connection "$connection" >/dev/null
echo "  statistics, last 30 days: $(since "$start") s (including the CLI's start-up)"
start=$(date +%s.%N)
dotnet "$bin" store purge --older-than 299d --connection "$connection" | sed 's/^/  /'
echo "  retention purge of the oldest day: $(since "$start") s (including the CLI's start-up)"

bench=tests/KetamineCds.Benchmarks/bin/Release/net10.0/KetamineCds.Benchmarks.dll
if [ -f "$bench" ]; then
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 2
  echo "== the writer alone on the grown store (service stopped)"
  dotnet "$bench" audit-writer "$connection" 100000 | sed 's/^/  /'
fi
