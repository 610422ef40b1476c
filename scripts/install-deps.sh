#!/usr/bin/env bash
# Installs every Debian 12 package Remit needs to build, run and test. Safe to run again:
# it calls apt-get only when something is missing, and npm only when tests/node lacks its packages.
set -euo pipefail
pkgs=(
  g++ cmake ninja-build ccache make pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libsodium-dev libfmt-dev libspdlog-dev libcli11-dev
  libhowardhinnant-date-dev libcairo2-dev libpango1.0-dev
  fonts-noto-cjk fonts-dejavu-core poppler-utils
  libgtest-dev libgmock-dev libbenchmark-dev
  libpq-dev postgresql-15 postgresql-client-15
  curl python3
  libcurl4-openssl-dev libssl-dev libkainjow-mustache-dev python3-aiosmtpd nodejs
  clang-14 libclang-rt-14-dev
  chromium sqlmap
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages for the test peers in tests/node (pinned in its package-lock.json).
cd "$(dirname "$0")/.."
if [ ! -d tests/node/node_modules/standardwebhooks ] || [ ! -d tests/node/node_modules/playwright-core ] ||
   [ ! -d tests/node/node_modules/axe-core ] || [ ! -d tests/node/node_modules/oidc-provider ]; then
  echo "installing tests/node npm packages"
  if ! command -v npm >/dev/null; then  # Debian's nodejs lacks npm (NodeSource's bundles it)
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm
  fi
  npm ci --prefix tests/node --no-audit --no-fund
fi
