#!/usr/bin/env bash
# Installs what Hawiya needs on a Debian 12 machine, pinned by version and sha256.
#   scripts/setup.sh serve   # what the server needs
#   scripts/setup.sh test    # what the test suite needs as well (PostgreSQL for the
#                            # throwaway cluster)
# Debian packages come from deps/debian.lock: a package already installed is used as it is;
# a missing one is downloaded at the pinned version, its sha256 checked, then installed.
# Model files will be fetched here too once the model runtime lands (`hawiya models fetch`).
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-serve}

need_cargo() {
  if ! command -v cargo >/dev/null; then
    echo "setup: cargo not found. Install the stable Rust toolchain (rustup) first." >&2
    exit 1
  fi
  local v
  v=$(cargo --version | awk '{print $2}')
  if [ "$(printf '%s\n1.85.0\n' "$v" | sort -V | head -n1)" != "1.85.0" ]; then
    echo "setup: Rust $v is too old; Hawiya needs 1.85 or newer." >&2
    exit 1
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root to run: $*" >&2; exit 1; fi
}

install_debs() {
  local wanted=$1 apt_updated=no
  while read -r pkg version sha purposes; do
    case "$pkg" in ''|'#'*) continue ;; esac
    case ",$purposes," in *",$wanted,"*) ;; *) [ "$wanted" = test ] || continue ;; esac
    local have
    have=$(dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null | awk '$3=="installed"{print $4}' || true)
    if [ -n "$have" ]; then
      [ "$have" = "$version" ] || echo "setup: $pkg $have is installed (lock pins $version); using it" >&2
      continue
    fi
    echo "setup: installing $pkg=$version" >&2
    local tmp
    tmp=$(mktemp -d)
    if [ $apt_updated = no ]; then as_root apt-get update -qq; apt_updated=yes; fi
    if (cd "$tmp" && apt-get download -qq "$pkg=$version" 2>/dev/null); then
      local deb
      deb=$(ls "$tmp"/*.deb)
      echo "$sha  $deb" | sha256sum -c --quiet - || { echo "setup: sha256 mismatch for $pkg" >&2; exit 1; }
      chmod 755 "$tmp"; chmod 644 "$deb"
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
    else
      # Debian's security archive keeps only the newest build of a package: once a pinned
      # version is superseded it cannot be downloaded any more. Take the archive's current
      # version (apt still verifies it against the signed index) and say so loudly.
      echo "setup: WARNING: $pkg=$version is no longer in the Debian archive; installing the current version (update deps/debian.lock)" >&2
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
    fi
    rm -rf "$tmp"
  done < deps/debian.lock
}

need_cargo
install_debs "$purpose"
if [ "$purpose" = test ] && command -v rustup >/dev/null; then
  # fmt and clippy run in the test command; rustup's minimal profile lacks them.
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" \
      || rustup component add "$component" >/dev/null \
      || { echo "setup: cannot install the Rust component $component" >&2; exit 1; }
  done
fi
