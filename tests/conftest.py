import sys
from pathlib import Path

# Tests import helpers as `tests.…` from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
