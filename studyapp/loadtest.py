"""Simulated learners driving a running studyapp over HTTP (the `load_test` command).

Each learner logs in and then, until time is up, reviews cards the way people do (double clicks, a second
tab on the same card or on a sibling, the back button re-sending an old answer, undo), takes short practice
quizzes and opens the dashboard. It counts what the server accepted, so the command can compare the
database with what the learners saw. No models here: only HTTP, so the same code drives any server.
"""

from __future__ import annotations

import html
import random
import re
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

TIMEOUT = 60  # seconds; longer than gunicorn's worker timeout, so a stuck worker shows up as a 5xx or reset
HTMX = {"HX-Request": "true"}

_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
_SHOW = re.compile(r'class="button primary show-answer" href="([^"]+)"')
_CARD = re.compile(r'data-card-state="(\d+)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_DECK_CHOICE = re.compile(r'name="decks" value="(\d+)"')
_ATTEMPT = re.compile(r"/quizzes/attempts/(\d+)/")
_OPTION = re.compile(r'name="chosen" value="(\d+)"')
_POSITION = re.compile(r'name="position" value="(\d+)"')


@dataclass
class Tally:
    """What the server answered, across all learners (guarded by `lock`)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    status_errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    server_errors: int = 0
    connection_errors: int = 0
    requests: int = 0
    # Per learner: answers and undos the server confirmed, and those whose outcome is unknown (connection lost).
    answered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    answers_unknown: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    undone: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    undos_unknown: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def record(self, endpoint: str, seconds: float, status: int | None) -> None:
        with self.lock:
            self.requests += 1
            self.latencies[endpoint].append(seconds)
            if status is None:
                self.connection_errors += 1
                self.status_errors[endpoint] += 1
            elif status >= 500:
                self.server_errors += 1
                self.status_errors[endpoint] += 1
            elif status >= 400:
                self.status_errors[endpoint] += 1

    def count(self, what: str, username: str | None = None, table: str | None = None) -> None:
        with self.lock:
            self.outcomes[what] += 1
            if table:
                getattr(self, table)[username] += 1

    def summary(self, elapsed: float) -> dict:
        endpoints = {}
        for name, values in sorted(self.latencies.items()):
            ordered = sorted(values)
            endpoints[name] = {
                "requests": len(ordered),
                "p50_ms": round(statistics.median(ordered) * 1000, 1),
                "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1),
                "errors": self.status_errors.get(name, 0),
            }
        return {
            "requests": self.requests,
            "seconds": round(elapsed, 1),
            "requests_per_second": round(self.requests / elapsed, 1) if elapsed else 0.0,
            "server_errors": self.server_errors,
            "connection_errors": self.connection_errors,
            "outcomes": dict(sorted(self.outcomes.items())),
            "endpoints": endpoints,
        }


class Browser:
    """One tab of a learner: a requests session sharing cookies with the learner's other tabs."""

    def __init__(self, base_url: str, tally: Tally, cookies=None):
        self.base_url = base_url.rstrip("/")
        self.tally = tally
        self.session = requests.Session()
        if cookies is not None:
            self.session.cookies.update(cookies)

    def new_tab(self) -> Browser:
        return Browser(self.base_url, self.tally, self.session.cookies)

    def request(self, method: str, endpoint: str, path: str, **kwargs) -> requests.Response | None:
        headers = dict(kwargs.pop("headers", {}))
        if method == "POST":
            headers["X-CSRFToken"] = self.session.cookies.get("csrftoken", "")
            headers["Referer"] = self.base_url + "/"
        started = time.monotonic()
        try:
            response = self.session.request(
                method, self.base_url + path, headers=headers, timeout=TIMEOUT, **kwargs
            )
        except requests.RequestException:
            self.tally.record(endpoint, time.monotonic() - started, None)
            return None
        self.tally.record(endpoint, time.monotonic() - started, response.status_code)
        # Production cookies are Secure; here no TLS proxy sits in front of gunicorn, so send them over plain
        # HTTP as the browser would send them to the proxy.
        for cookie in self.session.cookies:
            cookie.secure = False
        return response


def _fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(page)}


def _answer_form(page: str) -> dict[str, str] | None:
    """The hidden fields of the grade form, when the page shows an answer."""
    if 'name="rating"' not in page:
        return None
    start = page.index('class="grade-buttons"')
    return _fields(page[start : page.index("</form>", start)])


class Learner:
    """A learner who studies until `deadline`; `siblings_of(card_state_id)` names other cards of the item."""

    def __init__(
        self,
        *,
        username: str,
        password: str,
        base_url: str,
        tally: Tally,
        deadline: float,
        rng: random.Random,
        think: tuple[float, float],
        siblings_of: Callable[[int], list[int]],
        sequential: bool = False,
    ):
        self.username, self.password = username, password
        self.tally, self.deadline, self.rng, self.think = tally, deadline, rng, think
        self.browser = Browser(base_url, tally)
        self.siblings_of = siblings_of
        self.sequential = (
            sequential  # send "at once" pairs one after the other (in-memory SQLite test servers)
        )
        self.old_forms: list[dict[str, str]] = []

    def run(self) -> None:
        if not self.log_in():
            return
        actions = [
            (self.review, 70),
            (self.dashboard, 10),
            (self.practice_quiz, 8),
            (self.decks, 4),
            (self.back_button, 4),
            (self.undo, 4),
        ]
        choices, weights = zip(*actions, strict=True)
        self.review()  # at least one answer each, however slow the start
        while time.monotonic() < self.deadline:
            self.rng.choices(choices, weights)[0]()
            self.pause()

    def pause(self) -> None:
        low, high = self.think
        if high > 0:
            time.sleep(self.rng.uniform(low, high))

    def log_in(self) -> bool:
        for _attempt in range(3):
            page = self.browser.request("GET", "GET /accounts/login/", "/accounts/login/")
            if page is None or page.status_code != 200:
                time.sleep(1)
                continue
            match = _CSRF.search(page.text)
            response = self.browser.request(
                "POST",
                "POST /accounts/login/",
                "/accounts/login/",
                data={
                    "username": self.username,
                    "password": self.password,
                    "csrfmiddlewaretoken": match.group(1) if match else "",
                },
                allow_redirects=False,
            )
            if response is not None and response.status_code == 302:
                return True
            time.sleep(1)
        self.tally.count("login_failed")
        return False

    # --- reviewing -----------------------------------------------------------------------------------------

    def shown_answer(self, browser: Browser, query: str = "") -> dict[str, str] | None:
        """Open the review page and reveal the answer; the grade form's fields, or None."""
        page = browser.request("GET", "GET /study/", "/study/" + query)
        if page is None or page.status_code != 200:
            return None
        match = _SHOW.search(page.text)
        if match is None:
            return _answer_form(page.text)
        shown = browser.request("GET", "GET /study/?show", html.unescape(match.group(1)), headers=HTMX)
        if shown is None or shown.status_code != 200:
            return None
        return _answer_form(shown.text)

    def answer(self, browser: Browser, form: dict[str, str], rating: int) -> None:
        response = browser.request(
            "POST", "POST /study/answer/", "/study/answer/", data={**form, "rating": rating}, headers=HTMX
        )
        if response is None:
            self.tally.count("answer_unknown", self.username, "answers_unknown")
        elif response.status_code != 200:
            self.tally.count(f"answer_status_{response.status_code}")
        elif "already answered" in response.text:
            self.tally.count("answer_stale")
        elif "not due for review now" in response.text:
            self.tally.count("answer_not_shown")
        else:
            self.tally.count("answer_recorded", self.username, "answered")

    def rating(self) -> int:
        return self.rng.choices((1, 2, 3, 4), (15, 10, 60, 15))[0]

    def together(self, *calls: Callable[[], None]) -> None:
        if self.sequential:
            for call in calls:
                call()
            return
        threads = [threading.Thread(target=call) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def review(self) -> None:
        form = self.shown_answer(self.browser)
        if form is None:
            return
        self.old_forms = [*self.old_forms[-4:], form]
        roll = self.rng.random()
        if roll < 0.12:  # double click: the same answer sent twice at once
            rating = self.rating()
            self.together(
                lambda: self.answer(self.browser, form, rating),
                lambda: self.answer(self.browser.new_tab(), form, rating),
            )
        elif roll < 0.22:  # a second tab shows the same card and is answered at the same time
            tab = self.browser.new_tab()
            other = self.shown_answer(tab)
            self.together(
                lambda: self.answer(self.browser, form, self.rating()),
                lambda: other and self.answer(tab, other, self.rating()),
            )
        elif roll < 0.32:  # a second tab on a sibling card, both answered at once
            siblings = self.siblings_of(int(form["card_state"]))
            tab = self.browser.new_tab()
            other = self.shown_answer(tab, f"?show={siblings[0]}&card={siblings[0]}") if siblings else None
            self.together(
                lambda: self.answer(self.browser, form, self.rating()),
                lambda: other and self.answer(tab, other, self.rating()),
            )
        else:
            self.answer(self.browser, form, self.rating())
        if self.rng.random() < 0.12:
            self.undo()

    def back_button(self) -> None:
        """Back to an earlier answer page, and its answer sent again."""
        if self.old_forms:
            self.answer(self.browser, self.rng.choice(self.old_forms), self.rating())

    def undo(self) -> None:
        response = self.browser.request("POST", "POST /study/undo/", "/study/undo/", headers=HTMX)
        if response is None:
            self.tally.count("undo_unknown", self.username, "undos_unknown")
        elif response.status_code != 200:
            self.tally.count(f"undo_status_{response.status_code}")
        elif "Undone:" in response.text:
            self.tally.count("undo_applied", self.username, "undone")
        else:
            self.tally.count("undo_refused")

    # --- other pages ----------------------------------------------------------------------------------------

    def dashboard(self) -> None:
        self.browser.request("GET", "GET /", "/")

    def decks(self) -> None:
        self.browser.request("GET", "GET /decks/", "/decks/")

    def practice_quiz(self) -> None:
        page = self.browser.request("GET", "GET /quizzes/practice/", "/quizzes/practice/")
        if page is None or page.status_code != 200:
            return
        decks = _DECK_CHOICE.findall(page.text)
        if not decks:
            return
        started = self.browser.request(
            "POST",
            "POST /quizzes/practice/",
            "/quizzes/practice/",
            data={"decks": decks[0], "count": 3, "mode": "tutor"},
            allow_redirects=False,
        )
        match = started is not None and _ATTEMPT.search(started.headers.get("Location", ""))
        if not match:
            return
        attempt = f"/quizzes/attempts/{match.group(1)}/"
        for _question in range(3):
            question = self.browser.request("GET", "GET attempt", attempt)
            if question is None or question.status_code != 200 or "/result/" in question.url:
                return
            options, position = _OPTION.findall(question.text), _POSITION.search(question.text)
            if not options or position is None:
                break
            self.browser.request(
                "POST",
                "POST attempt answer",
                attempt + "answer/",
                data={"position": position.group(1), "chosen": self.rng.choice(options)},
            )
        self.browser.request("POST", "POST attempt submit", attempt + "submit/")


def run_learners(learners: list[Learner]) -> None:
    threads = [threading.Thread(target=learner.run, name=learner.username) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
