"""Cut bootstrap-icons down to the icons the site uses, at vendoring time (`make static-vendor`,
the Dockerfile): the font has about 2,000 glyphs (134 kB woff2) and its CSS a rule for each.

The names come from the templates and scripts as written: `bi-house`, and a suffix a template
adds under a condition (`bi-house{% if tab == 'home' %}-fill{% endif %}`) gives both names.
Run from the repository's root:

    python deploy/subset_icons.py [SOURCE_DIR] [TARGET_DIR]

SOURCE_DIR is the npm package's font/ folder, TARGET_DIR static/vendor/bootstrap-icons/."""

import logging
import re
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
SEARCHED = [ROOT / "templates", ROOT / "static" / "js", ROOT / "static" / "css"]
# "bi-name", then optionally a template tag and a suffix: {% if … %}-fill{% endif %}.
NAME = re.compile(r"\bbi-([a-z0-9]+(?:-[a-z0-9]+)*)(?:\{%[^%]*%\}(-[a-z0-9-]+)\{%\s*endif\s*%\})?")
# One icon's rule in bootstrap-icons.min.css: .bi-house::before{content:"\f425"}
RULE = re.compile(r'\.bi-([a-z0-9-]+)::before\{content:"\\([0-9a-f]+)"\}')


def icons_used(folders=SEARCHED) -> set[str]:
    """Every bootstrap-icons name the site's templates, scripts and styles ask for."""
    names = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix not in {".html", ".js", ".css", ".txt"} or not path.is_file():
                continue
            for name, suffix in NAME.findall(path.read_text(encoding="utf-8")):
                names.add(name)
                if suffix:
                    names.add(name + suffix)
    return names


def subset_icons(source: Path, target: Path, names: set[str]) -> dict[str, int]:
    """Write target/bootstrap-icons.min.css and target/fonts/ with `names` only; the sizes."""
    css = (source / "bootstrap-icons.min.css").read_text(encoding="utf-8")
    codepoints = {name: int(code, 16) for name, code in RULE.findall(css)}
    unknown = names - codepoints.keys()
    if unknown:
        raise SystemExit(f"bootstrap-icons has no icon named {', '.join(sorted(unknown))}")
    # The rules of the icons kept; the @font-face and the .bi base rules stay as they are.
    kept = RULE.sub(lambda rule: rule.group(0) if rule.group(1) in names else "", css)
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    (target / "bootstrap-icons.min.css").write_text(kept, encoding="utf-8")
    sizes = {"bootstrap-icons.min.css": len(kept.encode())}
    for flavor in ("woff2", "woff"):
        options = subset.Options()
        options.flavor = flavor
        options.layout_features = []
        font = subset.load_font(str(source / "fonts" / f"bootstrap-icons.{flavor}"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints[name] for name in names))
        subsetter.subset(font)
        out = target / "fonts" / f"bootstrap-icons.{flavor}"
        subset.save_font(font, str(out), options)
        sizes[out.name] = out.stat().st_size
    return sizes


def main(argv):
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # notes on the font's own tables
    source = Path(argv[1]) if len(argv) > 1 else ROOT / "node_modules" / "bootstrap-icons" / "font"
    target = Path(argv[2]) if len(argv) > 2 else ROOT / "static" / "vendor" / "bootstrap-icons"
    names = icons_used()
    sizes = subset_icons(source, target, names)
    print(f"bootstrap-icons: {len(names)} icons kept, " + ", ".join(f"{n} {s:,} B" for n, s in sizes.items()))


if __name__ == "__main__":
    main(sys.argv)
