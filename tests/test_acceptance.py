"""Acceptances keyed to the figures they accepted (FORMAT.md §5).

A finding is accepted when a review.accepted record has its rule, its first
cell as cells[0] and, where the record has `expected` or `actual` (a missing
one counting as null), the same expected and actual. Writers record both,
omitted when null; a record without them matches on rule and cell.
"""

import json
import tomllib

import pytest

from conftest import run_cli
from tui.core import review as rv
from tests.reference import check_paths
from tui.core.findings import Finding
from tui.store import signoff as so


def load(path):
    return tomllib.loads(path.read_text(encoding="utf-8"))


def replace_once(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def findings(path, rule=None):
    (checked,) = check_paths([path]).checked
    return [f for f in checked.findings if rule is None or f.rule == rule]


def json_findings(path):
    proc = run_cli("check", "--format", "json", path)
    return proc.returncode, json.loads(proc.stdout)["reports"][0]["findings"]


# hongze-2023 as published: 行政复议 总计 left 0 where the row sums to 11.
RECON = "reconsideration = [10, 1, 0, 0, 0]"


@pytest.fixture
def hongze23(reports_copy):
    return reports_copy / "hongze-2023.toml"


def test_written_record_carries_expected_and_actual(hongze23):
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    so.append_accepted(hongze23, f, "原件如此")
    (rec,) = load(hongze23)["review"]["accepted"]
    assert list(rec) == ["rule", "cells", "expected", "actual", "reason", "user", "at"]
    assert (rec["rule"], rec["cells"][0], rec["expected"], rec["actual"]) == (
        "appeals.row-total", "appeals.reconsideration[4]", 11, 0)


def test_null_figures_are_omitted_and_strings_kept(hongze23):
    replace_once(hongze23, RECON, 'reconsideration = [10, 1, 0, 0, ""]')
    (f,) = [x for x in findings(hongze23, "cell.value")]
    assert (f.expected, f.actual) == (None, "")
    so.append_accepted(hongze23, f, "原件空白")
    (rec,) = load(hongze23)["review"]["accepted"]
    assert "expected" not in rec and rec["actual"] == ""
    (f,) = findings(hongze23, "cell.value")
    assert f.accepted and not f.lapsed
    # the blank becomes "/": another value, the acceptance lapses
    replace_once(hongze23, 'reconsideration = [10, 1, 0, 0, ""]', 'reconsideration = [10, 1, 0, 0, "/"]')
    (f,) = findings(hongze23, "cell.value")
    assert not f.accepted and f.lapsed


def test_null_both_written_without_figures(hongze23):
    f = Finding("report.schema", "error", "x", ["report.level"])
    so.append_accepted(hongze23, f, "x")
    (rec,) = load(hongze23)["review"]["accepted"]
    assert "expected" not in rec and "actual" not in rec


def test_float_figure_is_written_as_a_toml_float(hongze23):
    f = Finding("cell.value", "error", "x", ["appeals.reconsideration[4]"], None, 2.5)
    so.append_accepted(hongze23, f, "x")
    (rec,) = load(hongze23)["review"]["accepted"]
    assert rec["actual"] == 2.5 and isinstance(rec["actual"], float)


def test_acceptance_lapses_when_the_figures_change(hongze23):
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    so.append_accepted(hongze23, f, "原件如此")
    code, got = json_findings(hongze23)
    recon = next(x for x in got if x["cells"][0] == "appeals.reconsideration[4]")
    assert recon["accepted"] is True
    # 总计 corrected to a still wrong 10: expected 11, actual 10 — not what was accepted
    replace_once(hongze23, RECON, "reconsideration = [10, 1, 0, 0, 10]")
    code, got = json_findings(hongze23)
    recon = next(x for x in got if x["cells"][0] == "appeals.reconsideration[4]")
    assert (recon["expected"], recon["actual"], recon["accepted"]) == (11, 10, False)
    assert code == 1
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    assert f.lapsed and not f.accepted and f.blocking
    out = run_cli("check", hongze23).stdout
    assert "已接受的数字已变化" in out


def test_changed_other_cell_changes_expected_and_lapses(hongze23):
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    so.append_accepted(hongze23, f, "原件如此")
    replace_once(hongze23, RECON, "reconsideration = [11, 1, 0, 0, 0]")  # expected now 12
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    assert (f.expected, f.actual, f.accepted, f.lapsed) == (12, 0, False, True)


HAND_WRITTEN = """
[[review.accepted]]
rule = "appeals.row-total"
cells = ["appeals.reconsideration[4]"]
reason = "手写的接受记录"
user = "reviewer1"
at = 2024-01-25T16:38:00+08:00
"""


def test_hand_written_record_without_figures_matches_on_rule_and_cell(hongze23):
    with open(hongze23, "a", encoding="utf-8") as fh:
        fh.write(HAND_WRITTEN)
    replace_once(hongze23, RECON, "reconsideration = [10, 1, 0, 0, 10]")
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    assert f.accepted and not f.lapsed


@pytest.mark.parametrize("figures,accepted", [
    ("expected = 11\nactual = 0\n", True),
    ("expected = 11.0\nactual = 0.0\n", True),        # numbers by value
    ("actual = 0\n", False),                           # a missing expected counts as null, not 11
    ("expected = 11\n", False),                        # a missing actual counts as null, not 0
    ("expected = 11\nactual = false\n", False),        # false is not 0
    ('expected = 11\nactual = "0"\n', False),          # "0" is not 0
    ("expected = 12\nactual = 0\n", False),
])
def test_record_figures_must_be_the_same(hongze23, figures, accepted):
    record = HAND_WRITTEN.replace('reason = ', figures + 'reason = ')
    with open(hongze23, "a", encoding="utf-8") as fh:
        fh.write(record)
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    assert (f.accepted, f.lapsed) == (accepted, not accepted)


def test_any_matching_record_accepts(hongze23):
    with open(hongze23, "a", encoding="utf-8") as fh:
        fh.write(HAND_WRITTEN.replace("reason = ", "expected = 11\nactual = 7\nreason = "))
        fh.write(HAND_WRITTEN.replace("reason = ", "expected = 11\nactual = 0\nreason = "))
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    assert f.accepted and not f.lapsed


WITHDRAWN = """
[[review.withdrawn]]
record = "accepted"
cell = "appeals.reconsideration[4]"
made = 2024-01-25T16:38:00+08:00
user = "reviewer1"
at = 2024-01-26T09:00:00+08:00
"""


def test_withdrawn_acceptance_is_void(hongze23):
    with open(hongze23, "a", encoding="utf-8") as fh:
        fh.write(HAND_WRITTEN + WITHDRAWN)
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    assert not f.accepted and not f.lapsed
    assert ("appeals.row-total", "appeals.reconsideration[4]") not in rv.accepted_keys(load(hongze23))


def test_withdrawn_names_another_record(hongze23):
    with open(hongze23, "a", encoding="utf-8") as fh:
        fh.write(HAND_WRITTEN + WITHDRAWN.replace("made = 2024-01-25T16:38:00", "made = 2024-01-25T16:39:00"))
    (f,) = [x for x in findings(hongze23, "appeals.row-total") if x.first == "appeals.reconsideration[4]"]
    assert f.accepted


def test_signoff_accept_findings_then_lapse_blocks_verify(hongze23):
    r = run_cli("signoff", hongze23, "--decision", "approved", "--accept-findings", "原件如此")
    assert r.returncode == 0, r.stderr
    assert run_cli("verify", hongze23).returncode == 0
    replace_once(hongze23, RECON, "reconsideration = [10, 1, 0, 0, 10]")
    # the data changed: the sign-off is stale and the acceptance lapsed
    code, got = json_findings(hongze23)
    assert code == 1
    assert run_cli("verify", hongze23).returncode == 1


@pytest.mark.parametrize("a,b,same", [
    (1, 1, True), (1, 1.0, True), (True, 1, False), (False, 0, False), ("", 0, False), ("", "", True),
    (None, None, True), (None, 0, False), (True, True, True), ("/", "", False),
])
def test_same_figure(a, b, same):
    assert rv.same_figure(a, b) is same
    assert rv.same_figure(b, a) is same
