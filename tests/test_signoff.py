"""Sign-off, review records and the publication gate (FORMAT.md §3, §4, §5)."""

import datetime
import getpass
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tomllib
import types

import pytest

from conftest import run_cli, spec_digest
from tui.core import review as rv
from tui.store import signoff as so
from tui.store import sshsig

HAVE_SSH_KEYGEN = shutil.which("ssh-keygen") is not None
needs_ssh = pytest.mark.skipif(not HAVE_SSH_KEYGEN, reason="ssh-keygen not installed")
USER = getpass.getuser()


# -- helpers ----------------------------------------------------------------

def load(path):
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return tomllib.loads(raw.decode("utf-8"))


def edit_cell(path, old, new):
    raw = path.read_bytes()
    assert raw.count(old) == 1, old
    path.write_bytes(raw.replace(old, new))


# -- sign-off of a clean report ----------------------------------------------

def test_signoff_clean_report_then_verify(reports_copy):
    f = reports_copy / "huaian-2024.toml"
    before = f.read_bytes()
    r = run_cli("signoff", f, "--decision", "approved", "--reviewer", "审核人甲", "--note", "与上年报告核对无误")
    assert r.returncode == 0, r.stderr
    after = f.read_bytes()
    assert after.startswith(before)  # the original bytes, byte for byte
    tail = after[len(before):].decode("utf-8")
    assert tail.startswith("\n[[review.signoff]]\n")  # one blank line: `before` ends with a newline

    data = load(f)
    assert spec_digest(data) == spec_digest(tomllib.loads(before.decode("utf-8")))
    rec = data["review"]["signoff"][-1]
    assert rec["digest"] == spec_digest(data)
    assert rec["digest"] in r.stdout
    assert rec["reviewer"] == "审核人甲"
    assert rec["user"] == USER
    assert rec["decision"] == "approved"
    assert rec["note"] == "与上年报告核对无误"
    assert "signature" not in rec
    assert list(rec) == ["reviewer", "user", "decision", "at", "digest", "note"]
    at = rec["at"]
    assert isinstance(at, datetime.datetime) and at.utcoffset() is not None and at.microsecond == 0
    assert abs((datetime.datetime.now(datetime.timezone.utc) - at).total_seconds()) < 120

    v = run_cli("verify", f)
    assert v.returncode == 0, v.stdout + v.stderr
    assert "✓" in v.stdout and "审核人甲" in v.stdout

    c = run_cli("check", "--format", "json", f)
    assert json.loads(c.stdout)["reports"][0]["signoff"] == "approved"


def test_changed_cell_makes_signoff_stale_and_is_named(reports_copy):
    f = reports_copy / "huaian-2024.toml"
    assert run_cli("signoff", f, "--decision", "approved").returncode == 0
    edit_cell(f, b"new_received = [3001,", b"new_received = [3002,")
    v = run_cli("verify", f)
    assert v.returncode == 1
    line = v.stdout.splitlines()[0]
    assert "已过期" in line and "applications.new_received[0]" in line, v.stdout
    c = run_cli("check", "--format", "json", f)
    assert json.loads(c.stdout)["reports"][0]["signoff"] == "stale"


def test_stale_without_snapshot_says_changed_only(reports_copy):
    f = reports_copy / "huaian-2024.toml"
    assert run_cli("signoff", f, "--decision", "approved").returncode == 0
    shutil.rmtree(so.snapshot_dir())  # signed elsewhere: the signed data is not known here
    edit_cell(f, b"new_received = [3001,", b"new_received = [3002,")
    v = run_cli("verify", f)
    assert v.returncode == 1
    assert "已过期（签核后内容已更改）" in v.stdout
    assert "new_received" not in v.stdout.splitlines()[0].split("；")[0]


def test_comment_and_layout_edits_do_not_make_stale(reports_copy):
    f = reports_copy / "huaian-2024.toml"
    assert run_cli("signoff", f, "--decision", "approved").returncode == 0
    raw = f.read_bytes()
    f.write_bytes(b"# a new comment\n" + raw.replace(b"year = 2024", b"year   =   2024  # same value"))
    assert run_cli("verify", f).returncode == 0


# -- approval with errors ----------------------------------------------------

def test_approval_refused_with_errors_then_accepted(reports_copy):
    f = reports_copy / "hongze-2023.toml"
    before = f.read_bytes()
    r = run_cli("signoff", f, "--decision", "approved")
    assert r.returncode == 1
    assert "appeals.reconsideration[4]" in r.stderr and "行政复议" in r.stderr
    assert "appeals.litigation_after_reconsideration[4]" in r.stderr
    assert f.read_bytes() == before  # nothing written

    r = run_cli("signoff", f, "--decision", "approved", "--accept-findings", "原件如此，已向报送单位核实")
    assert r.returncode == 0, r.stderr
    assert f.read_bytes().startswith(before)
    data = load(f)
    acc = data["review"]["accepted"]
    assert {a["cells"][0] for a in acc} == {"appeals.reconsideration[4]", "appeals.litigation_after_reconsideration[4]"}
    assert all(a["reason"] == "原件如此，已向报送单位核实" and a["user"] == USER for a in acc)
    # keyed to the figures accepted (FORMAT.md §5): 行政复议 总计 0 where 11 was due
    assert list(acc[0]) == ["rule", "cells", "expected", "actual", "reason", "user", "at"]
    assert {(a["cells"][0], a["expected"], a["actual"]) for a in acc} == {
        ("appeals.reconsideration[4]", 11, 0), ("appeals.litigation_after_reconsideration[4]", 5, 0)}

    c = run_cli("check", "--format", "json", reports_copy)
    assert c.returncode == 0, c.stdout
    doc = json.loads(c.stdout)
    rep = next(r for r in doc["reports"] if r["file"].endswith("hongze-2023.toml"))
    errors = [x for x in rep["findings"] if x["severity"] == "error"]
    assert errors and all(x["accepted"] for x in errors)
    assert rep["signoff"] == "approved"
    assert run_cli("verify", f).returncode == 0


def test_rejected_is_always_allowed_and_fails_verify(reports_copy):
    f = reports_copy / "hongze-2023.toml"
    r = run_cli("signoff", f, "--decision", "rejected", "--note", "复议数据总计有误，请更正")
    assert r.returncode == 0, r.stderr
    assert "review" in load(f) and "accepted" not in load(f)["review"]
    v = run_cli("verify", f)
    assert v.returncode == 1
    assert "已退回" in v.stdout and "复议数据总计有误" in v.stdout


def test_approved_but_errors_unaccepted_fails_gate(reports_copy):
    f = reports_copy / "hongze-2024.toml"
    assert run_cli("signoff", f, "--decision", "approved").returncode == 0
    # The previous year's carried_forward changes: a yoy error appears in 2024
    # (the sibling counts), while 2024's own data and digest stay the same.
    prev = reports_copy / "hongze-2023.toml"
    raw = prev.read_bytes()
    m = re.search(rb"carried_forward = \[(\d+)", raw)
    prev.write_bytes(raw[:m.start(1)] + str(int(m.group(1)) + 1).encode() + raw[m.end(1):])
    v = run_cli("verify", f)
    assert v.returncode == 1
    assert "仍有 " in v.stdout and "未接受的错误" in v.stdout and "applications.carried_over" in v.stdout


def test_signoff_checks_siblings_for_year_over_year(reports_copy):
    prev = reports_copy / "hongze-2023.toml"
    raw = prev.read_bytes()
    m = re.search(rb"carried_forward = \[(\d+)", raw)
    prev.write_bytes(raw[:m.start(1)] + str(int(m.group(1)) + 1).encode() + raw[m.end(1):])
    r = run_cli("signoff", reports_copy / "hongze-2024.toml", "--decision", "approved")
    assert r.returncode == 1
    assert "yoy" in r.stderr or "上年" in r.stderr or "applications.carried_over" in r.stderr


def test_a_signoff_loads_only_the_siblings_it_can_pair_with(reports_copy, parsed_siblings):
    """Only files that may be the agency's report for this year or the year
    before are parsed; one whose [report] lines are not plain (an escape in
    the agency here) is parsed to be sure. The year-over-year check still runs."""
    from tui.core.load import load_path
    from tui.store import signoff as so

    odd = reports_copy / "odd.toml"  # an escape in the agency: not plain, so it is parsed
    odd.write_text((reports_copy / "huaian-2024.toml").read_text(encoding="utf-8").replace(
        'agency = "淮安市人民政府"', 'agency = "某\\u673a关"', 1), encoding="utf-8")
    loaded = parsed_siblings
    report = load_path(str(reports_copy / "hongze-2024.toml"))
    checked = so.check_with_siblings(report)
    assert "hongze-2023.toml" in loaded and "odd.toml" in loaded
    assert "huaian-2024.toml" not in loaded and "lingwu-minzheng-2020.toml" not in loaded
    assert checked.previous is not None and checked.previous.year == 2023


def test_verify_several_and_unreadable(reports_copy, tmp_path):
    ok = reports_copy / "huaian-2024.toml"
    assert run_cli("signoff", ok, "--decision", "approved").returncode == 0
    v = run_cli("verify", ok, reports_copy / "lingwu-minzheng-2020.toml")
    assert v.returncode == 1
    lines = v.stdout.splitlines()
    assert lines[0].startswith("✓") and "lingwu" in lines[1] and "未签核" in lines[1]
    bad = tmp_path / "broken.toml"
    bad.write_text('[report]\nform = "gov-info-disclosure/2021"\nagency = \n', encoding="utf-8")
    v = run_cli("verify", ok, bad)
    assert v.returncode == 2
    assert re.search(r"broken\.toml:3:\d+", v.stderr), v.stderr
    s = run_cli("signoff", bad, "--decision", "approved")
    assert s.returncode == 2 and re.search(r"broken\.toml:3:\d+", s.stderr)
    assert run_cli("signoff", tmp_path / "missing.toml", "--decision", "rejected").returncode == 2


# -- byte preservation: CRLF, BOM, no final newline --------------------------

@pytest.mark.parametrize("bom,crlf", [(True, False), (False, True), (True, True)])
def test_crlf_and_bom_files_keep_their_bytes(reports_copy, bom, crlf):
    f = reports_copy / "lingwu-minzheng-2020.toml"
    raw = f.read_bytes()
    if crlf:
        raw = raw.replace(b"\n", b"\r\n")
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    f.write_bytes(raw)
    assert run_cli("signoff", f, "--decision", "approved", "--note", "两行\n备注").returncode == 0
    after = f.read_bytes()
    assert after.startswith(raw)
    tail = after[len(raw):]
    if crlf:
        assert b"\n" not in tail.replace(b"\r\n", b"")
        assert tail.startswith(b"\r\n[[review.signoff]]\r\n")
    else:
        assert b"\r" not in tail
    assert load(f)["review"]["signoff"][0]["note"] == "两行\n备注"
    assert run_cli("verify", f).returncode == 0


def test_no_final_newline_gets_one_blank_line(tmp_path):
    f = tmp_path / "r.toml"
    src = os.path.join(os.path.dirname(__file__), "..", "reports", "huaian-2024.toml")
    text = pathlib.Path(src).read_bytes().rstrip(b"\n")
    f.write_bytes(text)
    so.append_comment(f, "applications.new_received[0]", "请确认")
    assert f.read_bytes().startswith(text + b"\n\n[[review.comment]]\ncell = ")
    so.append_comment(f, "report.year", "第二条")
    raw = f.read_bytes()
    assert b"\n\n\n" not in raw and raw.count(b"[[review.comment]]") == 2


def test_inline_review_array_is_refused_clearly(tmp_path):
    f = tmp_path / "r.toml"
    src = os.path.join(os.path.dirname(__file__), "..", "reports", "huaian-2024.toml")
    raw = pathlib.Path(src).read_bytes() + b"\n[review]\nsignoff = []\n"
    f.write_bytes(raw)
    r = run_cli("signoff", f, "--decision", "approved")
    assert r.returncode == 1
    assert "行内数组" in r.stderr and "[[review.signoff]]" in r.stderr
    assert f.read_bytes() == raw

    f.write_bytes(b"review = { signoff = [] }\n" + pathlib.Path(src).read_bytes())
    with pytest.raises(so.Refused, match="行内表"):
        so.append_signoff(f, "rejected", "甲")


def test_existing_records_and_unknown_review_keys_survive(tmp_path):
    f = tmp_path / "r.toml"
    src = os.path.join(os.path.dirname(__file__), "..", "reports", "huaian-2024.toml")
    raw = pathlib.Path(src).read_bytes() + (
        b'\n[review]\nlegacy = "kept"\n\n[[review.comment]]\ncell = "report.year"\ntext = "old"\n'
        b'user = "x"\nat = 2021-01-25T16:30:00+08:00\n')
    f.write_bytes(raw)
    res = so.append_signoff(f, "approved", "审核人乙")
    data = load(f)
    assert data["review"]["legacy"] == "kept"
    assert [c["text"] for c in data["review"]["comment"]] == ["old"]
    assert data["review"]["signoff"] == [res.record]
    assert f.read_bytes().startswith(raw)


# -- store API: comments, accepted, concurrency, lock --------------------------

def test_append_comment_and_accepted_read_back(reports_copy):
    f = reports_copy / "hongze-2023.toml"
    before = f.read_bytes()
    so.append_comment(f, "applications.new_received[0]", "请报送单位确认自然人申请数")
    from tests.reference import check_paths

    checked = check_paths([f]).checked[0]
    finding = next(x for x in checked.findings if x.blocking)
    so.append_accepted(f, finding, "原件如此")
    assert f.read_bytes().startswith(before)
    data = load(f)
    (c,) = rv.comments(data)
    assert c["cell"] == "applications.new_received[0]" and c["user"] == USER
    assert list(c) == ["cell", "text", "user", "at"]
    assert (finding.rule, finding.first) in rv.accepted_keys(data)
    after = check_paths([f]).checked[0]
    assert sum(1 for x in after.findings if x.blocking) == checked.errors - 1

    with pytest.raises(so.Refused):
        so.append_comment(f, "not an [address", "x")
    with pytest.raises(so.Refused):
        so.append_accepted(f, finding, "  ")


def test_change_on_disk_between_read_and_write_is_refused(reports_copy, monkeypatch):
    f = reports_copy / "huaian-2024.toml"

    def slow_sign(text, key):
        edit_cell(f, b"new_received = [3001,", b"new_received = [3002,")  # someone saves meanwhile
        return "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"

    monkeypatch.setattr(sshsig, "sign", slow_sign)
    with pytest.raises(so.Refused, match="已被修改"):
        so.append_signoff(f, "approved", "甲", sign_key="whatever")
    assert b"review" not in f.read_bytes()


def test_lock_held_by_someone_else_refuses(reports_copy, monkeypatch):
    import tui.store

    f = reports_copy / "huaian-2024.toml"
    holder = {"user": "reviewer2", "host": "elsewhere", "pid": 4242, "started": "2024-03-01T10:31:07+08:00"}
    fake = types.SimpleNamespace(holders=lambda path: [holder], describe=lambda h: f"{h['user']}@{h['host']}")
    monkeypatch.setattr(tui.store, "lock", fake, raising=False)
    monkeypatch.setitem(sys.modules, "tui.store.lock", fake)
    before = f.read_bytes()
    with pytest.raises(so.Refused, match="reviewer2@elsewhere"):
        so.append_signoff(f, "approved", "甲")
    assert f.read_bytes() == before
    res = so.append_signoff(f, "approved", "甲", force=True)
    assert res.decision == "approved"


def test_real_lock_holder_in_another_process_refuses_cli(reports_copy):
    pytest.importorskip("tui.store.lock")
    f = reports_copy / "huaian-2024.toml"
    code = ("import sys, time; from tui.store.lock import acquire; l = acquire(sys.argv[1]); "
            "print('held', flush=True); sys.stdin.read()")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    holder = subprocess.Popen([sys.executable, "-c", code, str(f)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "held"
        r = run_cli("signoff", f, "--decision", "approved")
        assert r.returncode == 1 and "正由他人编辑" in r.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()
    assert run_cli("signoff", f, "--decision", "approved").returncode == 0


# -- stale details (unit) ------------------------------------------------------

def test_diff_addresses():
    old = {"report": {"year": 2020}, "applications": {"new_received": [1, 2, 3], "outcome": {"total": [1, 1]}},
           "active": {"licensing": {"decisions": 5}, "summary": {"categories": {"政策": 1}}},
           "review": {"signoff": []}}
    new = json.loads(json.dumps(old))
    new["applications"]["new_received"][2] = 4
    new["active"]["licensing"]["decisions"] = 5.0
    new["active"]["summary"]["categories"]["新 类"] = 2
    new["text"] = {"other": "x"}
    new["review"] = {"comment": [{"x": 1}]}
    assert so.diff_addresses(old, new) == ["applications.new_received[2]", "active.licensing.decisions",
                                           'active.summary.categories."新 类"', "text"]


def test_stale_changes_states(reports_copy):
    f = reports_copy / "huaian-2024.toml"
    assert so.stale_changes(load(f)) == []  # no sign-off
    so.append_signoff(f, "approved", "甲")
    assert so.stale_changes(load(f)) == []  # current
    edit_cell(f, b"year = 2024", b"year = 2025")
    assert so.stale_changes(load(f)) == ["report.year"]
    assert so.stale_description(load(f)) == "签核后内容已更改：report.year"
    # A snapshot that does not hash to the digest is never trusted.
    digest = load(f)["review"]["signoff"][-1]["digest"]
    path = so.snapshot_dir() / (digest.split(":")[1] + ".json")
    path.write_bytes(path.read_bytes().replace(b"2024", b"2023", 1))
    assert so.stale_changes(load(f)) is None
    assert so.stale_description(load(f)) == "签核后内容已更改"


def test_message_is_exactly_the_spec():
    at = datetime.datetime(2021, 1, 25, 16, 40, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    assert sshsig.message("sha256:ab", "approved", "reviewer1", at) == (
        "nianbao-signoff v1\ndigest: sha256:ab\ndecision: approved\nuser: reviewer1\n"
        "at: 2021-01-25T16:40:00+08:00\n")


# -- SSH signatures --------------------------------------------------------------

def make_key(folder, name, passphrase=""):
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", str(key)],
                   check=True, timeout=30, stdin=subprocess.DEVNULL)
    return key


def allowed(folder, name, *keys, user=USER):
    path = folder / name
    path.write_text("".join(f'{user} namespaces="nianbao-signoff" {k.with_suffix(".pub").read_text().strip()}\n'
                            for k in keys), encoding="utf-8")
    return path


NO_AGENT = {"SSH_AUTH_SOCK": ""}


@needs_ssh
def test_signature_good_then_tampered(reports_copy, tmp_path):
    key = make_key(tmp_path, "key")
    other = make_key(tmp_path, "other")
    signers = allowed(tmp_path, "allowed_signers", key)
    wrong = allowed(tmp_path, "wrong_signers", other)
    f = reports_copy / "huaian-2024.toml"
    r = run_cli("signoff", f, "--decision", "approved", "--sign", key, env=NO_AGENT)
    assert r.returncode == 0, r.stderr
    rec = load(f)["review"]["signoff"][-1]
    assert rec["signature"].startswith("-----BEGIN SSH SIGNATURE-----\n")
    assert "\nsignature = '''\n-----BEGIN SSH SIGNATURE-----\n" in f.read_text(encoding="utf-8")

    v = run_cli("verify", "--allowed-signers", signers, f)
    assert v.returncode == 0, v.stdout
    assert "签名有效" in v.stdout
    assert run_cli("verify", f).returncode == 0  # without signers the signature is not required

    v = run_cli("verify", "--allowed-signers", wrong, f)
    assert v.returncode == 1 and "签名无效" in v.stdout and "名单" in v.stdout

    # A signature altered inside its base64 body.
    raw = f.read_bytes()
    lines = rec["signature"].splitlines()
    body = lines[2]
    flipped = body[:10] + ("B" if body[10] != "B" else "C") + body[11:]
    f.write_bytes(raw.replace(body.encode(), flipped.encode()))
    v = run_cli("verify", "--allowed-signers", signers, f)
    assert v.returncode == 1 and "签名无效" in v.stdout, v.stdout
    f.write_bytes(raw)

    # The record altered (a different user claims it).
    f.write_bytes(raw.replace(f'user = "{USER}"'.encode(), b'user = "mallory"'))
    v = run_cli("verify", "--allowed-signers", allowed(tmp_path, "m", key, user="mallory"), f)
    assert v.returncode == 1 and "签名无效" in v.stdout
    f.write_bytes(raw)

    # The data altered after signing: stale, whatever the signature says.
    edit_cell(f, b"new_received = [3001,", b"new_received = [3002,")
    v = run_cli("verify", "--allowed-signers", signers, f)
    assert v.returncode == 1 and "已过期" in v.stdout and "applications.new_received[0]" in v.stdout


@needs_ssh
def test_unsigned_signoff_fails_when_signers_given(reports_copy, tmp_path):
    signers = allowed(tmp_path, "allowed_signers", make_key(tmp_path, "key"))
    f = reports_copy / "huaian-2024.toml"
    assert run_cli("signoff", f, "--decision", "approved").returncode == 0
    v = run_cli("verify", "--allowed-signers", signers, f)
    assert v.returncode == 1 and "签名无效（签核记录没有签名）" in v.stdout
    assert run_cli("verify", "--allowed-signers", tmp_path / "nope", f).returncode == 2


@needs_ssh
def test_missing_ssh_keygen_is_reported(reports_copy, tmp_path):
    key = make_key(tmp_path, "key")
    signers = allowed(tmp_path, "allowed_signers", key)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    f = reports_copy / "huaian-2024.toml"
    before = f.read_bytes()
    r = run_cli("signoff", f, "--decision", "approved", "--sign", key, env={"PATH": str(empty)})
    assert r.returncode == 2
    assert "找不到 ssh-keygen" in r.stderr and "Traceback" not in r.stderr
    assert f.read_bytes() == before
    assert run_cli("signoff", f, "--decision", "approved", "--sign", key).returncode == 0
    v = run_cli("verify", "--allowed-signers", signers, f, env={"PATH": str(empty)})
    assert v.returncode == 1 and "找不到 ssh-keygen" in v.stdout and "Traceback" not in v.stderr


@needs_ssh
def test_bad_keys_are_reported_without_hanging(reports_copy, tmp_path):
    f = reports_copy / "huaian-2024.toml"
    before = f.read_bytes()
    locked = make_key(tmp_path, "locked", passphrase="secret passphrase")
    r = run_cli("signoff", f, "--decision", "approved", "--sign", locked, env=NO_AGENT, timeout=30)
    assert r.returncode == 2 and "口令" in r.stderr and "ssh-add" in r.stderr
    r = run_cli("signoff", f, "--decision", "approved", "--sign", tmp_path / "nokey", env=NO_AGENT)
    assert r.returncode == 2 and "不存在" in r.stderr
    junk = tmp_path / "junk"
    junk.write_text("not a key\n")
    r = run_cli("signoff", f, "--decision", "approved", "--sign", junk, env=NO_AGENT)
    assert r.returncode == 2 and "签名失败" in r.stderr and "Traceback" not in r.stderr
    assert f.read_bytes() == before


@needs_ssh
def test_config_key_is_default_sign_key(reports_copy, tmp_path):
    key = make_key(tmp_path, "key")
    from tui.config import config_path

    cfg = config_path()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'[reviewer]\nname = "审核人丙"\nkey = "{key}"\n', encoding="utf-8")
    f = reports_copy / "huaian-2024.toml"
    assert run_cli("signoff", f, "--decision", "approved", env=NO_AGENT).returncode == 0
    rec = load(f)["review"]["signoff"][-1]
    assert rec["reviewer"] == "审核人丙" and "signature" in rec
    ok, why = so.verify_signature(rec, allowed(tmp_path, "s", key))
    assert ok, why


def test_verify_checks_a_folder_at_a_time_and_prints_in_the_order_given(tmp_path, reports_copy, monkeypatch, capsys):
    """A national batch's verify holds one folder's reports at a time (it held
    them all: 5,000 files, 144 MB; now 73), and still prints every file's
    line in the order the files were given."""
    from tui.cli import main
    from tui.commands import verify

    a, b = tmp_path / "a", tmp_path / "b"
    for folder, names in ((a, ("hongze-2023.toml", "hongze-2024.toml")), (b, ("huaian-2024.toml",))):
        folder.mkdir()
        for name in names:
            shutil.copy(reports_copy / name, folder / name)
    files = [str(a / "hongze-2024.toml"), str(b / "huaian-2024.toml"), str(a / "hongze-2023.toml")]
    loaded = []
    real = verify.load_path

    def spy(path, display=None):
        loaded.append(path)
        return real(path, display)

    monkeypatch.setattr(verify, "load_path", spy)
    results = verify._checked_by_folder(files)
    first = next(results)
    assert first[0] in (0, 2) and not any(p.startswith(str(b)) for p in loaded)
    assert sorted(i for i, _ in [first, *results]) == [0, 1, 2]
    assert main(["verify", *files]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split("：")[0][2:] for line in out[:3]] == files
