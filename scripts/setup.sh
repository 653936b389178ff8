#!/usr/bin/env bash
# Installs whatever the playground needs that is missing; idempotent and quick when all is present.
# Usage: scripts/setup.sh [--browser]   (--browser also installs the test browsers and their
# drivers: Debian's Chromium + ChromeDriver and Firefox ESR, geckodriver by cargo; the npm
# test deps; and Debian's rabbitmq-server with its Web-STOMP plugin, via scripts/rabbitmq.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  log "installing wasm-pack (a few minutes, once)"
  cargo install wasm-pack --locked --version "$WASM_PACK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # --locked fails on a missing webpki-roots version (see DESIGN.md)
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# The threads wasm needs wasm atomics: a pinned nightly with rust-src (-Z build-std).
# Pinned by date (scripts/threads-toolchain.sh); the other builds stay on stable.
if ! nightly=$(scripts/threads-toolchain.sh); then
  log "installing the pinned nightly for the threads wasm (once)"
  rustup toolchain install "nightly-$(scripts/threads-toolchain.sh --date)" --profile minimal
  nightly=$(scripts/threads-toolchain.sh)
fi
for component in rust-src clippy; do # build-std needs the source; scripts/test.sh lints with it
  if ! rustup +"$nightly" component list --installed | grep "^$component" >/dev/null; then
    log "adding $component to $nightly"
    rustup +"$nightly" component add "$component"
  fi
done
if ! rustup +"$nightly" target list --installed | grep -x wasm32-unknown-unknown >/dev/null; then
  log "adding rust target wasm32-unknown-unknown to $nightly"
  rustup +"$nightly" target add wasm32-unknown-unknown
fi

# npm's binaryen (Debian's wasm-opt corrupts wasm-bindgen output) and the e2e driver.
if [ ! -x node_modules/.bin/wasm-opt ] || { [ "${1:-}" = --browser ] && { [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; }; }; then
  log "installing npm dev tools (binaryen, playwright-core, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = --browser ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/firefox-esr ]; then
    log "installing chromium, chromium-driver and firefox-esr from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver firefox-esr >/dev/null
  fi
  if ! geckodriver --version 2>/dev/null | grep -q "^geckodriver $GECKODRIVER_VERSION"; then
    log "installing geckodriver $GECKODRIVER_VERSION (about 2 minutes, once)"
    # --locked first (reproducible); without it if the lock file names a yanked crate.
    cargo install geckodriver --locked --version "$GECKODRIVER_VERSION" ||
      cargo install geckodriver --version "$GECKODRIVER_VERSION"
  fi
fi
if [ "${1:-}" = --browser ]; then
  # A real RabbitMQ with Web-STOMP for the broker view's differential tests (not started here).
  scripts/rabbitmq.sh install
fi
log "toolchain ready"
