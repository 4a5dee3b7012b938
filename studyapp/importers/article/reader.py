"""The article read top to bottom: the intro's title and summary, then sections, the FAQ and the date, after
which the site's boilerplate is ignored. PURE."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.text import slugify

from studyapp.importers.article.faq import parse_faqs
from studyapp.importers.article.headings import KINDS_WITH_SUBHEADINGS, heading_kind
from studyapp.importers.article.lists import Block, fill_section, looks_like_subheading
from studyapp.importers.article.values import ParsedArticle, ParsedSection
from studyapp.importers.citations import strip_citations
from studyapp.importers.decoding import decode_upload
from studyapp.importers.problems import ImportRejected, Problem

_LAST_UPDATED = re.compile(
    r"^last (?:updated|reviewed|revised|modified):?\s*(?:on\s+)?(?P<date>.+?)\.?$", re.IGNORECASE
)
# The site's closing lines; everything after the first of them is boilerplate. Without this a byline after the
# FAQ ("Medically reviewed by …") would end the last answer.
_BOILERPLATE = re.compile(
    r"^(?:(?:medical\s+)?disclaimer\b|the article is written by"
    r"|(?:written|reviewed|medically reviewed|fact[- ]checked) by\b|references:?$|sources:?$)",
    re.IGNORECASE,
)
_TITLE_FROM_INTRO = re.compile(
    r"^(?P<title>.{1,120}?)\s+(?:\([^)]*\)\s+)?(?:is|are|refers to|means|describes|happens)\b"
)


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


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
    faqs = parse_faqs(body.faq_lines, problems)
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
        self.blocks: list[Block] = []
        self.in_faq = False
        self.finished = False

    def close_section(self) -> None:
        if self.current is not None:
            fill_section(self.current, self.blocks, self.problems, self.title)
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
                self.blocks.append(Block(group=line.rstrip(":"), line=number))
            else:
                # The heading restated (`Types` then `Classification`): the list needs no sub-group for it, and
                # the preview says where the line went.
                self.problems.append(
                    Problem(
                        number, f"The heading {line!r} repeats {self.current.heading!r}; read as part of it."
                    )
                )
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
            and kind in KINDS_WITH_SUBHEADINGS
            and looks_like_subheading(line)
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
        self.blocks = [Block(group="")]

    def _add_line(self, number: int, line: str) -> None:
        clean = strip_citations(line)
        if not clean:
            return
        # A sub-heading may end with a colon (`By Location:`); a lead-in in words (`Types include:`) is not one.
        name = clean[:-1].rstrip() if clean.endswith(":") else clean
        if self.current.kind in KINDS_WITH_SUBHEADINGS and name and looks_like_subheading(name):
            self.blocks.append(Block(group=name, line=number))
        else:
            self.blocks[-1].lines.append((number, clean))
