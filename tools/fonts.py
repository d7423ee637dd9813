"""`make fonts`: the reader pages' web fonts, taken from the pinned @fontsource packages.

Copies the Arabic and Latin subsets, regular and bold, of Noto Naskh Arabic (text) and Noto
Kufi Arabic (headlines) with their OFL licences into nashra/static/nashra/fonts/, and writes
their @font-face rules (with each subset's unicode-range, so a page loads only the subsets its
text uses) between the markers at the top of site.css. The output is committed: `make run` and
a deploy need no npm. Run again after changing a version in package.json.
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = {"noto-naskh-arabic": "Noto Naskh Arabic", "noto-kufi-arabic": "Noto Kufi Arabic"}
SUBSETS = ("arabic", "latin")
WEIGHTS = (400, 700)
FONTS = ROOT / "nashra/static/nashra/fonts"
CSS = ROOT / "nashra/static/nashra/css/site.css"
BEGIN, END = "/* fonts: begin (written by tools/fonts.py) */", "/* fonts: end */"


def main() -> int:
    FONTS.mkdir(parents=True, exist_ok=True)
    rules = []
    for package, family in FAMILIES.items():
        source = ROOT / "node_modules/@fontsource" / package
        index = (source / "index.css").read_text(encoding="utf-8")
        shutil.copyfile(source / "LICENSE", FONTS / f"{package}-OFL.txt")
        for subset in SUBSETS:
            found = re.search(rf"/\* {package}-{subset}-400-normal \*/[^}}]*?unicode-range: ([^;]+);",
                              index)
            if found is None:
                print(f"fonts: no unicode-range for {package} {subset}", file=sys.stderr)
                return 1
            for weight in WEIGHTS:
                name = f"{package}-{subset}-{weight}-normal.woff2"
                shutil.copyfile(source / "files" / name, FONTS / name)
                rules.append(
                    f'@font-face {{ font-family: "{family}"; font-style: normal; '
                    f"font-weight: {weight}; font-display: swap;\n"
                    f'  src: url("../fonts/{name}") format("woff2");\n'
                    f"  unicode-range: {found.group(1)}; }}")
    css = CSS.read_text(encoding="utf-8")
    start, end = css.index(BEGIN), css.index(END)
    CSS.write_text(css[:start] + BEGIN + "\n" + "\n".join(rules) + "\n" + css[end:],
                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
