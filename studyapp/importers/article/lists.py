"""A section's lines sorted into lead-in and closing notes, sub-groups and items. PURE."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from studyapp.importers.article.entries import (
    LABEL,
    NUMBERING,
    as_group_list,
    item_key,
    names_a_type,
    sentence_count,
    split_term_gloss,
)
from studyapp.importers.article.headings import KINDS_WITH_SUBHEADINGS
from studyapp.importers.article.values import ParsedGroup, ParsedItem, ParsedSection
from studyapp.importers.problems import Problem

# A last line that starts like this refers back to the list: it is a closing note, not an item.
_CLOSING_OPENERS = ("this ", "these ", "such ", "together", "early ", "overall", "in short", "in summary")
# A lead-in ("Very high readings can cause:") comes within the first lines of a list.
_MAX_LEAD_IN_LINES = 3
# A list's only line that is a sentence this long is prose ("Metabolic surgery can put diabetes into remission.").
_LONE_SENTENCE_WORDS = 8
# Longer lines are prose whatever their shape; capping keeps every per-line regex cheap on hostile input.
MAX_ITEM_CHARS = 1000


def looks_like_subheading(line: str) -> bool:
    if line[-1] in ".:;,!?" or len(line.split()) > 6 or ":" in line:
        return False
    words = re.sub(r"[()]", "", line).split()
    return all(w[0].isupper() for w in words if len(w) > 3) and words[0][0].isupper()


@dataclass
class Block:
    """Lines of one section (or one sub-group) before they are sorted into notes and items."""

    group: str
    lines: list[tuple[int, str]] = field(default_factory=list)
    line: int = 0
    absorbed: bool = False  # a sub-heading that took the bare sub-headings after it as its items


def _title_case_item(text: str) -> bool:
    """`Massive Tear (two or more tendons)`: a Title Case name, with or without a gloss."""
    name = re.sub(r"\s*\([^)]*\)", "", text).strip()
    return bool(name) and looks_like_subheading(name)


def _demote_title_case_items(blocks: list[Block]) -> list[Block]:
    """In a list of types written in Title Case (`Partial-Thickness Tear`, `Full-Thickness Tear`), a line that
    looks like a sub-heading is an item when it follows such an item and is bare or followed by one too.
    `By …` lines stay sub-headings."""
    settled: list[Block] = []
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


def _settle_subheadings(blocks: list[Block]) -> list[Block]:
    """A sub-heading directly followed by another one was probably a Title Case item, not a heading.

    If no sub-heading has anything under it, they were all items (a list written in Title Case). Otherwise the
    first of a run of bare sub-headings is the heading and the rest are its items."""
    headed = [b for b in blocks if b.group]
    if not headed or any(b.lines for b in headed):
        settled: list[Block] = []
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
    loose = blocks[0] if blocks and not blocks[0].group else Block(group="")
    loose.lines.extend((b.line, b.group) for b in headed)
    return [loose]


def fill_section(
    section: ParsedSection, blocks: list[Block], problems: list[Problem], title: str = ""
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
            if text.endswith(":") and not as_group_list(text) and not LABEL.match(text)
        ),
        None,
    )
    lead = 0
    if colon and all(text.endswith((".", "!", "?")) for _n, text in candidates[:colon]):
        notes.extend(text for _n, text in candidates[:colon])
        lead = colon
    while (
        lead < len(candidates)
        and candidates[lead][1].endswith(":")
        and not as_group_list(candidates[lead][1])
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
            sum(1 for _, t in candidates[:-1] if not t.endswith(".") or LABEL.match(t)) > len(candidates) // 2
        )
        if (
            last.endswith(".")
            and not LABEL.match(last)
            and (others_are_list_lines or last.lower().startswith(_CLOSING_OPENERS))
        ):
            closing = candidates.pop()
    return notes, candidates, closing


def _read_entry(section, group, number, text, block_size, notes, add, problems, title="") -> None:
    """One list line: prose goes to the notes, `Group: a, b, c` gives a sub-group's items, else one item."""
    bare = NUMBERING.sub("", text)
    lone_sentence = block_size == 1 and bare.endswith(".") and len(bare.split()) >= _LONE_SENTENCE_WORDS
    if (
        len(bare) > MAX_ITEM_CHARS
        or sentence_count(bare) > 1
        or lone_sentence
        or (block_size == 1 and len(text.split()) > 20)
    ):
        notes.append(text)  # prose, not a list entry
        return
    group_list = as_group_list(bare)
    if group_list and section.kind == "types" and names_a_type(group_list[0], title):
        group_list = None  # `Allergic asthma: pollen, dust mites`: the type, with what sets it apart
    if group_list and section.kind in KINDS_WITH_SUBHEADINGS:
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
