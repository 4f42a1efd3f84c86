"""Users of the browser app: a JSON file with names, roles and argon2 password hashes.

The file (settings.users_file, default var/users.json) looks like
`{"users": [{"username": "anna", "role": "admin", "password_hash": "$argon2id$...", "created": "..."}]}`.
It is written atomically (temporary file + os.replace) with mode 0600, and read again on every
check, so `assistant users add/remove` takes effect without restarting the app. Each change reads,
edits and writes the file under a lock (`users.json.lock`, filelock), so that two `assistant users
add` at once both land instead of the later write dropping the earlier account.
Login is required whenever the app listens on anything other than a loopback address.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.errors import AssistantError

ROLES = ("reader", "admin")
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class UserError(AssistantError):
    """Base class for mistakes with users and the users file."""


class UserExists(UserError):
    def __init__(self, username: str) -> None:
        super().__init__(f"Gebruiker '{username}' bestaat al. Verwijder die eerst of kies een andere naam.")


class UnknownUser(UserError):
    def __init__(self, username: str) -> None:
        super().__init__(f"Gebruiker '{username}' bestaat niet.")


class InvalidRole(UserError):
    def __init__(self, role: str) -> None:
        super().__init__(f"Onbekende rol '{role}': kies {' of '.join(ROLES)}.")


class EmptyPassword(UserError):
    def __init__(self) -> None:
        super().__init__("Het wachtwoord is leeg. Kies een wachtwoord.")


class InvalidUsername(UserError):
    def __init__(self, username: str) -> None:
        super().__init__(
            f"Ongeldige gebruikersnaam '{username}': gebruik 1-64 letters, cijfers, '.', '_', '-' of '@', "
            "beginnend met een letter of cijfer."
        )


class UsersFileError(UserError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Het gebruikersbestand {path} is onleesbaar: {reason}")


@dataclass(frozen=True)
class User:
    username: str
    role: str
    password_hash: str
    created: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _hasher():  # imported on use: only the app and `assistant users` need argon2
    from argon2 import PasswordHasher

    return PasswordHasher()


class UserStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def users(self) -> list[User]:
        """All users; an absent file means no users."""
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise UsersFileError(self.path, str(error)) from error
        try:
            return [User(**item) for item in data["users"]]
        except (TypeError, KeyError) as error:
            raise UsersFileError(self.path, 'verwacht {"users": [...]}.') from error

    def get(self, username: str) -> User | None:
        return next((u for u in self.users() if u.username == username), None)

    def add(self, username: str, password: str, role: str = "reader") -> User:
        username = (username or "").strip()
        if not USERNAME_RE.match(username):
            raise InvalidUsername(username)
        if role not in ROLES:
            raise InvalidRole(role)
        if not (password or "").strip():
            raise EmptyPassword()
        user = User(username, role, _hasher().hash(password), time.strftime("%Y-%m-%dT%H:%M:%S"))
        with self._locked():
            users = self.users()
            if any(u.username == username for u in users):
                raise UserExists(username)
            self._write([*users, user])
        return user

    def remove(self, username: str) -> None:
        with self._locked():
            users = self.users()
            if not any(u.username == username for u in users):
                raise UnknownUser(username)
            self._write([u for u in users if u.username != username])

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Read-modify-write under the file's lock; the hash is computed before, outside it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path.with_name(self.path.name + ".lock")), thread_local=False)
        while True:  # bounded waits: filelock refuses an unbounded one while this process holds it
            try:
                lock.acquire(timeout=1.0)
                break
            except Timeout:
                continue
        try:
            yield
        finally:
            lock.release()

    def verify(self, username: str, password: str) -> User | None:
        """The user if the password is right, else None (also for unknown users)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        user = self.get((username or "").strip())
        hasher = _hasher()
        try:
            if user is None:  # spend the same time as a real check: no hint whether a name exists
                hasher.verify(_dummy_hash(), password or "")
                return None
            hasher.verify(user.password_hash, password or "")
            return user
        except (VerificationError, InvalidHashError):
            return None

    def check(self, username: str, password: str) -> bool:
        """For Gradio's `auth=`: is this the right password for this user?"""
        return self.verify(username, password) is not None

    def role(self, username: str | None) -> str | None:
        user = self.get(username) if username else None
        return user.role if user else None

    def _write(self, users: list[User]) -> None:
        """Atomic: a temporary file (mode 0600) in the same folder, then os.replace."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"users": [asdict(u) for u in users]}, ensure_ascii=False, indent=2)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        os.chmod(self.path, 0o600)


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made once, for timing-equal checks of unknown users."""
    return _hasher().hash(os.urandom(16).hex())


def is_loopback(host: str) -> bool:
    host = (host or "").strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def login_required(host: str, force: bool = False) -> bool:
    """Login is required off loopback (0.0.0.0, a LAN address, a host name), or when forced."""
    return force or not is_loopback(host)
