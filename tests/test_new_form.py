"""A new national format is one data file (issue 9.2).

gov2021.toml copied to a new form id in a temporary forms folder, pointed at
with $NIANBAO_FORMS, with one more appeals column and a renamed total: `new
--form`, `check` and the report screen work with no code change, and the
rules take widths, totals and printed names from the file.
"""

import json

import pytest

from tests.conftest import REPO, run_cli
from tui.core.forms import FORMS_PATH_ENV, all_forms, form_by_edition

GOV2021 = REPO / "tui" / "core" / "forms" / "gov2021.toml"


@pytest.fixture
def forms_dir(tmp_path, monkeypatch):
    folder = tmp_path / "forms"
    folder.mkdir()
    text = GOV2021.read_text(encoding="utf-8")
    for old, new in (('id = "gov-info-disclosure/2021"', 'id = "gov-info-disclosure/2030"'),
                     ('name = "2021年版"', 'name = "2030年版"'),
                     ("格式（2021年版）", "格式（2030年版）"),
                     ("first_year = 2021", "first_year = 2030"),
                     ('  { label = "尚未审结", short = "未结", aliases = ["审结", "尚未"] },\n'
                      '  { label = "总计", short = "总计", total = true, aliases = ["合计"] },\n]\n\n[[appeals.rows]]',
                      '  { label = "尚未审结", short = "未结", aliases = ["审结", "尚未"] },\n  { label = "移送", short = "移送" },\n'
                      '  { label = "合计", short = "合计", total = true },\n]\n\n[[appeals.rows]]')):
        assert old in text, old
        text = text.replace(old, new)
    (folder / "gov2030.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(FORMS_PATH_ENV, str(folder))
    return folder


def test_new_check_and_cli_choices_from_a_copied_form(forms_dir, tmp_path):
    assert [f.id for f in all_forms()][-1] == "gov-info-disclosure/2030"
    assert form_by_edition("2030").tables["appeals"].width == 6
    env = {FORMS_PATH_ENV: str(forms_dir)}
    report = tmp_path / "test-2030.toml"
    proc = run_cli("new", "--form", "2030", "--agency", "测试市人民政府", "--year", "2030", "-o", report, env=env)
    assert proc.returncode == 0, proc.stderr
    text = report.read_text(encoding="utf-8")
    assert 'form = "gov-info-disclosure/2030"' in text
    assert "reconsideration = [0, 0, 0, 0, 0, 0]" in text

    proc = run_cli("check", "--format", "json", report, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    blank = json.loads(proc.stdout)["reports"][0]["findings"]
    assert [f for f in blank if f["severity"] == "error"] == []  # only narrative reminders, if any

    # The rules read widths, totals and labels from the form: the sixth cell is the total.
    report.write_text(text.replace("\nreconsideration = [0, 0, 0, 0, 0, 0]", "\nreconsideration = [1, 0, 0, 0, 2, 0]"),
                      encoding="utf-8")
    proc = run_cli("check", "--format", "json", report, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (found,) = [f for f in json.loads(proc.stdout)["reports"][0]["findings"] if f not in blank]
    assert found["rule"] == "appeals.row-total"
    assert found["cells"] == [f"appeals.reconsideration[{i}]" for i in (5, 0, 1, 2, 3, 4)]
    assert "结果维持+结果纠正+其他结果+尚未审结+移送 = 3" in found["message"]
    assert (found["expected"], found["actual"]) == (3, 0)

    # `new --form` offers the new edition, and without the folder refuses it.
    help_text = run_cli("new", "--help", env=env).stdout
    assert "2030" in help_text
    refused = run_cli("new", "--form", "2030", "--agency", "x", "--year", "2030", env={FORMS_PATH_ENV: ""})
    assert refused.returncode == 2 and "2030" in refused.stderr


async def test_report_screen_on_a_copied_form(forms_dir, tmp_path):
    from tui.app.app import NianbaoApp
    from tui.app.screens.report import ReportScreen
    from tui.app.widgets.status import StatusLine
    from tui.store.build import blank_report

    report = tmp_path / "test-2030.toml"
    text = blank_report(form_by_edition("2030"), "测试市人民政府", 2030)
    report.write_text(text.replace("\nlitigation = [0, 0, 0, 0, 0, 0]", "\nlitigation = [0, 0, 0, 0, 4, 0]"),
                      encoding="utf-8")
    app = NianbaoApp([str(report)])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        assert screen.model.form.id == "gov-info-disclosure/2030"
        errors = [f for f in screen.model.findings if f.severity == "error"]
        assert [(f.rule, f.first) for f in errors] == [("appeals.row-total", "appeals.litigation[5]")]
        assert screen.address == "appeals.litigation[5]"  # starts on the error: the new total column
        screen.goto("appeals.litigation[4]")
        await pilot.pause()
        status = str(screen.query_one(StatusLine).render())
        assert "移送" in status and "值：4" in status


def test_broken_extra_form_is_a_clear_message(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "bad.toml").write_text('id = "x/1"\nname = "坏"\n', encoding="utf-8")
    proc = run_cli("check", REPO / "reports", env={FORMS_PATH_ENV: str(folder)})
    assert proc.returncode == 2
    assert "bad.toml" in proc.stderr and "Traceback" not in proc.stderr


def test_year_over_year_names_and_rows_come_from_the_form(tmp_path, monkeypatch):
    """yoy.carried-over finds 上年结转 and 结转下年度 by their role and names them
    as the form does (`brief`, else the label): rows renamed in the data file
    are followed with no code change (issue 9.2)."""
    import tomllib

    from tests.reference import check_paths
    from tui.store.build import blank_report

    folder = tmp_path / "forms"
    folder.mkdir()
    text = GOV2021.read_text(encoding="utf-8")
    for old, new in (('id = "gov-info-disclosure/2021"', 'id = "gov-info-disclosure/2030"'),
                     ('name = "2021年版"', 'name = "2030年版"'), ("first_year = 2021", "first_year = 2030"),
                     ('key = "carried_over"', 'key = "brought_in"'),
                     ('brief = "二、上年结转"', 'brief = "二、上年转入"'),
                     ('key = "carried_forward"\nlabel = "四、结转下年度继续办理"',
                      'key = "carried_on"\nlabel = "四、转入下年度"'),
                     ('label = "现行有效件数"', 'label = "有效件数"')):
        assert old in text, old
        text = text.replace(old, new)
    (folder / "gov2030.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(FORMS_PATH_ENV, str(folder))
    form = form_by_edition("2030")
    last = blank_report(form, "测试市人民政府", 2030).replace("carried_on = [0, 0", "carried_on = [5, 0").replace(
        "regulations = { issued = 0, repealed = 0, in_force = 0 }", "regulations = { issued = 0, repealed = 0, in_force = 3 }")
    this = blank_report(form, "测试市人民政府", 2031)
    assert "brought_in" in tomllib.loads(this)["applications"]
    (tmp_path / "a-2030.toml").write_text(last, encoding="utf-8")
    (tmp_path / "a-2031.toml").write_text(this, encoding="utf-8")
    result = check_paths([str(tmp_path / "a-2030.toml"), str(tmp_path / "a-2031.toml")])
    (found,) = [f for c in result.checked for f in c.findings if f.rule == "yoy.carried-over"]
    assert found.message == "二、上年转入（自然人）= 0，2030 年报告四、转入下年度 = 5"
    assert found.cells == ["applications.brought_in[0]"]
    assert found.previous["cells"] == ["applications.carried_on[0]"]
    (in_force,) = [f for c in result.checked for f in c.findings if f.rule == "yoy.in-force"]
    assert in_force.message.startswith("规章：有效件数 = 0，2030 年有效件数加本年制发件数减本年废止件数 = 3")


def test_a_fifo_among_the_forms_is_refused_not_waited_on(tmp_path):
    """$NIANBAO_FORMS is a shared folder too: a FIFO named like a form gets a
    clear message and exit status 2 instead of every command hanging on it."""
    import os

    folder = tmp_path / "forms"
    folder.mkdir()
    os.mkfifo(folder / "gov2030.toml")
    proc = run_cli("check", REPO / "reports", env={FORMS_PATH_ENV: str(folder)}, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "gov2030.toml" in proc.stderr and "Traceback" not in proc.stderr
