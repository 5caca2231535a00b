"""The rules' fast paths find exactly what their cell-by-cell paths find
(issue 15.3). A clean table (every row a list of `width` counts), a row of
table 二 holding only counts and a row with all its required fields are
passed with a few C-level tests (tui.core.ruleview); here they are switched
off and the findings of both ways are compared, on consistent reports with
count cells, rows and fields changed to any kind of value."""

import copy
import json
import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPORTS
from tui.core import ruleview, yoy
from tui.core.load import from_data
from tui.core.rules import check_report

NAMES = ["lingwu-minzheng-2020.toml", "huaian-2024.toml", "hongze-2023.toml", "hongze-2024.toml"]
SAMPLES = {n: tomllib.loads((REPORTS / n).read_text(encoding="utf-8")) for n in NAMES}
# None: the key is deleted.
VALUES = st.sampled_from([0, 1, 7, 10**6, -1, -3, 2.5, 3.0, float("nan"), True, False, "", "/", "万元", "元",
                          [], [0] * 8, {}, {"x": 1}, None])


def _places(node, path=()):
    """Paths of every table, row and cell of the counts: tables 三, 四 and 二."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield path + (k,)
            yield from _places(v, path + (k,))
    elif isinstance(node, list):
        for i in range(len(node)):
            yield path + (i,)


def _change(doc, path, value):
    node = doc
    for k in path[:-1]:
        node = node[k]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value


def _findings(found):
    return json.dumps([dict(f.to_json(), span=f.span) for f in found], ensure_ascii=False, sort_keys=True)


def _cell_by_cell(monkeypatch):
    """Switch every fast path off: no table is clean, no row of 二 is counts
    only or complete, no carried-over row equal at a glance."""
    monkeypatch.setattr(ruleview.TablePlan, "clean", lambda self, lists: False)
    active = ruleview.View.active
    monkeypatch.setattr(ruleview.View, "active", lambda self: (active(self)[0], [False] * len(active(self)[1])))
    plan = ruleview.form_plan

    def no_required(form):
        found = copy.copy(plan(form))
        found.active_required = (None,) * len(found.active_required)
        return found

    monkeypatch.setattr(ruleview, "form_plan", no_required)
    monkeypatch.setattr(yoy, "all_ints", lambda cells: False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.sampled_from(NAMES), st.sampled_from(NAMES), st.data())
def test_fast_paths_find_what_the_cell_by_cell_paths_find(monkeypatch, name, before, data):
    doc, prev_doc = copy.deepcopy(SAMPLES[name]), copy.deepcopy(SAMPLES[before])
    prev_doc["report"].update(agency=doc["report"]["agency"], year=doc["report"]["year"] - 1)
    for target in (doc, prev_doc):
        for sections in (("applications", "appeals"), ("active",)):  # both kinds, each drawn as often
            places = [p for s in sections for p in _places(target[s], (s,))]
            for _ in range(data.draw(st.integers(1, 3))):
                path = data.draw(st.sampled_from(places))
                try:
                    _change(target, path, data.draw(VALUES))
                except (KeyError, IndexError, TypeError):
                    pass  # an earlier change removed the way there
    report, prev = from_data(doc, "r.toml"), from_data(prev_doc, "p.toml")
    fast = _findings(check_report(report) + yoy.check_pair(report, prev))
    with monkeypatch.context() as m:
        _cell_by_cell(m)
        slow = _findings(check_report(report) + yoy.check_pair(report, prev))
    assert fast == slow


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(NAMES), st.integers(0, 2), st.booleans()), min_size=1, max_size=6),
       st.data())
def test_a_chunk_finished_a_stage_at_a_time_finds_what_each_report_alone_finds(chunk, data):
    """tui.core.batch.finish_all (rules.check_each: each rule over every
    report of a worker's chunk, then each pair) against the rules run on each
    report by itself: the same findings, in the same order, with the same
    acceptance, for reports of both forms with faults, paired or not."""
    from tui.core.batch import finish_all
    from tui.core.findings import sort_key
    from tui.core.review import mark_accepted

    def alone(report, previous, duplicates):
        found = check_report(report) + list(duplicates)
        if previous is not None:
            found += yoy.check_pair(report, previous)
        mark_accepted(found, report.data)
        return sorted(found, key=sort_key)

    jobs = []
    for i, (name, faults, paired) in enumerate(chunk):
        doc = copy.deepcopy(SAMPLES[name])
        doc["report"]["agency"] = f"机关{i}"
        places = [p for s in ("applications", "appeals", "active") for p in _places(doc[s], (s,))]
        for _ in range(faults):
            try:
                _change(doc, data.draw(st.sampled_from(places)), data.draw(VALUES))
            except (KeyError, IndexError, TypeError):
                pass
        previous = None
        if paired:
            prev_doc = copy.deepcopy(SAMPLES[data.draw(st.sampled_from(NAMES))])
            prev_doc["report"].update(agency=doc["report"]["agency"], year=doc["report"]["year"] - 1)
            previous = from_data(prev_doc, f"p{i}.toml")
        jobs.append((from_data(doc, f"r{i}.toml"), previous, ()))
    together = [_findings(c.findings) for c in finish_all(jobs)]
    assert together == [_findings(alone(*job)) for job in jobs]
