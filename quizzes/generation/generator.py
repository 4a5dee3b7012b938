"""Multiple-choice questions generated from the knowledge base. PURE: a KnowledgeBase and a random.Random in,
GeneratedQuestion values out; the same seed gives the same questions.

Every question records its criterion (deck, section kind, gloss or group) and the complete set of knowledge-base
entries that satisfy it (`correct_terms`). The answer satisfies it and no distractor does; names are compared
after `normalise`, and a name whose content words are all in another counts as the same thing (`Renal cell
carcinoma` and `Metastatic renal cell carcinoma`). A criterion that cannot make a valid question is skipped.

Entry points: `generate_questions` (a quiz by rules), `generate_question` (one question about a chosen item).
Names are compared with the rules of `names.py`; `checks.question_problems` re-checks a question.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence

from quizzes.generation.names import (
    classes_overlap,
    gloss_satisfies,
    names_clash,
    normalise,
)
from quizzes.generation.questions import (
    _NOT_LIST_KINDS,
    _UNCLASSIFIED_GROUPS,
    FAQ,
    GLOSS_CLASS_KINDS,
    GLOSS_TO_ITEM,
    GROUP_MEMBER,
    ITEM_TO_GLOSS,
    LIST_PHRASES,
    MEMBER,
    NOT_MEMBER,
    OPTION_COUNT,
    QUESTION_KINDS,
    RELATED_KINDS,
    GeneratedQuestion,
    _clashes_any,
    _Index,
    _Option,
    _options_from_items,
    _unique_glosses,
    _unique_terms,
)
from quizzes.knowledge import KnowledgeBase, KnowledgeDeck, KnowledgeItem

# --- Choosing options so that their form does not give the answer away -------------------------------------


def _distance(text: str, target: str) -> float:
    return abs(math.log((len(text) + 1) / (len(target) + 1))) + 0.25 * abs(
        len(text.split()) - len(target.split())
    )


def _pick_similar(
    pool: Sequence[_Option], target: str, n: int, rng: random.Random, avoid: Sequence[_Option]
) -> list[_Option] | None:
    """n options from pool, close to target in length and word count, none clashing with each other or avoid."""
    shuffled = list(pool)
    rng.shuffle(shuffled)
    shuffled.sort(key=lambda option: _distance(option.text, target))  # stable: ties stay in rng order
    window = shuffled[: max(2 * n, 6)]
    rng.shuffle(window)
    chosen: list[_Option] = []
    for option in window + shuffled[len(window) :]:
        if any(_clashes_any(option.names, other.names) for other in [*avoid, *chosen]):
            continue
        chosen.append(option)
        if len(chosen) == n:
            return chosen
    return None


def _is_longest(text: str, others: Sequence[str]) -> bool:
    return all(len(text) >= len(other) for other in others)


def _rebalance_longest(
    correct: _Option,
    distractors: list[_Option],
    pool: Sequence[_Option],
    rng: random.Random,
) -> list[_Option]:
    """When the correct option came out longest, usually swap in a slightly longer distractor instead.

    Without this, an answer that is long for its list is the longest option far more often than a quarter of
    the time, and test-wise learners learn to pick the longest option.
    """
    if not _is_longest(correct.text, [d.text for d in distractors]) or rng.random() < 0.5:
        return distractors
    longer = sorted(
        (
            option
            for option in pool
            if len(option.text) > len(correct.text)
            and len(option.text) <= 2 * len(correct.text) + 10
            and option not in distractors
        ),
        key=lambda option: len(option.text),
    )
    keep = sorted(distractors, key=lambda option: len(option.text))[1:]
    for option in longer:
        if not any(_clashes_any(option.names, other.names) for other in [correct, *keep]):
            return [*keep, option]
    return distractors


def _arrange(correct: _Option, pool: list[_Option], rng: random.Random):
    """Distractors of a form and length like the answer's, then the options in order; None when too few."""
    distractors = _pick_similar(pool, correct.text, OPTION_COUNT - 1, rng, [correct])
    if distractors is None:
        return None
    distractors = _rebalance_longest(correct, distractors, pool, rng)
    return _place(correct, distractors, rng)


def _place(correct: _Option, distractors: Sequence[_Option], rng: random.Random) -> tuple[list[_Option], int]:
    options = list(distractors)
    rng.shuffle(options)
    position = rng.randrange(len(options) + 1)
    options.insert(position, correct)
    return options, position


def _article(phrase: str) -> str:
    word = phrase.split()[0] if phrase.split() else ""
    if word.isupper() and len(word) > 1:
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    return "an" if word[:1].lower() in "aeiou" else "a"


def _join(terms: Sequence[str]) -> str:
    return terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]


# --- Builders, one per question kind ------------------------------------------------------------------------


def _list_distractor_pool(
    index: _Index, deck_slug: str, kind: str, blocked: Sequence[str], *, enough: int
) -> list[_Option]:
    """Entries of the same kind of list in other decks (causes of other conditions); only when fewer than
    `enough`, also entries of unrelated lists of the same deck. Nothing that clashes with `blocked`."""
    same_kind = [i for i in index.items if i.deck_slug != deck_slug and i.section_kind == kind]
    if kind in GLOSS_CLASS_KINDS:
        # Another condition's NSAID is no wrong answer to "a drug treatment for X" when X lists NSAIDs.
        listed = [i.gloss for i in index.list_items(deck_slug, [kind]) if i.gloss.strip()]
        same_kind = [
            i for i in same_kind if not any(classes_overlap(i.gloss, g) for g in listed if i.gloss.strip())
        ]
    excluded = {kind, *RELATED_KINDS.get(kind, ()), *_NOT_LIST_KINDS}
    other_lists = [
        i
        for i in index.items
        if i.deck_slug == deck_slug and i.section_kind not in excluded and i.section_kind
    ]
    tier1 = [o for o in _options_from_items(index, same_kind) if not _clashes_any(o.names, blocked)]
    if len(tier1) >= enough:
        return tier1
    tier2 = [o for o in _options_from_items(index, other_lists) if not _clashes_any(o.names, blocked)]
    return tier1 + [o for o in tier2 if not any(_clashes_any(o.names, t.names) for t in tier1)]


def _blocked_names(index: _Index, items: Iterable[KnowledgeItem]) -> list[str]:
    return list(dict.fromkeys(name for item in items for name in index.names(item)))


def _member(
    index: _Index, deck_slug: str, kind: str, anchor: KnowledgeItem, rng: random.Random
) -> GeneratedQuestion | None:
    members = index.list_items(deck_slug, [kind])
    blocked = _blocked_names(index, index.list_items(deck_slug, [kind, *RELATED_KINDS.get(kind, ())]))
    correct = next(
        o for o in _options_from_items(index, members) if normalise(o.text) == normalise(anchor.term)
    )
    pool = _list_distractor_pool(index, deck_slug, kind, blocked, enough=OPTION_COUNT - 1)
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    phrase = LIST_PHRASES[kind].format(condition=index.condition(deck_slug))
    return _question(
        kind=MEMBER,
        stem=f"Which of these is {phrase}?",
        options=options,
        answer=position,
        section=kind,
        correct_terms=_unique_terms(members),
        deck_slug=deck_slug,
        explanation=f"{correct.text} is listed under {index.list_name(deck_slug, kind)}; "
        "the other options are not on that list.",
    )


def _not_member(
    index: _Index, deck_slug: str, kind: str, anchor: KnowledgeItem, rng: random.Random
) -> GeneratedQuestion | None:
    members = _options_from_items(index, index.list_items(deck_slug, [kind]))
    anchor_option = next(o for o in members if normalise(o.text) == normalise(anchor.term))
    others = [o for o in members if o is not anchor_option]
    rest = _pick_similar(others, anchor_option.text, OPTION_COUNT - 2, rng, [anchor_option])
    if rest is None:
        return None
    inside = [anchor_option, *rest]
    blocked = _blocked_names(index, index.list_items(deck_slug, [kind, *RELATED_KINDS.get(kind, ())]))
    pool = _list_distractor_pool(index, deck_slug, kind, blocked, enough=2)
    target = sorted(inside, key=lambda o: len(o.text))[len(inside) // 2].text
    found = _pick_similar(pool, target, 1, rng, inside)
    if found is None:
        return None
    correct = found[0]
    # The odd one out should not stand out as the longest either.
    if _is_longest(correct.text, [o.text for o in inside]) and rng.random() >= 0.5:
        shorter = [o for o in pool if len(o.text) < max(len(i.text) for i in inside)]
        found = _pick_similar(shorter, target, 1, rng, inside)
        correct = found[0] if found else correct
    options, position = _place(correct, inside, rng)
    phrase = LIST_PHRASES[kind].format(condition=index.condition(deck_slug))
    source = correct.items[0]
    return _question(
        kind=NOT_MEMBER,
        stem=f"Which of these is NOT {phrase}?",
        options=options,
        answer=position,
        section=kind,
        correct_terms=_unique_terms(index.list_items(deck_slug, [kind])),
        deck_slug=deck_slug,
        negated=True,
        explanation=f"{_join([o.text for o in inside])} are listed under {index.list_name(deck_slug, kind)}; "
        f"{correct.text} is not (it comes from {index.list_name(source.deck_slug, source.section_kind)}).",
    )


def _item_to_gloss(index: _Index, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    same_term = [i for i in index.items if normalise(i.term) == normalise(anchor.term) and i.gloss.strip()]
    related = [i for i in index.items if names_clash(i.term, anchor.term) and i.gloss.strip()]
    correct_glosses = _unique_glosses(same_term)
    related_glosses = [i.gloss for i in related]
    glosses: dict[str, _Option] = {}
    for item in index.items:
        if (
            index.is_class_gloss(item)
            and not names_clash(item.gloss, anchor.term)
            and not any(classes_overlap(item.gloss, gloss) for gloss in related_glosses)
        ):
            glosses.setdefault(normalise(item.gloss), _Option(item.gloss, (), (item.gloss,)))
    correct = _Option(anchor.gloss, (anchor,), (anchor.gloss,))
    pool = list(glosses.values())
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    return _question(
        kind=ITEM_TO_GLOSS,
        stem=f"{anchor.term} is best described as?",
        options=options,
        answer=position,
        section=anchor.section_kind,
        gloss=anchor.gloss,
        correct_terms=correct_glosses,
        deck_slug=anchor.deck_slug,
        item_ids=(anchor.id,),
        explanation=f"{anchor.term} is listed as {anchor.gloss} under "
        f"{index.list_name(anchor.deck_slug, anchor.section_kind)}.",
    )


def _gloss_to_item(index: _Index, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    satisfying = [i for i in index.items if gloss_satisfies(i.gloss, anchor.gloss)]
    uncertain = [i for i in index.items if i.gloss.strip() and classes_overlap(i.gloss, anchor.gloss)]
    blocked = _blocked_names(index, [*satisfying, *uncertain])
    correct = next(
        o for o in _options_from_items(index, satisfying) if normalise(o.text) == normalise(anchor.term)
    )
    candidates = [
        i
        for i in index.items
        if i.section_kind in GLOSS_CLASS_KINDS
        and i.gloss.strip()
        and not classes_overlap(i.gloss, anchor.gloss)
    ]
    pool = [o for o in _options_from_items(index, candidates) if not _clashes_any(o.names, blocked)]
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    also = [t for t in _unique_terms(satisfying) if normalise(t) != normalise(correct.text)]
    explanation = (
        f"{correct.text} is listed as {anchor.gloss} under "
        f"{index.list_name(anchor.deck_slug, anchor.section_kind)}."
    )
    if also:
        explanation += f" Also listed as {anchor.gloss}: {_join(also)}."
    return _question(
        kind=GLOSS_TO_ITEM,
        stem=f"Which of these is {_article(anchor.gloss)} {anchor.gloss}?",
        options=options,
        answer=position,
        section=anchor.section_kind,
        gloss=anchor.gloss,
        correct_terms=_unique_terms(satisfying),
        deck_slug=anchor.deck_slug,
        explanation=explanation,
    )


def _singular_phrase(group: str) -> str | None:
    words = group.split()
    if not words or not words[-1].lower().endswith("s") or words[-1].lower().endswith("ss"):
        return None
    words[-1] = words[-1][:-1]
    phrase = " ".join(words)
    if phrase[0].isupper() and (len(phrase) < 2 or phrase[1].islower()):
        phrase = phrase[0].lower() + phrase[1:]
    return phrase


def _group_member(index: _Index, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    group = normalise(anchor.group)
    in_group = [i for i in index.items if i.group and normalise(i.group) == group]
    blocked = _blocked_names(index, in_group)
    correct = next(
        o for o in _options_from_items(index, in_group) if normalise(o.text) == normalise(anchor.term)
    )
    # Sibling groups are categories the list itself says are different; ungrouped entries are unknown, and
    # another deck's groups may be the same category under another name ("By region", "By location").
    siblings = [
        i
        for i in index.items
        if i.deck_slug == anchor.deck_slug
        and i.section_kind == anchor.section_kind
        and i.group
        and normalise(i.group) != group
        and normalise(i.group) not in _UNCLASSIFIED_GROUPS
    ]
    pool = [o for o in _options_from_items(index, siblings) if not _clashes_any(o.names, blocked)]
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    phrase = _singular_phrase(anchor.group)
    where = index.list_name(anchor.deck_slug, anchor.section_kind)
    stem = (
        f"Which of these is {_article(phrase)} {phrase}?"
        if phrase
        else f"Which of these is listed under “{anchor.group}” in {where}?"
    )
    return _question(
        kind=GROUP_MEMBER,
        stem=stem,
        options=options,
        answer=position,
        section=anchor.section_kind,
        group=anchor.group,
        correct_terms=_unique_terms(in_group),
        deck_slug=anchor.deck_slug,
        explanation=f"{correct.text} is listed under “{anchor.group}” in {where}.",
    )


def _polarity(answer: str) -> str | None:
    """`yes` or `no` when an answer opens with one: a second "Yes, …" option to a yes/no question would be
    half right."""
    words = normalise(answer).split()
    return words[0] if words and words[0] in ("yes", "no") else None


def _faq(index: _Index, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    faqs = [i for i in index.items if i.section_kind == FAQ and i.answer.strip()]
    same_question = [i for i in faqs if normalise(i.term) == normalise(anchor.term)]
    correct_answers = tuple(dict.fromkeys(i.answer for i in same_question))
    correct = _Option(anchor.answer, tuple(same_question), correct_answers)
    near = [i for i in faqs if i.deck_slug == anchor.deck_slug]
    far = [i for i in faqs if i.deck_slug != anchor.deck_slug]
    pool: list[_Option] = []
    seen: set[str] = set()
    polarity = {_polarity(a) for a in correct_answers} - {None}
    for item in [*near, *far]:
        key = normalise(item.answer)
        if key in seen or _clashes_any([item.answer], correct_answers) or _polarity(item.answer) in polarity:
            continue
        seen.add(key)
        pool.append(_Option(item.answer, (item,), (item.answer,)))
    if len([o for o in pool if o.items[0].deck_slug == anchor.deck_slug]) >= 2 * (OPTION_COUNT - 1):
        pool = [o for o in pool if o.items[0].deck_slug == anchor.deck_slug]
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    return _question(
        kind=FAQ,
        stem=anchor.term,
        options=options,
        answer=position,
        section=FAQ,
        correct_terms=correct_answers,
        deck_slug=anchor.deck_slug,
        item_ids=tuple(i.id for i in same_question),
        explanation=f"From {index.list_name(anchor.deck_slug, FAQ)}.",
    )


def _question(
    *,
    kind: str,
    stem: str,
    options: list[_Option],
    answer: int,
    section: str | None,
    correct_terms: tuple[str, ...],
    deck_slug: str,
    explanation: str,
    gloss: str | None = None,
    group: str | None = None,
    negated: bool = False,
    item_ids: tuple[int, ...] | None = None,
) -> GeneratedQuestion:
    option_item_ids = tuple(tuple(item.id for item in option.items) for option in options)
    return GeneratedQuestion(
        kind=kind,
        stem=stem,
        options=tuple(option.text for option in options),
        answer=answer,
        section=section,
        gloss=gloss,
        group=group,
        correct_terms=correct_terms,
        item_ids=item_ids if item_ids is not None else option_item_ids[answer],
        deck_slug=deck_slug,
        explanation=explanation,
        negated=negated,
        option_item_ids=option_item_ids,
    )


# --- Entry point --------------------------------------------------------------------------------------------


def _candidates(
    index: _Index, decks: Sequence[KnowledgeDeck], section_kinds: set[str] | None, kinds: set[str]
) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {kind: [] for kind in QUESTION_KINDS if kind in kinds}
    for deck in decks:
        for item in deck.items():
            if not item.term.strip() or (
                section_kinds is not None and item.section_kind not in section_kinds
            ):
                continue
            if item.section_kind in LIST_PHRASES:
                if MEMBER in found:
                    found[MEMBER].append((MEMBER, item))
                if NOT_MEMBER in found:
                    found[NOT_MEMBER].append((NOT_MEMBER, item))
            if index.is_class_gloss(item):
                if ITEM_TO_GLOSS in found:
                    found[ITEM_TO_GLOSS].append((ITEM_TO_GLOSS, item))
                if GLOSS_TO_ITEM in found:
                    found[GLOSS_TO_ITEM].append((GLOSS_TO_ITEM, item))
            if (
                GROUP_MEMBER in found
                and item.group.strip()
                and normalise(item.group) not in _UNCLASSIFIED_GROUPS
            ):
                found[GROUP_MEMBER].append((GROUP_MEMBER, item))
            if FAQ in found and item.section_kind == FAQ and item.answer.strip():
                found[FAQ].append((FAQ, item))
    return found


def _build(index: _Index, kind: str, item: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    if kind == MEMBER:
        return _member(index, item.deck_slug, item.section_kind, item, rng)
    if kind == NOT_MEMBER:
        return _not_member(index, item.deck_slug, item.section_kind, item, rng)
    if kind == ITEM_TO_GLOSS:
        return _item_to_gloss(index, item, rng)
    if kind == GLOSS_TO_ITEM:
        return _gloss_to_item(index, item, rng)
    if kind == GROUP_MEMBER:
        return _group_member(index, item, rng)
    return _faq(index, item, rng)


def generate_question(
    kb: KnowledgeBase, *, kind: str, item_id: int, rng: random.Random
) -> GeneratedQuestion | None:
    """One question of `kind` whose answer is about the item `item_id` (for hand-picked questions), or None
    when that item cannot make a valid question of that kind."""
    index = _Index(kb)
    item = next((i for i in index.items if i.id == item_id), None)
    if item is None or kind not in QUESTION_KINDS:
        return None
    deck = kb.deck(item.deck_slug)
    eligible = _candidates(index, [deck] if deck else [], None, {kind}).get(kind, [])
    if not any(candidate.id == item.id for _, candidate in eligible):
        return None
    return _build(index, kind, item, rng)


def generate_questions(
    kb: KnowledgeBase,
    *,
    count: int,
    rng: random.Random,
    deck_slugs: Iterable[str] | None = None,
    section_kinds: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> list[GeneratedQuestion]:
    """Up to `count` valid questions about the decks in `deck_slugs` (all when None), drawing distractors from
    the whole knowledge base. Kinds take turns; no item is the answer twice. Fewer come back when the lists
    cannot support more valid questions."""
    index = _Index(kb)
    wanted = set(deck_slugs) if deck_slugs is not None else None
    decks = [deck for deck in kb.decks if wanted is None or deck.slug in wanted]
    by_kind = _candidates(
        index,
        decks,
        set(section_kinds) if section_kinds is not None else None,
        set(kinds) if kinds is not None else set(QUESTION_KINDS),
    )
    for queue in by_kind.values():
        rng.shuffle(queue)
    turn = [kind for kind in QUESTION_KINDS if by_kind.get(kind)]
    rng.shuffle(turn)
    questions: list[GeneratedQuestion] = []
    used_items: set[int] = set()
    seen: set[tuple[str, str]] = set()
    while len(questions) < count and turn:
        for kind in list(turn):
            if len(questions) >= count:
                break
            queue = by_kind[kind]
            while queue:
                _, item = queue.pop()
                if item.id in used_items:
                    continue
                question = _build(index, kind, item, rng)
                if (
                    question is None
                    or (question.stem, question.correct_option) in seen
                    or used_items.intersection(question.item_ids)
                ):
                    continue
                questions.append(question)
                used_items.update(question.item_ids)
                used_items.add(item.id)
                seen.add((question.stem, question.correct_option))
                break
            if not queue:
                turn.remove(kind)
    return questions
