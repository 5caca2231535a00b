"""Editing actions shared by the report screen and the side-by-side screen.

A screen mixes this in and says three things: which model an edit goes to
(`edit_model`), which cell the cursor is on in it (`edit_address`), and how
to repaint after a change (`repaint`). Everything else — validation dialogs,
adding a key the file lacks, undo/redo, verified saves, conflicts, save as,
locks and recovery files — lives here once.
"""

import os

from tui.core.cells import FIXED, TEXT, cell_kind
from tui.core.grouping import Group
from tui.core.inert import inert
from tui.app.screens.dialogs import BlankValue, ChoiceDialog, EditCellDialog, EditTextDialog, PromptDialog


def cell_findings(model, address):
    """(the findings marking a cell, [(expected value, finding)]): the values the findings whose
    first cell it is say it should hold (FORMAT.md §2 `expected`), distinct, unaccepted ones
    first, leaving out the value it holds (text.claim: the table is right, the narrative is not)."""
    from tui.core.review import normal_address

    mark = model.marks.get(address)
    found = list(mark.findings) if mark is not None else []
    now = model.value(address)
    expected, seen = [], {(type(now).__name__, repr(now))}
    for f in sorted(found, key=lambda f: f.accepted):
        if f.expected is None or isinstance(f.expected, bool) or not f.first or normal_address(f.first) != address:
            continue
        key = (type(f.expected).__name__, repr(f.expected))
        if key not in seen:
            seen.add(key)
            expected.append((f.expected, f))
    return found, expected


class EditingMixin:
    # -- hooks ------------------------------------------------------------

    def edit_model(self):
        raise NotImplementedError

    def edit_address(self):
        raise NotImplementedError

    def editable_models(self):
        """Every model shown (locks, recovery, unsaved-changes prompts)."""
        raise NotImplementedError

    def repaint(self, model, address=None, full=False):
        raise NotImplementedError

    def missing_key_to_add(self):
        """A key the file lacks that the screen offers to add (e.g. from a finding), or None."""
        return None

    def cursor_row_region(self):
        """The edited row on screen, which the edit overlay keeps in sight (None: no table has the cursor)."""
        from tui.app.widgets.cursor import CellCursorMixin

        focused = self.focused
        return focused.cursor_row_on_screen() if isinstance(focused, CellCursorMixin) else None

    # -- locks and recovery ------------------------------------------------

    def take_lock(self, model):
        """Register as editing `model`'s file; tell the user who else is."""
        others = model.take_lock()
        if others:
            from tui.store import lock

            who = "；".join(lock.describe(h) for h in others)
            self.notify(f"{who} 也打开了 {model.path} 进行编辑，保存前请先协调", title="注意",
                        severity="warning", timeout=12)
        return others

    def release_locks(self):
        for m in self.editable_models():
            m.release_lock()

    def write_recovery(self):
        """Unsaved edits → recovery files (on a hang-up); the files written. Never raises."""
        return [path for path in (m.write_recovery() for m in self.editable_models()) if path]

    def offer_recovery(self, model):
        found = model.find_recovery()
        if found is None:
            return
        when = f"（{found.written}）" if found.written else ""
        warn = "" if found.matches_file else "\n注意：文件在此之后已被修改，恢复时逐项重新应用。"
        warn += f"\n恢复文件：{inert(found.file)}" if found.file else ""
        message = f"{model.path} 上次未保存就中断了{when}，有 {len(found.edits)} 处修改：\n" + "\n".join(
            f"  {a} = {v!r}" for a, v in found.edits[:8]) + ("\n  ……" if len(found.edits) > 8 else "") + warn

        def chosen(choice):
            if choice == "restore":
                failed = model.restore(found)
                self.repaint(model, full=True)
                if failed:
                    self.notify("以下修改无法恢复：" + "；".join(f"{a}：{why}" for a, why in failed),
                                severity="error", timeout=12)
                else:
                    self.notify(f"已恢复 {len(found.edits)} 处修改（尚未保存）")
            elif choice == "discard":
                model.discard_recovery()
                self.notify("已丢弃恢复的修改")

        self.app.push_screen(ChoiceDialog("发现未保存的修改", message,
                                          [("restore", "recovery_restore"), ("discard", "recovery_discard"),
                                           ("later", "recovery_later")], scope="recovery"),
                             chosen)

    # -- editing ------------------------------------------------------------

    def can_edit(self, model):
        if not model.editable or model.read_only:
            self.notify(model.read_only or "此报告不能修改", title="只读", severity="warning")
            return False
        return True

    def action_edit(self):
        model = self.edit_model()
        if model is None:
            return
        missing = self.missing_key_to_add()
        if missing is not None:
            if self.can_edit(model):
                self.offer_insert(model, missing)
            return
        address = self.edit_address()
        if address is None or not self.can_edit(model):
            return
        kind = cell_kind(model.form, address)
        title = model.form.label(address)
        if kind == FIXED:
            self.notify(f"{title}不能在工作台中修改", severity="warning")
            return
        if model.lacks(address):
            self.offer_insert(model, address)
            return
        value = model.value(address)
        if kind == TEXT:
            dialog = EditTextDialog(title, address, value)
        else:
            found, expected = cell_findings(model, address)
            dialog = EditCellDialog(title, address, kind, value, expected, found, self.cursor_row_region())
        # on a hang-up with the dialog open, what is typed goes into the recovery file (issue 10.7)
        dialog.keep = lambda typed: model.set(address, "" if typed is BlankValue else typed)
        self.app.push_screen(dialog, lambda result: self.apply_edit(model, address, result))

    def apply_edit(self, model, address, value):
        if value is None:
            return
        if value is BlankValue:
            value = ""
        outcome = model.set(address, value)
        if outcome.kind == "refused":
            self.notify(outcome.message, title="未修改", severity="error", timeout=8)
        elif outcome.ok:
            self.repaint(model, address)

    # -- adding what the file lacks -------------------------------------

    def offer_insert(self, model, address):
        """Ask whether to add a missing key, then edit its value with the usual editor."""
        try:
            key, default, cell, part = model.insertion(address)
        except ValueError:
            key = None
        reason = model.insert_refusal(key) if key is not None else "地址无法解析"
        if reason:
            self.notify(f"文件中没有 {address}，无法添加：{reason}", severity="warning", timeout=8)
            return
        kind = cell_kind(model.form, cell)
        if kind == FIXED:
            self.notify(f"{model.form.label(cell)}不能在工作台中修改", severity="warning")
            return

        def edit(choice):
            if choice != "add":
                return
            title = model.form.label(cell)
            current = default if part is None else default[part]
            dialog = EditTextDialog(title, cell, current) if kind == TEXT else EditCellDialog(title, cell, kind, current)
            dialog.keep = lambda typed: model.insert(key, self._with_part(default, part, typed))
            self.app.push_screen(dialog, lambda result: self.insert_key(model, key, default, part, cell, result))

        self.app.push_screen(ChoiceDialog("文件中没有此项，添加？", f"{model.form.label(key)}\n{key}",
                                          [("add", "add_yes"), (None, "add_no")], scope="add"), edit)

    def insert_key(self, model, key, default, part, cell, result):
        if result is None:
            return
        outcome = model.insert(key, self._with_part(default, part, result))
        if not outcome.ok:
            self.notify(outcome.message, title="未添加", severity="error", timeout=8)
            return
        self.notify(outcome.message)
        self.repaint(model, cell)

    @staticmethod
    def _with_part(default, part, typed):
        """The value to add: what was typed, or the default row/table with the typed part in it."""
        typed = "" if typed is BlankValue else typed
        if part is None:
            return typed
        value = list(default) if isinstance(default, list) else dict(default)
        value[part] = typed
        return value

    # -- history --------------------------------------------------------

    def action_undo(self):
        model = self.edit_model()
        address = model.undo() if model is not None else None
        if address is None:
            self.notify("没有可撤销的修改")
            return
        self.repaint(model, address)

    def action_redo(self):
        model = self.edit_model()
        address = model.redo() if model is not None else None
        if address is None:
            self.notify("没有可重做的修改")
            return
        self.repaint(model, address)

    # -- saving ---------------------------------------------------------

    def action_save(self, force=False):
        """Save the model under the cursor, or (on a screen with several) every changed one."""
        models = [self.edit_model()] if force else [m for m in self.editable_models() if m.dirty]
        if not models or models == [None]:
            self.notify("没有需要保存的修改")
            return
        for model in models:
            self.save_model(model, force)

    def save_model(self, model, force=False):
        outcome = model.save(force)
        if outcome.kind == "conflict":
            self._conflict(model, outcome.message)
        elif outcome.kind == "read_only" and model.editable:
            from tui.app.actions import key_label

            self.notify(f"{outcome.message}：请用“另存为”（{key_label(self.app, self.SCOPE, 'save_as')}）", title="只读",
                        severity="warning")
        elif outcome.kind == "failed":
            self.notify(outcome.message, title="保存失败", severity="error", timeout=15)
        elif outcome.ok:
            self.repaint(model, full=True)
            self.notify(outcome.message)
        else:
            self.notify(outcome.message, severity="warning" if outcome.kind == "read_only" else "information")

    def _conflict(self, model, message):
        def chosen(choice):
            if choice == "reload":
                self._confirm_reload(model)
            elif choice == "overwrite":
                self.save_model(model, force=True)
            elif choice == "save_as":
                self._save_as(model)

        # Short button labels so all four fit at 80 columns (issue 13.2); what
        # each does is said in the message above them.
        message = (f"{message}\n重新载入：放弃我的修改，载入磁盘上的版本；覆盖：保留我的修改，覆盖他人的修改。"
                   if isinstance(message, str) else message)
        self.app.push_screen(ChoiceDialog("文件已被他人修改", message, [
            ("reload", "conflict_reload"), ("overwrite", "conflict_overwrite"),
            ("save_as", "conflict_save_as"), (None, "conflict_cancel")], scope="conflict"), chosen)

    def _confirm_reload(self, model):
        def chosen(choice):
            if choice == "yes":
                self._reload(model)

        if model.dirty:
            self.app.push_screen(ChoiceDialog("重新载入", f"将放弃 {model.edit_count} 处未保存的修改，确定吗？",
                                              [("yes", "reload_yes"), (None, "reload_no")], scope="reload"), chosen)
        else:
            self._reload(model)

    def _reload(self, model):
        outcome = model.try_reload()
        if not outcome.ok:
            self.notify(outcome.message, title="无法重新载入", severity="error", timeout=10)
            return
        self.repaint(model, full=True)
        self.notify(outcome.message)

    def action_reload(self):
        model = self.edit_model()
        if model is not None and model.editable:
            self._confirm_reload(model)

    def action_save_as(self):
        model = self.edit_model()
        if model is not None and model.editable:
            self._save_as(model)

    def _save_as(self, model):
        def chosen(path):
            if not path:
                return
            outcome = model.save_as(path)
            if not outcome.ok:
                self.notify(outcome.message, title="另存失败" if outcome.kind == "failed" else "",
                            severity="error", timeout=12)
                return
            if outcome.others:
                from tui.store import lock

                who = "；".join(lock.describe(h) for h in outcome.others)
                self.notify(f"{who} 也打开了 {model.path} 进行编辑", title="注意", severity="warning", timeout=12)
            self.repaint(model, full=True)
            self.notify(outcome.message)

        base, ext = os.path.splitext(model.path)
        self.app.push_screen(PromptDialog("另存为", "新文件路径（不会覆盖已有文件）", f"{base}-修改{ext}"), chosen)

    # -- review records: sign-off, acceptance, comment (appended to the file) ----

    def finding_to_accept(self):
        """(model, error finding) that `a` would accept, or None."""
        return None

    def _saved_first(self, model, then):
        """Review records are appended to the file on disk: save edits first."""
        if model is None or not self.can_edit(model):
            return
        if not model.dirty:
            then()
            return

        def chosen(choice):
            if choice == "save":
                self.save_model(model)
                if not model.dirty:
                    then()

        self.app.push_screen(ChoiceDialog("先保存修改", "签核、接受问题和批注写入磁盘上的文件，须先保存当前修改。",
                                          [("save", "save_first_save"), (None, "save_first_cancel")],
                                          scope="save_first"), chosen)

    def _reviewed(self, model, outcome):
        if not outcome.ok:
            self.notify(outcome.message, title="未写入", severity="error", timeout=15)
            return
        self.repaint(model, full=True)
        self.notify(outcome.message)

    def action_signoff(self):
        model = self.edit_model()
        self._saved_first(model, lambda: self._open_signoff(model))

    def _open_signoff(self, model):
        from tui.app.screens.signoff import SignoffDialog
        from tui.store.signoff import login_name

        config = self.app.config

        def chosen(choice):
            if not choice:
                return
            left = model.unconfirmed()
            if choice["decision"] == "approved" and left:
                # An import flag is a doubt about the value itself: it is confirmed
                # one by one (y), never swept up by accepting every error at once.
                self.notify(f"还有 {len(left)} 个导入待核对的单元格（?），请逐一与原件核对（y）或改正后再签核通过",
                            title="未签核", severity="error", timeout=15)
                return
            self._reviewed(model, model.write_signoff(**choice))

        self.app.push_screen(SignoffDialog(model, config.reviewer_name or login_name(), model.stale_text,
                                           config.reviewer_key), chosen)

    def action_accept_finding(self):
        found = self.finding_to_accept()
        if found is None:
            self.notify("这里没有未接受的错误（警告无需接受）")
            return
        model, finding = found
        if isinstance(finding, Group):  # a closed group of the problem list: its errors at once
            group, finding = finding, [f for f in finding.findings if f.blocking]
            what = f"接受本组 {len(finding)} 个问题：{group.brief(model.form)}：{group.common_message(model.form)}"
        else:
            what = f"接受问题：{finding.message}"

        def ask():
            def chosen(reason):
                if reason:
                    self._reviewed(model, model.accept(finding, reason))

            self.app.push_screen(PromptDialog(what,
                                              "理由；确定后立即追加到报告文件的 [[review.accepted]]"
                                              "（u 不能撤销；可用 W 撤回）"), chosen)

        self._saved_first(model, ask)

    def action_comment(self):
        model, address = self.edit_model(), self.edit_address()
        if model is None or address is None:
            return
        existing = model.comments.get(address, ())
        latest = existing[-1] if existing else None

        def ask():
            def chosen(text):
                if text and (latest is None or text.strip() != latest.get("text")):
                    self._reviewed(model, model.comment(address, text, replacing=latest))

            what = "修改批注" if latest else "批注"
            hint = ("确定后立即追加到报告文件：原批注记为撤回、写入新批注（u 不能撤销）" if latest else
                    "确定后立即追加到报告文件的 [[review.comment]]（u 不能撤销；可用 W 撤回）")
            self.app.push_screen(PromptDialog(f"{what}：{model.form.label(address)}", hint,
                                              latest.get("text", "") if latest else ""), chosen)

        self._saved_first(model, ask)

    def action_withdraw(self):
        model, address = self.edit_model(), self.edit_address()
        if model is None or address is None:
            return
        records = model.withdrawable(address)
        if not records:
            self.notify("本格没有可撤回的接受或批注")
            return

        def ask():
            def chosen(i):
                if i is not None:
                    kind, record, _ = records[i]
                    self._reviewed(model, model.withdraw(kind, record))

            lines = "\n".join(f"{i + 1}. {words}" for i, (_, _, words) in enumerate(records))
            choices = [(i, f"撤回第 {i + 1} 条", str(i + 1)) for i in range(len(records))] + [(None, "withdraw_cancel")]
            self.app.push_screen(ChoiceDialog(
                "撤回接受或批注",
                f"{lines}\n\n撤回会在报告文件末尾追加 [[review.withdrawn]] 记录，原记录保留（FORMAT.md §5）。",
                choices, scope="withdraw"), chosen)

        self._saved_first(model, ask)
