"""Parse a list-style patient-education article into sections, groups, items and FAQ pairs.

Pure: text in, a `ParsedArticle` out; no database. The template (see ../shared/seed/) is an intro paragraph,
then headings on their own lines, each followed by an optional lead-in, one item per line (sometimes with a
gloss or sub-groups), an optional closing sentence, and finally a FAQ block whose questions and answers run
together, a disclaimer, a byline and a "Last Updated" date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from django.utils.text import slugify

from studyapp.importers.citations import split_at_citations, strip_citations
from studyapp.importers.decoding import decode_upload
from studyapp.importers.problems import ImportRejected, Problem

# Section kind -> headings that mean it, compared after `normalise_heading`. Extend freely.
HEADING_SYNONYMS: dict[str, tuple[str, ...]] = {
    "anatomy": ("anatomy", "relevant anatomy", "structure"),
    "types": ("types", "classification", "subtypes", "kinds", "forms"),
    "causes": (
        "causes",
        "causes and risk factors",
        "etiology",
        "aetiology",
        "risk factors and causes",
        "triggers",
        "common triggers",
    ),
    "symptoms": (
        "symptoms",
        "signs and symptoms",
        "clinical features",
        "symptoms and signs",
        "warning signs",
    ),
    "diagnostic_tests": (
        "diagnostic tests",
        "diagnosis",
        "tests",
        "diagnostic tests and procedures",
        "investigations",
        "tests and diagnosis",
    ),
    "non_drug_treatments": (
        "non pharmacological treatments",
        "non pharmacological treatment",
        "non drug treatments",
        "non drug treatment",
        "non pharmacologic treatments",
        "lifestyle and home remedies",
        "home remedies",
        "self care",
        "conservative treatments",
        "conservative treatment",
        "lifestyle changes",
        "lifestyle modifications",
        "lifestyle measures",
        "self help",
        "home treatment",
        "non drug therapies",
        "non surgical treatments",
    ),
    "drugs": (
        "drug treatments",
        "drug treatment",
        "drugs",
        "medications",
        "medication",
        "medicines",
        "pharmacological treatments",
        "drug therapy",
        "medical treatment",
        "medical treatments",
    ),
    "surgeries": (
        "surgical options",
        "surgery",
        "surgeries",
        "surgical treatments",
        "surgical treatment",
        "surgical procedures",
        "operations",
    ),
    "prevention": ("prevention strategies", "prevention", "preventive measures", "prevention tips"),
    "when_to_see_doctor": (
        "when to see a doctor",
        "when to see your doctor",
        "when to seek medical help",
        "when to seek medical attention",
        "when to call a doctor",
        "when to see a healthcare provider",
    ),
    "faq": ("frequently asked questions", "faq", "faqs", "common questions"),
    # Known headings without a kind of their own: their lists are kept, under `other`.
    "other": (
        "complications",
        "prognosis",
        "outlook",
        "outlook and prognosis",
        "risk factors",
        "pathophysiology",
        "epidemiology",
        "treatment",
        "treatments",
        "treatment options",
        "management",
        "recovery",
        "rehabilitation",
        "living with",
        "differential diagnosis",
        "home care",
    ),
}
_HEADING_KIND = {synonym: kind for kind, synonyms in HEADING_SYNONYMS.items() for synonym in synonyms}

# Only these sections carry sub-headings ("By Region", "Blood Supply"); elsewhere a short line is an item.
_KINDS_WITH_SUBHEADINGS = {"anatomy", "types"}
# A last line that starts like this refers back to the list: it is a closing note, not an item.
_CLOSING_OPENERS = ("this ", "these ", "such ", "together", "early ", "overall", "in short", "in summary")

_NUMBERING = re.compile(r"^\s*(?:\d{1,3}[.)]|[-•*·])\s+")
_SENTENCE_BREAK = re.compile(r"[.!?][”\"’)]?\s+[A-Z“\"]")
_LABEL = re.compile(r"^(?P<label>[^:()]{1,60}):\s+(?P<rest>.+)$")
_GROUP_LABEL = re.compile(r"^(?P<label>[^:]{1,60}):\s+(?P<rest>.+)$")
_LAST_UPDATED = re.compile(r"^last updated:?\s*(?P<date>.+?)\.?$", re.IGNORECASE)
_BOILERPLATE = re.compile(r"^(disclaimer\b|the article is written by|written by|reviewed by)", re.IGNORECASE)
_TITLE_FROM_INTRO = re.compile(
    r"^(?P<title>.{1,120}?)\s+(?:\([^)]*\)\s+)?(?:is|are|refers to|means|describes|happens)\b"
)
_CLOSERS = '”"’)'
# A label ending in one of these names a type of the condition ("Insulin-resistant form: central obesity, ...").
_TYPE_NOUNS = frozenset({"form", "type", "variant", "subtype", "phenotype", "variety"})
# A lead-in ("Very high readings can cause:") comes within the first lines of a list.
_MAX_LEAD_IN_LINES = 3
# A list's only line that is a sentence this long is prose ("Metabolic surgery can put diabetes into remission.").
_LONE_SENTENCE_WORDS = 8
# Longer lines are prose whatever their shape; capping keeps every per-line regex cheap on hostile input.
MAX_ITEM_CHARS = 1000


@dataclass
class ParsedItem:
    term: str
    gloss: str = ""
    group: str = ""
    text: str = ""
    line: int = 0


@dataclass
class ParsedGroup:
    name: str
    notes: str = ""


@dataclass
class ParsedSection:
    kind: str
    heading: str
    notes: list[str] = field(default_factory=list)
    groups: list[ParsedGroup] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    line: int = 0


@dataclass
class ParsedFaq:
    question: str
    answer: str
    line: int = 0


@dataclass
class ParsedArticle:
    title: str
    slug: str
    summary: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    faqs: list[ParsedFaq] = field(default_factory=list)
    faq_heading: str = "Frequently Asked Questions"
    last_updated: dt.date | None = None
    problems: list[Problem] = field(default_factory=list)

    def section(self, kind: str) -> ParsedSection | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def to_dict(self) -> dict:
        """The JSON shape of `import_article --dry-run --json`."""
        return {
            "title": self.title,
            "slug": self.slug,
            "summary": self.summary,
            "last_updated": self.last_updated.isoformat() if self.last_updated else None,
            "sections": [
                {
                    "kind": s.kind,
                    "heading": s.heading,
                    "notes": list(s.notes),
                    "groups": [asdict(g) for g in s.groups],
                    "items": [
                        {"term": i.term, "gloss": i.gloss, "group": i.group, "text": i.text, "line": i.line}
                        for i in s.items
                    ],
                }
                for s in self.sections
            ],
            "faq_heading": self.faq_heading,
            "faqs": [{"question": f.question, "answer": f.answer} for f in self.faqs],
            "problems": [asdict(p) for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ParsedArticle:
        """Read our own bundled-deck format (the same shape as `to_dict`)."""
        last_updated = data.get("last_updated")
        return cls(
            title=data["title"],
            slug=data.get("slug") or slugify(data["title"]),
            summary=data.get("summary", ""),
            sections=[
                ParsedSection(
                    kind=s["kind"],
                    heading=s["heading"],
                    notes=list(s.get("notes", [])),
                    groups=[
                        ParsedGroup(name=g["name"], notes=g.get("notes", "")) for g in s.get("groups", [])
                    ],
                    items=[
                        ParsedItem(
                            term=i["term"],
                            gloss=i.get("gloss", ""),
                            group=i.get("group", ""),
                            text=i.get("text")
                            or (f"{i['term']} ({i['gloss']})" if i.get("gloss") else i["term"]),
                        )
                        for i in s.get("items", [])
                    ],
                )
                for s in data.get("sections", [])
            ],
            faqs=[ParsedFaq(question=f["question"], answer=f["answer"]) for f in data.get("faqs", [])],
            faq_heading=data.get("faq_heading", "Frequently Asked Questions"),
            last_updated=dt.date.fromisoformat(last_updated) if last_updated else None,
        )


def normalise_heading(line: str) -> str:
    text = unicodedata.normalize("NFKC", line).strip().lower()
    text = re.sub(r"^\d{1,3}[.)]?\s+", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def _known_heading(name: str) -> str | None:
    if name in _HEADING_KIND:
        return _HEADING_KIND[name]
    head = re.split(r"\s+(?:of|for|in)\s+", name, maxsplit=1)[0]
    if head != name and head in _HEADING_KIND:
        return _HEADING_KIND[head]
    return None


def heading_kind(line: str) -> str | None:
    """The section kind a heading line names, or None. `Types of Migraine` and `2. Causes:` both match, and so
    does a heading made of known ones (`Triggers and Causes`, `Symptoms & Warning Signs`): its first kind that
    is not `other` wins."""
    if len(line) > 80:
        return None
    found = _known_heading(normalise_heading(line))
    if found:
        return found
    parts = re.split(r"\s+(?:and|&)\s+|\s*[,/]\s*", re.sub(r"^\s*\d{1,3}[.)]?\s+", "", line).rstrip(":"))
    if len(parts) < 2:
        return None
    kinds = [_known_heading(normalise_heading(part)) for part in parts]
    if not all(kinds):
        return None
    return next((kind for kind in kinds if kind != "other"), "other")


def normalise_term(term: str) -> str:
    """The part of an item's key that survives cosmetic edits (case, punctuation, spacing)."""
    text = unicodedata.normalize("NFKC", term).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def item_key(kind: str, term: str) -> str:
    return f"{kind}:{normalise_term(term)}"[:255]


def split_term_gloss(text: str) -> tuple[str, str]:
    """`Ibuprofen (NSAID)`, `Term – gloss`, `Term — gloss` and `Label: text` give (term, gloss)."""
    text = text.strip()
    label = _LABEL.match(text)
    if label and len(label["label"].split()) <= 6:
        return label["label"].strip(), label["rest"].strip()
    dash = _dash_outside_parentheses(text)
    if dash:
        return dash
    body = text.rstrip(".").rstrip()
    if body.endswith(")"):
        depth = 0
        for index in range(len(body) - 1, -1, -1):
            if body[index] == ")":
                depth += 1
            elif body[index] == "(":
                depth -= 1
                if depth == 0:
                    term, gloss = body[:index].strip(), body[index + 1 : -1].strip()
                    if term and gloss and not _several_glossed_parts(term):
                        return term, gloss
                    break
    return body, ""


def _dash_outside_parentheses(text: str) -> tuple[str, str] | None:
    """`Term – gloss` split at the first spaced dash that is not inside parentheses: in `Blue lips (cyanosis – an
    emergency)` the dash belongs to the gloss."""
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif (
            depth == 0
            and char in "–—-"
            and text[index - 1 : index] == " "
            and text[index + 1 : index + 2] == " "
        ):
            term, gloss = text[:index].strip(), text[index + 1 :].strip()
            if term and gloss:
                return term, gloss
    return None


# `Flat feet (pes planus) or high arches (pes cavus)`: each part has its own gloss, so the last one is not the
# whole line's.
_GLOSSED_PART = re.compile(r"\([^()]*\)\s*(?:,|\bor\b|\band\b|/)")


def _several_glossed_parts(term: str) -> bool:
    return bool(_GLOSSED_PART.search(term))


def _split_outside_parentheses(text: str, separator: str = ",") -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _group_list(text: str) -> tuple[str, list[str]] | None:
    """`Primary benign tumors: schwannoma, neurofibroma` is a group of members, not a `Label: text` item."""
    label = _GROUP_LABEL.match(text)
    if not label or text.endswith(".") or len(label["label"].split()) > 6:
        return None
    members = _split_outside_parentheses(label["rest"])
    if len(members) < 2 or any(len(re.sub(r"\([^)]*\)", "", m).split()) > 5 for m in members):
        return None
    return label["label"].strip(), members


def _sentences(text: str) -> int:
    return len(_SENTENCE_BREAK.findall(text)) + 1


def _looks_like_subheading(line: str) -> bool:
    if line[-1] in ".:;,!?" or len(line.split()) > 6 or ":" in line:
        return False
    words = re.sub(r"[()]", "", line).split()
    return all(w[0].isupper() for w in words if len(w) > 3) and words[0][0].isupper()


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


@dataclass
class _Block:
    """Lines of one section (or one sub-group) before they are sorted into notes and items."""

    group: str
    lines: list[tuple[int, str]] = field(default_factory=list)
    line: int = 0
    absorbed: bool = False  # a sub-heading that took the bare sub-headings after it as its items


def read_article(raw: bytes | str) -> ParsedArticle:
    """Phase one of an article import: decode (bytes), parse and check that there is something to save.

    Raises ImportRejected, with the parser's line-numbered problems, when nothing could be saved; otherwise the
    parse keeps its problems (lines skipped) for the preview."""
    text = decode_upload(raw) if isinstance(raw, bytes) else raw
    if not text.strip():
        raise ImportRejected("The article is empty.")
    parsed = parse_article(text)
    if not parsed.sections and not parsed.faqs:
        raise ImportRejected(
            "No recognisable section heading (such as 'Causes', 'Symptoms' or 'Drug Treatments') was found.",
            parsed.problems,
        )
    if not parsed.slug:
        raise ImportRejected("The article has no title.", parsed.problems)
    return parsed


def parse_article(text: str) -> ParsedArticle:
    """Parse one article. Never raises on odd input: what it cannot place becomes a `Problem`."""
    problems: list[Problem] = []
    lines = [(number, " ".join(raw.split())) for number, raw in enumerate(text.splitlines(), start=1)]
    lines = [(n, line.lstrip("\ufeff")) for n, line in lines if line.strip("\ufeff ")]
    body_start = next((index for index, (_n, line) in enumerate(lines) if heading_kind(line)), len(lines))
    title, summary = _title_and_summary(lines[:body_start], problems)
    body = _Body(problems, title)
    for number, line in lines[body_start:]:
        body.read(number, line)
    body.close_section()
    faqs = _parse_faqs(body.faq_lines, problems)
    if not body.sections and not faqs:
        problems.append(
            Problem(1, "No recognisable section heading (such as 'Causes' or 'Symptoms') was found.")
        )
    return ParsedArticle(
        title=title,
        slug=slugify(title),
        summary=summary,
        sections=body.sections,
        faqs=faqs,
        faq_heading=body.faq_heading,
        last_updated=body.last_updated,
        problems=sorted(problems, key=lambda p: p.line),
    )


def _title_and_summary(intro: list[tuple[int, str]], problems: list[Problem]) -> tuple[str, str]:
    """The condition's name and the summary from the intro (everything before the first heading): a short
    first line without a full stop is a title; otherwise the name is read from the first sentence."""
    title, summary = "", ""
    if intro:
        first = strip_citations(intro[0][1])
        if len(intro) > 1 and not first.endswith((".", "!", "?")) and len(first.split()) <= 10:
            title, summary = first, " ".join(strip_citations(line) for _, line in intro[1:])
        else:
            summary = " ".join(strip_citations(line) for _, line in intro)
            match = _TITLE_FROM_INTRO.match(first)
            if match:
                title = match["title"].strip()
            else:
                title = " ".join(first.split()[:6]).rstrip(".")
                problems.append(Problem(intro[0][0], "Could not find the condition's name in the intro."))
    return title[:1].upper() + title[1:], summary


class _Body:
    """Reads the article's body line by line: sections with their blocks of lines, the FAQ's lines, and the
    "last updated" date, after which (like after the site's boilerplate) everything is ignored."""

    def __init__(self, problems: list[Problem], title: str = "") -> None:
        self.problems = problems
        self.title = title
        self.sections: list[ParsedSection] = []
        self.faq_lines: list[tuple[int, str]] = []
        self.faq_heading = "Frequently Asked Questions"
        self.last_updated: dt.date | None = None
        self.current: ParsedSection | None = None
        self.blocks: list[_Block] = []
        self.in_faq = False
        self.finished = False

    def close_section(self) -> None:
        if self.current is not None:
            _fill_section(self.current, self.blocks, self.problems, self.title)
            self.sections.append(self.current)
        self.current, self.blocks = None, []

    def read(self, number: int, line: str) -> None:
        updated = _LAST_UPDATED.match(line)
        if updated:
            self.last_updated = _parse_date(updated["date"])
            if self.last_updated is None:
                self.problems.append(Problem(number, f"Could not read the date {updated['date']!r}."))
            self.finished = True
            return
        if self.finished or _BOILERPLATE.match(line):
            self.finished = True
            return
        kind = heading_kind(line)
        if kind and self._is_subheading_of_current(kind, line):
            if any(block.lines or block.group for block in self.blocks):
                self.blocks.append(_Block(group=line.rstrip(":"), line=number))
            # else: the heading restated (`Types` then `Classification`): the list needs no sub-group for it
        elif kind:
            self._open_section(number, line, kind)
        elif self.in_faq:
            self.faq_lines.append((number, line))
        elif self.current is None:
            self.problems.append(Problem(number, "Text outside any section was skipped."))
        else:
            self._add_line(number, line)

    def _is_subheading_of_current(self, kind: str, line: str) -> bool:
        """`Classification` right under `Types` (or `Structure` under `Anatomy`) names a sub-group of the list
        it is in, not a second list."""
        current = self.current
        return (
            current is not None
            and kind == current.kind
            and kind in _KINDS_WITH_SUBHEADINGS
            and _looks_like_subheading(line)
        )

    def _open_section(self, number: int, line: str, kind: str) -> None:
        self.close_section()
        self.in_faq = kind == "faq"
        if self.in_faq:
            self.faq_heading = re.sub(r"^\d{1,3}[.)]\s*", "", line).rstrip(":").strip()
            return
        heading = re.sub(r"^\d{1,3}[.)]\s*", "", line).rstrip(":").strip()
        if kind != "other" and any(s.kind == kind for s in self.sections):
            self.problems.append(
                Problem(number, f"A second {kind!r} section ({heading!r}) was filed as 'other'.")
            )
            kind = "other"
        self.current = ParsedSection(kind=kind, heading=heading, line=number)
        self.blocks = [_Block(group="")]

    def _add_line(self, number: int, line: str) -> None:
        clean = strip_citations(line)
        if not clean:
            return
        if self.current.kind in _KINDS_WITH_SUBHEADINGS and _looks_like_subheading(clean):
            self.blocks.append(_Block(group=clean, line=number))
        else:
            self.blocks[-1].lines.append((number, clean))


def _title_case_item(text: str) -> bool:
    """`Massive Tear (two or more tendons)`: a Title Case name, with or without a gloss."""
    name = re.sub(r"\s*\([^)]*\)", "", text).strip()
    return bool(name) and _looks_like_subheading(name)


def _demote_title_case_items(blocks: list[_Block]) -> list[_Block]:
    """In a list of types written in Title Case (`Partial-Thickness Tear`, `Full-Thickness Tear`), a line that
    looks like a sub-heading is an item when it follows such an item and is bare or followed by one too.
    `By …` lines stay sub-headings."""
    settled: list[_Block] = []
    for block in blocks:
        previous = settled[-1] if settled else None
        if block.group and previous is not None and not block.group.lower().startswith("by "):
            after_item = bool(previous.lines) and _title_case_item(previous.lines[-1][1])
            before_item = not block.lines or _title_case_item(block.lines[0][1])
            if after_item and before_item:
                previous.lines.append((block.line, block.group))
                previous.lines.extend(block.lines)
                continue
        settled.append(block)
    return settled


def _settle_subheadings(blocks: list[_Block]) -> list[_Block]:
    """A sub-heading directly followed by another one was probably a Title Case item, not a heading.

    If no sub-heading has anything under it, they were all items (a list written in Title Case). Otherwise the
    first of a run of bare sub-headings is the heading and the rest are its items."""
    headed = [b for b in blocks if b.group]
    if not headed or any(b.lines for b in headed):
        settled: list[_Block] = []
        for block in blocks:
            previous = settled[-1] if settled else None
            if block.group and previous and previous.group and not previous.lines and not block.lines:
                previous.lines.append((block.line, block.group))
                previous.absorbed = True
                continue
            if block.group and previous and previous.absorbed and not block.lines:
                previous.lines.append((block.line, block.group))
                continue
            settled.append(block)
        return settled
    loose = blocks[0] if blocks and not blocks[0].group else _Block(group="")
    loose.lines.extend((b.line, b.group) for b in headed)
    return [loose]


def _fill_section(
    section: ParsedSection, blocks: list[_Block], problems: list[Problem], title: str = ""
) -> None:
    seen: set[str] = set()

    def add(item: ParsedItem) -> None:
        key = item_key(section.kind, item.term)
        if key in seen:
            problems.append(
                Problem(item.line, f"Duplicate item {item.term!r} in {section.heading!r} was skipped.")
            )
            return
        seen.add(key)
        section.items.append(item)

    if section.kind == "types":
        blocks = _demote_title_case_items(blocks)
    for block in _settle_subheadings(blocks):
        notes, candidates, closing = _split_prose(list(block.lines))
        block_group = ParsedGroup(name=block.group) if block.group else None
        if block_group:
            section.groups.append(block_group)
        for number, text in candidates:
            _read_entry(section, block.group, number, text, len(candidates), notes, add, problems, title)
        if closing:
            notes.append(closing[1])
        if block_group:
            block_group.notes = "\n".join(notes)
        else:
            section.notes.extend(notes)
    if not section.items:
        problems.append(Problem(section.line, f"Section {section.heading!r} has no items."))


def _split_prose(
    candidates: list[tuple[int, str]],
) -> tuple[list[str], list[tuple[int, str]], tuple[int, str] | None]:
    """A block's lead-in sentences (notes), its list lines, and a closing sentence after the list, if any."""
    notes: list[str] = []
    # Lead-in sentences end with a colon ("you may notice:"), possibly after a sentence or two ("Usually none.
    # Very high readings can cause:").
    colon = next(
        (
            index
            for index, (_n, text) in enumerate(candidates[:_MAX_LEAD_IN_LINES])
            if text.endswith(":") and not _group_list(text) and not _LABEL.match(text)
        ),
        None,
    )
    lead = 0
    if colon and all(text.endswith((".", "!", "?")) for _n, text in candidates[:colon]):
        notes.extend(text for _n, text in candidates[:colon])
        lead = colon
    while (
        lead < len(candidates) and candidates[lead][1].endswith(":") and not _group_list(candidates[lead][1])
    ):
        notes.append(candidates[lead][1])
        lead += 1
    candidates = candidates[lead:]
    # A lead-in that ends with a full stop: a sentence before a list of phrases.
    if (
        len(candidates) >= 3
        and candidates[0][1].endswith(".")
        and len(candidates[0][1].split()) >= 6
        and sum(1 for _, t in candidates[1:] if not t.endswith(".")) > len(candidates[1:]) // 2
    ):
        notes.append(candidates[0][1])
        candidates = candidates[1:]
    closing = None
    if len(candidates) >= 2:
        last = candidates[-1][1]
        # List lines are phrases or `Label: text` lines; a plain sentence after them closes the list.
        others_are_list_lines = (
            sum(1 for _, t in candidates[:-1] if not t.endswith(".") or _LABEL.match(t))
            > len(candidates) // 2
        )
        if (
            last.endswith(".")
            and not _LABEL.match(last)
            and (others_are_list_lines or last.lower().startswith(_CLOSING_OPENERS))
        ):
            closing = candidates.pop()
    return notes, candidates, closing


def _names_a_type(label: str, title: str) -> bool:
    """`Allergic asthma` (in Asthma) and `Insulin-resistant form` name a type: after them come its features or
    triggers, not a sub-group of types. `Primary benign tumors` names a group of types."""
    words = normalise_term(label).split()
    if not words:
        return False
    if words[-1] in _TYPE_NOUNS:
        return True
    condition = {word.rstrip("s") for word in normalise_term(title).split()}
    return words[-1].rstrip("s") in condition


def _read_entry(section, group, number, text, block_size, notes, add, problems, title="") -> None:
    """One list line: prose goes to the notes, `Group: a, b, c` gives a sub-group's items, else one item."""
    bare = _NUMBERING.sub("", text)
    lone_sentence = block_size == 1 and bare.endswith(".") and len(bare.split()) >= _LONE_SENTENCE_WORDS
    if (
        len(bare) > MAX_ITEM_CHARS
        or _sentences(bare) > 1
        or lone_sentence
        or (block_size == 1 and len(text.split()) > 20)
    ):
        notes.append(text)  # prose, not a list entry
        return
    group_list = _group_list(bare)
    if group_list and section.kind == "types" and _names_a_type(group_list[0], title):
        group_list = None  # `Allergic asthma: pollen, dust mites`: the type, with what sets it apart
    if group_list and section.kind in _KINDS_WITH_SUBHEADINGS:
        name, members = group_list
        section.groups.append(ParsedGroup(name=name))
        for member in members:
            term, gloss = split_term_gloss(member)
            add(ParsedItem(term=term, gloss=gloss, group=name, text=text, line=number))
        return
    term, gloss = split_term_gloss(bare)
    if not term:
        problems.append(Problem(number, "An empty item was skipped."))
        return
    add(ParsedItem(term=term, gloss=gloss, group=group, text=text, line=number))


# A sentence ends at `.`, `!` or `?` (and a closing quote) before a space or the end, or glued to a capital
# ("cost.Does"): never inside "6.4%" or after "e.g.".
_SENTENCE_END = re.compile(r"[.!?]+[”\"’)]*(?=\s|$)|(?<=[a-z0-9)])[.!?](?=[A-Z“])")
_NOT_SENTENCE_ENDS = frozenset({"e.g.", "i.e.", "etc.", "vs.", "approx.", "dr.", "cf.", "(e.g.", "(i.e."})


def split_sentences(text: str) -> list[str]:
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        words = text[start : match.end()].split()
        if words and words[-1].casefold() in _NOT_SENTENCE_ENDS:
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _parse_faqs(lines: list[tuple[int, str]], problems: list[Problem]) -> list[ParsedFaq]:
    """Questions and answers run together: every sentence ending in `?` starts a new pair, and citation runs
    (`...early. Cleveland ClinicWebMDIs pain always present?`) are boundaries as well. A name inside a sentence
    (`Is the NHS programme free?`) is not a boundary."""
    faqs: list[ParsedFaq] = []
    question: tuple[int, str] | None = None
    answer: list[str] = []

    def close() -> None:
        if question is None:
            return
        text = " ".join(" ".join(answer).split())
        if not text:
            problems.append(Problem(question[0], f"The question {question[1]!r} has no answer."))
            return
        faqs.append(ParsedFaq(question=question[1], answer=text, line=question[0]))

    for number, line in lines:
        stray = False
        for segment in split_at_citations(line):
            for sentence in split_sentences(segment):
                if sentence.rstrip(_CLOSERS).endswith("?") and re.search(r"[A-Za-z]", sentence):
                    close()
                    question, answer = (number, sentence), []
                elif question is None:
                    stray = True
                else:
                    answer.append(sentence)
        if stray:
            problems.append(Problem(number, "FAQ text before the first question was skipped."))
    close()
    return faqs
