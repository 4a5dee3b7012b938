"""The instructor's home: each class they teach and what needs their attention there. Reads only."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from quizzes.models import Assignment, Attempt, ClassMembership, ClassRelease, Classroom
from studyapp.models import Review

SOON = dt.timedelta(days=7)


@dataclass
class ReleaseProgress:
    release: ClassRelease
    not_started: list[str]  # usernames of members with no review of its cards since it came out


@dataclass
class ClassOverview:
    classroom: Classroom
    members: int
    open_assignments: list[tuple[Assignment, int]] = field(
        default_factory=list
    )  # (assignment, students who tried)
    in_progress: int = 0
    recent_releases: list[ReleaseProgress] = field(default_factory=list)
    next_release: ClassRelease | None = None

    @property
    def attention(self) -> list[str]:
        """Sentences for the instructor, most pressing first."""
        notes = []
        if not self.members:
            notes.append(f"No students yet: share the join code {self.classroom.join_code}.")
        for assignment, tried in self.open_assignments:
            if tried < self.members:
                notes.append(
                    f"{assignment.quiz_set.title}: {self.members - tried} of {self.members} "
                    f"not attempted, closes {assignment.closes_at:%a %-d %b}."
                )
        for progress in self.recent_releases:
            if progress.not_started:
                notes.append(
                    f"{progress.release.label}: {len(progress.not_started)} not started "
                    f"({', '.join(progress.not_started[:5])}{'…' if len(progress.not_started) > 5 else ''})."
                )
        return notes


def release_progress(classroom: Classroom, release: ClassRelease, members: dict[int, str]) -> ReleaseProgress:
    """Who has not reviewed a single card of the release since it came out."""
    reviews = Review.objects.filter(
        user_id__in=list(members), card__deck_id=release.deck_id, reviewed_at__gte=release.release_at
    )
    if release.section_id is not None:
        reviews = reviews.filter(card__section_id=release.section_id)
    started = set(reviews.values_list("user_id", flat=True).distinct())
    return ReleaseProgress(
        release=release, not_started=sorted(name for pk, name in members.items() if pk not in started)
    )


def instructor_overview(instructor, now: dt.datetime) -> list[ClassOverview]:
    classes = list(Classroom.objects.taught_by(instructor).active().order_by("name"))
    if not classes:
        return []
    members: dict[int, dict[int, str]] = defaultdict(dict)
    for class_id, user_id, username in ClassMembership.objects.filter(classroom__in=classes).values_list(
        "classroom_id", "student_id", "student__username"
    ):
        members[class_id][user_id] = username
    overviews = {c.pk: ClassOverview(classroom=c, members=len(members[c.pk])) for c in classes}
    open_now = (
        Assignment.objects.filter(
            classroom__in=classes, archived_at__isnull=True, opens_at__lte=now, closes_at__gt=now
        )
        .select_related("quiz_set")
        .annotate(
            tried=Count(
                "attempts__user",
                distinct=True,
                filter=Q(attempts__user__memberships__classroom=F("classroom")),
            )
        )
        .order_by("closes_at")
    )
    for assignment in open_now:
        overviews[assignment.classroom_id].open_assignments.append((assignment, assignment.tried))
    for row in (
        Attempt.objects.filter(assignment__classroom__in=classes, status=Attempt.Status.IN_PROGRESS)
        .values("assignment__classroom_id")
        .annotate(n=Count("pk"))
    ):
        overviews[row["assignment__classroom_id"]].in_progress = row["n"]
    for release in ClassRelease.objects.filter(classroom__in=classes).select_related("deck", "section"):
        overview = overviews[release.classroom_id]
        if now - SOON <= release.release_at <= now:
            overview.recent_releases.append(
                release_progress(overview.classroom, release, members[release.classroom_id])
            )
        elif release.release_at > now and (
            overview.next_release is None or release.release_at < overview.next_release.release_at
        ):
            overview.next_release = release
    return list(overviews.values())


def recent_release_progress(classroom: Classroom, now: dt.datetime) -> list[ReleaseProgress]:
    """The class's releases of the last seven days and who has not started each."""
    recent = list(
        classroom.releases.filter(release_at__gte=now - SOON, release_at__lte=now).select_related(
            "deck", "section"
        )
    )
    if not recent:
        return []
    members = dict(classroom.memberships.values_list("student_id", "student__username"))
    return [release_progress(classroom, release, members) for release in recent]
