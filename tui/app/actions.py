"""The one action registry: id, default key, title, help, scope.

Key bindings, the command palette and the help screen are all generated from
ACTIONS, so a command exists in one place. Users remap keys in config.toml
`[keys]` by action id; Textual's keymap applies the override to the binding
of the same id.
"""

from textual.binding import Binding


class Action:
    __slots__ = ("id", "key", "title", "help", "scope", "show", "priority")

    def __init__(self, id, key, title, help, scope, show=True, priority=False):
        self.id = id
        self.key = key          # Textual key string; several comma-separated
        self.title = title      # short Chinese name (footer, palette)
        self.help = help        # one sentence for the help screen and palette
        self.scope = scope      # "app", "list", "report", "compare"
        self.show = show        # shown in the footer
        self.priority = priority

    @property
    def method(self):
        return self.id


def _cell_moves(scope):
    """Cursor movement: the same keys on every screen with a cell cursor."""
    return [
        Action("cursor_down", "down,j", "下移", "光标下移", scope, show=False),
        Action("cursor_up", "up,k", "上移", "光标上移", scope, show=False),
        Action("cursor_left", "left,h", "左移", "光标左移", scope, show=False),
        Action("cursor_right", "right,l", "右移", "光标右移", scope, show=False),
        Action("first_cell", "g,home", "开头", "跳到开头", scope, show=False),
        Action("last_cell", "G,end", "末尾", "跳到末尾", scope, show=False),
    ]


SCOPES = {"app": "全局", "list": "报告列表", "report": "报告", "compare": "并排比较"}

ACTIONS = [
    Action("help", "question_mark", "帮助", "显示所有按键和命令", "app"),
    Action("command_palette", "ctrl+p", "命令", "打开命令面板，按名称查找命令", "app", show=False),
    Action("quit", "ctrl+q", "退出", "退出 nianbao（有未保存修改时会询问）", "app", show=False, priority=True),
    Action("close", "q", "关闭", "关闭当前画面，回到上一层；在最外层时退出", "app"),
    # report list
    Action("open_selected", "enter", "打开", "打开光标所在的报告", "list", show=False),
    Action("filter", "slash", "筛选", "输入文字筛选报告（机关、年度、文件名、状态）", "list"),
    Action("sort_next", "s", "排序", "按下一列排序", "list"),
    Action("sort_reverse", "S", "倒序", "反转排序方向", "list", show=False),
    Action("refresh", "r", "重新检查", "重新读取并检查文件夹中的报告", "list", show=False),
    Action("toggle_mark", "space", "标记", "标记或取消标记光标所在的报告（最多两份），供并排比较", "list"),
    Action("import_file", "i", "导入", "导入公开发布的年报（网页 .html、Word .docx、带文字层的 PDF），"
           "写成本文件夹中的报告文件并打开", "list", show=False),
    Action("compare", "c", "比较", "并排比较标记的两份报告；只标记一份时与光标所在报告比较；"
           "未标记时与同一机关上一年度的报告比较", "list"),
    # compare (side by side)
    *_cell_moves("compare"),
    Action("next_difference", "d", "下一不同", "跳到下一处不同（表格中的单元格，正文视图中的一节）", "compare"),
    Action("previous_difference", "D", "上一不同", "跳到上一处不同", "compare", show=False),
    Action("next_finding", "n", "下一问题", "跳到两份报告中下一个问题所在单元格", "compare"),
    Action("previous_finding", "N", "上一问题", "跳到上一个问题所在单元格", "compare", show=False),
    Action("switch_side", "tab", "切换", "在旧报告、新报告与问题列表之间轮换（状态行以当前一侧为先）", "compare",
           priority=True),
    Action("toggle_view", "t", "正文/表格", "在表格对照与正文（叙述部分）逐字对照之间切换", "compare"),
    Action("edit", "e,enter", "修改", "修改当前一侧（Tab 切换）光标所在的单元格或正文", "compare"),
    Action("undo", "u,ctrl+z", "撤销", "撤销当前一侧的上一次修改", "compare", show=False),
    Action("redo", "ctrl+r,ctrl+y", "重做", "重做当前一侧被撤销的修改", "compare", show=False),
    Action("save", "ctrl+s", "保存", "保存两侧有修改的报告（原子写入并校验）", "compare"),
    Action("save_as", "ctrl+o", "另存为", "把当前一侧另存为新文件", "compare", show=False),
    Action("reload", "ctrl+l", "重新载入", "放弃当前一侧的修改，重新读取文件", "compare", show=False),
    # report
    *_cell_moves("report"),
    Action("next_finding", "n", "下一问题", "跳到下一个问题所在单元格", "report"),
    Action("previous_finding", "N", "上一问题", "跳到上一个问题所在单元格", "report", show=False),
    Action("switch_pane", "tab", "切换窗格", "在报告与问题列表之间切换", "report", show=False, priority=True),
    Action("search", "slash", "搜索", "搜索标签和正文文字", "report"),
    Action("search_next", "ctrl+n", "下一处", "跳到下一处搜索结果", "report", show=False),
    Action("edit", "e,enter", "修改", "修改光标所在单元格或正文（计数须为非负整数）", "report"),
    Action("undo", "u,ctrl+z", "撤销", "撤销上一次修改", "report", show=False),
    Action("redo", "ctrl+r,ctrl+y", "重做", "重做被撤销的修改", "report", show=False),
    Action("save", "ctrl+s", "保存", "保存修改（只改动被修改的值，原子写入并校验）", "report"),
    Action("save_as", "ctrl+o", "另存为", "把当前内容另存为新文件", "report", show=False),
    Action("reload", "ctrl+l", "重新载入", "放弃修改，重新读取文件", "report", show=False),
    Action("signoff", "o", "签核", "打开签核对话框：查看摘要、历史和未接受的错误，通过或退回", "report"),
    Action("accept_finding", "a", "接受问题", "接受光标所在单元格（或问题列表中选中）的错误，须填写理由", "report",
           show=False),
    Action("confirm_import", "y", "核对无误", "确认光标所在单元格（? 导入待核对）已与原件核对无误"
           "（记为接受，理由“已与原件核对”）；改成正确的值也算确认", "report", show=False),
    Action("comment", "c", "批注", "给光标所在单元格添加批注，写入报告文件", "report", show=False),
]

BY_ID = {a.id: a for a in ACTIONS}


def actions_for(scope):
    return [a for a in ACTIONS if a.scope == scope]


def bindings(scope):
    """Textual Bindings for one scope, each with the action id as binding id."""
    return [Binding(a.key, a.method, a.title, show=a.show, id=f"{a.scope}.{a.id}", priority=a.priority)
            for a in actions_for(scope)]


def keymap_from_config(keys):
    """config [keys] {action id: key} → Textual keymap {binding id: key}."""
    keymap = {}
    for action in ACTIONS:  # an id may exist in several scopes (n in 报告 and 并排比较): remap all
        if action.id in keys:
            keymap[f"{action.scope}.{action.id}"] = keys[action.id]
    return keymap


_KEY_NAMES = {"question_mark": "?", "slash": "/", "space": "空格", "enter": "回车", "tab": "Tab",
              "escape": "Esc", "down": "Down", "up": "Up", "left": "Left", "right": "Right", "home": "Home", "end": "End"}


def display_key(key):
    """'down,j' → '↓ / j'; 'ctrl+p' → 'Ctrl+P'."""
    parts = []
    for k in key.split(","):
        k = k.strip()
        if k in _KEY_NAMES:
            parts.append(_KEY_NAMES[k])
        elif k.startswith("ctrl+"):
            parts.append("Ctrl+" + k[5:].upper())
        else:
            parts.append(k)
    return " / ".join(parts)


def effective_key(app, action):
    """The key currently bound to an action, after the user's keymap."""
    keymap = getattr(app, "_keymap", {}) or {}
    return keymap.get(f"{action.scope}.{action.id}", action.key)
