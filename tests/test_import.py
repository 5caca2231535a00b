"""`nianbao import` (issue 11; FORMAT.md §4, §6): real PDFs, partial HTML pages,
refusals. Material is copied under tests/import_docs/ (a fresh clone has no ../shared)."""

import json
import pathlib
import tomllib

import pytest

from tests.conftest import run_cli
from tui.importer import Refused, import_bytes
from tui.store.build import imported_text

DOCS = pathlib.Path(__file__).resolve().parent / "import_docs"
AT = "2026-11-29T10:00:00+08:00"


def imported(name, **kw):
    raw = (DOCS / name).read_bytes()
    import datetime

    result = import_bytes(raw, name, user="tester", at=datetime.datetime.fromisoformat(AT), **kw)
    return result, tomllib.loads(imported_text(result))


def flags_of(data):
    return [(f["cell"], f["reason"]) for f in data["review"]["import"][0].get("flags", [])]


def example(name):
    with open(DOCS / name, "rb") as fh:
        return tomllib.load(fh)


# -- the two real PDFs ----------------------------------------------------------

def test_huaian_pdf_imports_identity_and_every_table_exactly():
    result, data = imported("huaian-2024.pdf")
    want = example("huaian-2024.toml")
    for key in ("form", "agency", "year", "title"):
        assert data["report"][key] == want["report"][key], key
    for section in ("active", "applications", "appeals"):
        assert data[section] == want[section], section
    # The narrative too: sections 一, 五, 六 by their headings, lines joined.
    assert data["text"] == want["text"]
    # Every flag it raises, named with its reason: none — every label matched
    # exactly (after 1、→1. and full/half-width normalisation) and every
    # continuation across a page break keeps its row totals.
    assert flags_of(data) == []
    rec = data["review"]["import"][0]
    assert rec["source"] == "huaian-2024.pdf" and len(rec["sha256"]) == 64
    assert rec["importer"].startswith("nianbao ")


def test_hongze_pdf_shared_cells_equal_the_example_and_the_six_row_is_flagged():
    result, data = imported("hongze-2023.pdf")
    want = example("hongze-2023.toml")
    assert data["report"]["form"] == want["report"]["form"]
    assert data["report"]["year"] == 2023
    # 本报告由淮安市洪泽区人民政府办公室… names the body more fully than the
    # title (洪泽区人民政府): taken, and flagged.
    assert data["report"]["agency"] == want["report"]["agency"]
    assert data["active"] == want["active"]
    assert data["appeals"] == want["appeals"]
    apps, want_apps = data["applications"], want["applications"]
    shared = 0
    for row in result.form.application_rows:
        node, ref = apps, want_apps
        for k in row.keys[1:]:
            node = node.get(k, {}) if isinstance(node, dict) else {}
            ref = ref[k]
        if row.key in ("outcome.other.overdue_correction", "outcome.other.overdue_fee"):
            assert node == {}, f"{row.key} must be left out, not invented"
            continue
        assert node == ref, row.key
        shared += 1
    assert shared == 23
    flags = flags_of(data)
    six = [f"applications.outcome.other.other[{i}]" for i in range(7)]
    typo = [f"applications.outcome.denied.prohibited_by_law[{i}]" for i in range(7)]
    assert flags == (
        [("report.agency", "fuzzy-label")]
        # printed 2.其他法律行政止公开 (sic): matched fuzzily
        + [(c, "fuzzy-label") for c in typo]
        # the single 2019-style （六）其他处理 row, kept as 3.其他 and flagged
        + [(c, "fuzzy-label") for c in six]
        + [("applications.outcome.other.overdue_correction", "missing"),
           ("applications.outcome.other.overdue_fee", "missing")])
    missing = [f for f in data["review"]["import"][0]["flags"] if f["reason"] == "missing"]
    assert all("value" not in f for f in missing)


def test_hongze_import_still_shows_the_two_real_table_four_total_errors(tmp_path):
    out = tmp_path / "hongze.toml"
    proc = run_cli("import", DOCS / "hongze-2023.pdf", "-o", out)
    assert proc.returncode == 1, proc.stderr
    proc = run_cli("check", "--format", "json", out)
    doc = json.loads(proc.stdout)
    totals = sorted(f["cells"][0] for f in doc["reports"][0]["findings"] if f["rule"] == "appeals.row-total")
    assert totals == ["appeals.litigation_after_reconsideration[4]", "appeals.reconsideration[4]"]


# -- the partial HTML pages -----------------------------------------------------

LONGGANG_APPS = {
    "new_received": [58, 7, 0, 0, 1, 0, 66],
    "carried_over": [2, 0, 0, 0, 0, 0, 2],
    "outcome": {
        "granted": [2, 1, 0, 0, 0, 0, 3],
        "partial": [16, 1, 0, 0, 0, 0, 17],
        "denied": {
            "state_secret": [0] * 7, "prohibited_by_law": [0] * 7, "security_stability": [0] * 7,
            "third_party_rights": [0] * 7, "internal_affairs": [1, 0, 0, 0, 0, 0, 1],
            "process_information": [0] * 7,
        },
    },
}


def test_longgang_partial_html_present_cells_right_absent_rows_left_out():
    result, data = imported("longgang-2024-partial.html", agency="深圳市龙岗区人民政府", year=2024)
    assert data["report"]["agency"] == "深圳市龙岗区人民政府"
    assert data["active"] == {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 5, "repealed": 1, "in_force": 25},
        "licensing": {"decisions": 0}, "penalties": {"decisions": 0}, "enforcement": {"decisions": 0},
        "fees": {"amount": 0},
    }
    assert data["applications"] == LONGGANG_APPS
    assert data["appeals"] == {}  # table 四 is not on the page: nothing invented
    flags = flags_of(data)
    assert all(reason == "missing" for _, reason in flags)
    assert ("applications.outcome.denied.enforcement_files", "missing") in flags
    assert ("applications.outcome.total", "missing") in flags


def test_xuwen_partial_html_blanks_kept_as_published_and_flagged():
    result, data = imported("xuwen-partial.html", agency="湛江市徐闻县人民政府", year=2024)
    assert data["active"]["normative_documents"] == {"issued": 3, "repealed": 0, "in_force": 101}
    apps = data["applications"]
    blank = ["", "", "", "", "", "", 0]
    assert apps["new_received"] == [0, "", "", "", "", "", 0]
    assert apps["carried_over"] == blank
    assert apps["outcome"]["granted"] == blank and apps["outcome"]["partial"] == blank
    assert apps["outcome"]["denied"] == {k: blank for k in (
        "state_secret", "prohibited_by_law", "security_stability", "third_party_rights", "internal_affairs")}
    assert "process_information" not in apps["outcome"]["denied"]
    flags = dict(flags_of(data))
    assert flags["applications.carried_over[0]"] == "blank"
    assert "applications.carried_over[6]" not in flags
    assert flags["applications.outcome.denied.process_information"] == "missing"


def test_same_source_twice_same_bytes_apart_from_user_and_at(tmp_path):
    import datetime

    raw = (DOCS / "xuwen-partial.html").read_bytes()
    a = imported_text(import_bytes(raw, "x.html", agency="甲", year=2024, user="u1",
                                   at=datetime.datetime.fromisoformat(AT)))
    b = imported_text(import_bytes(raw, "x.html", agency="甲", year=2024, user="u2",
                                   at=datetime.datetime.fromisoformat("2027-01-01T00:00:00+00:00")))

    def strip(t):
        return [ln for ln in t.splitlines() if not ln.startswith(("user = ", "at = "))]
    assert strip(a) == strip(b) and a != b


# -- refusals -------------------------------------------------------------------

def _pdf_without_text():
    """A one-page PDF that draws a rectangle and has no text at all (a 'scan')."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>"]
    stream = b"0 0 0 rg 100 100 300 400 re f"
    objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


TRADITIONAL_PAGE = ("<html><head><meta charset='utf-8'><title>某縣人民政府2023年政府資訊公開工作年度報告</title></head>"
                    "<body><p>三、收到和處理政府資訊公開申請情況</p><table><tr><td>申請人情況</td></tr>"
                    "<tr><td>一、本年新收政府資訊公開申請數量</td><td>1</td></tr>"
                    "<tr><td>二、上年結轉政府資訊公開申請數量</td><td>0</td></tr></table>"
                    "<p>四、因政府資訊公開工作被申請行政複議、提起行政訴訟情況</p></body></html>")

REFUSALS = {
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "另存为"),
    "scan.pdf": (_pdf_without_text(), "文字层"),
    "notable.html": (("<html><head><meta charset='utf-8'><title>某市人民政府2023年政府信息公开工作年度报告"
                     "</title></head><body><p>一、总体情况</p><p>我市……</p></body></html>").encode(), "找不到"),
    "fanti.html": (TRADITIONAL_PAGE.encode("utf-8"), "繁体"),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_refusals_exit_2_chinese_message_no_file(tmp_path, name):
    raw, words = REFUSALS[name]
    src = tmp_path / name
    src.write_bytes(raw)
    out = tmp_path / "out.toml"
    proc = run_cli("import", src, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_refused_in_process_too():
    with pytest.raises(Refused):
        import_bytes(REFUSALS["old.doc"][0], "old.doc", user="u")


def test_never_overwrites_an_existing_file(tmp_path):
    out = tmp_path / "out.toml"
    out.write_text("keep me", encoding="utf-8")
    proc = run_cli("import", DOCS / "xuwen-partial.html", "--agency", "甲", "--year", "2024", "-o", out)
    assert proc.returncode == 2 and "不会覆盖" in proc.stderr
    assert out.read_text(encoding="utf-8") == "keep me"


def test_exit_0_when_nothing_is_flagged_and_json_output(tmp_path):
    proc = run_cli("import", DOCS / "huaian-2024.pdf", "--out-dir", tmp_path, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["imports"][0]["flags"] == [] and doc["imports"][0]["output"].endswith("huaian-2024.toml")
    proc = run_cli("check", tmp_path / "huaian-2024.toml")
    assert proc.returncode == 0, proc.stdout


def test_json_output_is_inert_and_exact(tmp_path):
    """An agency given with U+202E and a C1 CSI reaches the JSON as escapes
    (a terminal acts on neither), which parse back to the same name."""
    agency = "淮安\u202e\x9b[2J市"
    proc = run_cli("import", DOCS / "xuwen-partial.html", "--agency", agency, "--year", "2024",
                   "--out-dir", tmp_path, "--format", "json")
    assert "\u202e" not in proc.stdout and "\x9b" not in proc.stdout
    assert "\\u202e\\u009b[2J" in proc.stdout
    assert json.loads(proc.stdout)["imports"][0]["agency"] == agency


IMPORT_PATH_GUARD = r"""
import json, sys
import tui.cli, tui.importer, tui.commands.import_
print(json.dumps(sorted(m for m in sys.modules
                        if m.split(".")[0] in ("textual", "lxml", "docx", "pdfplumber", "pdfminer"))))
"""


def test_loading_the_import_command_pulls_in_no_reader_or_textual():
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", IMPORT_PATH_GUARD], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


# -- import.unconfirmed (FORMAT §2.1, §6) -----------------------------------------

def _checked(text):
    from tui.core.load import load_bytes
    from tui.core.review import mark_accepted
    from tui.core.rules import check_report

    report = load_bytes(text.encode("utf-8"), "x.toml")
    return [f for f in mark_accepted(check_report(report), report.data) if f.rule == "import.unconfirmed"]


def test_unconfirmed_flag_is_an_error_until_edited_or_accepted():
    result, _ = imported("hongze-2023.pdf")
    text = imported_text(result)
    found = _checked(text)
    cell = "applications.outcome.denied.prohibited_by_law[0]"
    f = next(f for f in found if f.first == cell)
    assert f.severity == "error" and f.expected is None and f.actual == 0 and f.glyph == "?"
    assert "标签近似匹配" in f.message and "page 3, table 2, row 9, column 4" in f.message
    # 14 value flags (report.agency, 7 + 7 cells); the two `missing` flags carry no value.
    assert len(found) == 15
    # Editing the cell to another value confirms it ...
    edited = text.replace("outcome.denied.prohibited_by_law = [0,", "outcome.denied.prohibited_by_law = [1,")
    assert cell not in [f.first for f in _checked(edited)]
    # ... and so does the same value of another TOML type (0 → 0.0 is an edit).
    retyped = text.replace("outcome.denied.prohibited_by_law = [0,", "outcome.denied.prohibited_by_law = [0.0,")
    assert cell not in [f.first for f in _checked(retyped)]
    # Accepting the finding (§5) confirms it.
    accepted = text + (f'\n[[review.accepted]]\nrule = "import.unconfirmed"\ncells = ["{cell}"]\n'
                       'reason = "已与原件核对"\nuser = "u"\nat = 2026-11-29T10:00:00+08:00\n')
    assert next(f for f in _checked(accepted) if f.first == cell).accepted


def test_check_text_output_shows_the_question_mark(tmp_path):
    out = tmp_path / "h.toml"
    assert run_cli("import", DOCS / "hongze-2023.pdf", "-o", out).returncode == 1
    proc = run_cli("check", out)
    assert proc.returncode == 1
    assert any(line.lstrip().startswith("?") and "导入待核对" in line for line in proc.stdout.splitlines()), \
        proc.stdout
