"""Demo data for the workbench: messages from the .po files, a Spanish glossary, and two
suggestions from ``translator.es@demo.test`` waiting for ``reviewer.es@demo.test``."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.translate import services
from app.translate.models import FORBIDDEN, KEEP, REQUIRED, Message, Suggestion, message_key

GLOSSARY = [
    (KEEP, "LAUSD", "", "El nombre del distrito no se traduce."),
    (REQUIRED, "magnet", "magnet", "Las familias conocen los programas como «magnet»."),
    (FORBIDDEN, "magnet", "imán", "Un imán es un objeto; el programa se llama magnet."),
]
SUGGESTIONS = [
    ("Find a school", "Encuentre una escuela", "Como en las cartas del distrito: usted."),
    ("Skip to main content", "Saltar al contenido principal", ""),
]


def seed_demo() -> None:
    try:
        services.sync()
    except services.NoCatalogs:
        return  # a checkout without translations/: nothing to translate
    for kind, term, translation, note in GLOSSARY:
        if not services.term_exists("es", kind, term, translation or term):
            services.add_term("es", kind, term, translation, note, None)
    translator = db.session.scalar(select(User).where(User.email == "translator.es@demo.test"))
    for msgid, text, note in SUGGESTIONS:
        message = db.session.scalar(select(Message).where(Message.key == message_key(msgid)))
        if message is None or message.obsolete or _already(message, translator, text):
            continue
        services.suggest(message, "es", [text], translator, note)
    db.session.flush()


def _already(message: Message, author, text: str) -> bool:
    return (
        db.session.scalar(
            select(Suggestion.id).where(
                Suggestion.message_id == message.id,
                Suggestion.locale == "es",
                Suggestion.author_id == (author.id if author else None),
            )
        )
        is not None
    )
