"""`make run` serves on 127.0.0.1:8000 unless PORT says otherwise, and says where."""

import os
import shutil
import subprocess

import pytest
from django.conf import settings


def make_run_commands(**env: str) -> str:
    """What `make run` would run (make -n prints the commands without running them)."""
    result = subprocess.run(
        [shutil.which("make") or "make", "-n", "run"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_port_chooses_where_make_run_serves():
    env = {key: value for key, value in os.environ.items() if key != "PORT"}
    os.environ.pop("PORT", None)
    try:
        assert "devserver 127.0.0.1:8000" in make_run_commands()
        chosen = make_run_commands(PORT="8001")
    finally:
        os.environ.clear()
        os.environ.update(env)
    assert "devserver 127.0.0.1:8001" in chosen and "demo --port 8001" in chosen
    assert "8000" not in chosen


def test_the_readme_says_how_to_choose_the_port():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert "PORT=8001 make run" in readme
