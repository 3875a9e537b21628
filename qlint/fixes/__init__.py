"""Fixes: LibCST transformations that rules offer with their findings (docs/usage.md, "Fixing")."""
