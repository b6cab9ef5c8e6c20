"""A learner's progress: which katas pass and how many hints were shown.

Kept in `SUBMISSION/.kata-state.json` (ignored by git), like rustlings' state file.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

STATE_FILE = ".kata-state.json"


@dataclass
class State:
    path: Path
    done: list[str] = field(default_factory=list)
    hints_shown: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, submission: Path) -> State:
        path = submission / STATE_FILE
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return cls(path)
        return cls(path, list(data.get("done", [])), dict(data.get("hints_shown", {})))

    def save(self) -> None:
        data = {"done": self.done, "hints_shown": self.hints_shown}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".kata-state.")
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=2)
        os.replace(tmp, self.path)

    def mark(self, exercise_id: str, passed: bool) -> None:
        if passed and exercise_id not in self.done:
            self.done.append(exercise_id)
        elif not passed and exercise_id in self.done:
            self.done.remove(exercise_id)
