#!/usr/bin/env bash
# Make sure /usr/bin/chromium exists for the HTML report screenshot test.
#
# Idempotent: does nothing when chromium is already installed. Installs the Debian package
# only when running as root (CI containers); otherwise it says what is missing and exits 0,
# and the screenshot test skips itself.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
    exit 0
fi
if [[ "$(id -u)" != "0" ]]; then
    echo "ensure-chromium: /usr/bin/chromium is missing and we are not root; the HTML screenshot test will be skipped" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: /usr/bin/chromium is missing and apt-get is not available; the HTML screenshot test will be skipped" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
echo "ensure-chromium: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
