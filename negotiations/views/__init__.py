"""Views, one module per area: pages (home, sources, health), positions, proposals."""
