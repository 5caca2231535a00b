"""tui.store: advisory locks, editable documents, atomic saves, recovery files."""

import json
import os
import subprocess
import sys

import pytest

from tui.store import lock as locks



@pytest.fixture
def reports_copy(reports_copy):
    """The shared copy, minus hidden files: other suites open reports/ itself
    in the workbench, whose live lock files would otherwise be copied too."""
    for stray in reports_copy.glob(".*"):
        stray.unlink()
    return reports_copy


# --------------------------------------------------------------------------
# Locks


def _fake_pid(monkeypatch, pid):
    """Make this process look like `pid` to the lock module (a live process)."""
    monkeypatch.setattr(locks.os, "getpid", lambda: pid)


@pytest.fixture
def other_process():
    """A live process of ours standing in for another editor."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def test_lock_file_beside_report(reports_copy):
    report = reports_copy / "hongze-2023.toml"
    lock = locks.acquire(report)
    assert lock is not None
    lpath = reports_copy / ".hongze-2023.toml.nianbao-lock"
    assert lpath.exists()
    data = json.loads(lpath.read_text(encoding="utf-8"))
    (holder,) = data["holders"]
    assert holder["pid"] == os.getpid()
    assert {"user", "host", "pid", "started"} <= holder.keys()
    assert locks.holders(report) == []  # our own entry is not "another" holder
    lock.release()
    assert not lpath.exists()
    lock.release()  # idempotent


def test_lock_sees_other_holder(reports_copy, monkeypatch, other_process):
    report = reports_copy / "hongze-2023.toml"
    real_pid = os.getpid()
    mine = locks.acquire(report)
    with monkeypatch.context() as m:
        _fake_pid(m, other_process.pid)
        theirs = locks.acquire(report)
        assert [h["pid"] for h in locks.holders(report)] == [real_pid]
    others = locks.holders(report)
    assert [h["pid"] for h in others] == [other_process.pid]
    assert mine.others() == others
    assert [h["pid"] for h in theirs.others()] == [os.getpid()]
    text = locks.describe(others[0])
    assert f"进程 {other_process.pid}" in text and "起编辑" in text and "@" in text
    theirs.release()
    assert locks.holders(report) == []
    assert (reports_copy / ".hongze-2023.toml.nianbao-lock").exists()  # still ours
    mine.release()
    assert not (reports_copy / ".hongze-2023.toml.nianbao-lock").exists()


def test_stale_lock_is_ignored_and_cleaned(reports_copy, monkeypatch):
    report = reports_copy / "hongze-2023.toml"
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # a pid that is certainly dead now
    with monkeypatch.context() as m:
        _fake_pid(m, proc.pid)
        dead = locks.acquire(report)
    assert dead is not None
    assert locks.holders(report) == []
    lpath = reports_copy / ".hongze-2023.toml.nianbao-lock"
    assert not lpath.exists()  # holders() cleaned the stale entry away
    # a reused pid (same number, different start time) is stale too
    lpath.write_text(json.dumps({"holders": [{"user": "x", "host": locks._host(), "pid": os.getppid(),
                                              "started": "2024-01-01T10:00:00+08:00", "pid_start": -5}]}))
    assert locks.holders(report) == []
    mine = locks.acquire(report)
    assert [h["pid"] for h in json.loads(lpath.read_text())["holders"]] == [os.getpid()]
    mine.release()


def test_lock_other_host_and_damaged_file(reports_copy):
    report = reports_copy / "huaian-2024.toml"
    lpath = reports_copy / ".huaian-2024.toml.nianbao-lock"
    lpath.write_text("{not json")
    assert locks.holders(report) == []
    lock = locks.acquire(report)  # rewrites the damaged file
    assert lock is not None
    lpath.write_text(json.dumps({"user": "reviewer2", "host": "elsewhere", "pid": 1234,
                                 "started": "2020-01-02T10:31:00+08:00"}))
    (h,) = locks.holders(report)  # other hosts cannot be checked: always shown
    assert locks.describe(h).startswith("reviewer2@elsewhere（进程 1234，自 2020年1月2日 ")
    assert lock.refresh()  # puts our entry back beside theirs
    assert len(json.loads(lpath.read_text())["holders"]) == 2
    lock.release()
    assert len(json.loads(lpath.read_text())["holders"]) == 1


def test_lock_unwritable_folder(reports_copy):
    os.chmod(reports_copy, 0o555)
    try:
        assert locks.acquire(reports_copy / "hongze-2023.toml") is None
        assert locks.holders(reports_copy / "hongze-2023.toml") == []
    finally:
        os.chmod(reports_copy, 0o755)


def test_describe_today():
    import datetime as dt

    now = dt.datetime.now().astimezone().replace(hour=10, minute=31)
    text = locks.describe({"user": "reviewer2", "host": "host", "pid": 1234, "started": now.isoformat()})
    assert text == "reviewer2@host（进程 1234，自 10:31 起编辑）"
    assert locks.describe({}) == "未知用户@未知主机"


def test_lock_concurrent_acquire(reports_copy):
    """Holders acquiring at the same moment all end up in the file (flock)."""
    report = reports_copy / "hongze-2024.toml"
    code = ("import sys; from tui.store.lock import acquire; l = acquire(sys.argv[1]); "
            "print('ok' if l else 'none', flush=True); sys.stdin.read(); l.release()")
    env = dict(os.environ, PYTHONPATH=str(locks.__file__).rsplit("/tui/", 1)[0])
    procs = [subprocess.Popen([sys.executable, "-c", code, str(report)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env) for _ in range(6)]
    try:
        assert [p.stdout.readline().strip() for p in procs] == ["ok"] * 6
        assert sorted(h["pid"] for h in locks.holders(report)) == sorted(p.pid for p in procs)
    finally:
        for p in procs:
            p.stdin.close()
            p.wait(timeout=10)
            p.stdout.close()
    assert not (reports_copy / ".hongze-2024.toml.nianbao-lock").exists()


# --------------------------------------------------------------------------
# Editable documents: byte-exact edits

import errno  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import stat  # noqa: E402
import tomllib  # noqa: E402

from tui.core.address import MISSING  # noqa: E402
from tui.core.report import Report  # noqa: E402
from tui.store import atomic, recovery  # noqa: E402
from tui.store.atomic import WriteError  # noqa: E402
from tui.store.document import (  # noqa: E402
    ConflictError, EditableReport, EditError, OpenError, ReadOnlyError, same_data)

from conftest import REPORTS  # noqa: E402

SAMPLES = sorted(p.name for p in REPORTS.glob("*.toml"))
BOM = b"\xef\xbb\xbf"


def _variant(folder, name, kind):
    """A copy of a sample as-is, with CRLF line endings, or with a BOM."""
    raw = (REPORTS / name).read_bytes()
    if kind == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif kind == "bom":
        raw = BOM + raw
    path = folder / f"{kind}-{name}"
    path.write_bytes(raw)
    return path


def _span(raw, pattern):
    """Byte span of group 1 of `pattern` in `raw` (independent of tui.store)."""
    m = re.search(pattern, raw, re.M | re.S)
    assert m, pattern
    return m.start(1), m.end(1)


def _leftover(folder, before):
    return sorted(set(os.listdir(folder)) - set(before))


@pytest.mark.parametrize("kind", ["plain", "crlf", "bom"])
@pytest.mark.parametrize("name", SAMPLES)
def test_count_edit_changes_only_that_number(tmp_path, name, kind):
    path = _variant(tmp_path, name, kind)
    before = path.read_bytes()
    start, end = _span(before, rb"^new_received = \[(\d+),")
    doc = EditableReport.open(path)
    new = 7 if before[start:end] != b"7" else 8
    assert doc.set("applications.new_received[0]", new) is True
    assert doc.dirty
    doc.save()
    after = path.read_bytes()
    assert after == before[:start] + str(new).encode() + before[end:]
    assert doc.get("applications.new_received[0]") == new
    assert not doc.dirty
    assert tomllib.loads(after.decode("utf-8-sig")) == doc.data
    assert sorted(os.listdir(tmp_path)) == [path.name]  # no temp files left


@pytest.mark.parametrize("kind", ["plain", "crlf", "bom"])
@pytest.mark.parametrize("name", SAMPLES)
def test_narrative_edit_changes_only_that_string(tmp_path, name, kind):
    path = _variant(tmp_path, name, kind)
    before = path.read_bytes()
    start, end = _span(before, rb'^problems = ("""(?:.(?!"""))*.?"""|"(?:[^"\\\n]|\\.)*")')
    doc = EditableReport.open(path)
    doc.set("text.problems", "已整改“三审三校”，详见附件 \"A\"。")
    doc.save()
    after = path.read_bytes()
    if before[start:start + 3] == b'"""':  # stays a multi-line string
        eol = b"\r\n" if kind == "crlf" else b"\n"
        replacement = b'"""' + eol + "已整改“三审三校”，详见附件 \"A\"。".encode() + b'"""'
    else:
        replacement = '"已整改“三审三校”，详见附件 \\"A\\"。"'.encode()
    assert after == before[:start] + replacement + before[end:]
    assert doc.data["text"]["problems"] == "已整改“三审三校”，详见附件 \"A\"。"


@pytest.mark.parametrize("kind", ["plain", "crlf", "bom"])
def test_multiline_overview_edit(tmp_path, kind):
    path = _variant(tmp_path, "lingwu-minzheng-2020.toml", kind)
    before = path.read_bytes()
    start, end = _span(before, rb'^overview = ("""(?:.(?!"""))*.?""")')
    eol = b"\r\n" if kind == "crlf" else b"\n"
    new = '第一段，含反斜杠 \\ 和引号 """ 与 "。\n\n第二段。\t制表符。"'
    doc = EditableReport.open(path)
    doc.set("text.overview", new)
    doc.save()
    after = path.read_bytes()
    assert after[:start] == before[:start] and after[len(after) - (len(before) - end):] == before[end:]
    middle = after[start:len(after) - (len(before) - end)]
    assert middle.startswith(b'"""' + eol) and middle.endswith(b'"""')
    if kind == "crlf":
        assert b"\n" not in middle.replace(b"\r\n", b"")  # every new line break is CRLF
    else:
        assert b"\r" not in middle
    assert tomllib.loads(after.decode("utf-8-sig"))["text"]["overview"] == new
    # one-line string gets newlines → becomes multi-line
    doc.set("text.other", "甲\n乙")
    assert '"""' + eol.decode() + "甲" + eol.decode() + '乙"""' in doc.text
    doc.set("text.other", "丙")
    assert 'other = """' + eol.decode() + '丙"""' in doc.text  # keeps the style it has now


def test_blank_and_back_float_and_other_cells(tmp_path):
    shutil.copy(REPORTS / "lingwu-minzheng-2020.toml", tmp_path / "l.toml")
    path = tmp_path / "l.toml"
    before = path.read_bytes()
    doc = EditableReport.open(path)
    doc.set("applications.outcome.denied.state_secret[6]", "")
    assert doc.get("applications.outcome.denied.state_secret[6]") == ""
    assert b'outcome.denied.state_secret = [0, 0, 0, 0, 0, 0, ""]               #' in doc.render()
    doc.set("applications.outcome.denied.state_secret[6]", 0)
    assert doc.render() == before and not doc.dirty and len(doc.edits) == 2
    doc.set("active.licensing.change", -3)
    doc.set("active.procurement.amount", 1234.5)
    doc.set('active.summary.categories."机构职能"', 2)
    doc.set("report.year", 2021)
    assert b"licensing = { previous = 2, change = -3, decisions = 0 }  " in doc.render()
    assert b"procurement = { items = 0, amount = 1234.5 }  " in doc.render()
    assert b'"\xe6\x9c\xba\xe6\x9e\x84\xe8\x81\x8c\xe8\x83\xbd" = 2,' in doc.render()
    assert isinstance(doc.get("active.procurement.amount"), float)
    report = doc.report()
    assert isinstance(report, Report) and report.year == 2021
    assert report.data is not doc.data
    doc.set("active.procurement.amount", 0)
    assert type(doc.get("active.procurement.amount")) is int
    assert doc.get("no.such[3]") is MISSING


def test_number_formatting_of_untouched_values_kept(tmp_path):
    path = tmp_path / "r.toml"
    raw = (REPORTS / "huaian-2024.toml").read_bytes().replace(b"{ decisions = 447228 }", b"{ decisions = 447_228 }")
    raw = raw.replace(b"[3001, 53,", b"[3_001, 0x35,")
    path.write_bytes(raw)
    doc = EditableReport.open(path)
    doc.set("applications.new_received[6]", 3120)
    doc.set("active.fees.amount", 96_171.5)
    out = doc.render()
    assert b"{ decisions = 447_228 }" in out and b"[3_001, 0x35, 0, 0, 61, 4, 3120]" in out
    assert b"{ amount = 96171.5 }" in out


def test_edit_refusals_leave_document_unchanged(tmp_path):
    doc = EditableReport.open(REPORTS / "hongze-2023.toml")
    before = doc.render()
    with pytest.raises(EditError, match="没有单元格"):
        doc.set("applications.new_received[7]", 1)
    with pytest.raises(EditError, match="没有单元格"):
        doc.set("text.missing", "x")
    with pytest.raises(EditError, match="不是单个单元格"):
        doc.set("applications.new_received", 1)
    with pytest.raises(EditError):
        doc.set("applications..x", 1)
    with pytest.raises(EditError):
        doc.set("applications.new_received[0]", float("nan"))
    with pytest.raises(EditError):
        doc.set("applications.new_received[0]", 2**63)
    with pytest.raises(TypeError):
        doc.set("applications.new_received[0]", True)
    with pytest.raises(TypeError):
        doc.set("applications.new_received[0]", [1])
    assert doc.set("applications.new_received[0]", 21) is False  # same value: no edit
    assert doc.render() == before and doc.edits == [] and not doc.can_undo


def test_dates_and_literal_strings(tmp_path):
    import datetime as dt

    raw = ("[report]\nform = 'gov-info-disclosure/2019'  # literal\nagency = \"甲\"\nyear = 2020\n"
           "published = 2021-01-25\nat = 1979-05-27 07:32:00+08:00\n").encode()
    doc = EditableReport.from_bytes(raw, tmp_path / "x.toml")
    doc.set("report.published", dt.date(2021, 1, 31))
    doc.set("report.at", dt.datetime(2021, 1, 31, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    doc.set("report.form", "gov-info-disclosure/2021")
    doc.set("report.agency", "乙'丙")
    text = doc.text
    assert "published = 2021-01-31\n" in text and "at = 2021-01-31T08:00:00+08:00\n" in text
    assert "form = 'gov-info-disclosure/2021'  # literal" in text  # literal style kept
    assert doc.data["report"]["agency"] == "乙'丙"


def test_undo_redo_dirty():
    doc = EditableReport.open(REPORTS / "hongze-2024.toml")
    original = doc.render()
    assert doc.undo() is None and doc.redo() is None and not doc.dirty
    doc.set("applications.new_received[0]", 96)
    doc.set("appeals.litigation[4]", "")
    assert doc.edits == [("applications.new_received[0]", 95, 96), ("appeals.litigation[4]", 1, "")]
    assert doc.can_undo and not doc.can_redo and doc.dirty
    assert doc.undo() == "appeals.litigation[4]"
    assert doc.get("appeals.litigation[4]") == 1 and doc.can_redo
    assert doc.undo() == "applications.new_received[0]"
    assert not doc.dirty and doc.render() == original and not doc.can_undo
    assert doc.redo() == "applications.new_received[0]" and doc.dirty
    doc.set("text.other", "新")  # a new edit drops the redo tail
    assert not doc.can_redo
    assert [a for a, _, _ in doc.edits] == ["applications.new_received[0]", "text.other"]


def test_dirty_relative_to_last_save(reports_copy):
    doc = EditableReport.open(reports_copy / "hongze-2024.toml")
    doc.set("applications.new_received[0]", 96)
    doc.save()
    assert not doc.dirty and doc.can_undo
    doc.undo()
    assert doc.dirty and doc.get("applications.new_received[0]") == 95
    assert doc.changes() == [("applications.new_received[0]", 95)]
    doc.redo()
    assert not doc.dirty and doc.changes() == []
    mtime = os.stat(doc.path).st_mtime_ns
    assert doc.save() is False and os.stat(doc.path).st_mtime_ns == mtime  # nothing to save


# --------------------------------------------------------------------------
# Saving: failures keep the original, conflicts, permissions


def _edited(path):
    doc = EditableReport.open(path)
    doc.set("applications.new_received[0]", 4242)
    return doc


def test_disk_full_keeps_original(reports_copy, monkeypatch):
    path = reports_copy / "huaian-2024.toml"
    before, listing = path.read_bytes(), os.listdir(reports_copy)
    doc = _edited(path)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteError, match="磁盘空间不足") as info:
        doc.save()
    assert "原文件未改动" in str(info.value) and str(info.value).startswith(str(path) + "：")
    assert path.read_bytes() == before and _leftover(reports_copy, listing) == []
    assert doc.dirty  # nothing counts as saved
    monkeypatch.undo()
    doc.save()
    assert b"[4242, 53," in path.read_bytes()


def test_write_fails_midway_keeps_original(reports_copy, monkeypatch):
    path = reports_copy / "huaian-2024.toml"
    before, listing = path.read_bytes(), os.listdir(reports_copy)
    doc = _edited(path)
    real_write = os.write

    def half_then_full(fd, data):
        """Half the bytes reach the temporary file, then the disk is full."""
        if ".nianbao-" not in os.readlink(f"/proc/self/fd/{fd}"):
            return real_write(fd, data)
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "write", half_then_full)
    with pytest.raises(WriteError, match="磁盘空间不足"):
        doc.save()
    assert path.read_bytes() == before and _leftover(reports_copy, listing) == []


def test_rename_fails_keeps_original(reports_copy, monkeypatch):
    path = reports_copy / "huaian-2024.toml"
    before, listing = path.read_bytes(), os.listdir(reports_copy)
    doc = _edited(path)

    def broken(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic.os, "replace", broken)
    with pytest.raises(WriteError, match="磁盘读写错误"):
        doc.save()
    assert path.read_bytes() == before and _leftover(reports_copy, listing) == []


def test_verify_mismatch_keeps_original(reports_copy, monkeypatch):
    path = reports_copy / "huaian-2024.toml"
    before, listing = path.read_bytes(), os.listdir(reports_copy)
    doc = _edited(path)
    good = doc.render()
    # render produces something else than the edited document (a second change)
    monkeypatch.setattr(doc, "render", lambda: good.replace(b"[34, 0,", b"[35, 0,"))
    with pytest.raises(WriteError, match="不一致"):
        doc.save()
    assert path.read_bytes() == before and _leftover(reports_copy, listing) == []
    # same data, but bytes outside the edit changed (a comment) → refused too
    monkeypatch.setattr(doc, "render", lambda: good.replace("# 行政许可".encode(), "# 许可".encode()))
    with pytest.raises(WriteError, match="编辑之外"):
        doc.save()
    # the disk returns different bytes than were written
    monkeypatch.undo()
    real_write_temp = atomic._write_temp
    monkeypatch.setattr(atomic, "_write_temp", lambda f, n, data, *a: real_write_temp(f, n, data[:-40], *a))
    with pytest.raises(WriteError, match="读回的内容"):
        doc.save()
    # the re-read parses to other data
    monkeypatch.undo()
    import tui.store.document as document

    real_parse = document.parse_text

    def corrupt(raw, file):
        data, text, bom = real_parse(raw, file)
        data["applications"]["new_received"][0] = 1
        return data, text, bom

    monkeypatch.setattr(document, "parse_text", corrupt)
    with pytest.raises(WriteError, match="写入的数据"):
        doc.save()
    assert path.read_bytes() == before and _leftover(reports_copy, listing) == []
    monkeypatch.undo()
    doc.save()
    assert path.read_bytes() == good


def test_verify_crash_removes_temp(reports_copy, monkeypatch):
    path = reports_copy / "hongze-2023.toml"
    before, listing = path.read_bytes(), os.listdir(reports_copy)

    def boom(tmp):
        raise RuntimeError("bug in a verifier")

    with pytest.raises(RuntimeError):
        atomic.replace_file(path, b"x = 1\n", verify=boom)
    assert path.read_bytes() == before and _leftover(reports_copy, listing) == []


def test_conflict_force_reload(reports_copy):
    path = reports_copy / "hongze-2023.toml"
    doc = _edited(path)
    assert not doc.disk_changed()
    os.utime(path, ns=(1, 1))  # touched, same content: no conflict
    assert not doc.disk_changed()
    external = path.read_bytes().replace(b"licensing = { decisions = 550 }", b"licensing = { decisions = 551 }")
    path.write_bytes(external)
    assert doc.disk_changed()
    with pytest.raises(ConflictError, match="已被其他程序修改"):
        doc.save()
    assert path.read_bytes() == external
    doc.save(force=True)
    assert path.read_bytes() == doc.render() and not doc.disk_changed()
    path.write_bytes(external)
    doc.reload()
    assert doc.edits == [] and not doc.dirty and not doc.can_undo
    assert doc.get("active.licensing.decisions") == 551 and doc.render() == external
    path.unlink()
    doc.set("applications.new_received[0]", 1)
    with pytest.raises(ConflictError, match="删除"):
        doc.save()
    doc.save(force=True)
    assert path.exists()


def test_save_keeps_mode_owner_and_symlink(reports_copy):
    path = reports_copy / "hongze-2023.toml"
    os.chmod(path, 0o640)
    if os.geteuid() == 0:
        os.chown(path, 1234, 2345)
    link = reports_copy / "link.toml"
    link.symlink_to(path.name)
    doc = _edited(link)
    doc.save()
    assert link.is_symlink() and os.readlink(link) == path.name
    st = os.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (1234, 2345)
    assert b"[4242, 0," in path.read_bytes()


def test_save_as(reports_copy, tmp_path):
    doc = _edited(reports_copy / "hongze-2023.toml")
    target = tmp_path / "out" / "copy.toml"
    target.parent.mkdir()
    doc.save_as(target)
    assert doc.path == str(target) and not doc.dirty
    assert target.read_bytes() == doc.render()
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~atomic._umask()
    assert b"[21, 0," in (reports_copy / "hongze-2023.toml").read_bytes()  # original untouched
    with pytest.raises(WriteError, match="已存在"):
        doc.save_as(reports_copy / "hongze-2024.toml")
    doc.set("text.other", "改")
    doc.save()
    assert "改".encode() in target.read_bytes()


def test_read_only_reasons(reports_copy):
    path = reports_copy / "hongze-2023.toml"
    doc = _edited(path)
    assert doc.read_only_reason is None
    before = path.read_bytes()
    os.chmod(path, 0o444)  # root ignores this bit, so the mode bits decide
    try:
        assert doc.read_only_reason == "文件只读"
        with pytest.raises(ReadOnlyError, match="文件只读"):
            doc.save()
        assert path.read_bytes() == before
    finally:
        os.chmod(path, 0o644)
    os.chmod(reports_copy, 0o555)
    try:
        assert doc.read_only_reason == "所在文件夹不可写"
        with pytest.raises(ReadOnlyError):
            doc.save()
    finally:
        os.chmod(reports_copy, 0o755)
    fifo = reports_copy / "pipe.toml"
    os.mkfifo(fifo)
    from tui.store.fsinfo import file_readonly_reason

    assert "不是普通文件" in file_readonly_reason(fifo)


def test_open_errors(tmp_path):
    with pytest.raises(OpenError, match="文件不存在"):
        EditableReport.open(tmp_path / "none.toml")
    with pytest.raises(OpenError, match="文件夹"):
        EditableReport.open(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text("[report]\nyear = 2020\nyear = 2021\n", encoding="utf-8")
    with pytest.raises(OpenError) as info:
        EditableReport.open(bad)
    assert info.value.line == 3 and info.value.column and str(bad) in info.value.message
    assert "TOML 语法错误" in info.value.message
    bad.write_bytes(b"[report]\nagency = \"\xff\"\n")
    with pytest.raises(OpenError, match="不是 UTF-8") as info:
        EditableReport.open(bad)
    assert info.value.line == 2


# --------------------------------------------------------------------------
# Recovery files


def test_recovery_round_trip(reports_copy):
    path = reports_copy / "lingwu-minzheng-2020.toml"
    doc = EditableReport.open(path)
    assert recovery.write(doc) is None and recovery.find(path) is None
    doc.set("applications.new_received[0]", 3)
    doc.set("applications.new_received[6]", 3)
    doc.set("text.overview", "新的总体情况\n第二行")
    doc.set('active.summary.categories."机构职能"', 1.5)
    doc.set("applications.new_received[0]", "")
    file = recovery.write(doc)
    assert file and file.startswith(str(recovery.recovery_dir()))
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
    assert [n for n in os.listdir(recovery.recovery_dir()) if n.endswith(".tmp")] == []
    rec = recovery.find(path)
    assert rec.matches_file and rec.path == str(path)
    assert rec.edits == [("applications.new_received[0]", ""), ("applications.new_received[6]", 3),
                         ("text.overview", "新的总体情况\n第二行"), ('active.summary.categories."机构职能"', 1.5)]
    fresh = EditableReport.open(path)
    assert recovery.apply(fresh, rec) == []
    assert same_data(fresh.data, doc.data) and fresh.render() == doc.render()
    assert [r.path for r in recovery.find_all()] == [str(path)]
    path.write_bytes(path.read_bytes() + b"\n")
    assert not recovery.find(path).matches_file
    recovery.discard(path)
    assert recovery.find(path) is None
    recovery.discard(path)  # no error


def test_recovery_after_save_and_dates(reports_copy):
    import datetime as dt

    path = reports_copy / "hongze-2023.toml"
    doc = EditableReport.open(path)
    doc.set("applications.new_received[0]", 5)
    doc.save()
    assert recovery.write(doc) is None  # nothing unsaved
    doc.set("report.title", dt.date(2024, 1, 1))  # (an odd edit, but a date must survive JSON)
    doc.set("appeals.litigation[0]", 9)
    recovery.write(doc)
    rec = recovery.find(path)
    assert rec.matches_file  # base is the saved file
    assert rec.edits == [("report.title", dt.date(2024, 1, 1)), ("appeals.litigation[0]", 9)]
    fresh = EditableReport.open(path)
    recovery.apply(fresh, rec)
    assert fresh.render() == doc.render()
    doc.undo(), doc.undo()
    assert recovery.write(doc) is None and recovery.find(path) is None


def test_recovery_damaged_or_foreign_file(reports_copy):
    path = reports_copy / "hongze-2023.toml"
    os.makedirs(recovery.recovery_dir(), exist_ok=True)
    with open(recovery.recovery_path(path), "w") as fh:
        fh.write("{broken")
    assert recovery.find(path) is None
    with open(recovery.recovery_path(path), "w") as fh:
        json.dump({"version": 1, "path": "/elsewhere.toml", "base_sha256": "x", "edits": []}, fh)
    assert recovery.find(path) is None
    rec = recovery.Recovery(str(path), "x", [("applications.nope[0]", 1), ("applications.new_received[0]", 2)])
    doc = EditableReport.open(path)
    failed = recovery.apply(doc, rec)
    assert [a for a, _ in failed] == ["applications.nope[0]"] and doc.get("applications.new_received[0]") == 2


def test_recovery_write_failure_is_write_error(reports_copy, monkeypatch):
    doc = _edited(reports_copy / "hongze-2023.toml")
    blocker = reports_copy / "blocker"
    blocker.write_text("")
    monkeypatch.setattr(recovery, "recovery_dir", lambda: str(blocker / "recovery"))
    # the state folder cannot be used: the edits go beside the report instead
    assert recovery.write(doc) == recovery.beside_path(doc.path)
    assert recovery.find(doc.path).edits == [("applications.new_received[0]", 4242)]
    monkeypatch.setattr(recovery, "beside_path", lambda path: str(blocker / "beside.json"))
    with pytest.raises(WriteError, match="恢复文件"):
        recovery.write(doc)


# --------------------------------------------------------------------------
# Property tests

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tui.core.address import format_address  # noqa: E402
from tui.store import spans  # noqa: E402


def _cell_addresses(data, keys=()):
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _cell_addresses(value, keys + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if not isinstance(item, (dict, list)):
                    yield format_address(keys + (key,), i)
        else:
            yield format_address(keys + (key,))


def _sample_bytes(name, kind):
    raw = (REPORTS / name).read_bytes()
    if kind in ("crlf", "crlf+bom"):
        raw = raw.replace(b"\n", b"\r\n")
    if kind.endswith("bom"):
        raw = BOM + raw
    return raw


_VARIANTS = [(n, k) for n in SAMPLES for k in ("plain", "crlf", "bom", "crlf+bom")]
_ADDRESSES = {n: sorted(_cell_addresses(tomllib.loads((REPORTS / n).read_text(encoding="utf-8")))) for n in SAMPLES}

cell_values = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(alphabet='"\'\\\n\r\t ab甲“”', max_size=12),
    st.sampled_from(["", "/", "—", '"""', "'''", 'x"', '""', "\\", "\n", "a\n", "\r\n"]),
)


@st.composite
def edit_sessions(draw):
    name, kind = draw(st.sampled_from(_VARIANTS))
    addresses = st.sampled_from(_ADDRESSES[name])
    op = st.one_of(st.tuples(st.just("set"), addresses, cell_values), st.just(("undo",)), st.just(("redo",)))
    return name, kind, draw(st.lists(op, max_size=25))


def _parse_rendered(doc):
    raw = doc.render()
    assert raw.startswith(BOM) == doc.bom
    return tomllib.loads(raw.decode("utf-8-sig"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edit_sessions())
def test_random_edit_sessions(session):
    name, kind, ops = session
    original = _sample_bytes(name, kind)
    doc = EditableReport.from_bytes(original, f"/nonexistent/{name}")
    states = [tomllib.loads(original.decode("utf-8-sig"))]  # model: applied states
    pos = 0
    for op in ops:
        if op[0] == "set":
            _, address, value = op
            if doc.set(address, value):
                states[pos + 1:] = [_parse_rendered(doc)]
                pos += 1
                assert same_data(doc.get(address), value) or (value != value)
        elif op[0] == "undo":
            assert (doc.undo() is not None) == (pos > 0)
            pos = max(pos - 1, 0)
        else:
            assert (doc.redo() is not None) == (pos < len(states) - 1)
            pos = min(pos + 1, len(states) - 1)
        assert same_data(doc.data, _parse_rendered(doc))
        assert same_data(doc.data, states[pos])
        assert doc.dirty == (doc.render() != original)
    while doc.undo():
        pass
    assert doc.render() == original and not doc.dirty


# Generated TOML in many layouts: the scanner must agree with tomllib.

_ws = st.sampled_from(["", " ", "  ", "\t"])
_comment = st.sampled_from(["", " # c", "  # 注释 \"x\" [a] {b}", "#"])
_texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


@st.composite
def _string_raw(draw):
    from tui.core.tomltext import toml_string

    kind = draw(st.sampled_from(["basic", "literal", "mlb", "mll"]))
    text = draw(_texts)
    if kind == "literal" and "'" not in text and not any(ord(c) < 32 and c != "\t" or ord(c) == 127 for c in text):
        return "'" + text + "'"
    if kind == "mll":
        body = draw(st.text(alphabet="ab'\n甲 ", max_size=8))
        if "'''" not in body and not body.endswith("'"):
            return "'''" + draw(st.sampled_from(["", "\n"])) + body + "'''"
    if kind == "mlb":
        body = draw(st.text(alphabet='ab"\n甲\\ ', max_size=8)).replace("\\", "\\\\")
        body = body.replace('"""', '""\\"')
        if body.endswith('"'):
            body = body[:-1] + '\\"'
        return '"""' + draw(st.sampled_from(["", "\n"])) + body + draw(st.sampled_from(['"""', '""""', '"""""'])) \
            if not body.endswith('\\"') else '"""' + body + '"""'
    return toml_string(text)


_scalar_raw = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["1_000", "0x1F", "0o17", "0b101", "+5", "-0", "1.5", "-0.0", "1e3", "6.02E+23", "3_1.4_1",
                     "inf", "-inf", "nan", "true", "false", "1979-05-27", "1979-05-27T07:32:00Z",
                     "1979-05-27 07:32:00+08:00", "1979-05-27T00:32:00.999999", "07:32:00"]),
    _string_raw(),
)


def _value_raw(depth):
    if depth >= 2:
        return _scalar_raw
    inner = _value_raw(depth + 1)

    @st.composite
    def array(draw):
        items = draw(st.lists(inner, max_size=4))
        seps = [draw(st.sampled_from([",", ", ", " ,", ",\n  ", ", # x\n", ",\r\n"])) for _ in items]
        body = "".join(i + s for i, s in zip(items, seps))
        if items and draw(st.booleans()):
            body = body.rstrip(", \n\r#x")  # no trailing comma
        return "[" + draw(st.sampled_from(["", " ", "\n  "])) + body + draw(st.sampled_from(["", " ", "\n"])) + "]"

    @st.composite
    def inline(draw):
        n = draw(st.integers(0, 3))
        # values on one line (TOML 1.0 inline tables may not span lines)
        parts = [f"{_key_raw(draw, i)}{draw(_ws)}={draw(_ws)}{draw(_inline_safe)}" for i in range(n)]
        return "{" + draw(_ws) + ",".join(p + draw(_ws) for p in parts) + "}"

    return st.one_of(_scalar_raw, array(), inline())


_inline_safe = st.one_of(st.integers(-5, 5).map(str), st.sampled_from(['"x"', "'y'", "1.5", "[1, 2]", '{ a = "甲" }']))


def _key_raw(draw, i):
    return draw(st.sampled_from([f"k{i}", f'"k{i}"', f"'k{i}'", f'"键 {i}"', f'"k\\u0041{i}"']))


@st.composite
def toml_documents(draw):
    lines = []
    for i in range(draw(st.integers(0, 3))):
        lines.append(f"{_key_raw(draw, i)}{draw(_ws)}={draw(_ws)}{draw(_value_raw(0))}{draw(_comment)}")
    for t in range(draw(st.integers(0, 3))):
        header = draw(st.sampled_from([f"[t{t}]", f"[ t{t} ]", f'["t{t}"]', f"[t{t}.sub]", f"[[a{t}]]"]))
        for _ in range(2 if header.startswith("[[") else 1):
            lines.append(draw(_ws) + header + draw(_comment))
            for i in range(draw(st.integers(0, 3))):
                key = _key_raw(draw, i)
                if draw(st.booleans()):
                    key = f"d{i}{draw(_ws)}.{draw(_ws)}{key}"  # dotted key
                lines.append(f"{draw(_ws)}{key}{draw(_ws)}={draw(_ws)}{draw(_value_raw(0))}{draw(_comment)}")
            if header.startswith("[[") and draw(st.booleans()):  # sub-tables of this element
                sub = draw(st.sampled_from([f"[a{t}.sub]", f"[[a{t}.inner]]", f"[ a{t} . 'sub' ]"]))
                for _ in range(2 if sub.startswith("[[") else 1):
                    lines.append(sub)
                    lines.append(f"k = {draw(_scalar_raw)}")
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    return eol.join(lines) + draw(st.sampled_from(["", eol]))


def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, path + (i,))
    else:
        yield path, data


@settings(max_examples=300, deadline=None)
@given(toml_documents(), st.data())
def test_scanner_agrees_with_tomllib(text, more):
    data = tomllib.loads(text)
    found = spans.scan(text)
    leaves = dict(_leaves(data))
    assert {p for p in found if p in leaves} == set(leaves)
    for path, value in leaves.items():
        sp = found[path]
        raw = text[sp.start:sp.end]
        assert same_data(tomllib.loads("v = " + raw)["v"], value), (path, raw)
    # and an edit of any addressable leaf changes only that value
    addressable = [p for p in leaves if not any(isinstance(k, int) for k in p[:-1])]
    if not addressable:
        return
    path = more.draw(st.sampled_from(addressable))
    keys, index = (path[:-1], path[-1]) if isinstance(path[-1], int) else (path, None)
    value = more.draw(cell_values)
    doc = EditableReport.from_bytes(text.encode(), "/nonexistent/x.toml")
    address = format_address(keys, index)
    if doc.set(address, value):
        sp = found[path]
        new = doc.text
        tail = len(text) - sp.end
        assert new[:sp.start] == text[:sp.start] and new[len(new) - tail:] == text[sp.end:]
        assert same_data(doc.get(address), value)
    assert doc.undo() in (address, None) and doc.text == text


def test_out_of_order_tables(tmp_path):
    """Tables split and revisited out of order (tomlkit #571/#577) edit cleanly."""
    raw = ("[applications]\nnew_received = [1, 0, 0, 0, 0, 0, 1]  # 新收\n\n[appeals]\nlitigation = [0, 0, 0, 0, 0]\n\n"
           "[applications.outcome.denied]\nstate_secret = [0, 0, 0, 0, 0, 0, 0]\n\n"
           "[applications.outcome]\ntotal = [1, 0, 0, 0, 0, 0, 1]\ngranted.x = 1\n\n[appeals.more]\ny = 2\n").encode()
    path = tmp_path / "ooo.toml"
    path.write_bytes(raw)
    doc = EditableReport.open(path)
    doc.set("applications.outcome.total[0]", 2)
    doc.set("applications.outcome.denied.state_secret[6]", "")
    doc.set("applications.outcome.granted.x", 3)
    doc.set("appeals.more.y", 1.25)
    doc.save()
    expected = (raw.replace(b"total = [1,", b"total = [2,").replace(b"0, 0, 0, 0, 0, 0, 0]", b'0, 0, 0, 0, 0, 0, ""]')
                .replace(b"granted.x = 1", b"granted.x = 3").replace(b"y = 2", b"y = 1.25"))
    assert path.read_bytes() == expected


def test_recovery_from_signal_handler(reports_copy):
    import signal

    path = reports_copy / "hongze-2024.toml"
    doc = _edited(path)
    written = []
    previous = signal.signal(signal.SIGUSR1, lambda *_: written.append(recovery.write(doc)))
    try:
        os.kill(os.getpid(), signal.SIGUSR1)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert written and written[0] == recovery.recovery_path(path)
    assert recovery.find(path).edits == [("applications.new_received[0]", 4242)]
