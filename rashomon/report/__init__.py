"""Renderings of rashomon's records for people and tools (JSON, JSONL, text, Markdown)."""
