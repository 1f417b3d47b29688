#!/usr/bin/env bash
# Soak test: the request mix of run.sh for a long run, sampling the service's resident memory every 10 s, to show
# memory stays flat (no per-request leak). Start the service as run.sh says, then:
#   bash deploy/loadtest/soak.sh [base-url] [seconds] [connections] [service-pid]
# (the pid defaults to the process listening on the base URL's port).
set -euo pipefail
base=${1:-http://127.0.0.1:5080}
seconds=${2:-300}
connections=${3:-4}
case "$base" in http://127.*|http://localhost*|http://\[::1\]*) ;; *) echo "refusing to load a non-loopback address: $base"; exit 2;; esac
port=${base##*:}
pid=${4:-$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)}
[ -n "$pid" ] || { echo "no process listens on port $port"; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/make-requests.py" "$here/requests" >/dev/null

source "$here/mix.sh"
mix=$(loadtest_mix "$here")

rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status"; }
echo "service pid $pid, resident memory before: $(rss) MB"
out=$(mktemp)
MIX="$mix" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$here/post.lua" "$base" > "$out" &
load=$!
elapsed=0
while kill -0 "$load" 2>/dev/null; do
  sleep 10; elapsed=$((elapsed + 10))
  echo "t=${elapsed}s resident memory $(rss) MB"
done
sed -n '/^requests/,$p' "$out"
rm -f "$out"
echo "resident memory after: $(rss) MB"
