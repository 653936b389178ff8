#!/usr/bin/env bash
# Builds the three release wasm files into pkg/ and optimises each with npm's binaryen
# (wasm-opt -Oz), then records what was built in pkg/build.json (the end-to-end tests check
# that the page loads exactly these builds):
#   pkg/queue_playground.js + _bg.wasm   the queue and consumer (every visit)
#   pkg/lab.js + lab_bg.wasm              the interleaving lab (--features lab; loaded on demand)
#   pkg/threads.js + threads_bg.wasm      the threads view (--features threads, wasm atomics on
#                                         shared memory, pinned nightly; loaded on demand)
#   pkg/threads_sim.js + _bg.wasm         the same, stable and without atomics: the threads view's
#                                         simulated fallback where memory cannot be shared
#   pkg/broker.js + broker_bg.wasm        the broker view (--features broker; only ?view=broker)
# Usage: scripts/build.sh   (scripts/serve.sh and scripts/test.sh run scripts/setup.sh first;
# run on its own, it runs scripts/setup.sh itself when a tool it needs is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Never write a build that is not what build.json claims: without npm's wasm-opt, wasm-pack or
# the wasm32 target, install them first (scripts/setup.sh is idempotent), then check again.
missing() {
  [ -x node_modules/.bin/wasm-opt ] || { echo "npm's wasm-opt (node_modules/.bin/wasm-opt)"; return; }
  command -v wasm-pack >/dev/null 2>&1 || { echo wasm-pack; return; }
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || { echo "the wasm32-unknown-unknown target"; return; }
  scripts/threads-toolchain.sh >/dev/null || echo "the threads wasm's pinned nightly"
}
if [ -n "$(missing)" ]; then
  printf '[build] %s is missing: running scripts/setup.sh first\n' "$(missing)" >&2
  scripts/setup.sh
  if [ -n "$(missing)" ]; then
    printf '[build] error: %s is still missing after scripts/setup.sh; nothing was built\n' "$(missing)" >&2
    exit 1
  fi
fi

optimise() { # name [extra wasm-opt flags] -> prints a JSON object describing the optimised file
  local wasm=pkg/$1_bg.wasm before after gz
  before=$(wc -c <"$wasm")
  # The features rustc 1.95 enables by default for wasm32-unknown-unknown; wasm-opt must accept them.
  # The producers and target-features sections are for tools; browsers ignore them (~200 B).
  node_modules/.bin/wasm-opt -Oz --strip-producers --strip-target-features --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue "${@:2}" \
    "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  after=$(wc -c <"$wasm")
  gz=$(gzip -9c "$wasm" | wc -c)
  printf '[build] %s: %s bytes (%s before wasm-opt), %s gzipped\n' "$wasm" "$after" "$before" "$gz" >&2
  printf '{"wasm": "%s", "bytes_before_wasm_opt": %s, "bytes": %s, "gzip_bytes": %s, "sha256": "%s"}' \
    "$1_bg.wasm" "$before" "$after" "$gz" "$(sha256sum "$wasm" | cut -d' ' -f1)"
}

# wasm-pack empties pkg/ before each build: keep each on-demand build aside while the next builds.
mkdir -p target/lab-pkg
rm -rf pkg/lab.js pkg/lab_bg.wasm target/lab-pkg/broker.js target/lab-pkg/broker_bg.wasm
wasm-pack --quiet build --release --target web --out-dir pkg --out-name lab --no-typescript --no-pack -- --no-default-features --features lab >&2
lab=$(optimise lab)
mv pkg/lab.js pkg/lab_bg.wasm target/lab-pkg/
wasm-pack --quiet build --release --target web --out-dir pkg --out-name broker --no-typescript --no-pack -- --no-default-features --features broker >&2
broker=$(optimise broker)
mv pkg/broker.js pkg/broker_bg.wasm target/lab-pkg/
wasm-pack --quiet build --release --target web --out-dir pkg --no-typescript --no-pack >&2
mv target/lab-pkg/lab.js target/lab-pkg/lab_bg.wasm target/lab-pkg/broker.js target/lab-pkg/broker_bg.wasm pkg/
queue=$(optimise queue_playground)

# The threads wasm (the threads view): wasm atomics on an imported shared memory, which needs std rebuilt
# with atomics (-Z build-std on the pinned nightly, scripts/threads-toolchain.sh); its own target
# dir so that the stable builds' cache survives. Then wasm-bindgen (wasm-pack cannot pass -Z).
nightly=$(scripts/threads-toolchain.sh)
RUSTFLAGS="$(scripts/threads-toolchain.sh --rustflags)" \
  cargo +"$nightly" build --quiet --release --target wasm32-unknown-unknown -Z build-std=panic_abort,std \
  --no-default-features --features threads --lib --target-dir target/threads >&2
rm -f pkg/threads.js pkg/threads_bg.wasm
wasm-bindgen --target web --out-dir pkg --out-name threads --no-typescript \
  target/threads/wasm32-unknown-unknown/release/queue_playground.wasm
threads=$(optimise threads --enable-threads)
# The same exports on stable, without atomics: the threads view's simulated fallback
# (SimulatedRun) for pages that cannot share memory, where the shared-memory wasm may not load.
cargo build --quiet --release --target wasm32-unknown-unknown --no-default-features --features threads --lib >&2
rm -f pkg/threads_sim.js pkg/threads_sim_bg.wasm
wasm-bindgen --target web --out-dir pkg --out-name threads_sim --no-typescript \
  target/wasm32-unknown-unknown/release/queue_playground.wasm
threads_sim=$(optimise threads_sim)
cat >pkg/build.json <<JSON
{
  "wasm_opt": "$(node_modules/.bin/wasm-opt --version | tr -d '"')",
  "queue": $queue,
  "lab": $lab,
  "threads": $threads,
  "threads_sim": $threads_sim,
  "broker": $broker
}
JSON
