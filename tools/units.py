"""Units. Bytes internally; GiB (2^30) for people, as nvidia-smi and PyTorch report."""

GIB = 2**30
GB = 10**9

