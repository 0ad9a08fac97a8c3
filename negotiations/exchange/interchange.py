"""One negotiation as one JSON document (format `redline/2`, see docs/interchange-format.md).

The public face of the four modules that do the work: `document` reads the bytes,
`validation` checks a whole document and returns every problem with its path,
`importer` writes a valid document that agrees with what is stored, in one transaction,
and `exporter` writes a negotiation out.
"""

from negotiations.exchange.document import (
    FORMAT,
    InvalidDocument,
    decode_document,
    parse_document,
    statement_count,
)
from negotiations.exchange.exporter import export_negotiation
from negotiations.exchange.importer import ImportResult, import_document, import_file
from negotiations.exchange.validation import validate

__all__ = [
    "FORMAT",
    "ImportResult",
    "InvalidDocument",
    "decode_document",
    "export_negotiation",
    "import_document",
    "import_file",
    "parse_document",
    "statement_count",
    "validate",
]
