"""Units. Bytes internally; GiB (2^30) for people, as nvidia-smi and PyTorch report."""

GIB = 2**30
MIB = 2**20
GB = 10**9


def gib(n_bytes: float) -> float:
    return n_bytes / GIB


def round_gib(n_bytes: float, digits: int = 2) -> float:
    return round(n_bytes / GIB, digits)
