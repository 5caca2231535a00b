"""Round trips: a known report rendered into the official DOCX template (python-docx)
and into HTML pages imports back to exactly the same data (issue 11)."""

import datetime
import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.import_fill import DOCS, copy_report, fill_template, render_html
from tui.core.forms import form_by_edition
from tui.importer import import_bytes
from tui.store.build import imported_text

FORM = form_by_edition("2021")
AT = datetime.datetime.fromisoformat("2026-11-29T10:00:00+08:00")


def known():
    with open(DOCS / "huaian-2024.toml", "rb") as fh:
        return tomllib.load(fh)


def back(raw, name, **kw):
    result = import_bytes(raw, name, user="t", at=AT, **kw)
    return tomllib.loads(imported_text(result))


def flags_of(data):
    return [(f["cell"], f["reason"]) for f in data["review"]["import"][0].get("flags", [])]


def test_filled_official_template_imports_back_exactly_with_the_merged_cell_flagged():
    report = known()
    # 三（五）3.要求提供公开出版物: 科研机构 and 社会公益组织 are both 0; merge them into one cell.
    raw = fill_template(FORM, report, merge=("outcome.not_processed.publication", 2, 3))
    data = back(raw, "filled.docx")
    for key in ("form", "agency", "year", "title"):
        assert data["report"][key] == report["report"][key]
    for section in ("active", "applications", "appeals"):
        assert data[section] == report[section], section
    assert data["text"] == report["text"]
    assert flags_of(data) == [("applications.outcome.not_processed.publication[2]", "merged"),
                              ("applications.outcome.not_processed.publication[3]", "merged")]
    flag = data["review"]["import"][0]["flags"][0]
    assert flag["value"] == 0 and flag["raw"] == "0" and flag["locator"].startswith("table 2, row ")


def test_blank_official_template_imports_blanks_as_published():
    raw = (DOCS / "template-2021.docx").read_bytes()
    data = back(raw, "template-2021.docx", agency="某机关", year=2024)
    # The template's empty cells hold U+3000 or nothing: blanks, kept as "" and flagged.
    assert data["applications"]["new_received"] == [""] * 7
    assert data["active"]["regulations"] == {"issued": "", "repealed": "", "in_force": ""}
    reasons = {r for _, r in flags_of(data)}
    assert reasons == {"blank"}


counts = st.integers(min_value=0, max_value=999_999)


@st.composite
def reports(draw):
    report = known()
    active = {}
    for row in FORM.active_rows:
        vals = {}
        for f in row.fields:
            if f.kind == "amount":
                vals[f.key] = draw(st.one_of(counts, st.integers(0, 10**7).map(lambda n: n / 100)))
            else:
                vals[f.key] = draw(counts)
        active[row.key] = vals
    report["active"] = active
    apps = {}
    for row in FORM.application_rows:
        node = apps
        for k in row.keys[1:-1]:
            node = node.setdefault(k, {})
        node[row.keys[-1]] = draw(st.lists(counts, min_size=7, max_size=7))
    report["applications"] = apps
    report["appeals"] = {row.key: draw(st.lists(counts, min_size=5, max_size=5)) for row in FORM.appeal_rows}
    return report


def _expected(report):
    out = copy_report(report)
    for row in FORM.active_rows:
        for f in row.fields:
            v = out["active"][row.key][f.key]
            if isinstance(v, float) and v.is_integer() and "." not in str(v):
                out["active"][row.key][f.key] = int(v)
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.permutations(range(7)), st.permutations(range(3)), st.permutations(range(5)))
def test_random_reports_round_trip_through_html_in_any_column_order(report, order, gorder, lorder):
    data = back(render_html(FORM, report, app_order=list(order), appeal_order=list(gorder),
                            appeal_leaf_order=list(lorder)), "r.html")
    want = _expected(report)
    for section in ("active", "applications", "appeals"):
        assert data[section] == want[section], section
    assert flags_of(data) == []


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_random_reports_round_trip_through_the_docx_template(report):
    data = back(fill_template(FORM, report), "r.docx")
    want = _expected(report)
    for section in ("active", "applications", "appeals"):
        assert data[section] == want[section], section
    assert flags_of(data) == []
