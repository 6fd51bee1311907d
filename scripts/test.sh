#!/usr/bin/env bash
# Sets up and runs the whole test suite: formatting, lints, unit and integration tests on
# SQLite, then the store and HTTP integration tests again on a throwaway PostgreSQL cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check
echo "== cargo clippy -D warnings" >&2
cargo clippy --locked --workspace --all-targets -- -D warnings

echo "== models (fetched and verified once; later runs only check the sha256)" >&2
HAWIYA_DATA_DIR=./data cargo run --locked -q -p hawiya -- models fetch

echo "== tests on SQLite" >&2
cargo test --locked --workspace

echo "== tests on PostgreSQL (throwaway cluster)" >&2
eval "$(scripts/pg-throwaway.sh start)"
trap 'scripts/pg-throwaway.sh stop "$HAWIYA_PG_DIR"' EXIT
cargo test --locked -p hawiya-store -p hawiya --tests
echo "== all tests passed" >&2
