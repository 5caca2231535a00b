"""tui.store.build: new report documents with label comments (tomlkit), and
the user's config written without losing its comments."""

import tomllib

import pytest

from conftest import REPORTS, run_cli
from tests.reference import check_paths
from tui.core.forms import form_by_edition
from tui.store.build import blank_data, blank_header, blank_report, build_report, set_config_value


@pytest.mark.parametrize("edition,year", [(2019, 2020), (2021, 2022)])
def test_blank_report_from_the_builder(edition, year):
    form = form_by_edition(edition)
    text = build_report(form, blank_data(form, "某局", year), blank_header(form, "某局", year))
    assert tomllib.loads(text) == blank_data(form, "某局", year)
    assert blank_report(form, "某局", year) == text  # what `nianbao new` writes
    lines = text.splitlines()
    assert lines[0] == f"# 某局 {year} 年政府信息公开工作年度报告"
    for row in form.application_rows:
        line = next(ln for ln in lines if ln.startswith(f"{row.key} = ["))
        assert line.endswith(f"# {row.label}")
        assert line.index("#") == 56 or line[line.index("#") - 2:line.index("#")] == "  "
    assert f"# {form.active_label}\n[active]\n" in text  # the printed heading right above its table
    assert "\n\n\n" not in text


def test_new_writes_the_builders_text_with_the_level(tmp_path):
    out = tmp_path / "n.toml"
    r = run_cli("new", "--form", "2021", "--agency", "某局", "--year", "2022", "--level", "department", "-o", out)
    assert r.returncode == 0, r.stderr
    form = form_by_edition(2021)
    assert out.read_text("utf-8") == blank_report(form, "某局", 2022, "department")
    assert 'level = "department"' in out.read_text("utf-8").splitlines()[8]
    assert tomllib.loads(out.read_text("utf-8"))["report"]["level"] == "department"


def test_builder_keeps_every_value_of_a_real_report(tmp_path):
    """What `import` will do: data read from elsewhere, written with labels."""
    for path in sorted(REPORTS.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        data.pop("review", None)
        form = form_by_edition(2021 if data["report"]["form"].endswith("2021") else 2019)
        text = build_report(form, data, ["由测试生成"])
        assert tomllib.loads(text) == data, path.name
        out = tmp_path / path.name
        out.write_text(text, encoding="utf-8")
    a = check_paths([str(p) for p in sorted(REPORTS.glob("*.toml"))])
    b = check_paths([str(p) for p in sorted(tmp_path.glob("*.toml"))])
    assert [[(f.rule, f.cells) for f in c.findings] for c in a.checked] == \
        [[(f.rule, f.cells) for f in c.findings] for c in b.checked]


def test_a_newline_in_the_agency_cannot_write_a_key(tmp_path):
    """`nianbao new` refuses such an agency outright (issue 10.7, tests/test_inert_output.py);
    the builder that import also uses must still keep it inside the string."""
    out = tmp_path / "n.toml"
    r = run_cli("new", "--form", "2021", "--agency", "某局\n[evil]\nx = 1", "--year", "2021", "-o", out)
    assert r.returncode == 2 and not out.exists()
    form = form_by_edition(2021)
    agency = "某局\n[evil]\nx = 1"
    data = tomllib.loads(build_report(form, blank_data(form, agency, 2021), blank_header(form, agency, 2021)))
    assert "evil" not in data and data["report"]["agency"] == agency


def test_config_value_written_keeping_comments(tmp_path):
    path = tmp_path / "config.toml"
    assert set_config_value("ui", "theme", "nianbao-dark", path).ok
    assert tomllib.loads(path.read_text("utf-8")) == {"ui": {"theme": "nianbao-dark"}}
    path.write_text("# my settings\n[ui]\ntheme = \"x\"  # the one I like\n\n[keys]\nnext_finding = \"n\"\n",
                    encoding="utf-8")
    outcome = set_config_value("ui", "theme", "nianbao-contrast", path)
    assert outcome.ok and "ui.theme" in outcome.message
    text = path.read_text("utf-8")
    assert text.startswith("# my settings\n[ui]\n") and 'next_finding = "n"' in text
    assert tomllib.loads(text)["ui"]["theme"] == "nianbao-contrast"
    path.write_text("[ui\n", encoding="utf-8")
    broken = set_config_value("ui", "theme", "x", path)
    assert not broken.ok and "有错误" in broken.message and path.read_text("utf-8") == "[ui\n"
