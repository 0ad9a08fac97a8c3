"""The pages, one module per thing they serve (positions, proposals, texts, insight,
search, exports, import, feed addresses, record history, sources and health)."""
