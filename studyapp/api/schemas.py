"""Request and response shapes of the study API (they are the OpenAPI document's schemas)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class Message(Schema):
    detail: str


class DeckOut(Schema):
    id: int
    title: str
    slug: str
    summary: str
    scope: str
    source: str
    studying: bool
    item_count: int


class ListOut(Schema):
    id: int
    deck_id: int
    heading: str
    kind: str
    item_count: int


class DeckDetail(DeckOut):
    lists: list[ListOut]


class ItemOut(Schema):
    id: int
    term: str
    gloss: str
    answer: str
    group: str | None
    tags: list[str]


class ListDetail(ListOut):
    items: list[ItemOut]


class OutcomeOut(Schema):
    rating: int
    label: str = Field(description="Again, Hard, Good or Easy")
    interval: str = Field(description="The interval this answer gives, as the button shows it (e.g. 3d)")
    interval_seconds: int
    due: dt.datetime


class CardOut(Schema):
    card_state_id: int
    version: int = Field(description="Send it back with the answer: an answer to an older version is refused")
    card_rev: str = Field(
        description="Digest of the card's wording: an answer to an older wording is refused"
    )
    deck_id: int
    section_id: int | None
    item_id: int | None
    template: str
    context: str = Field(description="Deck · list (· sub-group), shown above the prompt")
    front: str
    back: str
    state: str
    due: dt.datetime | None
    outcomes: list[OutcomeOut]
    siblings: list[int] = Field(description="Card states of the same item: answering one buries the others")


class Counts(Schema):
    new: int
    learning: int
    review: int
    total: int


class NextCard(Schema):
    counts: Counts
    card: CardOut | None


class DueCards(Schema):
    counts: Counts
    cards: list[CardOut]


class OfflinePackage(Schema):
    generated_at: dt.datetime
    today_ends: dt.datetime = Field(description="End of your study day: reviews due before it are due today")
    valid_until: dt.datetime = Field(description="End of tomorrow's study day: the package covers until then")
    learn_ahead_seconds: int = Field(
        description="Learning cards may be answered this long before they are due"
    )
    new_left_today: int
    reviews_left_today: int
    new_per_day: int
    reviews_per_day: int
    cards: list[CardOut]


class AnswerIn(Schema):
    client_id: str = Field(
        min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="Unique per answer (a UUID)"
    )
    card_state_id: int = Field(ge=1)
    version: int = Field(ge=0)
    rating: int = Field(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy")
    duration_ms: int = Field(default=0, ge=0)
    answered_at: dt.datetime | None = Field(default=None, description="When answered offline (UTC)")
    card_rev: str | None = Field(default=None, max_length=64)


class AnswerOut(Schema):
    client_id: str
    outcome: str = Field(description="applied or skipped")
    replayed: bool = Field(description="This client id had arrived before; nothing changed now")
    message: str
    review_id: int | None


class SyncIn(Schema):
    # Each answer is graded in its own transaction; batches stay small so a request ends well inside a
    # worker's timeout. The offline page sends its queue in batches of SYNC_BATCH (offline.js).
    answers: list[AnswerIn] = Field(min_length=1, max_length=100)


class SyncOut(Schema):
    applied: int
    skipped: int
    results: list[AnswerOut]


class UndoOut(Schema):
    detail: str
    card_state_id: int | None


class SettingsOut(Schema):
    time_zone: str
    day_start_hour: int
    desired_retention: float
    new_cards_per_day: int
    reviews_per_day: int
    learning_steps: str
    relearning_steps: str
    maximum_interval_days: int
    leech_threshold: int
    leech_suspends: bool


class SettingsPatch(Schema):
    time_zone: str | None = None
    day_start_hour: int | None = None
    desired_retention: float | None = None
    new_cards_per_day: int | None = None
    reviews_per_day: int | None = None
    learning_steps: str | None = None
    relearning_steps: str | None = None
    maximum_interval_days: int | None = None
    leech_threshold: int | None = None
    leech_suspends: bool | None = None


class TodayOut(Schema):
    date: dt.date
    due: int
    new: int
    learning: int
    reviews_done: int
    minutes: int
    to_study: int


class ForecastDay(Schema):
    date: dt.date
    due: int


class RetentionOut(Schema):
    days: int
    young: float | None
    mature: float | None
    young_total: int
    mature_total: int


class MasteryOut(Schema):
    label: str
    cards: int
    mastered: int
    studied: int
    recall: float | None


class WeakItemOut(Schema):
    item_id: int
    term: str
    gloss: str
    deck: str
    recall: float
    lapses: int


class DashboardOut(Schema):
    today: TodayOut
    streak: int
    forecast: list[ForecastDay]
    retention: list[RetentionOut]
    by_deck: list[MasteryOut]
    by_list: list[MasteryOut]
    weakest: list[WeakItemOut]
