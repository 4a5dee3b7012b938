import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from studyapp.importers.article import parse_article
from studyapp.models import Deck
from studyapp.services.imports import save_article
from tests.paths import ARTICLES

pytestmark = pytest.mark.django_db


def _load(name: str) -> Deck:
    parsed = parse_article((ARTICLES / f"{name}.txt").read_text(encoding="utf-8"))
    return save_article(parsed=parsed, owner=None, scope=Deck.Scope.LIBRARY).deck


def test_quiz_quality_prints_the_measures_as_json():
    stenosis, radiculopathy = _load("lumbar-spinal-stenosis"), _load("cervical-radiculopathy")
    _load("migraine")
    out = StringIO()
    call_command(
        "quiz_quality",
        "--deck",
        stenosis.slug,
        "--deck",
        radiculopathy.slug,
        "--questions",
        "10",
        "--seeds",
        "5",
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["decks"] == [stenosis.slug, radiculopathy.slug]
    assert len(result["library_decks"]) == 3
    assert result["questions"] == 50
    assert result["wrong_options_equivalent_to_listed"] == 0
    assert sum(result["answer_positions"]) == 50
    assert 0 <= result["answerable_by_category_share"] <= 1
    assert 0 <= result["correct_is_longest_share"] <= 1


def test_quiz_quality_refuses_an_unknown_deck():
    with pytest.raises(CommandError, match="Unknown deck nope"):
        call_command("quiz_quality", "--deck", "nope")
