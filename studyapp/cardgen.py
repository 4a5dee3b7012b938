"""Cards from a deck's knowledge base. PURE: value types in, card specs out; no ORM.

Every card has a stable key (template + the source's own stable key), so generating again after a re-import
updates cards in place and keeps each learner's progress. Cards made from one item carry that item's key:
they are siblings, and the scheduler never shows two of them on the same day.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from studyapp import terms

ITEM_GLOSS = "item_gloss"
GLOSS_ITEMS = "gloss_items"
GROUP_MEMBERS = "group_members"
CLOZE = "cloze"
LIST_RECALL = "list_recall"
FAQ = "faq"
FRONT_BACK = "front_back"
ANKI = "anki"

TEMPLATES: dict[str, str] = {
    ITEM_GLOSS: "Item → its gloss (Ibuprofen: drug class? → NSAID)",
    GLOSS_ITEMS: "Gloss → the items that share it (Which listed drugs are TCAs?)",
    GROUP_MEMBERS: "Sub-group → its members (Primary benign tumours causing …?)",
    CLOZE: "Overlapping cloze: each item of a list hidden in turn, its neighbours as cues",
    LIST_RECALL: "Whole-list recall, one card per list",
    FAQ: "FAQ question → answer",
    FRONT_BACK: "Flashcard front → back (CSV decks)",
    ANKI: "Anki note cards, rendered through their note type's templates",
}

# Overlapping cloze helps with lists a learner can hold in mind; longer lists get the other templates only.
CLOZE_MIN_ITEMS = 3
CLOZE_MAX_ITEMS = 15
# Gloss → items only when the gloss names a real class of the list (shared by two or more items).
GLOSS_ITEMS_MIN_SHARED = 2

# What the gloss of an item answers, by section kind. `{condition}` is the deck's title in lower case.
_GLOSS_QUESTION = {
    "drugs": "drug class?",
    "types": "what sets this type apart?",
    "causes": "what kind of cause?",
    "symptoms": "what detail goes with this symptom?",
    "diagnostic_tests": "what does this test show?",
    "non_drug_treatments": "what does this treatment involve?",
    "surgeries": "what is this operation?",
    "prevention": "how does it help prevent {condition}?",
    "anatomy": "what is it?",
    "when_to_see_doctor": "why see a doctor for it?",
}
# Anatomy sub-sections ask different things: a boundary is formed by something, a vessel comes from somewhere.
_ANATOMY_QUESTION = (
    (("boundar", "wall", "border", "floor", "roof"), "what forms this boundary?"),
    (("attach", "origin", "insertion"), "where does it attach?"),
    (("blood", "arter", "vein", "vascular", "venous"), "what are these vessels?"),
    (("branch",), "what does this branch supply?"),
    (("nerve", "innervation"), "what is this nerve supply?"),
    (("function", "role", "purpose"), "how is this function served?"),
    (("muscle",), "what does this muscle do?"),
    (("cell",), "what do these cells do?"),
    (("content",), "what is it, inside the structure?"),
)
# A gloss that only gives examples ("e.g., prednisolone") answers "an example?", whatever the list.
_EXAMPLE_GLOSS = re.compile(r"^(?:e\.?g\.?|for example|for instance|such as|including)\b", re.IGNORECASE)
# Class names a gloss-to-items card asks for in the plural ("Which listed drugs are NSAIDs?").
_CLASS_NOUNS = (
    "inhibitor",
    "agonist",
    "antagonist",
    "blocker",
    "diuretic",
    "steroid",
    "relaxant",
    "analgesic",
    "antidepressant",
    "anticonvulsant",
    "antiepileptic",
    "biologic",
    "sulfonylurea",
    "opioid",
    "antiemetic",
    "antihistamine",
    "triptan",
    "statin",
    "anesthetic",
    "anaesthetic",
    "antibiotic",
    "biguanide",
    "bisphosphonate",
    "uricosuric",
)
_PLURAL = {
    "drugs": "drugs",
    "types": "types",
    "causes": "causes",
    "symptoms": "symptoms",
    "diagnostic_tests": "tests",
    "non_drug_treatments": "treatments",
    "surgeries": "operations",
    "prevention": "measures",
}
_GROUP_VERB = {
    "causes": "causing",
    "types": "in",
    "symptoms": "of",
    "diagnostic_tests": "for",
    "drugs": "for",
    "non_drug_treatments": "for",
    "surgeries": "for",
    "prevention": "preventing",
}


@dataclass(frozen=True)
class ItemSource:
    key: str
    term: str
    gloss: str = ""
    answer: str = ""
    group: str | None = None
    position: int = 0
    # An Anki note's rendered cards ({"ord", "template", "front", "back"}, sanitised HTML), if it is one.
    note_cards: Sequence[dict] = ()


@dataclass(frozen=True)
class SectionSource:
    kind: str
    heading: str
    items: Sequence[ItemSource] = field(default_factory=tuple)
    position: int = 0
    # Section ids are not stable across re-imports; the key is kind + heading.
    ref: object = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{slug(self.heading)}"


@dataclass(frozen=True)
class CardSpec:
    key: str
    template: str
    front: str
    back: str
    position: int
    section_key: str
    item_key: str | None = None
    html: bool = False


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def generate_cards(
    deck_title: str, sections: Iterable[SectionSource], disabled: Collection[str] = ()
) -> list[CardSpec]:
    """All cards of a deck, in the order new cards should be introduced, minus the disabled templates.

    No two cards share a front with different backs: a front that would is told apart by its list and
    sub-group, and what still collides becomes one card whose back gives every answer."""
    specs: list[CardSpec] = []
    sections = sorted(sections, key=lambda s: s.position)
    for section in sections:
        items = sorted(section.items, key=lambda i: i.position)
        if not items:
            continue
        if any(i.note_cards for i in items):
            specs += _anki(section, items)
        elif section.kind == "faq":
            specs += _faq(section, items)
        elif all(i.answer for i in items):
            # Plain flashcards (CSV, Anki): each already is a question with its answer; list cards over
            # their fronts would quiz nothing the author wrote.
            specs += _front_back(section, items)
        else:
            specs += _item_gloss(deck_title, section, items)
            specs += _cloze(section, items)
            specs += _gloss_items(section, items)
            specs += _group_members(deck_title, section, items)
            specs += _list_recall(section, items)
    wanted = _one_back_per_front([spec for spec in specs if spec.template not in set(disabled)], sections)
    return [
        CardSpec(
            key=s.key,
            template=s.template,
            front=s.front,
            back=s.back,
            position=n,
            section_key=s.section_key,
            item_key=s.item_key,
            html=s.html,
        )
        for n, s in enumerate(wanted)
    ]


KEY_LENGTH = 255  # Card.key's max_length


def _fit_key(key: str) -> str:
    """The key itself when it fits the column; else a prefix plus a digest of the whole, still stable and distinct."""
    if len(key) <= KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: KEY_LENGTH - len(digest) - 1]}#{digest}"


def _spec(template: str, key: str, front: str, back: str, section: SectionSource, item_key=None) -> CardSpec:
    return CardSpec(
        key=_fit_key(f"{template}:{key}"),
        template=template,
        front=front,
        back=back,
        position=0,
        section_key=section.key,
        item_key=item_key,
    )


def _faq(section: SectionSource, items: list[ItemSource]) -> list[CardSpec]:
    return [_spec(FAQ, i.key, i.term, i.answer, section, i.key) for i in items if i.answer]


def _anki(section: SectionSource, items: list[ItemSource]) -> list[CardSpec]:
    """One card per rendered card of each note; the key is the note's GUID and the template's ordinal, so a
    re-imported note keeps its cards (and every learner's progress on them)."""
    return [
        CardSpec(
            key=_fit_key(f"{i.key}:{card['ord']}"),
            template=ANKI,
            front=card["front"],
            back=card["back"],
            position=0,
            section_key=section.key,
            item_key=i.key,
            html=True,
        )
        for i in items
        for card in i.note_cards
    ]


def _front_back(section: SectionSource, items: list[ItemSource]) -> list[CardSpec]:
    return [_spec(FRONT_BACK, i.key, i.term, i.answer, section, i.key) for i in items]


def context_line(deck_title: str, heading: str | None, group: str | None = None) -> str:
    """The line above a card's prompt that says where it comes from: `Neoplastic foraminal narrowing ·
    Anatomy · Blood Supply`. Without it `Origin: what is it?` is unanswerable in a mixed session."""
    return " · ".join(part for part in (deck_title, heading, group) if part)


def _lower_word(word: str) -> str:
    core = word.strip("()[],;:")
    if core[:1].isupper() and core[1:].islower() and not any(mark in core for mark in "'’"):
        return word.replace(core, core.lower(), 1)
    return word


def condition_phrase(title: str) -> str:
    """The condition's name inside a sentence: `Carpal tunnel syndrome` → `carpal tunnel syndrome`, and a title
    in Title Case (`Type 2 Diabetes`, `High Blood Pressure (Hypertension)`) in lower case throughout. Acronyms
    and eponyms (`ALS`, `Crohn’s disease`) keep their capitals."""
    words = title.split()
    if not words:
        return title
    title_case = len(words) > 1 and all(not w[:1].isalpha() or w[:1].isupper() for w in words if len(w) > 3)
    if title_case:
        return " ".join(_lower_word(word) for word in words)
    if len(words[0]) > 1 and not words[0][1:2].islower():
        return title  # `ALS`, `MRI-negative …`
    return " ".join([_lower_word(words[0]), *words[1:]])


def plural_class(gloss: str) -> str:
    """`NSAID` → `NSAIDs`, `SGLT2 inhibitor` → `SGLT2 inhibitors`; an adjective (`antineuropathic`) or a gloss
    with more in it (`angiotensin II receptor blocker, ARB`) stays as written."""
    if not gloss or any(mark in gloss for mark in ",;()"):
        return gloss
    last = gloss.split()[-1]
    if re.fullmatch(r"[A-Z][A-Z0-9-]*[A-Z]", last) or last.lower().endswith(_CLASS_NOUNS):
        return f"{gloss}s"
    return gloss


def gloss_question(
    deck_title: str, section_kind: str, group: str | None, item: ItemSource | None = None
) -> str:
    """What an item's gloss answers, worded for its list and sub-group (and for the gloss itself: an
    abbreviation of the item, or examples of it, answer neither "drug class?" nor "what does this test show?")."""
    if item is not None and terms.is_abbreviation_of(item.gloss, item.term):
        return "abbreviation?"
    if item is not None and _EXAMPLE_GLOSS.match(item.gloss.strip()):
        return "an example?"
    condition = condition_phrase(deck_title)
    name = (group or "").strip()
    if section_kind == "anatomy" and name:
        lowered = name.lower()
        for words, question in _ANATOMY_QUESTION:
            if any(word in lowered for word in words):
                return question
    if name.lower().startswith("by ") and len(name) > 3:
        # "By Region" → which region? "By Onset" → which onset?
        return f"which {name[3:].strip().lower()}?"
    return _GLOSS_QUESTION.get(section_kind, "what is it?").format(condition=condition)


def _item_gloss(deck_title: str, section: SectionSource, items: list[ItemSource]) -> list[CardSpec]:
    return [
        _spec(
            ITEM_GLOSS,
            i.key,
            f"{i.term}: {gloss_question(deck_title, section.kind, i.group, i)}",
            i.gloss,
            section,
            i.key,
        )
        for i in items
        if i.gloss
    ]


def _one_back_per_front(specs: list[CardSpec], sections: Sequence[SectionSource]) -> list[CardSpec]:
    """Fronts that would ask one thing with two answers: first say the list (and sub-group) in the front;
    cards that still share a front are merged into the first, whose back lists every answer."""
    headings = {s.key: s.heading for s in sections}
    groups = {i.key: i.group for s in sections for i in s.items}

    def collisions(specs: list[CardSpec]) -> set[str]:
        backs: dict[str, set[str]] = {}
        for spec in specs:
            # An Anki package's cards arrive as Anki made them (each with its own history): left alone.
            if spec.template != ANKI:
                backs.setdefault(spec.front, set()).add(spec.back)
        return {front for front, found in backs.items() if len(found) > 1}

    clashing = collisions(specs)
    if not clashing:
        return specs

    def where(spec: CardSpec) -> tuple[str, str]:
        return headings.get(spec.section_key) or "", groups.get(spec.item_key or "") or ""

    # Only what differs between the cards sharing a front is worth saying.
    varies: dict[str, tuple[bool, bool]] = {}
    for front in clashing:
        places = [where(spec) for spec in specs if spec.front == front]
        varies[front] = (len({h for h, _ in places}) > 1, len({g for _, g in places}) > 1)
    told_apart = []
    for spec in specs:
        if spec.front in clashing:
            heading, group = where(spec)
            by_heading, by_group = varies[spec.front]
            label = " · ".join(p for p in (heading if by_heading else "", group if by_group else "") if p)
            if label:
                spec = replace(spec, front=f"{spec.front} ({label})")
        told_apart.append(spec)
    clashing = collisions(told_apart)
    merged: dict[str, CardSpec] = {}
    out = []
    for spec in told_apart:
        if spec.front not in clashing:
            out.append(spec)
            continue
        first = merged.get(spec.front)
        if first is None:
            merged[spec.front] = spec
            out.append(spec)
        elif spec.back not in first.back.split("\n"):
            combined = replace(first, back=f"{first.back}\n{spec.back}")
            out[out.index(first)] = combined
            merged[spec.front] = combined
    return out


def _cloze(section: SectionSource, items: list[ItemSource]) -> list[CardSpec]:
    if not CLOZE_MIN_ITEMS <= len(items) <= CLOZE_MAX_ITEMS:
        return []
    specs = []
    for n, item in enumerate(items):
        cues = [items[n - 1].term if n > 0 else "(start)", "[…]"]
        cues.append(items[n + 1].term if n + 1 < len(items) else "(end)")
        front = f"{section.heading}, item {n + 1} of {len(items)}: {' → '.join(cues)}"
        specs.append(_spec(CLOZE, item.key, front, item.term, section, item.key))
    return specs


def _gloss_items(section: SectionSource, items: list[ItemSource]) -> list[CardSpec]:
    by_gloss: dict[str, list[ItemSource]] = {}
    if section.kind == "drugs":
        # A class's drugs are every drug whose class says it: `Carbamazepine (anticonvulsant; first choice)` is
        # an anticonvulsant and `Diclofenac gel (topical NSAID)` an NSAID. A card that asked for them and left
        # one out would teach a wrong list.
        classes = {item.key: terms.gloss_class(item.gloss) for item in items if item.gloss}
        for name in dict.fromkeys(classes.values()):
            phrase = f" {terms.normalise(name)} "
            by_gloss[name] = [
                item
                for item in items
                if item.key in classes and phrase in f" {terms.normalise(classes[item.key])} "
            ]
    else:
        for item in items:
            if item.gloss:
                by_gloss.setdefault(item.gloss, []).append(item)
    noun = _PLURAL.get(section.kind, "items")

    def front(gloss: str) -> str:
        # Only a drug's gloss names a class the items *are*; elsewhere it is a note the items share.
        if section.kind == "drugs":
            return f"Which listed {noun} ({section.heading}) are {plural_class(gloss)}?"
        return f"Which listed {noun} ({section.heading}) go with “{gloss}”?"

    return [
        _spec(
            GLOSS_ITEMS,
            f"{section.key}:{slug(gloss)}",
            front(gloss),
            ", ".join(i.term for i in members),
            section,
        )
        for gloss, members in by_gloss.items()
        if len(members) >= GLOSS_ITEMS_MIN_SHARED
    ]


def _group_members(deck_title: str, section: SectionSource, items: list[ItemSource]) -> list[CardSpec]:
    groups: dict[str, list[ItemSource]] = {}
    for item in items:
        if item.group:
            groups.setdefault(item.group, []).append(item)
    verb = _GROUP_VERB.get(section.kind)
    condition = condition_phrase(deck_title)
    specs = []
    for name, members in groups.items():
        if section.kind == "types" and name.lower().startswith("by "):
            by = " ".join(_lower_word(word) for word in name.split())
            front = f"Types of {condition} {by}? ({len(members)})"
        elif verb:
            front = f"{name} {verb} {condition}? ({len(members)})"
        else:
            front = f"{section.heading}: {name}? ({len(members)})"
        specs.append(
            _spec(
                GROUP_MEMBERS,
                f"{section.key}:{slug(name)}",
                front,
                ", ".join(i.term for i in members),
                section,
            )
        )
    return specs


def _list_recall(section: SectionSource, items: list[ItemSource]) -> list[CardSpec]:
    if len(items) < 2:
        return []
    front = f"List all {len(items)}: {section.heading}"
    return [_spec(LIST_RECALL, section.key, front, "\n".join(i.term for i in items), section)]
