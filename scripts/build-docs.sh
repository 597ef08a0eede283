#!/usr/bin/env bash
# Builds the API reference: Doxygen over the public headers (docs/api/Doxyfile), HTML only.
# Any Doxygen warning fails the build (exit 1), so an undocumented public name or a broken \ref
# cannot be merged. Needs only bash, coreutils and doxygen: no CMake build.
#
#   scripts/build-docs.sh [OUTPUT_DIR]     default build/docs/api; writes OUTPUT_DIR/html/
#
# COACT_DOCS_URL, if set, is where the reference's links to the tutorial and concept pages
# point (for a copy published away from the checkout, e.g. the repository's docs/ on the web);
# by default they point at this checkout's docs/ by a relative path.
set -euo pipefail

if ! command -v doxygen >/dev/null 2>&1; then
    echo "build-docs: doxygen is not installed; install the package doxygen" \
        "(Debian: sudo apt-get install doxygen)" >&2
    exit 1
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "${1:-build/docs/api}"
out=$(cd "${1:-build/docs/api}" && pwd)  # absolute: Doxygen runs from the root
html="$out/html"
docs_url=${COACT_DOCS_URL:-$(realpath -m --relative-to="$html" "$root/docs")}

# Doxygen adds to an existing html/ without removing pages of names that are gone.
rm -rf "$html"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The Doxyfile, then the two settings that depend on where the output goes.
status=0
(
    cd "$root"
    printf '@INCLUDE = docs/api/Doxyfile\nOUTPUT_DIRECTORY = "%s"\nALIASES = "docsdir=%s"\n' \
        "$out" "$docs_url" | doxygen - 2>"$log"
) || status=$?

if ((status != 0)) || [[ -s "$log" ]]; then
    cat "$log" >&2
    warnings=$(grep -c . "$log" || true)
    echo "build-docs: doxygen failed (exit $status) with $warnings warning line(s);" \
        "warnings are errors here (docs/api/README.md)" >&2
    exit 1
fi

echo "build-docs: $html/index.html"
