"""The renderer and Diagram: engine lookup (system dot, graphviz-pure, none), formats, saving, errors."""

import os
import shutil
import stat
import sys

import pytest

import tinygraph as tg
from tinygraph.draw import render as render_mod
from tinygraph.draw.render import ENV_VAR, find_engine

SYSTEM_DOT = shutil.which("dot")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SMALL = 'digraph { a [label=<θ &amp; δ>]; a -> b; }\n'


# `engine` (each Graphviz engine in turn) is a fixture in conftest.py.


@pytest.fixture
def no_engine(monkeypatch, tmp_path):
    """A machine with neither dot nor graphviz-pure."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(render_mod, "_pure_candidates", lambda: [])


def _script(tmp_path, name, body):
    p = tmp_path / name
    p.write_text("#!/bin/sh\n" + body + "\n")
    p.chmod(p.stat().st_mode | stat.S_IXUSR)
    return str(p)


def test_graphviz_pure_found_next_to_python_when_not_on_path(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    eng = find_engine()
    assert eng.kind == "graphviz-pure"
    assert os.path.isfile(eng.path)
    assert "pdf" not in eng.formats


def test_system_dot_preferred_when_on_path(monkeypatch):
    if SYSTEM_DOT is None:
        pytest.skip("system Graphviz `dot` is not installed (apt-get install graphviz)")
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert find_engine() == render_mod.Engine(SYSTEM_DOT, "dot")


def test_engine_forced_by_env_var_and_argument(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "graphviz-pure")
    assert find_engine().kind == "graphviz-pure"
    pure = find_engine().path
    monkeypatch.setenv(ENV_VAR, pure)
    assert find_engine() == render_mod.Engine(pure, "graphviz-pure")
    monkeypatch.delenv(ENV_VAR)
    assert find_engine("graphviz-pure").path == pure


def test_env_var_naming_a_missing_program_says_so(monkeypatch, tmp_path):
    missing = str(tmp_path / "no-such-dot")
    monkeypatch.setenv(ENV_VAR, missing)
    with pytest.raises(tg.RenderError) as e:
        find_engine()
    assert ENV_VAR in str(e.value) and "no-such-dot" in str(e.value)


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_both_engines_render_svg_and_png(engine, fmt):
    data = render_mod.render(SMALL, fmt)
    if fmt == "png":
        assert data.startswith(PNG_SIGNATURE)
    else:
        text = data.decode("utf-8")
        assert "<svg" in text and "θ &amp; δ" in text


def test_no_engine_error_says_how_to_get_one(no_engine):
    with pytest.raises(tg.RenderError) as e:
        find_engine()
    msg = str(e.value)
    assert "pip install graphviz-pure" in msg and "apt-get install graphviz" in msg
    assert ".gv" in msg


def test_save_without_engine_keeps_the_dot_text(no_engine, tmp_path):
    d = tg.Diagram(SMALL)
    with pytest.raises(tg.RenderError) as e:
        d.save(tmp_path / "pic.png")
    assert not (tmp_path / "pic.png").exists()
    gv = tmp_path / "pic.gv"
    assert gv.read_text(encoding="utf-8") == SMALL
    assert "pic.gv" in str(e.value) and "pip install graphviz-pure" in str(e.value)
    # an existing .gv is never overwritten
    gv.write_text("mine", encoding="utf-8")
    with pytest.raises(tg.RenderError, match="exists already"):
        d.save(tmp_path / "pic.svg")
    assert gv.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("suffix", [".gv", ".dot", ".GV"])
def test_save_dot_text_needs_no_engine(no_engine, tmp_path, suffix):
    out = tg.Diagram(SMALL).save(tmp_path / f"g{suffix}")
    assert out.read_text(encoding="utf-8") == SMALL


def test_save_picks_format_from_suffix(engine, tmp_path):
    d = tg.Diagram(SMALL)
    svg = d.save(str(tmp_path / "a.svg"))
    assert svg == tmp_path / "a.svg" and "<svg" in svg.read_text(encoding="utf-8")
    assert d.save(tmp_path / "a.png").read_bytes().startswith(PNG_SIGNATURE)


def test_unknown_suffix_lists_the_formats(tmp_path):
    d = tg.Diagram(SMALL)
    for name in ("a.jpg", "noext"):
        with pytest.raises(ValueError) as e:
            d.save(tmp_path / name)
        for suffix in (".svg", ".png", ".pdf", ".gv", ".dot"):
            assert suffix in str(e.value)
    assert not list(tmp_path.iterdir())


def test_save_into_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        tg.Diagram(SMALL).save(tmp_path / "nope" / "a.gv")


@pytest.mark.parametrize("name, error, says", [
    ("", ValueError, "no file name"),
    ("   ", ValueError, "no file name"),
    ("pics", IsADirectoryError, "it is a folder"),
    ("nope/a.svg", FileNotFoundError, "does not exist"),
    ("file.txt/a.svg", NotADirectoryError, "is a file, not a folder"),
    ("noext", ValueError, "no suffix"),
    ("a.svg.", ValueError, "no suffix"),
    ("a.jpeg", ValueError, "suffix '.jpeg' is not one of"),
])
def test_save_to_a_bad_place_says_what_is_wrong(tmp_path, monkeypatch, name, error, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pics").mkdir()
    (tmp_path / "file.txt").write_text("mine")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(error, match=says) as e:
        tg.Diagram(SMALL).save(name)
    assert isinstance(e.value, OSError) or getattr(e.value, "user_facing", False)
    if name.strip():
        assert repr(name) in str(e.value) or "nope" in str(e.value) or "file.txt" in str(e.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before          # nothing made, nothing lost
    assert (tmp_path / "file.txt").read_text() == "mine"
    with pytest.raises(TypeError, match="must be a path"):
        tg.Diagram(SMALL).save(42)


def test_a_failed_save_leaves_the_old_file_as_it_was(tmp_path, monkeypatch, engine):
    import tinygraph.draw.files as files
    folder = tmp_path / "pics"
    folder.mkdir()
    old = folder / "pic.svg"
    old.write_text("the picture I had")
    d = tg.Diagram(SMALL)

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")
    with monkeypatch.context() as m:
        m.setattr(files.os, "replace", full_disk)
        with pytest.raises(OSError, match="No space left on device") as e:
            d.save(old)
    assert "nothing was changed" in str(e.value) and str(old) in str(e.value)
    assert old.read_text() == "the picture I had"
    assert sorted(p.name for p in folder.iterdir()) == ["pic.svg"]       # no temporary file left behind
    # drawing that fails (a broken graph) leaves it too, and keeps the DOT text beside it
    with pytest.raises(tg.RenderError):
        tg.Diagram("digraph { a -> ; }").save(old)
    assert old.read_text() == "the picture I had"
    # a file that may not be written is not replaced
    old.chmod(0o444)
    try:
        if not os.access(old, os.W_OK):              # (root may write anything)
            with pytest.raises(PermissionError, match="not writable"):
                d.save(old)
            assert old.read_text() == "the picture I had"
    finally:
        old.chmod(0o644)
    assert d.save(old) == old and "<svg" in old.read_text()


def test_saved_files_get_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    out = tg.Diagram(SMALL).save(tmp_path / "a.gv")
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_pdf_with_graphviz_pure_is_refused_clearly(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, "graphviz-pure")
    with pytest.raises(tg.RenderError) as e:
        tg.Diagram(SMALL).save(tmp_path / "a.pdf")
    assert "PDF" in str(e.value) and "system Graphviz" in str(e.value)
    assert not (tmp_path / "a.pdf").exists()


def test_pdf_with_system_dot(monkeypatch, tmp_path):
    if SYSTEM_DOT is None:
        pytest.skip("system Graphviz `dot` is not installed (apt-get install graphviz)")
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert tg.Diagram(SMALL).save(tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def test_engine_failure_reports_its_stderr(monkeypatch, tmp_path):
    bad = _script(tmp_path, "dot", "echo 'syntax error in line 1' >&2; exit 3")
    monkeypatch.setenv(ENV_VAR, bad)
    with pytest.raises(tg.RenderError) as e:
        tg.Diagram(SMALL).svg()
    assert "syntax error in line 1" in str(e.value) and "exit code 3" in str(e.value)


def test_engine_timeout_is_an_error_not_a_hang(monkeypatch, tmp_path):
    slow = _script(tmp_path, "dot", "sleep 5")
    monkeypatch.setenv(ENV_VAR, slow)
    d = tg.Diagram(SMALL, timeout=0.3)
    with pytest.raises(tg.RenderError, match="took longer than"):
        d.svg()


def test_jupyter_display(engine):
    d = tg.Diagram(SMALL)
    bundle = d._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml") and "text/plain" in bundle
    assert d._repr_svg_() == bundle["image/svg+xml"]
    assert str(d) == SMALL and "Diagram" in repr(d)


def test_jupyter_display_without_engine(no_engine):
    d = tg.Diagram(SMALL)
    bundle = d._repr_mimebundle_()
    assert "image/svg+xml" not in bundle and "pip install graphviz-pure" in bundle["text/plain"]
    assert d._repr_svg_() is None


def test_diagram_source_must_be_text():
    with pytest.raises(TypeError):
        tg.Diagram(b"digraph {}")


def test_python_executable_dir_is_searched():
    assert os.path.dirname(sys.executable) in [os.path.dirname(p) for p in render_mod._pure_candidates()]
