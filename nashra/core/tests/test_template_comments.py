"""Django's {# #} comment is single-line: one that spans lines is printed on the page."""

import re
from pathlib import Path

import nashra

_COMMENT = re.compile(r"\{#(.*?)#\}", re.S)


def test_no_template_has_a_multi_line_hash_comment():
    root = Path(nashra.__file__).parent
    found = [f"{path.relative_to(root)}:{text[:m.start()].count(chr(10)) + 1}"
             for path in root.rglob("*.html")
             for text in [path.read_text(encoding="utf-8")]
             for m in _COMMENT.finditer(text) if "\n" in m.group(1)]
    assert found == [], "use {% comment %} in: " + ", ".join(found)
