#!/usr/bin/env bash
# The usage-metering benchmark: EVENTS events (default one million) tracked through
# `polar::metering::Ingester` against the fault-injecting stand-in for Polar's ingest endpoint
# (generated-client/tests/metering/server.rs), each in its own process.
#
#   scripts/bench_metering.sh [EVENTS] [--no-faults | --retry-after SECS] [client options...]
#
# Faults (per request): 2 % each of 429 (retry-after 1 s, or SECS), 500, 503 and connection
# reset before processing, 3 % stored-then-reset-before-the-answer, 1 % slow answer (3 s,
# past the ingester's 2 s request timeout). Seeded: the same run injects the same faults.
#
# client options: --producers P (2), --batch-size B (1000), --queue Q (50000), --in-flight K (2)
#
# Prints events/s (first track to the end of shutdown), the latency of `track`, the
# ingester's totals, the faults the server injected by kind, events stored, duplicates, lost
# (must be 0: the client exits 1 otherwise), the client's peak RSS (GNU time: the ingester's
# process alone) and the server's (VmHWM). Release build of the bench target, without TLS.
# Figures: BENCHMARKS.md, "Usage metering".
set -euo pipefail
cd "$(dirname "$0")/.."

events=1000000
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  events=$1
  shift
fi
faults=(--faults)
if [[ $# -gt 0 && $1 == --no-faults ]]; then
  faults=()
  shift
elif [[ $# -gt 1 && $1 == --retry-after ]]; then
  faults=(--faults --retry-after "$2")
  shift 2
fi

bin=$(cargo bench -p polar-sh-sdk --no-default-features --features metering --bench metering --no-run \
  --message-format json 2>/dev/null |
  python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == "metering":
        print(m["executable"])' | tail -1)
if [[ -z $bin ]]; then
  echo "could not build the metering bench (cargo bench -p polar-sh-sdk --features metering --bench metering --no-run)" >&2
  exit 2
fi

work=$(mktemp -d)
"$bin" server "${faults[@]}" >"$work/server.out" 2>"$work/server.err" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
url=
for _ in $(seq 200); do
  url=$(head -n 1 "$work/server.out" 2>/dev/null || true)
  [[ -n $url ]] && break
  sleep 0.05
done
[[ -n $url ]] || { echo "the fault server did not start" >&2; cat "$work/server.err" >&2; exit 2; }

echo "metering benchmark: $events events, server $url ${faults[*]:-(no faults)}, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
/usr/bin/time -v "$bin" client --url "$url" --events "$events" "$@" 2>"$work/client.err"
status=$?
set -e
grep -v -E '^\s|^Command (being timed|exited)' "$work/client.err" | head -n 20 >&2 || true
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/client.err")
cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$work/client.err")
server_rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status" 2>/dev/null || echo 0)
echo "client peak RSS   $((rss / 1024)) MiB ($rss KiB; user+sys CPU ${cpu} s)"
echo "server peak RSS   $((server_rss / 1024)) MiB (the stand-in keeps every stored id)"
exit $status
