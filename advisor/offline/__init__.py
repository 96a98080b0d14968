"""The offline engine: understands common sizing questions (English and Chinese) without an LLM,
calls the same tools, and answers from templates."""
