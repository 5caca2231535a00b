"""Build step: ship the top-level themes/ inside the package.

The design card keeps the theme files at the top of the repository
(themes/*.toml), where users and designers find them. A wheel can only carry
files inside its packages, so building copies them to tui/app/shipped_themes/
in the build tree (never in the source tree). tui.app.themes looks there
first (an installed copy), then in the repository's themes/ (a checkout or an
editable install). All other configuration is in pyproject.toml.
"""

import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = pathlib.Path(__file__).resolve().parent
THEMES = HERE / "themes"
TARGET = ("tui", "app", "shipped_themes")


class BuildPyWithThemes(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads themes/ in place
        target = pathlib.Path(self.build_lib, *TARGET)
        target.mkdir(parents=True, exist_ok=True)
        for theme in sorted(THEMES.glob("*.toml")):
            shutil.copyfile(theme, target / theme.name)

    def get_outputs(self, include_bytecode=True):
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs += [str(pathlib.Path(self.build_lib, *TARGET, t.name)) for t in sorted(THEMES.glob("*.toml"))]
        return outputs


setup(cmdclass={"build_py": BuildPyWithThemes})
