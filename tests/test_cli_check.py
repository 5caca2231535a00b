"""`nianbao check` and `nianbao new` as outside scripts see them (FORMAT.md §4),
through real subprocesses."""

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO, REPORTS, run_cli
from tui.core.forms import form_by_edition

LINGWU = REPORTS / "lingwu-minzheng-2020.toml"
ANSI = re.compile(r"\x1b\[")


def check_json(*args, **kw):
    proc = run_cli("check", "--format", "json", *args, **kw)
    doc = json.loads(proc.stdout, parse_constant=_reject_constant)
    return proc.returncode, doc, proc


def _reject_constant(name):
    raise AssertionError(f"not JSON: {name}")


@pytest.fixture
def clean_dir(tmp_path):
    d = tmp_path / "clean"
    d.mkdir()
    shutil.copy(LINGWU, d / "lingwu-2020.toml")
    shutil.copy(REPORTS / "huaian-2024.toml", d / "huaian-2024.toml")
    return d


# -- exit status ------------------------------------------------------------

def test_exit_0_clean_dir(clean_dir):
    proc = run_cli("check", clean_dir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "✗" not in proc.stdout


def test_exit_1_dir_with_errors(reports_copy):
    proc = run_cli("check", reports_copy)  # hongze-2023 left its appeals totals blank
    assert proc.returncode == 1, proc.stdout + proc.stderr


def test_exit_0_when_only_warnings(tmp_path):
    text = LINGWU.read_text(encoding="utf-8").replace(
        "normative_documents = { made = 84, published = 84, total = 84 }",
        "normative_documents = { made = 84, published = 85, total = 84 }")
    (tmp_path / "w.toml").write_text(text, encoding="utf-8")
    code, doc, _ = check_json(tmp_path)
    assert [f["rule"] for f in doc["reports"][0]["findings"]] == ["active.published-over-total"]
    assert code == 0


def test_exit_0_when_errors_are_accepted(tmp_path):
    src = (REPORTS / "hongze-2023.toml").read_text(encoding="utf-8")
    review = "\n".join(
        f'[[review.accepted]]\nrule = "appeals.row-total"\ncells = ["{c}"]\nreason = "原件如此"\n'
        f'user = "r1"\nat = 2024-01-25T16:38:00+08:00\n'
        for c in ("appeals.reconsideration[4]", "appeals.litigation_after_reconsideration[4]"))
    f = tmp_path / "hongze-2023.toml"
    f.write_text(src + "\n" + review, encoding="utf-8")
    code, doc, _ = check_json(f)
    assert [x["accepted"] for x in doc["reports"][0]["findings"]] == [True, True]
    assert code == 0
    proc = run_cli("check", f)
    assert proc.returncode == 0
    assert "≃" in proc.stdout and "已接受" in proc.stdout


def test_exit_2_unreadable_file_other_files_still_checked(tmp_path):
    shutil.copy(REPORTS / "hongze-2023.toml", tmp_path / "a.toml")
    (tmp_path / "b.toml").write_text("[report\n", encoding="utf-8")
    code, doc, _ = check_json(tmp_path)
    assert code == 2  # 2 wins over 1
    assert [r["file"] for r in doc["reports"]] == [str(tmp_path / "a.toml")]
    assert doc["reports"][0]["findings"]
    assert [i["file"] for i in doc["invalid"]] == [str(tmp_path / "b.toml")]


def test_exit_2_nonexistent_path(tmp_path):
    missing = tmp_path / "nope.toml"
    code, doc, _ = check_json(LINGWU, missing)
    assert code == 2
    assert len(doc["reports"]) == 1
    assert doc["invalid"][0]["file"] == str(missing)
    assert str(missing) in doc["invalid"][0]["error"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_exit_2_permission_denied(tmp_path):
    f = tmp_path / "secret.toml"
    shutil.copy(LINGWU, f)
    f.chmod(0)
    code, doc, _ = check_json(f)
    assert code == 2 and doc["invalid"][0]["file"] == str(f)


@pytest.mark.parametrize("args", [
    # `check` alone is not a usage error: FORMAT.md §4 has it check ./reports
    # (tests/test_chinese.py::test_check_without_path_checks_reports).
    ["check", "--format", "xml", "reports"],
    ["check", "--bogus", "reports"],
    ["check", "--jobs", "many", "reports"],
])
def test_exit_2_usage_error(args):
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "用法" in proc.stderr


def test_empty_dir_is_no_report_found(tmp_path):
    """FORMAT.md §4: exit 2 if no report was found (issue 10.7; it used to exit 0)."""
    (tmp_path / "notes.txt").write_text("不是报告", encoding="utf-8")
    code, doc, _ = check_json(tmp_path)
    assert (code, doc) == (2, {"reports": [], "invalid": []})
    proc = run_cli("check", tmp_path)
    assert proc.returncode == 2 and "未找到报告" in proc.stdout


def test_recursive_and_hidden(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    shutil.copy(LINGWU, tmp_path / "a" / "b" / "deep.toml")
    shutil.copy(LINGWU, tmp_path / ".hidden" / "x.toml")
    shutil.copy(LINGWU, tmp_path / "a" / "not-a-report.txt")
    code, doc, _ = check_json(tmp_path, tmp_path / "a" / "b" / "deep.toml")  # named twice: checked once
    assert [r["file"] for r in doc["reports"]] == [str(tmp_path / "a" / "b" / "deep.toml")]
    assert code == 0


# -- JSON shape ---------------------------------------------------------------

REPORT_KEYS = {"file", "agency", "year", "form", "digest", "signoff", "findings"}
FINDING_KEYS = {"rule", "severity", "message", "cells", "expected", "actual", "accepted"}


def test_json_shape(tmp_path):
    shutil.copytree(REPORTS, tmp_path / "r")
    broken = tmp_path / "r" / "hongze-2024.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace(
        "carried_over = [0, 0, 0, 0, 0, 0, 0]", "carried_over = [2, 0, 0, 0, 0, 0, 2]"), encoding="utf-8")
    code, doc, _ = check_json(tmp_path / "r")
    assert code == 1
    assert set(doc) == {"reports", "invalid"}
    assert doc["invalid"] == []
    rules = set()
    for rep in doc["reports"]:
        assert set(rep) == REPORT_KEYS
        assert isinstance(rep["year"], int) and rep["form"] in ("gov-info-disclosure/2019", "gov-info-disclosure/2021")
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", rep["digest"])
        assert rep["signoff"] == "none"
        for f in rep["findings"]:
            rules.add(f["rule"])
            yoy = f["rule"].startswith("yoy.")
            assert set(f) == FINDING_KEYS | ({"previous"} if yoy else set()), f
            assert f["severity"] in ("error", "warning", "info")
            assert isinstance(f["accepted"], bool) and f["accepted"] is False
            assert isinstance(f["message"], str) and re.search(r"[\u4e00-\u9fff]", f["message"])
            assert f["cells"] and all(isinstance(c, str) for c in f["cells"])
            for side in ("expected", "actual"):
                assert f[side] is None or type(f[side]) in (int, float)
            if yoy:
                assert set(f["previous"]) == {"file", "cells"}
                assert f["previous"]["file"] == str(tmp_path / "r" / "hongze-2023.toml")
                assert f["previous"]["cells"] == [f["cells"][0].replace("carried_over", "carried_forward")]
    assert {"appeals.row-total", "yoy.carried-over", "applications.balance"} <= rules
    by_file = {os.path.basename(r["file"]): r for r in doc["reports"]}
    assert by_file["huaian-2024.toml"]["agency"] == "淮安市人民政府"
    carried = [f for f in by_file["hongze-2024.toml"]["findings"] if f["rule"] == "yoy.carried-over"]
    assert sorted((f["cells"][0], f["expected"], f["actual"]) for f in carried) == [
        ("applications.carried_over[0]", 0, 2), ("applications.carried_over[6]", 0, 2)]


def test_json_signoff_states(tmp_path):
    code, doc, _ = check_json(LINGWU)
    digest = doc["reports"][0]["digest"]
    src = LINGWU.read_text(encoding="utf-8")
    cases = {"approved": digest, "rejected": digest, "stale": "sha256:" + "0" * 64}
    for state, dig in cases.items():
        decision = "rejected" if state == "rejected" else "approved"
        f = tmp_path / f"{state}.toml"
        f.write_text(src + f'\n[[review.signoff]]\nreviewer = "甲"\nuser = "r1"\ndecision = "{decision}"\n'
                     f'at = 2021-01-25T16:40:00+08:00\ndigest = "{dig}"\n', encoding="utf-8")
        code, doc, _ = check_json(f)
        assert doc["reports"][0]["signoff"] == state
        assert doc["reports"][0]["digest"] == digest  # review records never change the digest


def test_json_invalid_toml_syntax_has_line_and_column(tmp_path):
    f = tmp_path / "broken.toml"
    f.write_text('[report]\nform = "gov-info-disclosure/2019"\nagency = "灵武市民政局" = 2\n', encoding="utf-8")
    code, doc, _ = check_json(f)
    assert code == 2
    (inv,) = doc["invalid"]
    assert set(inv) == {"file", "error", "line", "column"}
    assert inv["file"] == str(f)
    assert inv["line"] == 3 and isinstance(inv["column"], int) and inv["column"] >= 1
    try:
        tomllib.loads(f.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        assert f"line 3, column {inv['column']})" in str(exc)
    assert inv["error"].startswith(f"{f}:3:{inv['column']}")
    assert "TOML" in inv["error"]


@pytest.mark.parametrize("raw,line,column", [
    (b'[report]\nform = "\xff"\n', 2, 9),
    (b'[report]\nagency = "\xe7\x81\xb5\xe6\xad\xa6\xff"\n', 2, 13),   # columns count characters, not bytes
    (b"\xef\xbb\xbf\xc0\n", 1, 1),
    (b"x = 1\r\ny = 2\r\nz = '\xe9'", 3, 6),
])
def test_json_invalid_non_utf8_has_line_and_column(tmp_path, raw, line, column):
    f = tmp_path / "gbk.toml"
    f.write_bytes(raw)
    code, doc, _ = check_json(f)
    assert code == 2
    (inv,) = doc["invalid"]
    assert (inv["line"], inv["column"]) == (line, column)
    assert "UTF-8" in inv["error"] and str(f) in inv["error"]


def test_json_invalid_identity(tmp_path):
    (tmp_path / "noform.toml").write_text('[report]\nagency = "x"\nyear = 2020\n', encoding="utf-8")
    (tmp_path / "unknown.toml").write_text(
        '[report]\nagency = "x"\nyear = 2020\nform = "gov-info-disclosure/2030"\n', encoding="utf-8")
    (tmp_path / "noreport.toml").write_text('title = "x"\n', encoding="utf-8")
    code, doc, _ = check_json(tmp_path)
    assert code == 2 and doc["reports"] == []
    inv = {os.path.basename(i["file"]): i for i in doc["invalid"]}
    assert set(inv) == {"noform.toml", "unknown.toml", "noreport.toml"}
    assert inv["unknown.toml"]["line"] == 4  # the `form =` line
    assert "gov-info-disclosure/2030" in inv["unknown.toml"]["error"]


def test_bom_accepted(tmp_path):
    plain = tmp_path / "plain.toml"
    bom = tmp_path / "bom.toml"
    shutil.copy(LINGWU, plain)
    bom.write_bytes(b"\xef\xbb\xbf" + LINGWU.read_bytes())
    code, doc, _ = check_json(plain, bom)
    assert code == 0 and doc["invalid"] == []
    d = {os.path.basename(r["file"]): r for r in doc["reports"]}
    assert d["bom.toml"]["digest"] == d["plain.toml"]["digest"]
    # Two copies of one agency-year: the duplicate warning, proof both were read alike.
    assert [f["rule"] for f in d["bom.toml"]["findings"]] == ["report.duplicate"]
    code, doc, _ = check_json(bom)
    assert code == 0 and doc["reports"][0]["findings"] == []
    assert doc["reports"][0]["agency"] == "灵武市民政局"


# -- text output --------------------------------------------------------------

def test_text_output(reports_copy):
    proc = run_cli("check", reports_copy)
    out = proc.stdout
    assert proc.returncode == 1
    assert "✗" in out
    assert "appeals.reconsideration[4]" in out
    assert "四、政府信息公开行政复议、行政诉讼情况 › 行政复议 › 总计" in out  # printed label path
    assert "行政复议：总计 = 0" in out
    # The warning: hongze 2024's 受理…申请 17 件 against table 三 (text.claim, §2.1).
    assert re.search(r"共 4 份报告：1 份有错误；错误 2 条，警告 1 条，已接受 0 条；无法读取的文件 0 个。\n\Z", out), out
    assert "对照上年" in out  # hongze 2024 is paired with 2023
    assert not ANSI.search(out)


def test_text_output_invalid_and_warning(tmp_path):
    (tmp_path / "bad.toml").write_bytes(b'[report]\nform = "\xff"\n')
    text = LINGWU.read_text(encoding="utf-8").replace("published = 84, total = 84", "published = 85, total = 84")
    (tmp_path / "w.toml").write_text(text, encoding="utf-8")
    out = run_cli("check", tmp_path).stdout
    assert "! active.normative_documents.published" in out
    assert "无法读取的文件" in out and f"{tmp_path / 'bad.toml'}:2:9" in out
    assert "警告 1 条" in out and "无法读取的文件 1 个" in out


def _run_in_pty(args, env_extra=None):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(env_extra or {})
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "tui", *map(str, args)], cwd=REPO, env=env,
                                stdout=slave, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
    finally:
        os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_colour_only_on_a_terminal_and_never_with_no_color():
    code, out = _run_in_pty(["check", REPORTS / "hongze-2023.toml"])
    assert code == 1 and ANSI.search(out), out  # the control: a terminal gets colour
    code, out = _run_in_pty(["check", REPORTS / "hongze-2023.toml"], {"NO_COLOR": "1"})
    assert code == 1 and "✗" in out and not ANSI.search(out)
    proc = run_cli("check", REPORTS / "hongze-2023.toml", env={"NO_COLOR": "1"})
    assert "✗" in proc.stdout and not ANSI.search(proc.stdout)


# -- nianbao new ----------------------------------------------------------------

@pytest.mark.parametrize("edition,year", [("2019", 2020), ("2021", 2021)])
def test_new_loads_and_checks_clean(tmp_path, edition, year):
    out = tmp_path / "new.toml"
    # (某某 would be a template placeholder, FORMAT.md §2.1.)
    proc = run_cli("new", "--form", edition, "--agency", " 灵武市人民政府办公室 ", "--year", year, "-o", out)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["report"] == {"form": f"gov-info-disclosure/{edition}", "agency": "灵武市人民政府办公室", "year": year,
                              "title": f"灵武市人民政府办公室{year}年政府信息公开工作年度报告"}
    code, doc, _ = check_json(out)
    assert code == 0 and doc["invalid"] == []
    # The blank 2021 text does not state the 信息处理费 (a warning, §2.1).
    assert [f["rule"] for f in doc["reports"][0]["findings"]] == (["text.fee-statement"] if edition == "2021" else [])
    # Laid out like the printed form: every row and section carries its label as a comment.
    form = form_by_edition(edition)
    lines = text.splitlines()
    for row in form.application_rows:
        line = next(ln for ln in lines if ln.startswith(f"{row.key} = ["))
        assert line.endswith(f"# {row.label}"), line
        assert re.match(rf"{re.escape(row.key)} = \[0(, 0){{6}}\]", line)
    for row in form.appeal_rows:
        assert any(ln.startswith(f"{row.key} = [0, 0, 0, 0, 0]") and f"# {row.label}" in ln for ln in lines)
    for row in form.active_rows:
        line = next(ln for ln in lines if ln.startswith(f"{row.key} = {{"))
        assert f"# {row.label}：" in line
    for heading in ("# 一、总体情况", "# 二、主动公开政府信息情况", "# 三、收到和处理政府信息公开申请情况",
                    "# 四、政府信息公开行政复议、行政诉讼情况", "# 五、存在的主要问题及改进情况"):
        assert heading in lines
    assert ("outcome.other.overdue_fee = [" in text) == (edition == "2021")
    assert ("\noutcome.other = [" in text) == (edition == "2019")


def test_new_to_stdout_matches_file(tmp_path):
    out = tmp_path / "f.toml"
    a = run_cli("new", "--form", "2021", "--agency", "某局", "--year", "2022")
    b = run_cli("new", "--form", "2021", "--agency", "某局", "--year", "2022", "-o", out)
    assert a.returncode == b.returncode == 0
    assert a.stdout == out.read_text(encoding="utf-8")


def test_new_refuses_to_overwrite(tmp_path):
    out = tmp_path / "exists.toml"
    out.write_text("原有内容\n", encoding="utf-8")
    proc = run_cli("new", "--form", "2021", "--agency", "某局", "--year", "2021", "-o", out)
    assert proc.returncode == 2
    assert "已存在" in proc.stderr
    assert out.read_text(encoding="utf-8") == "原有内容\n"


@pytest.mark.parametrize("edition,year", [("2019", 2021), ("2021", 2020), ("2019", 2030), ("2021", 2019)])
def test_new_refuses_form_year_mismatch(tmp_path, edition, year):
    out = tmp_path / "x.toml"
    proc = run_cli("new", "--form", edition, "--agency", "某局", "--year", year, "-o", out)
    assert proc.returncode == 2
    assert not out.exists()
    assert "格式" in proc.stderr


@pytest.mark.parametrize("args", [
    ["new", "--form", "2020", "--agency", "某局", "--year", "2020"],
    ["new", "--form", "2021", "--agency", "某局"],
    ["new", "--form", "2021", "--agency", "某局", "--year", "二〇二一"],
    ["new", "--form", "2021", "--agency", "  ", "--year", "2021"],
])
def test_new_bad_arguments(args):
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""


# -- the check path stays light ---------------------------------------------------

IMPORT_GUARD = r"""
import importlib, json, pkgutil, sys
import tui.core
for m in pkgutil.iter_modules(tui.core.__path__):
    importlib.import_module("tui.core." + m.name)
import tui.core.checker, tui.cli, tui.commands.check, tui.commands.new
import tui.core.batch
from tui.core.checker import expand_paths
tui.core.batch.PARALLEL_FROM = 1
list(tui.core.batch.run(expand_paths(["reports"]), tui.commands.check._json_compact, jobs=2))  # the worker processes too
status = tui.cli.main(["check", "reports"])
heavy = sorted(m for m in sys.modules
               if m.split(".")[0] in ("textual", "tomlkit", "diff_match_patch", "rich",
                                      # the import path's readers (issue 11)
                                      "lxml", "docx", "pdfplumber", "pdfminer", "pypdfium2", "PIL"))
print(json.dumps({"status": status, "heavy": heavy, "core": sorted(m for m in sys.modules if m.startswith("tui.core"))}))
"""


def test_check_path_imports_no_heavy_modules():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", IMPORT_GUARD], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout.strip().splitlines()[-1])
    assert doc["status"] == 1  # hongze-2023 has errors: the check really ran
    assert doc["heavy"] == []
    for name in ("tui.core.checker", "tui.core.rules", "tui.core.yoy", "tui.core.digest", "tui.core.review",
                 "tui.core.similarity"):
        assert name in doc["core"]
