"""Inline styles of Anki fields turned into plain markup. PURE.

Shared decks mark what matters with `style` attributes (AnKing's red text, bold, highlighter colours). Our
content policy (`style-src 'self'`) blocks every inline style, so keeping the attribute would show nothing;
instead each styled element gets presentational children the policy allows: `<font color>`, `<b>`, `<i>`,
`<u>`, `<s>` and `<mark>`. The sanitiser then removes the style attribute itself.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_COLOUR = re.compile(r"^(?:#[0-9a-f]{3,8}|[a-z]+|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\))$", re.I)
_NO_COLOUR = {
    "inherit",
    "initial",
    "unset",
    "currentcolor",
    "transparent",
    "black",
    "rgb(0, 0, 0)",
    "#000000",
}


def _wrappers(style: str) -> list[tuple[str, str]]:
    """(opening, closing) tags standing for the style's colour, weight, slant and lines, outermost first."""
    declarations = {}
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        declarations[name.strip().lower()] = value.strip().lower().removesuffix("!important").strip()
    wrappers = []
    colour = declarations.get("color", "")
    if _COLOUR.match(colour) and colour not in _NO_COLOUR:
        wrappers.append((f'<font color="{html.escape(colour, quote=True)}">', "</font>"))
    background = declarations.get("background-color", declarations.get("background", ""))
    if _COLOUR.match(background) and background not in _NO_COLOUR | {
        "white",
        "#ffffff",
        "rgb(255, 255, 255)",
    }:
        wrappers.append(("<mark>", "</mark>"))
    weight = declarations.get("font-weight", "")
    if weight in {"bold", "bolder"} or (weight.isdigit() and int(weight) >= 600):
        wrappers.append(("<b>", "</b>"))
    if declarations.get("font-style") in {"italic", "oblique"}:
        wrappers.append(("<i>", "</i>"))
    lines = declarations.get("text-decoration", "") + " " + declarations.get("text-decoration-line", "")
    if "underline" in lines:
        wrappers.append(("<u>", "</u>"))
    if "line-through" in lines:
        wrappers.append(("<s>", "</s>"))
    return wrappers


class _Restyler(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.open: list[tuple[str, str]] = []  # (tag, the closing tags its style added)

    def handle_starttag(self, tag, attrs):
        self.out.append(self.get_starttag_text() or "")
        if tag in _VOID:
            return
        style = next((value for name, value in attrs if name == "style" and value), "")
        wrappers = _wrappers(style) if style else []
        self.out.extend(opening for opening, _closing in wrappers)
        self.open.append((tag, "".join(closing for _opening, closing in reversed(wrappers))))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if any(name == tag for name, _closing in self.open):
            while self.open:
                name, closing = self.open.pop()
                self.out.append(closing)
                if name == tag:
                    break
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_comment(self, data):
        pass  # the sanitiser drops comments anyway

    def unknown_decl(self, data):
        pass


def restyle(fragment: str) -> str:
    """`fragment` with each inline style expressed as presentational tags (unchanged when it has no style)."""
    if "style" not in fragment.lower():
        return fragment
    parser = _Restyler()
    parser.feed(fragment)
    parser.close()
    parser.out.extend(closing for _tag, closing in reversed(parser.open))
    return "".join(parser.out)
