#!/usr/bin/env bash
# Measures the client against a local server started by the example itself (no network,
# no token): peak RSS for a 200 MiB CSV export read whole and streamed, the length of an
# error's Debug output for a 5 MiB HTML error page, and how long a request to a server
# that never answers takes with timeout 1.5 s and max_elapsed 2 s.
#
#   scripts/measure_client.sh            # from the workspace root
#
# Each line is `mode=... key=value...`; BENCHMARKS.md quotes the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p polar-sh-sdk --example measure_client
bin=target/debug/examples/measure_client
"$bin" export 200
"$bin" export-raised 200
"$bin" export-stream 200
"$bin" debug-len 5
"$bin" budget
