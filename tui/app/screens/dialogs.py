"""Modal dialogs: cell and text editors, a choice between actions, a prompt.

Each dismisses with its result (None when cancelled), so callers use
`push_screen(dialog, callback)`.
"""

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from tui.app.actions import bindings, key_label
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
    """Edit one value; validates as you type; Enter accepts, Esc cancels.

    `keep`, set by the opener: applies a value to the model without the
    dialog's answer (a hang-up writes what is typed into the recovery file).
    """

    keep = None

    BINDINGS = bindings("dialog", only=("cancel", "blank"))
    DEFAULT_CSS = _CSS.format(name="EditCellDialog")

    def __init__(self, title, address, kind, value):
        super().__init__()
        self.title_text = title
        self.address = address
        self.kind = kind
        self.value = value

    def compose(self):
        with Vertical():
            yield Static(Text(inert(self.title_text)), classes="dialog-title")
            yield Static(Text(f"{inert(self.address)}  原值：{inert(format_for_input(self.value))}"), classes="dialog-hint")
            yield Input(format_for_input(self.value), id="value")
            yield Static("", id="error", classes="dialog-error")
            hint = HINTS.get(self.kind, "").replace("Ctrl+B", key_label(self.app, "dialog", "blank"))
            yield Static(f"{hint}；回车确定，{key_label(self.app, 'dialog', 'cancel')} 取消", classes="dialog-hint")

    def on_mount(self):
        self.query_one(Input).focus()

    def _check(self, raw):
        try:
            value = parse_input(self.kind, raw)
        except ValueError as exc:
            self.query_one("#error", Static).update(f"✗ {exc}")
            return None, False
        self.query_one("#error", Static).update("")
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

    def action_blank(self):
        if self.kind == COUNT:
            self.dismiss(BlankValue)
        else:
            self.query_one("#error", Static).update("✗ 只有计数单元格可以记为空白")

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
    """A message and a row of choices; each choice has a key. Esc → None."""

    BINDINGS = bindings("dialog", only=("cancel", "previous_button", "next_button"))
    DEFAULT_CSS = _CSS.format(name="ChoiceDialog")

    def __init__(self, title, message, choices):
        """choices: [(result, label, key)]; the key is a single letter."""
        super().__init__()
        self.title_text = title
        self.message = message
        self.choices = choices

    def compose(self):
        with Vertical():
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Static(self.message if not isinstance(self.message, str) else Text(self.message))
            with Horizontal():
                for i, (result, label, key) in enumerate(self.choices):
                    yield Button(f"{label}({key})", id=f"choice-{i}")

    def on_mount(self):
        self.query_one(Button).focus()

    def on_button_pressed(self, event):
        event.stop()
        self.dismiss(self.choices[int(event.button.id.split("-")[1])][0])

    def on_key(self, event):
        for result, label, key in self.choices:
            if event.character and event.character.lower() == key.lower():
                event.stop()
                self.dismiss(result)
                return

    def action_previous_button(self):
        self.focus_previous()

    def action_next_button(self):
        self.focus_next()

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
