"""The one place, besides ``Settings``, that touches the process environment: switches that third-party
libraries read from it at import time, set before those libraries are imported.

digestbot's own configuration never comes from here (``Settings`` reads ``DIGESTBOT_*``); these only
keep libraries from doing what digestbot must not do: reach a model hub, or read a ``.env`` file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

DOTENV_SWITCH = "PYTHON_DOTENV_DISABLED"


def offline_model_hub() -> None:
    """Tell huggingface_hub and transformers never to go online (the model is a local directory); an
    operator's explicit setting is kept."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@contextmanager
def without_dotenv() -> Iterator[None]:
    """Import a library that calls ``load_dotenv()`` at import time without it reading a ``.env`` file.

    python-dotenv >= 1.2 skips loading under the switch; for older versions the variables a .env added
    are taken out again. Existing variables are never overridden by load_dotenv.
    """
    before = dict(os.environ)
    os.environ.update({DOTENV_SWITCH: "1"})
    try:
        yield
    finally:
        for name in set(os.environ) - set(before):
            os.environ.pop(name)
        os.environ.update({name: value for name, value in before.items() if name == DOTENV_SWITCH})
