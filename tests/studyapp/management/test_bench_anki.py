import json

import pytest
from django.core.management import call_command

from studyapp.models import Card, Deck, Item, User


@pytest.mark.django_db
def test_bench_anki_prints_both_sizes_with_ratios_and_cleans_up(capsys):
    call_command("bench_anki", "--notes", "4", "--json")
    figures = json.loads(capsys.readouterr().out)
    assert [(s["notes"], s["cards"]) for s in figures["sizes"]] == [(4, 8), (40, 80)]
    assert all(s["read_ms"] >= 0 and s["save_ms"] > 0 for s in figures["sizes"])
    assert {"read_ms_ratio", "save_ms_ratio", "export_ms_ratio"} <= set(figures)
    assert (User.objects.count(), Deck.objects.count(), Item.objects.count(), Card.objects.count()) == (
        0,
        0,
        0,
        0,
    )
