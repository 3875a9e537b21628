"""Fixes: LibCST transformations that rules offer with their findings (SPEC §4)."""
