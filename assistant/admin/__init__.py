"""What administrators and users change: catalog.py (documents and re-indexing), uploads.py
(checked uploads into corpus/), users.py (accounts and roles), logins.py (failed-login back-off and
session lifetimes), feedback.py (thumbs up/down)."""
