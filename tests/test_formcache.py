"""The shipped data files parsed ahead of time (tui/core/forms_parsed.py,
issue 15's cold start) stay exactly what tomllib makes of the TOML files,
which remain the source of truth."""

import os
import tomllib

import pytest

from tui.core import formcache

SHIPPED = sorted(n for n in os.listdir(formcache.FORMS_DIR) if n.endswith(".toml"))


def test_the_generated_module_is_up_to_date():
    with open(formcache.GENERATED, encoding="utf-8") as fh:
        on_disk = fh.read()
    assert on_disk == formcache.render(), (
        "tui/core/forms_parsed.py differs from tui/core/forms/*.toml: regenerate it with "
        "`python -m tui.core.formcache` and commit it")


@pytest.mark.parametrize("name", SHIPPED)
def test_recorded_data_is_tomllibs(name):
    path = os.path.join(formcache.FORMS_DIR, name)
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8")
    expected = tomllib.loads(text)
    got = formcache.recorded(text)
    # repr tells 1 from 1.0 and True, and shows key order
    assert got is not None and repr(got) == repr(expected)
    assert repr(formcache.load(path)) == repr(expected)


def test_an_edited_file_is_parsed(tmp_path):
    with open(os.path.join(formcache.FORMS_DIR, "claims.toml"), encoding="utf-8") as fh:
        text = fh.read()
    edited = 'added = "新增"\n' + text
    assert formcache.recorded(edited) is None
    path = tmp_path / "claims.toml"
    path.write_text(edited, encoding="utf-8")
    data = formcache.load(str(path))
    assert data["added"] == "新增" and repr(data) == repr(tomllib.loads(edited))


def test_values_without_a_python_literal_are_refused(tmp_path):
    (tmp_path / "dated.toml").write_text("day = 2024-01-01\n", encoding="utf-8")
    with pytest.raises(ValueError, match="dated.toml"):
        formcache.render(str(tmp_path))
    (tmp_path / "dated.toml").write_text("x = nan\n", encoding="utf-8")
    with pytest.raises(ValueError, match="dated.toml"):
        formcache.render(str(tmp_path))
