"""The database: conversations and the audit log, through SQLAlchemy (the only user of it)."""
