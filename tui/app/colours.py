"""Severity colours taken from the active theme, for Rich text in tables."""

from textual.color import Color, ColorParseError

_FALLBACK = {"error": "red", "warning": "yellow", "info": "cyan", "accepted": "green", "accent": "magenta"}


def rich_colour(value, fallback):
    """A theme colour as a Rich style colour. Theme files may name the 16 ANSI
    colours as Textual spells them (`ansi_bright_red`), which Rich cannot parse.
    They become their RGB value: passed on as `color(9)`, Textual would route
    them through its own ANSI palette and show bright red as magenta on a
    16-colour terminal; from RGB the reduction picks the matching colour."""
    if not value:
        return fallback
    try:
        colour = Color.parse(value)
        return Color(colour.r, colour.g, colour.b).hex
    except (ColorParseError, ValueError):
        return fallback


def severity_colours(app):
    theme = app.current_theme
    values = {"error": theme.error, "warning": theme.warning, "info": theme.secondary,
              "accepted": theme.success, "accent": theme.accent}
    return {k: rich_colour(v, _FALLBACK[k]) for k, v in values.items()}
