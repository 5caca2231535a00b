"""Issue 10.2: report text never reaches the terminal as live escape sequences.

A report whose agency, region, title, cells, narrative, comments and sign-off
records (reviewer, user, note) and whose file name carry ESC ] 0;… BEL,
ESC [2J, C1 controls, backspace, CR and U+202E: every command's text output
shows them visibly (␛, \\u202e) and a newline in a note does not fake a line.
JSON output stays exact, and inert: what json leaves raw is a JSON escape.
"""

import json
import re
import shutil
import tomllib

import pytest

from tests.conftest import REPORTS, run_cli, spec_digest

LIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
ESC = "\\u001b"
AGENCY = f"灵武{ESC}]0;PWNED\\u0007市民政局{ESC}[2J"
FAKE = "✓ other.toml：可以发布"


def live(text):
    return LIVE.findall(text.replace("\n", "").replace("\t", ""))


def make(tmp_path, name="bad\x1b[2J\u202ename.toml"):
    text = (REPORTS / "lingwu-minzheng-2020.toml").read_text(encoding="utf-8")
    for old, new in (
        ('agency = "灵武市民政局"', f'agency = "{AGENCY}"'),
        ('region = "宁夏回族自治区银川市灵武市"', 'region = "宁夏\\u202e回族\\u0085"'),
        ('title = "灵武市民政局2020年', 'title = "灵武\\b\\r市民政局2020年\\u009b31m'),
        ('other = "无。"', f'other = "无{ESC}[2J。\\u2066\\n{FAKE}"'),
        ("new_received = [0,", f'new_received = ["{ESC}[31m红\\u009b\\u202e",'),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    text += (f'\n[[review.comment]]\ncell = "applications.new_received[0]"\ntext = "批注{ESC}]0;t\\u0007"\n'
             'user = "u\\u001b[5m"\nat = 2021-01-25T16:30:00+08:00\n'
             f'\n[[review.signoff]]\nreviewer = "审核人{ESC}[1m甲"\nuser = "r\\u001b]0;x\\u0007"\n'
             'decision = "rejected"\nat = 2021-01-25T16:40:00+08:00\ndigest = "sha256:00"\n'
             f'note = "退回\\n{FAKE}\\r\\u202e"\n')
    digest = spec_digest(tomllib.loads(text))  # the sign-off is current: its note is shown
    path = tmp_path / name
    path.write_text(text.replace("sha256:00", digest), encoding="utf-8")
    return path


def shown(r):
    out = r.stdout + r.stderr
    assert "Traceback" not in out
    assert not live(out), live(out)
    return out


def test_check_text(tmp_path):
    bad = make(tmp_path)
    out = shown(run_cli("check", bad))
    assert "灵武␛]0;PWNED␇市民政局␛[2J" in out
    assert "bad␛[2J\\u202ename.toml" in out


def test_check_json_stays_exact(tmp_path):
    bad = make(tmp_path)
    r = run_cli("check", "--format", "json", bad)
    doc = json.loads(r.stdout)
    assert doc["reports"][0]["agency"] == "灵武\x1b]0;PWNED\x07市民政局\x1b[2J"
    assert doc["reports"][0]["file"] == str(bad)


def test_check_json_is_inert(tmp_path):
    """The file name's U+202E and a cell's C1 CSI (U+009B) and U+202E reach
    the JSON as escapes, which parse back to exactly those characters."""
    bad = make(tmp_path)
    r = run_cli("check", "--format", "json", bad)
    assert not live(r.stdout), live(r.stdout)
    assert "\\u202e" in r.stdout and "\\u009b" in r.stdout
    report = json.loads(r.stdout)["reports"][0]
    assert report["file"] == str(bad) and "\u202e" in report["file"]
    assert any(f["actual"] == "\x1b[31m红\x9b\u202e" for f in report["findings"]), report["findings"]


def test_verify_note_cannot_fake_a_line(tmp_path):
    bad = make(tmp_path)
    good = tmp_path / "other.toml"
    shutil.copy(REPORTS / "hongze-2024.toml", good)
    r = run_cli("verify", bad, good)
    out = shown(r)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 3  # one per file and the summary
    assert not any(line.startswith(FAKE) for line in lines)
    assert "␊" + FAKE in out or "␊✓ other.toml" in out


def test_signoff_output(tmp_path):
    bad = make(tmp_path)
    r = run_cli("signoff", bad, "--decision", "rejected", "--reviewer", "甲\x1b]0;x\x07", "--note", "a\nb")
    out = shown(r)
    assert r.returncode == 0, out
    assert "甲␛]0;x␇" in out and "bad␛[2J" in out


def test_signoff_refusal_names_findings_inertly(tmp_path):
    bad = make(tmp_path)
    r = run_cli("signoff", bad, "--decision", "approved", "--reviewer", "甲")
    shown(r)
    assert r.returncode == 1


def test_diff(tmp_path):
    bad = make(tmp_path)
    r = run_cli("diff", REPORTS / "lingwu-minzheng-2020.toml", bad)
    out = shown(r)
    assert r.returncode == 0
    assert "␛[31m红" in out and "\\u202e" in out
    assert not any(line.startswith(FAKE) for line in r.stdout.splitlines())  # one-line cell values


def test_diff_unreadable_name(tmp_path):
    r = run_cli("diff", tmp_path / "x\x1b]0;t\x07.toml", tmp_path / "y.toml")
    out = shown(r)
    assert r.returncode == 2 and "x␛]0;t␇.toml" in out


def test_new_messages(tmp_path):
    out_file = tmp_path / "n\x1b[2J.toml"
    r = run_cli("new", "--form", "2021", "--agency", "甲局", "--year", "2024", "-o", out_file)
    assert r.returncode == 0 and "n␛[2J.toml" in shown(r)
    r = run_cli("new", "--form", "2021", "--agency", "甲局", "--year", "2024", "-o", out_file)
    assert r.returncode == 2 and "n␛[2J.toml" in shown(r)


@pytest.mark.parametrize("name", ["bad\udcff.toml"])
def test_undecodable_file_name(tmp_path, name):
    import os

    raw = os.fsencode(str(tmp_path / name))
    with open(raw, "wb") as fh:
        fh.write((REPORTS / "lingwu-minzheng-2020.toml").read_bytes())
    r = run_cli("check", tmp_path)
    assert r.returncode == 0 and "\\udcff" in shown(r)


def test_opinion_messages(tmp_path):
    """opinion's messages name files from a shared folder (unreadable FILEs,
    existing outputs) and the paths given: all inert."""
    good = tmp_path / "good.toml"
    shutil.copy(REPORTS / "huaian-2024.toml", good)
    broken = tmp_path / "bad\x1b]0;t\x07.toml"
    broken.write_text("[report\n", encoding="utf-8")
    out_dir = tmp_path / "out\x1b[2J"
    out_dir.mkdir()
    r = run_cli("opinion", good, broken, "--out-dir", out_dir)
    assert r.returncode == 2 and "bad␛]0;t␇.toml" in shown(r) and "out␛[2J" in r.stderr
    r = run_cli("opinion", good, "--out-dir", out_dir)  # good.opinion.md exists now
    assert r.returncode == 2 and "out␛[2J" in shown(r)
    r = run_cli("opinion", good, "-o", tmp_path / "o\x1b[2J.md")
    assert r.returncode == 0 and "o␛[2J.md" in shown(r)
    r = run_cli("opinion", good, "--out-dir", tmp_path / "none\x1b[2J")
    assert r.returncode == 2 and "none␛[2J" in shown(r)


def test_workbench_missing_path(tmp_path):
    r = run_cli(tmp_path / "gone\x1b]0;t\x07")
    assert r.returncode == 2 and "gone␛]0;t␇" in shown(r)


def test_usage_error_quotes_arguments_inertly(tmp_path):
    """argparse names the arguments it refuses (here a glob's second file)."""
    r = run_cli("signoff", tmp_path / "a.toml", tmp_path / "b\x1b]0;t\x07.toml", "--decision", "approved")
    assert r.returncode == 2 and "b␛]0;t␇.toml" in shown(r)
