"""Each snippet file's doctests start from the state of a fresh process, whatever ran before.

All snippet files run in one pytest process (``nox -s tests``, and the build's doctest stage
for the files it has no passing record of), but a page shows each file's output as the
reader would see it running that file alone. Some snippets change process-wide settings on
purpose, because that is what the page shows: ``make_reproducible()`` turns on
``torch.use_deterministic_algorithms``, the mixed-precision page sets Keras' dtype policy.
Left in place, such a setting changes the output of a later file: with deterministic
algorithms on, ``torch.compile`` recompiles once more on the graph-generation page.

So the Sybil that collects snippet doctests (tests/doc_examples.py) calls ``start_file``
before a file's first example and ``end_file`` after its last. Both drop the snippet modules
imported so far (the next import runs them again, as in a new process), put every setting
below back to what it was when the first snippet file started, and empty the caches that
outlive a call (Dynamo's compiled graphs, Keras' session and layer-name counters). The
frameworks are imported before that first snapshot, so the baseline is theirs as a fresh
process has it: both, or only the one that the run's snippet files can import (a process
that runs the doctests of one torch file never imports TensorFlow, which its doctests
cannot change either; see ``frameworks_used``). For the same reason conftest.py keeps
pytest from importing snippet files at collection.

What is covered is listed in ``_settings``; a setting that a snippet can change and that is
missing here makes the output depend on the order, which the tests catch: the suite runs
every snippet file in the build's order in one process, and a slow test in
tests/test_snippet_isolation.py runs every included file again in the reverse order.
"""

from __future__ import annotations

import os
import random
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The pytest option (conftest.py) that runs the snippet files in the reverse of the build's
# order, for tests/test_snippet_isolation.py.
REVERSED = "--reverse-snippet-order"
# The pytest option (conftest.py) that runs that test even when a record says it passed for
# exactly these files and set-up (tests/reverse_order_record.py).
RERUN_REVERSED = "--rerun-reverse-order"
# The module of a snippet file: snippets.<topic>.<name>_torch, _tf or _jax.
SNIPPET_MODULE = re.compile(r"snippets\.[a-z0-9_]+\.[a-z0-9_]+_(?:torch|tf|jax)")


@dataclass(frozen=True)
class Setting:
    """One process-wide setting: how to read it and how to put a value back."""

    name: str
    read: Callable[[], Any]
    write: Callable[[Any], None]


def _torch_settings() -> list[Setting]:
    import torch
    import torch._dynamo

    def deterministic() -> tuple[bool, bool]:
        return (
            torch.are_deterministic_algorithms_enabled(),
            torch.is_deterministic_algorithms_warn_only_enabled(),
        )

    def set_deterministic(value: tuple[bool, bool]) -> None:
        torch.use_deterministic_algorithms(value[0], warn_only=value[1])

    def set_dynamo_config(saved: dict[str, Any]) -> None:
        # Only what differs: writing a deprecated option, even unchanged, warns.
        now = torch._dynamo.config.get_config_copy()
        for name, value in saved.items():
            if now.get(name) != value:
                setattr(torch._dynamo.config, name, value)

    return [
        Setting("torch default dtype", torch.get_default_dtype, torch.set_default_dtype),
        # None, not "cpu": a default device set explicitly is a mode that Dynamo sees.
        Setting(
            "torch default device",
            torch.get_default_device,
            lambda device: torch.set_default_device(None if device.type == "cpu" else device),
        ),
        Setting("torch grad mode", torch.is_grad_enabled, torch.set_grad_enabled),
        Setting("torch deterministic algorithms", deterministic, set_deterministic),
        Setting("torch anomaly detection", torch.is_anomaly_enabled, torch.set_anomaly_enabled),
        Setting(
            "torch float32 matmul precision",
            torch.get_float32_matmul_precision,
            torch.set_float32_matmul_precision,
        ),
        Setting("torch threads", torch.get_num_threads, torch.set_num_threads),
        Setting(
            "torch print options",
            lambda: dict(vars(torch._tensor_str.PRINT_OPTS)),
            lambda options: torch.set_printoptions(**options),
        ),
        # A generator in a new process starts from a fixed seed, so a file that draws from it
        # without seeding prints the same numbers alone every time, and must here too.
        Setting(
            "torch random generator",
            lambda: bytes(torch.get_rng_state().numpy()),
            lambda state: torch.set_rng_state(
                torch.frombuffer(bytearray(state), dtype=torch.uint8)
            ),
        ),
        Setting("torch._dynamo config", torch._dynamo.config.get_config_copy, set_dynamo_config),
    ]


def _tensorflow_settings() -> list[Setting]:
    import keras
    import tensorflow as tf

    # No public call turns op determinism off again, nor reads the global seed.
    from tensorflow.python.eager import context
    from tensorflow.python.framework import config as tf_config

    def set_determinism(enabled: bool) -> None:
        (tf_config.enable_op_determinism if enabled else tf_config.disable_op_determinism)()

    return [
        Setting(
            "tf.function eager mode",
            tf.config.functions_run_eagerly,
            tf.config.run_functions_eagerly,
        ),
        Setting("tf op determinism", tf_config.is_op_determinism_enabled, set_determinism),
        Setting("tf global seed", context.global_seed, tf.random.set_seed),
        Setting(
            "keras dtype policy",
            lambda: keras.config.dtype_policy().name,
            keras.config.set_dtype_policy,
        ),
        Setting("keras floatx", keras.config.floatx, keras.config.set_floatx),
        Setting("keras epsilon", keras.config.epsilon, keras.config.set_epsilon),
        Setting(
            "keras image data format",
            keras.config.image_data_format,
            keras.config.set_image_data_format,
        ),
        Setting(
            "keras interactive logging",
            keras.config.is_interactive_logging_enabled,
            lambda on: (
                keras.config.enable_interactive_logging
                if on
                else keras.config.disable_interactive_logging
            )(),
        ),
    ]


def _process_settings() -> list[Setting]:
    import numpy as np

    def environ() -> dict[str, str]:
        # pytest names the running test in this variable and removes it itself.
        return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}

    def set_environ(saved: dict[str, str]) -> None:
        for name in set(environ()) - set(saved):
            del os.environ[name]
        os.environ.update(saved)

    def numpy_random() -> tuple:
        name, keys, position, has_gauss, gauss = np.random.get_state()
        return name, keys.tobytes(), position, has_gauss, gauss

    def set_numpy_random(state: tuple) -> None:
        name, keys, position, has_gauss, gauss = state
        np.random.set_state((name, np.frombuffer(keys, np.uint32), position, has_gauss, gauss))

    return [
        Setting("working directory", os.getcwd, os.chdir),
        Setting("environment variables", environ, set_environ),
        Setting("numpy print options", np.get_printoptions, lambda o: np.set_printoptions(**o)),
        Setting("numpy floating-point errors", np.geterr, lambda e: np.seterr(**e)),
        Setting("numpy random state", numpy_random, set_numpy_random),
        Setting("python random state", random.getstate, random.setstate),
    ]


# Each framework whose settings are covered, with the top-level modules that import it.
FRAMEWORKS = {
    "torch": ("torch", "torchvision", "torchao"),
    "tensorflow": ("tensorflow", "keras"),
}
# Modules besides the standard library's and the project's that import neither framework.
# Any other module (jax, lightning, onnx, ...) may import either, so it counts as both.
IMPORTS_NEITHER = ("numpy", "yaml")
_SETTINGS_OF = {"torch": _torch_settings, "tensorflow": _tensorflow_settings}

_settings: list[Setting] = []
_baseline: dict[str, Any] = {}
_covered: set[str] = set()  # the frameworks whose settings are in _settings


def frameworks_used(paths: Iterable[Path]) -> set[str]:
    """The frameworks that the doctests of the snippet files ``paths`` can import: read
    from the imports of each file, of its doctests and of every project module they import,
    directly or not (the modules that a doctest record's key covers)."""
    from site_build.core import doctest_record

    used: set[str] = set()
    for path in paths:
        for source in doctest_record.project_sources(path):
            for name in doctest_record._imported_modules(source):
                top = name.split(".")[0]
                if (
                    top in sys.stdlib_module_names
                    or top in IMPORTS_NEITHER
                    or top in doctest_record.PROJECT_PACKAGES
                ):
                    continue
                named = {f for f, modules in FRAMEWORKS.items() if top in modules}
                used |= named or set(FRAMEWORKS)
            if len(used) == len(FRAMEWORKS):  # all of them: the rest cannot add one
                return used
    return used


def _imported(framework: str) -> bool:
    return any(module in sys.modules for module in FRAMEWORKS[framework])


def ensure_baseline(frameworks: Iterable[str] = tuple(FRAMEWORKS)) -> None:
    """Import ``frameworks`` (by default both) and note every setting, once, before the
    first snippet file. A framework that this process imported already (a test module that
    imports it) is covered too."""
    if _settings:
        return
    wanted = {f for f in FRAMEWORKS if f in set(frameworks) or _imported(f)}
    _settings.extend(_process_settings())
    for framework in FRAMEWORKS:
        if framework in wanted:
            _settings.extend(_SETTINGS_OF[framework]())
            _covered.add(framework)
    _baseline.update({setting.name: setting.read() for setting in _settings})


def changed_settings() -> list[str]:
    """The names of the settings that differ from the baseline now."""
    ensure_baseline()
    return [s.name for s in _settings if s.read() != _baseline[s.name]]


def restore() -> list[str]:
    """Put every setting back to the baseline and empty the frameworks' caches.

    Returns the names of the settings that had changed, for a caller that reports them.
    """
    changed = changed_settings()
    for setting in _settings:
        if setting.name in changed:
            setting.write(_baseline[setting.name])
    if "torch" in _covered:
        import torch._dynamo

        # Compiled graphs and their guards, and recompilation counts, are per process.
        torch._dynamo.reset()
    if "tensorflow" in _covered:
        import keras

        # Keras' layer-name counters, its global settings and TensorFlow's kernel cache.
        # (The garbage collection it would add costs more than it saves between two files.)
        keras.backend.clear_session(free_memory=False)
    if uncovered := [f for f in FRAMEWORKS if f not in _covered and _imported(f)]:
        # Its settings, as the file left them, would reach the next file.
        raise RuntimeError(
            f"a snippet file imported {' and '.join(uncovered)}, which the imports of the "
            "snippet files this run selected do not name, so its settings cannot be put back "
            "for the next file: add the module that imports it to FRAMEWORKS in "
            "tests/framework_state.py"
        )
    return changed


def forget_snippet_modules() -> None:
    """Drop every imported snippet file's module, so that the next import runs it again.

    A file that imports another snippet (``from snippets.mnist.model_torch import ...``)
    then gets that module as a fresh process would, not as an earlier file left it (its
    lists of recorded graphs grown, its compiled functions reset). Support modules
    (``snippets._torchvision_cpu``) and packages stay: they hold no state of a page's own.
    """
    for name in [name for name in sys.modules if SNIPPET_MODULE.fullmatch(name)]:
        del sys.modules[name]
        # `from snippets.graphs import retracing_torch` reads the package's attribute first.
        package, _, module = name.rpartition(".")
        if hasattr(sys.modules.get(package), module):
            delattr(sys.modules[package], module)


def start_file(namespace: dict) -> None:
    """Sybil's setup for a snippet file: it starts as a fresh process would."""
    forget_snippet_modules()
    restore()


def end_file(namespace: dict) -> None:
    """Sybil's teardown: what the file changed does not reach the tests that follow."""
    forget_snippet_modules()
    restore()
