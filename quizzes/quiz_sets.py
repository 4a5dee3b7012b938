"""Writes of quiz sets and their questions: generated from the knowledge base, or from the instructor's own bank.
Keyword-only, one transaction each."""

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from quizzes import checking, generation
from quizzes.knowledge_loader import load_knowledge_base
from quizzes.models import (
    Question,
    QuizSet,
)
from studyapp.models import Deck

MAX_PRACTICE_QUESTIONS = 100


# --- Questions and quiz sets -------------------------------------------------------------------------------


def question_from_generated(generated, *, deck_by_slug: dict[str, Deck]) -> Question:
    """An unsaved Question frozen from a quizzes.generation.GeneratedQuestion."""
    data = generated.to_dict() if hasattr(generated, "to_dict") else dict(generated)
    return Question(
        deck=deck_by_slug.get(data.get("deck_slug") or ""),
        kind=data["kind"],
        stem=data["stem"],
        options=list(data["options"]),
        answer=data["answer"],
        section=data.get("section"),
        gloss=data.get("gloss") or "",
        group=data.get("group") or "",
        correct_terms=list(data.get("correct_terms") or []),
        item_ids=list(data.get("item_ids") or []),
        option_item_ids=[list(ids) for ids in data.get("option_item_ids") or []],
        explanation=data.get("explanation") or "",
    )


def _generate(
    *,
    decks: list[Deck],
    count: int,
    rng: random.Random,
    section_kinds: list[str] | None,
    kinds: list[str] | None,
    viewer=None,
    avoid=(),
) -> list:
    """The generator's GeneratedQuestions about these decks. Wrong options of list questions come from the
    same kind of list in the other decks `viewer` can see (another condition's drugs among drugs)."""
    pool = list(decks)
    if viewer is not None:
        asked = {d.pk for d in decks}
        pool += [d for d in Deck.objects.visible_to(viewer).order_by("pk") if d.pk not in asked]
    kb = load_knowledge_base(pool)
    return generation.generate_questions(
        kb,
        count=count,
        rng=rng,
        deck_slugs=[d.slug for d in decks],
        section_kinds=section_kinds,
        kinds=kinds,
        avoid=avoid,
    )


def shortfall_message(*, asked: int, made: int) -> str:
    """What a learner or instructor reads when the lists support fewer good questions than asked for."""
    return (
        f"Only {made} of the {asked} questions asked for: these lists cannot support more questions whose "
        "options are all of one kind. Add decks (other conditions' lists supply wrong answers) or lists."
    )


def generate_and_store_questions(
    *,
    decks: Sequence[Deck],
    count: int,
    rng: random.Random,
    section_kinds: Sequence[str] | None = None,
    kinds: Sequence[str] | None = None,
    viewer=None,
    avoid=(),
) -> list[Question]:
    """Draws `count` questions from the decks and saves them as frozen Questions (fewer when the lists cannot
    support more good ones; the caller tells the user with `shortfall_message`)."""
    decks = list(decks)
    if not decks:
        raise ValidationError("Pick at least one deck.")
    generated = _generate(
        decks=decks,
        count=count,
        rng=rng,
        section_kinds=list(section_kinds or ()) or None,
        kinds=list(kinds or ()) or None,
        viewer=viewer,
        avoid=avoid,
    )
    if not generated:
        raise ValidationError(
            "These decks and lists are too thin to make questions whose options are all of one kind. "
            "Add decks (other conditions' lists supply wrong answers) or lists."
        )
    by_slug = {d.slug: d for d in decks}
    return Question.objects.bulk_create([question_from_generated(g, deck_by_slug=by_slug) for g in generated])


def preview_questions(*, quiz_set: QuizSet, count: int = 3, seed: int = 0) -> list:
    """A sample draw of a rules quiz set, not saved, so the instructor sees what students will get."""
    decks = list(quiz_set.decks.all())
    if not decks:
        return []
    try:
        return _generate(
            decks=decks,
            count=count,
            rng=random.Random(seed),
            section_kinds=list(quiz_set.section_kinds) or None,
            kinds=list(quiz_set.question_kinds) or None,
            viewer=quiz_set.owner,
        )
    except ValidationError:
        return []


def _check_decks_for_instructor(owner, decks: Iterable[Deck]) -> list[Deck]:
    decks = list(decks)
    allowed = set(Deck.objects.visible_to(owner).values_list("pk", flat=True))
    if any(d.pk not in allowed for d in decks):
        raise PermissionDenied("You may only use decks you can see.")
    return decks


@transaction.atomic
def save_quiz_set(
    *,
    owner,
    title: str,
    mode: str,
    decks: Iterable[Deck],
    section_kinds: Sequence[str] = (),
    question_kinds: Sequence[str] = (),
    questions_per_attempt: int = 10,
    bank_per_attempt: int = 0,
    bank_tags: Sequence[str] = (),
    quiz_set: QuizSet | None = None,
) -> QuizSet:
    """Creates a quiz set, or edits `quiz_set` (which must be the owner's)."""
    if not (owner.is_instructor or owner.is_superuser):
        raise PermissionDenied("Only instructors build quiz sets.")
    if quiz_set is not None and quiz_set.owner_id != owner.pk:
        raise PermissionDenied("Not your quiz set.")
    decks = _check_decks_for_instructor(owner, decks)
    if mode == QuizSet.Mode.RULES and not decks and not bank_per_attempt:
        raise ValidationError(
            "A quiz set drawn by rules needs at least one deck or questions from your bank."
        )
    quiz_set = quiz_set or QuizSet(owner=owner)
    quiz_set.title = title.strip()[:200] or "Untitled quiz"
    quiz_set.mode = mode
    quiz_set.section_kinds = list(section_kinds)
    quiz_set.question_kinds = list(question_kinds)
    quiz_set.questions_per_attempt = max(1, min(int(questions_per_attempt), MAX_PRACTICE_QUESTIONS))
    quiz_set.bank_per_attempt = max(0, min(int(bank_per_attempt), MAX_PRACTICE_QUESTIONS))
    quiz_set.bank_tags = normalise_tags(bank_tags)
    quiz_set.save()
    quiz_set.decks.set(decks)
    return quiz_set


@transaction.atomic
def add_generated_questions(*, quiz_set: QuizSet, count: int, seed: int) -> list[Question]:
    """Hand-picking: draws candidates from the set's decks into the set; the instructor removes the ones not wanted."""
    questions = generate_and_store_questions(
        decks=list(quiz_set.decks.all()),
        count=count,
        rng=random.Random(seed),
        section_kinds=quiz_set.section_kinds,
        kinds=quiz_set.question_kinds,
        viewer=quiz_set.owner,
    )
    quiz_set.questions.add(*questions)
    return questions


def remove_question(*, quiz_set: QuizSet, question_id: int) -> None:
    quiz_set.questions.remove(question_id)


# --- The instructor's question bank ------------------------------------------------------------------------


def normalise_tags(text_or_list) -> list[str]:
    parts = text_or_list.split(",") if isinstance(text_or_list, str) else list(text_or_list)
    return sorted({" ".join(p.split()).lower()[:40] for p in parts if p and p.strip()})


@transaction.atomic
def save_bank_question(
    *,
    owner,
    stem: str,
    options: Sequence[str],
    answer: int,
    kind: str = checking.OWN,
    explanation: str = "",
    tags: Sequence[str] = (),
    deck: Deck | None = None,
    section_kind: str = "",
    question: Question | None = None,
) -> Question:
    """Writes a question into the owner's bank after the same checks as generated questions. Editing a question
    students already answered keeps that one frozen for their attempts and item analysis: the edit becomes a new
    question that takes its place in the bank and in the owner's quiz sets."""
    if not (owner.is_instructor or owner.is_superuser):
        raise PermissionDenied("Only instructors keep a question bank.")
    if question is not None and question.owner_id != owner.pk:
        raise PermissionDenied("Not your question.")
    if deck is not None:
        _check_decks_for_instructor(owner, [deck])
    kb = load_knowledge_base([deck]) if deck is not None else None
    options = [o.strip() for o in options if o and o.strip()]
    problems, item_ids = checking.bank_question_problems(
        stem=stem,
        options=options,
        answer=answer,
        kind=kind,
        kb=kb,
        deck_slug=deck.slug if deck else "",
        section_kind=section_kind,
    )
    if problems:
        raise ValidationError(problems)
    fields = {
        "owner": owner,
        "deck": deck,
        "kind": kind,
        "stem": stem.strip(),
        "options": options,
        "answer": answer,
        "section": section_kind or None,
        "correct_terms": [options[answer]],
        "item_ids": list(item_ids),
        "explanation": explanation.strip(),
        "tags": normalise_tags(tags),
    }
    if question is None:
        return Question.objects.create(**fields)
    if not question.attempt_answers.exists():
        for name, value in fields.items():
            setattr(question, name, value)
        question.save()
        return question
    replacement = Question.objects.create(**fields)
    for quiz_set in QuizSet.objects.filter(questions=question, owner=owner):
        quiz_set.questions.remove(question)
        quiz_set.questions.add(replacement)
    question.retired_at = replacement.created_at
    question.save(update_fields=["retired_at"])
    return replacement


@transaction.atomic
def retire_bank_question(*, question: Question, now: dt.datetime) -> None:
    """Out of the bank and out of quiz sets; attempts that used it keep it."""
    question.retired_at = now
    question.save(update_fields=["retired_at"])
    for quiz_set in question.quiz_sets.all():
        quiz_set.questions.remove(question)


def add_bank_questions(*, quiz_set: QuizSet, question_ids: Iterable[int]) -> int:
    """Hand-picked sets: puts the owner's bank questions in the set (others' ids are ignored)."""
    questions = list(Question.objects.in_bank_of(quiz_set.owner).filter(pk__in=list(question_ids)))
    quiz_set.questions.add(*questions)
    return len(questions)


def _bank_draw(quiz_set: QuizSet, rng: random.Random) -> list[Question]:
    """Rules sets: this attempt's share of the owner's bank (by tag), seeded like the generated questions."""
    if not quiz_set.bank_per_attempt:
        return []
    pool = Question.objects.in_bank_of(quiz_set.owner).order_by("pk")
    if quiz_set.bank_tags:
        wanted = set(quiz_set.bank_tags)
        pool = [q for q in pool if wanted & set(q.tags)]
    pool = list(pool)
    return rng.sample(pool, min(quiz_set.bank_per_attempt, len(pool)))
