"""Shared vocabulary below the stages: word lists and helpers that more than one stage reads.

A module here imports only `model`, `errors`, `settings`, `datafile` and other lexicon
modules, never a stage (the layers are in docs/ARCHITECTURE.md, checked by
tests/test_layers.py)."""
