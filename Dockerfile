# digestbot: Slack + Teams + scheduler in one process. Build from the repo alone:
#   docker build -t digestbot . && docker run --env-file digestbot.env -p 3000:3000 -v digestbot-data:/data digestbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    DIGESTBOT_DATA_DIR=/data \
    DIGESTBOT_HOST=0.0.0.0 \
    DIGESTBOT_PORT=3000

WORKDIR /app

# CPU-only torch first, from PyTorch's CPU index: the default wheel pulls several GB of CUDA packages.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

COPY pyproject.toml README.md ./
COPY src ./src
COPY config ./config
RUN pip install . \
    && python -c "import torch; assert not torch.version.cuda, 'CUDA torch slipped in'"

RUN useradd --create-home --uid 10001 digestbot \
    && mkdir -p /data \
    && chown digestbot:digestbot /data
USER digestbot
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"DIGESTBOT_PORT\"]}/healthz', timeout=4)" || exit 1

CMD ["digestbot", "serve"]
