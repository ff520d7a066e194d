import sys
from pathlib import Path

# Test helpers (explorer_support, browser_support) import as plain modules.
sys.path.insert(0, str(Path(__file__).resolve().parent))
