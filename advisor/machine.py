"""Read this machine's GPUs: NVIDIA (nvidia-smi, or NVML when nvidia-smi is not on PATH), AMD (rocm-smi), Apple
Silicon (sysctl). Parsing and catalog matching are pure (tools/detect.py); this module only runs the tools.

"This machine" means the machine the advisor runs on: the CLI always; the app and the chat only when they run
locally (the app bound to a loopback address). A server's GPUs are not its visitors' GPUs, so remote front ends
ask which GPU the user has instead (`local_machine`).
"""

from __future__ import annotations

import platform
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from tools.detect import (
    APPLE_SYSCTL_QUERY,
    NVIDIA_SMI_QUERY,
    ROCM_SMI_QUERY,
    DetectedGPU,
    Machine,
    machine_from,
    parse_apple_sysctl,
    parse_nvidia_smi,
    parse_rocm_smi,
)
from tools.errors import AdvisorInputError

TOOL_TIMEOUT_S = 10.0  # nvidia-smi can take seconds on a cold driver; a hung one must not hang the advisor
_LOCAL: ContextVar[bool | None] = ContextVar("gpu_advisor_local_machine", default=None)
_PROCESS_LOCAL = [False]  # the app sets it once at start-up when it binds to loopback (answers run on worker threads)


@contextmanager
def local_machine(allowed: bool = True) -> Iterator[None]:
    """Within this block "my machine" means the GPUs of the machine the advisor runs on."""
    token = _LOCAL.set(allowed)
    try:
        yield
    finally:
        _LOCAL.reset(token)


def set_process_local(allowed: bool) -> None:
    """For the whole process (the app, bound to a loopback address): "my machine" is this machine."""
    _PROCESS_LOCAL[0] = bool(allowed)


def is_local() -> bool:
    value = _LOCAL.get()
    return _PROCESS_LOCAL[0] if value is None else value


def _run(cmd: list[str]) -> str | None:
    """The tool's stdout, or None when it is missing, fails or hangs (then the next tool is tried)."""
    if not shutil.which(cmd[0]):
        return None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout if out.returncode == 0 and out.stdout.strip() else None


def _nvml() -> list[DetectedGPU] | None:
    """NVML through nvidia-ml-py (`pip install nvidia-ml-py`), an optional import."""
    try:
        import pynvml
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
    except Exception:  # noqa: BLE001 - no driver: NVML raises its own error family
        return None
    try:
        driver = pynvml.nvmlSystemGetDriverVersion()
        gpus = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            h = pynvml.nvmlDeviceGetHandleByIndex(i)
            name = pynvml.nvmlDeviceGetName(h)
            gpus.append(DetectedGPU(index=i, name=name.decode() if isinstance(name, bytes) else name, vendor="nvidia",
                                    memory_mib=int(pynvml.nvmlDeviceGetMemoryInfo(h).total) // 1024**2,
                                    driver=driver.decode() if isinstance(driver, bytes) else str(driver)))
        return gpus
    except Exception:  # noqa: BLE001 - a half-working driver: fall back to the other tools
        return None
    finally:
        try:
            pynvml.nvmlShutdown()
        except Exception:  # noqa: BLE001
            pass


@cache
def detect_machine() -> Machine:
    """The GPUs of this machine, each matched to the catalog; an empty list (with a note) when none is found.
    Read once per process (GPUs do not come and go while it runs; `detect_machine.cache_clear()` reads again)."""
    tried = []
    out = _run(NVIDIA_SMI_QUERY)
    tried.append("nvidia-smi")
    if out:
        try:
            return machine_from(parse_nvidia_smi(out), "nvidia-smi")
        except AdvisorInputError:
            pass
    gpus = _nvml()
    tried.append("NVML (nvidia-ml-py)")
    if gpus:
        return machine_from(gpus, "NVML")
    out = _run(ROCM_SMI_QUERY)
    tried.append("rocm-smi")
    if out:
        try:
            return machine_from(parse_rocm_smi(out), "rocm-smi")
        except AdvisorInputError:
            pass
    if platform.system() == "Darwin":
        out = _run(APPLE_SYSCTL_QUERY)
        tried.append("sysctl")
        if out and (gpus := parse_apple_sysctl(out)):
            return machine_from(gpus, "sysctl")
    return Machine(gpus=[], source="none", notes=[
        f"No GPU found (tried {', '.join(tried)}). Name your GPU instead: --gpu rtx-4090 (`gpu-advisor gpus` "
        "lists the catalog)."])
