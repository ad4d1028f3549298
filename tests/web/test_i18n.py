"""The French translation: the language switch and Accept-Language turn the pages French, and
the shipped catalogue is complete, well-formed and compiled."""

from __future__ import annotations

import gettext
import html
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from coopsec.accounts.models import User

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES"
PO, MO = CATALOGUE / "django.po", CATALOGUE / "django.mo"


def text_of(response: object) -> str:
    """The page as a reader sees it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


# --- Pages in French ---------------------------------------------------------------------


@pytest.mark.django_db
def test_language_switch_turns_the_overview_french(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user())
    switched = client.post("/i18n/setlang/", {"language": "fr", "next": "/network/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/network/"

    response = client.get("/network/")

    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="fr">' in page
    assert "<title>Vue d'ensemble du réseau · coopsec</title>" in page
    assert "<h1>Vue d'ensemble du réseau</h1>" in page
    for french in ("Alliés", "États partenaires", "Membres par cadre", "Se déconnecter"):
        assert french in page
    for english in ("Network overview", "Sign out", "Members per framework"):
        assert english not in page
    # The language stays chosen on the next page.
    assert '<html lang="fr">' in text_of(client.get("/network/frameworks/"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/network/", ["Vue d'ensemble du réseau", "Partenaires opérationnels"]),
        ("/network/organizations/", ["Appliquer les filtres", "État membre", "Tous types"]),
        ("/network/frameworks/", ["<h1>Cadres</h1>", "Création"]),
        ("/network/organizations/FRA/", ["Appartenances", "Statut au", "Actif"]),
    ],
)
def test_accept_language_fr_gives_french_pages(
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    path: str,
    expected: list[str],
) -> None:
    client = client_for(make_user())

    response = client.get(path, headers={"Accept-Language": "fr"})

    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="fr">' in page
    for french in expected:
        assert french in page


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["language switch", "Accept-Language"])
def test_login_page_in_french(how: str) -> None:
    client = Client()
    if how == "language switch":
        client.post("/i18n/setlang/", {"language": "fr", "next": "/login/"})
        response = client.get("/login/")
    else:
        response = client.get("/login/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})

    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="fr">' in page
    assert "<title>Se connecter · coopsec</title>" in page
    assert "Réseau de partenariat pour la sécurité coopérative" in page
    assert "Mot de passe" in page  # Django's own French catalogue for the form's labels
    assert "Sign in" not in page


@pytest.mark.django_db
def test_english_stays_the_default(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    page = text_of(client_for(make_user()).get("/network/"))

    assert '<html lang="en">' in page
    assert "<h1>Network overview</h1>" in page


# --- The catalogue -----------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(quoted: str) -> str:
    body = quoted[1:-1]
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), body)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""); obsolete entries left out."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, quoted = match.groups()
            if keyword in ("msgctxt", "msgid") and started and target and target[0] == "msgstr":
                finish()
            started = True
            name = "msgstr" if keyword.startswith("msgstr") else keyword
            target = (name, int(index) if index else (0 if name == "msgstr" else None))
            _append(entry, target, _unquote(quoted), reset=True)
        elif line.startswith('"') and target is not None:
            _append(entry, target, _unquote(line), reset=False)
        else:
            raise AssertionError(f"{path}: unexpected line {raw!r}")
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int | None], text: str, *, reset: bool) -> None:
    name, index = target
    if name == "msgstr":
        assert index is not None
        entry.msgstr[index] = ("" if reset else entry.msgstr.get(index, "")) + text
    else:
        setattr(entry, name, ("" if reset else getattr(entry, name) or "") + text)


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([^)]+\)[sd]", text))


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO.exists(), f"no French catalogue at {PO} (run `coopsec makemessages -l fr`)"
    return read_po(PO)


def test_catalogue_header(entries: list[Entry]) -> None:
    header = entries[0]
    assert header.msgid == "" and "fuzzy" not in header.flags
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert fields["Language"] == "fr"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"


def test_every_entry_is_translated_and_not_fuzzy(entries: list[Entry]) -> None:
    messages = entries[1:]
    assert len(messages) > 150  # the whole interface, not a stub
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in messages if not all(e.msgstr.values())]
    wrong_plurals = [
        e.msgid for e in messages if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]
    ]
    assert fuzzy == []
    assert untranslated == []
    assert wrong_plurals == []


def test_translations_keep_their_placeholders(entries: list[Entry]) -> None:
    broken = []
    for e in entries[1:]:
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid_plural, e.msgid_plural]
        for index, source in enumerate(sources):
            translation = e.msgstr[index]
            if _placeholders(translation) != _placeholders(source) or "{{" in translation:
                broken.append((e.msgid, translation))
    assert broken == []


def test_msgfmt_check_reports_nothing_untranslated_or_fuzzy() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


def test_compiled_catalogue_matches_the_po(entries: list[Entry]) -> None:
    """django.mo carries exactly what django.po says: a forgotten `coopsec compilemessages`
    after editing the .po fails here. (Compared by content, not by file times: a fresh
    checkout gives both files arbitrary times.)"""
    assert MO.exists(), f"{MO} is missing: run `coopsec compilemessages` in src/coopsec"
    with MO.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in entries[1:]:
        if e.msgid_plural is None:
            got = {0: _compiled(compiled, e, 1)}
        else:
            got = {0: _compiled(compiled, e, 1), 1: _compiled(compiled, e, 2)}
        if got != e.msgstr:
            stale.append(e.msgid)
    assert stale == [], "django.mo is out of date: run `coopsec compilemessages` in src/coopsec"
    assert len(compiled._catalog) == len(entries) + sum(  # type: ignore[attr-defined]
        1 for e in entries if e.msgid_plural is not None
    ), "django.mo holds messages the .po no longer has: recompile"


def _compiled(compiled: gettext.GNUTranslations, e: Entry, count: int) -> str:
    if e.msgid_plural is None:
        if e.msgctxt is not None:
            return compiled.pgettext(e.msgctxt, e.msgid)
        return compiled.gettext(e.msgid)
    if e.msgctxt is not None:
        return compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, count)
    return compiled.ngettext(e.msgid, e.msgid_plural, count)
