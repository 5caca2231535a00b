"""Modal dialogs: cell and text editors, a choice between actions, a prompt.

Each dismisses with its result (None when cancelled), so callers use
`push_screen(dialog, callback)`.
"""

from rich.cells import cell_len
from rich.text import Text
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from tui.app.actions import bindings, display_key, key_label
from tui.core.inert import inert
from tui.core.cells import COUNT, HINTS, TEXT, format_for_input, parse_input

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 90%; max-width: 96; height: auto; max-height: 90%; border: round $accent;
                    background: $surface; padding: 0 1; }}
{name} .dialog-title {{ text-style: bold; }}
{name} .dialog-hint {{ color: $text-muted; }}
{name} .dialog-error {{ color: $error; height: auto; }}
{name} Horizontal {{ height: auto; }}
{name} Button {{ margin: 0 1 0 0; min-width: 8; }}
"""


class BlankValue:
    """Marker result: the user chose an explicit blank ("" as published)."""


class EditCellDialog(ModalScreen):
    """Edit one value in a small overlay; validates as you type; Enter accepts, Esc cancels.

    The overlay is a few lines high, docked at the bottom of the screen (over
    the problem list and status line), or at the top when the opener's
    `avoid` region (the edited row on screen) would be under it, so the row
    being edited and its neighbours stay in sight (issue 13.8). The screen
    beneath is not dimmed. `expected`: [(value, finding)] the findings on the
    cell say it should be; one key (take_expected) types the value in, the
    next press the next one.

    `keep`, set by the opener: applies a value to the model without the
    dialog's answer (a hang-up writes what is typed into the recovery file).
    """

    keep = None

    BINDINGS = bindings("dialog", only=("cancel", "blank", "take_expected"))
    DEFAULT_CSS = """
    EditCellDialog { align: center bottom; }
    EditCellDialog.top { align: center top; }
    EditCellDialog > Vertical { width: 100%; height: auto; border: round $accent; background: $surface;
                                padding: 0 1; }
    EditCellDialog .dialog-title { text-style: bold; text-wrap: nowrap; }
    EditCellDialog .dialog-hint { color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    EditCellDialog #expected { text-wrap: nowrap; text-overflow: ellipsis; }
    EditCellDialog #error { color: $error; height: auto; display: none; }
    EditCellDialog #error.shown { display: block; }
    """
    # Over the app's CSS (which gives every screen an opaque background and every
    # input a 3-line frame): ids outrank its type selectors.
    CSS = """
    EditCellDialog #value { border: none; height: 1; padding: 0 1; background: $boost; }
    """

    def __init__(self, title, address, kind, value, expected=(), findings=(), avoid=None):
        super().__init__()
        self.title_text = title
        self.address = address
        self.kind = kind
        self.value = value
        self.expected = list(expected)     # [(value, finding)], distinct values
        self.findings = list(findings)     # the cell's findings, said on the overlay (the status line is under it)
        self.avoid = avoid                 # screen Region of the edited row, kept uncovered
        self._taken = -1                   # index into expected of the value last typed in by the key
        # The report stays readable under the overlay: not dimmed, not hidden.
        self.styles.background = "transparent"

    def compose(self):
        box = Vertical()
        box.border_title = f"{inert(self.address)}  原值：{inert(format_for_input(self.value))}"
        with box:
            yield Static(Text(inert(self.title_text)), id="title", classes="dialog-title")
            if self.expected or self.findings:
                yield Static(self._expected_text(), id="expected")
            yield Input(format_for_input(self.value), id="value")
            yield Static("", id="error", classes="dialog-error")
            hint = HINTS.get(self.kind, "").replace("Ctrl+B", key_label(self.app, "dialog", "blank"))
            yield Static(f"{hint}；回车确定，{key_label(self.app, 'dialog', 'cancel')} 取消", classes="dialog-hint")

    def _expected_text(self):
        t = Text(no_wrap=True, overflow="ellipsis")
        if self.expected:
            values = " 或 ".join(format_for_input(v) for v, _ in self.expected)
            more = "，再按换下一个" if len(self.expected) > 1 else ""
            t.append(f"应为 {inert(values)}", style="bold")
            t.append(f"（{key_label(self.app, 'dialog', 'take_expected')} 填入{more}）  ")
        for f in self.findings:
            t.append(f"{f.glyph} ", style="bold")
            t.append(inert(f.message) + "  ")
        return t

    def on_mount(self):
        self.query_one(Input).focus()
        self._fit_title()
        self.call_after_refresh(self._place)

    def on_resize(self, event):
        self._fit_title()
        self.call_after_refresh(self._place)

    def _fit_title(self):
        """The label path, cut at its start (`…行政复议 › 总计`): the end names the cell."""
        width = max(8, self.app.size.width - 4)
        text = inert(self.title_text)
        if cell_len(text) > width:
            while text and cell_len(text) > width - 1:
                text = text[1:]
            text = "…" + text
        self.query_one("#title", Static).update(Text(text))

    def _place(self):
        """At the bottom, unless that covers the edited row: then at the top."""
        if self.avoid is None:
            return
        box = self.query_one(Vertical)
        height = box.outer_size.height
        bottom = Region(0, self.size.height - height, self.size.width, height)
        self.set_class(bottom.overlaps(self.avoid), "top")

    def _show_error(self, words):
        error = self.query_one("#error", Static)
        error.update(words)
        error.set_class(bool(words), "shown")
        self.call_after_refresh(self._place)

    def _check(self, raw):
        try:
            value = parse_input(self.kind, raw)
        except ValueError as exc:
            self._show_error(f"✗ {exc}")
            return None, False
        self._show_error("")
        return value, True

    def on_input_changed(self, event):
        self._check(event.value)

    def on_input_submitted(self, event):
        event.stop()
        value, ok = self._check(event.value)
        if ok:
            self.dismiss(value)

    def pending(self):
        """What is typed, as a value, if it is valid and differs from the original; else None."""
        try:
            value = parse_input(self.kind, self.query_one(Input).value)
        except ValueError:
            return None
        return None if value == self.value and type(value) is type(self.value) else value

    def action_take_expected(self):
        """Type in the value a finding on the cell expects (the next one on the next press)."""
        if not self.expected:
            self._show_error("✗ 本格的问题没有给出应为值")
            return
        self._taken = (self._taken + 1) % len(self.expected)
        box = self.query_one(Input)
        box.value = format_for_input(self.expected[self._taken][0])
        box.cursor_position = len(box.value)
        box.focus()

    def action_blank(self):
        if self.kind == COUNT:
            self.dismiss(BlankValue)
        else:
            self._show_error("✗ 只有计数单元格可以记为空白")

    def action_cancel(self):
        self.dismiss(None)


class EditTextDialog(ModalScreen):
    """Edit a narrative section in a TextArea; Ctrl+S accepts, Esc cancels. `keep`: as EditCellDialog's."""

    keep = None

    BINDINGS = bindings("dialog", only=("cancel", "accept"))
    DEFAULT_CSS = _CSS.format(name="EditTextDialog") + """
    EditTextDialog > Vertical { height: 90%; }
    EditTextDialog TextArea { height: 1fr; }
    """

    def __init__(self, title, address, value):
        super().__init__()
        self.title_text = title
        self.address = address
        self.value = value if isinstance(value, str) else ""

    def compose(self):
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            yield TextArea(self.value, soft_wrap=True, id="text", show_line_numbers=False)
            yield Static(Text(f"{inert(self.address)}；{key_label(self.app, 'dialog', 'accept')} 确定，"
                              f"{key_label(self.app, 'dialog', 'cancel')} 取消"), classes="dialog-hint")

    def on_mount(self):
        self.query_one(TextArea).focus()

    def pending(self):
        text = self.query_one(TextArea).text
        return None if text == self.value else parse_input(TEXT, text)

    def action_accept(self):
        self.dismiss(parse_input(TEXT, self.query_one(TextArea).text))

    def action_cancel(self):
        self.dismiss(None)


class ChoiceDialog(ModalScreen):
    """A message and a row of choices; each choice has a key. Esc → None.

    `scope` names the dialog in the action registry (tui.app.actions.CHOICE_SCOPES):
    its choices are given as (result, action id), and the button's label and
    key come from the registry, after the user's [keys]. A choice made up on
    the spot (the numbered records of the withdraw dialog) is (result, label, key).

    At 80×24 the buttons always show whole (issue 13.2): they sit at the
    bottom of the box while a long message scrolls above them, and when
    they are too many for one row they stand one per line.
    """

    BINDINGS = bindings("dialog", only=("cancel", "previous_button", "next_button", "message_down", "message_up",
                                  "message_page_down", "message_page_up"))
    DEFAULT_CSS = _CSS.format(name="ChoiceDialog") + """
    ChoiceDialog #message { height: auto; }
    ChoiceDialog #choices { dock: bottom; height: auto; }
    ChoiceDialog #choices.stacked { layout: vertical; }
    ChoiceDialog #choices.stacked Button { width: 100%; margin: 0; }
    """

    def __init__(self, title, message, choices, scope=None):
        super().__init__()
        self.title_text = title
        self.message = message
        self.scope = scope
        self.choices = choices

    def _buttons(self):
        """[(result, label, keys)]: keys as Textual names them, comma-separated."""
        from tui.app.actions import BY_SCOPE_ID, effective_key

        out = []
        for choice in self.choices:
            if len(choice) == 2:
                result, action_id = choice
                action = BY_SCOPE_ID[(self.scope, action_id)]
                out.append((result, action.title, effective_key(self.app, action)))
            else:
                out.append(choice)
        return out

    def _labels(self):
        return [f"{label}({display_key(keys)})" for _, label, keys in self._answers]

    def _stacked(self):
        """Whether the buttons overflow one row of the box (90% of the screen, at most 96)."""
        inner = min(96, self.app.size.width * 9 // 10) - 4
        return sum(max(8, cell_len(t) + 2) + 1 for t in self._labels()) > inner

    def compose(self):
        self._answers = self._buttons()
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            with VerticalScroll(id="message"):
                yield Static(Text(self.message) if isinstance(self.message, str) else self.message)
            with Horizontal(id="choices"):
                for i, text in enumerate(self._labels()):
                    yield Button(text, id=f"choice-{i}")

    def on_mount(self):
        self._fit()
        self.query_one(Button).focus()

    def on_resize(self, event):
        self._fit()

    def _fit(self):
        """The message scrolls in what the box (90% of the screen) leaves beside the title and buttons."""
        stacked = self._stacked()
        self.query_one("#choices").set_class(stacked, "stacked")
        buttons = len(self.choices) if stacked else 1
        self.query_one("#message").styles.max_height = max(2, self.app.size.height * 9 // 10 - 3 - buttons)

    def on_button_pressed(self, event):
        event.stop()
        self.dismiss(self._answers[int(event.button.id.split("-")[1])][0])

    def on_key(self, event):
        for result, label, keys in self._answers:
            for key in keys.split(","):
                # a letter answers in either case, as it always did (s and S)
                if event.key == key or (len(key) == 1 and event.character and
                                        event.character.lower() == key.lower()):
                    event.stop()
                    self.dismiss(result)
                    return

    def action_previous_button(self):
        self.focus_previous()

    def action_next_button(self):
        self.focus_next()

    # Keyboard users read a message longer than the box (the buttons keep the focus).
    def _message(self):
        return self.query_one("#message", VerticalScroll)

    def action_message_down(self):
        self._message().scroll_down(animate=False)

    def action_message_up(self):
        self._message().scroll_up(animate=False)

    def action_message_page_down(self):
        self._message().scroll_page_down(animate=False)

    def action_message_page_up(self):
        self._message().scroll_page_up(animate=False)

    def action_cancel(self):
        self.dismiss(None)


class PromptDialog(ModalScreen):
    """Ask for one line of text (a file name, a reason, a note)."""

    BINDINGS = bindings("dialog", only=("cancel",))
    DEFAULT_CSS = _CSS.format(name="PromptDialog")

    def __init__(self, title, hint, value="", allow_empty=False):
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.value = value
        self.allow_empty = allow_empty

    def compose(self):
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Input(self.value, id="prompt")
            yield Static("", id="error", classes="dialog-error")
            yield Static(Text(f"{self.hint}；回车确定，{key_label(self.app, 'dialog', 'cancel')} 取消"),
                         classes="dialog-hint")

    def on_mount(self):
        self.query_one(Input).focus()

    def on_input_submitted(self, event):
        event.stop()
        if not event.value.strip() and not self.allow_empty:
            self.query_one("#error", Static).update("✗ 不能为空")
            return
        self.dismiss(event.value.strip())

    def action_cancel(self):
        self.dismiss(None)
