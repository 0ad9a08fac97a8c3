"""Template filters: dates shown as known (`when`), never with an invented day."""
