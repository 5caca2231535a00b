"""The sign-off dialog: digest, state, history, unaccepted errors; approve or reject.

It only gathers the reviewer's decision; the report screen writes it with
tui.store.signoff (append-only, verified, lock-aware) and reloads.
"""

from rich.table import Table
from rich.text import Text
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.app.actions import bindings, key_label
from tui.app.colours import severity_colours
from tui.app.widgets.paragraph import Paragraph
from tui.core.inert import inert
from tui.core.review import STATE_GLYPHS, STATE_NAMES, signoffs

DECISION_NAMES = {"approved": "通过", "rejected": "退回"}


class SignoffDialog(ModalScreen):
    BINDINGS = bindings("signoff")
    # Compact one-line fields and buttons, so at 80×24 the summary keeps ~14
    # lines: the errors the reason accepts are in sight while it is typed.
    DEFAULT_CSS = """
    SignoffDialog { align: center middle; }
    SignoffDialog > Vertical { width: 94%; max-width: 110; height: 94%; border: round $accent;
                               background: $surface; padding: 0 1; }
    SignoffDialog #summary { height: 1fr; }
    SignoffDialog .field.next { margin: 0; }
    SignoffDialog .field { height: 1; margin: 1 0 0 0; }
    SignoffDialog .field Static { width: 14; color: $text-muted; }
    SignoffDialog .field Input { width: 1fr; }
    SignoffDialog #error { color: $error; height: auto; }
    SignoffDialog #error.empty { display: none; }
    SignoffDialog #sign { height: auto; margin: 1 0 0 0; }
    SignoffDialog #buttons { height: 1; margin: 1 0 0 0; }
    SignoffDialog Button { margin: 0 2 0 0; min-width: 8; }
    """

    def __init__(self, model, reviewer, stale_text, sign_key=None):
        super().__init__()
        self.model = model
        self.reviewer = reviewer
        self.stale_text = stale_text
        self.sign_key = sign_key
        self.sign = sign_key is not None
        self.blocking = [f for f in model.findings if f.blocking]
        self.colours = {}

    def compose(self):
        self.colours = severity_colours(self.app)
        with Vertical():
            with VerticalScroll(id="summary"):
                yield Static(self._summary())
            with Horizontal(classes="field"):
                yield Static("审核人")
                yield Input(self.reviewer, id="reviewer", compact=True)
            with Horizontal(classes="field next"):
                yield Static("意见（可选）")
                yield Input("", id="note", placeholder="如：与上年报告核对无误", compact=True)
            if self.blocking:
                with Horizontal(classes="field next"):
                    yield Static("接受理由")
                    yield Input("", id="reason", compact=True,
                                placeholder=f"通过须接受上列 {len(self.blocking)} 条错误，如：原件如此，已核实")
            yield Static(self._sign_text(), id="sign")
            yield Static("", id="error", classes="empty")
            with Horizontal(id="buttons"):
                yield Button(f"通过({key_label(self.app, 'signoff', 'approve')})", id="approve")
                yield Button(f"退回({key_label(self.app, 'signoff', 'reject')})", id="reject")
                yield Button(f"取消({key_label(self.app, 'signoff', 'cancel')})", id="cancel")

    def _summary(self):
        """What is signed, most pressing first: the report, its state, the errors the
        acceptance reason covers (each whole, wrapped), then the history and the digest."""
        m = self.model
        r = m.report
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(ratio=1)

        def row(label, text):
            grid.add_row(label, Paragraph(text if isinstance(text, Text) else Text(text)))

        row("报告", Text(f"{inert(r.agency)} {r.year} 年度 · {r.form.name} · {inert(r.file)}"))
        state = Text(f"{STATE_GLYPHS[m.signoff]} {STATE_NAMES[m.signoff]}")
        if self.stale_text:
            state.append(f"：{inert(self.stale_text)}")
        row("签核状态", state)
        if self.blocking:
            for i, f in enumerate(self.blocking):
                line = Text(f"✗ {inert(f.message)}", style=self.colours.get("error", ""))
                line.append(f"  {inert(f.first)}", style="dim")
                row(f"未接受的错误 {len(self.blocking)}" if i == 0 else "", line)
        else:
            row("未接受的错误", Text("无", style="dim"))
        history = signoffs(r.data)
        if not history:
            row("签核记录", Text("无", style="dim"))
        for i, rec in enumerate(reversed(history)):
            signed = " · 已签名" if rec.get("signature") else ""
            note = f" · {rec.get('note')}" if rec.get("note") else ""
            line = (f"{rec.get('at', '')} {DECISION_NAMES.get(rec.get('decision'), rec.get('decision'))} "
                    f"{rec.get('reviewer', '')}（{rec.get('user', '')}）{signed}{note}")
            row("签核记录" if i == 0 else "", Text(inert(line)))
        row("数据摘要", Text(r.digest, style="dim"))
        return grid

    def _sign_text(self):
        if self.sign_key is None:
            return Text("不签名（未配置 SSH 密钥：config.toml [reviewer] key）", style="dim")
        box = "[x]" if self.sign else "[ ]"
        return Text(f"{box} 用 SSH 密钥签名：{inert(self.sign_key)}（{key_label(self.app, 'signoff', 'toggle_sign')} 切换）")

    def action_toggle_sign(self):
        if self.sign_key is not None:
            self.sign = not self.sign
            self.query_one("#sign", Static).update(self._sign_text())

    def on_mount(self):
        self.query_one("#note", Input).focus()

    def action_approve(self):
        self._decide("approved")

    def action_reject(self):
        self._decide("rejected")

    def on_button_pressed(self, event):
        event.stop()
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self._decide("approved" if event.button.id == "approve" else "rejected")

    def on_input_submitted(self, event):
        event.stop()
        self.focus_next()

    def _say(self, words):
        error = self.query_one("#error", Static)
        error.update(words)
        error.set_class(not words, "empty")

    def _decide(self, decision):
        reviewer = self.query_one("#reviewer", Input).value.strip()
        if not reviewer:
            self._say("✗ 审核人不能为空")
            return
        from tui.core.findings import UNCONFIRMED

        unconfirmed = [f for f in self.model.findings if f.rule == UNCONFIRMED and not f.accepted]
        if unconfirmed and decision == "approved":
            # Import flags are confirmed one by one against the original, never swept up here.
            self._say(f"✗ 还有 {len(unconfirmed)} 个导入待核对的单元格（?）：请先逐一与原件核对（y）或改正，"
                         "再签核通过")
            return
        reason = None
        if self.blocking and decision == "approved":
            reason = self.query_one("#reason", Input).value.strip()
            if not reason:
                self._say(f"✗ 仍有 {len(self.blocking)} 条未接受的错误：请填写接受理由，或退回")
                self.query_one("#reason", Input).focus()
                return
        self.dismiss({"decision": decision, "reviewer": reviewer,
                      "note": self.query_one("#note", Input).value.strip() or None,
                      "accept_reason": reason, "sign_key": self.sign_key if self.sign else None})

    def action_cancel(self):
        self.dismiss(None)
