"""A loaded report, or the reason a file could not be loaded."""


class Report:
    """Identity + parsed data + where it came from.

    `data` is the plain dict tomllib produced (review records included);
    `form` is the Form named by `report.form`.
    """

    __slots__ = ("file", "data", "form", "agency", "year", "bom", "_digest")

    def __init__(self, file, data, form, bom=False):
        self.file = file
        self.data = data
        self.form = form
        ident = data["report"]
        self.agency = ident["agency"].strip()
        self.year = ident["year"]
        self.bom = bom
        self._digest = None

    @property
    def form_id(self):
        return self.form.id

    @property
    def digest(self):
        if self._digest is None:
            from tui.core.digest import digest

            self._digest = digest(self.data)
        return self._digest

    def invalidate(self):
        """Forget derived values after `data` was changed in place."""
        self._digest = None

    def __getstate__(self):
        return (self.file, self.data, self.form.id, self.bom, self._digest)

    def __setstate__(self, state):
        from tui.core.forms import get_form

        self.file, self.data, form_id, self.bom, self._digest = state
        self.form = get_form(form_id)
        ident = self.data["report"]
        self.agency = ident["agency"].strip()
        self.year = ident["year"]

    def __repr__(self):
        return f"Report({self.file!r}, {self.agency!r}, {self.year})"


class Invalid:
    """A file that is not a usable report: not UTF-8, not TOML, no identity."""

    __slots__ = ("file", "error", "line", "column")

    def __init__(self, file, error, line=None, column=None):
        self.file = file
        self.error = error
        self.line = line
        self.column = column

    def to_json(self):
        return {"file": self.file, "error": self.error, "line": self.line, "column": self.column}

    def __repr__(self):
        return f"Invalid({self.file!r}, {self.error!r}, {self.line}, {self.column})"
