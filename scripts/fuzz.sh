#!/usr/bin/env bash
# Longer fuzz runs of everything that reads input from outside. The same tests run
# in `cargo test` with a few thousand cases each; this runs them with many more, optimised:
#   tests/fuzz_lab.rs       the lab's front end (lex + parse + compile + a short exploration)
#                           and the hostile corpus (tests/hostile/cases.json)
#   tests/fuzz_json.rs      the JSON reader (src/json.rs) against serde_json
#   tests/fuzz_protocol.rs  the consumer worker's protocol decoder (src/pipeline/protocol)
#   tests/broker_stomp.rs   the STOMP codec (src/broker/stomp.rs), chunked and whole
# Usage: scripts/fuzz.sh [CASES]      (or FUZZ_CASES=N scripts/fuzz.sh; default 200000)
# Every run is seeded, so a failure names its input and happens again on the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cases=${1:-${FUZZ_CASES:-200000}}
case $cases in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [CASES] (a whole number)" >&2; exit 2 ;; esac
echo "[fuzz] $cases cases per fuzz test (cargo test --profile fast-test)" >&2
FUZZ_CASES=$cases STOMP_FUZZ_CASES=$cases cargo test --profile fast-test \
  --test fuzz_lab --test fuzz_json --test fuzz_protocol --test broker_stomp -- fuzz random mutated
