"""The distribution installs under one import package and works from outside the repo."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import zonewatch, zonewatch.models, zonewatch.config.zones as z, zonewatch.cli.main;"
    "print(zonewatch.__file__);"
    "print(len(z.load_zone_model().entities))"
)


def _python(code: str, cwd: Path, extra_path: Path | None = None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.slow
def test_regular_install_imports_from_outside_the_repo(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert not (target / "models").exists()
    assert not (target / "config").exists()
    installed_file, count = _python(PROBE, cwd=tmp_path, extra_path=target)
    assert Path(installed_file).is_relative_to(target)
    assert int(count) > 250


def test_editable_install_imports_from_outside_the_repo(tmp_path: Path) -> None:
    code = PROBE + ";import zonewatch.models as m; print(m.__file__)"
    _, count, models_file = _python(code, cwd=tmp_path)
    assert int(count) > 250
    assert Path(models_file).resolve().parent == ROOT / "models"


def test_every_python_folder_is_a_listed_package() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    for name, folder in setuptools["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            package = ".".join((name, *relative))
            assert package in listed, (
                f"{package} ({init.parent}) is missing from pyproject packages"
            )


def test_the_html_cleaner_trafilatura_needs_is_installed() -> None:
    """Every crawl fails if trafilatura cannot import, and it needs lxml's split-off cleaner,
    which old pips (such as the 23.2 of `python3 -m venv`) skip unless it is declared."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = [
        re.split(r"[<>=!~ ;]", dep, maxsplit=1)[0] for dep in config["project"]["dependencies"]
    ]
    assert {"lxml_html_clean", "lxml[html_clean]"} & set(declared)
    _python("import lxml.html.clean, trafilatura; print(trafilatura.extract)", cwd=ROOT)
