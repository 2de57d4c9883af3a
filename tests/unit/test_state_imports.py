"""The state layer stays free of UI and heavy third-party imports."""

from __future__ import annotations

import json
import subprocess
import sys

MODULES = [
    "cockpit.state.store",
    "cockpit.domain.paths",
    "cockpit.state.migrations",
    "cockpit.state.checklists",
    "cockpit.state.audit",
]


def test_state_modules_import_only_the_standard_library() -> None:
    code = (
        "import json, sys\n"
        f"for m in {MODULES!r}: __import__(m)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(json.loads(done.stdout))
    tops = {m.split(".")[0] for m in loaded} - set(sys.stdlib_module_names)
    # What the interpreter itself adds: the script, setuptools' shim, the editable-install hook.
    tops -= {"__main__", "_distutils_hack"}
    tops = {t for t in tops if not t.startswith("__editable__")}
    assert tops == {"cockpit"}
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)
