"""Sources hold their text: extraction of each file type, the add and correct pages,
numbered paragraphs, coding from the text, and excerpts checked against it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from negotiations.models import Citation, Position, Source
from negotiations.text.excerpts import (
    body_paragraphs,
    excerpt_found,
    locator_for,
    locator_numbers,
    mentions,
    numbered_blocks,
    paragraphs_with,
    read_paragraphs,
    split_paragraphs,
)
from negotiations.text.extraction import ExtractionError, extract_text
from tests.factories import (
    docx_bytes,
    make_source,
    new_position_data,
    pdf_bytes,
    source_data,
    with_reason,
)

TEXT = (
    "Baku demands the “Zangezur corridor” without Armenian checks.\n\n"
    "Yerevan answers that   any route\nstays under its sovereignty.\n\n"
    "The talks resume in   March."
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


def sources_now():
    return (Source.objects.count(), Source.history.count())


# --- excerpts (pure) ------------------------------------------------------------------------


def test_an_excerpt_copied_from_the_text_is_found():
    assert excerpt_found("Yerevan answers that any route", TEXT)


def test_an_excerpt_with_a_changed_word_is_not_found():
    assert not excerpt_found("Yerevan answers that every route", TEXT)
    assert not excerpt_found("yerevan answers", TEXT)  # letter case counts
    assert not excerpt_found("   ", TEXT)


def test_whitespace_and_line_breaks_do_not_count():
    assert excerpt_found("  answers that any\n route stays\tunder ", TEXT)
    assert excerpt_found("under its sovereignty. The talks", TEXT)  # spans paragraphs
    assert excerpt_found("answers\u00a0that", TEXT)  # a non-breaking space


def test_curly_and_straight_quotes_are_the_same_but_dashes_are_not():
    assert excerpt_found('the "Zangezur corridor" without', TEXT)
    assert excerpt_found("the “Zangezur corridor” without", TEXT.replace("“", '"'))
    assert excerpt_found("Armenia’s", "Armenia's position")
    assert not excerpt_found("peace -- now", "peace — now")


def test_paragraphs_are_blocks_between_blank_lines_or_else_lines():
    assert split_paragraphs(TEXT) == [
        "Baku demands the “Zangezur corridor” without Armenian checks.",
        "Yerevan answers that any route stays under its sovereignty.",
        "The talks resume in March.",
    ]
    assert split_paragraphs("One.\r\nTwo.\n\n\n") == ["One.", "Two."]
    assert split_paragraphs("") == []


def test_titles_and_headings_are_shown_but_not_numbered():
    text = (
        "Is Azerbaijan interested in peace?\n\nThe immediate aftermath\n\n"
        "After the takeover, hopes rose.\n\nNo.\n\nHe said: “We will sign.”\n\n"
        "Azerbaijan’s ever-changing demands\n\nFive months later, nothing."
    )
    assert numbered_blocks(text) == [
        (None, "Is Azerbaijan interested in peace?"),
        (None, "The immediate aftermath"),
        (1, "After the takeover, hopes rose."),
        (2, "No."),
        (3, "He said: “We will sign.”"),
        (None, "Azerbaijan’s ever-changing demands"),
        (4, "Five months later, nothing."),
    ]
    assert body_paragraphs(text)[3] == "Five months later, nothing."


def test_the_locator_names_the_paragraphs_an_excerpt_lies_in():
    paragraphs = split_paragraphs(TEXT)
    assert locator_for(paragraphs_with("any route", paragraphs)) == "para. 2"
    assert locator_for(paragraphs_with("sovereignty. The talks", paragraphs)) == "paras. 2–3"
    assert paragraphs_with("not there", paragraphs) == []
    assert locator_for([]) == ""


def test_an_alias_is_found_as_a_whole_word_only():
    named = [("corridor", ["Zangezur corridor", "TRIPP"]), ("claims", ["claims"])]
    assert mentions("talks on the zangezur   corridor", named) == ["corridor"]
    assert mentions("the TRIPPLE route; no claimsless text", named) == []


def test_an_alias_in_capitals_is_found_only_in_capitals():
    """Short names are capitals: "DE" (Germany) must not be read in "de facto", nor
    "US" in "let us"; a lower-case alias still ignores case."""
    named = [("germany", ["Germany", "DE"]), ("us", ["United States", "US"]), ("eu", ["EU"])]
    assert mentions("a de facto corridor; let us see; the Eu", named) == []
    assert mentions("DE and the US agreed", named) == ["germany", "us"]
    assert mentions("what GERMANY said", named) == ["germany"]


def test_a_locator_names_its_paragraph_numbers_back():
    for numbers in ([4], [2, 3], [7, 8, 9]):
        assert locator_numbers(locator_for(numbers)) == numbers
    assert locator_numbers("paras. 2-3") == [2, 3]
    assert locator_numbers("p. 3") == locator_numbers("lead") == locator_numbers("") == []


def test_paragraph_rows_mark_cited_passages_and_list_uncoded_mentions():
    named = [("corridor", ["Zangezur corridor"]), ("route", ["route"])]
    rows = read_paragraphs(numbered_blocks(TEXT), ['"Zangezur corridor"'], named)
    assert rows[0].cited and rows[0].uncoded_mentions == []
    assert ("“Zangezur corridor”", True) in rows[0].pieces
    assert "".join(words for words, _ in rows[0].pieces) == rows[0].text
    assert not rows[1].cited and rows[1].uncoded_mentions == ["route"]
    assert rows[2].pieces == [(rows[2].text, False)] and rows[2].issues == []


# --- extraction of each file type -------------------------------------------------------------


def test_a_text_file_is_read_as_utf8_or_utf16():
    assert extract_text("a.txt", "Ереван\n\nBaku".encode()) == "Ереван\n\nBaku"
    assert extract_text("a.TXT", "Ереван".encode("utf-16")) == "Ереван"
    with pytest.raises(ExtractionError, match="not UTF-8"):
        extract_text("a.txt", "Müller".encode("latin-1"))


def test_a_web_page_gives_its_article_text():
    page = (
        "<html><head><title>T</title></head><body><nav>Home | About</nav><article>"
        "<h1>Talks</h1><p>Baku demands the corridor without any checks at the border, "
        "the minister said on Tuesday in a long interview.</p>"
        "<p>Yerevan answers that any route stays under its sovereignty and law.</p>"
        "</article></body></html>"
    )
    text = extract_text("page.html", page.encode())
    assert "Baku demands the corridor without any checks" in text
    assert "Yerevan answers that any route stays under its sovereignty" in text


def test_a_word_document_gives_its_paragraphs():
    data = docx_bytes(["First paragraph.", "", "Second – with Ереван."])
    assert extract_text("a.docx", data) == "First paragraph.\n\nSecond – with Ереван."


def test_a_pdf_gives_its_text():
    text = extract_text("a.pdf", pdf_bytes(["Baku demands the corridor.", "Talks resume."]))
    assert "Baku demands the corridor." in text
    assert "Talks resume." in text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.exe", b"MZ", "not a file type Redline reads"),
        ("noname", b"x", "not a file type Redline reads"),
        ("a.docx", b"plain text renamed", "not a Word"),
        ("a.pdf", b"%PDF-1.4 broken", "could not be read as a PDF"),
        ("a.txt", b"   \n\n ", "No text found"),
        ("a.html", b"<html><body></body></html>", "No text found"),
    ],
)
def test_an_unreadable_file_gets_a_message(name, data, message):
    with pytest.raises(ExtractionError, match=message):
        extract_text(name, data)


# --- the add and correct pages --------------------------------------------------------------


def test_an_analyst_adds_a_source_with_pasted_text(client, analyst, db):
    client.force_login(analyst)
    data = source_data(text=TEXT, reliability_reason="Official transcript")
    response = client.post(reverse("negotiations:source_add"), data)
    source = Source.objects.get(title=data["title"])
    assert response.status_code == 302 and response.url == source.get_absolute_url()
    assert (source.reliability, source.language, source.outlet) == ("B", "en", "MFA")
    assert str(source.partial_date) == "19 Jan 2024"
    assert len(source.paragraphs) == 3
    record = source.history.get()
    assert (record.history_user, record.history_change_reason) == (analyst, "Added a source")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reliability": ""}, "This field is required"),
        ({"language": ""}, "This field is required"),
        ({"language": "English"}, "Give a language code such as en"),
        ({"kind": ""}, "This field is required"),
        ({"when": "Smarch 2024"}, "Cannot read"),
        ({"text": "x" * 500_001}, "at most 500000 characters"),
    ],
)
def test_a_source_without_a_chosen_grade_or_language_is_refused(
    client, analyst, db, overrides, message
):
    client.force_login(analyst)
    before = sources_now()
    response = client.post(reverse("negotiations:source_add"), source_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert sources_now() == before


def test_the_new_source_form_preselects_no_grade_and_no_language(client, analyst, db):
    client.force_login(analyst)
    page = client.get(reverse("negotiations:source_add")).content.decode()
    assert '<option value="" selected>— choose —</option>' in page
    assert 'name="language" value=' not in page


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("talk.txt", TEXT.encode()),
        ("talk.html", f"<html><body><article><p>{TEXT}</p></article></body></html>".encode()),
        ("talk.docx", docx_bytes(split_paragraphs(TEXT))),
        ("talk.pdf", pdf_bytes(["Yerevan answers that any route"])),
    ],
)
def test_an_uploaded_file_gives_the_text_and_is_kept(client, analyst, db, name, data):
    client.force_login(analyst)
    response = client.post(
        reverse("negotiations:source_add"), source_data(upload=upload(name, data))
    )
    assert response.status_code == 302
    source = Source.objects.get()
    assert "Yerevan answers that any route" in " ".join(source.text.split())
    assert source.file.name.endswith(name.rsplit(".", 1)[1])
    with source.file.open("rb") as kept:
        assert kept.read() == data
    download = client.get(reverse("negotiations:source_file", args=[source.uid]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("talk.exe", b"MZ", "is not a file type Redline reads"),
        ("talk.pdf", b"not a pdf", "could not be read as a PDF"),
        ("big.txt", b"a" * 2048, "a source file can be at most 1.0"),
    ],
)
def test_a_bad_file_gets_a_message_at_the_field_and_nothing_is_saved(
    client, analyst, db, settings, name, data, message
):
    settings.SOURCE_FILE_MAX_SIZE = 1024
    client.force_login(analyst)
    before = sources_now()
    response = client.post(
        reverse("negotiations:source_add"), source_data(upload=upload(name, data))
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert sources_now() == before
    assert not (settings.MEDIA_ROOT / "sources").exists()


def test_a_reader_cannot_add_or_correct_a_source(client, reader, world):
    client.force_login(reader)
    before = sources_now()
    assert client.post(reverse("negotiations:source_add"), source_data()).status_code == 403
    edit = reverse("negotiations:source_edit", args=[world["source"].uid])
    assert client.post(edit, source_data(world["source"], title="Renamed")).status_code == 403
    assert sources_now() == before


def test_an_analyst_corrects_a_source_with_a_reason_and_history(client, analyst, world):
    client.force_login(analyst)
    source = world["source"]
    data = source_data(source, reliability="C", language="hy", change_reason="graded")
    response = client.post(reverse("negotiations:source_edit", args=[source.uid]), data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.reliability, source.language, source.version) == ("C", "hy", 2)
    latest = source.history.first()
    assert (latest.history_user, latest.history_change_reason) == (analyst, "graded")
    assert latest.prev_record.reliability == "F"


def test_a_stale_source_correction_gets_the_conflict_page(client, analyst, world):
    client.force_login(analyst)
    source = world["source"]
    data = source_data(source, title="Mine")
    source.outlet = "Theirs"
    with_reason(source)
    response = client.post(reverse("negotiations:source_edit", args=[source.uid]), data)
    assert response.status_code == 409
    source.refresh_from_db()
    assert (source.title, source.outlet) == ("Interview with the president", "Theirs")


# --- the source page ---------------------------------------------------------------------------


def test_the_source_page_shows_the_text_as_numbered_escaped_paragraphs(client, reader, world):
    source = world["source"]
    source.text = TEXT + "\n\n<script>alert(1)</script>"
    with_reason(source)
    client.force_login(reader)
    page = client.get(source.get_absolute_url()).content.decode()
    assert '<li id="para-2" value="2" data-para="2">' in page
    assert "Yerevan answers that any route stays under its sovereignty." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    # A reader sees no "cite" links.
    assert "&amp;para=" not in page


def test_the_source_page_marks_cited_passages_and_lists_uncoded_mentions(client, analyst, world):
    source = world["source"]
    source.text = TEXT
    with_reason(source)
    world["corridor"].aliases = "Zangezur corridor"
    world["maps"].aliases = "route"
    with_reason(world["corridor"])
    with_reason(world["maps"])
    citation = world["first"].citations.get()
    citation.excerpt = "“Zangezur corridor” without"
    with_reason(citation)
    client.force_login(analyst)
    page = client.get(source.get_absolute_url()).content.decode()
    assert '<li id="para-1" value="1" data-para="1" class="cited">' in page
    assert "<mark>“Zangezur corridor” without</mark>" in page
    uncoded = page.split('id="uncoded-heading"')[1].split("</section>")[0]
    assert '<a href="#para-2">para. 2</a>: Border maps' in uncoded
    assert "para. 1" not in uncoded
    cite = reverse("negotiations:position_add", args=["talks"])
    assert f"{cite}?source={source.uid}&amp;para=3" in page


# --- coding from the text ------------------------------------------------------------------------


@pytest.fixture
def text_source(world):
    world["corridor"].aliases = "Zangezur corridor"
    with_reason(world["corridor"])
    world["beta"].aliases = "Baku"
    with_reason(world["beta"])
    return make_source(title="Article", text=TEXT)


def test_a_paragraph_link_fills_excerpt_and_locator_and_only_suggests(
    client, analyst, world, text_source
):
    client.force_login(analyst)
    url = reverse("negotiations:position_add", args=["talks"])
    page = client.get(url, {"source": text_source.uid, "para": "1"}).content.decode()
    assert ">\nBaku demands the “Zangezur corridor” without Armenian checks.</textarea>" in page
    assert 'name="cite-0-locator" value="para. 1"' in page
    assert f'name="cite-0-source" value="{text_source.finder_label}"' in page
    suggestions = page.split('id="suggestions"')[1].split("</p>")[0]
    assert "Beta" in suggestions and "Transit corridor" in suggestions
    # Suggested, never chosen: the party and issue boxes stay empty.
    for name in ("party", "issue"):
        box = page.split(f'name="{name}"')[1].split("</select>")[0]
        assert '<option value="" selected>' in box and box.count(" selected>") == 1


def test_a_selection_finds_its_paragraph(client, analyst, world, text_source):
    client.force_login(analyst)
    url = reverse("negotiations:position_add", args=["talks"])
    page = client.get(
        url, {"source": text_source.uid, "excerpt": "sovereignty.\nThe talks"}
    ).content.decode()
    assert 'name="cite-0-locator" value="paras. 2–3"' in page
    bad = client.get(url, {"source": "not-a-uid", "para": "1"})
    assert bad.status_code == 200 and 'name="cite-0-locator"' in bad.content.decode()


def test_an_excerpt_not_in_the_text_is_refused_at_the_field(client, analyst, world, text_source):
    client.force_login(analyst)
    before = (Position.objects.count(), Citation.objects.count())
    data = new_position_data(
        world,
        **{"cite-0-source": text_source.pk, "cite-0-excerpt": "Baku demands a corridor"},
    )
    response = client.post(reverse("negotiations:position_add", args=["talks"]), data)
    assert response.status_code == 200
    assert "This excerpt is not in the source" in response.content.decode()
    assert (Position.objects.count(), Citation.objects.count()) == before


def test_an_excerpt_in_the_text_is_accepted_whatever_its_spacing(
    client, analyst, world, text_source
):
    client.force_login(analyst)
    excerpt = 'Baku demands the "Zangezur\n corridor"'
    data = new_position_data(world, **{"cite-0-source": text_source.pk, "cite-0-excerpt": excerpt})
    response = client.post(reverse("negotiations:position_add", args=["talks"]), data)
    assert response.status_code == 302
    assert Citation.objects.get(source=text_source).excerpt == excerpt


def test_a_source_without_text_is_not_checked(client, analyst, world):
    client.force_login(analyst)
    data = new_position_data(world, **{"cite-0-excerpt": "anything at all"})
    response = client.post(reverse("negotiations:position_add", args=["talks"]), data)
    assert response.status_code == 302


def test_the_source_page_with_text_runs_the_same_queries_for_more_citations(client, reader, world):
    from tests.factories import make_position, page_queries

    source = world["source"]
    client.force_login(reader)
    without_text = page_queries(client, source.get_absolute_url())
    source.text = TEXT
    with_reason(source)
    few = page_queries(client, source.get_absolute_url())
    # The text adds two for a reader: the excerpts and the issues with their aliases
    # (an analyst's page also reads the negotiations to code in, for the cite links).
    assert few == without_text + 2
    for n in range(30):
        position = make_position(world["maps"], world["beta"], source, summary=f"S{n}")
        citation = position.citations.get()
        citation.excerpt = "any route"
        with_reason(citation)
    assert page_queries(client, source.get_absolute_url()) == few
