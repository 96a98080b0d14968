"""Hardware guidance docs and their retrieval index (built in a later issue)."""
