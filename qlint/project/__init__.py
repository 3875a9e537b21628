"""Whole-project analysis: what each module tells the others about its queues (docs/project.md).

`summary` reads a module's summary from CPython's tree, `layout` finds the project root
and module names, `index` resolves imports and follows joins across modules to a fixed
point, `view` is what one module may ask, `context` finds and caches the indexes of the
projects a run touches.
"""
