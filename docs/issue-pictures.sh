#!/usr/bin/env bash
# The README's pictures of an exported issue, made the way the README says: the demo crawled, the three newest
# stories of each section approved, issue 39 compiled and exported, its PDF and HTML drawn. Run from the
# repository's root: bash docs/issue-pictures.sh (needs pdftoppm and chromium, as `make test` does).
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a NEWSDESK <<< "${NEWSDESK:-.venv/bin/newsdesk}"   # a command, words and all
export NEWSDESK_NOW=2026-11-20T10:00:00+08:00 NEWSDESK_HOME
NEWSDESK_HOME="$(mktemp -d)/demo"
trap 'rm -rf "$(dirname "$NEWSDESK_HOME")"' EXIT

"${NEWSDESK[@]}" demo --no-serve > /dev/null
# The three newest pending stories of each section, by the ids the queue prints.
"${NEWSDESK[@]}" queue --json --limit 200 | python3 -c '
import json, sys
taken = {}
for row in map(json.loads, sys.stdin):
    if len(taken.setdefault(row["section"], [])) < 3:
        taken[row["section"]].append(row["id"])
print(" ".join(str(id) for ids in taken.values() for id in ids))' | xargs -n 1 "${NEWSDESK[@]}" approve > /dev/null
"${NEWSDESK[@]}" issue new --year 2026 --number 11 --total 39 --month 11 > /dev/null
"${NEWSDESK[@]}" issue export 39 --format pdf -o docs/issue-39.pdf
"${NEWSDESK[@]}" issue export 39 --format html -o "$NEWSDESK_HOME/issue-39.html"
pdftoppm -r 70 -png -f 1 -l 2 docs/issue-39.pdf docs/issue-39-page
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,1300 \
    --screenshot=docs/issue-39-html.png "file://$NEWSDESK_HOME/issue-39.html" 2> /dev/null
ls -l docs/issue-39*
