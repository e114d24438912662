"""The gettext catalogs are complete, up to date and used by the Translator."""

from __future__ import annotations

from collections import Counter
import importlib.util
from io import BytesIO
import re
import sys
from types import ModuleType

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from helpers.paths import REPO
import pytest

from sphinx_k8sarch.core.components import CATALOG
from sphinx_k8sarch.core.i18n import Translator

TOOL = REPO / "tools" / "update_catalog.py"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_catalog", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
LANGS = [language.code for language in tool.LANGUAGES]


def _po(lang: str) -> Catalog:
    return read_po(BytesIO(tool.po_path(lang).read_bytes()), locale=lang, domain=tool.DOMAIN)


def _pairs(message: Message) -> list[tuple[str, str]]:
    """(msgid, msgstr) per form; plural form ``i`` is checked against ``msgid_plural``."""
    if isinstance(message.id, (list, tuple)):
        assert isinstance(message.string, (list, tuple))
        return [(message.id[min(i, 1)], text) for i, text in enumerate(message.string)]
    assert isinstance(message.string, str)
    return [(message.id, message.string)]


def _messages(lang: str) -> list[Message]:
    return [message for message in _po(lang) if message.id]


def test_catalog_files_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    status = tool.main(["--check"])
    assert status == 0, capsys.readouterr().err


def test_catalog_does_not_follow_babels_plural_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Babel 2.19's CLDR data gives Spanish three plural forms, older releases two; the
    catalog keeps the rule it declares whatever Babel says."""
    import babel.messages.catalog as babel_catalog

    monkeypatch.setattr(babel_catalog, "get_plural", lambda locale: (3, "(n == 1) ? 0 : 1"))
    outputs = tool.build()
    assert tool.changed_files(outputs) == []
    po = outputs[tool.po_path("es")].decode("utf-8")
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in po
    assert "msgstr[2]" not in po


def test_plural_method_calls_are_extracted() -> None:
    ids = {message.id if isinstance(message.id, str) else tuple(message.id)
           for message in tool.extract() if message.id}
    assert ("{n} member", "{n} members") in ids
    assert ("tolerates {n} failure", "tolerates {n} failures") in ids
    assert CATALOG["kube-scheduler"].what in ids


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated(lang: str) -> None:
    messages = _messages(lang)
    assert messages
    fuzzy = [message.id for message in messages if message.fuzzy]
    assert not fuzzy, f"fuzzy translations to review: {fuzzy}"
    empty = [msgid for message in messages for msgid, text in _pairs(message) if not text]
    assert not empty, f"untranslated: {empty}"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_are_kept(lang: str) -> None:
    wrong = [
        (msgid, text)
        for message in _messages(lang)
        for msgid, text in _pairs(message)
        if Counter(PLACEHOLDER.findall(msgid)) != Counter(PLACEHOLDER.findall(text))
    ]
    assert not wrong


def test_spanish_translator_uses_the_catalog() -> None:
    _ = Translator("es")
    what = CATALOG["kube-scheduler"].what
    assert _(what)
    assert _(what) != what
    assert _.n("{n} member", "{n} members", 3) == "{n} miembros"
    assert _.n("{n} member", "{n} members", 1) == "{n} miembro"


def test_english_is_the_source_text() -> None:
    _ = Translator("en")
    what = CATALOG["kube-scheduler"].what
    assert _(what) == what
    assert _.n("{n} member", "{n} members", 3) == "{n} members"
