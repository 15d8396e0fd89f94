"""The wheel ships every module and data file of the source tree (package-dir mapping in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# What pyproject.toml tells setuptools to ship; the tests check the built wheel against the source tree.
SETUPTOOLS = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["tool"]["setuptools"]
PACKAGES: list[str] = SETUPTOOLS["packages"]


def _source_dir(package: str) -> str:
    """Where setuptools finds ``package``: its own package-dir entry, or its nearest mapped parent's
    folder plus the rest of the name (``imagelint.rules.security`` -> ``rules/security``)."""
    parts = package.split(".")
    for cut in range(len(parts), 0, -1):
        mapped = SETUPTOOLS["package-dir"].get(".".join(parts[:cut]))
        if mapped is not None:
            return "/".join([mapped, *parts[cut:]])
    return package.replace(".", "/")


PACKAGE_DIRS: dict[str, str] = {pkg: _source_dir(pkg) for pkg in PACKAGES}
PACKAGE_DATA: dict[str, list[str]] = SETUPTOOLS.get("package-data", {})
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "test-artifacts"
)


@pytest.fixture(scope="module")
def wheel(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    """Build the wheel from a copy of the source tree (keeps build/ and *.egg-info out of the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(repo_root, src, ignore=NOT_SOURCE, symlinks=True)
    out = tmp / "dist"
    # --no-isolation: the build backend comes from the test extra, so no download is needed here.
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(src)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"wheel build failed:\n{result.stdout}\n{result.stderr}"
    (path,) = out.glob("imagelint-*.whl")
    with zipfile.ZipFile(path) as zf:
        yield zf


@pytest.fixture(scope="module")
def wheel_names(wheel: zipfile.ZipFile) -> set[str]:
    return set(wheel.namelist())


def _wheel_name(package: str, source_dir: Path, path: Path) -> str:
    return f"{package.replace('.', '/')}/{path.relative_to(source_dir).as_posix()}"


def test_wheel_has_package_markers(wheel_names: set[str]) -> None:
    for name in ("imagelint/rules/__init__.py", "imagelint/templates/__init__.py"):
        assert name in wheel_names


def test_wheel_has_every_source_module_and_data_file(repo_root: Path, wheel_names: set[str]) -> None:
    expected = []
    for package, source in PACKAGE_DIRS.items():
        source_dir = repo_root / source
        for pattern in ["*.py", *PACKAGE_DATA.get(package, [])]:
            expected += [_wheel_name(package, source_dir, p) for p in sorted(source_dir.glob(pattern))]
    missing = [name for name in expected if name not in wheel_names]
    assert not missing, f"in the source tree but not in the wheel: {missing}"


def test_wheel_has_every_template(repo_root: Path, wheel_names: set[str]) -> None:
    # Recursive on purpose: a template in a subfolder is not matched by package-data's "*.j2" and would be
    # silently left out of the wheel.
    templates = repo_root / "reports" / "templates"
    expected = [_wheel_name("imagelint.templates", templates, p) for p in sorted(templates.rglob("*.j2"))]
    missing = [name for name in expected if name not in wheel_names]
    assert not missing, f"templates missing from the wheel: {missing}"


def test_no_unlisted_subpackage(repo_root: Path) -> None:
    # [tool.setuptools] packages is an explicit list: a new subpackage must be added there or it won't ship.
    listed = {repo_root / source for source in PACKAGE_DIRS.values()}
    found = {p.parent for source in listed for p in source.rglob("__init__.py")}
    assert not sorted(found - listed), f"subpackages missing from [tool.setuptools] packages: {sorted(found - listed)}"


def test_console_script(wheel: zipfile.ZipFile) -> None:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    lines = [line.replace(" ", "") for line in wheel.read(name).decode().splitlines()]
    assert "[console_scripts]" in lines
    assert "imagelint=imagelint.cli:run" in lines
