#!/usr/bin/env bash
# Prints the name of the pinned nightly toolchain that builds the threads wasm (the threads view: wasm
# atomics need `-Z build-std`), or fails if it is not installed. The pin is the nightly of
# 2026-05-20 (rustc 1.97.0-nightly e50aa6fba 2026-05-19). It is used under its dated name when
# installed so; a plain `nightly` toolchain of that same date counts too (its channel manifest
# carries the date), so a machine that already has it needs no download.
# `--rustflags` prints the RUSTFLAGS of the threads wasm instead: wasm atomics on an imported
# shared memory (without the link arguments the memory is not shared), with the TLS exports
# wasm-bindgen needs to start a thread.
# Usage: scripts/threads-toolchain.sh [--date | --rustflags]
#   (scripts/setup.sh installs the toolchain; scripts/build.sh and scripts/test.sh use it)
set -euo pipefail
NIGHTLY_DATE=2026-05-20
export PATH="$HOME/.cargo/bin:$PATH"
if [ "${1:-}" = --date ]; then echo "$NIGHTLY_DATE"; exit 0; fi
if [ "${1:-}" = --rustflags ]; then
  echo "-C target-feature=+atomics,+bulk-memory -C link-arg=--shared-memory" \
    "-C link-arg=--max-memory=1073741824 -C link-arg=--import-memory" \
    "-C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size" \
    "-C link-arg=--export=__tls_align -C link-arg=--export=__tls_base"
  exit 0
fi
if rustup toolchain list | grep -q "^nightly-$NIGHTLY_DATE-"; then
  echo "nightly-$NIGHTLY_DATE"
elif rustup toolchain list | grep -q '^nightly-[a-z]' \
  && grep -qx "date = \"$NIGHTLY_DATE\"" \
    "$(rustc +nightly --print sysroot)/lib/rustlib/multirust-channel-manifest.toml" 2>/dev/null; then
  echo nightly
else
  exit 1
fi
