"""The study core's models, by concern: core (learners, knowledge base, cards, review log, imports), api,
plans, reminders and reports. Import them from here: `from studyapp.models import CardState`."""

from studyapp.models.api import (
    ApiToken as ApiToken,
    ClientAnswer as ClientAnswer,
)
from studyapp.models.core import (
    AnkiExport as AnkiExport,
    AnkiImport as AnkiImport,
    AnkiNoteType as AnkiNoteType,
    Card as Card,
    CardState as CardState,
    CardStateQuerySet as CardStateQuerySet,
    Deck as Deck,
    DeckMedia as DeckMedia,
    DeckQuerySet as DeckQuerySet,
    DeckTally as DeckTally,
    Enrollment as Enrollment,
    Item as Item,
    ItemGroup as ItemGroup,
    ItemQuerySet as ItemQuerySet,
    ParameterFit as ParameterFit,
    ReleaseHold as ReleaseHold,
    Review as Review,
    ReviewDay as ReviewDay,
    ReviewSummary as ReviewSummary,
    Section as Section,
    SectionKind as SectionKind,
    SectionQuerySet as SectionQuerySet,
    User as User,
    card_list_kind as card_list_kind,
    class_cards as class_cards,
    live_q as live_q,
    showable_q as showable_q,
    validate_time_zone as validate_time_zone,
)
from studyapp.models.plans import (
    BacklogPlan as BacklogPlan,
    ExamPlan as ExamPlan,
    ExamPlanQuerySet as ExamPlanQuerySet,
)
from studyapp.models.reminders import (
    PushSubscription as PushSubscription,
    ReminderSent as ReminderSent,
    ReminderSettings as ReminderSettings,
    ReminderTick as ReminderTick,
)
from studyapp.models.reports import (
    ProblemReport as ProblemReport,
    ProblemReportQuerySet as ProblemReportQuerySet,
)
