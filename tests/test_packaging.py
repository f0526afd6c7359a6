"""Packaging: the wheel carries styles/ and sample_data/, and an installed copy finds them."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("klinikka-*.whl")
    return built


def test_the_wheel_holds_styles_sample_data_catalogs_and_migrations(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped_styles = sorted(p.name for p in (ROOT / "styles").glob("*.tcss"))
    shipped_samples = sorted(p.name for p in (ROOT / "sample_data").rglob("*") if p.is_file())
    assert shipped_styles and shipped_samples
    for name in shipped_styles:
        assert f"klinikka/styles/{name}" in names
    for name in shipped_samples:
        assert any(n.startswith("klinikka/sample_data/") and n.endswith(name) for n in names)
    for language in ("fi", "sv", "en"):
        assert f"klinikka/locale/{language}/LC_MESSAGES/klinikka.mo" in names
    assert any(n.startswith("klinikka/migrations/versions/") for n in names)


def test_the_wheel_declares_the_console_script(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    [entry_points] = [n for n in archive.namelist() if n.endswith("entry_points.txt")]
    assert "klinikka = klinikka.entry:main" in archive.read(entry_points).decode()


def test_an_installed_copy_finds_its_styles_and_sample_data(wheel: Path, tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "from klinikka.paths import styles_dir, sample_data_dir, PACKAGE_DIR\n"
        "assert str(styles_dir()).startswith(str(PACKAGE_DIR)), styles_dir()\n"
        "assert any(styles_dir().glob('*.tcss'))\n"
        "assert any(sample_data_dir().glob('*.json'))\n"
        "print(PACKAGE_DIR)\n"
    )
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert str(environment) in result.stdout
