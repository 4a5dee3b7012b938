"""Playwright against Debian's chromium and pytest-django's live server. Screenshots of failures go to
tests/browser/artifacts/ (kept by CI)."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def playwright_driver():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip("browser tests need Debian's chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield browser
    browser.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(request, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def login(page, username: str, password: str = "correct horse battery staple") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


# --- Console errors and accessibility (axe-core from npm, installed by `make test` into node_modules/) --------

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def _axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs axe-core at {AXE} (`make test` runs npm install)")
        pytest.skip("the accessibility check needs axe-core: npm install")
    return AXE.read_text(encoding="utf-8")


class Journey:
    """A browser page that records console errors and checks each page it is asked to with axe-core.

    axe is added as an init script (through the DevTools protocol, so the page's CSP, which forbids inline and
    eval'd scripts, does not apply to it, while the app's own pages stay under that CSP)."""

    def __init__(self, page, name: str):
        self.page = page
        self.name = name
        self.console_errors: list[str] = []
        self.violations: list[str] = []
        self.shots = 0
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(f"{page.url}: {error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{self.page.url}: {message.text}")

    def check(self, label: str) -> None:
        """axe-core on the page as it is now (0 serious or critical violations), and a screenshot."""
        self.page.wait_for_load_state("load")
        found = self.page.evaluate(
            """async () => {
                const result = await axe.run(document, {resultTypes: ["violations"]});
                return result.violations.map(v => ({id: v.id, impact: v.impact,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
            }"""
        )
        for v in found:
            if v["impact"] in BLOCKING_IMPACTS:
                self.violations.append(f"{label} ({self.page.url}): {v['id']} [{v['impact']}] {v['nodes']}")
        ARTIFACTS.mkdir(exist_ok=True)
        self.shots += 1
        self.page.screenshot(
            path=str(ARTIFACTS / f"{self.name}-{self.shots:02d}-{label}.png"), full_page=True
        )

    def assert_clean(self, *, allow: tuple[str, ...] = ()) -> None:
        errors = [e for e in self.console_errors if not any(a in e for a in allow)]
        assert errors == [], "console errors:\n" + "\n".join(errors)
        assert self.violations == [], "accessibility:\n" + "\n".join(self.violations)


def _journey_page(browser, live_server, request, viewport, name, **options):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
    context.add_init_script(script=_axe_source())
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, Journey(page, name)


@pytest.fixture
def laptop(browser, live_server, request):
    context, journey = _journey_page(
        browser, live_server, request, {"width": 1280, "height": 900}, f"{request.node.name}-laptop"
    )
    yield journey
    context.close()


@pytest.fixture
def phone(browser, live_server, request):
    context, journey = _journey_page(
        browser,
        live_server,
        request,
        {"width": 390, "height": 844},
        f"{request.node.name}-phone",
        has_touch=True,
        is_mobile=True,
    )
    yield journey
    context.close()
