"""A look at a submission's source for introspection no kata needs, reported to the instructor.

None of the katas needs frames, the garbage collector, `ctypes`, new processes, or changing
what `keras`, `tf` or `numpy` mean. Code that does is how a submission would try to reach
the grader's own objects, so each use is listed beside the score as a flag for a person to
read. A flag changes no score: the verdicts are protected by other means (see
docs/threat-model.md); this is the instructor's early warning. Parsing only, nothing is run.
"""

from __future__ import annotations

import ast
from pathlib import Path

_MODULES = {
    "gc": "the garbage collector (reaches any object in the process)",
    "ctypes": "ctypes (raw memory and C calls)",
    "_ctypes": "ctypes (raw memory and C calls)",
    "inspect": "inspect (frames and other modules' internals)",
    "multiprocessing": "multiprocessing (new processes)",
    "subprocess": "subprocess (new processes)",
    "_posixsubprocess": "_posixsubprocess (new processes)",
    "signal": "signal (signals to other processes)",
    "socket": "socket (network)",
    "importlib": "importlib (loading other code)",
    "builtins": "builtins (changing Python itself)",
    "pytest": "pytest (the grader's test runner)",
    "grader": "the grader's own modules",
    "tests": "the hidden tests",
    "solutions": "the reference solutions",
}
_ATTRIBUTES = {
    "_getframe": "frame access (sys._getframe)",
    "_current_frames": "frame access (sys._current_frames)",
    "f_back": "frame access (f_back)",
    "f_globals": "frame access (f_globals)",
    "f_locals": "frame access (f_locals)",
    "tb_frame": "frame access (tb_frame)",
    "gi_frame": "frame access (gi_frame)",
    "__builtins__": "changing builtins",
    "__subclasses__": "walking the class hierarchy (__subclasses__)",
    "__globals__": "another function's globals (__globals__)",
    "__code__": "replacing a function's code (__code__)",
    "modules": None,  # only sys.modules, below
    "_exit": "os._exit (ends the process)",
    "system": None,  # only os.system, below
    "fork": "os.fork (new processes)",
    "kill": "os.kill (signals to other processes)",
    "killpg": "os.killpg (signals to other processes)",
}
_LIBRARIES = {"keras", "tf", "tensorflow", "np", "numpy"}


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def scan_source(source: str, filename: str = "<submission>") -> list[str]:
    """Flags for `source`, one line each: 'line N: what it uses'. Unparsable code gives []."""
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return []
    flags: list[tuple[int, str]] = []
    libraries = set(_LIBRARIES)
    for node in ast.walk(tree):  # whatever names keras, tensorflow and numpy go by here
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("keras", "tensorflow", "numpy"):
                    libraries.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                "keras", "tensorflow", "numpy"):
            libraries.update(alias.asname or alias.name for alias in node.names)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in _MODULES:
                    flags.append((line, f"imports {_MODULES[top]}"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top in _MODULES:
                flags.append((line, f"imports {_MODULES[top]}"))
            if node.module == "sys" and any(a.name in ("_getframe", "modules") for a in node.names):
                flags.append((line, "takes frame or module access from sys"))
        elif isinstance(node, ast.Attribute):
            reason = _ATTRIBUTES.get(node.attr)
            root = _root_name(node.value)
            if node.attr == "modules" and root == "sys":
                reason = "sys.modules (other modules' objects)"
            elif node.attr == "system" and root == "os":
                reason = "os.system (new processes)"
            if reason:
                flags.append((line, f"uses {reason}"))
        elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = (node.targets if isinstance(node, (ast.Assign, ast.Delete))
                       else [node.target])
            for target in targets:
                if isinstance(target, (ast.Attribute, ast.Subscript)):
                    root = _root_name(target.value)
                    if root in libraries:
                        flags.append((line, f"changes the library itself ({ast.unparse(target)})"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("setattr", "delattr") and node.args:
                root = _root_name(node.args[0])
                if root in libraries:
                    flags.append((line, f"changes the library itself ({node.func.id} on {root})"))
            elif node.func.id in ("exec", "eval", "compile", "__import__"):
                flags.append((line, f"runs code built at run time ({node.func.id})"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "/proc/" in node.value:
                flags.append((line, "reads /proc (other processes' files)"))
    unique = sorted(set(flags))
    return [f"line {line}: {what}" for line, what in unique]


def scan_file(path: Path) -> list[str]:
    try:
        return scan_source(path.read_text(encoding="utf-8", errors="replace"), str(path))
    except OSError:
        return []
