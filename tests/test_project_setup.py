"""The project's own set-up files agree: pyproject, environment.yml, Makefile, README and CI."""

from __future__ import annotations

import re
import tomllib

import yaml

from .conftest import ROOT


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_installs_the_package_with_dev_extra():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert pip == ["-e .[dev]"], "environment.yml must install exactly what pyproject declares"
    assert "pip" in deps
    py = next(d for d in deps if isinstance(d, str) and d.startswith("python"))
    requires = _pyproject()["project"]["requires-python"]
    assert py.removeprefix("python") == requires, (py, requires)
    # no conda package may shadow a pyproject dependency with another version
    names = {re.split(r"[<>=! \[]", d)[0].lower() for d in _pyproject()["project"]["dependencies"]}
    conda_names = {re.split(r"[<>=! ]", d)[0].lower() for d in deps if isinstance(d, str)}
    assert conda_names <= {"python", "pip"}, conda_names - {"python", "pip"}
    assert names, "pyproject has runtime dependencies"


def test_design_card_packages_are_declared():
    deps = " ".join(_pyproject()["project"]["dependencies"])
    for pkg in ("numpy", "pandas", "simpy", "matplotlib", "ipywidgets", "jupyterlab"):
        assert pkg in deps
    assert "pytest" in " ".join(_pyproject()["project"]["optional-dependencies"]["dev"])


def test_readme_opens_with_the_two_commands_and_ci_calls_the_test_one():
    """The test command comes first (issue 11 item 18: a new user checks the machine before serving)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block, "README needs a bash block with the set-up commands"
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make test", "make dashboard"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:", makefile, re.M) and re.search(r"^dashboard:", makefile, re.M)
    assert "fonts-noto-cjk" in makefile
