"""`signoff --accept RULE@CELL=REASON`: accept chosen findings, each with its own reason (issue 13.4)."""

import tomllib

from conftest import run_cli

ROW_TOTAL = "appeals.row-total"
RECON = "appeals.reconsideration[4]"
AFTER = "appeals.litigation_after_reconsideration[4]"


def accepted(path):
    return tomllib.loads(path.read_text("utf-8")).get("review", {}).get("accepted", [])


def test_one_chosen_is_not_enough_and_nothing_is_written(reports_copy):
    f = reports_copy / "hongze-2023.toml"
    before = f.read_bytes()
    out = run_cli("signoff", str(f), "--decision", "approved", "--reviewer", "甲",
                  "--accept", f"{ROW_TOTAL}@{RECON}=原件如此")
    assert out.returncode == 1
    assert AFTER in out.stderr and "1 条未接受的错误" in out.stderr
    assert f.read_bytes() == before


def test_each_chosen_finding_gets_its_own_reason(reports_copy):
    f = reports_copy / "hongze-2023.toml"
    out = run_cli("signoff", str(f), "--decision", "approved", "--reviewer", "甲",
                  "--accept", f"{ROW_TOTAL}@{RECON}=原件如此",
                  "--accept", f"{ROW_TOTAL}@{AFTER}=已电话核实")
    assert out.returncode == 0, out.stderr
    got = {(r["rule"], r["cells"][0]): r["reason"] for r in accepted(f)}
    assert got == {(ROW_TOTAL, RECON): "原件如此", (ROW_TOTAL, AFTER): "已电话核实"}
    assert run_cli("verify", str(f)).returncode == 0


def test_chosen_and_the_rest(reports_copy):
    f = reports_copy / "hongze-2023.toml"
    out = run_cli("signoff", str(f), "--decision", "approved", "--reviewer", "甲",
                  "--accept", f"{ROW_TOTAL}@{RECON}=原件如此", "--accept-findings", "其余一并接受")
    assert out.returncode == 0, out.stderr
    got = {r["cells"][0]: r["reason"] for r in accepted(f)}
    assert got == {RECON: "原件如此", AFTER: "其余一并接受"}


def test_naming_no_finding_is_refused(reports_copy):
    f = reports_copy / "hongze-2023.toml"
    before = f.read_bytes()
    out = run_cli("signoff", str(f), "--decision", "rejected", "--reviewer", "甲",
                  "--accept", f"{ROW_TOTAL}@appeals.litigation[4]=笔误")
    assert out.returncode == 1
    assert "报告中没有这条问题" in out.stderr and RECON in out.stderr
    assert f.read_bytes() == before


def test_malformed_accept_is_a_usage_error(reports_copy):
    out = run_cli("signoff", str(reports_copy / "hongze-2023.toml"), "--decision", "approved",
                  "--accept", "appeals.row-total=no cell")
    assert out.returncode == 2
    assert "规则@单元格=理由" in out.stderr


def test_quoted_cell_may_hold_equals():
    from tui.cli import accept_spec

    assert accept_spec('active.summary-total@active.summary.categories."a=b"=原件如此') == (
        "active.summary-total", 'active.summary.categories."a=b"', "原件如此")
