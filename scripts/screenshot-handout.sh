#!/usr/bin/env bash
# Renders the printable post-procedure handout in headless Chromium and saves
# a screenshot, to check that it renders as a person would see it.
#   scripts/screenshot-handout.sh [OUTPUT.png] [LANGUAGE]   (default: handout.png, en; or es)
# Needs Debian's chromium (installed when missing) and a built server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
output="${1:-handout.png}"
language="${2:-en}"
case "$language" in
  en) headings=("Call your local emergency number now if you have:" "Call your clinic the same day if you have:"
        "Call your provider within a day or two if you have:") ;;
  es) headings=("Llame a su número local de emergencias ahora si tiene:" "Llame a su clínica el mismo día si tiene:"
        "Llame a su proveedor de atención médica dentro de uno o dos días si tiene:") ;;
  *) echo "unknown language: $language (en or es)"; exit 2 ;;
esac
. scripts/lib/server.sh
need_chromium
work="$(mktemp -d)"
trap 'kill "${SERVER_PID:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
start_built_server "$work/log"
port="$SERVER_PORT"
curl -sf -H 'Accept: text/html' -H "Accept-Language: $language" \
  "http://127.0.0.1:$port/v1/checklists/post-procedure?injection=epidural-steroid&conditions=diabetes,anticoagulant" \
  -o "$work/handout.html"
grep -qi '<script' "$work/handout.html" && { echo "the handout must not contain scripts"; exit 1; }
grep -q "<html lang=\"$language\">" "$work/handout.html" || { echo "the page does not say lang=\"$language\""; exit 1; }
# The warning signs grouped under one heading per level, at most 15 items.
for heading in "${headings[@]}"; do
  [ "$(grep -c "<h3>$heading</h3>" "$work/handout.html")" -eq 1 ] || { echo "missing or repeated heading: $heading"; exit 1; }
done
items="$(grep -c '^<li><strong>' "$work/handout.html")"
[ "$items" -ge 3 ] && [ "$items" -le 15 ] || { echo "expected 3 to 15 warning items, found $items"; exit 1; }
timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,3200 \
  --screenshot="$work/shot.png" "file://$work/handout.html" >/dev/null 2>&1
size=$(stat -c %s "$work/shot.png")
[ "$size" -gt 20000 ] || { echo "screenshot too small ($size bytes): nothing rendered?"; exit 1; }
cp "$work/shot.png" "$output"
echo "handout rendered ($language): $output ($size bytes)"
