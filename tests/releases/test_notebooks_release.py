"""Self-study notebooks, executed headless with nbclient."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from grader.manifest import REPO_ROOT, load_manifest
from grader.releases import common, notebooks

KATAS = ["q22", "q23"]


def _run(nb: nbformat.NotebookNode, folder: Path) -> str:
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    check = nb.cells[-1]
    return "".join(o.get("text", "") for o in check.outputs if o.output_type == "stream")


def test_every_kata_gets_a_notebook_without_solution(tmp_path: Path) -> None:
    manifest = load_manifest()
    written = notebooks.release(tmp_path, list(manifest.values()))
    assert len(written) == len(manifest)
    for path, exercise in zip(written, manifest.values(), strict=True):
        nb = nbformat.read(str(path), as_version=4)
        assert "pip" in nb.cells[1].source  # the install cell comes first
        solution = common.solution_source(exercise)
        assert solution not in "\n".join(c.source for c in nb.cells)


@pytest.mark.slow
@pytest.mark.parametrize("kata", KATAS)
def test_check_cell_passes_with_the_solution_and_says_todo_untouched(
    tmp_path: Path, kata: str
) -> None:
    exercise = load_manifest()[kata]
    path = notebooks.release(tmp_path, [exercise])[0]
    untouched = nbformat.read(str(path), as_version=4)
    out = _run(untouched, tmp_path)
    assert "not implemented yet" in out and "TODO" in out, out
    solved = nbformat.read(str(path), as_version=4)
    answer = next(c for c in solved.cells if c.metadata.get("kata", {}).get("role") == "answer")
    answer.source = common.strip_future(
        (REPO_ROOT / "solutions" / kata / exercise.file).read_text(encoding="utf-8"))
    out = _run(solved, tmp_path)
    assert "visible checks pass" in out, out
