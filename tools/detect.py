"""This machine's GPUs, from what the vendor tools print (pure parsers) and matched to the GPU catalog.

Running the tools is advisor/machine.py's job; here only text goes in and records come out, so tests feed
recorded outputs (tests/data/detect/).
"""

from __future__ import annotations

import csv
import io
import json
import re

from .base import record, spec
from .errors import AdvisorInputError
from .gpus import GPU, get_gpu

MIB = 1024**2
# nvidia-smi reports total memory a little under the marketing size (24576 MiB for a "24 GB" RTX 3090, 23028 MiB
# for a "24 GB" A10): a detected card matches a catalog entry whose total is within this share of it.
MEMORY_MATCH_SHARE = 0.06
NVIDIA_SMI_QUERY = ["nvidia-smi", "--query-gpu=index,name,memory.total,driver_version", "--format=csv,noheader,nounits"]
ROCM_SMI_QUERY = ["rocm-smi", "--showproductname", "--showmeminfo", "vram", "--json"]
APPLE_SYSCTL_QUERY = ["sysctl", "-n", "machdep.cpu.brand_string", "hw.memsize"]


@record
class DetectedGPU:
    index: int
    name: str = spec(description="as the vendor tool prints it")
    vendor: str
    memory_mib: int = spec(description="total memory as the tool reports it (Apple: unified memory)")
    driver: str = ""
    catalog_id: str | None = spec(None, "the catalog GPU it matches, or None when it is not in the catalog")
    note: str = ""


@record
class Machine:
    gpus: list[DetectedGPU]
    source: str = spec(description="which tool the GPUs were read with")
    notes: list[str] = spec(factory=list)

    def group(self) -> tuple[str, int] | None:
        """(catalog id, count) of the GPUs to size for: the largest set of identical catalog cards (most memory in
        total, then most cards); None when no card is in the catalog."""
        counts: dict[str, int] = {}
        for g in self.gpus:
            if g.catalog_id:
                counts[g.catalog_id] = counts.get(g.catalog_id, 0) + 1
        if not counts:
            return None
        return max(counts.items(), key=lambda kv: (get_gpu(kv[0]).memory_gib * kv[1], kv[1]))


def parse_nvidia_smi(text: str) -> list[DetectedGPU]:
    """Rows of `nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader,nounits`
    (a header row or 'MiB' units, as `--format=csv` prints them, are accepted too)."""
    gpus = []
    for row in csv.reader(io.StringIO(text)):
        cells = [c.strip() for c in row]
        if len(cells) < 3 or cells[0].lower() == "index":
            continue
        mem = re.match(r"(\d+)", cells[2])
        if not cells[0].isdigit() or not mem:
            raise AdvisorInputError(f"Unexpected nvidia-smi output line: {','.join(cells)[:120]!r}.")
        gpus.append(DetectedGPU(index=int(cells[0]), name=cells[1], vendor="nvidia", memory_mib=int(mem.group(1)),
                                driver=cells[3] if len(cells) > 3 else ""))
    return gpus


def parse_rocm_smi(text: str) -> list[DetectedGPU]:
    """`rocm-smi --showproductname --showmeminfo vram --json`: {"card0": {"Card Series": ..., "VRAM Total Memory
    (B)": ...}}. Key spellings differ between ROCm releases ('Card series', 'Device Name'), so several are read."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise AdvisorInputError("rocm-smi did not print JSON (is it older than ROCm 3.x?).") from None
    gpus = []
    for key, card in sorted(data.items()):
        m = re.fullmatch(r"card(\d+)", key)
        if not m or not isinstance(card, dict):
            continue
        fields = {k.lower(): str(v) for k, v in card.items()}
        names = [fields[k] for k in ("card series", "device name", "card model") if fields.get(k)]
        name = _amd_name(names)
        total = fields.get("vram total memory (b)", "0")
        gpus.append(DetectedGPU(index=int(m.group(1)), name=name, vendor="amd",
                                memory_mib=int(total) // MIB if total.isdigit() else 0))
    return gpus


def _amd_name(names: list[str]) -> str:
    """The most specific product name: a bracketed marketing name ('Arcturus GL-XL [AMD Instinct MI100]') or the
    first name that the catalog knows."""
    for n in names:
        inner = re.search(r"\[([^\]]*(?:Instinct|Radeon)[^\]]*)\]", n)
        if inner:
            return inner.group(1)
    for n in names:
        if _catalog_by_name(n):
            return n
    return names[0] if names else "AMD GPU"


def parse_apple_sysctl(text: str) -> list[DetectedGPU]:
    """`sysctl -n machdep.cpu.brand_string hw.memsize` on a Mac: 'Apple M3 Max' then the memory in bytes."""
    lines = [x.strip() for x in text.strip().splitlines() if x.strip()]
    if len(lines) < 2 or not lines[0].startswith("Apple") or not lines[1].isdigit():
        return []  # an Intel Mac, or not a Mac: no Apple GPU to size
    return [DetectedGPU(index=0, name=lines[0], vendor="apple", memory_mib=int(lines[1]) // MIB)]


def _catalog_by_name(name: str) -> GPU | None:
    try:
        return get_gpu(name)
    except AdvisorInputError:
        return None


def _memory_matches(gpu: GPU, memory_mib: int) -> bool:
    catalog_mib = gpu.memory_mib_nvidia_smi or gpu.memory_gib * 1024
    return abs(catalog_mib - memory_mib) <= MEMORY_MATCH_SHARE * catalog_mib


def match_catalog(d: DetectedGPU) -> DetectedGPU:
    """The same card with its catalog id, or a note saying why it is not matched. The memory must agree too: an
    'RTX 4060 Ti' of 8 GiB is the 8 GB entry, an M3 Max with 36 GB is not the catalog's 128 GB M3 Max."""
    gib = d.memory_mib / 1024
    tries = [f"{d.name} {round(gib)}gb", d.name]
    named = None
    for text in tries:
        gpu = _catalog_by_name(text)
        if gpu and gpu.vendor == d.vendor:
            named = named or gpu
            if _memory_matches(gpu, d.memory_mib):
                return DetectedGPU(**{**d.__dict__, "catalog_id": gpu.id, "note": ""})
    if named:
        note = (f"{d.name} with {gib:.0f} GiB is not in the catalog (the catalog has {named.id} with "
                f"{named.memory_gib:.0f} GiB); give --gpu with the closest card to size for it.")
    else:
        note = f"{d.name} is not in the GPU catalog (`gpu-advisor gpus` lists it); give --gpu with the closest card."
    return DetectedGPU(**{**d.__dict__, "catalog_id": None, "note": note})


def machine_from(gpus: list[DetectedGPU], source: str, notes: list[str] | None = None) -> Machine:
    matched = [match_catalog(g) for g in gpus]
    notes = list(notes or [])
    ids = {g.catalog_id for g in matched if g.catalog_id}
    if len(ids) > 1:
        notes.append("Mixed GPUs: models are ranked for the largest set of identical cards "
                     "(a model split over unlike cards runs at the pace of the slowest).")
    return Machine(gpus=matched, source=source, notes=notes)
