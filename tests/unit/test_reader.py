import pytest

from index.errors import InputError
from index.reader import clean_text, read_article


def test_one_line_per_paragraph_when_no_blank_lines():
    assert clean_text("Premier.\nSecond paragraphe.\n") == "Premier.\n\nSecond paragraphe."


def test_blank_lines_separate_paragraphs_and_soft_wraps_join():
    assert clean_text("Une phrase\ncoupée.\n\nAutre.") == "Une phrase coupée.\n\nAutre."


def test_bom_crlf_and_control_characters_are_cleaned(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes("\ufeffBonjour\x07 le monde.\r\nFin.".encode("utf-8"))
    art = read_article(f)
    assert art.text == "Bonjour le monde.\n\nFin."
    assert art.name == "a" and len(art.sha256) == 64


@pytest.mark.parametrize("content, suffix, message", [
    (b"", ".txt", "empty"),
    (b"   \n\n ", ".txt", "empty"),
    (b"\x00\x01\x02binary", ".txt", "binary"),
    (b"<html></html>", ".pdf", "unsupported"),
])
def test_bad_files_raise_clear_errors(tmp_path, content, suffix, message):
    f = tmp_path / f"x{suffix}"
    f.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_article(f)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        read_article(tmp_path)


def test_markdown_markup_is_stripped(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("# Titre\n\nIl a **dit** [ceci](http://x).\n", encoding="utf-8")
    assert read_article(f).text == "Titre\n\nIl a dit ceci."
