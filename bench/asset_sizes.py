"""Bytes the browser downloads for the site's own front end: each of static/js and
static/css, raw and gzip-compressed (level 9, as WhiteNoise compresses), and the
vendored libraries beside them for comparison.

    .venv/bin/python bench/asset_sizes.py

Prints one row per file and the totals; the aim (issue 20) is under 50 kB of our own
JavaScript, compressed. The service worker is counted apart: no page loads it as a script."""

import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = [*sorted((ROOT / "static" / "js").glob("*.js")), *sorted((ROOT / "static" / "css").glob("*.css"))]
VENDOR = [
    ROOT / "static/vendor/bootstrap/css/bootstrap.min.css",
    ROOT / "static/vendor/bootstrap/js/bootstrap.bundle.min.js",
    ROOT / "static/vendor/bootstrap-icons/bootstrap-icons.min.css",
    ROOT / "static/vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    ROOT / "static/vendor/htmx/htmx.min.js",
]
NOT_A_PAGE_SCRIPT = {"service-worker.js"}


def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=9))


def main() -> int:
    totals = {"js": [0, 0], "css": [0, 0]}
    print(f"{'file':<58}{'bytes':>10}{'gzip':>10}")
    for path in OWN:
        raw, packed = sizes(path)
        print(f"{str(path.relative_to(ROOT)):<58}{raw:>10,}{packed:>10,}")
        if path.name not in NOT_A_PAGE_SCRIPT:
            kind = totals[path.suffix.lstrip(".")]
            kind[0] += raw
            kind[1] += packed
    for kind, (raw, packed) in totals.items():
        print(f"{'own ' + kind + ' (pages)':<58}{raw:>10,}{packed:>10,}")
    for path in VENDOR:
        if path.exists():
            raw, packed = sizes(path)
            print(f"{str(path.relative_to(ROOT)):<58}{raw:>10,}{packed:>10,}")
    own_js_kb = totals["js"][1] / 1000
    print(f"own JavaScript, compressed: {own_js_kb:.1f} kB (aim: under 50 kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
