"""A non-editable install from the wheel works from any folder (data and templates ship inside)."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("cooplevier-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "cooplevier/data/levers.yaml" in names
    assert any(n.startswith("cooplevier/templates/") for n in names)
    license_file = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))  # an IT department reads it
    assert "MIT License" in zipfile.ZipFile(wheel).read(license_file).decode()
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata and "Project-URL: Source" in metadata and "Classifier:" in metadata

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    python = bin_dir / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # Dependencies come from the test environment; cooplevier itself only from the wheel.
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([bin_dir / "cooplevier", *args], cwd=elsewhere, capture_output=True, text=True)

    where = subprocess.run(
        [
            python,
            "-c",
            "import cooplevier, cooplevier.resources as r; print(cooplevier.__file__); print(r.shipped_dir('data'))",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert str(ROOT) not in where[0] and str(site) in where[0]
    assert where[1].startswith(str(site))

    validate = run("validate")
    assert validate.returncode == 0, validate.stderr
    assert "10 leviers" in validate.stdout
    levers = run("levers", "--format", "json")
    assert levers.returncode == 0, levers.stderr
    assert len(json.loads(levers.stdout)["levers"]) == 10
    assert run("--version").stdout.startswith("cooplevier ")
