"""Queue facts of one module: computed once, read by every rule."""
