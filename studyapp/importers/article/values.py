"""What an article parses into: sections with their groups and items, FAQ pairs and the problems met. PURE."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.utils.text import slugify

from studyapp.importers.problems import Problem


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
