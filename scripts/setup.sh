#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine (as root) and builds it:
# system packages, pnpm, the workspace's dependencies, the native addon and the Prisma clients.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

# cmake and g++ build the native addon; PostgreSQL serves the scale-out tests; Chromium drives the browser
# tests; DejaVu gives sharp's SVG text a font.
system_packages=(cmake g++ make python3 postgresql chromium fonts-dejavu-core)
missing=()
for package in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v pnpm >/dev/null 2>&1 || npm install -g pnpm@10 >/dev/null
pnpm install --frozen-lockfile

# The People app (served by the API at /app): built when missing or older than its sources.
web=packages/web
if [ ! -f "$web/dist/index.html" ] ||
  [ -n "$(find "$web/src" "$web/index.html" "$web/vite.config.ts" "$web/package.json" -newer "$web/dist/index.html" -print -quit)" ]; then
  pnpm --filter @facegroup/web build
fi
