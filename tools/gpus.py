"""The GPU catalog (tools/data/gpus.json): specs with sources, and name lookup."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from .base import record, spec
from .catalog_io import load_json, norm_key
from .errors import UnknownNameError, closest_names


@record
class Source:
    url: str
    title: str = ""
    fields: list[str] = spec(factory=list)
    verified: bool = True


@record
class Interconnect:
    type: str = spec(description="NVLink 4, Infinity Fabric, ICI, PCIe ...")
    bandwidth_gb_per_s: float | None = spec(None, "per GPU, bidirectional, decimal GB/s")
    pcie: str | None = None


@record
class GPU:
    """One accelerator. Memory in GiB as nvidia-smi reports total (vendor figure elsewhere)."""

    id: str
    name: str
    vendor: Literal["nvidia", "amd", "apple", "google", "intel", "other"]
    kind: str
    architecture: str
    release_year: int | None = None
    aliases: list[str] = spec(factory=list)
    memory_gib: float = spec(description="capacity as nvidia-smi reports total (vendor figure elsewhere)")
    memory_mib_nvidia_smi: int | None = None
    memory_vendor_label: str = ""
    memory_bandwidth_gb_per_s: float = spec(description="decimal GB/s")
    bf16_tflops_dense: float | None = None
    fp16_tflops_dense: float | None = None
    fp8_tflops_dense: float | None = None
    int8_tops_dense: float | None = None
    fp4_tflops_dense: float | None = None
    fp32_tflops: float | None = None
    interconnect: Interconnect | None = None
    tdp_w: float | None = None
    form_factor: str = ""
    gpu_usable_fraction: float = spec(1.0, "share of memory the accelerator may use (Apple: ~0.75 by default)")
    sources: list[Source] = spec(factory=list)
    notes: str = ""

    @property
    def usable_gib(self) -> float:
        return self.memory_gib * self.gpu_usable_fraction

    @property
    def supports_fp8(self) -> bool:
        return bool(self.fp8_tflops_dense)

    @property
    def supports_bf16(self) -> bool:
        return bool(self.bf16_tflops_dense)

    def nvlink_for(self, count: int) -> bool:
        """NVLink between all `count` GPUs? Bridges link only 2 (or 4) cards; beyond that it is PCIe."""
        if not self.has_fast_interconnect:
            return False
        kind = self.interconnect.type.lower()
        if "bridge" in kind:
            return count <= (4 if "4-way" in kind else 2)
        return True

    @property
    def has_fast_interconnect(self) -> bool:
        ic = self.interconnect
        return bool(ic and not ic.type.lower().startswith("pcie") and ic.type.lower() != "none")


@lru_cache(maxsize=1)
def all_gpus() -> tuple[GPU, ...]:
    return tuple(_make_gpu(g) for g in load_json("gpus.json")["gpus"])


def _make_gpu(raw: dict) -> GPU:
    """Catalog entries are checked by the test suite (tests/test_catalogs.py)."""
    fields = dict(raw)
    fields["sources"] = [Source(**s) for s in raw.get("sources", [])]
    if raw.get("interconnect"):
        fields["interconnect"] = Interconnect(**raw["interconnect"])
    return GPU(**fields)


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for g in all_gpus():
        for key in (g.id, g.name, *g.aliases):
            index.setdefault(norm_key(key), g.id)
    return index


DESCRIBED = "described:"  # a device outside the catalog, sized from the figures its owner gave (its id holds them)


@lru_cache(maxsize=1)
def _known_devices() -> tuple[dict, ...]:
    return tuple(load_json("known_devices.json")["devices"])


def known_device(name: str) -> dict | None:
    """A board or card outside the catalog whose bandwidth is on file (tools/data/known_devices.json), by its name."""
    import re

    return next((d for d in _known_devices() if re.search(d["match"], name, re.I)), None)


def described_gpu_id(name: str, memory_gib: float, bandwidth_gb_per_s: float | None = None,
                     tflops: float | None = None, shared_memory: bool = False, base: str | None = None) -> str:
    """The id of a device the catalog lacks, from the person's own figures: 'described:Jetson AGX Orin|64|204.8||1|'.
    `base` is a catalog GPU whose other specs stand in for those not given (a 4090 modded to 48 GB)."""
    fields = (name.replace("|", " ").strip(), f"{memory_gib:g}", f"{bandwidth_gb_per_s:g}" if bandwidth_gb_per_s else "",
              f"{tflops:g}" if tflops else "", "1" if shared_memory else "0", base or "")
    return DESCRIBED + "|".join(fields)


def _described(gpu_id: str) -> GPU:
    """The GPU record a described id stands for. Memory chips come in binary sizes, so '64 GB' is 64 GiB (as the
    catalog's cards: an '80GB' H100 reports 79.6 GiB); shared (unified) memory leaves a quarter to the system, as
    Apple's default GPU limit does; a bandwidth not given is 0 (speed then asks for it)."""
    try:
        name, mem, bw, tflops, shared, base = gpu_id[len(DESCRIBED):].split("|")
        memory = float(mem)
        bandwidth = float(bw) if bw else None
        peak = float(tflops) if tflops else None
    except ValueError:
        raise UnknownNameError("GPU", gpu_id, [], "A described device is 'described:NAME|memory GiB|GB/s|TFLOPS|"
                               "shared 0/1|catalog base'.") from None
    if not (0 < memory <= 4096) or (bandwidth is not None and not 0 < bandwidth <= 1e5) or \
            (peak is not None and not 0 < peak <= 1e5):
        raise UnknownNameError("GPU", gpu_id, [], "Memory must be 0-4096 GiB, bandwidth 0-100,000 GB/s and "
                               "TFLOPS 0-100,000.")
    like = get_gpu(base) if base else None
    known = None if like else known_device(name)
    return GPU(
        id=gpu_id, name=name if f"{memory:g} GB" in name else f"{name} {memory:g} GB", vendor=like.vendor if like else "other", kind=like.kind if like else "described",
        architecture=like.architecture if like else "as described", memory_gib=memory,
        memory_vendor_label=f"{memory:g} GB (as you described it)",
        memory_bandwidth_gb_per_s=bandwidth or (like.memory_bandwidth_gb_per_s if like else 0.0),
        bf16_tflops_dense=peak or (like.bf16_tflops_dense if like else None),
        fp16_tflops_dense=peak or (like.fp16_tflops_dense if like else None),
        fp8_tflops_dense=like.fp8_tflops_dense if like else None, fp32_tflops=like.fp32_tflops if like else None,
        interconnect=like.interconnect if like else None,
        tdp_w=like.tdp_w if like else (known or {}).get("power_w"),  # a board on file: its top power setting
        gpu_usable_fraction=0.75 if shared == "1" else 1.0,
        notes=f"not in the catalog: sized from the figures given ({memory:g} GB"
              + (f", {bandwidth:g} GB/s" if bandwidth else "") + (f", {peak:g} TFLOPS" if peak else "")
              + (", shared with the CPU" if shared == "1" else "") + (f"; other specs as {like.name}" if like else "")
              + ")")


def get_gpu(name: str) -> GPU:
    """Find a GPU by id, name or alias ('4090', 'rtx4090', 'RTX 4090 24GB', 'h100 sxm'), or a described device."""
    if not name or not name.strip():
        raise UnknownNameError("GPU", name or "", [], "Give a GPU name, e.g. 'rtx-4090' or 'h100-sxm'.")
    if name.startswith(DESCRIBED):
        return _described(name)
    index = _index()
    key = norm_key(name)
    for candidate in (key, key.removeprefix("rtx"), "rtx" + key):
        if candidate in index:
            return _by_id()[index[candidate]]
    # several aliases of one GPU can be close: name each GPU once
    suggestions = list(dict.fromkeys(index[k] for k in closest_names(key, list(index), n=12)))[:5]
    raise UnknownNameError("GPU", name, suggestions, "Run `gpu-advisor gpus` to list them all.")


@lru_cache(maxsize=1)
def _by_id() -> dict[str, GPU]:
    return {g.id: g for g in all_gpus()}


def memory_variant(gpu_id: str, memory_gb: int) -> str | None:
    """The catalog entry for the same chip with `memory_gb` of memory ('m3-max', 36 -> 'm3-max-36gb'), or None.
    Only Apple unified-memory chips have memory variants (an 'M3 Max with 36GB' is a 30-core, 300 GB/s part)."""
    gpu = _by_id().get(gpu_id)
    if gpu is None or gpu.kind != "apple_unified":
        return None
    base = gpu_id.rsplit("-", 1)[0] if gpu_id.endswith("gb") else gpu_id
    for candidate in (base, f"{base}-{memory_gb}gb"):
        g = _by_id().get(candidate)
        if g is not None and round(g.memory_gib) == memory_gb:
            return g.id
    return None
