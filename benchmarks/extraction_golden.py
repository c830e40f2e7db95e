"""Freeze our extraction's whole output on every benchmark page, and check a change against it page by page.

Run `python benchmarks/extraction_golden.py --write golden.json` before a change that must not alter the output
(a speed-up), then `--check golden.json` after it: every field of every page's Article (text, title, date,
author, outlet, canonical URL, language, charset, note) is compared and each page that differs is printed.
Also prints the extraction time per set. "Now" is fixed (NEWSDESK_NOW) so that the two runs read dates alike.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("NEWSDESK_NOW", "2026-12-01T12:00:00+08:00")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import load_sets  # noqa: E402


def extract_all() -> dict[str, dict]:
    """Every page's Article as a dict, keyed by set/page, timing each set."""
    from crawler.extraction import extract_bytes

    output = {}
    for page_set in load_sets():
        start = time.perf_counter()
        for page in page_set.pages:
            output[f"{page_set.name}/{page.page_id}"] = extract_bytes(page.body, page.url).to_dict()
        elapsed = time.perf_counter() - start
        print(f"{page_set.name}: {len(page_set.pages)} pages, {1000 * elapsed / len(page_set.pages):.1f} ms/page")
    return output


def differences(golden: dict[str, dict], current: dict[str, dict]) -> list[str]:
    lines = []
    for key in sorted(golden.keys() | current.keys()):
        before, after = golden.get(key, {}), current.get(key, {})
        for field in sorted(before.keys() | after.keys()):
            if before.get(field) != after.get(field):
                lines.append(f"{key} {field}: {str(before.get(field))[:200]!r} -> {str(after.get(field))[:200]!r}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="write every page's output here")
    group.add_argument("--check", type=Path, help="compare every page's output with this file")
    args = parser.parse_args(argv)
    current = extract_all()
    if args.write:
        args.write.write_text(json.dumps(current, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{len(current)} pages written to {args.write}")
        return 0
    changed = differences(json.loads(args.check.read_text(encoding="utf-8")), current)
    for line in changed:
        print(line)
    print(f"{len(current)} pages, {len(changed)} differences")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
