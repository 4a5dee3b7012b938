import os

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "shared" / "seed" / "neoplastic-foraminal-narrowing.txt"
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the seed article at {path}")
        pytest.skip(f"seed article not found at {path} (it lives in ../shared/seed beside the project)")
    return path.read_text(encoding="utf-8")
