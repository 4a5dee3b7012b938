"""Parts of a learner's data export contributed by other apps. The study core writes its own files and asks the
providers registered here for theirs, so it never imports them (the quiz app registers its attempts in its
AppConfig.ready)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ExportFile:
    name: str  # path inside the zip
    content: str
    about: str  # one line for the archive's README


Provider = Callable[[object], list[ExportFile]]
_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    """Add (or replace, by key: apps may be loaded twice in tests) a provider of export files for a user."""
    _providers[key] = provider


def files_for(user) -> list[ExportFile]:
    return [f for _key, provider in sorted(_providers.items()) for f in provider(user)]
