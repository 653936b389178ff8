#!/usr/bin/env bash
# Builds the release wasm into pkg/ and optimises it with npm's binaryen (wasm-opt -Oz).
# Usage: scripts/build.sh   (run scripts/setup.sh first, or use scripts/serve.sh / scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
wasm-pack build --release --target web --out-dir pkg --no-typescript --no-pack 2>&1 | grep -vE '^\s*$' >&2
wasm=pkg/queue_playground_bg.wasm
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
  "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
printf '[build] %s: %s bytes, %s gzipped\n' "$wasm" "$(wc -c <"$wasm")" "$(gzip -9c "$wasm" | wc -c)" >&2
