"""The distribution installs under one import package and works from outside the repo."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
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


PACKAGE = ROOT / "src" / "zonewatch"
NOT_PACKAGE_PARTS = {"tests", "bench", "src"}


def _package_folders() -> list[Path]:
    return sorted(
        folder
        for folder in ROOT.iterdir()
        if (folder / "__init__.py").is_file()
        and folder.name not in NOT_PACKAGE_PARTS
        and folder.name != "core"
    )


def test_every_folder_and_core_module_is_linked_into_the_package() -> None:
    """src/zonewatch is what pip, mypy and editors read: a folder or a core module without
    its link there would be missing from the wheel and unchecked by mypy."""
    expected = {folder.name: folder for folder in _package_folders()}
    expected |= {path.name: path for path in (ROOT / "core").iterdir() if path.is_file()}
    assert "models" in expected
    links = {path.name: path for path in PACKAGE.iterdir()}
    assert sorted(links) == sorted(expected)
    for name, link in links.items():
        assert link.is_symlink(), f"src/zonewatch/{name} must be a link"
        assert not Path(os.readlink(link)).is_absolute(), f"src/zonewatch/{name} must be relative"
        assert link.resolve() == expected[name].resolve()


IMPORT_EVERYTHING = """
import importlib, importlib.util, os, pkgutil, sys, zonewatch
for module in pkgutil.walk_packages(zonewatch.__path__, "zonewatch."):
    # __main__ modules run commands; alembic loads the migrations itself
    if not module.name.endswith("__main__") and ".migrations" not in module.name:
        importlib.import_module(module.name)
names = {}
for name, module in list(sys.modules.items()):
    path = getattr(module, "__file__", None)
    if path and os.path.realpath(path).startswith(sys.argv[1] + os.sep):
        names.setdefault(os.path.realpath(path), []).append(name)
twice = {path: found for path, found in names.items() if len(found) > 1}
assert not twice, twice
bare = [name for name in sys.argv[2:] if importlib.util.find_spec(name) is not None]
assert not bare, bare
print(len(names))
"""


@pytest.mark.slow
def test_no_module_is_importable_twice(tmp_path: Path) -> None:
    """Importing every module of the installed package loads each file under one name only,
    and the folders are not importable by their bare names (``import classify.facts``)."""
    folders = [folder.name for folder in _package_folders()] + ["core"]
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERYTHING, str(ROOT), *folders],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout) > 200


@pytest.mark.slow
def test_the_wheel_holds_every_module_once(tmp_path: Path) -> None:
    """`pip wheel .` follows the links: every tracked file of a package folder is in the
    wheel once, under zonewatch/, and nothing else is at the top."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("zonewatch-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names))
    assert {name.split("/")[0] for name in names} == {"zonewatch", wheel_dist_info(wheel)}
    tracked = subprocess.run(
        ["git", "ls-files", "core", *(folder.name for folder in _package_folders())],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert len(tracked) > 250
    expected = {
        "zonewatch/" + (path.split("/", 1)[1] if path.startswith("core/") else path)
        for path in tracked
    }
    assert expected <= set(names), sorted(expected - set(names))[:10]


def wheel_dist_info(wheel: Path) -> str:
    name, version = wheel.name.split("-")[:2]
    return f"{name}-{version}.dist-info"


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
