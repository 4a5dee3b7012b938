"""A learner's Anki scheduling and review history, brought into their card states and our review log.

Each Anki card maps to our card of the same note GUID and template ordinal. Its review log becomes Review
rows (answers only: reschedules carry no rating, cram answers changed nothing), replayed through our scheduler
so every row holds the memory state after it; the card's state, due date, suspension, burying and flag come from Anki. Its FSRS memory
(stability, difficulty) is Anki's own when the collection ran FSRS, else the one the replay arrives at.
Importing the same history again adds nothing: a review already logged for that card at that instant is skipped.
"""

from __future__ import annotations

import datetime as dt

from studyapp import scheduling
from studyapp.importers.anki import ParsedAnki
from studyapp.importers.anki.package import CardRecord, ReviewEntry
from studyapp.models import Card, CardState, Deck, Enrollment, Review, User
from studyapp.services.cards import create_missing_states
from studyapp.services.reviews import SNAPSHOT_FIELDS, config_for

_STATE = {
    0: CardState.State.NEW,
    1: CardState.State.LEARNING,
    2: CardState.State.REVIEW,
    3: CardState.State.RELEARNING,
}
_SUSPENDED, _BURIED = -1, (-2, -3)
_EPOCH_SECONDS_FLOOR = (
    1_000_000_000  # a learning card's due is a time stamp, a day-learning card's a day number
)


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def anki_due(record: CardRecord, created: int) -> dt.datetime | None:
    """When Anki would show the card next. Review due dates count days from the collection's creation day."""
    if record.type == 0:
        return None
    due = record.original_due if record.original_deck_id and record.original_due else record.due
    if due >= _EPOCH_SECONDS_FLOOR:
        return _utc(due)
    return _utc(created) + dt.timedelta(days=due)


def import_history(*, user: User, deck: Deck, parsed: ParsedAnki, result) -> None:
    """Called inside the import's transaction, after the deck's cards exist."""
    Enrollment.objects.update_or_create(user=user, deck=deck, defaults={"active": True})
    create_missing_states(deck)
    cards = dict(Card.objects.filter(deck=deck).values_list("key", "pk"))
    states = {s.card_id: s for s in CardState.objects.filter(user=user, card__deck=deck)}
    reviews_by_card: dict[int, list[ReviewEntry]] = {}
    for entry in parsed.package.reviews:
        reviews_by_card.setdefault(entry.card_id, []).append(entry)
    logged = set(Review.objects.filter(user=user, card__deck=deck).values_list("card_id", "reviewed_at"))
    config = config_for(user)
    tomorrow = user.study_date() + dt.timedelta(days=1)
    new_reviews: list[Review] = []
    changed: list[CardState] = []
    for note in parsed.notes:
        for ord_, record in note.records.items():
            card_id = cards.get(f"anki:{note.guid}:{ord_}")
            state = states.get(card_id)
            if state is None:
                continue
            memory, rows = _replay(user.pk, card_id, reviews_by_card.get(record.id, []), config, logged)
            new_reviews += rows
            _apply_record(state, record, memory, parsed.package.created, tomorrow)
            # Anki marks a leech by tagging its note (and usually suspending the card, which the queue says).
            state.is_leech = any(tag.lower() == "leech" for tag in note.tags)
            changed.append(state)
    Review.objects.bulk_create(new_reviews, batch_size=1000)
    CardState.objects.bulk_update(
        changed,
        ["state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses", "suspended",
         "buried_until", "flag", "is_leech", "version"],
        batch_size=1000,
    )  # fmt: skip
    result.reviews = len(new_reviews)
    result.states = len(changed)


def _replay(user_id, card_id, entries, config, logged) -> tuple[scheduling.Memory, list[Review]]:
    memory = scheduling.Memory()
    rows = []
    reps = 0
    for entry in entries:
        if not entry.is_answer:
            continue
        when = _utc(entry.id / 1000)
        outcome = scheduling.answer(memory, scheduling.Rating(entry.ease), when, config, f"{card_id}:{reps}")
        before = {name: None for name in SNAPSHOT_FIELDS}
        # version -2 never matches a card's version: an answer made in Anki is history here, not something the
        # learner can undo (undo checks the card is still at the version the answer left it).
        before.update(
            memory.to_dict(), reps=reps, lapses=0, suspended=False, flag=0, is_leech=False, version=-2
        )
        if (card_id, when) not in logged:
            rows.append(
                Review(
                    user_id=user_id,
                    card_id=card_id,
                    rating=entry.ease,
                    reviewed_at=when,
                    duration_ms=max(0, min(entry.time_ms, 3_600_000)),
                    source=Review.Source.REVIEW,
                    state_before=memory.state,
                    state_after=outcome.memory.state,
                    stability_after=outcome.memory.stability,
                    difficulty_after=outcome.memory.difficulty,
                    elapsed_days=outcome.elapsed_days,
                    scheduled_days=entry.interval
                    if entry.interval > 0
                    else round(-entry.interval / 86400, 4),
                    last_interval_days=max(entry.last_interval, 0),
                    snapshot_before=before,
                )
            )
        memory = outcome.memory
        reps += 1
    return memory, rows


def _apply_record(state: CardState, record: CardRecord, memory, created: int, tomorrow: dt.date) -> None:
    state.state = _STATE.get(record.type, CardState.State.NEW)
    state.step = 0 if state.state in (CardState.State.LEARNING, CardState.State.RELEARNING) else None
    state.due = anki_due(record, created)
    if record.stability is not None:
        state.stability, state.difficulty = record.stability, record.difficulty
    elif state.state != CardState.State.NEW:
        state.stability, state.difficulty = memory.stability, memory.difficulty
    if state.state == CardState.State.NEW:
        state.stability = state.difficulty = state.due = None
    state.last_review = (
        (_utc(record.last_review) if record.last_review else memory.last_review)
        if state.state != CardState.State.NEW
        else None
    )
    state.reps, state.lapses = record.reps, record.lapses
    state.suspended = record.queue == _SUSPENDED
    state.buried_until = tomorrow if record.queue in _BURIED else None
    state.flag = record.flag if record.flag in CardState.Flag.values else CardState.Flag.NONE
    state.version += 1
