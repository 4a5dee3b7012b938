"""A deliberately small reader of the seed article, for generator tests on its real text (FAQ answers included)
until the importer lands. It reads the file at test time; nothing of the article is stored in the repository."""

import itertools
import re

from quizzes.knowledge import KnowledgeBase, KnowledgeItem, build_deck

HEADINGS = {
    "Anatomy": "anatomy",
    "Types": "types",
    "Causes": "causes",
    "Symptoms": "symptoms",
    "Diagnostic Tests": "diagnostic_tests",
    "Non-Pharmacological Treatments": "non_drug_treatments",
    "Drug Treatments": "drugs",
    "Surgical Options": "surgeries",
    "Prevention Strategies": "prevention",
    "When to See a Doctor": "when_to_see_doctor",
    "Frequently Asked Questions": "faq",
}
_SOURCES = re.compile(r"(?:Cleveland Clinic|WebMD|Wikipedia|Verywell Health|PubMed|UMMS|ScienceDirect|NBA)+")
_TERM_GLOSS = re.compile(r"^(?P<term>.*?)\s*\((?P<gloss>[^()]*)\)$")


def _entry(ids, text: str, *, group: str = "", answer: str = "") -> KnowledgeItem:
    match = _TERM_GLOSS.match(text)
    term, gloss = (match["term"], match["gloss"]) if match else (text, "")
    return KnowledgeItem(
        id=next(ids), term=term[:1].upper() + term[1:], gloss=gloss, group=group, answer=answer
    )


def _section_lines(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("Disclaimer:"):
            break
        if line in HEADINGS:
            current = HEADINGS[line]
            sections[current] = []
        elif current and line:
            sections[current].append(line)
    return sections


def seed_article_kb(text: str, *, slug: str = "neoplastic-foraminal-narrowing") -> KnowledgeBase:
    ids = itertools.count(1)
    built = []
    for kind, lines in _section_lines(text).items():
        heading = next(h for h, k in HEADINGS.items() if k == kind)
        items: list[KnowledgeItem] = []
        if kind == "faq":
            parts = [p.strip() for p in _SOURCES.sub("\n", "\n".join(lines)).splitlines() if p.strip()]
            questions = [i for i, p in enumerate(parts) if p.endswith("?")]
            for position in questions:
                if position + 1 < len(parts) and not parts[position + 1].endswith("?"):
                    items.append(_entry(ids, parts[position], answer=parts[position + 1]))
        elif kind == "types":
            group = ""
            for line in lines:
                line = _SOURCES.sub("", line).strip()
                if line.endswith(":"):
                    continue
                if line.startswith("By "):
                    group = line
                elif ": " in line:
                    name, entries = line.split(": ", 1)
                    items.extend(_entry(ids, e.strip(), group=name) for e in entries.split(", "))
                else:
                    items.append(_entry(ids, line, group=group))
        elif kind != "anatomy":
            for line in lines:
                line = _SOURCES.sub("", line).strip()
                # Lead-ins end with a colon and closing remarks with a full stop; entries end with neither.
                if line and not line.endswith((":", ".")):
                    items.append(_entry(ids, line))
        built.append((kind, heading, items))
    return KnowledgeBase(decks=(build_deck(slug, "Neoplastic foraminal narrowing", built),))
