"""Browser tests: Playwright for Python driving Debian's chromium against a live Django server.

Every page a test visits is checked with axe-core (vendored under tests/browser/vendor); a
serious or critical violation fails the test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make browser-deps`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AxeChecker:
    """Runs axe-core on every page a test loads and collects what it finds."""

    def __init__(self) -> None:
        self.checked: list[str] = []
        self.blocking: list[tuple[str, list[dict[str, Any]]]] = []

    def on_load(self, page: Page) -> None:
        # The page may navigate away before axe finishes (a redirect or a quick click);
        # the page it went to is checked by its own load event.
        with contextlib.suppress(PlaywrightError):
            self.check(page)

    def ensure_checked(self, page: Page) -> None:
        """Checks the page's current document unless its load handler already has.

        Call it before leaving a page the test did not wait on: a quick click or `goto` cuts
        the load handler's check short, and that page would go unchecked.
        """
        page.wait_for_load_state()
        checked = page.evaluate(
            """async () => {
                while (window.__axeBusy) { await new Promise(r => setTimeout(r, 50)); }
                return window.__axeChecked === true;
            }"""
        )
        if not checked:
            self.check(page)

    def check(self, page: Page) -> None:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_SCRIPT))
        # A load handler and an explicit check may meet on the same page: axe runs one at a time.
        violations: list[dict[str, Any]] = page.evaluate(
            """async () => {
                while (window.__axeBusy) { await new Promise(r => setTimeout(r, 50)); }
                window.__axeBusy = true;
                try {
                    const result = await axe.run(document, {resultTypes: ['violations']});
                    window.__axeChecked = true;
                    return result.violations.map(v => ({
                        id: v.id, impact: v.impact, help: v.help,
                        targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))
                    }));
                } finally {
                    window.__axeBusy = false;
                }
            }"""
        )
        self.checked.append(page.url)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            self.blocking.append((page.url, blocking))


@pytest.fixture
def axe() -> Iterator[AxeChecker]:
    checker = AxeChecker()
    yield checker
    assert checker.checked, "no page was checked with axe-core"
    assert not checker.blocking, f"axe-core found serious or critical problems: {checker.blocking}"


def _new_page(browser: Browser, axe: AxeChecker, **context_options: Any) -> Iterator[Page]:
    # bypass_csp lets the test inject axe-core; the site's own pages keep their strict policy.
    context = browser.new_context(bypass_csp=True, locale="vi-VN", **context_options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("load", axe.on_load)
    yield page
    # The last page a test reaches may not have fired its load handler yet: check it here.
    if not page.is_closed() and (not axe.checked or axe.checked[-1] != page.url):
        page.wait_for_load_state()
        axe.check(page)
    context.close()


@pytest.fixture
def page(browser: Browser, axe: AxeChecker) -> Iterator[Page]:
    """A phone-sized page (360 px wide) whose every loaded document is checked by axe-core."""
    yield from _new_page(browser, axe, viewport={"width": 360, "height": 780})


@pytest.fixture
def desktop_page(browser: Browser, axe: AxeChecker) -> Iterator[Page]:
    yield from _new_page(browser, axe, viewport={"width": 1280, "height": 900})
