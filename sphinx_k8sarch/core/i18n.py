"""Message catalog access for the core: text is translated where it is used, never at import."""

from __future__ import annotations

from functools import cache
import gettext
from pathlib import Path

from .vocabulary import LANGUAGES

DOMAIN = "sphinx_k8sarch"
#: The catalogs ship at the top of the package, beside the static files.
LOCALE_DIR = Path(__file__).parent.parent / "locale"


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it yet."""
    return message


@cache
def _catalog(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def normalize_language(lang: str | None) -> str:
    """Map a Sphinx ``language`` such as ``es_MX`` or ``es-ES`` to a catalog we ship."""
    base = (lang or "en").replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else "en"


class Translator:
    """Translates messages to one language; cheap to create, catalogs are cached."""

    def __init__(self, lang: str | None = "en") -> None:
        self.lang = normalize_language(lang)
        self._t = _catalog(self.lang)

    def __call__(self, message: str) -> str:
        return self._t.gettext(message)

    def n(self, singular: str, plural: str, count: int) -> str:
        return self._t.ngettext(singular, plural, count)
