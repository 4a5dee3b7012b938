"""Retry a write transaction once when PostgreSQL aborts it to resolve a conflict between concurrent requests."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

log = logging.getLogger(__name__)

# serialization_failure, deadlock_detected: the transaction was rolled back whole, so running it again is safe.
RETRYABLE_SQLSTATES = {"40001", "40P01"}

P = ParamSpec("P")
R = TypeVar("R")


def is_retryable(exc: BaseException) -> bool:
    cause = exc.__cause__ or exc.__context__
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


def retry_on_conflict(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` (which opens its own transaction) again, once, if the database rolled it back on a deadlock
    or serialization failure. Inside an outer transaction the whole outer block is lost, so it is not retried."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except OperationalError as exc:
            if not is_retryable(exc) or connections[DEFAULT_DB_ALIAS].in_atomic_block:
                raise
            log.warning("%s: retrying once after %s", func.__qualname__, exc.__cause__.__class__.__name__)
            return func(*args, **kwargs)

    return wrapper
