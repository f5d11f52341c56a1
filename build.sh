#!/usr/bin/env bash
# build.sh — the single source of truth for building (npm run build calls it).
#   1. core-c/ -> dist/core.wasm (clang from @yowasp/clang, wasm32-wasip1 reactor)
#   2. C guests (test/guests, bench/guests) -> build/guests/*.wasm
#   3. AssemblyScript guests (asm/*.ts) -> build/asm/*.wasm
#   4. ts/ -> dist/*.js (esbuild), then tsc --noEmit (strict type check)
# Each stage rebuilds only what is older than its inputs.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PWD/node_modules/.bin:$PATH"

newer() { # newer OUT INPUT... : true when OUT is missing or older than an input
  local out=$1; shift
  [ ! -e "$out" ] && return 0
  [ -n "$(find "$@" -newer "$out" -type f -print -quit 2>/dev/null)" ]
}

node tools/build-c.mjs all 2>&1 | { grep -v '^yowasp-llvm: fetched' || true; }

mkdir -p build/asm
for src in asm/*.ts; do
  [ -e "$src" ] || continue
  case "$src" in asm/lib/*) continue ;; esac
  out="build/asm/$(basename "$src" .ts).wasm"
  if newer "$out" "$src" asm/lib; then
    echo "asc $out <- $src"
    asc "$src" --config node_modules/@assemblyscript/wasi-shim/asconfig.json -O2 --outFile "$out"
  fi
done

if newer dist/.ts-stamp ts test tsconfig.json package.json; then
  echo "esbuild ts/ -> dist/"
  entries=$(ls ts/index.ts ts/cli.ts ts/lisafs/gofer-main.ts 2>/dev/null || true)
  # shellcheck disable=SC2086
  esbuild $entries --bundle --platform=node --format=esm --target=node20 \
    --outdir=dist --external:koffi --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
  chmod +x dist/cli.js
  echo "esbuild test/**/*.test.ts -> build/test/"
  tests=$(find test -name '*.test.ts' | sort)
  if [ -n "$tests" ]; then
    # shellcheck disable=SC2086
    esbuild $tests --bundle --platform=node --format=esm --target=node20 --outdir=build/test \
      --out-extension:.js=.mjs --external:koffi --external:uvu --external:fast-check --log-level=warning \
      --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
  fi
  echo "tsc --noEmit"
  tsc --noEmit -p tsconfig.json
  touch dist/.ts-stamp
fi
