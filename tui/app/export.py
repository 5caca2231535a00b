"""Exporting documents from the workbench: the reviewer confirms the path
(default beside the reports), the extension picks the format, and an
existing file is overwritten only after asking. Rendering and writing run in
a worker thread; the result is a notification."""

import os

from tui.app.screens.dialogs import ChoiceDialog, PromptDialog
from tui.core.opinion import EXTENSIONS, format_of_path

SUMMARY_NAME = "opinion-summary"


def opinion_path(report_file, fmt="md"):
    """Beside the report: `hongze-2023.toml` → `hongze-2023.opinion.md`."""
    stem = os.path.splitext(report_file)[0]
    return f"{stem}.opinion{EXTENSIONS[fmt]}"


def summary_path(paths, fmt="md"):
    """Beside the reports: in the (first) folder listed, else the first file's folder."""
    first = paths[0] if paths else "."
    folder = first if os.path.isdir(first) else (os.path.dirname(first) or ".")
    return os.path.join(folder, SUMMARY_NAME + EXTENSIONS[fmt])


def export_document(screen, what, default_path, formats, render):
    """Ask for a path, then write `render(fmt)` (bytes) there.

    `what` names the document in messages (审查意见, 汇总表); `formats` are the
    allowed format ids; `render(fmt)` runs in a worker thread.
    """
    app = screen.app
    exts = " ".join(EXTENSIONS[f] for f in formats)

    def write(path, fmt, overwrite):
        from tui.store.export import ExportError, write_document

        def work():
            try:
                data = render(fmt)
                write_document(path, data, overwrite=overwrite)
            except ExportError as exc:
                app.call_from_thread(app.notify, str(exc), title="未导出", severity="error", timeout=12)
                return
            except Exception as exc:  # noqa: BLE001 - a renderer failure must not kill the app
                app.call_from_thread(app.notify, f"{path}：{exc}", title="未导出", severity="error", timeout=12)
                return
            app.call_from_thread(app.notify, f"已导出{what}：{path}", title="已导出", timeout=8)

        screen.run_worker(work, thread=True, group="export", exit_on_error=False)

    def chosen(path):
        if not path:
            return
        path = os.path.expanduser(path)
        fmt = format_of_path(path, formats)
        if fmt is None:
            app.notify(f"请用这些扩展名之一：{exts}", title="无法识别格式", severity="warning", timeout=8)
            ask(path)
            return
        if os.path.isdir(path):
            app.notify(f"{path} 是文件夹，请给出文件名", severity="warning")
            ask(os.path.join(path, os.path.basename(default_path)))
            return
        if os.path.lexists(path):
            def decided(choice):
                if choice == "overwrite":
                    write(path, fmt, True)
                elif choice == "rename":
                    ask(path)

            app.push_screen(ChoiceDialog("文件已存在", f"{path} 已存在。覆盖它吗？",
                                         [("overwrite", "exists_overwrite"), ("rename", "exists_rename"),
                                          (None, "exists_cancel")], scope="exists"), decided)
            return
        write(path, fmt, False)

    def ask(value):
        app.push_screen(PromptDialog(f"导出{what}", f"保存到（扩展名决定格式：{exts}）", value), chosen)

    ask(default_path)
