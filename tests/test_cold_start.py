"""What keeps `nianbao check FILE`'s cold start short (issue 15: at most 1.3x
`python3 -c "import tomllib, json, argparse"`; benchmarks/bench_check.py
measures it, no timing here): a one-file check imports neither the compiled
TOML parser nor Textual nor the year-over-year rules, and the process exits
without tearing the interpreter down when nothing is left to clean up, its
output and exit status intact."""

import json
import os
import subprocess
import sys

from tests.conftest import REPO

ERRORS = "reports/hongze-2023.toml"  # has errors: exit status 1


def _python(code, *args):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)


def test_one_file_check_imports_no_compiled_parser_nor_textual():
    code = ("import io, json, sys\n"
            "from tui.cli import main\n"
            "out, sys.stdout = sys.stdout, io.StringIO()\n"
            "status = main(['check', sys.argv[1]])\n"
            "sys.stdout = out\n"
            "import gc\n"
            "print(json.dumps([status, sorted(m for m in sys.modules if m.split('.')[0] in "
            "('toml_rs', 'textual', 'rich', 'tomlkit', 'platformdirs') "
            "or m in ('tui.core.yoy', 'tui.core.similarity')), gc.isenabled()]))\n")
    proc = _python(code, ERRORS)
    assert proc.returncode == 0, proc.stderr
    # nothing to pair either; the cyclic collector paused during the check runs again after it
    assert json.loads(proc.stdout) == [1, [], True]


def test_quick_exit_keeps_output_and_status():
    whole = _python("import sys; from tui.cli import main; sys.exit(main())", "check", ERRORS)
    quick = _python("import sys; from tui.cli import entry; sys.exit(entry())", "check", ERRORS)
    assert quick.returncode == whole.returncode == 1
    assert quick.stdout == whole.stdout and quick.stdout.rstrip().splitlines()[-1].startswith("共 1 份报告")
    json_out = _python("import sys; from tui.cli import entry; sys.exit(entry())", "check", "--format", "json", ERRORS)
    assert json_out.returncode == 1 and json.loads(json_out.stdout)["reports"][0]["findings"]


def test_no_quick_exit_when_something_is_left_to_clean_up():
    code = ("import atexit, sys\n"
            "from tui.cli import entry\n"
            "atexit.register(lambda: print('cleaned up'))\n"
            "sys.argv[1:] = ['check', sys.argv[1]]\n"
            "sys.exit(entry())\n")
    proc = _python(code, ERRORS)
    assert proc.returncode == 1 and proc.stdout.rstrip().endswith("cleaned up")
    # a folder is checked by worker processes, whose pool is shut down at exit
    folder = _python("import sys; from tui.cli import entry; sys.exit(entry())", "check", "--jobs", "2", "reports")
    assert folder.returncode == 1 and folder.stdout.rstrip().splitlines()[-1].startswith("共 4 份报告")


def test_the_benchmark_names_the_install_it_times(tmp_path, monkeypatch):
    """bench_check prints which nianbao its cold start timed. The checkout is
    on its sys.path, and a `nianbao.egg-info` a build left there is no
    install: it once made an editable install read as 'installed package
    (not editable)'."""
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    import bench_check

    left = tmp_path / "nianbao.egg-info"
    left.mkdir()
    (left / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: nianbao\nVersion: 0.0.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(bench_check, "REPO", str(tmp_path))
    assert str(tmp_path) not in bench_check.install_kind()
