"""One small family of domain errors; front ends render them (CLI: exit 2, one line)."""

from __future__ import annotations


class AdvisorInputError(ValueError):
    """Input the caller can correct. The message says how to fix it."""


class UnknownNameError(AdvisorInputError):
    """A GPU or model name we do not know; the message lists the closest names."""

    def __init__(self, kind: str, name: str, suggestions: list[str], hint: str = "") -> None:
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        close = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown {kind} '{name}'.{close}{(' ' + hint) if hint else ''}")


def closest_names(name: str, choices: list[str], n: int = 5) -> list[str]:
    """Closest catalog names for an error message (difflib is stdlib and fast enough)."""
    import difflib

    key = name.lower().strip()
    hits = difflib.get_close_matches(key, choices, n=n, cutoff=0.45)
    if len(hits) < n:
        # Substring matches catch "a100" -> "a100-80gb-sxm" that difflib ranks low.
        for c in choices:
            if (key in c or c in key) and c not in hits:
                hits.append(c)
            if len(hits) >= n:
                break
    return hits[:n]
