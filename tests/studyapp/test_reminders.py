"""Reminders with a frozen clock: at the learner's own time in their time zone (across daylight-saving changes),
only when cards are due, once a day whatever the number of runs or workers; weekly summaries; assignments about
to close; e-mail with a working unsubscribe link; web push."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.test import Client

from studyapp.management.commands.vapid_keys import new_key_pair
from studyapp.models import PushSubscription, ReminderSent, ReminderSettings
from studyapp.services import reminders as service
from tests import factories


def learner(name="alice", *, tz="UTC", at=dt.time(18, 0), cards=34, **choices):
    user = factories.make_user(name, time_zone=tz, new_cards_per_day=50)
    deck = factories.make_deck()
    for n in range(cards):
        factories.make_card(deck, position=n)
    factories.study_deck(user, deck)
    ReminderSettings.objects.create(
        user=user, daily_time=at, **{"by_email": True, "weekly": False, **choices}
    )
    return user


def run(moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        return service.send_due_reminders(now=moment)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_daily_reminder_at_the_learners_time_says_how_many_and_how_long():
    learner("alice", tz="America/New_York")
    assert run(utc(2026, 3, 2, 22, 59)).sent == []  # 17:59 in New York
    outcome = run(utc(2026, 3, 2, 23, 0))  # 18:00 EST
    assert outcome.sent == [("alice", "daily", "2026-03-02")]
    (message,) = mail.outbox
    assert message.subject == "studyapp: 34 due, about 6 minutes"
    assert message.to == ["alice@example.com"]
    assert message.body.startswith("34 due, about 6 minutes.\n")


@pytest.mark.django_db
def test_each_learner_is_reminded_in_their_own_time_zone():
    learner("tokyo", tz="Asia/Tokyo")
    learner("paris", tz="Europe/Paris")
    assert run(utc(2026, 3, 2, 9, 0)).sent == [("tokyo", "daily", "2026-03-02")]  # 18:00 in Tokyo
    assert run(utc(2026, 3, 2, 17, 0)).sent == [("paris", "daily", "2026-03-02")]  # 18:00 in Paris (CET)


@pytest.mark.django_db
def test_never_twice_a_day_however_often_the_task_runs():
    learner("alice")
    sent = [len(run(utc(2026, 3, 2, 18, m)).sent) for m in (0, 15, 30, 45)]
    assert sent == [1, 0, 0, 0] and len(mail.outbox) == 1
    assert run(utc(2026, 3, 3, 18, 0)).sent == [("alice", "daily", "2026-03-03")]


@pytest.mark.django_db
def test_a_late_run_inside_the_window_still_reminds_but_not_after_it():
    learner("early", at=dt.time(8, 0))
    learner("late", at=dt.time(8, 0))
    assert [s[0] for s in run(utc(2026, 3, 2, 10, 59)).sent] == ["early", "late"]
    ReminderSent.objects.all().delete()
    assert run(utc(2026, 3, 2, 11, 0)).sent == []  # three hours late: that day is skipped


@pytest.mark.django_db
def test_no_reminder_when_nothing_is_due():
    learner("alice", cards=0)
    assert run(utc(2026, 3, 2, 18, 0)).sent == []
    assert not mail.outbox and not ReminderSent.objects.exists()


@pytest.mark.django_db
def test_nothing_is_sent_until_a_channel_is_chosen():
    learner("alice", by_email=False)
    assert run(utc(2026, 3, 2, 18, 0)).sent == [] and not mail.outbox


@pytest.mark.django_db
def test_spring_forward_a_skipped_time_is_reminded_just_after_the_jump():
    # New York, 8 March 2026: clocks go from 02:00 EST straight to 03:00 EDT, so 02:30 does not exist.
    learner("alice", tz="America/New_York", at=dt.time(2, 30))
    assert run(utc(2026, 3, 8, 6, 59)).sent == []  # 01:59 EST
    assert run(utc(2026, 3, 8, 7, 0)).sent == [("alice", "daily", "2026-03-08")]  # 03:00 EDT
    assert run(utc(2026, 3, 8, 7, 30)).sent == []


@pytest.mark.django_db
def test_after_the_change_six_pm_is_still_six_pm_on_the_wall_clock():
    learner("alice", tz="America/New_York")
    assert run(utc(2026, 3, 7, 23, 0)).sent == [("alice", "daily", "2026-03-07")]  # 18:00 EST
    assert run(utc(2026, 3, 8, 21, 59)).sent == []  # 17:59 EDT
    assert run(utc(2026, 3, 8, 22, 0)).sent == [("alice", "daily", "2026-03-08")]  # 18:00 EDT


@pytest.mark.django_db
def test_fall_back_a_time_that_happens_twice_reminds_once():
    # London, 25 October 2026: 01:30 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT).
    learner("alice", tz="Europe/London", at=dt.time(1, 30))
    assert run(utc(2026, 10, 25, 0, 30)).sent == [("alice", "daily", "2026-10-25")]
    assert run(utc(2026, 10, 25, 1, 30)).sent == []
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_weekly_summary_on_sunday_once_a_week():
    user = learner("alice", tz="Australia/Sydney", weekly=True, daily=False, at=dt.time(9, 0))
    deck_card = user.card_states.first().card
    factories.make_review(user, deck_card, reviewed_at=utc(2026, 3, 3, 1, 0), rating=3)
    factories.make_review(user, deck_card, reviewed_at=utc(2026, 3, 4, 1, 0), rating=1)
    assert run(utc(2026, 3, 7, 22, 0)).sent == [("alice", "weekly", "2026-W10")]  # Sunday 09:00 AEDT
    assert mail.outbox[0].subject == "studyapp: your week"
    assert "This week: 2 reviews on 2 days. You remembered 50% of them." in mail.outbox[0].body
    assert run(utc(2026, 3, 7, 22, 30)).sent == []
    assert run(utc(2026, 3, 8, 22, 0)).sent == []  # Monday


@pytest.mark.django_db
def test_a_reminder_a_day_before_an_unfinished_assignment_closes(instructor):
    student = learner("alice", daily=False, cards=0)
    assignment = factories.make_assignment(
        instructor, students=(student,), opens_at=utc(2026, 3, 1), closes_at=utc(2026, 3, 5, 17, 0)
    )
    factories.make_assignment(
        instructor, students=(student,), opens_at=utc(2026, 3, 1), closes_at=utc(2026, 3, 9)
    )
    assert run(utc(2026, 3, 4, 16, 0)).sent == []  # 25 hours before
    outcome = run(utc(2026, 3, 4, 17, 0))
    assert outcome.sent == [("alice", "assignment", str(assignment.pk))]
    assert mail.outbox[0].subject == "studyapp: “Week 1 quiz” closes in 24 hours"
    assert f"/quizzes/assignments/{assignment.pk}/" in mail.outbox[0].body
    assert run(utc(2026, 3, 5, 9, 0)).sent == []


@pytest.mark.django_db
def test_no_assignment_reminder_once_it_is_done(instructor):
    from quizzes import services

    student = learner("alice", daily=False, cards=0)
    assignment = factories.make_assignment(
        instructor, students=(student,), opens_at=utc(2026, 3, 1), closes_at=utc(2026, 3, 5, 17, 0)
    )
    attempt = factories.make_attempt(student, assignment, now=utc(2026, 3, 4, 9, 0))
    services.submit_attempt(attempt=attempt, now=utc(2026, 3, 4, 9, 5))
    assert run(utc(2026, 3, 4, 17, 0)).sent == []


@pytest.mark.django_db
def test_a_period_claimed_by_another_worker_is_not_sent_again():
    user = learner("alice")
    ReminderSent.objects.create(user=user, kind="daily", key="2026-03-02", sent_at=utc(2026, 3, 2, 18, 0))
    outcome = run(utc(2026, 3, 2, 18, 0))
    assert (outcome.sent, outcome.already) == ([], 1) and not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_send_one_reminder():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; this checks PostgreSQL's unique index under a race")
    learner("alice")
    moment = utc(2026, 3, 2, 18, 0)
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            start.wait()
            outcomes.append(service.send_due_reminders(now=moment))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(o.sent) for o in outcomes) == [0, 1]
    assert len(mail.outbox) == 1 and ReminderSent.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_send_frees_the_day_for_the_next_run(monkeypatch):
    learner("alice")
    monkeypatch.setattr(service, "_email", lambda user, reminder: False)
    assert run(utc(2026, 3, 2, 18, 0)).failed == 1
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    assert len(run(utc(2026, 3, 2, 18, 15)).sent) == 1


# --- Unsubscribe --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_unsubscribe_link_works_without_logging_in():
    user = learner("alice")
    run(utc(2026, 3, 2, 18, 0))
    link = re.search(r"http://127\.0\.0\.1:8000(/reminders/unsubscribe/[^/\s]+/)", mail.outbox[0].body).group(
        1
    )
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].endswith(f"{link}>")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link)
    assert page.status_code == 200 and "Stop all reminder e-mails for alice?" in page.content.decode()
    csrf = browser.cookies["csrftoken"].value
    done = browser.post(link, {"csrfmiddlewaretoken": csrf})
    assert "no more reminder e-mails" in done.content.decode()
    assert ReminderSettings.objects.get(user=user).by_email is False
    assert run(utc(2026, 3, 3, 18, 0)).sent == []


@pytest.mark.django_db
def test_a_forged_unsubscribe_link_is_refused(client):
    user = learner("alice")
    token = service.unsubscribe_token(user)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert client.post(f"/reminders/unsubscribe/{forged}/").status_code == 404
    assert ReminderSettings.objects.get(user=user).by_email is True


# --- Web push ----------------------------------------------------------------------------------------------


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_key_pair()
    settings.VAPID_SUBJECT = "mailto:ops@example.org"


@pytest.mark.django_db
def test_push_goes_to_each_device_and_a_gone_device_is_forgotten(vapid, monkeypatch):
    import pywebpush

    user = learner("alice", by_email=False, by_push=True)
    for n in (1, 2):
        PushSubscription.objects.create(user=user, endpoint=f"https://push.example/{n}", p256dh="k", auth="a")
    calls = []

    def fake_webpush(subscription_info, data, vapid_private_key, vapid_claims, **kwargs):
        calls.append((subscription_info["endpoint"], data, vapid_claims))
        if subscription_info["endpoint"].endswith("/2"):
            response = type("Response", (), {"status_code": 410})()
            raise pywebpush.WebPushException("gone", response=response)

    monkeypatch.setattr(pywebpush, "webpush", fake_webpush)
    outcome = run(utc(2026, 3, 2, 18, 0))
    assert outcome.sent == [("alice", "daily", "2026-03-02")]
    assert [c[0] for c in calls] == ["https://push.example/1", "https://push.example/2"]
    assert '"title": "studyapp: 34 due, about 6 minutes"' in calls[0][1]
    assert calls[0][2] == {"sub": "mailto:ops@example.org"}
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == ["https://push.example/1"]
    assert ReminderSent.objects.get().channels == "push"


def test_a_device_subscribes_from_the_reminders_page(vapid, student):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)
    page = browser.get("/accounts/reminders/").content.decode()
    assert 'id="push-enable"' in page
    subscription = {"endpoint": "https://push.example/abc", "keys": {"p256dh": "BPk", "auth": "xyz"}}
    refused = browser.post("/accounts/reminders/push/", subscription, content_type="application/json")
    assert refused.status_code == 403  # CSRF
    csrf = browser.cookies["csrftoken"].value
    ok = browser.post(
        "/accounts/reminders/push/", subscription, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert ok.json() == {"detail": "Notifications are on for this device."}
    assert PushSubscription.objects.get(user=student).endpoint == "https://push.example/abc"
    assert ReminderSettings.objects.get(user=student).by_push is True
    bad = browser.post(
        "/accounts/reminders/push/",
        {"endpoint": "http://x"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert bad.status_code == 400


def test_reminder_settings_page_saves_choices(student_client, student):
    response = student_client.post(
        "/accounts/reminders/",
        {"by_email": "on", "daily": "on", "daily_time": "07:45", "weekly": "on", "assignments": "on"},
    )
    assert response.status_code == 302
    choice = ReminderSettings.objects.get(user=student)
    assert (choice.by_email, choice.by_push, choice.daily_time) == (True, False, dt.time(7, 45))


# --- The periodic task --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_schedules_one_chain_of_runs(settings):
    from studyapp import tasks
    from studyapp.models import ReminderTick

    moment = utc(2026, 3, 2, 18, 7)
    assert tasks.next_slot(moment) == utc(2026, 3, 2, 18, 15)
    assert tasks.schedule_next_reminders(moment) is False  # the immediate backend cannot run tasks later
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    assert tasks.schedule_next_reminders(moment) is True
    assert tasks.schedule_next_reminders(moment) is False  # a second worker does not start a second chain
    assert list(ReminderTick.objects.values_list("slot", flat=True)) == [utc(2026, 3, 2, 18, 15)]
