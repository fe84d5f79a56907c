#!/usr/bin/env bash
# The free Fandol fonts (FandolFang / FandolSong / FandolHei / FandolKai, GPL with the font exception)
# for the GB/T 9704 PDFs, taken from Debian's texlive-lang-chinese WITHOUT installing TeX: the .deb is
# downloaded and unpacked into a temporary folder, the .otf files are copied to $1 (git-ignored).
# Idempotent: nothing is downloaded when the files are there. docs/documents.md, "Layout and fonts".
set -euo pipefail
DEST=${1:-build/fonts}
FILES="FandolFang-Regular.otf FandolSong-Regular.otf FandolSong-Bold.otf FandolHei-Regular.otf FandolHei-Bold.otf FandolKai-Regular.otf"

missing=""
for f in $FILES; do [ -s "$DEST/$f" ] || missing="$missing $f"; done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
  echo "WARNING: apt-get/dpkg-deb not found: the PDFs fall back to Noto CJK. Put the Fandol .otf files into $DEST." >&2
  exit 0
fi
if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
if ! apt-cache show texlive-lang-chinese >/dev/null 2>&1; then
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 777 "$tmp"  # apt's _apt user downloads into it
(cd "$tmp" && apt-get download -q texlive-lang-chinese >/dev/null 2>&1 || apt-get download texlive-lang-chinese)
dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
src=$(dirname "$(find "$tmp/x" -name FandolFang-Regular.otf | head -1)")
mkdir -p "$DEST"
for f in $FILES; do install -m 0644 "$src/$f" "$DEST/$f"; done
readme=$(find "$tmp/x" -path '*fonts/fandol/README' | head -1)
[ -n "$readme" ] && install -m 0644 "$readme" "$DEST/README.fandol"
echo "Fandol fonts copied to $DEST"
