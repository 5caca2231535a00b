"""Adding a key the file lacks (EditableReport.insert): a whole row of table
三/四, a field of an inline table, a row of [active], a [text] key (with or
without [text]), report.region. Every case is made by deleting the key from
a copy of a sample and adding it back: the data must be as intended, the
bytes a single contiguous insertion in the file's line endings (BOM kept),
undo/redo exact, the saved file free of the report.schema finding, and a
recovery file must add the key again."""

import copy
import os
import pathlib
import itertools
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO, REPORTS
from tui.core.address import MISSING, get_value, parse_address
from tests.reference import check_paths
from tui.store import recovery
from tui.store.document import EditableReport, EditError, same_data

BOM = b"\xef\xbb\xbf"
ORIGINAL = object()  # the case re-adds the value the sample has

# (id, sample, regex of the text removed from the sample, address, value,
#  text written back (None: the removed text itself; "STRIP": without its
#  comment), regex of the place it is
#  written at in the reduced text (None: where it was removed), report.schema finding?)
CASES = [
    ("row-dotted", "hongze-2023.toml", r"^outcome\.other\.other = .*\n", "applications.outcome.other.other",
     ORIGINAL, "outcome.other.other = [0, 0, 0, 0, 0, 0, 0]\n", None, True),
    ("row-first-of-group", "huaian-2024.toml", r"^outcome\.other\.overdue_correction = .*\n",
     "applications.outcome.other.overdue_correction", ORIGINAL,
     "outcome.other.overdue_correction = [67, 3, 0, 0, 1, 0, 71]\n", None, True),
    ("row-last", "hongze-2023.toml", r"^carried_forward = .*\n", "applications.carried_forward", ORIGINAL,
     "carried_forward = [0, 0, 0, 0, 0, 0, 0]\n", None, True),
    ("row-2019-other", "lingwu-minzheng-2020.toml", r"^outcome\.other = .*\n", "applications.outcome.other",
     ORIGINAL, "outcome.other = [0, 0, 0, 0, 0, 0, 0]\n", None, True),
    ("appeals-row", "hongze-2024.toml", r"^litigation = .*\n", "appeals.litigation", ORIGINAL,
     "STRIP", None, True),
    ("inline-field", "lingwu-minzheng-2020.toml", r"(?<=licensing = \{ previous = 2, )change = 0, ",
     "active.licensing.change", ORIGINAL, None, None, True),
    ("inline-field-first", "lingwu-minzheng-2020.toml", r"(?<=licensing = \{ )previous = 2, ",
     "active.licensing.previous", ORIGINAL, None, None, True),
    ("inline-field-last", "lingwu-minzheng-2020.toml", r"(?<=procurement = \{ items = 0), amount = 0",
     "active.procurement.amount", ORIGINAL, None, None, True),
    ("active-row", "hongze-2023.toml", r"^fees = .*\n", "active.fees", ORIGINAL,
     "fees = { amount = 7730.28 }\n", None, True),
    ("active-row-2019", "lingwu-minzheng-2020.toml", r"^fees = .*\n", "active.fees", ORIGINAL,
     "fees = { previous = 0, change = 0 }\n", None, True),
    ("text-key", "hongze-2023.toml", r"^other = .*\n", "text.other", ORIGINAL, None, None, False),
    ("text-key-first-multiline", "lingwu-minzheng-2020.toml", r'^overview = """[\s\S]*?"""\n', "text.overview",
     "第一段，含 \\ 与 \"\"\" 。\n\n第二段", 'overview = """\n第一段，含 \\\\ 与 ""\\" 。\n\n第二段"""\n',
     None, False),  # under its label `# 一、总体情况`, not above the next key's
    ("text-table", "hongze-2023.toml", r"^\[text\]\n[\s\S]*?\n\n(?=# 二)", "text.other", "无。",
     '[text]\nother = "无。"\n\n', None, False),
    ("report-region", "hongze-2023.toml", r"^region = .*\n", "report.region", ORIGINAL, None, None, False),
]


def _reduce(case):
    """(original text, reduced text, removal offset, removed text) of a case (LF)."""
    _, sample, pattern, *_ = case
    original = (REPORTS / sample).read_text(encoding="utf-8")
    m = re.search(pattern, original, re.M)
    assert m, pattern
    return original, original[:m.start()] + original[m.end():], m.start(), m.group()


def _variant(text, kind):
    raw = text.encode("utf-8")
    if kind == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif kind == "bom":
        raw = BOM + raw
    return raw


def _inserted(before, after):
    """(pos, chunk) such that after == before[:pos] + chunk + before[pos:] (no assumption on where)."""
    assert len(after) > len(before)
    p = 0
    while p < len(before) and before[p] == after[p]:
        p += 1
    k = len(after) - len(before)
    assert after[p + k:] == before[p:], "not a single contiguous insertion"
    return p, after[p:p + k]


def _schema_firsts(path):
    (checked,) = check_paths([str(path)]).checked
    return {f.first for f in checked.findings if f.rule == "report.schema"}


def _value(case):
    """The value a case adds (the sample's own for ORIGINAL)."""
    _, sample, _, address, value, *_ = case
    if value is ORIGINAL:
        original = tomllib.loads((REPORTS / sample).read_text(encoding="utf-8"))
        value = get_value(original, parse_address(address))
    return value


def _expected_data(reduced_data, address, value):
    data = copy.deepcopy(reduced_data)
    keys = parse_address(address).keys
    node = data
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    return data


@pytest.mark.parametrize("kind", ["plain", "crlf", "bom"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_insert_adds_the_missing_key_back(tmp_path, case, kind):
    name, sample, _, address, _, written, at, schema = case
    value = _value(case)
    original, reduced, offset, removed = _reduce(case)
    eol = b"\r\n" if kind == "crlf" else b"\n"
    path = tmp_path / sample
    before = _variant(reduced, kind)
    path.write_bytes(before)
    if schema:
        assert address in _schema_firsts(path)

    doc = EditableReport.open(path)
    assert doc.get(address) is MISSING and doc.can_insert(address) is None
    assert doc.insert(address, value) is True
    expected = _expected_data(tomllib.loads(reduced), address, value)
    assert same_data(doc.data, expected)
    if case[4] is ORIGINAL:
        assert same_data(doc.data, tomllib.loads(original))  # put back exactly what was removed

    after = doc.render()
    pos, chunk = _inserted(before, after)
    assert after.startswith(BOM) == (kind == "bom")
    if kind == "crlf":
        assert b"\n" not in chunk.replace(b"\r\n", b"") and b"\r" not in chunk.replace(b"\r\n", b"")
    else:
        assert b"\r" not in chunk
    # next to its siblings, written the way the section writes keys
    if written is None:
        written = removed
    elif written == "STRIP":  # the removed line without its comment
        written = re.sub(r"[ \t]+#[^\n]*", "", removed)
    if at is not None:
        offset = re.search(at, reduced, re.M).start()
    cut = len(_variant(reduced[:offset], kind))
    assert after == before[:cut] + written.encode("utf-8").replace(b"\n", eol) + before[cut:]

    # undo restores the exact bytes, redo re-inserts them
    assert doc.undo() == address
    assert doc.render() == before and not doc.dirty and doc.get(address) is MISSING
    assert doc.redo() == address
    assert doc.render() == after and doc.dirty

    doc.save()
    assert path.read_bytes() == after and not doc.dirty
    assert address not in _schema_firsts(path)


REVIEW = '\n[[review.comment]]\ncell = "applications.new_received[0]"\ntext = "核对"\nuser = "r"\nat = 2021-01-25T16:30:00+08:00\n'


@pytest.mark.parametrize("sample,eol", [(p.name, "\n") for p in sorted(REPORTS.glob("*.toml"))]
                         + [("lingwu-minzheng-2020.toml", "\r\n")])
def test_every_key_line_of_every_sample_goes_back_where_it_was(sample, eol):
    """Delete each one-line key of [report], [text], [active], [applications]
    and [appeals] in turn and add its value back: the text is the sample's,
    that line without its trailing comment."""
    text = ((REPORTS / sample).read_text(encoding="utf-8") + REVIEW).replace("\n", eol)
    data = tomllib.loads(text)
    lines = text.split(eol)
    section, count = None, 0
    for i, line in enumerate(lines):
        m = re.match(r"^\[([a-z_.]+)\]", line)
        if m or line.startswith("[["):
            section = m.group(1) if m else None
            continue
        m = re.match(r"^([A-Za-z_.]+) = (?!\"\"\")", line)
        if not m or section not in ("report", "text", "active", "applications", "appeals") \
                or (section, m.group(1)) in (("report", "form"), ("report", "agency"), ("report", "year")):
            continue
        address = f"{section}.{m.group(1)}"
        reduced = eol.join(lines[:i] + lines[i + 1:])
        doc = EditableReport.from_bytes(reduced.encode("utf-8"), "x.toml")
        doc.insert(address, get_value(data, parse_address(address)))
        written = re.sub(r"[ \t]+#[^\r\n]*", "", line)
        assert doc.text == eol.join(lines[:i] + [written] + lines[i + 1:]), address
        assert same_data(doc.data, data), address
        count += 1
    assert count >= 30


def test_one_insertion_engine_without_tomlkit_or_private_api(tmp_path):
    """Issue 9.3: one engine writes the inserted line (tui.store.insertion);
    no tomlkit, none of its private API, and inserting does not load it."""
    import tui.store.insertion as insertion

    source = pathlib.Path(insertion.__file__).read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    assert "import tomlkit" not in code and "from tomlkit" not in code
    assert "._raw_append(" not in code and "._insert_at(" not in code
    case = CASES[0]
    _, reduced, _, _ = _reduce(case)
    path = tmp_path / "r.toml"
    path.write_bytes(reduced.encode("utf-8"))
    script = ("import sys; from tui.store.document import EditableReport; d = EditableReport.open(sys.argv[1]); "
              f"d.insert({case[3]!r}, {_value(case)!r}); "
              "assert 'tomlkit' not in sys.modules, 'tomlkit loaded'")
    env = dict(os.environ, PYTHONPATH=str(REPORTS.parent))
    r = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("kind", ["plain", "crlf"])
def test_append_after_a_last_line_with_a_comment_and_no_newline(tmp_path, kind):
    """Appending after a last line with a comment and no final newline, the
    new key goes on a line of its own (tomlkit used to write it into the
    comment)."""
    raw = (REPORTS / "hongze-2023.toml").read_bytes().rstrip(b"\n")
    assert raw.endswith("# 行政诉讼：复议后起诉".encode())
    if kind == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    eol = b"\r\n" if kind == "crlf" else b"\n"
    path = tmp_path / "h.toml"
    path.write_bytes(raw)
    doc = EditableReport.open(path)
    doc.insert("appeals.extra", [1, 0, 0, 0, 1])
    assert doc.render() == raw + eol + b"extra = [1, 0, 0, 0, 1]" + eol
    assert doc.get("appeals.extra") == [1, 0, 0, 0, 1]


def test_insert_then_edit_cells_undo_redo(tmp_path):
    case = CASES[0]
    _, reduced, _, _ = _reduce(case)
    path = tmp_path / "h.toml"
    path.write_bytes(reduced.encode())
    doc = EditableReport.open(path)
    doc.insert("applications.outcome.other.other", [0] * 7)
    doc.set("applications.outcome.other.other[0]", 3)
    doc.set("applications.outcome.other.other[6]", 3)
    assert doc.get("applications.outcome.other.other") == [3, 0, 0, 0, 0, 0, 3]
    assert [a for a, *_ in doc.edits] == ["applications.outcome.other.other",
                                          "applications.outcome.other.other[0]", "applications.outcome.other.other[6]"]
    doc.undo(), doc.undo()
    assert doc.get("applications.outcome.other.other") == [0] * 7
    doc.undo()
    assert doc.render() == reduced.encode() and not doc.dirty
    assert doc.redo() == "applications.outcome.other.other"
    doc.redo(), doc.redo()
    assert doc.get("applications.outcome.other.other") == [3, 0, 0, 0, 0, 0, 3]
    doc.save()
    assert tomllib.loads(path.read_text("utf-8"))["applications"]["outcome"]["other"]["other"] == [3, 0, 0, 0, 0, 0, 3]


def test_refusals_leave_the_document_unchanged(tmp_path):
    shutil.copy(REPORTS / "lingwu-minzheng-2020.toml", tmp_path / "l.toml")
    doc = EditableReport.open(tmp_path / "l.toml")
    text = doc.text
    reasons = {
        "applications.new_received": "已有",
        "applications.outcome.other.other": "不是表",  # 2019 format: outcome.other is a row
        "applications.outcome.total[7]": "整行",
        "report.year.month": "不是表",
        "review.comment": "审核记录",
        "active": "整个表",
        "nonsense.key": "不是报告格式中的表",
        "active.licensing.change.more": "不是表",
        "a..b": "地址",
    }
    nested = EditableReport.from_bytes(doc.render().replace(b"fees = { previous = 0, change = 0 }",
                                                            b"fees = { previous = 0, change = { a = 1 } }"), "n.toml")
    assert "内联表 active.fees 中" in nested.can_insert("active.fees.change.b")
    for address, words in reasons.items():
        reason = doc.can_insert(address)
        assert reason and words in reason, (address, reason)
        with pytest.raises(EditError, match=re.escape(words)):
            doc.insert(address, 0)
    for value in (True, None, float("nan"), [1, object()]):
        with pytest.raises(EditError):
            doc.insert("applications.extra", value)
    assert doc.text == text and not doc.edits and not doc.dirty


def test_values_of_every_kind(tmp_path):
    import datetime as dt

    path = tmp_path / "h.toml"
    path.write_bytes((REPORTS / "hongze-2023.toml").read_bytes())
    doc = EditableReport.open(path)
    doc.insert("report.published", dt.date(2024, 1, 31))
    doc.insert("report.source", "https://www.example.gov.cn/a?b=\"c\"")
    doc.insert("text.extra", "第一行\n第二行")
    doc.insert("active.summary", {"total": 3, "categories": {"政策文件": 3}})
    assert "published = 2024-01-31\n" in doc.text
    assert 'source = "https://www.example.gov.cn/a?b=\\"c\\""\n' in doc.text
    assert 'extra = """\n第一行\n第二行"""\n' in doc.text
    assert 'summary = { total = 3, categories = { "政策文件" = 3 } }\n' in doc.text
    assert doc.get("report.published") == dt.date(2024, 1, 31)
    assert doc.get('active.summary.categories."政策文件"') == 3
    doc.save()
    assert tomllib.loads(path.read_text("utf-8"))["active"]["summary"]["total"] == 3


def test_other_layouts():
    """Table headers for sub-tables, tables split out of order (tomlkit #571,
    #577), multi-line arrays, [active] missing altogether."""
    head = '[report]\nform = "gov-info-disclosure/2021"\nagency = "甲"\nyear = 2021\n\n'
    ooo = ("[applications]\nnew_received = [1, 0, 0, 0, 0, 0, 1]  # 新收\n\n[appeals]\nlitigation = [0, 0, 0, 0, 0]\n\n"
           "[applications.outcome.denied]\nstate_secret = [0, 0, 0, 0, 0, 0, 0]\n\n"
           "[applications.outcome]\ntotal = [1, 0, 0, 0, 0, 0, 1]\ngranted.x = 1\n\n[appeals.more]\ny = 2\n")
    cases = [
        (head + ooo, "applications.carried_over", [0] * 7,
         ("new_received = [1, 0, 0, 0, 0, 0, 1]  # 新收\n", "carried_over = [0, 0, 0, 0, 0, 0, 0]\n")),
        (head + ooo, "applications.outcome.partial", [0] * 7, ("granted.x = 1\n", "partial = [0, 0, 0, 0, 0, 0, 0]\n")),
        (head + ooo, "applications.outcome.denied.prohibited_by_law", [0] * 7,
         ("state_secret = [0, 0, 0, 0, 0, 0, 0]\n", "prohibited_by_law = [0, 0, 0, 0, 0, 0, 0]\n")),
        (head + ooo, "appeals.reconsideration", [0] * 5, ("[appeals]\n", "reconsideration = [0, 0, 0, 0, 0]\n")),
        (head + "[applications]\nnew_received = [\n  1, 0, 0,\n  0, 0, 0, 1,\n]  # 多行\noutcome.total = [1, 0, 0, 0, 0, 0, 1]\n",
         "applications.carried_over", [0] * 7, ("]  # 多行\n", "carried_over = [0, 0, 0, 0, 0, 0, 0]\n")),
        (head + "[text]\n", "text.other", "无", ("[text]\n", 'other = "无"\n')),
        (head + "[applications]\nnew_received = [0, 0, 0, 0, 0, 0, 0]\n", "active.fees", {"amount": 0},
         ("year = 2021\n", '\n[active]\nfees = { amount = 0 }\n')),
        (head + "[active]\nlicensing = {}\n", "active.licensing.decisions", 0, ("{", " decisions = 0 ")),
        (head + "[active]\nlicensing = {decisions=1,x=2}\n", "active.licensing.y", 0, ("x=2", ", y = 0")),
    ]
    for (text, address, value, (after, written)), eol in itertools.product(cases, ("\n", "\r\n")):
        text, after, written = (t.replace("\n", eol) for t in (text, after, written))
        doc = EditableReport.from_bytes(text.encode("utf-8"), "x.toml")
        doc.insert(address, value)
        i = text.index(after) + len(after)
        assert doc.text == text[:i] + written + text[i:], (address, eol)
        doc.undo()
        assert doc.text == text


def test_recovery_round_trip_of_insertions(reports_copy):
    path = reports_copy / "hongze-2023.toml"
    text = path.read_text("utf-8")
    reduced = re.sub(r"^outcome\.other\.other = .*\n", "", text, flags=re.M)
    reduced = re.sub(r"^fees = .*\n", "", reduced, flags=re.M)
    reduced = re.sub(r"^\[text\]\n[\s\S]*?\n\n(?=# 二)", "", reduced, flags=re.M)
    path.write_bytes(reduced.replace("\n", "\r\n").encode())
    doc = EditableReport.open(path)
    doc.insert("applications.outcome.other.other", [0] * 7)
    doc.set("applications.outcome.other.other[2]", 4)
    doc.insert("active.fees", {"amount": 12.5})
    doc.insert("text.problems", "无")
    doc.set("text.problems", "问题\n两行")
    doc.set("appeals.reconsideration[4]", 11)
    assert doc.changes() == [("applications.outcome.other.other", [0, 0, 4, 0, 0, 0, 0]),
                             ("applications.outcome.other.other[2]", 4),
                             ("active.fees", {"amount": 12.5}),
                             ("text.problems", "问题\n两行"),
                             ("appeals.reconsideration[4]", 11)]
    recovery.write(doc)
    rec = recovery.find(path)
    assert rec is not None and rec.matches_file and rec.edits == doc.changes()
    fresh = EditableReport.open(path)
    assert recovery.apply(fresh, rec) == []
    assert fresh.render() == doc.render() and same_data(fresh.data, doc.data)
    assert fresh.edits[0][:2] == ("applications.outcome.other.other", MISSING)  # added, not set
    while fresh.undo():
        pass
    assert fresh.render() == path.read_bytes()


def test_recovery_after_saving_an_insertion(reports_copy):
    path = reports_copy / "hongze-2023.toml"
    path.write_text(re.sub(r"^outcome\.other\.other = .*\n", "", path.read_text("utf-8"), flags=re.M), "utf-8")
    doc = EditableReport.open(path)
    doc.insert("applications.outcome.other.other", [0] * 7)
    doc.insert("text.extra", "甲")
    doc.save()
    assert doc.changes() == [] and recovery.write(doc) is None
    doc.set("applications.outcome.other.other[1]", 2)
    doc.set("text.extra", "乙")
    # the saved row is not sent again as a whole (its cell is), the saved text key is set
    assert doc.changes() == [("text.extra", "乙"), ("applications.outcome.other.other[1]", 2)]
    recovery.write(doc)
    fresh = EditableReport.open(path)
    assert recovery.apply(fresh, recovery.find(path)) == []
    assert fresh.render() == doc.render()


def test_document_import_does_not_load_tomlkit():
    code = ("import sys, tui.store.document, tui.store.recovery, tui.core.checker; "
            "assert 'tomlkit' not in sys.modules, 'tomlkit loaded'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# --------------------------------------------------------------------------
# In the workbench


def _reduced_copy(tmp_path, pattern, sample="hongze-2023.toml"):
    path = tmp_path / sample
    text = (REPORTS / sample).read_text(encoding="utf-8")
    reduced = re.sub(pattern, "", text, count=1, flags=re.M)
    assert reduced != text
    path.write_bytes(reduced.encode("utf-8"))
    return path, reduced


def _schema_finding(model, address):
    return [f for f in model.findings if f.rule == "report.schema" and f.first == address]


async def test_add_missing_row_from_findings_panel(tmp_path):
    from tui.app.app import NianbaoApp
    from tui.app.screens.dialogs import ChoiceDialog, EditCellDialog
    from tui.app.screens.report import ReportScreen
    from tui.app.widgets.findings import FindingsPanel

    row = "applications.outcome.other.other"
    path, reduced = _reduced_copy(tmp_path, r"^outcome\.other\.other = .*\n")
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        (finding,) = _schema_finding(screen.model, row)
        assert "缺少" in finding.message
        panel = screen.query_one(FindingsPanel)
        await pilot.press("tab")  # to the findings panel
        await pilot.pause()
        assert screen.focused is panel
        panel.highlighted = panel.findings.index(finding)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog) and app.screen.title_text == "文件中没有此项，添加？"
        await pilot.press("y")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EditCellDialog) and dialog.address == row + "[0]"
        assert dialog.query_one("Input").value == "0"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.model.doc.get(row) == [0] * 7
        assert not _schema_finding(screen.model, row)
        assert finding.message not in [f.message for f in panel.findings]
        assert screen.address == row + "[0]"
        assert "已修改" in str(screen.query_one("#title").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.model.dirty
    i = reduced.index("outcome.total = ")
    assert path.read_text("utf-8") == reduced[:i] + "outcome.other.other = [0, 0, 0, 0, 0, 0, 0]\n" + reduced[i:]
    assert row not in _schema_firsts(path)


async def test_add_missing_row_from_its_cell_and_undo(tmp_path):
    from tui.app.app import NianbaoApp
    from tui.app.screens.dialogs import ChoiceDialog, EditCellDialog

    row = "appeals.litigation"
    path, reduced = _reduced_copy(tmp_path, r"^litigation = .*\n")
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert _schema_finding(screen.model, row)
        screen.goto(row + "[3]")  # the row is shown, its cells marked as missing
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("n")  # no: nothing added
        await pilot.pause()
        assert app.screen is screen and not screen.model.dirty
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, EditCellDialog) and app.screen.address == row + "[3]"
        await pilot.press("ctrl+u", "2", "enter")
        await pilot.pause()
        assert screen.model.doc.get(row) == [0, 0, 0, 2, 0]
        assert not _schema_finding(screen.model, row)
        assert any(f.rule == "appeals.row-total" and f.first == row + "[4]" for f in screen.model.findings)
        await pilot.press("u")
        await pilot.pause()
        assert screen.model.doc.render() == reduced.encode() and not screen.model.dirty
        assert _schema_finding(screen.model, row)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen.model.doc.get(row) == [0, 0, 0, 2, 0]


async def test_add_missing_text_and_active_row(tmp_path):
    from tui.app.app import NianbaoApp
    from tui.app.screens.dialogs import EditCellDialog, EditTextDialog

    path = tmp_path / "hongze-2023.toml"
    text = (REPORTS / "hongze-2023.toml").read_text(encoding="utf-8")
    text = re.sub(r"^\[text\]\n[\s\S]*?\n\n(?=# 二)", "", text, flags=re.M)
    text = re.sub(r"^fees = .*\n", "", text, flags=re.M)
    path.write_bytes(text.encode())
    app = NianbaoApp([str(path)])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.goto("text.other")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, EditTextDialog)
        app.screen.query_one("TextArea").text = "无。"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and screen.model.doc.get("text.other") == "无。"
        screen.goto("active.fees.amount")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, EditCellDialog)
        await pilot.press("ctrl+u", *"12.5", "enter")
        await pilot.pause()
        assert screen.model.doc.get("active.fees") == {"amount": 12.5}
        assert not _schema_finding(screen.model, "active.fees")
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = path.read_text("utf-8")
    assert '\n\n[text]\nother = "无。"\n\n# 二' in saved
    assert "enforcement = { decisions = 195 }  # 行政强制\nfees = { amount = 12.5 }\n" in saved
