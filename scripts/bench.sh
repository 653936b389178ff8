#!/usr/bin/env bash
# The third README command: measures speed and size and prints one table (see BENCHMARKS.md).
#   1. installs what is missing (Chromium too) and builds the release wasm (scripts/build.sh);
#   2. the native queue benchmark: cargo run --release --example queue_bench; and the explorer
#      benchmark: the package bench/explore (the lab's explorer against today's, frozen in
#      bench/explore/baseline; a package of its own, so cargo test never compiles the copy);
#   3. the browser benchmarks: bench/run.mjs serves the repository as plain static files and
#      drives /usr/bin/chromium with playwright-core.
#   4. embedded start-up: bench/embed.mjs, a lesson embedded in a docs page of another origin
#      beside the full pages' start-up (appended to the report).
# Every timing comes with a baseline measured in the same run. Goals are reported, never enforced:
# the exit status is 0 unless something breaks. About 3-4 minutes on a 2-CPU machine.
# Usage: scripts/bench.sh [--quick]   (BENCH_OUT=file also saves the report, default target/bench/report.md)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --browser
scripts/build.sh

out=${BENCH_OUT:-target/bench/report.md}
mkdir -p "$(dirname "$out")" target/bench
printf '[bench] native queue benchmark (cargo run --release --example queue_bench)\n' >&2
cargo run --quiet --release --example queue_bench -- --json >target/bench/native.json
printf '[bench] explorer benchmark (cargo run --release --manifest-path bench/explore/Cargo.toml)\n' >&2
cargo run --quiet --release --manifest-path bench/explore/Cargo.toml --target-dir target/explore-bench -- --json "$@" >target/bench/explore.json
printf '[bench] browser benchmarks (bench/run.mjs, /usr/bin/chromium)\n' >&2
node bench/run.mjs --native target/bench/native.json --explore target/bench/explore.json --out "$out" --json target/bench/results.json "$@"
printf '[bench] embedded start-up (bench/embed.mjs)\n' >&2
node bench/embed.mjs "$@" | tee -a "$out"
printf '[bench] report saved to %s\n' "$out" >&2
