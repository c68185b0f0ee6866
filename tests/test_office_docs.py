"""The plan and the synthesis as Word and LibreOffice documents, and Markdown that pandoc reads well.

Each document is read back (python-docx, the ODT's XML) and printed by LibreOffice: the PDF must
name the territory and the levers, number its pages and hold the wheel.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import Pack
from tests.helpers import all_answers, answers_yaml, require_tool
from tests.office_helpers import soffice


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory, pack: Pack) -> dict[str, Path]:
    """plan.docx, plan.odt, synthese.docx, synthese.odt, made by the CLI once for the module."""
    from tests.helpers import invoke

    folder = tmp_path_factory.mktemp("docs")
    one = folder / "figeac.yaml"
    answers = {qid: (i % 5) + 1 for i, qid in enumerate(all_answers(pack, 3))}
    one.write_text(answers_yaml(answers, territory="Pays de Figeac", name="Marie Dupont"), encoding="utf-8")
    group = folder / "atelier"
    group.mkdir()
    for n, role in enumerate(("elu", "elu", "technicien", "technicien", "societe-civile")):
        values = {qid: ((i + 2 * n) % 5) + 1 for i, qid in enumerate(all_answers(pack, 3))}
        (group / f"{n}.yaml").write_text(answers_yaml(values, territory="Pays de Figeac", role=role), encoding="utf-8")
    out = {}
    for name, source in (("plan", one), ("synthese", group)):
        for fmt in ("docx", "odt"):
            path = folder / f"{name}-{fmt}.{fmt}"
            result = invoke("report", str(source), "--output", str(path))
            assert result.exit_code == 0, result.stderr
            out[f"{name}.{fmt}"] = path
    return out


def test_docx_reads_back_with_real_headings_tables_and_the_wheel(documents: dict[str, Path], pack: Pack) -> None:
    import docx

    for name in ("plan.docx", "synthese.docx"):
        doc = docx.Document(str(documents[name]))
        headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
        assert headings[0][0] == "Heading 1" and "Pays de Figeac" in headings[0][1]
        assert any(style == "Heading 2" for style, _ in headings)
        assert len(doc.tables) >= 2
        assert len(doc.inline_shapes) == 1  # the wheel
        section = doc.sections[0]
        assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
        footer = section.footer._element.xml
        assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
        text = "\n".join(
            [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
        )
        for lever in pack.levers:
            assert lever.id in text
        assert doc.core_properties.language == "fr-FR"
    plan = docx.Document(str(documents["plan.docx"]))
    widths = [col.width for col in plan.tables[0].columns]
    assert widths[0] > widths[1]  # the lever names get the room, the numbers do not


def test_odt_has_outline_headings_tables_and_the_picture(documents: dict[str, Path], pack: Pack) -> None:
    for name in ("plan.odt", "synthese.odt"):
        with zipfile.ZipFile(documents[name]) as zf:
            assert zf.read("mimetype") == b"application/vnd.oasis.opendocument.text"
            content = zf.read("content.xml").decode("utf-8")
            styles = zf.read("styles.xml").decode("utf-8")
            assert any(n.startswith("Pictures/") and n.endswith(".png") for n in zf.namelist())
        assert re.search(r'<text:h [^>]*text:outline-level="1"[^>]*>[^<]*Pays de Figeac', content)
        assert 'text:outline-level="2"' in content
        assert "<table:table-header-rows>" in content and "<draw:image" in content
        assert "<text:page-number" in styles and "<text:page-count" in styles and 'fo:page-width="21cm"' in styles
        for lever in pack.levers:
            assert lever.id in content


def test_libreoffice_prints_them_with_the_wheel(documents: dict[str, Path], pack: Pack, tmp_path: Path) -> None:
    """One LibreOffice start converts all four; the PDFs say the territory, the levers, the pages."""
    pdftotext = require_tool("pdftotext")
    pdfimages = require_tool("pdfimages")
    pdftoppm = require_tool("pdftoppm")
    pdfs = soffice(list(documents.values()), "pdf", tmp_path)
    for pdf in pdfs:
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Pays de Figeac" in text and "Page 1 sur" in text
        assert pack.lever("L1").short_title in text
        images = subprocess.run([pdfimages, "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert len(images.strip().splitlines()) >= 3, f"{pdf.name}: no picture"  # two header lines, then the wheel
    subprocess.run(
        [pdftoppm, "-r", "40", "-png", "-f", "1", "-l", "1", str(pdfs[0]), str(tmp_path / "page")], check=True
    )
    assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_markdown_writes_the_wheel_beside_it(tmp_path: Path, pack: Pack, cli: Callable[..., Any]) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(answers_yaml(all_answers(pack, 3), territory="Pays B"), encoding="utf-8")
    out = tmp_path / "plan.md"
    result = cli("report", str(source), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    picture = tmp_path / "plan-roue.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](plan-roue.png)" in out.read_text(encoding="utf-8")
    again = cli("report", str(source), "--output", str(out))
    assert again.exit_code == 2 and "--force" in again.stderr
    out.unlink()
    blocked = cli("report", str(source), "--output", str(out))  # the picture is there: refused too
    assert blocked.exit_code == 2 and "plan-roue.png" in blocked.stderr and not out.exists()
    assert cli("report", str(source), "--output", str(out), "--force").exit_code == 0
    inline = cli("report", str(source), "--format", "md")
    assert "](data:image/png;base64," in inline.stdout


def test_pandoc_makes_a_good_docx_of_the_markdown(tmp_path: Path, pack: Pack, cli: Callable[..., Any]) -> None:
    import docx

    pandoc = require_tool("pandoc")
    source = tmp_path / "a.yaml"
    source.write_text(answers_yaml({q: (i % 5) + 1 for i, q in enumerate(all_answers(pack, 3))}), encoding="utf-8")
    assert cli("report", str(source), "--output", str(tmp_path / "plan.md")).exit_code == 0
    subprocess.run([pandoc, "plan.md", "-o", "plan.docx"], cwd=tmp_path, check=True, capture_output=True)
    doc = docx.Document(str(tmp_path / "plan.docx"))
    assert len(doc.inline_shapes) == 1
    grid = doc.tables[0]._tbl.tblGrid
    widths = [int(col.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w")) for col in grid]
    assert len(set(widths)) > 1 and widths[0] > 2 * widths[1]  # not four equal 25 % columns


@pytest.mark.parametrize("args", [["--help"], ["report", "ANSWERS", "--format", "html"]], ids=["help", "report-html"])
def test_office_libraries_are_imported_only_for_their_formats(args: list[str], tmp_path: Path, pack: Pack) -> None:
    source = tmp_path / "a.yaml"
    source.write_text(answers_yaml(all_answers(pack, 3)), encoding="utf-8")
    argv = [str(source) if a == "ANSWERS" else a for a in args]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cooplevier", *argv], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr[-500:]
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
    for heavy in ("docx", "odf", "PIL", "openpyxl", "markdown_it", "cooplevier.content.grid"):
        assert heavy not in imported, f"{heavy} imported by cooplevier {' '.join(args)}"


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_a_territory_of_2000_characters_still_makes_a_document(
    tmp_path: Path, pack: Pack, cli: Callable[..., Any], fmt: str
) -> None:
    """Word keeps at most 255 characters in a document's title property: the pages keep the whole name."""
    territory = "Communauté de communes " + "du Val " * 282
    source = tmp_path / "a.yaml"
    source.write_text(answers_yaml(all_answers(pack, 3), territory=territory[:2000]), encoding="utf-8")
    out = tmp_path / f"plan.{fmt}"
    result = cli("report", str(source), "--format", fmt, "--output", str(out))
    assert result.exit_code == 0, result.stderr
    if fmt == "docx":
        import docx  # type: ignore[import-untyped]

        document = docx.Document(str(out))
        assert len(document.core_properties.title) == 255
        assert any(territory[:2000].strip() in p.text for p in document.paragraphs)


def test_sub_lists_stay_sub_lists_in_word_and_libreoffice() -> None:
    """« Ce que dit le document » has titled items with their own sub-lists: never run into one paragraph."""
    import io

    import docx  # type: ignore[import-untyped]

    from cooplevier.report.office.document import from_markdown
    from cooplevier.report.office.docx import to_docx
    from cooplevier.report.office.odt import to_odt

    md = "1. Premier\n2. Second\n   - sous A\n   - sous B\n3. Troisième\n\n- *Titre*\n  - Un\n  - Deux\n- Autre\n"
    doc = from_markdown(md)
    numbered, _bullets = doc.blocks
    assert [
        (level, "".join(r.text for r in runs)) for level, runs in zip(numbered.levels, numbered.items, strict=True)
    ] == [  # type: ignore[union-attr]
        (0, "Premier"),
        (0, "Second"),
        (1, "sous A"),
        (1, "sous B"),
        (0, "Troisième"),
    ]
    paragraphs = [(p.style.name, p.text) for p in docx.Document(io.BytesIO(to_docx(doc))).paragraphs]
    assert ("List", "3.\tTroisième") in paragraphs and ("List Bullet 2", "sous B") in paragraphs
    assert ("List Bullet", "Titre") in paragraphs and ("List Bullet 2", "Un") in paragraphs
    with zipfile.ZipFile(io.BytesIO(to_odt(doc))) as zf:
        content = zf.read("content.xml").decode("utf-8")
    # the sub-list sits inside the item it belongs to
    assert re.search(
        r"<text:list-item><text:p[^>]*>(<text:span[^>]*>)?Titre(</text:span>)?</text:p><text:list><text:list-item><text:p[^>]*>Un<",
        content,
    )


def test_table_rows_are_never_cut_across_pages(documents: dict[str, Path]) -> None:
    for name, path in documents.items():
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("word/document.xml" if path.suffix == ".docx" else "content.xml").decode("utf-8")
        if path.suffix == ".docx":
            assert xml.count("<w:tr>") + xml.count("<w:tr ") == xml.count("<w:cantSplit/>") > 0, name
        else:
            assert 'fo:keep-together="always"' in xml and "<table:table-row>" not in xml, name
