#!/bin/sh
# embed.sh NAME ACCESS OUTPUT FOLDER FILE...
#
# Writes OUTPUT: `ACCESS enum NAME { ACCESS static let files: [String: String] }`
# mapping each FILE's path under FOLDER (`symptoms.json`, `translations/es.json`)
# to its text, byte for byte, as raw string literals.
# Run by the EmbedResources build-tool plugin (a shell script rather than a
# Swift tool, so builds with other flags, e.g. the fuzzers', do not touch it).
set -eu
name="$1" access="$2" output="$3" folder="${4%/}"
shift 4
tmp="$output.tmp.$$"
{
  echo "// Generated at build time by the EmbedResources plugin from the files named below."
  echo
  echo "$access enum $name {"
  echo "    /// File name to contents, byte for byte."
  echo "    $access static let files: [String: String] = ["
  for file in "$@"; do
    if grep -q "$(printf '\r')" "$file"; then
      echo "embed.sh: $file has carriage returns, which a multi-line literal would not keep" >&2
      exit 1
    fi
    # Enough '#' that no '"#...' or '\#...' inside ends the literal or escapes.
    hashes="#"
    while grep -qF "\"$hashes" "$file" || grep -qF "\\$hashes" "$file"; do hashes="$hashes#"; done
    base="${file#"$folder"/}"
    echo "        // $base"
    printf '        "%s": %s"""\n' "$base" "$hashes"
    cat "$file"
    # The literal drops the line break right before its closing delimiter:
    # this one (the file's own last one is kept, or its last line ended).
    echo
    printf '"""%s,\n' "$hashes"
  done
  echo "    ]"
  echo "}"
} >"$tmp"
# Rewrite only on change, so an unchanged file does not rebuild its module.
if cmp -s "$tmp" "$output"; then rm -f "$tmp"; else mv "$tmp" "$output"; fi
