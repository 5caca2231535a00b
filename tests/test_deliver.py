"""A worker's result reaches its screen only while the screen is alive.

CI once failed when a report-list check finished as the app was closing: the
queued update queried `#reports` on a pruned screen and the worker's
exception failed the run. These tests drive the three cases directly.
"""

import asyncio
import threading

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from tui.app.deliver import ScreenGone, deliver, ends_with_screen


class Target(Screen):
    def compose(self):
        yield Static("x", id="thing")

    def touch(self, value):
        self.query_one("#thing", Static)  # NoMatches once pruned
        return value * 2


class Host(App):
    pass


def in_thread(fn):
    """Run fn in a thread; return what it returned or raised."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    return t, out


async def joined(t):
    while t.is_alive():
        await asyncio.sleep(0.01)


async def shown(app, pilot):
    screen = Target()
    await app.push_screen(screen)
    await pilot.pause()
    return screen


async def test_delivers_while_the_screen_is_shown():
    app = Host()
    async with app.run_test() as pilot:
        screen = await shown(app, pilot)
        t, out = in_thread(lambda: deliver(screen, screen.touch, 21))
        await joined(t)
        assert out == {"value": 42}


async def test_a_popped_screen_gets_nothing_and_the_worker_ends():
    app = Host()
    async with app.run_test() as pilot:
        screen = await shown(app, pilot)
        app.pop_screen()
        await pilot.pause()
        t, out = in_thread(lambda: deliver(screen, screen.touch, 1))
        await joined(t)
        assert isinstance(out.get("error"), ScreenGone)


def test_after_the_app_closed_the_worker_ends_quietly():
    app = Host()
    screen = Target()

    async def run():
        async with app.run_test() as pilot:
            await app.push_screen(screen)
            await pilot.pause()

    asyncio.run(run())
    calls = []

    @ends_with_screen
    def body():
        calls.append(1)
        deliver(screen, screen.touch, 1)
        calls.append(2)  # never reached
        return "finished"

    assert body() is None and calls == [1]


def test_ends_with_screen_lets_other_errors_through():
    @ends_with_screen
    def body():
        raise ValueError("a real bug")

    with pytest.raises(ValueError):
        body()
