#!/usr/bin/env bash
# make bench-scale SIZE=small|large|national: generate the agency once into its own PostgreSQL
# database (hononga_bench_<size>; BENCH_FRESH=1 makes it again), work out what the agency learns
# from its goals (the daily job, timed), then time every daily page.
# PG_URL: the server (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
size="${SIZE:-small}"
server="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
db="hononga_bench_${size}"
export DATABASE_URL="${server}/${db}"
exists=$(psql "${server}/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '${db}'")
if [ "${BENCH_FRESH:-0}" = 1 ] || [ "$exists" != 1 ] || \
   [ "$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM synthetic_syntheticdataset WHERE finished_at IS NOT NULL" 2>/dev/null || echo 0)" = 0 ]; then
  echo "Generating the ${size} agency; machine: $(uptime)"
  psql "${server}/postgres" -q -c "DROP DATABASE IF EXISTS ${db} WITH (FORCE)" -c "CREATE DATABASE ${db}"
  # JIT compiles the planner's costlier plans for longer than they run (issue 12): off for the
  # database, as a deployment sets it per role (README, "Deployment shape").
  psql "${server}/postgres" -q -c "ALTER DATABASE ${db} SET jit = off"
  HONONGA_ENV=development .venv/bin/hononga migrate --no-input -v 0
  HONONGA_ENV=development .venv/bin/hononga generate --size "$size"
  # The daily job behind the learning page (`hononga goals learn`), timed.
  started=$(date +%s.%N)
  HONONGA_ENV=development .venv/bin/hononga goals learn
  echo "goals learn: $(echo "$(date +%s.%N) - $started" | bc) s; machine: $(uptime)"
  # The hourly job behind the team, region and agency figures (`hononga measures rollup`), timed.
  started=$(date +%s.%N)
  HONONGA_ENV=development .venv/bin/hononga measures rollup
  echo "measures rollup: $(echo "$(date +%s.%N) - $started" | bc) s; machine: $(uptime)"
fi
.venv/bin/python bench/scale.py
