"""Render Anki notes into card faces, as Anki would, then make them safe to show. PURE.

Templates use Anki's syntax: `{{Field}}`, filters such as `{{text:Field}}`, `{{cloze:Field}}`,
`{{type:Field}}`, `{{hint:Field}}`, sections `{{#Field}}…{{/Field}}` and `{{^Field}}…{{/Field}}`, and the
special fields FrontSide, Tags, Type, Deck, Subdeck, Card. Cloze deletions `{{c1::text::hint}}` may overlap
(`{{c1,2::…}}`) and nest. Image Occlusion notes (Anki draws them with a script) are drawn here as an SVG of masks
over the image. The finished HTML goes through nh3 (the Ammonia sanitiser): formatting, lists, tables, images,
audio, MathML and our SVG masks survive; scripts, styles, event handlers and remote resources never do (inline
colour, bold and the like become plain tags first: see styles.py).
LaTeX (`[latex]`, `[$]`, `[$$]`) and MathJax (`\\(…\\)`, `\\[…\\]`) become MathML on the server (latex2mathml).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

import latex2mathml.converter
import nh3

from studyapp.importers.anki.package import Note, NoteType
from studyapp.importers.anki.styles import restyle

MediaUrl = Callable[[str], str | None]

# --- Template syntax -----------------------------------------------------------------------------------------

_TAG = re.compile(r"\{\{(.*?)\}\}", re.S)
# Anki's test for an empty field: only whitespace, <br> and <div> tags.
_EMPTY_FIELD = re.compile(r"^(?:\s|&nbsp;|</?(?:br|div)\s*/?>)*$", re.I)


def field_is_empty(text: str) -> bool:
    return bool(_EMPTY_FIELD.match(text or ""))


@dataclass
class _Section:
    name: str
    inverted: bool
    children: list


@lru_cache(maxsize=256)
def _parse_template(template: str) -> list:
    """The template as a tree (cached: a note type's few templates render every note; the tree is only read)."""
    root: list = []
    stack: list[_Section] = []
    current = root
    pos = 0
    for match in _TAG.finditer(template):
        if match.start() > pos:
            current.append(template[pos : match.start()])
        pos = match.end()
        tag = match.group(1).strip()
        if tag[:1] in "#^" and len(tag) > 1:
            section = _Section(tag[1:].strip(), tag[0] == "^", [])
            current.append(section)
            stack.append(section)
            current = section.children
        elif tag.startswith("/"):
            if stack and stack[-1].name == tag[1:].strip():
                stack.pop()
                current = stack[-1].children if stack else root
        else:
            current.append(("field", tag))
    if pos < len(template):
        current.append(template[pos:])
    return root


@dataclass(frozen=True)
class _Context:
    fields: dict[str, str]
    cloze: int  # the card's cloze number (1-based), 0 for standard templates
    answer: bool
    front_side: str
    special: dict[str, str]


def _render_nodes(nodes: list, ctx: _Context) -> str:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Section):
            value = ctx.fields.get(node.name, ctx.special.get(node.name, ""))
            present = not field_is_empty(value)
            if present != node.inverted:
                out.append(_render_nodes(node.children, ctx))
        else:
            out.append(_replacement(node[1], ctx))
    return "".join(out)


def _replacement(tag: str, ctx: _Context) -> str:
    *filters, name = [part.strip() for part in tag.split(":")]
    if name == "FrontSide" and not filters:
        return ctx.front_side
    value = ctx.fields.get(name, ctx.special.get(name, ""))
    for name_of_filter in reversed(filters):
        value = _apply_filter(name_of_filter, value, ctx, name)
    return value


def _apply_filter(name: str, value: str, ctx: _Context, field: str) -> str:
    if name == "cloze":
        return render_cloze(value, ctx.cloze, ctx.answer)
    if name == "cloze-only":
        return ", ".join(cloze_answers(value, ctx.cloze))
    if name == "text":
        return html.escape(html.unescape(re.sub(r"<[^>]*>", "", value)))
    if name == "type":
        if ctx.answer:
            return f'<div class="type-answer">{value}</div>'
        return (
            '<input type="text" class="type-in" aria-label="Type your answer, then show it" autocomplete="off" '
            'spellcheck="false">'
        )
    if name == "hint":
        # Anki's hint link reads as the field's name ("Lecture Notes"), not a generic "Hint".
        label = html.escape(field)
        return f"<details><summary>{label}</summary>{value}</details>" if not field_is_empty(value) else ""
    if name in {"furigana", "kana", "kanji"}:
        return _furigana(value, name)
    if name.startswith("tts"):
        return (
            ""  # Anki shows a play button here, not the text (which the template shows elsewhere if at all)
        )
    return value  # unknown filters (add-ons) leave the text as it is


def _furigana(value: str, mode: str) -> str:
    def ruby(match: re.Match) -> str:
        base, reading = match.group(1), match.group(2)
        if mode == "kana":
            return reading
        if mode == "kanji":
            return base
        return f"<ruby><rb>{base}</rb><rt>{reading}</rt></ruby>"

    return re.sub(r" ?([^ >]+?)\[(.+?)\]", ruby, value)


# --- Cloze -------------------------------------------------------------------------------------------------

_CLOZE_OPEN = re.compile(r"\{\{c(\d+(?:\s*,\s*\d+)*)::")


@dataclass
class _Cloze:
    numbers: frozenset[int]
    children: list
    hint: str = ""


_CLOZE_TOKEN = re.compile(r"\{\{c\d+(?:\s*,\s*\d+)*::|\}\}")


@lru_cache(maxsize=1024)
def _parse_cloze(text: str) -> list:
    """Text and (possibly nested) deletions. An unclosed `{{cN::` stays literal text, as in Anki. Cached: each
    cloze card of a note parses the same text; the tree is only read once built."""
    root: list = []
    stack: list[tuple[_Cloze, list]] = []
    current = root
    pos = 0
    for match in _CLOZE_TOKEN.finditer(text):
        if match.start() > pos:
            current.append(text[pos : match.start()])
        pos = match.end()
        piece = match.group(0)
        if piece == "}}":
            if not stack:
                current.append(piece)
                continue
            cloze, parent = stack.pop()
            _split_hint(cloze)
            parent.append(cloze)
            current = stack[-1][0].children if stack else root
        else:
            numbers = frozenset(int(n) for n in re.findall(r"\d+", piece))
            cloze = _Cloze(numbers, [])
            stack.append((cloze, current))
            current = cloze.children
    if pos < len(text):
        current.append(text[pos:])
    while stack:  # unclosed: put the opening back as text
        cloze, parent = stack.pop()
        opening = "{{c" + ",".join(str(n) for n in sorted(cloze.numbers)) + "::"
        parent.extend([opening, *cloze.children])
    return root


def _split_hint(cloze: _Cloze) -> None:
    for index in range(len(cloze.children) - 1, -1, -1):
        child = cloze.children[index]
        if isinstance(child, str) and "::" in child:
            before, hint = child.split("::", 1)
            cloze.hint = hint + "".join(c for c in cloze.children[index + 1 :] if isinstance(c, str))
            cloze.children = [*cloze.children[:index], before]
            return


def cloze_numbers(text: str) -> set[int]:
    found: set[int] = set()

    def walk(nodes):
        for node in nodes:
            if isinstance(node, _Cloze):
                found.update(node.numbers)
                walk(node.children)

    walk(_parse_cloze(text))
    return found


def render_cloze(text: str, number: int, answer: bool) -> str:
    def walk(nodes) -> str:
        out = []
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
            elif number in node.numbers:
                if answer:
                    out.append(f'<span class="cloze">{walk(node.children)}</span>')
                else:
                    label = f"[{node.hint}]" if node.hint else "[…]"
                    out.append(f'<span class="cloze">{label}</span>')
            else:
                out.append(walk(node.children))
        return "".join(out)

    return walk(_parse_cloze(text))


def cloze_answers(text: str, number: int) -> list[str]:
    answers = []

    def walk(nodes):
        for node in nodes:
            if isinstance(node, _Cloze):
                if number in node.numbers:
                    answers.append(render_cloze("".join(_flatten(node.children)), number, True))
                walk(node.children)

    walk(_parse_cloze(text))
    return answers


def _flatten(nodes) -> list[str]:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        else:
            inner = "".join(_flatten(node.children))
            hint = f"::{node.hint}" if node.hint else ""
            out.append("{{c" + ",".join(map(str, sorted(node.numbers))) + "::" + inner + hint + "}}")
    return out


# --- Image Occlusion -----------------------------------------------------------------------------------------

_SHAPE = re.compile(r"image-occlusion:(rect|ellipse|polygon|text):([^{}]*)")


@dataclass(frozen=True)
class Shape:
    kind: str
    numbers: frozenset[int]
    props: dict
    hide_all: bool


def occlusion_shapes(text: str) -> list[Shape]:
    shapes = []

    def walk(nodes, numbers=frozenset()):
        for node in nodes:
            if isinstance(node, _Cloze):
                walk(node.children, node.numbers)
            elif isinstance(node, str) and numbers:
                for match in _SHAPE.finditer(node):
                    props = {}
                    for part in match.group(2).split(":"):
                        key, _, value = part.partition("=")
                        props[key.strip()] = value.strip()
                    shapes.append(Shape(match.group(1), numbers, props, props.get("oi") == "1"))

    walk(_parse_cloze(text))
    return shapes


def _number(props: dict, key: str) -> float:
    try:
        return float(props.get(key, "0"))
    except ValueError:
        return 0.0


def _svg_shape(shape: Shape, css_class: str) -> str:
    p = shape.props
    if shape.kind == "rect":
        x, y, w, h = (_number(p, k) for k in ("left", "top", "width", "height"))
        return f'<rect class="{css_class}" x="{x}" y="{y}" width="{w}" height="{h}"></rect>'
    if shape.kind == "ellipse":
        rx, ry = _number(p, "rx"), _number(p, "ry")
        cx, cy = _number(p, "left") + rx, _number(p, "top") + ry
        return f'<ellipse class="{css_class}" cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}"></ellipse>'
    if shape.kind == "polygon":
        points = " ".join(
            f"{float(x)},{float(y)}"
            for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", p.get("points", ""))
            if x.strip(".") and y.strip(".")
        )
        return f'<polygon class="{css_class}" points="{points}"></polygon>'
    return ""


def render_occlusion(note_fields: dict[str, str], number: int, answer: bool) -> str:
    """One Image Occlusion card: the image with its masks drawn as SVG (coordinates are fractions of the image).
    Front: the asked shape(s) masked and highlighted, the others masked too in "hide all" mode. Back: the asked
    shape outlined, the others as on the front."""
    shapes = occlusion_shapes(note_fields.get("Occlusion", ""))
    parts = []
    for shape in shapes:
        asked = number in shape.numbers
        if asked:
            parts.append(_svg_shape(shape, "io-answer" if answer else "io-asked"))
        elif shape.hide_all:
            parts.append(_svg_shape(shape, "io-mask"))
    header = note_fields.get("Header", "")
    out = [f"<div>{header}</div>"] if not field_is_empty(header) else []
    out.append(
        '<div class="io">'
        f"{note_fields.get('Image', '')}"
        f'<svg class="io-masks" viewBox="0 0 1 1" preserveAspectRatio="none">{"".join(parts)}</svg>'
        "</div>"
    )
    if answer:
        for name in ("Back Extra", "Comments"):
            if not field_is_empty(note_fields.get(name, "")):
                out.append(f"<div>{note_fields[name]}</div>")
    return "".join(out)


# --- Maths, sound, sanitising --------------------------------------------------------------------------------

_MATH = re.compile(
    r"\[latex\](?P<latex>.*?)\[/latex\]|\[\$\$\](?P<block>.*?)\[/\$\$\]|\[\$\](?P<inline>.*?)\[/\$\]"
    r"|\\\((?P<mj_inline>.*?)\\\)|\\\[(?P<mj_block>.*?)\\\]",
    re.S | re.I,
)
_SOUND = re.compile(r"\[sound:([^\]]+)\]")


def _latex_source(fragment: str) -> str:
    """LaTeX as typed into Anki's editor: HTML line breaks and entities around it, never markup inside."""
    fragment = re.sub(r"<br\s*/?>|</?div>", " ", fragment, flags=re.I)
    return html.unescape(re.sub(r"<[^>]*>", "", fragment)).strip()


def render_math(text: str) -> str:
    def convert(match: re.Match) -> str:
        kind = match.lastgroup or "inline"
        source = _latex_source(match.group(kind))
        display = "block" if kind in {"block", "mj_block", "latex"} and "\n" not in source else "inline"
        if kind in {"block", "mj_block"}:
            display = "block"
        try:
            return latex2mathml.converter.convert(source, display=display)
        except Exception:
            return f'<code class="latex">{html.escape(source)}</code>'

    return _MATH.sub(convert, text)


def render_sound(text: str) -> str:
    return _SOUND.sub(lambda m: f'<audio controls src="{html.escape(m.group(1), quote=True)}"></audio>', text)


_MATHML_TAGS = {
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub",
    "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle",
    "mpadded", "mphantom", "menclose", "mfenced", "merror", "mmultiscripts", "mprescripts", "none",
}  # fmt: skip
_SVG_TAGS = {"svg", "rect", "ellipse", "polygon"}
_MATHML_ATTRIBUTES = {
    "display", "xmlns", "mathvariant", "stretchy", "fence", "separator", "accent", "accentunder", "lspace",
    "rspace", "columnalign", "rowspacing", "columnspacing", "width", "height", "depth", "linethickness",
    "minsize", "maxsize", "movablelimits", "notation", "open", "close", "separators", "scriptlevel",
    "displaystyle", "symmetric", "largeop", "form", "encoding",
}  # fmt: skip
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"audio", "source", "font", "input"} | _MATHML_TAGS | _SVG_TAGS
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "img": {"src", "alt", "width", "height"},
    "audio": {"src", "controls"},
    "source": {"src", "type"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "ol": {"start", "type"},
    "font": {"color"},
    # Type-in answers: a bare text box (no name, no form), read by app.js to compare with the answer.
    "input": {"type", "aria-label", "autocomplete", "spellcheck"},
    "svg": {"viewBox", "preserveAspectRatio"},
    "rect": {"x", "y", "width", "height"},
    "ellipse": {"cx", "cy", "rx", "ry"},
    "polygon": {"points"},
    **{tag: _MATHML_ATTRIBUTES for tag in _MATHML_TAGS},
}
_MEDIA_ATTRIBUTES = {("img", "src"), ("audio", "src"), ("source", "src")}
# Only the classes our own markup uses (the note type's CSS is not imported, so deck classes style nothing, and a
# class of our page's own, such as "button", must not let a card dress up as the page).
ALLOWED_CLASSES = {
    "span": {"cloze"},
    "div": {"io", "type-answer"},
    "svg": {"io-masks"},
    "rect": {"io-mask", "io-asked", "io-answer"},
    "ellipse": {"io-mask", "io-asked", "io-answer"},
    "polygon": {"io-mask", "io-asked", "io-answer"},
    "input": {"type-in"},
    "code": {"latex"},
}


# The media URL of the sanitise() call in progress: the cleaner is built once (building nh3's settings on every
# call costs ~300x the cleaning itself), so its attribute filter reads the call's media_url from here.
_media_url: ContextVar[MediaUrl] = ContextVar("anki_media_url")


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if tag == "input" and attribute == "type":
        return "text"  # never a button, file picker or anything that submits
    if (tag, attribute) in _MEDIA_ATTRIBUTES:
        media_url = _media_url.get()
        return media_url(value) or media_url(unquote(value))
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    attribute_filter=_keep,
    url_schemes={"http", "https"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def sanitise(text: str, media_url: MediaUrl) -> str:
    """Safe HTML: media references point at `media_url(name)` (or go when it returns None: a file the package
    lacks, or a remote address the page's content policy would block anyway)."""
    token = _media_url.set(media_url)
    try:
        return _CLEANER.clean(restyle(text)).strip()
    finally:
        _media_url.reset(token)


# A quoted src runs to its closing quote (Anki keeps file names as typed, spaces included); an unquoted one to
# the first space.
_MEDIA_REF = re.compile(
    r"""<img[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^"'>\s]+))|\[sound:([^\]]+)\]""", re.I
)


def media_names(text: str) -> set[str]:
    """The media files a field refers to (images and sounds), as Anki names them."""
    names = set()
    for match in _MEDIA_REF.finditer(text or ""):
        raw = html.unescape(next((group for group in match.groups() if group), ""))
        names.update({raw, unquote(raw)})
    return {n for n in names if n}


# --- Cards of a note -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedCard:
    ord: int
    template: str  # the template's name ("Card 1"), or "Cloze 3"
    front: str
    back: str


def _special(note: Note, notetype: NoteType, deck: str, template_name: str) -> dict[str, str]:
    return {
        "Tags": " ".join(note.tags),
        "Type": notetype.name,
        "Deck": deck,
        "Subdeck": deck.split("::")[-1],
        "Card": template_name,
        "CardFlag": "",
    }


def note_fields(note: Note, notetype: NoteType) -> dict[str, str]:
    values = list(note.fields) + [""] * max(0, len(notetype.fields) - len(note.fields))
    return dict(zip(notetype.fields, values, strict=False))


def card_ords(note: Note, notetype: NoteType) -> list[int]:
    """The cards Anki generates for a note: cloze types one per cloze number used; standard types one per
    template whose front is not empty (an empty front means the template's fields are empty)."""
    fields = note_fields(note, notetype)
    if notetype.is_cloze:
        numbers: set[int] = set()
        for template in notetype.templates[:1]:
            for name in re.findall(r"\{\{[^}]*?cloze:([^}]+?)\}\}", template.front):
                numbers |= cloze_numbers(fields.get(name.strip(), ""))
        return sorted(n - 1 for n in numbers if 0 < n <= 500)
    ords = []
    empty = dict.fromkeys(fields, "")
    for template in notetype.templates:
        filled = _face(template.front, fields, note, notetype, "", 0, False, template.name)
        blank = _face(template.front, empty, note, notetype, "", 0, False, template.name)
        if _visible(filled) and _visible(filled) != _visible(blank):
            ords.append(template.ord)
    return ords


def _visible(text: str) -> str:
    """What a face shows: its text, images, sounds and answer box (a heart-sound card's front is only a sound,
    a spelling card's only the box)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<(?!img|audio|input)[^>]*>", " ", text))).strip()


def _face(template, fields, note, notetype, front_side, cloze, answer, template_name, deck="") -> str:
    ctx = _Context(
        fields=fields,
        cloze=cloze,
        answer=answer,
        front_side=front_side,
        special=_special(note, notetype, deck, template_name),
    )
    return _render_nodes(_parse_template(template), ctx)


_ANSWER_RULE = re.compile(r"^\s*(?:<hr[^>]*>\s*)+", re.I)
_ANSWER_DIVIDER = re.compile(r"<hr[^>]*\bid\s*=\s*[\"']?answer\b[^>]*>", re.I)
_TRAILING_BREAKS = re.compile(r"(?:\s*<br\s*/?>)+\s*$", re.I)


def _answer_part(back: str) -> str:
    """What the answer side adds to the question: the part after Anki's `<hr id=answer>` divider when the
    template has one (the part before repeats the question, which our review page already shows)."""
    parts = _ANSWER_DIVIDER.split(back)
    return parts[-1]


def render_card(
    note: Note, notetype: NoteType, ord_: int, media_url: MediaUrl, deck: str = ""
) -> RenderedCard | None:
    """The card of `note` with template ordinal `ord_` (for cloze types: cloze number ord_+1), sanitised; None
    when that card would be empty (Anki would not have it). The back holds what the answer side adds: its
    `{{FrontSide}}` is left out because our review page shows the front above it."""
    fields = note_fields(note, notetype)
    if notetype.image_occlusion:
        number = ord_ + 1
        if not any(number in s.numbers for s in occlusion_shapes(fields.get("Occlusion", ""))):
            return None
        front = render_occlusion(fields, number, answer=False)
        back = render_occlusion(fields, number, answer=True)
        name = f"Occlusion {number}"
    elif notetype.is_cloze:
        if not notetype.templates:
            return None
        template = notetype.templates[0]
        number = ord_ + 1
        front = _face(template.front, fields, note, notetype, "", number, False, template.name, deck)
        if number not in _numbers_in(template.front, fields):
            return None
        back = _answer_part(
            _face(template.back, fields, note, notetype, "", number, True, template.name, deck)
        )
        name = f"Cloze {number}"
    else:
        template = next((t for t in notetype.templates if t.ord == ord_), None)
        if template is None:
            return None
        front = _face(template.front, fields, note, notetype, "", 0, False, template.name, deck)
        back = _answer_part(_face(template.back, fields, note, notetype, "", 0, True, template.name, deck))
        name = template.name
    front = sanitise(render_math(render_sound(front)), media_url)
    back = _ANSWER_RULE.sub("", sanitise(render_math(render_sound(back)), media_url))
    front, back = _TRAILING_BREAKS.sub("", front), _TRAILING_BREAKS.sub("", back)
    if not _visible(front):
        return None
    return RenderedCard(ord=ord_, template=name[:100], front=front, back=back)


def _numbers_in(template: str, fields: dict[str, str]) -> set[int]:
    numbers: set[int] = set()
    for name in re.findall(r"\{\{[^}]*?cloze:([^}]+?)\}\}", template):
        numbers |= cloze_numbers(fields.get(name.strip(), ""))
    return numbers


def plain_text(fragment: str) -> str:
    """A field as one line of plain text (for the knowledge base's term and for search)."""
    fragment = re.sub(r"<br\s*/?>|</(?:div|p|li|tr|td|th|h\d)>", " ", fragment or "", flags=re.I)
    fragment = re.sub(r"<[^>]*>", " ", fragment)
    fragment = _SOUND.sub(" ", fragment)
    return re.sub(r"\s+", " ", html.unescape(fragment)).strip()
