#!/usr/bin/env bash
# The second README command: installs what is missing and runs every test.
#   1. native: cargo fmt --check, cargo clippy, cargo test (the core with real std threads),
#      then the same suite optimised (the queue's thread tests are most useful optimised)
#   2. wasm: wasm-pack test --headless in Chromium and in Firefox ESR (on a page, in a
#      dedicated worker), and the threads wasm (atomics) with real worker threads in Chromium
#   3. end to end: the release build served as static files, driven in Debian's Chromium by
#      playwright-core and in Firefox ESR by geckodriver (tests/e2e/firefox.test.mjs); the broker
#      view against a real RabbitMQ too (tests/e2e/rabbitmq.test.mjs; scripts/rabbitmq.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --browser

step() { printf '\n=== [%ss] %s\n' "$SECONDS" "$*"; }

step "format and lints"
cargo fmt --check
cargo clippy --all-targets --all-features --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-features --lib --tests --quiet -- -D warnings
# The threads wasm as it is really built: wasm atomics, std rebuilt, the pinned nightly.
RUSTFLAGS="$(scripts/threads-toolchain.sh --rustflags)" cargo +"$(scripts/threads-toolchain.sh)" clippy \
  --quiet --release --target wasm32-unknown-unknown -Z build-std=panic_abort,std \
  --no-default-features --features threads --lib --target-dir target/threads -- -D warnings

step "native tests (cargo test)"
cargo test --quiet
cargo run --quiet --bin lab -- check lessons/

step "the tests of real std threads again, optimised (cargo test --profile fast-test: release without LTO)"
# Optimised, races are tighter and a million items go through in the time the debug build
# takes for a few thousand; the rest of the suite gains nothing from a second run.
cargo test --quiet --profile fast-test --test queue_threads --test threads_unsafe --test threads_safe \
  --test threads_scenario --test threads_blocking --test simulated_threads

step "wasm tests in headless Chromium (wasm-pack test)"
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --features lab

step "the threads wasm with real worker threads on one shared memory (wasm-pack test, pinned nightly, build-std)"
RUSTUP_TOOLCHAIN="$(scripts/threads-toolchain.sh)" RUSTFLAGS="$(scripts/threads-toolchain.sh --rustflags)" \
  CARGO_TARGET_DIR=target/threads-test wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver \
  -- -Z build-std=panic_abort,std --features threads --test web_threads

step "wasm tests in headless Firefox ESR (wasm-pack test)"
wasm-pack test --headless --firefox --geckodriver "$HOME/.cargo/bin/geckodriver" -- --features lab

step "release build"
scripts/build.sh

step "RabbitMQ for the broker view's differential tests (scripts/rabbitmq.sh: starts it unless it runs)"
scripts/rabbitmq.sh

step "end-to-end tests (node --test: playwright-core + /usr/bin/chromium, geckodriver + firefox-esr, RabbitMQ)"
node --test --test-concurrency=1 tests/e2e/
