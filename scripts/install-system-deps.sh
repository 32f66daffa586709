#!/bin/sh
# Install the Debian packages the tests need, only those missing (CI runs as root).
# Fonts: fonts-noto-core has Latin/Vietnamese, Devanagari (Nepali) and Myanmar; fonts-noto-cjk
# Japanese, Simplified Chinese and Korean.
set -e
PACKAGES="chromium xmlsec1 openssl pcscd vsmartcard-vpcd opensc libpcsclite-dev poppler-utils fonts-noto-cjk fonts-noto-core"
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
