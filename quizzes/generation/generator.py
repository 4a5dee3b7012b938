"""Multiple-choice questions generated from the knowledge base. PURE: a KnowledgeBase and a random.Random in,
GeneratedQuestion values out; the same seed gives the same questions.

Every question records its criterion (deck, section kind, gloss or group) and the complete set of knowledge-base
entries that satisfy it (`correct_terms`). The answer satisfies it and no distractor is equivalent to any of them
(studyapp.terms: `Neurological examination` is `Detailed neurological exam`, `MRI` is `Magnetic resonance
imaging`). Every option is the same kind of thing as the answer (drugs among drugs, drug classes among drug
classes, sub-groups of one dimension); a question that cannot be made so is skipped, never padded.

Cost is linear in the size of the library: indexes are built once per call, and each question then does a
bounded amount of work (pools are sampled to POOL_SAMPLE entries), so a list of 50,000 entries is fine.

Entry points: `generate_questions` (a quiz by rules), `generate_question` (one question about a chosen item).
Names are compared with the rules of `names.py`; `checks.question_problems` re-checks a question.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence

from quizzes.generation.library import (
    NAMED_BY_CONDITION_KINDS,
    POOL_SAMPLE,
    _Library,
    _sample,
    group_dimension,
)
from quizzes.generation.names import classes_overlap, gloss_satisfies, names_clash, normalise
from quizzes.generation.questions import (
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
    GeneratedQuestion,
    _clashes_any,
    _Option,
    _unique_glosses,
    _unique_terms,
)
from quizzes.knowledge import KnowledgeBase, KnowledgeDeck, KnowledgeItem
from studyapp import terms

# --- Choosing options so that their form does not give the answer away -------------------------------------


def _distance(text: str, target: str) -> float:
    return abs(math.log((len(text) + 1) / (len(target) + 1))) + 0.25 * abs(
        len(text.split()) - len(target.split())
    )


def _pick_similar(
    pool: Sequence[_Option], target: str, n: int, rng: random.Random, avoid: Sequence[_Option]
) -> list[_Option] | None:
    """n options from pool, close to target in length and word count, none equivalent to each other or avoid."""
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
    for option in longer[:50]:
        if not any(_clashes_any(option.names, other.names) for other in [correct, *keep]):
            return [*keep, option]
    return distractors


def _arrange(correct: _Option, pool: Sequence[_Option], rng: random.Random):
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


def _join(terms_: Sequence[str]) -> str:
    return terms_[0] if len(terms_) == 1 else ", ".join(terms_[:-1]) + " and " + terms_[-1]


# --- Builders, one per question kind ------------------------------------------------------------------------
# Every option of a question is the same kind of thing as its answer (the NBME rule): list questions draw wrong
# options from the same kind of list in other decks, gloss questions from drugs and drug classes, sub-group
# questions from sibling groups of the same dimension. A question that cannot be homogeneous is not made.


def _member(lib: _Library, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    deck_slug, kind = anchor.deck_slug, anchor.section_kind
    if kind in NAMED_BY_CONDITION_KINDS and lib.names_its_condition(anchor):
        return None  # "Which is a type of asthma? Allergic asthma" answers itself
    pool = lib.list_pool(deck_slug, kind)
    if len(pool) < OPTION_COUNT - 1:
        return None
    correct = lib.list_option(deck_slug, kind, anchor.term)
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    phrase = LIST_PHRASES[kind].format(condition=lib.condition(deck_slug))
    return _question(
        kind=MEMBER,
        stem=f"Which of these is {phrase}?",
        options=options,
        answer=position,
        section=kind,
        correct_terms=lib.list_terms(deck_slug, kind),
        deck_slug=deck_slug,
        explanation=f"{correct.text} is listed under {lib.list_name(deck_slug, kind)}; "
        "the other options are not on that list.",
    )


_OTHERS_SAMPLE = 200


def _others_from_list(
    lib: _Library, deck_slug: str, kind: str, anchor: _Option, n: int, rng: random.Random
) -> list[_Option] | None:
    """n further entries of the anchor's list, none equivalent to another: drawn at random, a bounded number
    of tries, so a list of 50,000 costs what a list of 20 does."""
    entries = lib.list_entries(deck_slug, kind)
    keys = list(entries) if len(entries) <= _OTHERS_SAMPLE else rng.sample(list(entries), _OTHERS_SAMPLE)
    anchor_key = normalise(anchor.text)
    others = [lib.option(entries[key]) for key in keys if key != anchor_key]
    if kind in NAMED_BY_CONDITION_KINDS:
        # Listed entries that name the condition are plainly on its list: not worth an option.
        others = [o for o in others if not lib.names_its_condition(o.items[0])]
    return _pick_similar(others, anchor.text, n, rng, [anchor])


def _not_member(lib: _Library, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    deck_slug, kind = anchor.deck_slug, anchor.section_kind
    pool = lib.list_pool(deck_slug, kind)
    if not pool:
        return None
    if kind in NAMED_BY_CONDITION_KINDS and lib.names_its_condition(anchor):
        return None
    anchor_option = lib.list_option(deck_slug, kind, anchor.term)
    rest = _others_from_list(lib, deck_slug, kind, anchor_option, OPTION_COUNT - 2, rng)
    if rest is None:
        return None
    inside = [anchor_option, *rest]
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
    phrase = LIST_PHRASES[kind].format(condition=lib.condition(deck_slug))
    source = correct.items[0]
    return _question(
        kind=NOT_MEMBER,
        stem=f"Which of these is NOT {phrase}?",
        options=options,
        answer=position,
        section=kind,
        correct_terms=lib.list_terms(deck_slug, kind),
        deck_slug=deck_slug,
        negated=True,
        explanation=f"{_join([o.text for o in inside])} are listed under {lib.list_name(deck_slug, kind)}; "
        f"{correct.text} is not (it comes from {lib.list_name(source.deck_slug, source.section_kind)}).",
    )


def _item_to_gloss(lib: _Library, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    anchor_norm = normalise(anchor.term)
    related = lib.glossed_terms().matches(anchor.term)
    same_term = [i for i in related if normalise(i.term) == anchor_norm]
    correct_glosses = tuple(dict.fromkeys(terms.gloss_class(g) for g in _unique_glosses(same_term)))
    related_glosses = list(dict.fromkeys(i.gloss for i in related))
    pool = [
        _Option(gloss, (), (gloss,))
        for gloss in lib.class_glosses().values()
        if not names_clash(gloss, anchor.term)
        and not any(classes_overlap(gloss, other) for other in related_glosses)
    ]
    asked = terms.gloss_class(anchor.gloss)
    correct = _Option(asked, (anchor,), (asked,))
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    return _question(
        kind=ITEM_TO_GLOSS,
        stem=f"What best describes {anchor.term}?",
        options=options,
        answer=position,
        section=anchor.section_kind,
        gloss=anchor.gloss,
        correct_terms=correct_glosses,
        deck_slug=anchor.deck_slug,
        item_ids=(anchor.id,),
        explanation=f"{anchor.term} is listed as {anchor.gloss} under "
        f"{lib.list_name(anchor.deck_slug, anchor.section_kind)}.",
    )


def _gloss_to_item(lib: _Library, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    by_gloss = lib.items_by_gloss()
    # Asked as the class it names: "Which of these is an anticonvulsant?", not "… an anticonvulsant; first choice?"
    asked = terms.gloss_class(anchor.gloss)
    satisfying = [i for g, items in by_gloss.items() if gloss_satisfies(g, asked) for i in items]
    uncertain = [i for g, items in by_gloss.items() if classes_overlap(items[0].gloss, asked) for i in items]
    blocked: terms.TermIndex = terms.TermIndex(
        (name, 0) for item in [*satisfying, *uncertain] for name in lib.names(item)
    )
    correct = next(
        o for o in lib.options_from_items(satisfying) if normalise(o.text) == normalise(anchor.term)
    )
    candidates = [
        i
        for kind in GLOSS_CLASS_KINDS
        for i in lib.by_kind.get(kind, ())
        if i.gloss.strip() and not classes_overlap(i.gloss, asked)
    ]
    candidates = _sample(candidates, POOL_SAMPLE, f"gloss:{normalise(asked)}")
    pool = [
        o
        for o in lib.options_from_items(candidates)
        if not any(blocked.matches_any(name) for name in o.names)
    ]
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    also = [t for t in _unique_terms(satisfying) if normalise(t) != normalise(correct.text)]
    explanation = (
        f"{correct.text} is listed as {anchor.gloss} under "
        f"{lib.list_name(anchor.deck_slug, anchor.section_kind)}."
    )
    if also:
        explanation += f" Also listed as {asked}: {_join(also)}."
    return _question(
        kind=GLOSS_TO_ITEM,
        stem=f"Which of these is {_article(asked)} {asked}?",
        options=options,
        answer=position,
        section=anchor.section_kind,
        gloss=asked,
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


def _group_member(lib: _Library, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    group = normalise(anchor.group)
    dimension = group_dimension(anchor.section_kind, anchor.group)
    in_group = lib.items_by_group()[group]

    def build_pool():
        # Sibling groups of the same dimension are categories the list itself says are different; ungrouped
        # entries are unknown, and another deck's groups may be the same category under another name.
        siblings = [
            i
            for i in lib.by_list[(anchor.deck_slug, anchor.section_kind)]
            if i.group
            and normalise(i.group) != group
            and normalise(i.group) not in _UNCLASSIFIED_GROUPS
            and group_dimension(i.section_kind, i.group) == dimension
        ]
        siblings = _sample(siblings, POOL_SAMPLE, f"group:{anchor.deck_slug}:{group}")
        blocked: terms.TermIndex = terms.TermIndex((name, 0) for item in in_group for name in lib.names(item))
        return [
            o for o in lib.options_from_items(siblings) if not any(blocked.matches_any(n) for n in o.names)
        ]

    pool = lib._cached(("group-pool", anchor.deck_slug, anchor.section_kind, group), build_pool)
    if len(pool) < OPTION_COUNT - 1:
        return None
    correct = next(o for o in lib.options_from_items(in_group) if normalise(o.text) == normalise(anchor.term))
    arranged = _arrange(correct, pool, rng)
    if arranged is None:
        return None
    options, position = arranged
    phrase = _singular_phrase(anchor.group)
    where = lib.list_name(anchor.deck_slug, anchor.section_kind)
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


def _faq(lib: _Library, anchor: KnowledgeItem, rng: random.Random) -> GeneratedQuestion | None:
    by_question = lib._cached(
        ("faq-by-question",),
        lambda: _group_by(lib.faqs, lambda i: normalise(i.term)),
    )
    same_question = by_question[normalise(anchor.term)]
    correct_answers = tuple(dict.fromkeys(i.answer for i in same_question))
    correct = _Option(anchor.answer, tuple(same_question), correct_answers)
    near = [i for i in lib.faqs if i.deck_slug == anchor.deck_slug]
    far = _sample([i for i in lib.faqs if i.deck_slug != anchor.deck_slug], POOL_SAMPLE, "faq")
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
        explanation=f"From {lib.list_name(anchor.deck_slug, FAQ)}.",
    )


def _group_by(items, key) -> dict:
    found: dict = {}
    for item in items:
        found.setdefault(key(item), []).append(item)
    return found


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


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
        # Group members are written in lower case (`Hematologic: lymphoma, …`); shown as they are, the odd one
        # out would stand out by its form.
        options=tuple(
            option.text if kind in (ITEM_TO_GLOSS, FAQ) else _capitalised(option.text) for option in options
        ),
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
    lib: _Library, decks: Sequence[KnowledgeDeck], section_kinds: set[str] | None, kinds: set[str]
) -> dict[str, list[KnowledgeItem]]:
    found: dict[str, list[KnowledgeItem]] = {kind: [] for kind in QUESTION_KINDS if kind in kinds}
    for deck in decks:
        for item in deck.items():
            if not item.term.strip() or (
                section_kinds is not None and item.section_kind not in section_kinds
            ):
                continue
            if item.section_kind in LIST_PHRASES:
                if MEMBER in found:
                    found[MEMBER].append(item)
                if NOT_MEMBER in found:
                    found[NOT_MEMBER].append(item)
            if (ITEM_TO_GLOSS in found or GLOSS_TO_ITEM in found) and lib.is_class_gloss(item):
                if ITEM_TO_GLOSS in found:
                    found[ITEM_TO_GLOSS].append(item)
                if GLOSS_TO_ITEM in found:
                    found[GLOSS_TO_ITEM].append(item)
            if (
                GROUP_MEMBER in found
                and item.group.strip()
                and normalise(item.group) not in _UNCLASSIFIED_GROUPS
            ):
                found[GROUP_MEMBER].append(item)
            if FAQ in found and item.section_kind == FAQ and item.answer.strip():
                found[FAQ].append(item)
    return found


_BUILDERS = {
    MEMBER: _member,
    NOT_MEMBER: _not_member,
    ITEM_TO_GLOSS: _item_to_gloss,
    GLOSS_TO_ITEM: _gloss_to_item,
    GROUP_MEMBER: _group_member,
    FAQ: _faq,
}


def generate_question(
    kb: KnowledgeBase, *, kind: str, item_id: int, rng: random.Random
) -> GeneratedQuestion | None:
    """One question of `kind` whose answer is about the item `item_id` (for hand-picked questions), or None
    when that item cannot make a valid question of that kind."""
    lib = _Library(kb)
    item = next((i for i in lib.items if i.id == item_id), None)
    if item is None or kind not in QUESTION_KINDS:
        return None
    deck = kb.deck(item.deck_slug)
    eligible = _candidates(lib, [deck] if deck else [], None, {kind}).get(kind, [])
    if not any(candidate.id == item.id for candidate in eligible):
        return None
    return _BUILDERS[kind](lib, item, rng)


# After this many failed tries in a row a kind is given up for the quiz: a list whose every entry fails (no
# homogeneous pool) must not cost one failed build per entry of a 50,000-item list.
MAX_FAILURES_PER_KIND = 60


def generate_questions(
    kb: KnowledgeBase,
    *,
    count: int,
    rng: random.Random,
    deck_slugs: Iterable[str] | None = None,
    section_kinds: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    avoid: Iterable[tuple[str, str]] = (),
) -> list[GeneratedQuestion]:
    """Up to `count` valid questions about the decks in `deck_slugs` (all when None), drawing distractors from
    the whole knowledge base. Kinds take turns; no item is the answer twice. Fewer come back when the lists
    cannot support more valid questions: the caller says so rather than padding with weaker ones. `avoid`
    holds (stem, correct option) pairs never to ask (questions the learner reported).

    Cost: one pass over the knowledge base to index it, then a bounded amount of work per question."""
    lib = _Library(kb)
    wanted = set(deck_slugs) if deck_slugs is not None else None
    decks = [deck for deck in kb.decks if wanted is None or deck.slug in wanted]
    by_kind = _candidates(
        lib,
        decks,
        set(section_kinds) if section_kinds is not None else None,
        set(kinds) if kinds is not None else set(QUESTION_KINDS),
    )
    turn = [kind for kind in QUESTION_KINDS if by_kind.get(kind)]
    rng.shuffle(turn)
    failures = dict.fromkeys(turn, 0)
    questions: list[GeneratedQuestion] = []
    used_items: set[int] = set()
    seen: set[tuple[str, str]] = set(avoid)
    while len(questions) < count and turn:
        for kind in list(turn):
            if len(questions) >= count:
                break
            queue = by_kind[kind]
            while queue and failures[kind] < MAX_FAILURES_PER_KIND:
                # Draw without replacement in O(1): swap a random entry to the end and pop it.
                pick = rng.randrange(len(queue))
                queue[pick], queue[-1] = queue[-1], queue[pick]
                item = queue.pop()
                if item.id in used_items:
                    continue
                question = _BUILDERS[kind](lib, item, rng)
                if (
                    question is None
                    or (question.stem, question.correct_option) in seen
                    or used_items.intersection(question.item_ids)
                ):
                    failures[kind] += 1
                    continue
                failures[kind] = 0
                questions.append(question)
                used_items.update(question.item_ids)
                used_items.add(item.id)
                seen.add((question.stem, question.correct_option))
                break
            if not queue or failures[kind] >= MAX_FAILURES_PER_KIND:
                turn.remove(kind)
    return questions
