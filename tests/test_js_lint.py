"""The pages' JavaScript (package data) passes ESLint with the checked-in config (.ci/eslint.config.mjs)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ESLINT = ROOT / ".ci" / "node_modules" / ".bin" / "eslint"
CONFIG = ROOT / ".ci" / "eslint.config.mjs"


def _scripts():
    return sorted((ROOT / "tinygraph").rglob("*.js"))


def test_every_page_script_is_package_data_beside_a_lint_config():
    names = {p.relative_to(ROOT / "tinygraph").as_posix() for p in _scripts()}
    assert {"draw/assets/player.js", "draw/assets/training.js", "playground/assets/playground.js"} <= names
    assert CONFIG.is_file() and (ROOT / ".ci" / "package.json").is_file() and (ROOT / ".ci" / "package-lock.json").is_file()


def test_eslint_passes_on_every_script_in_the_package():
    if not ESLINT.exists():
        pytest.skip("ESLint is not installed: run `npm ci --prefix .ci` (needs node and npm)")
    if shutil.which("node") is None:
        pytest.skip("ESLint needs node: apt-get install nodejs, then `npm ci --prefix .ci`")
    files = [str(p) for p in _scripts()]
    r = subprocess.run([str(ESLINT), "--config", str(CONFIG), "--max-warnings", "0", "--no-warn-ignored", *files],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"ESLint found problems:\n{r.stdout}{r.stderr}"
