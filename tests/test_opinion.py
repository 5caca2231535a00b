"""`nianbao opinion`: golden Markdown, HTML5 validity and printing, DOCX tables,
the summary against `check`, grouping, escaping of untrusted strings, and the
exit statuses of FORMAT.md §4.

The golden files under tests/golden/ were written by hand from FORMAT.md and
the report files (the findings worked out by reading the tables), not
captured from the program.
"""

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO, REPORTS, break_carry_over
from tui.core import checker
from tests.reference import check_paths, opinions
from tui.core.forms import Form
from tui.core.load import load_path
from tui.core.report import Report
from tui.core.grouping import group_findings
from tui.render import render_opinions, render_summary
from tui.core.opinion.model import Opinion, Summary

GOLDEN = REPO / "tests" / "golden"

# Added by the test to a copy of hongze-2023.toml: one accepted finding (with
# the expected/actual it accepted, as writers record them) and one comment.
HONGZE_REVIEW = """
[[review.accepted]]
rule = "appeals.row-total"
cells = ["appeals.reconsideration[4]", "appeals.reconsideration[0]", "appeals.reconsideration[1]", "appeals.reconsideration[2]", "appeals.reconsideration[3]"]
expected = 11
actual = 0
reason = "原件如此，已向报送单位核实"
user = "reviewer1"
at = 2024-02-01T10:00:00+08:00

[[review.comment]]
cell = "applications.new_received[0]"
text = "请报送单位确认自然人申请数"
user = "reviewer1"
at = 2024-02-01T09:30:00+08:00
"""


def nianbao(*args, cwd=None, check=False):
    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=cwd, capture_output=True, check=check,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def spec_digest(path):
    """FORMAT.md §3, written out here independently of tui.core.digest."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    data.pop("review", None)
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


@pytest.fixture
def hongze(tmp_path):
    path = tmp_path / "hongze-2023.toml"
    path.write_text((REPORTS / "hongze-2023.toml").read_text(encoding="utf-8") + HONGZE_REVIEW, encoding="utf-8")
    return path


# -- golden files -----------------------------------------------------------

def test_golden_markdown_of_hongze_2023_with_acceptance_and_comment(hongze):
    golden = (GOLDEN / "hongze-2023.opinion.md").read_text(encoding="utf-8")
    assert spec_digest(hongze) in golden  # the digest in the golden file is FORMAT.md §3's
    out = nianbao("opinion", "hongze-2023.toml", cwd=hongze.parent)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.decode("utf-8") == golden


def test_golden_markdown_of_a_clean_report(tmp_path):
    shutil.copy(REPORTS / "lingwu-minzheng-2020.toml", tmp_path)
    golden = (GOLDEN / "lingwu-minzheng-2020.opinion.md").read_text(encoding="utf-8")
    assert spec_digest(tmp_path / "lingwu-minzheng-2020.toml") in golden
    out = nianbao("opinion", "lingwu-minzheng-2020.toml", "-o", "op.md", cwd=tmp_path)
    assert out.returncode == 0, out.stderr.decode()
    assert (tmp_path / "op.md").read_text(encoding="utf-8") == golden


def test_opinion_agrees_with_check(hongze):
    """Every unaccepted finding of `check --format json` is in the opinion, by cell and figures."""
    result = check_paths([str(hongze)])
    op = Opinion(result.checked[0])
    listed = {(p.address, p.published, p.expected) for t in op.tables for p in t.problems}
    from tui.core.opinion.model import show_value

    for f in result.checked[0].findings:
        if not f.accepted:
            assert (f.first, show_value(f.actual), show_value(f.expected)) in listed
    assert [a.address for a in op.accepted] == ["appeals.reconsideration[4]"]


def test_year_over_year_notes_name_last_years_file(tmp_path):
    for name in ("hongze-2023.toml", "hongze-2024.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)
    data = (tmp_path / "hongze-2024.toml").read_text(encoding="utf-8")
    data = re.sub(r"carried_over = \[0, 0, 0, 0, 0, 0, 0\]", "carried_over = [3, 0, 0, 0, 0, 0, 3]", data)
    (tmp_path / "hongze-2024.toml").write_text(data, encoding="utf-8")
    out = nianbao("opinion", "hongze-2024.toml", cwd=tmp_path)  # last year's is found beside it
    text = out.stdout.decode()
    assert "对照上年报告：hongze-2023.toml（2023 年度）。" in text
    yoy = text.split("## 跨年对照")[1]
    assert "`applications.carried_over[0]`" in yoy and "`applications.carried_forward[0]`" in yoy


# -- HTML -------------------------------------------------------------------

HOSTILE_COMMENT = 'a|b\n<script>alert(1)</script></td><img src="http://x/y.png"> [x](javascript:alert(1)) \x1b[31m'


@pytest.fixture
def hostile(tmp_path):
    text = (REPORTS / "hongze-2023.toml").read_text(encoding="utf-8")
    text = text.replace('agency = "淮安市洪泽区人民政府"', 'agency = "洪泽<b>区</b>&amp;|`x`"')
    text += ("\n[[review.comment]]\ncell = 'applications.new_received[0]'\ntext = "
             + json.dumps(HOSTILE_COMMENT) + "\nuser = \"<i>u</i>\"\nat = 2024-02-01T09:30:00+08:00\n")
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _html(paths):
    result = check_paths([str(p) for p in paths])
    return render_opinions(opinions(result), "html").decode("utf-8")


def _no_external(html):
    """No element that loads anything, no attribute naming a resource, no url()/@import in styles."""
    import html5lib

    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    tags = set()
    for el in tree.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        tags.add(tag)
        assert tag not in ("script", "link", "img", "iframe", "object", "embed", "video", "audio", "source",
                           "base", "a", "form", "svg", "picture"), tag
        for name in el.attrib:
            assert name.lower() in ("class", "lang", "charset"), (tag, name)
        if tag == "style":
            assert "url(" not in el.text and "@import" not in el.text and "@font-face" not in el.text
    assert {"table", "section", "style"} <= tags


def test_html_is_valid_html5_with_no_external_references(hostile):
    html5lib = pytest.importorskip("html5lib")
    html = _html([REPORTS / "hongze-2023.toml", REPORTS / "lingwu-minzheng-2020.toml", hostile])
    html5lib.HTMLParser(strict=True).parse(html)  # raises on any parse error
    _no_external(html)
    assert html.count('<section class="report">') == 3
    assert "page-break-after: always" in html and "size: A4" in html
    assert "&lt;script&gt;" in html and "\x1b" not in html and "␛" in html


def test_markdown_escapes_untrusted_strings(hostile):
    result = check_paths([str(hostile)])
    md = render_opinions(opinions(result), "md").decode("utf-8")
    comments = md.split("## 批注")[1].split("## 跨年对照")[0]
    row = [line for line in comments.splitlines() if "new\\_received" in line or "new_received" in line][0]
    assert row.count(" | ") == 4  # five cells: the comment's | did not add one
    assert "a\\|b<br>\\<script\\>" in row and "\\[x\\](javascript:alert(1))" in row
    assert "\x1b" not in md
    assert "# 审查意见：洪泽\\<b\\>区\\</b\\>\\&amp;\\|\\`x\\`" in md


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.slow
def test_html_prints_to_pdf_with_headless_chromium(tmp_path):
    chromium = _chromium()
    if chromium is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium); HTML printing not tried")
    html = tmp_path / "op.html"
    html.write_text(_html([REPORTS / "hongze-2023.toml", REPORTS / "lingwu-minzheng-2020.toml"]), encoding="utf-8")
    pdf = tmp_path / "op.pdf"
    run = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                          f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", html.as_uri()],
                         capture_output=True, timeout=180)
    assert pdf.exists(), run.stderr.decode(errors="replace")[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 2  # one report per page run
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert re.search(r"Page size:.*\(A4\)", info), info


# -- DOCX -------------------------------------------------------------------

def _md_tables(md):
    """Rows (lists of cells) of every Markdown table whose head starts with 问题, code spans unwrapped."""
    rows = []
    for line in md.splitlines():
        if line.startswith("| ✗") or line.startswith("| !") or line.startswith("| i"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows.append([re.sub(r"\\(.)", r"\1", c.strip("`")) for c in cells[:6]])
    return rows


def test_docx_opens_and_its_tables_hold_the_markdown_findings(tmp_path):
    docx = pytest.importorskip("docx")
    # a report with many findings: hongze-2023 with a blank column and a placeholder
    text = (REPORTS / "hongze-2023.toml").read_text(encoding="utf-8") + HONGZE_REVIEW
    text = text.replace("new_received = [21, 0, 0, 0, 0, 0, 21]", 'new_received = [21, "", "/", 0, 0, 0, 20]')
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    result = check_paths([str(path)])
    ops = opinions(result)
    md = render_opinions(ops, "md").decode("utf-8")
    out = tmp_path / "op.docx"
    out.write_bytes(render_opinions(ops, "docx"))
    doc = docx.Document(str(out))
    rows = []
    for table in doc.tables:
        head = [c.text for c in table.rows[0].cells]
        if head[:6] == ["问题", "位置", "单元格", "发布值", "应为", "说明"]:
            rows.extend([c.text for c in r.cells][:6] for r in table.rows[1:])
    expected = _md_tables(md)
    assert len(expected) >= 4
    assert rows == expected
    accepted = [[c.text for c in r.cells] for t in doc.tables if [c.text for c in t.rows[0].cells][3:4] == ["理由"]
                for r in t.rows[1:]]
    assert [(a[1], a[3], a[4]) for a in accepted] == [("appeals.reconsideration[4]", "原件如此，已向报送单位核实",
                                                       "reviewer1")]
    assert doc.paragraphs[0].text.startswith("审查意见：")


# -- the summary --------------------------------------------------------------

def _generate(folder, count):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from bench_check import generate
    finally:
        sys.path.pop(0)
    generate(str(folder), count)


def test_summary_counts_equal_check_json(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    _generate(folder, 60)
    # one report signed and one rejected, so the states vary
    files = sorted(folder.rglob("*.toml"))
    out = nianbao("check", "--format", "json", str(folder))
    checked = json.loads(out.stdout)
    csv_out = nianbao("opinion", "--summary", "--format", "csv", str(folder))
    assert csv_out.returncode == 0, csv_out.stderr.decode()
    rows = list(csv.reader(io.StringIO(csv_out.stdout.decode("utf-8"))))
    head, body, total = rows[0], rows[1:-1], rows[-1]
    assert head[:6] == ["发布机关", "年度", "格式", "错误", "警告", "已接受"]
    by_file = {r[9]: r for r in body}
    assert len(by_file) == len(files) == len(checked["reports"])
    for rep in checked["reports"]:
        row = by_file[rep["file"]]
        f = rep["findings"]
        assert int(row[3]) == sum(1 for x in f if x["severity"] == "error" and not x["accepted"])
        assert int(row[4]) == sum(1 for x in f if x["severity"] == "warning" and not x["accepted"])
        assert int(row[5]) == sum(1 for x in f if x["accepted"])
        assert row[0] == rep["agency"] and int(row[1]) == rep["year"]
    assert int(total[3]) == sum(int(r[3]) for r in body)
    assert total[0] == "合计"


def test_opinions_of_many_files_list_their_folder_once(tmp_path, monkeypatch):
    """Each FILE is checked with the reports beside it: a folder is listed
    once, not once per file (1,180 files of one folder took 35 s, resolving
    1.4 million paths; now 3.8 s)."""
    from tui.commands import opinion
    from tui.cli import main

    names = ("hongze-2023.toml", "hongze-2024.toml", "huaian-2024.toml")
    for name in names:
        shutil.copy(REPORTS / name, tmp_path / name)
    listed = []
    real = opinion.report_files_in

    def counted(folder):
        listed.append(folder)
        return real(folder)

    monkeypatch.setattr(opinion, "report_files_in", counted)
    out = tmp_path / "out"
    out.mkdir()
    assert main(["opinion", *(str(tmp_path / n) for n in names), "--out-dir", str(out)]) == 0
    assert listed == [str(tmp_path)]
    assert sorted(p.name for p in out.iterdir()) == [n.replace(".toml", ".opinion.md") for n in names]


def test_summary_holds_rows_not_reports(tmp_path, monkeypatch, capsys):
    """A national batch's summary: the parent keeps one small row per report
    (made where the report is checked), never the reports (check_paths holds
    them all: 437 MB at 20,000)."""
    from tui.cli import main

    for name in ("hongze-2023.toml", "hongze-2024.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)

    def holds_everything(*args, **kwargs):
        raise AssertionError("the summary loaded every report in this process")

    monkeypatch.setattr(checker, "check_loaded", holds_everything)
    assert main(["opinion", "--summary", "--format", "csv", str(tmp_path)]) == 0
    assert "淮安市洪泽区人民政府" in capsys.readouterr().out


def test_opinions_hold_opinions_not_reports(tmp_path, monkeypatch, capsys):
    """`opinion FILE...` checks as `check` does: the workers send back each
    report's Opinion (no report data), and with --out-dir each is written as
    it comes; neither way loads every report into this process, and the
    documents are those of the reports checked together in one process."""
    from tui.cli import main

    names = ("hongze-2023.toml", "hongze-2024.toml", "huaian-2024.toml")
    for name in names:
        shutil.copy(REPORTS / name, tmp_path / name)
    break_carry_over(tmp_path / "hongze-2023.toml")
    together = {os.path.basename(c.report.file): render_opinions([Opinion(c)], "md")
                for c in check_paths([str(tmp_path / n) for n in names]).checked}
    assert any(Opinion(c).yoy for c in check_paths([str(tmp_path)]).checked)  # a pair: last year counts

    def holds_everything(*args, **kwargs):
        raise AssertionError("the opinions loaded every report in this process")

    monkeypatch.setattr(checker, "check_loaded", holds_everything)
    op = Opinion(checker.Checked(load_path(tmp_path / names[1]), [], "none"))
    assert not any(isinstance(v, (Report, Form)) for v in vars(op).values())
    out = tmp_path / "out"
    out.mkdir()
    assert main(["opinion", *(str(tmp_path / n) for n in names), "--out-dir", str(out), "--jobs", "2"]) == 0
    for name in names:
        assert (out / name.replace(".toml", ".opinion.md")).read_bytes() == together[name]
    capsys.readouterr()
    assert main(["opinion", str(tmp_path / names[1]), str(tmp_path / names[0])]) == 0
    text = capsys.readouterr().out
    assert text.index("2024 年度") < text.index("2023 年度")  # the FILEs' order


def test_summary_sorted_by_state_then_agency_with_signoffs(tmp_path):
    for name in ("hongze-2023.toml", "hongze-2024.toml", "huaian-2024.toml", "lingwu-minzheng-2020.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)
    digest = spec_digest(tmp_path / "huaian-2024.toml")
    with open(tmp_path / "huaian-2024.toml", "a", encoding="utf-8") as fh:
        fh.write(f'\n[[review.signoff]]\nreviewer = "审核人甲"\nuser = "r1"\ndecision = "approved"\n'
                 f'at = 2025-02-03T10:00:00+08:00\ndigest = "{digest}"\n')
    with open(tmp_path / "lingwu-minzheng-2020.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[[review.signoff]]\nreviewer = "审核人乙"\nuser = "r2"\ndecision = "approved"\n'
                 'at = 2021-01-25T16:40:00+08:00\ndigest = "sha256:0000"\n')
    result = check_paths([str(tmp_path)])
    s = Summary(result.checked, result.invalid)
    assert [(r.agency, r.state) for r in s.rows] == [
        ("灵武市民政局", "stale"), ("淮安市洪泽区人民政府", "none"), ("淮安市洪泽区人民政府", "none"),
        ("淮安市人民政府", "approved")]
    approved = s.rows[-1]
    assert (approved.reviewer, approved.date) == ("审核人甲", "2025-02-03")
    md = render_summary(s, "md").decode("utf-8")
    assert "已过期 1 份" in md and "已通过 1 份" in md and "| 已过期 | 审核人乙 | 2021-01-25 |" in md


def test_summary_csv_guards_against_formulas(tmp_path):
    text = (REPORTS / "huaian-2024.toml").read_text(encoding="utf-8")
    text = text.replace('agency = "淮安市人民政府"', 'agency = "=HYPERLINK(\\"http://x\\")"')
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    out = nianbao("opinion", "--summary", "--format", "csv", "-o", "s.csv", ".", cwd=tmp_path)
    assert out.returncode == 0, out.stderr.decode()
    data = (tmp_path / "s.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"


def test_summary_docx_and_html(tmp_path):
    docx = pytest.importorskip("docx")
    out = nianbao("opinion", "--summary", str(REPORTS), "-o", str(tmp_path / "s.docx"))
    assert out.returncode == 0, out.stderr.decode()
    doc = docx.Document(str(tmp_path / "s.docx"))
    assert len(doc.tables[0].rows) == 1 + 4 + 1  # head, four reports, totals
    html = nianbao("opinion", "--summary", "--format", "html", str(REPORTS)).stdout.decode()
    pytest.importorskip("html5lib").HTMLParser(strict=True).parse(html)
    _no_external(html)


# -- exit statuses and never overwriting ---------------------------------------

def test_existing_output_is_never_overwritten_without_force(tmp_path):
    shutil.copy(REPORTS / "huaian-2024.toml", tmp_path)
    (tmp_path / "op.md").write_text("keep", encoding="utf-8")
    out = nianbao("opinion", "huaian-2024.toml", "-o", "op.md", cwd=tmp_path)
    assert out.returncode == 2 and "已存在" in out.stderr.decode() and "--force" in out.stderr.decode()
    assert (tmp_path / "op.md").read_text(encoding="utf-8") == "keep"
    out = nianbao("opinion", "huaian-2024.toml", "-o", "op.md", "--force", cwd=tmp_path)
    assert out.returncode == 0
    assert (tmp_path / "op.md").read_text(encoding="utf-8").startswith("# 审查意见")


def test_out_dir_writes_one_file_per_report_and_refuses_all_if_one_exists(tmp_path):
    for name in ("hongze-2023.toml", "huaian-2024.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)
    (tmp_path / "out").mkdir()
    out = nianbao("opinion", "hongze-2023.toml", "huaian-2024.toml", "--out-dir", "out", "--format", "html",
                  cwd=tmp_path)
    assert out.returncode == 0, out.stderr.decode()
    assert sorted(os.listdir(tmp_path / "out")) == ["hongze-2023.opinion.html", "huaian-2024.opinion.html"]
    os.remove(tmp_path / "out" / "hongze-2023.opinion.html")
    out = nianbao("opinion", "hongze-2023.toml", "huaian-2024.toml", "--out-dir", "out", "--format", "html",
                  cwd=tmp_path)
    assert out.returncode == 2
    assert sorted(os.listdir(tmp_path / "out")) == ["huaian-2024.opinion.html"]  # nothing written


def test_unreadable_file_exits_2_but_the_others_are_written(tmp_path):
    shutil.copy(REPORTS / "huaian-2024.toml", tmp_path)
    (tmp_path / "bad.toml").write_text("[report\n", encoding="utf-8")
    out = nianbao("opinion", "bad.toml", "huaian-2024.toml", cwd=tmp_path)
    assert out.returncode == 2
    assert "bad.toml" in out.stderr.decode()
    assert "淮安市人民政府 2024 年度" in out.stdout.decode()
    assert "bad.toml" not in out.stdout.decode()
    assert nianbao("opinion", "--summary", "bad.toml", cwd=tmp_path).returncode == 2
    assert nianbao("opinion", "--summary", "bad.toml", "huaian-2024.toml", cwd=tmp_path).returncode == 0
    assert nianbao("opinion", "--summary", "--out-dir", ".", "huaian-2024.toml", cwd=tmp_path).returncode == 2
    assert nianbao("opinion", "huaian-2024.toml", "--format", "csv", cwd=tmp_path).returncode == 2


def test_opinion_never_imports_textual():
    code = ("import sys, tui.cli; tui.cli.main(['opinion', '--summary', %r]); "
            "assert 'textual' not in sys.modules and 'docx' not in sys.modules" % str(REPORTS))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr.decode()


# -- review records ---------------------------------------------------------

def test_withdrawn_acceptance_and_comment_are_void(hongze):
    with open(hongze, "a", encoding="utf-8") as fh:
        fh.write('\n[[review.withdrawn]]\nrecord = "accepted"\ncell = "appeals.reconsideration[4]"\n'
                 'made = 2024-02-01T10:00:00+08:00\nuser = "reviewer1"\nat = 2024-02-02T09:00:00+08:00\n'
                 '\n[[review.withdrawn]]\nrecord = "comment"\ncell = "applications.new_received[0]"\n'
                 'made = 2024-02-01T09:30:00+08:00\nuser = "reviewer1"\nat = 2024-02-02T09:00:00+08:00\n')
    op = Opinion(check_paths([str(hongze)]).checked[0])
    assert op.accepted == [] and op.comments == [] and op.errors == 2


# -- grouping ---------------------------------------------------------------

def test_a_blank_column_block_is_one_group(tmp_path):
    text = (REPORTS / "hongze-2023.toml").read_text(encoding="utf-8")
    # 法人或其他组织 (columns 1-5) left blank on every row of table 三
    text = re.sub(r"= \[(\d+), 0, 0, 0, 0, 0, (\d+)\]", r'= [\1, "", "", "", "", "", \2]', text)
    path = tmp_path / "blank.toml"
    path.write_text(text, encoding="utf-8")
    checked = check_paths([str(path)]).checked[0]
    blanks = [f for f in checked.findings if f.rule == "cell.value"]
    assert len(blanks) == 125
    groups = group_findings(checked.findings, checked.report.form, checked.report.data)
    block = [g for g in groups if g.rule == "cell.value"]
    assert len(block) == 1 and block[0].size == 125
    assert block[0].label(checked.report.form) == "三、收到和处理政府信息公开申请情况 › 法人或其他组织 5 列 × 全部 25 行（125 格）"
    assert block[0].address_text() == "applications.new_received[1] … applications.carried_forward[5]（共 125 格）"
    op = Opinion(checked)
    rows = [p for t in op.tables for p in t.problems]
    assert [p.count for p in rows if p.rule == "cell.value"] == [125]
    assert rows[[p.rule for p in rows].index("cell.value")].published == "空白"


def test_grouping_keeps_different_figures_apart_and_small_sets_single():
    from tui.core.findings import Finding
    from tui.core.forms import get_form

    form = get_form("gov-info-disclosure/2021")
    fs = [Finding("applications.balance", "error", "m", [f"applications.new_received[{c}]"], c, 0) for c in range(7)]
    assert all(g.size == 1 for g in group_findings(fs, form))
    same = [Finding("cell.value", "error", "m", [f"appeals.litigation[{c}]"]) for c in range(2)]
    assert [g.size for g in group_findings(same, form)] == [1, 1]
    row = [Finding("cell.value", "error", "m", [f"appeals.litigation[{c}]"]) for c in range(4)]
    (g,) = group_findings(row, form)
    assert g.label(form) == "四、政府信息公开行政复议、行政诉讼情况 › 行政诉讼 › 未经复议直接起诉 › 结果维持、结果纠正、其他结果、尚未审结 4 列（4 格）"


def test_one_opinion_checks_one_report_of_a_big_folder(tmp_path, finished_reports, capsys):
    """`opinion FILE` in a folder of many reports: the others are identified
    for pairing, not checked; last year's report still counts."""
    from tui.cli import main

    for name in ("hongze-2023.toml", "hongze-2024.toml"):
        shutil.copy(REPORTS / name, tmp_path / name)
    break_carry_over(tmp_path / "hongze-2023.toml")
    text = (REPORTS / "huaian-2024.toml").read_text(encoding="utf-8")
    for i in range(60):
        (tmp_path / f"other-{i:02d}.toml").write_text(
            text.replace('agency = "淮安市人民政府"', f'agency = "其他机关{i:02d}"'), encoding="utf-8")
    assert main(["opinion", str(tmp_path / "hongze-2024.toml"), "--jobs", "1"]) == 0
    assert finished_reports == [str(tmp_path / "hongze-2024.toml")]
    out = capsys.readouterr().out
    assert "2023 年报告四、结转下年度继续办理 = 3" in out  # yoy.carried-over against the report beside it
