#!/usr/bin/env bash
# Installs every Debian 12 package Remit needs to build, run and test. Safe to run again:
# it calls apt-get only when something is missing.
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
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
