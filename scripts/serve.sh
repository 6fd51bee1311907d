#!/usr/bin/env bash
# Sets everything up and starts the server on its embedded defaults:
# SQLite in ./data, listening on 127.0.0.1:8080 (see README for the variables).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh serve
cargo build --release --locked -p hawiya
target/release/hawiya models fetch
echo "Create a tenant with: target/release/hawiya tenant create NAME" >&2
exec target/release/hawiya serve "$@"
