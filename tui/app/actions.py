"""The one action registry: id, default key, title, help, scope.

Every key a user can press is an Action here: key bindings (screens, dialogs
and the widgets that must see a key before their container does), the
command palette and the help screen are all generated from ACTIONS, so a
command exists in one place. Users remap keys in config.toml `[keys]` by
action id; `check_keys` validates that section (unknown ids, keys that clash
in one scope, keys that are not keys) and keeps the default for every bad
entry, and the app hands the good ones to Textual's keymap by binding id
(`scope.id`).

Adding a command: append an Action (a new scope: add it to SCOPES, and
`ACTIVE_WITH` if it is a screen the app's keys also reach), give the screen
(or dialog) `BINDINGS = bindings(scope)` and an `action_<id>` method.

Pure data and functions: Textual is imported only by `bindings`, so
`nianbao --check-config` can validate a config without loading the TUI.
"""

import unicodedata


class Action:
    __slots__ = ("id", "key", "title", "help", "scope", "show", "priority", "palette")

    def __init__(self, id, key, title, help, scope, show=True, priority=False, palette=True):
        self.id = id
        self.key = key          # Textual key string; several comma-separated
        self.title = title      # short Chinese name (footer, palette)
        self.help = help        # one sentence for the help screen and palette
        self.scope = scope      # a key of SCOPES
        self.show = show        # shown in the footer
        self.priority = priority
        self.palette = palette  # offered in the command palette

    @property
    def method(self):
        return self.id

    @property
    def binding_id(self):
        return f"{self.scope}.{self.id}"


def _cell_moves(scope):
    """Cursor movement: the same keys on every screen with a cursor."""
    return [
        Action("cursor_down", "down,j", "下移", "光标下移", scope, show=False),
        Action("cursor_up", "up,k", "上移", "光标上移", scope, show=False),
        Action("cursor_left", "left,h", "左移", "光标左移", scope, show=False),
        Action("cursor_right", "right,l", "右移", "光标右移", scope, show=False),
        Action("first_cell", "g,home", "开头", "跳到开头", scope, show=False),
        Action("last_cell", "G,end", "末尾", "跳到末尾", scope, show=False),
    ]


def _review(scope, where, show=True):
    """Review records written into the file: the same keys on the report and the side-by-side screen."""
    return [
        Action("signoff", "o", "签核", f"打开签核对话框{where}：查看摘要、历史和未接受的错误，通过或退回", scope,
               show=show),
        Action("accept_finding", "a", "接受问题", f"接受光标所在单元格{where}（或问题列表中选中）的错误，须填写理由；"
               "选中收起的一组时整组一并接受",
               scope, show=False),
        Action("comment", "c", "批注", f"给光标所在单元格{where}添加批注或修改已有批注（追加写入报告文件）", scope,
               show=False),
        Action("withdraw", "W", "撤回", f"撤回光标所在单元格{where}的接受或批注（追加 [[review.withdrawn]]，原记录保留）",
               scope, show=False),
    ]


# Choice dialogs (tui.app.screens.dialogs.ChoiceDialog): one scope each, its
# actions the dialog's buttons in order, each answered by its letter.
CHOICE_SCOPES = {  # (names no wider than the help screen's key column)
    "unsaved": "未保存时退出",
    "exists": "导出文件已存在",
    "recovery": "发现未保存修改",
    "add": "添加缺少的项",
    "conflict": "文件被他人修改",
    "reload": "确认重新载入",
    "save_first": "先保存再写记录",
    "withdraw": "撤回接受或批注",
}

def _choices(scope, *choices):
    """The buttons of one choice dialog: (id, key, label, help) each."""
    return [Action(id, key, title, help, scope, show=False, palette=False) for id, key, title, help in choices]


SCOPES = {"app": "全局", "list": "报告列表", "report": "报告", "compare": "并排比较",
          "preview": "审查意见预览", "dialog": "修改与选择对话框", **CHOICE_SCOPES, "signoff": "签核对话框",
          "help": "帮助画面"}

# Scopes whose keys are live at the same time (a screen's and the app's): a
# remapped key must not clash across them. Dialogs are modal: only their own
# (a choice dialog: its choices and the dialogs' Esc and arrow keys).
ACTIVE_WITH = {"list": ("app",), "report": ("app",), "compare": ("app",), "preview": ("app",),
               **{scope: ("dialog",) for scope in CHOICE_SCOPES}}

ACTIONS = [
    Action("help", "question_mark", "帮助", "显示所有按键和命令", "app"),
    Action("command_palette", "ctrl+p", "命令", "打开命令面板，按名称查找命令", "app", show=False),
    Action("quit", "ctrl+q", "退出", "退出 nianbao（有未保存修改时会询问）", "app", show=False, priority=True),
    Action("close", "q", "关闭", "关闭当前画面，回到上一层；在最外层时退出", "app"),
    Action("theme", "ctrl+t", "切换主题", "换用下一个 nianbao 主题（深色、浅色、16 色高对比……），"
           "并记入配置文件 [ui] theme", "app", show=False),
    # report list
    Action("open_selected", "enter", "打开", "打开光标所在的报告", "list", show=False),
    Action("cursor_down", "down,j", "下移", "光标下移（在筛选框中：回到列表）", "list", show=False),
    Action("cursor_up", "up,k", "上移", "光标上移", "list", show=False),
    Action("first_cell", "g,home", "开头", "跳到第一份报告", "list", show=False),
    Action("last_cell", "G,end", "末尾", "跳到最后一份报告", "list", show=False),
    Action("page_down", "pagedown", "下一页", "光标下移一页", "list", show=False),
    Action("page_up", "pageup", "上一页", "光标上移一页", "list", show=False),
    Action("filter", "slash", "筛选", "输入文字筛选报告（机关、年度、文件名、状态）", "list"),
    Action("clear_filter", "escape", "清除筛选", "清除筛选文字，显示全部报告", "list", show=False),
    Action("sort_next", "s", "排序", "按下一列排序", "list"),
    Action("sort_reverse", "S", "倒序", "反转排序方向", "list", show=False),
    Action("refresh", "r", "重新检查", "重新读取并检查文件夹中的报告", "list", show=False),
    Action("toggle_mark", "space", "标记", "标记或取消标记光标所在的报告（最多两份），供并排比较", "list"),
    Action("import_file", "i", "导入", "导入公开发布的年报（网页 .html、Word .docx、带文字层的 PDF），"
           "写成本文件夹中的报告文件并打开", "list", show=False),
    Action("preview_opinion", "p", "意见预览", "以文字预览光标所在报告的审查意见", "list", show=False),
    Action("export_summary", "w", "导出汇总", "把标记的报告（未标记时为列表中显示的全部报告）的汇总表导出为"
           " .md、.html、.csv 或 .docx 文件（默认放在报告所在文件夹；已有文件须确认才覆盖）", "list", show=False),
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
    Action("toggle_group", "space", "展开/收起", "问题列表：展开或收起一侧的一组同类问题（n / N 仍逐格访问；"
           "在组的一行上按回车也可）", "compare", show=False),
    Action("edit", "e,enter", "修改", "修改当前一侧（Tab 切换）光标所在的单元格或正文", "compare"),
    Action("undo", "u,ctrl+z", "撤销", "撤销当前一侧的上一次修改", "compare", show=False),
    Action("redo", "ctrl+r,ctrl+y", "重做", "重做当前一侧被撤销的修改", "compare", show=False),
    Action("save", "ctrl+s", "保存", "保存两侧有修改的报告（原子写入并校验）", "compare"),
    Action("save_as", "ctrl+o", "另存为", "把当前一侧另存为新文件", "compare", show=False),
    Action("reload", "ctrl+l", "重新载入", "放弃当前一侧的修改，重新读取文件", "compare", show=False),
    *_review("compare", "（当前一侧）", show=False),  # the footer is full at 80 columns
    # report
    *_cell_moves("report"),
    Action("next_finding", "n", "下一问题", "跳到下一个问题所在单元格", "report"),
    Action("previous_finding", "N", "上一问题", "跳到上一个问题所在单元格", "report", show=False),
    Action("switch_pane", "tab", "切换窗格", "在报告与问题列表之间切换", "report", show=False, priority=True),
    Action("toggle_group", "space", "展开/收起", "问题列表：展开或收起一组同类问题（如一整列留空，n / N 仍逐格访问；"
           "在组的一行上按回车也可）", "report", show=False),
    Action("search", "slash", "搜索", "搜索标签和正文文字", "report"),
    Action("search_next", "ctrl+n", "下一处", "跳到下一处搜索结果", "report", show=False),
    Action("close_search", "escape", "关闭搜索", "关闭搜索框，回到报告", "report", show=False, palette=False),
    Action("edit", "e,enter", "修改", "修改光标所在单元格或正文（计数须为非负整数）", "report"),
    Action("undo", "u,ctrl+z", "撤销", "撤销上一次修改", "report", show=False),
    Action("redo", "ctrl+r,ctrl+y", "重做", "重做被撤销的修改", "report", show=False),
    Action("save", "ctrl+s", "保存", "保存修改（只改动被修改的值，原子写入并校验）", "report"),
    Action("save_as", "ctrl+o", "另存为", "把当前内容另存为新文件", "report", show=False),
    Action("reload", "ctrl+l", "重新载入", "放弃修改，重新读取文件", "report", show=False),
    *_review("report", ""),
    Action("confirm_import", "y", "核对无误", "确认光标所在单元格（? 导入待核对）已与原件核对无误"
           "（记为接受，理由“已与原件核对”）；改成正确的值也算确认", "report", show=False),
    Action("preview_opinion", "p", "意见预览", "以文字预览本报告的审查意见（结论、问题、已接受的问题、批注、跨年对照）",
           "report", show=False),
    Action("export_opinion", "w", "导出意见", "把本报告的审查意见导出为 .md、.html 或 .docx 文件"
           "（默认放在报告旁边；已有文件须确认才覆盖）", "report", show=False),
    # review opinion preview
    Action("scroll_down_line", "j", "下移", "向下滚动一行（也可用方向键、PageDown）", "preview", show=False),
    Action("scroll_up_line", "k", "上移", "向上滚动一行（也可用方向键、PageUp）", "preview", show=False),
    Action("export_opinion", "w", "导出", "把审查意见导出为 .md、.html 或 .docx 文件（默认放在报告旁边；已有文件须确认才覆盖）",
           "preview"),
    # dialogs (modal: only their own keys are live)
    Action("cancel", "escape", "取消", "关闭对话框，不做任何修改", "dialog", palette=False),
    Action("accept", "ctrl+s", "确定", "正文编辑框：确定修改（单行输入框按回车确定）", "dialog", palette=False,
           priority=True),
    Action("blank", "ctrl+b", "记为空白", "计数单元格：记为原件留空（写入空字符串）", "dialog", show=False,
           palette=False),
    Action("take_expected", "tab", "填入应为值", "修改框：填入本格问题给出的应为值（如合计应为的数；有几个时再按换下一个）",
           "dialog", show=False, palette=False),
    Action("previous_button", "left", "上一按钮", "选择对话框：移到左边的按钮（按钮上括号中的字母直接选择）", "dialog",
           show=False, palette=False),
    Action("next_button", "right", "下一按钮", "选择对话框：移到右边的按钮", "dialog", show=False, palette=False),
    Action("message_down", "down", "下滚说明", "选择对话框：说明较长时向下滚动一行", "dialog", show=False, palette=False),
    Action("message_up", "up", "上滚说明", "选择对话框：说明较长时向上滚动一行", "dialog", show=False, palette=False),
    Action("message_page_down", "pagedown", "下翻说明", "选择对话框：说明较长时向下翻一页", "dialog", show=False,
           palette=False),
    Action("message_page_up", "pageup", "上翻说明", "选择对话框：说明较长时向上翻一页", "dialog", show=False,
           palette=False),
    # choice dialogs: each choice a key (the button shows it); Esc and the arrow keys as in every dialog
    *_choices("unsaved", ("unsaved_save", "s", "保存", "保存修改，然后退出或关闭"),
              ("unsaved_discard", "d", "不保存", "放弃修改，退出或关闭"),
              ("unsaved_cancel", "c", "取消", "不退出，回到修改")),
    *_choices("exists", ("exists_overwrite", "o", "覆盖", "覆盖已有的文件"),
              ("exists_rename", "r", "换个文件名", "重新输入导出的文件名"),
              ("exists_cancel", "c", "取消", "不导出")),
    *_choices("recovery", ("recovery_restore", "r", "恢复", "把上次未保存的修改恢复到报告中（仍须保存）"),
              ("recovery_discard", "d", "丢弃", "丢弃恢复文件"),
              ("recovery_later", "l", "暂不处理", "保留恢复文件，下次打开时再问")),
    *_choices("add", ("add_yes", "y", "添加", "在文件中添加此项，再修改它的值"),
              ("add_no", "n", "取消", "不添加")),
    *_choices("conflict", ("conflict_reload", "r", "重新载入", "放弃我的修改，载入磁盘上的版本"),
              ("conflict_overwrite", "k", "覆盖", "保留我的修改，覆盖他人的修改"),
              ("conflict_save_as", "a", "另存为", "把我的修改另存为新文件"),
              ("conflict_cancel", "c", "取消", "暂不保存")),
    *_choices("reload", ("reload_yes", "y", "放弃并重新载入", "放弃未保存的修改，重新读取文件"),
              ("reload_no", "n", "取消", "保留修改")),
    *_choices("save_first", ("save_first_save", "s", "保存并继续", "保存当前修改，然后签核、接受或批注"),
              ("save_first_cancel", "c", "取消", "不保存，不写入审核记录")),
    *_choices("withdraw", ("withdraw_cancel", "c", "取消", "不撤回（数字键 1–9 选择要撤回的记录）")),
    Action("cancel", "escape", "取消", "关闭签核对话框，不写入", "signoff", palette=False),
    Action("approve", "a", "通过", "签核通过（光标不在输入框中时）", "signoff", palette=False),
    Action("reject", "r", "退回", "签核退回（光标不在输入框中时）", "signoff", palette=False),
    Action("toggle_sign", "ctrl+k", "签名", "切换是否用 SSH 密钥签名（在输入框中也可）", "signoff", show=False,
           palette=False, priority=True),  # before the input box's own Ctrl+K (delete to the end)
    Action("dismiss", "escape,q,question_mark", "关闭", "关闭帮助", "help", palette=False),
]

BY_ID = {a.id: a for a in ACTIONS}
BY_SCOPE_ID = {(a.scope, a.id): a for a in ACTIONS}


def actions_for(scope):
    return [a for a in ACTIONS if a.scope == scope]


def bindings(scope, only=None, target=None):
    """Textual Bindings for one scope, each with `scope.id` as binding id (what the keymap remaps).

    `only` picks some of the scope's actions (a dialog that has no use for the
    others); `target` routes them to another namespace ("screen" for a widget
    that must see the keys before its scrolling container does).
    """
    from textual.binding import Binding

    chosen = [a for a in actions_for(scope) if only is None or a.id in only]
    prefix = f"{target}." if target else ""
    return [Binding(a.key, prefix + a.method, a.title, show=a.show and not target, id=a.binding_id,
                    priority=a.priority) for a in chosen]


# -- keys -------------------------------------------------------------------

# The modifiers a [keys] entry may name, as the help screen prints them.
_MODIFIERS = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Meta", "super": "Super", "hyper": "Hyper"}
_NAMED = {"enter", "escape", "tab", "space", "backspace", "delete", "insert", "home", "end", "pageup",
          "pagedown", "up", "down", "left", "right"} | {f"f{i}" for i in range(1, 25)}
# Textual's names for some punctuation (textual.keys.KEY_NAME_REPLACEMENTS).
_REPLACEMENTS = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
                 "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}
_CHAR_NAMES = {}
for _code in range(0x21, 0x7F):
    _ch = chr(_code)
    if not _ch.isalnum():
        _name = unicodedata.name(_ch).lower().replace("-", "_").replace(" ", "_")
        _CHAR_NAMES[_ch] = _REPLACEMENTS.get(_name, _name)
_PUNCT_NAMES = set(_CHAR_NAMES.values())


def normalize_key(key):
    """One key as Textual names it ('?' → 'question_mark', 'Ctrl+X' → 'ctrl+x'); ValueError if it is not a key."""
    key = key.strip()
    if not key:
        raise ValueError("空按键")
    if len(key) == 1:
        if key in _CHAR_NAMES:
            return _CHAR_NAMES[key]
        if key.isascii() and key.isalnum():
            return key
        raise ValueError(f"不支持的字符“{key}”（请用英文按键）")
    *mods, base = key.split("+") if not key.endswith("++") else (*key[:-2].split("+"), "+")
    mods = [m.strip().lower() for m in mods]
    bad = [m for m in mods if m not in _MODIFIERS]
    if bad:
        raise ValueError(f"未知的修饰键“{bad[0]}”（可用 ctrl、shift、alt）")
    base = base.strip()
    if len(base) == 1:
        base = normalize_key(base)
        if mods and base.isalpha() and len(base) == 1:
            base = base.lower()  # ctrl+X is ctrl+x to a terminal
    elif base.lower() in _NAMED or base.lower() in _PUNCT_NAMES:
        base = base.lower()
    else:
        raise ValueError(f"无法识别的按键“{key}”")
    return "+".join(mods + [base])


def normalize_keys(keys):
    """'down, j' → 'down,j'; ValueError on a bad key or an empty list."""
    if not isinstance(keys, str):
        raise ValueError("应为按键文字，如 \"x\"、\"ctrl+x\" 或 \"x,ctrl+x\"")
    parts = [normalize_key(k) for k in keys.split(",")] if keys.strip() else []
    if not parts:
        raise ValueError("没有给出按键")
    return ",".join(dict.fromkeys(parts))


# Keys a focused input box takes for editing text (Textual's Input): in a dialog with
# input boxes an action on one of them would never be reached while typing.
INPUT_KEYS = {"left", "right", "home", "end", "backspace", "delete", "enter", "ctrl+a", "ctrl+e", "ctrl+d",
              "ctrl+k", "ctrl+u", "ctrl+w", "ctrl+x", "ctrl+c", "ctrl+v", "ctrl+left", "ctrl+right", "shift+home",
              "shift+end", "shift+left", "shift+right", "ctrl+shift+a"}
TYPING_SCOPES = ("dialog", "signoff")
# Keys the focused button of a choice dialog takes (press it, move the focus).
BUTTON_KEYS = {"enter", "space", "tab", "shift+tab"}


def _live_together(scope):
    return (scope, *ACTIVE_WITH.get(scope, ()))


class KeyCheck:
    """The result of checking `[keys]`: the overrides to apply and the problems found."""

    def __init__(self, overrides, problems):
        self.overrides = overrides   # action id → normalized key string (only the good entries)
        self.problems = problems     # Chinese messages, one per bad entry

    def key_of(self, action):
        """The key an action is bound to: the user's, else its default."""
        return self.overrides.get(action.id, action.key)

    def keymap(self):
        """Textual keymap {binding id: key}: an id in several scopes is remapped in all."""
        return {a.binding_id: self.overrides[a.id] for a in ACTIONS if a.id in self.overrides}


def _clashes(overrides):
    """[(action id overridden, key, other action, scope)] for keys that reach two actions at once."""
    out = []
    for scope in SCOPES:
        live = [a for s in _live_together(scope) for a in actions_for(s)]
        owner = {}
        for a in live:
            for k in overrides.get(a.id, a.key).split(","):
                owner.setdefault(normalize_key(k), []).append(a)
        for k, found in owner.items():
            ids = {a.id for a in found}
            if len(ids) < 2:
                continue
            for a in found:
                if a.id in overrides:
                    other = next(o for o in found if o.id != a.id)
                    out.append((a.id, k, other, scope))
    return out


def check_keys(section):
    """Validate config `[keys]` {action id: key}: a KeyCheck whose problems name each bad
    entry; a bad entry is not applied, and its action keeps its default key."""
    problems, overrides = [], {}
    section = section if isinstance(section, dict) else {}
    for action_id, value in section.items():
        if action_id not in BY_ID:
            problems.append(f"[keys] {action_id}：没有这个操作，已忽略（操作名见帮助画面 ?）")
            continue
        try:
            keys = normalize_keys(value)
            typed = [k for k in keys.split(",") if k in INPUT_KEYS]
            if typed and any(a.scope in TYPING_SCOPES and not a.priority for a in ACTIONS if a.id == action_id):
                raise ValueError(f"对话框的输入框用 {display_key(typed[0])} 编辑文字，此键到不了这个操作")
            pressed = [k for k in keys.split(",") if k in BUTTON_KEYS]
            if pressed and BY_ID[action_id].scope in CHOICE_SCOPES:
                raise ValueError(f"选择对话框的按钮用 {display_key(pressed[0])} 按下，此键到不了这个操作")
            overrides[action_id] = keys
        except ValueError as exc:
            problems.append(f"[keys] {action_id} = {value!r}：{exc}；保留默认按键 "
                            f"{display_key(BY_ID[action_id].key)}")
    while True:  # dropping one clashing entry can uncover another (its default key may be taken)
        clashes = _clashes(overrides)
        if not clashes:
            break
        action_id, key, other, scope = clashes[0]
        problems.append(f"[keys] {action_id} = \"{section[action_id]}\"：按键 {display_key(key)} 在“{SCOPES[scope]}”"
                        f"中已用于“{other.title}”（{other.id}）；保留默认按键 {display_key(BY_ID[action_id].key)}")
        del overrides[action_id]
    return KeyCheck(overrides, problems)


_KEY_NAMES = {"question_mark": "?", "slash": "/", "space": "空格", "enter": "回车", "tab": "Tab",
              "escape": "Esc", "down": "Down", "up": "Up", "left": "Left", "right": "Right", "home": "Home",
              "end": "End", "pageup": "PgUp", "pagedown": "PgDn", "backspace": "Backspace",
              "delete": "Del", "insert": "Ins"}


def display_key(key):
    """Textual's key names as a keyboard prints them: 'down,j' → 'Down / j';
    'ctrl+p' → 'Ctrl+P'; 'pagedown' → 'PgDn'; 'f5' → 'F5'."""
    return " / ".join(_display_one(k.strip()) for k in key.split(","))


def _display_one(k):
    head, plus, rest = k.partition("+")
    if plus and head in _MODIFIERS and rest:
        shown = _display_one(rest)
        return f"{_MODIFIERS[head]}+{shown.upper() if len(shown) == 1 else shown}"
    if k in _KEY_NAMES:
        return _KEY_NAMES[k]
    if len(k) > 1 and k[0] == "f" and k[1:].isdigit():
        return k.upper()
    if len(k) > 1 and k in _PUNCT_NAMES:
        return next(c for c, n in _CHAR_NAMES.items() if n == k)
    return k


def key_label(app, scope, action_id):
    """How to name an action's key in interface text ('Ctrl+B'), after the user's remapping."""
    action = next(a for a in actions_for(scope) if a.id == action_id)
    return display_key(effective_key(app, action))


def effective_key(app, action):
    """The key currently bound to an action: the app's checked [keys], else the default."""
    keys = getattr(app, "key_check", None)
    return keys.key_of(action) if keys is not None else action.key
