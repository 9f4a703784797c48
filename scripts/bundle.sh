#!/usr/bin/env bash
# The release bundle: qorgau-VERSION-linux-ARCH.tar.gz holding the binary (built with -c release),
# its resource bundles (templates, catalogs, law packs, demo cases), the systemd unit, an example
# reverse-proxy configuration and a settings file to start from. Unpacked anywhere, `./qorgau serve`
# runs from there. The Dockerfile runs this same script.
#
#   scripts/bundle.sh [--out DIR] [--bin DIR]
#     --out DIR  where the bundle goes (default dist)
#     --bin DIR  take an already built binary from DIR instead of building (tests use .build/debug)
set -euo pipefail
HERE=$(pwd)
cd "$(dirname "$0")/.."

OUT=dist
BIN=
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift ;;
    --bin) BIN="$2"; shift ;;
    *) echo "usage: scripts/bundle.sh [--out DIR] [--bin DIR]" >&2; exit 2 ;;
  esac
  shift
done

# relative paths are the caller's
case "$OUT" in /*) ;; *) OUT="$HERE/$OUT" ;; esac
case "$BIN" in ""|/*) ;; *) BIN="$HERE/$BIN" ;; esac

if [ -z "$BIN" ]; then
  swift build -c release --product qorgau
  BIN=$(swift build -c release --show-bin-path)
fi
[ -x "$BIN/qorgau" ] || { echo "no qorgau binary in $BIN" >&2; exit 1; }

VERSION=$("$BIN/qorgau" --version)
NAME="qorgau-$VERSION-linux-$(uname -m)"
STAGE="$OUT/$NAME"
rm -rf "$STAGE" "$OUT/$NAME.tar.gz"
mkdir -p "$STAGE"
cp "$BIN/qorgau" "$STAGE/"
cp -R "$BIN"/*.resources "$STAGE/"
cp deploy/qorgau.service deploy/nginx.conf deploy/qorgau.env.example "$STAGE/"
cp README.md LICENSE SECURITY.md CHANGELOG.md "$STAGE/"
tar -C "$OUT" -czf "$OUT/$NAME.tar.gz" "$NAME"
echo "$OUT/$NAME.tar.gz"
