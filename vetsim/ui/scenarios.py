"""Choosing a scenario in the apps: find the data folder, list scenario folders, load the chosen one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
import yaml

from ..errors import VetsimError
from ..scenario import Scenario, load_scenario
from ..wording import tr

__all__ = ["find_data_dir", "list_scenarios", "ScenarioPicker", "DataDirError"]

ENV_DATA_DIR = "VETSIM_DATA"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the dashboard opens sooner


class DataDirError(VetsimError):
    """No scenario folder could be found."""

    def __init__(self, where: Path):
        self.where = where
        super().__init__(self.user_message("en"))

    def user_message(self, lang: str = "zh") -> str:
        return tr("ui.no_data_folder", lang, where=self.where, env=ENV_DATA_DIR)


def find_data_dir(start: str | Path | None = None) -> Path:
    """The folder that holds scenario folders: ``$VETSIM_DATA``, else the first ``data/`` upward from ``start``.

    Why: notebooks run with their own folder as working directory (JupyterLab and Voilà alike), so
    the repository's ``data/`` is found by walking up rather than by a fixed relative path.
    """
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        if not Path(env).is_dir():
            raise DataDirError(Path(env))
        return Path(env).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        cand = folder / "data"
        if cand.is_dir() and any((p / "scenario.yaml").is_file() for p in cand.iterdir() if p.is_dir()):
            return cand
    raise DataDirError(here)


def _display_name(folder: Path, lang: str) -> str:
    try:
        data = yaml.load((folder / "scenario.yaml").read_text(encoding="utf-8-sig"), Loader=_LOADER) or {}
        name = data.get("name") or {}
        text = name.get(lang) if isinstance(name, dict) else None
    except (OSError, yaml.YAMLError, AttributeError):
        text = None
    return f"{text}  [{folder.name}]" if text else folder.name


def list_scenarios(data_dir: str | Path, lang: str = "zh") -> list[tuple[str, Path]]:
    """``(display name, folder)`` for every folder under ``data_dir`` with a ``scenario.yaml``, baselines first."""
    if not Path(data_dir).is_dir():
        raise DataDirError(Path(data_dir))
    folders = sorted(p for p in Path(data_dir).iterdir() if p.is_dir() and (p / "scenario.yaml").is_file()
                     and not p.name.startswith("."))

    def is_overlay(p: Path) -> bool:
        try:
            return "base:" in (p / "scenario.yaml").read_text(encoding="utf-8-sig")
        except OSError:
            return True

    folders.sort(key=lambda p: (is_overlay(p), p.name))
    return [(_display_name(p, lang), p) for p in folders]


class ScenarioPicker:
    """A dropdown of the scenarios in the data folder; ``scenario`` is the loaded choice (cached per folder)."""

    def __init__(self, data_dir: str | Path, lang: str = "zh", value: str | Path | None = None,
                 description: str | None = None):
        self.data_dir = Path(data_dir)
        self.lang = lang
        self._cache: dict[tuple[Path, float], Scenario] = {}
        opts = [(name, str(path)) for name, path in list_scenarios(self.data_dir, lang)]
        initial = str(self.resolve(value)) if value is not None else (opts[0][1] if opts else None)
        if initial is not None and initial not in [v for _n, v in opts]:
            opts.append((Path(initial).name, initial))
        desc = description or (tr("scenario", lang))
        self.widget = widgets.Dropdown(options=opts, value=initial, description=desc,
                                       style={"description_width": "initial"}, layout=widgets.Layout(width="480px"))

    def resolve(self, value: str | Path) -> Path:
        """A folder given as a name inside the data folder (e.g. ``"sample_county"``) or as a path."""
        p = Path(value)
        if not p.is_absolute() and (self.data_dir / p).is_dir():
            return (self.data_dir / p).resolve()
        return p.resolve()

    @property
    def path(self) -> Path:
        return Path(self.widget.value)

    def load(self) -> Scenario:
        """Load (and validate) the chosen folder; ``ScenarioError`` lists every problem in Chinese."""
        if self.widget.value is None:
            raise DataDirError(self.data_dir)
        path = self.path
        mtime = max((p.stat().st_mtime for p in path.iterdir() if p.is_file()), default=0.0)
        key = (path, mtime)
        if key not in self._cache:
            self._cache[key] = load_scenario(path)
        return self._cache[key]

    def refresh(self, select: str | Path | None = None) -> None:
        """Re-list the folders (e.g. after saving a new overlay) and optionally select one."""
        opts = [(name, str(path)) for name, path in list_scenarios(self.data_dir, self.lang)]
        current = str(self.resolve(select)) if select is not None else self.widget.value
        self.widget.options = opts
        if current in [v for _n, v in opts]:
            self.widget.value = current

    def select(self, path: str | Path) -> bool:
        """Point the dropdown at ``path``. True if it already showed it (the caller goes on to load);
        False if the value changed, in which case the value observer calls back."""
        target = self.resolve(path)
        if Path(self.widget.value) == target:
            return True
        self.refresh()
        self.widget.value = str(target)  # must be a listed folder
        return False

    def observe(self, fn: Callable[..., object]) -> None:
        self.widget.observe(fn, names="value")
