#!/usr/bin/env bash
# Load test of bin/nmt-serve, as BENCHMARKS.md "Translation server" reports it: the server on a loopback port,
# CLIENTS concurrent clients each sending single held-out Tatoeba test sentences (lines 501 and on) for DURATION
# per client count, first with batching across requests, then in per-call mode (--no-batching). Prints one
# Markdown table per mode: requests/s, p50/p99 latency, errors and the server's RSS. Needs the built jars and a
# trained model.
#
#   recipes/bench/serve-load.sh   (MODEL [runs/quickstart/model], CLIENTS [1,8,32,128], DURATION [60], WARMUP [5],
#                                  THREADS [0: the server's default], PORT [18080], WORK [/tmp/serve-load], SERVE_FLAGS [])
# SERVE_FLAGS adds nmt-serve options to both modes, e.g. SERVE_FLAGS="--workers 1" THREADS=2 (one batch at a time).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODEL=${MODEL:-$root/runs/quickstart/model}
CLIENTS=${CLIENTS:-1,8,32,128}
DURATION=${DURATION:-60}
WARMUP=${WARMUP:-5}
THREADS=${THREADS:-0}
PORT=${PORT:-18080}
WORK=${WORK:-/tmp/serve-load}
mkdir -p "$WORK"
gzip -dc "$root/data/tatoeba-eng-deu/test.en.gz" | tail -n +501 > "$WORK/held-out.en"

server=
trap '[ -z "$server" ] || kill -TERM "$server" 2>/dev/null || true' EXIT # a failed step leaves no server behind
for mode in batching per-call; do
  flags=()
  [ "$mode" = batching ] || flags=(--no-batching)
  # shellcheck disable=SC2086 # SERVE_FLAGS is a list of words
  "$root/bin/nmt-serve" -m "$MODEL" --port "$PORT" --threads "$THREADS" ${SERVE_FLAGS:-} ${flags[@]+"${flags[@]}"} \
    > "$WORK/$mode.out" 2> "$WORK/$mode.log" &
  server=$!
  until grep -q "listening on" "$WORK/$mode.out" 2>/dev/null; do
    kill -0 "$server" 2>/dev/null || { echo "serve-load: nmt-serve failed, see $WORK/$mode.log" >&2; exit 1; }
    sleep 0.2
  done
  # the launcher execs java, so $server is the JVM whose RSS is sampled
  echo "### $mode, --threads $THREADS ${SERVE_FLAGS:-} ($(uptime | sed 's/.*load average/load average/'))"
  "$root/bin/nmt-serve-load" -i "$WORK/held-out.en" --url "http://127.0.0.1:$PORT" --clients "$CLIENTS" \
    --seconds "$DURATION" --warmup "$WARMUP" --pid "$server"
  curl -s "http://127.0.0.1:$PORT/metrics" > "$WORK/$mode.metrics" || true
  kill -TERM "$server"
  status=0
  wait "$server" || status=$?
  server=
  echo "(server exit status after SIGTERM: $status)"
  echo
done
