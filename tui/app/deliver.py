"""Handing a background worker's result to its screen.

A thread worker cannot be interrupted: when the user leaves a screen or the
app closes, its result still arrives, and by then the screen's widgets may be
gone (a queued update then queried `#reports` on a pruned list and crashed the
app on exit). `deliver` runs the callback in the UI thread only while the
screen is still alive, and otherwise ends the worker with `ScreenGone`,
which `ends_with_screen` swallows.
"""

from __future__ import annotations

import functools


class ScreenGone(Exception):
    """The screen a worker reports to has closed, or the app is closing."""


def alive(screen):
    """True while `screen` is running in a running app and still on its stack."""
    app = screen.app
    return app.is_running and screen.is_running and screen in app.screen_stack


_GONE = object()


def deliver(screen, callback, *args, **kwargs):
    """Call callback(*args) in the UI thread from a worker thread, and return
    its result; raise ScreenGone instead if `screen` is no longer alive."""

    def guarded():
        return callback(*args, **kwargs) if alive(screen) else _GONE

    try:
        result = screen.app.call_from_thread(guarded)
    except RuntimeError:  # "App is not running": it closed while we worked
        raise ScreenGone from None
    if result is _GONE:
        raise ScreenGone
    return result


def ends_with_screen(worker_body):
    """Decorate a worker's body so ScreenGone ends it quietly."""

    @functools.wraps(worker_body)
    def body(*args, **kwargs):
        try:
            return worker_body(*args, **kwargs)
        except ScreenGone:
            return None

    return body
