"""toml-rs 0.4 imported first in a thread that then ends crashed later
parses in other threads (a segmentation fault, seen in the workbench's
check threads under pytest -n 2). Only the main thread imports it."""

import subprocess
import sys

from tests.conftest import REPO

CODE = r"""
import glob, sys, threading
from tui.core import tomlparse
tomlparse.COMPILED_FROM = 0  # the compiled parser from the first text on
texts = [open(p, encoding="utf-8").read() for p in sorted(glob.glob("reports/*.toml"))]

def work():
    for _ in range(5):
        for t in texts:
            tomlparse.loads(t)

threading.Thread(target=work).start()
for t in threading.enumerate():
    if t is not threading.current_thread():
        t.join()
print("toml_rs" in sys.modules)  # a thread did not import it
tomlparse.loads(texts[0])        # the main thread does
print("toml_rs" in sys.modules)
for _ in range(100):             # threads that start and end, parsing with it
    ts = [threading.Thread(target=work) for _ in range(2)]
    [t.start() for t in ts]
    [t.join() for t in ts]
print("ok")
"""


def test_threads_never_import_the_compiled_parser_and_parse_safely():
    done = subprocess.run([sys.executable, "-X", "faulthandler", "-c", CODE], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "True", "ok"]
