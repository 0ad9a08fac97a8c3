"""The read-only JSON API at /api/v1/ (django-ninja): ``endpoints`` has the API and its
URLs, ``schemas`` the shapes it answers with, ``cursor`` the keyset pagination.
README, "API"."""
