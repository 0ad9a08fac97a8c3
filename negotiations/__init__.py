"""Redline's app: the record of positions, texts and sources (models), its pages (views),
and subpackages for the text engines, insight, exchange, accounts and development tools."""
