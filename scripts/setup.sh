#!/usr/bin/env bash
# Installs everything mtpipe needs to build, test and run on Debian 12: Debian packages and the
# npm packages pinned by committed lock files. Idempotent, and silent when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ make pkg-config ccache
  clang libclang-rt-14-dev            # libFuzzer targets
  libssl-dev zlib1g-dev               # crypto, gzip_packed
  nlohmann-json3-dev                  # the TL generator reads the JSON schema
  libcli11-dev                        # the mtpipe command line
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost1.81-dev                    # Asio coroutines (never the 1.74 names)
  python3-telethon                    # peer tests: Telethon 1.25.1 against the sim
  libsqlitecpp-dev                    # session files (and the embedded store)
  dante-server tinyproxy              # proxy tests: real SOCKS5 and HTTP CONNECT proxies on loopback
  redis-server libhiredis-dev         # issue 5: cross-replica coordination; the tests start their own redis-server
)
# Node.js and npm fetch the pinned schema package. A machine may already have them from another
# source (e.g. a nodejs package with npm bundled); Debian's npm would conflict with that one.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  # Packages with daemons (tinyproxy, danted) must not start them at install: the tests run their own, and a
  # machine without an init system would fail the install. policy-rc.d forbids it while we install.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    trap '$sudo rm -f "$policy"' EXIT
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages, each from its own committed lock file; reinstalled only when the lock changed.
for dir in tools/schema tests/peers/gramjs tests/peers/mtcute; do
  [ -f "$dir/package-lock.json" ] || continue
  stamp="$dir/node_modules/.mtpipe-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "setup: npm ci in $dir"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$dir/package-lock.json" "$stamp"
  fi
done
