#!/usr/bin/env bash
# Brings Node 24 and pnpm from the npm registry into .toolchain/ (git-ignored) when the machine's Node is older.
# Usage: source scripts/toolchain.sh   (puts .toolchain/node_modules/.bin first on PATH)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tc="$root/.toolchain"
want_node="$(node -p 'require(process.argv[1]).dependencies.node' "$root/.ci/toolchain/package.json" 2>/dev/null || echo none)"
if [ ! -x "$tc/node_modules/.bin/node" ] || [ "$("$tc/node_modules/.bin/node" --version 2>/dev/null)" != "v$want_node" ]; then
  mkdir -p "$tc"
  cp "$root/.ci/toolchain/package.json" "$root/.ci/toolchain/package-lock.json" "$tc/"
  (cd "$tc" && npm ci --no-audit --no-fund --loglevel=error)
fi
export PATH="$tc/node_modules/.bin:$PATH"
set +euo pipefail
