#!/usr/bin/env bash
# Java 17, Maven and PostgreSQL 15 binaries are what the local launchers need; the console's
# browser tests drive the distribution's Chromium (with CJK fonts for Chinese pages) and fetch
# axe-core with npm.
# Installs what is missing when run as root on Debian; otherwise says what to install.
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    missing+=(postgresql-15)
fi
command -v python3.11 >/dev/null 2>&1 || missing+=(python3.11 python3.11-venv)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    missing+=(fonts-noto-cjk)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
    echo "missing system packages: ${missing[*]}" >&2
    echo "install them, e.g.: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
