"""Issue 10.4 and 10.6: huge integers and inf/nan never crash anything.

An integer outside TOML 1.0's 64-bit range makes the file invalid TOML
(TOML 1.0: "If an integer cannot be represented losslessly, an error must be
thrown"), so it goes to `invalid` with the key's address, line and column —
also the only choice where the digest itself cannot be computed (a 5,000-digit
integer cannot be printed into the digest's JSON). `inf`/`nan` are valid TOML
floats: a finding (count cells, `amount`), and no difference is computed.
"""

import json
import shutil

import pytest

import tui.cli
from tests.conftest import REPORTS, run_cli
from tui.core.cells import AMOUNT, CHANGE, COUNT, parse_input
from tui.core.load import load_path
from tui.core.report import Invalid

LINGWU = REPORTS / "lingwu-minzheng-2020.toml"
HONGZE24 = REPORTS / "hongze-2024.toml"

HUGE = {
    "hex5000": "0x" + "f" * 5000,
    "bin20000": "0b" + "1" * 20000,
    "dec5000": "9" * 5000,
    "dec20": "99999999999999999999",
    "neg": "-9223372036854775809",
    "oct": "0o" + "7" * 30,
}
# (where, old text, new text with {v}) in the 2019 sample
PLACES = {
    "report.year": ("year = 2020", "year = {v}"),
    "active.licensing.previous": ("licensing = { previous = 2,", "licensing = { previous = {v},"),
    "applications.new_received[0]": ("new_received = [0,", "new_received = [{v},"),
}


def hostile(tmp_path, base, old, new, name="bad.toml"):
    text = base.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def cli(capsys, *argv):
    code = tui.cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def strict_json(text):
    def refuse(name):
        raise AssertionError(f"not JSON: {name}")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("kind", sorted(HUGE))
@pytest.mark.parametrize("place", sorted(PLACES))
def test_huge_integer_is_invalid_with_address_and_line(tmp_path, kind, place):
    old, new = PLACES[place]
    path = hostile(tmp_path, LINGWU, old, new.replace("{v}", HUGE[kind]))
    loaded = load_path(path, "bad.toml")
    assert isinstance(loaded, Invalid)
    assert "64 位整数范围" in loaded.error
    assert loaded.line is not None and loaded.column is not None
    assert path.read_text(encoding="utf-8").split("\n")[loaded.line - 1][loaded.column - 1:].lstrip("-+")[:1] in "0123456789"
    if kind != "dec5000":  # tomllib itself cannot convert that one: no address
        assert place in loaded.error


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "shared"
    d.mkdir()
    shutil.copy(LINGWU, d / "good.toml")
    hostile(d, LINGWU, "licensing = { previous = 2,", "licensing = { previous = " + HUGE["hex5000"] + ",", "hex.toml")
    hostile(d, LINGWU, "year = 2020", "year = " + HUGE["bin20000"], "bin.toml")
    return d


def test_check_folder_beside_good_file(folder, capsys):
    code, out, _ = cli(capsys, "check", folder)
    assert code == 2
    assert "灵武市民政局" in out and "hex.toml" in out and "bin.toml" in out
    code, out, _ = cli(capsys, "check", "--format", "json", folder)
    doc = strict_json(out)
    assert code == 2 and len(doc["reports"]) == 1 and len(doc["invalid"]) == 2


def test_every_command_beside_huge_files(folder, capsys):
    code, out, err = cli(capsys, "verify", folder / "good.toml")
    assert code == 1 and "未签核" in out
    code, out, err = cli(capsys, "verify", folder / "hex.toml", folder / "good.toml")
    assert code == 2 and "hex.toml" in err
    code, out, err = cli(capsys, "diff", folder / "good.toml", folder / "hex.toml")
    assert code == 2 and "64 位整数范围" in err
    code, out, err = cli(capsys, "signoff", folder / "bin.toml", "--decision", "rejected", "--reviewer", "甲")
    assert code == 2 and "bin.toml" in err
    code, out, err = cli(capsys, "signoff", folder / "good.toml", "--decision", "rejected", "--reviewer", "甲")
    assert code == 0, err


def test_subprocess_exit_status(folder):
    r = run_cli("check", "--format", "json", folder / "hex.toml")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert strict_json(r.stdout)["invalid"][0]["line"] == 38


async def test_report_list_beside_huge_files(folder):
    from tui.app.app import NianbaoApp

    app = NianbaoApp([str(folder)])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        head = str(app.screen.query_one("#list-title").render())
        assert "3 份" in head and "无法读取 2" in head


def test_edit_dialog_refuses_what_toml_cannot_hold():
    for kind, text in ((COUNT, "9" * 30), (COUNT, "9" * 5000), (CHANGE, "-9" * 1 + "9" * 19),
                       (AMOUNT, "1" * 400), (AMOUNT, "1" + "0" * 400 + ".5")):
        with pytest.raises(ValueError, match="数值过大"):
            parse_input(kind, text)
    assert parse_input(COUNT, "9223372036854775807") == 2 ** 63 - 1
    assert parse_input(CHANGE, "-9223372036854775808") == -(2 ** 63)
    assert parse_input(AMOUNT, "7545") == 7545 and parse_input(AMOUNT, "7545.5") == 7545.5


# -- inf and nan ------------------------------------------------------------------

@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "+inf", "1e400"])
def test_diff_with_non_finite_count(tmp_path, capsys, value):
    bad = hostile(tmp_path, LINGWU, "licensing = { previous = 2,", f"licensing = {{ previous = {value},")
    code, out, _ = cli(capsys, "diff", LINGWU, bad)
    assert code == 0 and "差 无法计算（非有限数）" in out
    code, out, _ = cli(capsys, "diff", bad, bad)  # inf against inf, nan against nan: the same
    assert code == 0 and "共 0 格不同" in out
    code, out, _ = cli(capsys, "check", "--format", "json", bad)
    found = [f for f in strict_json(out)["reports"][0]["findings"] if f["rule"] == "cell.value"]
    assert found and found[0]["cells"] == ["active.licensing.previous"] and found[0]["actual"] is None


@pytest.mark.parametrize("value", ["inf", "nan", "-inf"])
def test_amount_must_be_finite(tmp_path, capsys, value):
    bad = hostile(tmp_path, HONGZE24, "fees = { amount = 7545 }", f"fees = {{ amount = {value} }}")
    code, out, _ = cli(capsys, "check", "--format", "json", bad)
    found = [f for f in strict_json(out)["reports"][0]["findings"] if f["rule"] == "cell.value"]
    assert code == 1 and [f["cells"] for f in found] == [["active.fees.amount"]]
    assert "有限数" in found[0]["message"]
    bad19 = hostile(tmp_path, LINGWU, "amount = 0 }", f"amount = {value} }}", "p.toml")
    code, out, _ = cli(capsys, "check", bad19)
    assert code == 1 and "active.procurement.amount" in out
    code, out, _ = cli(capsys, "diff", HONGZE24, bad)
    assert code == 0 and "active.fees.amount" in out


async def test_compare_screen_with_inf(tmp_path):
    from tui.app.app import NianbaoApp
    from tui.app.screens.compare import CompareScreen

    shutil.copy(REPORTS / "hongze-2023.toml", tmp_path / "hongze-2023.toml")
    new = hostile(tmp_path, HONGZE24, "fees = { amount = 7545 }", "fees = { amount = inf }", "hongze-2024.toml")
    text = new.read_text(encoding="utf-8")
    new.write_text(text.replace("new_received = [95,", "new_received = [-inf,", 1), encoding="utf-8")
    old = tmp_path / "hongze-2023.toml"
    old.write_text(old.read_text(encoding="utf-8").replace("carried_over = [0,", "carried_over = [nan,", 1),
                   encoding="utf-8")
    app = NianbaoApp([str(old), str(new)])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        from tui.app.widgets.compare_table import CompareTable
        from tui.core.compare import NEW

        table = app.screen.query_one("#table-active", CompareTable)
        from textual.coordinate import Coordinate

        row, col = table.where[NEW]["active.fees.amount"]
        assert "inf" in str(table.get_cell_at(Coordinate(row, col)))
        await pilot.press("q")


# The loader skips looking for integers outside 64 bits when the text has no
# run of 16 hexadecimal digits or underscores (tui.core.load._may_hold_huge):
# every literal TOML reads as such an integer has one, whatever its base.
def _literals(value):
    from hypothesis import strategies as st

    sign = "-" if value < 0 else st.sampled_from(["", "+"])
    magnitude = abs(value)
    groups = st.integers(1, 5)
    return st.tuples(st.just(sign) if isinstance(sign, str) else sign, groups,
                     st.sampled_from(["dec"] + (["hex", "oct", "bin"] if value > 0 else [])),
                     st.integers(0, 3)).map(lambda t: _write(magnitude, *t))


def _write(magnitude, sign, group, base, zeros):
    if base == "dec":
        digits, prefix, zeros = str(magnitude), "", 0
    else:
        letter = {"hex": "x", "oct": "o", "bin": "b"}[base]
        digits = format(magnitude, letter)
        prefix, sign = "0" + letter, ""
    digits = "0" * zeros + digits
    if group > 1:  # underscores between digits, TOML's way
        digits = "_".join(digits[i:i + group] for i in range(0, len(digits), group))
    return sign + prefix + digits


def test_no_integer_outside_64_bits_escapes_the_quick_test():
    import tomllib

    from hypothesis import given, settings, strategies as st

    from tui.core.load import INT_MAX, INT_MIN, _may_hold_huge

    values = st.integers(INT_MAX + 1, 2**200) | st.integers(-(2**200), INT_MIN - 1)

    @settings(max_examples=300, deadline=None)
    @given(values.flatmap(lambda v: st.tuples(st.just(v), _literals(v))))
    def check(pair):
        value, literal = pair
        text = f"a = {literal}\n"
        assert tomllib.loads(text)["a"] == value
        assert _may_hold_huge(text.encode())

    check()
    assert not _may_hold_huge("x = 123456789012345\ny = \"电话 0571-88888888\"\n".encode())  # 15 in a row: none
