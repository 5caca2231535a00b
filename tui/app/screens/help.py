"""The help screen, generated from the action registry (with the user's keys).

Descriptions wrap CJK-style (between characters, keeping Latin words and
numbers whole), so at 80 columns every entry is shown whole; they are plain
Text, never markup (`[[review.withdrawn]]` is shown as written).
"""

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.app.marks import UNSAVED_GLYPH
from tui.app.actions import SCOPES, actions_for, bindings, display_key, effective_key, key_label
from tui.app.widgets.paragraph import Paragraph
from tui.core.findings import GLYPHS
from tui.core.review import APPROVED, NONE, REJECTED, STALE, STATE_GLYPHS


class HelpScreen(ModalScreen):
    BINDINGS = bindings("help")
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 100; height: 90%; border: round $accent;
                                  background: $surface; padding: 0 1; }
    """

    def compose(self):
        with VerticalScroll():
            yield Static(self._content())

    def _content(self):
        out = Table.grid(padding=(0, 2))
        out.add_column(no_wrap=True)
        out.add_column(ratio=1)

        def entry(key, words, style=""):
            out.add_row(Text(key, style="bold"), Paragraph(Text(words, style=style)))

        def heading(name):
            out.add_row("", "")
            out.add_row(Text(name, style="bold underline"), "")

        close = key_label(self.app, "help", "dismiss").replace(" / ", "、")
        palette = key_label(self.app, "app", "command_palette")
        entry("nianbao 按键帮助", f"{close} 关闭；{palette} 按名称查找命令", style="dim")
        for scope, name in SCOPES.items():
            actions = actions_for(scope)
            if not actions:
                continue
            heading(name)
            for a in actions:
                entry(display_key(effective_key(self.app, a)), f"{a.title}：{a.help}")
        heading("标记")
        entry(GLYPHS["error"], "错误：报告按原样发布即有误，须修改或接受后才能签核通过")
        entry(GLYPHS["warning"], "警告：很可能有误，须审核人查看")
        entry(GLYPHS["accepted"], "已接受：审核人已核实并接受该问题")
        entry(GLYPHS["clean"], "无问题：检查未发现错误或警告（报告列表）")
        entry(STATE_GLYPHS[APPROVED], "已通过：审核人已签核通过（签核栏）")
        entry(f"{STATE_GLYPHS[REJECTED]} {STATE_GLYPHS[STALE]} {STATE_GLYPHS[NONE]}",
              "签核栏：已退回 / 已过期（签核后报告有改动）/ 未签核")
        entry("#", "单元格附有批注")
        entry(UNSAVED_GLYPH, "已修改、尚未保存的单元格或正文（标题栏同样显示“已修改”）；保存或撤销后消失")
        entry("空 / 缺", "原件留空（或占位符）/ 文件中缺少该单元格")
        return out

    def action_dismiss(self):
        self.dismiss()
