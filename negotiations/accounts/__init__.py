"""Accounts: roles (roles.py), login and its throttling (auth.py), personal access tokens
(tokens.py) and the account pages (views.py): tokens, password change and reset."""
