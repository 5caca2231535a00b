"""Streaming `check` (tui.core.batch): same output as the in-memory checker,
in input order, and worker processes that die with their parent (issue 15.2,
issue 10 item 7)."""

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.conftest import REPO
from tui.commands import check as check_cmd
from tui.core import batch
from tests.reference import check_paths, render_text
from tui.core.report import Invalid
from tui.core.checker import expand_paths

sys.path.insert(0, str(REPO / "benchmarks"))
from bench_check import generate  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("many")
    generate(str(d), 120)
    (d / "00" / "bad.toml").write_text("a = [1,", encoding="utf-8")
    (d / "01" / "bin.toml").write_bytes(b"\xff\xfe")
    first = sorted((d / "02").iterdir())[0]
    (d / "03" / "dup.toml").write_bytes(first.read_bytes())  # a duplicate agency-year
    return d


def _stream(items, fmt, jobs, indented=False, color=False):
    out = io.StringIO()
    # As `check` writes: to a terminal (indented JSON) report by report, else
    # in blocks (121 reports make several).
    writer = out if indented else check_cmd._Blocks(out)
    if fmt == "json":
        render = check_cmd._json_indented if indented else check_cmd._json_compact
        status = check_cmd._stream_json(writer, items, jobs, render, indented)
    else:
        render = check_cmd._text_color if color else check_cmd._text_plain
        status = check_cmd._stream_text(writer, items, jobs, render, color)
    writer.flush()
    return out.getvalue(), status


@pytest.mark.parametrize("jobs", [1, 2])
def test_streamed_output_equals_the_in_memory_check(folder, jobs):
    items = expand_paths([str(folder)])
    result = check_paths([str(folder)])
    assert len(result.checked) == 121 and len(result.invalid) == 2
    assert any(c.previous is not None for c in result.checked)
    text, status = _stream(items, "text", jobs)
    assert text == render_text(result) and status == result.exit_status == 2
    colored, _ = _stream(items, "text", jobs, color=True)
    assert colored == render_text(result, True)
    compact, _ = _stream(items, "json", jobs)
    assert compact == json.dumps(result.to_json(), ensure_ascii=False) + "\n"
    indented, _ = _stream(items, "json", jobs, indented=True)
    assert indented == json.dumps(result.to_json(), ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("indented", [False, True])
def test_streamed_json_with_no_reports_or_no_invalid(tmp_path, indented):
    (tmp_path / "bad.toml").write_text("x", encoding="utf-8")
    for paths in ([str(tmp_path / "bad.toml")], [str(REPO / "reports")], [str(tmp_path / "nothing")]):
        result = check_paths(paths)
        got, _ = _stream(expand_paths(paths), "json", 1, indented=indented)
        assert got == json.dumps(result.to_json(), ensure_ascii=False, indent=1 if indented else None) + "\n"


@pytest.fixture(scope="module")
def looks_valid(tmp_path_factory):
    """Files whose `[report]` lines name an agency and year but which are no
    report (a syntax error further down): the first step reads their identity
    without parsing them (tui.core.load.identity_hint)."""
    d = tmp_path_factory.mktemp("looks")
    generate(str(d), 60)
    files = sorted(p for p in d.rglob("*.toml"))
    broken = b"\n[applications\n"  # a header never closed
    # A second file for an agency-year that is not a report: no duplicate,
    # and the report keeps its pairing with the previous year.
    (d / "00" / "zz-broken-duplicate.toml").write_bytes(files[1].read_bytes() + broken)
    # The only file of an agency's first year is not a report: the next year
    # is not paired.
    files[5].write_bytes(files[5].read_bytes() + broken)
    # Identity lines that are not plain (an escape, a quoted key): loaded.
    text = files[10].read_text(encoding="utf-8")
    files[10].write_text(text.replace('agency = "', 'agency = "\\u0020', 1), encoding="utf-8")
    text = files[11].read_text(encoding="utf-8")
    files[11].write_text(text.replace("\nyear =", '\n"year" =', 1), encoding="utf-8")
    return d, files


@pytest.mark.parametrize("jobs", [1, 2])
def test_pairing_equals_the_in_memory_check_when_identity_lines_deceive(looks_valid, jobs):
    from tui.core.load import identity_hint

    looks_valid, files = looks_valid
    assert identity_hint((looks_valid / "00" / "zz-broken-duplicate.toml").read_bytes()) is not None
    assert identity_hint(files[10].read_bytes()) is None
    items = expand_paths([str(looks_valid)])
    result = check_paths([str(looks_valid)])
    assert len(result.invalid) == 2
    assert not any(f.rule == "report.duplicate" for c in result.checked for f in c.findings)
    paired = {c.report.file for c in result.checked if c.previous is not None}
    assert str(files[2]) in paired and str(files[6]) not in paired
    text, status = _stream(items, "text", jobs)
    assert text == render_text(result) and status == result.exit_status
    compact, _ = _stream(items, "json", jobs)
    assert compact == json.dumps(result.to_json(), ensure_ascii=False) + "\n"


def test_results_come_in_input_order(folder):
    items = expand_paths([str(folder)])
    got = [i for i, _ in batch.run(items, check_cmd._json_compact, jobs=2)]
    assert got == list(range(len(items)))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ is Linux's")
def test_the_result_pipe_takes_a_chunk_in_one_write():
    import fcntl

    with open("/proc/sys/fs/pipe-max-size") as f:
        if int(f.read()) < batch.RESULT_PIPE_BYTES:
            pytest.skip("this kernel's pipes are limited to less")
    workers = batch.prestart(2)
    try:
        assert fcntl.fcntl(workers._outqueue._reader.fileno(), fcntl.F_GETPIPE_SZ) >= batch.RESULT_PIPE_BYTES
    finally:
        workers.terminate()
        workers.join()


def test_a_pipe_size_refused_leaves_the_check_as_it_was(folder, monkeypatch):
    monkeypatch.setattr(batch, "RESULT_PIPE_BYTES", 1 << 40)  # beyond any limit: EINVAL or EPERM
    items = expand_paths([str(folder)])
    got = [i for i, _ in batch.run(items, check_cmd._json_compact, jobs=2)]
    assert got == list(range(len(items)))


def test_output_written_in_blocks_stops_quietly_when_the_reader_goes(folder):
    """`check ... | head -c 100`: the reader closes the pipe mid-way (the
    first block is written long before the end); no traceback, no worker left."""
    proc = subprocess.Popen([sys.executable, "-m", "tui", "check", "--format", "json", "--jobs", "2", str(folder)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    head = proc.stdout.read(100)
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert head.startswith(b'{"reports": [{"file": ')
    assert b"Traceback" not in err and proc.returncode in (0, 1, 2), err


def test_default_jobs_are_the_cores_this_process_may_use(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert batch.jobs_for(None) == 2 and batch.jobs_for(5) == 5 and batch.jobs_for(0) == 1
    monkeypatch.delattr(os, "sched_getaffinity")  # macOS, Windows
    assert batch.jobs_for(None) == 64


def _plain(results):
    return [(i, got.to_json() if isinstance(got, Invalid) else got) for i, got in results]


@pytest.mark.parametrize("jobs", [1, 2])
def test_first_checks_only_the_first_files_paired_with_all(folder, jobs, request):
    """run(first=k): the first k files' results, exactly as in a full run
    (paired with files after them too), and the others never checked."""
    items = expand_paths([str(folder)])
    full = _plain(batch.run(items, check_cmd._json_compact, jobs=1))
    finished = request.getfixturevalue("finished_reports")  # from here on
    for k in (0, 1, 37, len(items)):
        del finished[:]
        assert _plain(batch.run(items, check_cmd._json_compact, jobs=jobs, first=k)) == full[:k]
        if jobs == 1:  # in this process: what was checked is seen
            assert set(finished) <= {display for _, display in items[:k]}
    assert list(batch.run(items[:1], check_cmd._json_compact, jobs=jobs, first=0)) == []  # the one-file path too
    # The later year of a pair, checked alone and put first: its pair comes after it.
    later = next(i for i, (_, got) in enumerate(full) if isinstance(got, tuple) and '"yoy.' in got[0])
    order = [items[later]] + [it for j, it in enumerate(items) if j != later]
    assert _plain(batch.run(order, check_cmd._json_compact, jobs=jobs, first=1)) == [(0, full[later][1])]


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _wait_gone(pids, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


linux_only = pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs /proc")


@linux_only
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGHUP])
def test_workers_die_when_check_is_killed(tmp_path, sig):
    """kill -9 (or a hang-up) of `nianbao check` during a large check leaves no worker."""
    generate(str(tmp_path / "big"), 1500)
    proc = subprocess.Popen([sys.executable, "-m", "tui", "check", "--format", "json", "--jobs", "2",
                             str(tmp_path / "big")], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    workers = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.01)
    assert len(workers) >= 2, "the check ended before its workers were seen"
    os.kill(proc.pid, sig)
    proc.wait()
    assert _wait_gone(workers) == []


BUSY = textwrap.dedent("""
    import os, sys, time
    from tui.core import batch

    def busy(_):
        sys.stdout.write(f"{os.getpid()}\\n")  # one write: two workers share the pipe
        sys.stdout.flush()
        time.sleep(60)  # a worker deep in a long task: an idle one would see EOF anyway

    def init(ppid):
        if sys.argv[2] == "watchdog":
            sys.platform = "elsewhere"  # no prctl: the watchdog thread alone
        batch.die_with_parent(ppid)

    if __name__ == "__main__":
        if sys.argv[2] == "watchdog":
            import multiprocessing
            pool = multiprocessing.get_context(sys.argv[1]).Pool(2, initializer=init, initargs=(os.getpid(),))
        else:
            pool = batch.pool(2, sys.argv[1])
        pool.map_async(busy, range(2), chunksize=1)
        time.sleep(120)
""")


@linux_only
@pytest.mark.parametrize("how", ["prctl", "watchdog"])
@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_busy_workers_die_with_their_parent(tmp_path, how, start_method):
    """Workers in the middle of a 60 s task are gone within seconds of a kill -9 of their parent."""
    script = tmp_path / "busy.py"
    script.write_text(BUSY, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), start_method, how], cwd=REPO, stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    workers = []
    while len(workers) < 2:
        line = proc.stdout.readline()
        assert line, "the workers did not start"
        workers.extend(int(x) for x in line.split())
    assert all(_alive(p) for p in workers)
    proc.kill()
    proc.wait()
    proc.stdout.close()
    assert _wait_gone(workers, timeout=10) == []
