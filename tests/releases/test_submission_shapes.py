"""`kata grade` takes qN/<file>.py folders, flat folders, zips of either, and notebooks."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from grader.manifest import REPO_ROOT, load_manifest
from grader.releases import notebooks
from grader.staging import stage_submission

MANIFEST = load_manifest()
KATAS = [MANIFEST[q] for q in ("q17", "q22")]


def _staged(path: Path) -> tuple[dict[str, bytes], str]:
    staged = stage_submission(path, KATAS)
    files = {p.relative_to(staged.folder).as_posix(): p.read_bytes()
             for p in staged.folder.rglob("*") if p.is_file()}
    return files, "\n".join(staged.ignored)


def _solution(q: str) -> bytes:
    return (REPO_ROOT / "solutions" / q / MANIFEST[q].file).read_bytes()


def test_flat_folder_maps_file_names_to_katas(tmp_path: Path) -> None:
    (tmp_path / "custom_dense.py").write_bytes(_solution("q17"))
    (tmp_path / "activations.py").write_bytes(_solution("q22"))
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "conftest.py").write_text("boom")
    files, ignored = _staged(tmp_path)
    assert files == {"q17/custom_dense.py": _solution("q17"),
                     "q22/activations.py": _solution("q22")}
    assert "notes.txt" in ignored and "conftest.py" in ignored


def test_zip_of_a_folder_and_its_traps(tmp_path: Path) -> None:
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("mywork/q17/custom_dense.py", _solution("q17"))
        handle.writestr("mywork/activations.py", _solution("q22"))
        handle.writestr("../evil.py", "x = 1")
        link = zipfile.ZipInfo("mywork/q22/link.py")
        link.external_attr = (0o120777) << 16
        handle.writestr(link, "/etc/passwd")
    files, ignored = _staged(archive)
    assert files == {"q17/custom_dense.py": _solution("q17"),
                     "q22/activations.py": _solution("q22")}
    assert "outside the archive" in ignored and "symbolic link" in ignored


def test_notebooks_become_modules_from_their_answer_cells(tmp_path: Path) -> None:
    written = notebooks.release(tmp_path / "nb", KATAS)
    nb = json.loads(written[0].read_text())
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("kata", {}).get("role") == "answer":
            cell["source"] = _solution("q17").decode()
    written[0].write_text(json.dumps(nb))
    files, _ = _staged(tmp_path / "nb")
    assert files["q17/custom_dense.py"].decode().strip() == _solution("q17").decode().strip()
    assert b"NotImplementedError" in files["q22/activations.py"]
    assert b"_kata_check" not in files["q22/activations.py"]
    single, _ = _staged(written[0])
    assert set(single) == {"q17/custom_dense.py"}


def test_what_cannot_be_mapped_is_said(tmp_path: Path) -> None:
    (tmp_path / "homework.ipynb").write_text("{}")
    (tmp_path / "q22.ipynb").write_text("not json")
    _, ignored = _staged(tmp_path)
    assert "homework.ipynb" in ignored and "not a readable notebook" in ignored
