#!/usr/bin/env bash
# Vendors Noto Sans SC (static TrueType/glyf outlines, OFL-1.1) for the PDF posters and letters. fpdf2 embeds and
# subsets glyf fonts; the CFF (.otf) Noto CJK files and the split woff2 subsets render wrong (see STACK-NOTES.md).
# Also vendors HanaMinB (花园明朝B, GlyphWiki, Hanazono Font License or OFL-1.1, glyf outlines), the fallback for the
# rare name characters of CJK Extensions B–F that Noto Sans SC lacks, from the Debian package fonts-hanazono
# (only HanaMinB.ttf, about 30 MB, and the package's copyright file as its licence).
# Needs npm and the npm registry, and apt-get with Debian's package lists (apt-get update); the results are
# committed as package data, so nothing here runs at install or run time. The hashes pin the exact files reviewed;
# a changed file fails the script and leaves the old ones.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pkg=@expo-google-fonts/noto-sans-sc@0.4.3
deb=fonts-hanazono=20170904-2.1
dest="$here/minzheng/pdf/fonts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "$pkg" >/dev/null
tar xzf ./*.tgz package/400Regular/NotoSansSC_400Regular.ttf package/700Bold/NotoSansSC_700Bold.ttf \
  package/LICENSE_FONT
mkdir out
cp package/400Regular/NotoSansSC_400Regular.ttf out/NotoSansSC-Regular.ttf
cp package/700Bold/NotoSansSC_700Bold.ttf out/NotoSansSC-Bold.ttf
cp package/LICENSE_FONT out/OFL.txt
# apt-get download writes into the current directory; the package is unpacked here, never installed
apt-get download -q "$deb" >/dev/null
dpkg-deb -x fonts-hanazono_*.deb deb
cp deb/usr/share/fonts/truetype/hanazono/HanaMinB.ttf out/HanaMinB.ttf
cp deb/usr/share/doc/fonts-hanazono/copyright out/HanaMinB-LICENSE.txt
(cd out && sha256sum --quiet -c -) <<'SUMS'
d45f67f0a7c0ca3f256950777ce6a61cc7ce5f9696d02900cbbaac25f8aa7d16  NotoSansSC-Regular.ttf
9a38ae0ab28cd5a256f9ea8e00dedc688aac17f7915fcb000572990afa956b96  NotoSansSC-Bold.ttf
1c05c68c34f9708415aada51f17e1b0092d2cea709bf4a94cd38114f9e73d7d9  OFL.txt
829543436cdf7b4c6730e2af5806fa406f8ddf0d4b656e0cd49c58d4db1c8d3c  HanaMinB.ttf
79d939010df236c3b257bec8b3efdc17c9fb603970695a73a0e155fab6672ed2  HanaMinB-LICENSE.txt
SUMS
mkdir -p "$dest"
cp out/NotoSansSC-Regular.ttf out/NotoSansSC-Bold.ttf out/OFL.txt out/HanaMinB.ttf out/HanaMinB-LICENSE.txt "$dest/"
echo "vendored $pkg and HanaMinB from $deb into $dest"
