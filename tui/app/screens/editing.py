"""Editing actions shared by the report screen and the side-by-side screen.

A screen mixes this in and says three things: which model an edit goes to
(`edit_model`), which cell the cursor is on in it (`edit_address`), and how
to repaint after a change (`repaint`). Everything else — validation dialogs,
adding a key the file lacks, undo/redo, verified saves, conflicts, save as,
locks and recovery files — lives here once.
"""

import os

from tui.core.cells import FIXED, TEXT, cell_kind
from tui.app.screens.dialogs import BlankValue, ChoiceDialog, EditCellDialog, EditTextDialog, PromptDialog


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

    # -- locks and recovery ------------------------------------------------

    @property
    def locks(self):
        if not hasattr(self, "_locks"):
            self._locks = {}
        return self._locks

    def take_lock(self, model):
        """Register as editing `model`'s file; tell the user who else is."""
        if not model.editable or model.read_only:
            return []
        from tui.store import lock

        held = lock.acquire(model.path)
        if held is not None:
            self.locks[model.path] = held
        others = lock.holders(model.path, exclude=held)
        if others:
            who = "；".join(lock.describe(h) for h in others)
            self.notify(f"{who} 也打开了 {model.path} 进行编辑，保存前请先协调", title="注意",
                        severity="warning", timeout=12)
        return others

    def release_locks(self):
        for held in self.locks.values():
            held.release()
        self.locks.clear()

    def write_recovery(self):
        """Unsaved edits → recovery files (on a hang-up). Never raises."""
        from tui.store import recovery

        for m in self.editable_models():
            if m.dirty:
                try:
                    recovery.write(m.doc)
                except Exception:  # noqa: BLE001 - nothing may stop the exit
                    pass

    def offer_recovery(self, model):
        if not model.editable:
            return
        from tui.store import recovery

        found = recovery.find(model.path)
        if found is None or not found.edits:
            return
        when = f"（{found.written}）" if found.written else ""
        warn = "" if found.matches_file else "\n注意：文件在此之后已被修改，恢复时逐项重新应用。"
        message = f"{model.path} 上次未保存就中断了{when}，有 {len(found.edits)} 处修改：\n" + "\n".join(
            f"  {a} = {v!r}" for a, v in found.edits[:8]) + ("\n  ……" if len(found.edits) > 8 else "") + warn

        def chosen(choice):
            if choice == "restore":
                failed = recovery.apply(model.doc, found)
                model._sync()
                self.repaint(model, full=True)
                recovery.discard(model.path)
                if failed:
                    self.notify("以下修改无法恢复：" + "；".join(f"{a}：{why}" for a, why in failed),
                                severity="error", timeout=12)
                else:
                    self.notify(f"已恢复 {len(found.edits)} 处修改（尚未保存）")
            elif choice == "discard":
                recovery.discard(model.path)
                self.notify("已丢弃恢复的修改")

        self.app.push_screen(ChoiceDialog("发现未保存的修改", message,
                                          [("restore", "恢复", "r"), ("discard", "丢弃", "d"), ("later", "暂不处理", "l")]),
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
        from tui.core.address import MISSING

        value = model.doc.get(address)
        if value is MISSING:
            self.offer_insert(model, address)
            return
        dialog = EditTextDialog(title, address, value) if kind == TEXT else EditCellDialog(title, address, kind, value)
        self.app.push_screen(dialog, lambda result: self.apply_edit(model, address, result))

    def apply_edit(self, model, address, value):
        if value is None:
            return
        if value is BlankValue:
            value = ""
        from tui.store.document import EditError

        try:
            changed = model.set(address, value)
        except (EditError, ValueError, TypeError) as exc:
            self.notify(str(exc), title="未修改", severity="error", timeout=8)
            return
        if changed:
            self.repaint(model, address)

    # -- adding what the file lacks -------------------------------------

    @staticmethod
    def insertion(model, address):
        """See tui.core.cells.insertion."""
        from tui.core.address import MISSING
        from tui.core.cells import insertion

        return insertion(model.form, address, lambda key: model.doc.get(key) is MISSING)

    def offer_insert(self, model, address):
        """Ask whether to add a missing key, then edit its value with the usual editor."""
        try:
            key, default, cell, part = self.insertion(model, address)
        except ValueError:
            key = None
        reason = model.doc.can_insert(key) if key is not None else "地址无法解析"
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
            self.app.push_screen(dialog, lambda result: self.insert_key(model, key, default, part, cell, result))

        self.app.push_screen(ChoiceDialog("文件中没有此项，添加？", f"{model.form.label(key)}\n{key}",
                                          [("add", "添加", "y"), (None, "取消", "n")]), edit)

    def insert_key(self, model, key, default, part, cell, result):
        if result is None:
            return
        if result is BlankValue:
            result = ""
        if part is None:
            value = result
        else:
            value = list(default) if isinstance(default, list) else dict(default)
            value[part] = result
        from tui.store.document import EditError

        try:
            model.insert(key, value)
        except (EditError, ValueError, TypeError) as exc:
            self.notify(str(exc), title="未添加", severity="error", timeout=8)
            return
        self.notify(f"已添加 {key}（尚未保存）")
        self.repaint(model, cell)

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
        if not model.editable:
            self.notify(model.read_only or "此报告不能保存", severity="warning")
            return
        if model.read_only:
            self.notify(f"{model.read_only}：请用“另存为”（Ctrl+O）", title="只读", severity="warning")
            return
        if not model.dirty and not force:
            self.notify("没有需要保存的修改")
            return
        from tui.store.document import ConflictError, WriteError

        try:
            model.doc.save(force=force)
        except ConflictError as exc:
            self._conflict(model, str(exc))
            return
        except WriteError as exc:
            self.notify(f"{exc}\n原文件保持不变。", title="保存失败", severity="error", timeout=15)
            return
        self._saved(model, f"已保存 {model.path}")

    def _saved(self, model, message):
        from tui.store import recovery

        recovery.discard(model.path)
        model.recheck()
        self.repaint(model, full=True)
        self.notify(message)

    def _conflict(self, model, message):
        def chosen(choice):
            if choice == "reload":
                self._confirm_reload(model)
            elif choice == "overwrite":
                self.save_model(model, force=True)
            elif choice == "save_as":
                self._save_as(model)

        self.app.push_screen(ChoiceDialog("文件已被他人修改", message, [
            ("reload", "重新载入（放弃我的修改）", "r"), ("overwrite", "保留我的（覆盖）", "k"),
            ("save_as", "另存为", "a"), (None, "取消", "c")]), chosen)

    def _confirm_reload(self, model):
        def chosen(choice):
            if choice == "yes":
                self._reload(model)

        if model.dirty:
            self.app.push_screen(ChoiceDialog("重新载入", f"将放弃 {len(model.doc.edits)} 处未保存的修改，确定吗？",
                                              [("yes", "放弃并重新载入", "y"), (None, "取消", "n")]), chosen)
        else:
            self._reload(model)

    def _reload(self, model):
        from tui.store.document import OpenError

        try:
            model.reload()
        except (OpenError, ValueError) as exc:
            self.notify(str(exc), title="无法重新载入", severity="error", timeout=10)
            return
        self.repaint(model, full=True)
        self.notify("已重新载入")

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
            from tui.store.document import WriteError

            try:
                model.doc.save_as(path)
            except FileExistsError:
                self.notify(f"{path} 已存在，不会覆盖", severity="error")
                return
            except WriteError as exc:
                self.notify(str(exc), title="另存失败", severity="error", timeout=12)
                return
            held = self.locks.pop(model.path, None)
            if held is not None:
                held.release()
            model.read_only = model.doc.read_only_reason
            model._sync()
            self.take_lock(model)
            self._saved(model, f"已另存为 {path}")

        base, ext = os.path.splitext(model.path)
        self.app.push_screen(PromptDialog("另存为", "新文件路径（不会覆盖已有文件）", f"{base}-修改{ext}"), chosen)
