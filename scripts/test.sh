#!/usr/bin/env bash
# The second README command: installs what is missing and runs every test.
#   1. native: cargo fmt --check, cargo clippy, cargo test (the core with real std threads)
#   2. wasm: wasm-pack test --headless --chrome (on a page and in a dedicated worker)
#   3. end to end: the release build served as static files, driven in Debian's Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --browser

step() { printf '\n=== %s\n' "$*"; }

step "format and lints"
cargo fmt --check
cargo clippy --all-targets --all-features --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-features --lib --tests --quiet -- -D warnings

step "native tests (cargo test)"
cargo test --quiet

step "wasm tests in headless Chromium (wasm-pack test)"
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --features lab

step "release build"
scripts/build.sh

step "end-to-end tests (node --test, playwright-core, /usr/bin/chromium)"
node --test --test-concurrency=1 tests/e2e/
