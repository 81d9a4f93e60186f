"""Exporting the model to ONNX once, offline, from its local weights, and caching the file beside the index.

Why not sentence-transformers' own ``export_dynamic_quantized_onnx_model``: it runs on optimum-onnx, whose
releases require transformers < 4.58, while sentence-transformers 6 requires transformers >= 5; the two
cannot be installed together. So the steps it would take are taken here with the libraries underneath it:
sentence-transformers loads the directory (the same loading code as the torch backend), ``torch.onnx``
exports its transformer (token embeddings out; pooling and normalisation stay in the encoder), and
onnxruntime's dynamic quantizer applies the settings of optimum's ``AutoQuantizationConfig.avx512_vnni
(is_static=False)``: int8 weights (symmetric, per channel), uint8 activations, full range, every
integer-op kind.

The export runs in a child process (``python -m digestbot.embedding.onnx_export``), so the serving
process never
imports torch. Two processes starting at once do not both export: a file lock serialises them, the second
finds the file. The file is written under a temporary name and renamed into place, so a crash mid-export
never leaves a truncated model behind. The export is deterministic (same libraries, same bytes), so the
file's hash (part of the model name that stored vectors are keyed by) survives a deleted cache.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import subprocess
import sys
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from digestbot.errors import IndexBuildError

log = logging.getLogger(__name__)

RECIPE = 1  # bump when the export or quantization steps change: a new file name, so new vectors
OPSET = 17
QUANTIZATIONS = ("int8", "fp32")
OUTPUT = "last_hidden_state"
# Traced once on a short batch; the axes stay dynamic.
SAMPLE = ["A short sentence.", "A somewhat longer sentence, with punctuation and a few more words."]


def export_file_name(label: str, digest: str, quantization: str) -> str:
    """``all-MiniLM-L6-v2-1a2b3c4d5e6f-r1-int8.onnx``: model, weights, recipe and quantization."""
    return f"{label}-{digest}-r{RECIPE}-{quantization}.onnx"


def ensure_exported(model_path: Path, target: Path, quantization: str) -> None:
    """Make sure ``target`` holds the exported model, exporting it in a child process when missing."""
    if target.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.with_name(target.name + ".lock")):
        if target.is_file():  # another process exported it while this one waited
            return
        log.info("exporting %s to ONNX (%s) at %s, once", model_path, quantization, target)
        argv = [
            sys.executable,
            "-m",
            "digestbot.embedding.onnx_export",
            str(model_path),
            str(target),
            quantization,
        ]
        done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603  fixed argv
        if done.returncode != 0 or not target.is_file():
            lines = (done.stderr or done.stdout or "no output").strip().splitlines()
            raise IndexBuildError(f"cannot export the model at {model_path} to ONNX: {lines[-1]}")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def export(model_path: Path, target: Path, quantization: str) -> None:
    """Export in this process (imports torch): fp32 ONNX, then int8 if asked, renamed into place."""
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"quantization {quantization!r}: use one of {', '.join(QUANTIZATIONS)}")
    stem = f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}"
    fp32 = target.with_name(f"{stem}.fp32.onnx")
    int8 = target.with_name(f"{stem}.int8.onnx")
    try:
        _export_fp32(model_path, fp32)
        if quantization == "int8":
            _quantize(fp32, int8)
        (int8 if quantization == "int8" else fp32).replace(target)
    finally:
        fp32.unlink(missing_ok=True)
        int8.unlink(missing_ok=True)


def _export_fp32(model_path: Path, path: Path) -> None:
    import torch

    from digestbot.embedding.embed import load_sentence_transformer

    model = load_sentence_transformer(model_path)
    batch = model.tokenizer(SAMPLE, padding=True, return_tensors="pt")
    names = list(batch.keys())
    encoder = _token_embeddings(model[0].auto_model, names)
    with torch.no_grad(), warnings.catch_warnings():
        # The TorchScript exporter warns that it is deprecated and that traced branches are constants;
        # tests/test_onnx.py checks the exported model against sentence-transformers' own output.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            encoder,
            tuple(batch[name] for name in names),
            str(path),
            input_names=names,
            output_names=[OUTPUT],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, OUTPUT]},
            opset_version=OPSET,
            dynamo=False,  # the torch.export exporter needs onnxscript; this one needs nothing more
            do_constant_folding=True,
        )


def _token_embeddings(transformer: Any, names: list[str]) -> Any:
    """The transformer with positional inputs and its token embeddings as the only output (for tracing)."""
    import torch

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *inputs: Any) -> Any:
            return self.transformer(**dict(zip(names, inputs, strict=True))).last_hidden_state

    return TokenEmbeddings().eval()


def _quantize(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        source,
        target,
        per_channel=True,
        reduce_range=False,
        weight_type=QuantType.QInt8,
        extra_options={"WeightSymmetric": True, "ActivationSymmetric": False},
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m digestbot.embedding.onnx_export MODEL_DIR TARGET int8|fp32``, run by ensure_exported."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print("usage: python -m digestbot.embedding.onnx_export MODEL_DIR TARGET int8|fp32", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING)
    try:
        export(Path(args[0]), Path(args[1]), args[2])
    except (OSError, ValueError, RuntimeError, IndexBuildError) as exc:
        print(f"{exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
