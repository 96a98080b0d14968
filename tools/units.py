"""Units. Bytes internally; GiB (2^30) for people, as nvidia-smi and PyTorch report."""

GIB = 2**30
MIB = 2**20
GB = 10**9


def gib(n_bytes: float) -> float:
    return n_bytes / GIB

