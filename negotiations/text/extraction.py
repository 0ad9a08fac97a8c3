"""The text of an uploaded source file: .txt, .html, .docx or .pdf.

One well-kept library per format: trafilatura finds an article's text in a web page
(leaving out menus and footers), python-docx reads Word paragraphs, pypdf reads each
page's text. Anything that cannot be read raises ExtractionError with a message for the
person who uploaded the file.
"""

import io
import logging
import zipfile

FORMATS = {
    ".txt": "plain text",
    ".html": "web page",
    ".htm": "web page",
    ".docx": "Word document",
    ".pdf": "PDF",
}
ACCEPTED = ", ".join(sorted(FORMATS))


class ExtractionError(ValueError):
    pass


def suffix_of(name):
    name = (name or "").lower()
    return name[name.rfind(".") :] if "." in name else ""


def extract_text(name, data):
    """The text of file `name` holding bytes `data`, paragraphs separated by blank lines."""
    suffix = suffix_of(name)
    if suffix not in FORMATS:
        raise ExtractionError(
            f"“{name}” is not a file type Redline reads: upload one of {ACCEPTED}."
        )
    reader = {".txt": _txt, ".html": _html, ".htm": _html, ".docx": _docx, ".pdf": _pdf}[suffix]
    try:
        text = reader(data)
    except ExtractionError:
        raise
    except Exception as exc:  # every library has its own errors for a broken file
        raise ExtractionError(
            f"“{name}” could not be read as a {FORMATS[suffix]} (is it damaged, or "
            f"another type renamed?): {type(exc).__name__}."
        ) from exc
    text = (text or "").strip()
    if not text:
        raise ExtractionError(
            f"No text found in “{name}”. A scanned PDF holds only pictures of pages: "
            "paste its text instead."
        )
    return text


def _txt(data):
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Windows "Unicode" text
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractionError(
            "The text file is not UTF-8: save it as UTF-8 (or paste its text)."
        ) from exc


def _html(data):
    import trafilatura

    # trafilatura logs a warning for every page it finds nothing in; the form says so.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    return trafilatura.extract(data, include_comments=False, include_tables=True, favor_recall=True)


def _docx(data):
    import docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ExtractionError(
            "This is not a Word (.docx) file: save it as .docx or paste its text."
        )
    document = docx.Document(io.BytesIO(data))
    return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())


def _pdf(data):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
