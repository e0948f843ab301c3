"""Bad bytes and hostile markup never stop a step: decoding, extraction, cleaning, crawl-end learning
(content regions, repeated blocks) and ``migrator extract``; each input limit cuts with a recorded reason."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import lxml.html
import pytest
from bs4.dammit import UnicodeDammit

from migrator.clean.repeated import drop_blocks, learn
from migrator.clean.rules import remove
from migrator.encoding import decode_html, mend_mixed, xml_safe
from migrator.errors import PageError
from migrator.extract import extract
from migrator.extract.region import learn_templates
from migrator.limits import (
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_PAGE_BYTES,
    MAX_PARSE_CHARS,
    bound_markup,
    flatten_nesting,
    looks_binary,
    read_page_file,
)
from migrator.mapping import Config, load_config
from tests.helpers import migrator, migrator_measured
from tests.sites.hostile import gzip_bomb, node_page, wordpress_post

PAGES = Path(__file__).parent / "pages"
#: Characters lxml refuses to hold, as they turn up in old dumps.
HOSTILE_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"]


@pytest.fixture(scope="module")
def moscow() -> Config:
    return load_config(None, timezone="Europe/Moscow")


# -- 1. one place: decoded text is XML compatible ------------------------------------------------------

@pytest.mark.parametrize("char", HOSTILE_CHARACTERS)
def test_xml_safe_leaves_nothing_lxml_refuses(char: str) -> None:
    text = xml_safe(f"<p>до{char}после</p>")
    root = lxml.html.fragment_fromstring("<div></div>")
    root.text = text  # lxml raises ValueError on any character it cannot hold
    assert text in ("<p>допосле</p>", "<p>до после</p>")


@pytest.mark.parametrize("raw", [b"<p>a\x00b</p>", b"<p>a\x0bb</p>", b"<!-- c -->\x0b<p>x</p>", b"\xef\xbf\xbe<p>x</p>"])
def test_decoded_pages_are_xml_compatible(raw: bytes) -> None:
    text = decode_html(raw, "text/html; charset=utf-8").text
    assert text == xml_safe(text)


def test_utf8_page_with_windows_1251_passage_is_mended() -> None:
    body = "<p>Новости науки и техники</p>".encode() + "<p>Старая статья из архива</p>".encode("cp1251")
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert decoded.text == "<p>Новости науки и техники</p><p>Старая статья из архива</p>"
    assert (decoded.source, decoded.evidence["embedded"]) == ("mixed", "cp1251")


def test_windows_1252_passage_is_mended_as_detwingle_would() -> None:
    """bs4's own example (smart quotes beside UTF-8 snowmen), and accented letters, which detwingle leaves
    broken: their bytes (0xC2..0xF4) open UTF-8 sequences, so it skips them."""
    quotes = "☃" * 12 + "<p>“I like snowmen!”</p>"
    body = ("☃" * 12).encode() + "<p>“I like snowmen!”</p>".encode("windows-1252")
    assert mend_mixed(body)[0] == UnicodeDammit.detwingle(body).decode("utf-8") == quotes
    body = "<p>Новости науки и техники</p>".encode() + "<p>café crème, déjà vu</p>".encode("cp1252")
    assert mend_mixed(body) == ("<p>Новости науки и техники</p><p>café crème, déjà vu</p>", "cp1252")


def test_single_encoding_pages_are_not_taken_for_mixed() -> None:
    assert mend_mixed("<p>Старая статья из архива, весь текст в одной кодировке.</p>".encode("cp1251")) is None
    agencies = "<p>Как сообщает агентство «ТАСС», учёные из «МГУ» и «СПбГУ» работают вместе.</p>" * 12
    decoded = decode_html(agencies.encode("cp1251"))  # "С»" and "У»" are valid UTF-8 pairs by chance
    assert (decoded.text, decoded.encoding) == (agencies, "cp1251")
    assert decode_html("<p>Старая статья из архива</p>".encode("cp1251"), "text/html; charset=windows-1251").encoding \
        == "cp1251"


# -- 2. extraction and cleaning ------------------------------------------------------------------------

@pytest.mark.parametrize("inside", ["<!-- c -->\x0b", "<!-- c -->\x01хвост", "\x00", "<p>x\x0cy</p>", "\ud800", "\ufffe"])
def test_drupal_body_with_bad_characters_is_still_an_article(moscow: Config, inside: str) -> None:
    html = node_page(5, "Заголовок статьи", f"<p>Первый абзац статьи, достаточно длинный для текста.</p>{inside}"
                                         "<p>Второй абзац остаётся на месте.</p>")
    result = extract("http://d.test/node/5", html, moscow)
    assert result.kind == "article" and result.article is not None
    assert "Второй абзац остаётся на месте." in result.article.body_text  # a lone surrogate once cut it here


def test_remove_keeps_a_tail_lxml_would_refuse() -> None:
    root = lxml.html.fragment_fromstring("<div><p>a</p><!-- c -->\x0bконец</div>")
    remove(root[1])  # the comment; its tail holds the vertical tab libxml2 let through
    assert root.text_content() == "a конец"


def test_repeated_blocks_of_bodies_stored_with_control_characters() -> None:
    banner = "<p>Подписывайтесь на наш канал\x0b о науке и технике!</p>"
    bodies = [f"<p>Статья номер {n}\x00 о новостях.</p>{banner}" for n in range(6)]
    found = learn(bodies)
    assert list(found) == ["Подписывайтесь на наш канал о науке и технике!"]
    html, removed = drop_blocks(bodies[0], found)
    assert removed == 1 and "Статья номер 0 о новостях." in html


def test_content_regions_learned_from_pages_with_control_characters() -> None:
    pages = [wordpress_post(n, "<!-- more -->\x0b<p>Вставка\x00 из\x1f старой\ud800 базы.</p>") for n in range(6)]
    templates = learn_templates(pages)
    assert len(templates) == 1 and "entry-content" in templates[0].xpath


def test_extract_of_several_pages_with_bad_bytes_keeps_every_article(tmp_path: Path) -> None:
    """``migrator extract`` of one site's pages runs the crawl-end steps among them (regions, repeated blocks)."""
    files = []
    for n in range(6):
        path = tmp_path / f"post-{n}.html"
        path.write_bytes(wordpress_post(n, f"<!-- c -->\x0b<p>Вставка\x00 номер {n} со\x01 старой\x08 базы.</p>").encode())
        files.append(str(path))
    done = migrator("extract", *files, "--timezone", "Europe/Moscow")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["kind"] for r in records] == ["article"] * 6
    for n, record in enumerate(records):
        assert record["title"] == f"Как ухаживать за яблонями, запись {n}"
        assert f"Подкормка номер {n} нужна осенью" in record["body_text"]
        assert f"Вставка номер {n} со старой базы." in record["body_text"]


# -- 3. input limits ------------------------------------------------------------------------------------

def test_too_many_attributes_keep_the_tag_and_say_so(moscow: Config) -> None:
    attributes = " ".join(f"data-a{i}=x" for i in range(100_000))
    html = wordpress_post(1).replace('<p>Яблони', f"<p {attributes}>Яблони", 1)
    result = extract("http://blog.test/post-1/", html, moscow)
    assert result.kind == "article" and "Яблони сорта номер 1" in result.article.body_text
    assert [w.split(":")[0] for w in result.warnings] == ["attributes-dropped"]


def test_deep_nesting_is_flattened_with_its_text(moscow: Config) -> None:
    html = node_page(8, "Глубокая статья", "<div>" * 5000 + "<p>Текст на самом дне разметки страницы.</p>"
                     + "</div>" * 5000 + "<p>Абзац после глубины тоже на месте.</p>")
    result = extract("http://d.test/node/8", html, moscow)
    assert result.kind == "article"
    assert "Текст на самом дне разметки страницы." in result.article.body_text
    assert "Абзац после глубины тоже на месте." in result.article.body_text
    assert [w.split(":")[0] for w in result.warnings] == ["nesting-flattened"]


def test_flatten_nesting_keeps_every_word_and_bounds_depth() -> None:
    html = "<div>" * 1000 + "<p>дно</p>" + "</div>" * 1000 + "<p>после</p>"
    flat, dropped = flatten_nesting(html)
    doc = lxml.html.fromstring(flat)
    assert dropped == 1001 - MAX_DEPTH
    assert doc.text_content() == "днопосле"
    assert max(len(list(el.iterancestors())) for el in doc.iter()) <= MAX_DEPTH + 2  # with lxml's html and body


def test_a_page_of_identical_paragraphs_is_truncated_with_a_reason(moscow: Config) -> None:
    paragraph = "<p>Один и тот же абзац текста повторяется на странице снова и снова.</p>"
    html = wordpress_post(1, paragraph * (20_000_000 // len(paragraph)))
    result = extract("http://blog.test/post-1/", html, moscow)
    assert [w.split(":")[0] for w in result.warnings] == ["page-truncated", "page-truncated"]
    assert f"the first {MAX_PARSE_CHARS:,} parsed" in result.warnings[0]
    assert f"the first {MAX_ELEMENTS:,} kept" in result.warnings[1]


def test_bound_markup_leaves_ordinary_pages_alone() -> None:
    html = (PAGES / "drupal6_article.html").read_text(encoding="utf-8")
    assert bound_markup(html) == (html, [])


@pytest.mark.parametrize("body, binary", [
    (bytes(range(256)) * 64, True),
    (gzip.compress(b"<html>" * 1000), True),
    ("<p>Текст с нулевым\x00 байтом и\x0b управляющими символами.</p>".encode() * 50, False),
    ((PAGES / "archive_cp1251.html").read_bytes(), False),
])
def test_looks_binary(body: bytes, binary: bool) -> None:
    assert looks_binary(body) is binary


# -- 4. migrator extract: one bad file costs only its own record ------------------------------------------

def _bad_files(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.html"
    good.write_text(node_page(3, "Хорошая статья", "<p>Этот абзац статьи должен дойти до записи целиком.</p>"),
                    encoding="utf-8")
    garbage = tmp_path / "garbage.html.gz"
    garbage.write_bytes(b"\x1f\x8b" + b"not gzip at all" * 10)
    zipped = gzip.compress(node_page(4, "Обрезанный архив", "<p>Текст.</p>").encode())
    truncated = tmp_path / "truncated.html.gz"
    truncated.write_bytes(zipped[: len(zipped) // 2])
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip_bomb())
    binary = tmp_path / "image.html"
    binary.write_bytes(bytes(range(256)) * 512)
    return {"good": good, "garbage": garbage, "truncated": truncated, "bomb": bomb, "binary": binary}


def test_read_page_file_raises_page_error_for_each_bad_file(tmp_path: Path) -> None:
    files = _bad_files(tmp_path)
    for name in ("garbage", "truncated", "bomb", "binary"):
        with pytest.raises(PageError, match=str(files[name])):
            read_page_file(files[name])
    assert len(read_page_file(files["good"])) < MAX_PAGE_BYTES
    with pytest.raises(PageError, match="cannot read"):
        read_page_file(tmp_path)  # a directory: unreadable as a page


def test_extract_reports_bad_files_and_extracts_the_others(tmp_path: Path) -> None:
    files = _bad_files(tmp_path)
    order = ["garbage", "good", "truncated", "bomb", "binary"]
    done, peak_mb = migrator_measured("extract", *(str(files[n]) for n in order), "--url", "http://d.test/node/3")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Aborted" not in done.stderr, done.stderr
    assert "4 of 5 files could not be read" in done.stderr
    records = {Path(r["file"]).name: r for r in map(json.loads, done.stdout.splitlines())}
    assert [records[files[n].name]["kind"] for n in order] == ["error", "article", "error", "error", "error"]
    assert records["good.html"]["title"] == "Хорошая статья" and "error" not in records["good.html"]
    assert "broken gzip" in records["garbage.html.gz"]["error"]
    assert "broken gzip" in records["truncated.html.gz"]["error"]
    assert "larger than" in records["bomb.html.gz"]["error"]
    assert "binary" in records["image.html"]["error"]
    assert peak_mb < 300, peak_mb  # the 200 MB bomb never expanded in memory


def test_extract_of_good_files_exits_zero(tmp_path: Path) -> None:
    good = _bad_files(tmp_path)["good"]
    done = migrator("extract", str(good))
    assert done.returncode == 0 and json.loads(done.stdout)["warnings"] == []
