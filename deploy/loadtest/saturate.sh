#!/usr/bin/env bash
# Latency at saturation: for each recorded request, and for both mixes, the connections are doubled (1, 2, 4 … 128)
# until doubling them adds less than 10 % throughput. The step before that is where the machine saturates; its p99/p50
# is the figure the performance target is about. Below saturation the queue is empty, and p99 measures the host's
# scheduling jitter rather than the service (see the README's Performance section).
# Start the service as run.sh says, then, from the repository root:
#   bash deploy/loadtest/saturate.sh [base-url] [seconds-per-step]
set -euo pipefail
base=${1:-http://127.0.0.1:5080}
seconds=${2:-8}
case "$base" in http://127.*|http://localhost*|http://\[::1\]*) ;; *) echo "refusing to load a non-loopback address: $base"; exit 2;; esac
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/make-requests.py" "$here/requests" >/dev/null
source "$here/mix.sh"

# One wrk run; prints "throughput p50 p90 p99 non200" (ms) from post.lua's summary lines.
step() { # connections, then the environment for post.lua
  local connections=$1; shift
  env "$@" wrk -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" -d"${seconds}s" -s "$here/post.lua" "$base" | awk '
    /^requests/ { gsub(",", ""); errors = $4 + $7 }
    /^latency/  { gsub(",", ""); p50 = $3; p90 = $6; p99 = $9 }
    /^throughput/ { rps = $2 }
    END { print rps, p50, p90, p99, errors }'
}

sweep() { # name, then the environment for post.lua
  local name=$1; shift
  echo "== $name (${seconds}s a step, 2 wrk threads)"
  printf '  %5s %9s %9s %9s %9s %8s %7s\n' connections "req/s" "p50 ms" "p90 ms" "p99 ms" "p99/p50" "errors"
  local previous="" saturated=""
  for connections in 1 2 4 8 16 32 64 128; do
    read -r rps p50 p90 p99 errors < <(step "$connections" "$@")
    printf '  %11s %9s %9s %9s %9s %8s %7s\n' "$connections" "$rps" "$p50" "$p90" "$p99" "$(awk -v a="$p99" -v b="$p50" 'BEGIN { printf "%.1f", a / b }')" "$errors"
    if [ -n "$previous" ]; then
      read -r previous_connections previous_rps previous_line <<< "$previous"
      if awk -v now="$rps" -v before="$previous_rps" 'BEGIN { exit !(now < before * 1.10) }'; then
        saturated="$previous_connections connections: $previous_line"
        break
      fi
    fi
    previous="$connections $rps $rps req/s, p50 $p50 ms, p99 $p99 ms, p99/p50 $(awk -v a="$p99" -v b="$p50" 'BEGIN { printf "%.1f", a / b }')"
  done
  echo "  saturated at ${saturated:-more than 128 connections}"
}

# The reference: an endpoint that does nothing. Its p99/p50 at a given concurrency is what the host and runtime add
# (scheduling two cores between wrk and the service, GC, timers) to any request however cheap.
sweep "reference: GET /health/live (does nothing)" GET_PATH=/health/live
while IFS='|' read -r name file path; do
  sweep "$name" REQUEST_FILE="$file" SERVICE_PATH="$path"
done < <(loadtest_requests "$here")
sweep "examples mix (60 % non-ketamine order-select)" MIX="$(loadtest_examples_mix)"
sweep "examples mix plus one 301-resource Synthea order-sign in ten" MIX="$(loadtest_mix "$here")"
