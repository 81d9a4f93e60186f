"""Start-up stays light: commands that never search do not import the model stack (torch alone takes seconds
and hundreds of MB), and a question answered on the ONNX backend never imports torch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from digestbot.edge.console import samples_dir
from digestbot.parse import parse_document
from digestbot.store import Archive, Database
from tests.onnx_support import exported

MODEL_STACK = ("torch", "sentence_transformers", "transformers", "faiss", "onnxruntime")
SAMPLE = "2025-03-04-weekly-security-digest.txt"


def imported_by(argv: list[str], data: Path, extra: dict[str, str] | None = None) -> set[str]:
    """Top-level packages a ``digestbot`` process imports (``python -X importtime``); it must succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    command = [sys.executable, "-X", "importtime", "-m", "digestbot", "--data-dir", str(data), *argv]
    done = subprocess.run(command, capture_output=True, text=True, env={**env, **(extra or {})}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines[1:]}


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    """A data dir holding one bundled sample issue, stored without the model (nothing is embedded)."""
    path = samples_dir() / SAMPLE
    issue = parse_document(path.read_bytes(), source=str(path), fmt="text")
    Archive(Database(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}")).save_issue(issue, source=str(path))
    return tmp_path


@pytest.mark.parametrize("argv", [["--help"], ["issues"], ["issues", "--json"], ["show", "2025-03-04"]])
def test_commands_that_never_search_never_import_the_model_stack(archive_dir: Path, argv: list[str]) -> None:
    modules = imported_by(argv, archive_dir)
    assert "typer" in modules  # the import log was read
    assert modules & set(MODEL_STACK) == set()


@pytest.mark.slow
def test_a_question_on_the_onnx_backend_never_imports_torch(
    archive_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    models = tmp_path_factory.mktemp("lazy-models")
    exported(models, "int8")  # exported beforehand, as any start after the first finds it
    modules = imported_by(
        ["ask", "ransomware", "--json"], archive_dir, {"DIGESTBOT_MODEL_CACHE_DIR": str(models)}
    )
    assert {"onnxruntime", "tokenizers", "faiss"} <= modules
    assert modules & {"torch", "sentence_transformers", "transformers"} == set()
