"""Extract, merge and compile the message catalogs of sphinx-k8sarch.

Run ``python tools/update_catalog.py`` after changing translatable text. It

1. extracts the messages marked in ``sphinx_k8sarch/`` (files chosen by ``babel.cfg``) with the
   keywords ``N_("...")``, ``_("...")`` and the plural method ``_.n("one", "many", count)``
   into ``sphinx_k8sarch/locale/sphinx_k8sarch.pot``;
2. merges the template into ``sphinx_k8sarch/locale/<lang>/LC_MESSAGES/sphinx_k8sarch.po``,
   keeping existing translations (a changed msgid gets a *fuzzy* guess from its old text,
   which must be reviewed) and dropping messages no longer in the code;
3. compiles ``sphinx_k8sarch.mo`` next to each ``.po`` (fuzzy entries are left out).

The output is deterministic: fixed header dates, no Babel version, no line numbers, messages
sorted by msgid, so running it twice gives identical bytes. ``--check`` writes nothing and
exits with status 1 if any of the files would change.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import configparser
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
import re
from string import Formatter
import sys
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
MAPPING_FILE = ROOT / "babel.cfg"
PROJECT = "sphinx-k8sarch"
DOMAIN = "sphinx_k8sarch"
LOCALE_DIR = ROOT / "sphinx_k8sarch" / "locale"
POT_FILE = LOCALE_DIR / f"{DOMAIN}.pot"

#: ``N_`` and ``_`` take one message; ``n`` is ``Translator.n(singular, plural, count)``.
#: Babel's Python extractor sees the ``n(`` of ``_.n(...)`` as a call to ``n``.
KEYWORDS: dict[str, tuple[int, ...] | None] = {"N_": None, "_": None, "n": (1, 2)}
COMMENT_TAGS = ("Translators:",)

#: Fixed on purpose: a date that changed on every run would make the files differ each time.
FIXED_DATE = "2025-01-01 00:00+0000"
WIDTH = 76


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    plural_forms: str

    @property
    def nplurals(self) -> int:
        return int(_PLURAL_FORMS.fullmatch(self.plural_forms).group(1))  # type: ignore[union-attr]

    @property
    def plural_expr(self) -> str:
        return _PLURAL_FORMS.fullmatch(self.plural_forms).group(2)  # type: ignore[union-attr]


_PLURAL_FORMS = re.compile(r"nplurals=(\d+); plural=(.+);")


LANGUAGES = (Language("es", "Spanish", "nplurals=2; plural=(n != 1);"),)


class StableCatalog(Catalog):
    """A catalog whose header holds no run-dependent values (dates, Babel version, year)
    and whose plural rule is ours, not the one of the installed Babel's CLDR data: Babel
    2.19 gives Spanish a third plural form, older releases two, and the catalog must not
    change with the Babel version that happens to be installed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = LANGUAGE_BY_CODE.get(str(self.locale_identifier)) if self.locale else None
        if language is not None:
            # Read by Babel's num_plurals / plural_expr, which write_po and write_mo use.
            self._num_plurals = language.nplurals  # type: ignore[assignment]
            self._plural_expr = language.plural_expr  # type: ignore[assignment]

    def _stable_headers(self) -> list[tuple[str, str]]:
        language = LANGUAGE_BY_CODE.get(str(self.locale_identifier)) if self.locale else None
        headers = [
            ("Project-Id-Version", PROJECT),
            ("Report-Msgid-Bugs-To", ""),
            ("POT-Creation-Date", FIXED_DATE),
            ("PO-Revision-Date", FIXED_DATE if language else "YEAR-MO-DA HO:MI+ZONE"),
            ("Last-Translator", f"{PROJECT} developers" if language else ""),
        ]
        if language:
            headers += [
                ("Language", language.code),
                ("Language-Team", language.name),
                ("Plural-Forms", language.plural_forms),
            ]
        headers += [
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "8bit\n"),  # every header line ends in a newline
        ]
        return headers

    mime_headers = property(_stable_headers, Catalog._set_mime_headers)


LANGUAGE_BY_CODE = {language.code: language for language in LANGUAGES}


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def read_mapping(path: Path = MAPPING_FILE) -> list[tuple[str, str]]:
    """``(pattern, method)`` pairs from a Babel mapping file such as ``[python: pkg/**.py]``."""
    parser = configparser.RawConfigParser()
    parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    mapping = []
    for section in parser.sections():
        method, _sep, pattern = section.partition(":")
        mapping.append((pattern.strip(), method.strip()))
    return mapping


def _has_brace_fields(text: str) -> bool:
    try:
        return any(field is not None for _lit, field, _spec, _conv in Formatter().parse(text))
    except ValueError:
        return False


def _normalize_flags(message: Message) -> None:
    """Set ``python-brace-format`` ourselves: only recent Babel versions add it on their own."""
    ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    message.flags.discard("python-brace-format")
    if any(_has_brace_fields(text) for text in ids):
        message.flags.add("python-brace-format")


def extract(root: Path = ROOT) -> StableCatalog:
    """The template catalog: every marked message in the files ``babel.cfg`` selects."""
    template = StableCatalog(project=PROJECT, domain=DOMAIN, header_comment=(
        f"# Translations template for {PROJECT}.\n"
        f"# This file is distributed under the same license as the {PROJECT} project.\n"
        "#"))
    for filename, lineno, msgid, comments, context in extract_from_dir(
        str(root), method_map=read_mapping(), keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    ):
        template.add(msgid, None, [(Path(filename).as_posix(), lineno)],
                     auto_comments=comments, context=context)
    for message in template:
        if message.id:
            _normalize_flags(message)
    return template


def merge(template: Catalog, language: Language, existing: bytes | None) -> StableCatalog:
    """The translated catalog for ``language``: the template plus the translations we have."""
    if existing is None:
        old = Catalog(locale=language.code, domain=DOMAIN)
    else:
        old = read_po(BytesIO(existing), locale=language.code, domain=DOMAIN)
    old.update(template, no_fuzzy_matching=False, update_header_comment=False)
    catalog = StableCatalog(locale=language.code, domain=DOMAIN, project=PROJECT, fuzzy=False,
                            header_comment=(
                                f"# {language.name} translations for {PROJECT}.\n"
                                "# This file is distributed under the same license as the "
                                f"{PROJECT} project.\n#"))
    for message in old:  # ``old.obsolete`` (messages gone from the code) is dropped
        if message.id:
            message.previous_id = []
            _normalize_flags(message)
            catalog[message.id] = message
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    buf = BytesIO()
    write_po(buf, catalog, width=WIDTH, sort_output=True, include_lineno=False,
             ignore_obsolete=True)
    return buf.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buf = BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def build(root: Path = ROOT) -> dict[Path, bytes]:
    """The wanted content of every generated file, computed without touching the disk."""
    template = extract(root)
    outputs = {POT_FILE: po_bytes(template)}
    for language in LANGUAGES:
        catalog = merge(template, language, _read(po_path(language.code)))
        outputs[po_path(language.code)] = po_bytes(catalog)
        outputs[mo_path(language.code)] = mo_bytes(catalog)
    return outputs


def changed_files(outputs: dict[Path, bytes]) -> list[Path]:
    """The files whose content on disk differs from ``outputs`` (or that are missing)."""
    return [path for path, content in outputs.items() if _read(path) != content]


def untranslated(lang: str) -> list[str]:
    """Msgids of the ``.po`` on disk with an empty or fuzzy translation."""
    data = _read(po_path(lang))
    if data is None:
        return []
    missing = []
    for message in read_po(BytesIO(data), locale=lang, domain=DOMAIN):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [
            message.string]
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the .pot, .po or .mo files would change")
    args = parser.parse_args(argv)
    outputs = build()
    changed = changed_files(outputs)
    if args.check:
        for path in changed:
            sys.stderr.write(f"out of date: {path.relative_to(ROOT)}\n")
        if changed:
            sys.stderr.write("run: python tools/update_catalog.py\n")
        return 1 if changed else 0
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(outputs[path])
        sys.stdout.write(f"updated {path.relative_to(ROOT)}\n")
    for language in LANGUAGES:
        missing = untranslated(language.code)
        if missing:
            sys.stdout.write(f"{language.code}: {len(missing)} message(s) need translating\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
