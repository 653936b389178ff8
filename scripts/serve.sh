#!/usr/bin/env bash
# The first README command: installs what is missing, builds, and serves the playground at
# http://127.0.0.1:8000 (PORT=... to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node scripts/serve.mjs "${PORT:-8000}" .
