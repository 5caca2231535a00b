"""Severity colours taken from the active theme, for Rich text in tables."""


def severity_colours(app):
    theme = app.current_theme
    return {
        "error": theme.error or "red",
        "warning": theme.warning or "yellow",
        "info": theme.secondary or "cyan",
        "accepted": theme.success or "green",
        "accent": theme.accent or "magenta",
    }
