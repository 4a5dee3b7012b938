"""sql_batch.fetch: independent reads sent together (one round trip on PostgreSQL, those marked prepared), each
turned into its figure, in order."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from studyapp.models import User
from studyapp.sql_batch import Read, fetch

pytestmark = pytest.mark.django_db

USERS = User._meta.db_table


def test_each_read_gives_its_figure_in_order_and_the_batch_is_one_query(student, other_student):
    reads = [
        Read(
            f"SELECT username FROM {USERS} WHERE id = %(user)s", {"user": student.pk}, lambda rows: rows[0][0]
        ),
        Read(f"SELECT COUNT(*) FROM {USERS} WHERE id <> %(user)s", {"user": student.pk}, prepare=True),
        Read(
            f"SELECT id FROM {USERS} WHERE id IN ({student.pk}, {other_student.pk}) ORDER BY id",
            {},
            lambda rows: [pk for (pk,) in rows],
        ),
    ]
    for _ in range(3):  # a prepared statement runs again
        with CaptureQueriesContext(connection) as captured:
            name, others, ids = fetch(*reads)
        assert len(captured) == 1
    assert name == student.username
    assert others == [(User.objects.exclude(pk=student.pk).count(),)]
    assert ids == sorted([student.pk, other_student.pk])


def test_a_failing_read_raises_and_the_connection_stays_usable(student):
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch(
            Read(f"SELECT username FROM {USERS} WHERE id = %(user)s", {"user": student.pk}),
            Read("SELECT no_such_column FROM studyapp_user", {}),
        )
    (rows,) = fetch(Read(f"SELECT username FROM {USERS} WHERE id = %(user)s", {"user": student.pk}))
    assert rows == [(student.username,)]
