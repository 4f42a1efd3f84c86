"""`assistant users add | remove | list`: logins for the browser app, each change in the audit log.

Kept apart from cli.py so the question commands never load the users store or SQLAlchemy.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.errors import AssistantError

if TYPE_CHECKING:  # imported on use: SQLAlchemy is not loaded by `assistant ask`
    from assistant.state.audit import AuditEvent


def _read_password(args: argparse.Namespace) -> str:
    """From stdin (first line) with --password-stdin, else asked twice without echo."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    password = getpass.getpass(f"Wachtwoord voor {args.name}: ")
    if password and getpass.getpass("Nogmaals: ") != password:
        raise AssistantError("De wachtwoorden zijn niet gelijk; er is niets opgeslagen.")
    return password


def _audit(settings: Settings, event: AuditEvent, detail: str) -> None:
    """A users change in the audit log: the actor is the account that ran the command."""
    import getpass

    from assistant.state.audit import AuditLog
    from assistant.state.db import Database

    AuditLog(Database(settings)).record(event, getpass.getuser(), detail, "opdrachtregel")


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.admin.users import UserStore
    from assistant.state.audit import AuditEvent

    store = UserStore(settings.users_file)
    if args.action == "add":
        user = store.add(args.name, _read_password(args), args.role)
        _audit(settings, AuditEvent.USER_ADDED, f"{user.username} ({user.role})")
        print(f"Gebruiker {user.username} ({user.role}) toegevoegd aan {settings.users_file}.")
    elif args.action == "remove":
        store.remove(args.name)
        _audit(settings, AuditEvent.USER_REMOVED, args.name)
        print(f"Gebruiker {args.name} verwijderd uit {settings.users_file}.")
    else:
        users = store.users()
        for user in users:
            print(f"{user.username:24s} {user.role:7s} {user.created}")
        if not users:
            print(f"Nog geen gebruikers in {settings.users_file}.")
    return 0


def add_users_parser(sub: Any) -> None:
    """The `users` command and its actions, on the CLI's sub-command parser."""
    p = sub.add_parser("users", help="manage logins for the browser app (ASSISTANT_USERS, default var/users.json)")
    users = p.add_subparsers(dest="action", required=True)
    u = users.add_parser("add", help="add a user (password asked, or read from stdin)")
    u.add_argument("name")
    u.add_argument("--role", choices=["reader", "admin"], default="reader")
    u.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    users.add_parser("remove", help="remove a user").add_argument("name")
    users.add_parser("list", help="list users and roles")
    p.set_defaults(func=cmd_users)
