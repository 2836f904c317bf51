#!/usr/bin/env bash
# Server matrix: runs the integration tests that touch server behaviour against every
# server folder under ${REDIS_SERVERS_DIR:-../shared/servers} (each holds bin/redis-server,
# redis-cli, redis-sentinel; putting that bin/ first on PATH makes the harness start it).
# The machine's own redis-server (Debian's Redis 7.0) already ran the whole suite.
# See docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# The one list of matrix test files (globs allowed; a glob matching nothing is skipped):
# scripts, ACL, cluster, Sentinel, pub/sub and TLS.
MATRIX_FILES=(
  test/badInputs.test.ts            # every Lua script refusing bad input, nothing written
  test/session.ttl.test.ts          # scripts: sliding TTL, atomic with the write
  test/session.transactions.test.ts # scripts: history transactions, operation ids
  test/scripts.*.test.ts            # scripts: no error after the first write
  test/security.acl.test.ts         # ACL rules, NOPERM
  test/cluster.session.test.ts      # Redis Cluster: slots, hash tags, every operation
  test/sentinel.failover.test.ts    # Sentinel: discovery, WAIT, kill -9 failover
  test/events.delivery.test.ts      # pub/sub: change events
  test/events.clusterFeed.test.ts   # Redis Cluster: the store-wide feed, sharded (bus counters), resharding, failover
  test/security.tls.test.ts         # TLS, certificates, mutual TLS
)

servers_dir="${REDIS_SERVERS_DIR:-../shared/servers}"
if [[ ! -d "$servers_dir" ]]; then
  echo "server matrix skipped: no $servers_dir (see docs/testing.md)"
  exit 0
fi

shopt -s nullglob
files=()
for pattern in "${MATRIX_FILES[@]}"; do
  for file in $pattern; do files+=("$file"); done
done

failed=()
ran=0
started=$SECONDS
for folder in "$servers_dir"/*/; do
  folder="${folder%/}"
  bin="$(cd "$folder/bin" 2>/dev/null && pwd)" || continue
  [[ -x "$bin/redis-server" ]] || continue
  version="$("$bin/redis-server" --version | head -n 1)"
  echo "server matrix: $(basename "$folder"): $version: ${#files[@]} files"
  t0=$SECONDS
  if PATH="$bin:$PATH" node --import tsx --test --test-concurrency=1 "${files[@]}"; then
    echo "server matrix: $(basename "$folder"): passed in $((SECONDS - t0)) s"
  else
    echo "server matrix: $(basename "$folder"): FAILED after $((SECONDS - t0)) s"
    failed+=("$(basename "$folder")")
  fi
  ran=$((ran + 1))
done

if ((ran == 0)); then
  echo "server matrix skipped: no */bin/redis-server under $servers_dir (see docs/testing.md)"
  exit 0
fi
echo "server matrix: $ran server(s) in $((SECONDS - started)) s${failed:+; FAILED on: ${failed[*]}}"
((${#failed[@]} == 0))
