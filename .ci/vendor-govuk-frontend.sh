#!/usr/bin/env bash
# Re-vendor GOV.UK Frontend into static/govuk/ (run by hand when upgrading; the result is committed).
# The GDS Transport font and the crown belong to GOV.UK only, so the font faces are removed
# and the font stack falls back to Arial. Source-map comments are removed because the maps are
# not vendored (whitenoise's manifest storage fails on missing maps).
set -euo pipefail
version=${1:-6.6.0}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
(cd "$work" && npm install --silent --no-audit --no-fund "govuk-frontend@$version" >/dev/null)
src="$work/node_modules/govuk-frontend/dist/govuk"
dest="$here/static/govuk"
rm -rf "$dest" && mkdir -p "$dest/assets/images"
cp "$src"/assets/images/favicon.* "$dest/assets/images/" 2>/dev/null || true
cp "$src/assets/images/govuk-crest.svg" "$dest/assets/images/"
python3 - "$src" "$dest" "$version" <<'PY'
import re, sys, pathlib
src, dest, version = (pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3])
css = (src / "govuk-frontend.min.css").read_text()
css = re.sub(r"@font-face\{[^}]*\}", "", css)
css = css.replace("font-family:GDS Transport,", "font-family:")
css = css.replace("font-family:GDS Transport", "font-family:arial,sans-serif")
css = css.replace("url(/assets/", "url(assets/")
css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
(dest / "govuk-frontend.min.css").write_text(css)
js = (src / "govuk-frontend.min.js").read_text()
js = re.sub(r"//# sourceMappingURL=\S+", "", js)
(dest / "govuk-frontend.min.js").write_text(js)
(dest / "VERSION").write_text(f"govuk-frontend {version} (font faces removed, see .ci/vendor-govuk-frontend.sh)\n")
PY
rm -f "$dest"/assets/images/favicon.*   # GOV.UK's favicons are GOV.UK branding too
rm -rf "$work"
echo "vendored govuk-frontend $version into $dest"
