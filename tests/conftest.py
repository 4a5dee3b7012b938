import os

import pytest
from django.core.cache import cache

from tests import factories
from tests.paths import SHARED


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters kept in the cache (join-code guesses) must not leak into the next test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def student(db):
    return factories.make_user("alice")


@pytest.fixture
def other_student(db):
    return factories.make_user("bob")


@pytest.fixture
def instructor(db):
    return factories.make_instructor("dr_carter")


@pytest.fixture
def other_instructor(db):
    return factories.make_instructor("dr_diaz")


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def seed_article_text():
    """The original seed article from ../shared/seed (never copied into the repository)."""
    path = SHARED / "seed" / "neoplastic-foraminal-narrowing.txt"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the seed article at {path}")
        pytest.skip(f"seed article not found at {path} (it lives in ../shared/seed beside the project)")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def fake_generator(monkeypatch):
    """Stands in for quizzes.generation: `count` valid questions whose stems show the seed they were drawn with."""
    from quizzes import quiz_sets

    calls = []

    def generate(*, decks, count, rng, section_kinds, kinds, viewer=None, avoid=()):
        calls.append({"decks": [d.slug for d in decks], "count": count, "section_kinds": section_kinds})
        draw = rng.randrange(10_000)
        return [
            {
                "kind": "member",
                "stem": f"Draw {draw}: which is a cause ({n})?",
                "options": [f"Cause {n}", f"Drug {n}", f"Test {n}", f"Surgery {n}"],
                "answer": 0,
                "section": "causes",
                "gloss": None,
                "group": None,
                "correct_terms": [f"Cause {n}"],
                "item_ids": [n],
                "deck_slug": decks[0].slug,
                "explanation": f"From the list of causes in {decks[0].title}.",
            }
            for n in range(1, count + 1)
        ]

    monkeypatch.setattr(quiz_sets, "_generate", generate)
    return calls
