"""The twelve interface languages and how a request's language is chosen."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # in URLs and cookies, as in the product's URL contract
    babel: str  # Babel/CLDR identifier; also the catalog folder under translations/
    tag: str  # BCP 47 tag for lang= and hreflang=
    native_name: str  # the language named in itself, for the switcher
    rtl: bool = False

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "en", "en", "English"),
        Language("es", "es", "es", "Español"),
        Language("zh_Hans", "zh_Hans", "zh-Hans", "简体中文"),
        Language("zh_Hant", "zh_Hant", "zh-Hant", "繁體中文"),
        Language("ko", "ko", "ko", "한국어"),
        Language("hy", "hy", "hy", "Հայերեն"),
        Language("vi", "vi", "vi", "Tiếng Việt"),
        Language("tl", "fil", "tl", "Tagalog"),
        Language("ru", "ru", "ru", "Русский"),
        Language("fa", "fa", "fa", "فارسی", rtl=True),
        Language("ar", "ar", "ar", "العربية", rtl=True),
        Language("ja", "ja", "ja", "日本語"),
    )
}
DEFAULT = "en"

# Browser tags that name a language by another code: Chinese by region, Tagalog as Filipino.
_ALIASES = {
    "zh": "zh_Hans",
    "zh-cn": "zh_Hans",
    "zh-sg": "zh_Hans",
    "zh-hans": "zh_Hans",
    "zh-tw": "zh_Hant",
    "zh-hk": "zh_Hant",
    "zh-mo": "zh_Hant",
    "zh-hant": "zh_Hant",
    "fil": "tl",
    "tl": "tl",
}


def from_tag(tag: str) -> str | None:
    """The interface language for a BCP 47 tag from a browser or URL, or None."""
    tag = tag.strip().replace("_", "-").lower()
    if not tag:
        return None
    parts = tag.split("-")
    for length in (3, 2, 1):
        candidate = "-".join(parts[:length])
        if candidate in _ALIASES:
            return _ALIASES[candidate]
    return parts[0] if parts[0] in LANGUAGES else None


def best_match(accept_languages: list[tuple[str, float]]) -> str | None:
    """The first supported language in a parsed Accept-Language header, by quality."""
    for tag, quality in sorted(accept_languages, key=lambda item: -item[1]):
        if quality > 0 and (code := from_tag(tag)):
            return code
    return None
