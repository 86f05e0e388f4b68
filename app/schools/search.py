"""Text normalisation shared by the importer, the demo and the finder."""

import unicodedata


def normalize(text: str) -> str:
    """Lower case without accents, so "vision" finds "Visión"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_text(name: str, street: str, city: str, zip_code: str) -> str:
    return normalize(f"{name} {street} {city} {zip_code}")[:400]
