"""Accounts: personal access tokens (tokens.py: made, stored hashed, checked, let in)
and the account pages (views.py): tokens, password change, password reset by email."""
