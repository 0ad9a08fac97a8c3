"""Data in and out: the interchange document (schema, validation, import, export), import
jobs, CSV/JSON exports of every list, and the Atom feeds."""
