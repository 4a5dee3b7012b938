"""Anki imports as jobs: a previewed upload is staged on disk (AnkiImport), "Import" queues a background task,
and the task reads the package again and saves it, recording its progress for the polling page. Exports too big
for a request likewise: a task writes the package to disk (AnkiExport) and its owner downloads it when ready."""

from __future__ import annotations

import logging
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from studyapp.importers.anki import AnkiError, ParsedAnki, read_anki
from studyapp.importers.anki.package import AnkiPackage
from studyapp.importers.anki.render import media_names
from studyapp.models import AnkiExport, AnkiImport, Card, Deck, User
from studyapp.services.anki import save_anki
from studyapp.services.anki_export import export_apkg
from studyapp.services.imports import ImportRejected, owner_and_scope_for

logger = logging.getLogger(__name__)


def report_of(parsed: ParsedAnki) -> dict:
    """What the preview promises, per note type, and every note that will not be imported with its reason."""
    return {
        "format": parsed.package.format,
        "notes": len(parsed.notes),
        "cards": parsed.card_count,
        "media": parsed.media_count,
        "reviews": parsed.review_count,
        "by_notetype": [
            {
                "name": r.name,
                "notes": r.notes,
                "cards": r.cards,
                "media": r.media,
                "reviews": r.reviews,
                "skipped": r.skipped,
            }
            for r in parsed.by_notetype
        ],
        "skipped": [{"note": s.note, "notetype": s.notetype, "reason": s.reason} for s in parsed.skipped],
        "sample": [
            {"notetype": n.notetype, "template": c.template, "front": c.front, "back": c.back}
            for n in parsed.notes[:10]
            for c in n.cards[:2]
        ],
    }


def quick_report(package: AnkiPackage) -> dict:
    """The preview of a package too big to render in a request: Anki's own counts per note type (notes, the
    cards Anki made, media referenced, answers logged). Notes that would give no card are listed after the
    import, which renders every note."""
    notetype_of = {note.id: note.notetype_id for note in package.notes}
    rows: dict[int, dict] = {}

    def row(ntid: int) -> dict:
        name = package.notetypes[ntid].name if ntid in package.notetypes else f"Unknown note type {ntid}"
        return rows.setdefault(
            ntid, {"name": name, "notes": 0, "cards": 0, "media": 0, "reviews": 0, "skipped": 0}
        )

    used: set[str] = set()
    for note in package.notes:
        names = set().union(*map(media_names, note.fields)) & set(package.media)
        used |= names
        row(note.notetype_id)["notes"] += 1
        row(note.notetype_id)["media"] += len(names)
    card_note = {card.id: card.note_id for card in package.cards}
    for card in package.cards:
        if card.note_id in notetype_of:
            row(notetype_of[card.note_id])["cards"] += 1
    for entry in package.reviews:
        note_id = card_note.get(entry.card_id)
        if entry.is_answer and note_id in notetype_of:
            row(notetype_of[note_id])["reviews"] += 1
    by_notetype = list(rows.values())
    return {
        "format": package.format,
        "quick": True,
        **{key: sum(r[key] for r in by_notetype) for key in ("notes", "cards", "reviews")},
        "media": len(used),  # distinct files (a file two notes show is counted in both their rows)
        "by_notetype": by_notetype,
        "skipped": [],
        "sample": [],
    }


def stage_anki_import(
    *, owner: User, path: Path, file_name: str, title: str, with_scheduling: bool, report: dict
) -> AnkiImport:
    """Record a previewed upload. The owner's earlier previews that were never imported give up their staged
    files (a learner previewing package after package keeps one on disk)."""
    for stale in AnkiImport.objects.filter(owner=owner, status=AnkiImport.Status.PREVIEWED):
        Path(stale.path).unlink(missing_ok=True)
    AnkiImport.objects.filter(owner=owner, status=AnkiImport.Status.PREVIEWED).update(
        status=AnkiImport.Status.FAILED, message="Replaced by a later preview; nothing was imported."
    )
    return AnkiImport.objects.create(
        owner=owner,
        path=str(path),
        file_name=file_name,
        size=path.stat().st_size,
        title=title,
        with_scheduling=with_scheduling,
        report=report,
    )


def start_anki_import(*, job: AnkiImport) -> bool:
    """Queue the import once (a second click changes nothing)."""
    from studyapp.tasks import import_anki_task

    updated = AnkiImport.objects.filter(pk=job.pk, status=AnkiImport.Status.PREVIEWED).update(
        status=AnkiImport.Status.QUEUED, stage="Waiting for a worker"
    )
    if updated:
        transaction.on_commit(lambda: import_anki_task.enqueue(job.pk))
    return bool(updated)


def run_anki_import(job: AnkiImport) -> AnkiImport:
    """Read the staged package and save it; the job records progress, the result or the reason it failed.
    The staged file is removed either way."""
    path = Path(job.path)

    def progress(percent: int, stage: str) -> None:
        AnkiImport.objects.filter(pk=job.pk).update(progress=percent, stage=stage[:200])

    AnkiImport.objects.filter(pk=job.pk).update(status=AnkiImport.Status.RUNNING, progress=5, stage="Reading")
    try:
        with tempfile.TemporaryDirectory() as workdir:
            parsed = read_anki(path, Path(workdir))
            progress(10, "Storing media")
            owner, scope = owner_and_scope_for(job.owner)
            result = save_anki(
                parsed=parsed,
                package_path=path,
                owner=owner,
                scope=scope,
                title=job.title,
                with_scheduling=job.with_scheduling,
                progress=progress,
            )
    except (AnkiError, ImportRejected) as exc:
        job.status, job.message, job.stage = AnkiImport.Status.FAILED, str(exc), "Nothing was imported"
    except Exception:
        logger.exception("Anki import %s failed", job.pk)
        job.status, job.stage = AnkiImport.Status.FAILED, "Nothing was imported"
        job.message = "The import failed unexpectedly; nothing was imported. Please report this package."
    else:
        job.status, job.progress, job.stage, job.deck = AnkiImport.Status.DONE, 100, "Done", result.deck
        job.message = result.summary()
        job.report = {
            **report_of(parsed),  # every note rendered: the complete list of notes not imported
            "result": {
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "cards": result.cards,
                "media_saved": result.media_saved,
                "media_skipped": result.media_skipped,
                "reviews": result.reviews,
                "states": result.states,
                "parameters_fitted": result.parameters_fitted,
            },
        }
    finally:
        path.unlink(missing_ok=True)
    job.save(update_fields=["status", "message", "stage", "deck", "progress", "report", "updated_at"])
    return job


# --- Exports too big for a request ----------------------------------------------------------------------------


def collection_decks(user: User) -> list[Deck]:
    """Every deck the learner studies, as their collection export holds them."""
    return list(
        Deck.objects.visible_to(user)
        .filter(enrollments__user=user, enrollments__active=True)
        .order_by("title")
    )


def export_needs_task(decks: list[Deck]) -> bool:
    """Whether the decks hold more active cards than a request should package (ANKI_EXPORT_SYNC_CARDS)."""
    limit = settings.ANKI_EXPORT_SYNC_CARDS
    return Card.objects.filter(deck__in=decks, is_active=True)[: limit + 1].count() > limit


def start_anki_export(*, owner: User, deck: Deck | None, with_progress: bool, file_name: str) -> AnkiExport:
    """Queue the package's preparation. The owner's finished exports give up their files (one kept on disk);
    one still being prepared is left to finish."""
    from studyapp.tasks import export_anki_task

    finished = AnkiExport.objects.filter(
        owner=owner, status__in=[AnkiExport.Status.DONE, AnkiExport.Status.FAILED]
    )
    for old in finished.exclude(path=""):
        Path(old.path).unlink(missing_ok=True)
    finished.delete()
    job = AnkiExport.objects.create(owner=owner, deck=deck, with_progress=with_progress, file_name=file_name)
    transaction.on_commit(lambda: export_anki_task.enqueue(job.pk))
    return job


def run_anki_export(job: AnkiExport) -> AnkiExport:
    """Write the package to the export folder; the job records where, or why it failed."""
    AnkiExport.objects.filter(pk=job.pk).update(status=AnkiExport.Status.RUNNING)
    decks = [job.deck] if job.deck_id else collection_decks(job.owner)
    try:
        result = export_apkg(decks=decks, user=job.owner if job.with_progress else None)
        folder = Path(settings.ANKI_EXPORT_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{job.pk}-{secrets.token_hex(8)}.apkg"
        path.write_bytes(result.data)
    except Exception:
        logger.exception("Anki export %s failed", job.pk)
        job.status, job.message = (
            AnkiExport.Status.FAILED,
            "The package could not be prepared. Please try again.",
        )
    else:
        job.status, job.path, job.size = AnkiExport.Status.DONE, str(path), len(result.data)
        job.message = f"{result.notes:,} notes, {result.cards:,} cards, {result.media:,} media files"
        if job.with_progress:
            job.message += f" and {result.reviews:,} reviews"
    fields = {name: getattr(job, name) for name in ("status", "path", "size", "message")}
    if not AnkiExport.objects.filter(pk=job.pk).update(**fields, updated_at=timezone.now()) and job.path:
        Path(job.path).unlink(missing_ok=True)  # the owner deleted the job (their account) meanwhile
    return job
