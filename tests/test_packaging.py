"""The built wheel is what users install: it carries the shipped themes and
forms, and an installed (non-editable) copy finds them from any folder."""

import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]
THEMES = sorted(p.name for p in (REPO / "themes").glob("*.toml"))
FORMS = sorted(p.name for p in (REPO / "tui" / "core" / "forms").glob("*.toml"))

pytestmark = pytest.mark.slow


def _can_build_offline():
    """setuptools ≥ 70.1 builds wheels itself; older ones need `wheel`."""
    if importlib.util.find_spec("setuptools") is None:
        return False
    if importlib.util.find_spec("wheel") is not None:
        return True
    import setuptools

    return tuple(int(x) for x in setuptools.__version__.split(".")[:2]) >= (70, 1)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """Build the wheel from a copy of the source (the checkout stays clean)."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in ("tui", "themes"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "shipped_themes"))
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(REPO / name, src / name)
    cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "dist"), str(src)]
    if _can_build_offline():
        cmd.insert(4, "--no-build-isolation")
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    wheels = list((base / "dist").glob("nianbao-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_carries_the_shipped_themes_and_forms(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert THEMES and {f"tui/app/shipped_themes/{t}" for t in THEMES} <= names
    assert FORMS and {f"tui/core/forms/{f}" for f in FORMS} <= names
    assert not [n for n in names if n.startswith(("tui/app/themes/", "tui/app/styles/"))]


def test_every_package_data_pattern_matches_a_file():
    import tomllib

    with open(REPO / "pyproject.toml", "rb") as fh:
        package_data = tomllib.load(fh)["tool"]["setuptools"]["package-data"]
    for package, patterns in package_data.items():
        folder = REPO.joinpath(*package.split("."))
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"{package}: {pattern} matches nothing"


PROBE = r"""
import asyncio, json, sys
import tui
from tui.app.themes import load_themes, shipped_theme_dirs
from tui.core.forms import all_forms
from tui.app.app import NianbaoApp

async def main():
    app = NianbaoApp([sys.argv[1]], theme="nianbao-contrast")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return app.theme, list(app.startup_messages)

themes, errors = load_themes(shipped_theme_dirs())
theme, messages = asyncio.run(main())
print(json.dumps({"package": tui.__file__, "dirs": [str(d) for d in shipped_theme_dirs()],
                  "themes": sorted(themes), "errors": errors, "forms": [f.id for f in all_forms()],
                  "theme": theme, "messages": messages}))
"""


def test_installed_copy_finds_themes_and_forms_from_another_folder(wheel, tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile",
                           "--target", str(site), str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    report = elsewhere / "huaian-2024.toml"
    shutil.copy(REPO / "reports" / "huaian-2024.toml", report)
    env = dict(os.environ, PYTHONPATH=str(site))  # the installed copy, ahead of the checkout
    env.pop("NIANBAO_FORMS", None)
    done = subprocess.run([sys.executable, "-c", PROBE, str(report)], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["package"].startswith(str(site)), seen["package"]
    assert seen["dirs"] == [str(site / "tui" / "app" / "shipped_themes")]
    assert seen["themes"] == sorted(t.removesuffix(".toml") for t in THEMES) and seen["errors"] == []
    assert seen["forms"] == ["gov-info-disclosure/2019", "gov-info-disclosure/2021"]
    assert seen["theme"] == "nianbao-contrast" and seen["messages"] == []


async def test_missing_shipped_themes_are_said_loudly(monkeypatch, tmp_path):
    """An incomplete installation: no shipped theme found. The user is told, in
    Chinese, for the default theme and for the one they asked for."""
    from tui.app import themes
    from tui.app.app import NianbaoApp

    monkeypatch.setattr(themes, "shipped_theme_dirs", lambda: [])
    report = tmp_path / "huaian-2024.toml"
    shutil.copy(REPO / "reports" / "huaian-2024.toml", report)
    app = NianbaoApp([str(report)], theme="nianbao-contrast")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == themes.FALLBACK_THEME
        text = "\n".join(n.message for n in app._notifications)
    assert "主题“nianbao-contrast”不存在或无法加载" in text
    assert "找不到随程序提供的主题“nianbao-dark”（安装不完整？）" in text
