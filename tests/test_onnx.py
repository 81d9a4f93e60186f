"""The ONNX backend: described without exporting, named by backend, quantization and file hash, faithful to
sentence-transformers, exported once even when two processes start together, and never mixed with torch."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digestbot.app import build_core, build_embedder
from digestbot.edge.console import samples_dir
from digestbot.embedding.embed import Backend, HashingEmbedder, SentenceTransformerEmbedder
from digestbot.embedding.onnx_embed import OnnxEmbedder, file_sha256
from digestbot.errors import ConfigError
from digestbot.settings import load_settings
from tests.fakes import FAKE_POLICY
from tests.onnx_support import exported
from tests.search_support import new_archive, real_embedder

TEXTS = [
    "Iran held a presidential runoff.",
    "ransomware",
    "Hospitals in Carvenia diverted ambulances after the BlueMarrow attack — café owners, naïve résumés…",
    "",
    # Well past the model's 256-token window: the truncation must match sentence-transformers'.
    " ".join(["The Veloria–Drassk border talks stalled again as both delegations walked out."] * 40),
]


def test_the_onnx_embedder_is_described_without_exporting(tmp_path: Path) -> None:
    embedder = OnnxEmbedder(None, tmp_path)
    assert (embedder.dim, embedder.max_tokens) == (384, 256)
    assert embedder.path.parent == tmp_path and embedder.path.name.endswith("-int8.onnx")
    assert list(tmp_path.iterdir()) == []  # nothing exported, nothing loaded
    assert embedder._runtime is None


def test_name_and_backend_carry_the_quantization_and_the_file_hash(tmp_path: Path) -> None:
    embedder = OnnxEmbedder(None, tmp_path, quantization="fp32")
    embedder.path.write_bytes(b"stands in for an exported model")
    digest = file_sha256(embedder.path)
    assert embedder.backend == Backend("onnx", "fp32", digest)
    torch_name = SentenceTransformerEmbedder().name
    assert embedder.name == f"{torch_name}+onnx-fp32@{digest[:12]}"
    other = OnnxEmbedder(None, tmp_path / "other", quantization="fp32")
    other.path.parent.mkdir()
    other.path.write_bytes(b"another export")
    assert other.name != embedder.name


def _model_dir(tmp_path: Path, modules: list[str], pooling: dict[str, object], tokenizer: bool) -> Path:
    folder = tmp_path / "model"
    (folder / "1_Pooling").mkdir(parents=True)
    entries = [
        {"idx": n, "path": "", "type": f"sentence_transformers.models.{m}"} for n, m in enumerate(modules)
    ]
    (folder / "modules.json").write_text(json.dumps(entries))
    (folder / "config.json").write_text(json.dumps({"hidden_size": 32}))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    if tokenizer:
        (folder / "tokenizer.json").write_text("{}")
    return folder


@pytest.mark.parametrize(
    ("modules", "pooling", "tokenizer", "problem"),
    [
        (["Transformer", "Pooling"], {"pooling_mode_mean_tokens": True}, False, "no tokenizer.json"),
        (["Transformer", "Pooling"], {"pooling_mode_cls_token": True}, True, "not mean pooling"),
        (["Transformer", "Pooling", "Dense"], {"pooling_mode_mean_tokens": True}, True, "Dense"),
    ],
)
def test_pipelines_the_onnx_encoder_cannot_reproduce_are_config_errors(
    tmp_path: Path, modules: list[str], pooling: dict[str, object], tokenizer: bool, problem: str
) -> None:
    folder = _model_dir(tmp_path, modules, pooling, tokenizer)
    with pytest.raises(ConfigError, match=f"{problem}.*embed_backend = 'torch'"):
        OnnxEmbedder(folder, tmp_path / "models")


def test_settings_choose_the_backend_and_the_query_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DIGESTBOT_MODEL_CACHE_DIR")  # the suite's shared export
    onnx = build_embedder(load_settings(data_dir=tmp_path))
    assert isinstance(onnx, OnnxEmbedder) and onnx.query_cache is not None
    assert onnx.path.parent == tmp_path / "index" / "models"
    torch = build_embedder(load_settings(data_dir=tmp_path, embed_backend="torch", query_cache_size=0))
    assert isinstance(torch, SentenceTransformerEmbedder) and torch.query_cache is None


class Int8Hashing(HashingEmbedder):
    """The hashing fake claiming another backend: what the manifest check sees when the backend changes."""

    def __init__(self) -> None:
        super().__init__()
        self.backend = Backend("hashing", "int8", "f" * 64)


def test_an_index_built_by_another_backend_is_rebuilt_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from digestbot.search import SearchEngine

    archive = new_archive(tmp_path)
    SearchEngine(archive, HashingEmbedder(), tmp_path / "index", FAKE_POLICY).ensure_index()
    with caplog.at_level(logging.WARNING, logger="digestbot"):
        status = SearchEngine(archive, Int8Hashing(), tmp_path / "index", FAKE_POLICY).ensure_index()
    assert status.startswith("index rebuilt (built with backend hashing (none), running hashing (int8")
    assert "rebuilding from the store" in caplog.text


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-models")


@pytest.mark.slow
def test_onnx_fp32_encodes_exactly_as_sentence_transformers(models: Path) -> None:
    onnx = exported(models, "fp32").encode(TEXTS)
    torch = real_embedder().encode(TEXTS)
    assert onnx.shape == (len(TEXTS), 384) and onnx.dtype == np.float32
    filled = [row for row, text in enumerate(TEXTS) if text.strip()]
    assert np.min(np.sum(onnx[filled] * torch[filled], axis=1)) >= 0.999
    assert not onnx[TEXTS.index("")].any() and not torch[TEXTS.index("")].any()


@pytest.mark.slow
def test_two_processes_exporting_at_once_leave_one_good_int8_file(models: Path) -> None:
    target = OnnxEmbedder(None, models).path
    script = (
        "import sys; from pathlib import Path; from digestbot.embedding.onnx_export import ensure_exported; "
        "from digestbot.embedding.model_dir import packaged_model_path; "
        "ensure_exported(packaged_model_path(), Path(sys.argv[1]), 'int8')"
    )
    racers = [subprocess.Popen([sys.executable, "-c", script, str(target)]) for _ in range(2)]
    assert [racer.wait(timeout=600) for racer in racers] == [0, 0]
    assert sorted(path.name for path in models.iterdir() if target.name in path.name) == [
        target.name,
        target.name + ".lock",
    ]
    assert not [path for path in models.iterdir() if path.name.startswith(".")]  # no temporary leftovers
    int8, torch = exported(models, "int8").encode(TEXTS), real_embedder().encode(TEXTS)
    filled = [row for row, text in enumerate(TEXTS) if text.strip()]
    assert np.min(np.sum(int8[filled] * torch[filled], axis=1)) >= 0.97  # int8 weights: close, not identical


@pytest.mark.slow
def test_switching_backends_rebuilds_the_index_and_keeps_each_backends_vectors(
    tmp_path: Path, models: Path
) -> None:
    torch_settings = load_settings(data_dir=tmp_path, embed_backend="torch")
    torch_core = build_core(torch_settings, embedder=real_embedder())
    torch_core.ingest([str(samples_dir())])
    hashes = sorted(set(torch_core.engine.snapshot().vectors.hashes))
    onnx = exported(models, "int8")
    onnx_core = build_core(load_settings(data_dir=tmp_path), embedder=onnx)
    status = onnx_core.engine.ensure_index()
    assert "built with backend torch (fp32), running onnx (int8, model file" in status
    stored = {
        name: torch_core.archive.get_vectors(name, hashes) for name in (real_embedder().name, onnx.name)
    }
    assert [len(found) for found in stored.values()] == [len(hashes), len(hashes)]
    first = hashes[0]
    assert 0.95 < float(stored[real_embedder().name][first] @ stored[onnx.name][first]) < 1.0
