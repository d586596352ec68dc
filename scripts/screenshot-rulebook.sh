#!/usr/bin/env bash
# Renders the rule book page (GET /v1/triage/rules with Accept: text/html) in
# headless Chromium: a screenshot of its first screens and a PDF as printed,
# to check that it renders and prints as a clinician would see it.
#   scripts/screenshot-rulebook.sh [OUTPUT.png]      (default: rulebook.png; the PDF beside it)
# Needs Debian's chromium (installed when missing) and a built server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
output="${1:-rulebook.png}"
. scripts/lib/server.sh
need_chromium
work="$(mktemp -d)"
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
start_built_server "$work/log"
port="$SERVER_PORT"
curl -sf -H 'Accept: text/html' "http://127.0.0.1:$port/v1/triage/rules" -o "$work/rulebook.html"
grep -qi '<script' "$work/rulebook.html" && { echo "the rule book must not contain scripts"; exit 1; }
grep -q '<h1>Triage rule book</h1>' "$work/rulebook.html" || { echo "not the rule book page"; exit 1; }
timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,3000 \
  --screenshot="$work/shot.png" "file://$work/rulebook.html" >/dev/null 2>&1
timeout 120 chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
  --print-to-pdf="$work/rulebook.pdf" "file://$work/rulebook.html" >/dev/null 2>&1
size=$(stat -c %s "$work/shot.png")
[ "$size" -gt 100000 ] || { echo "screenshot too small ($size bytes): nothing rendered?"; exit 1; }
# Every rule with its test requests fills many printed pages.
pages=$(grep -aoE '/Type ?/Page([^s]|$)' "$work/rulebook.pdf" | wc -l)
[ "$pages" -gt 20 ] || { echo "the printed rule book has $pages pages: expected more than 20"; exit 1; }
cp "$work/shot.png" "$output"
cp "$work/rulebook.pdf" "${output%.png}.pdf"
echo "rule book rendered: $output ($size bytes), ${output%.png}.pdf ($pages pages)"
