"""Nightly cleanup job (SQLAlchemy Core text() over psycopg)."""

from sqlalchemy import create_engine, text

engine = create_engine("postgresql+psycopg://localhost/app")

PURGE = text("DELETE FROM message WHERE \"createdAt\" < now() - interval '90 days'")


def purge_emotions(days: int) -> None:
    with engine.begin() as conn:
        conn.execute(PURGE)
        conn.execute(
            text(f"DELETE FROM emotion_logs WHERE \"createdAt\" < now() - interval '{days} days'")
        )
        conn.execute(text("SELECT id FROM auth.users WHERE email = :email"), {"email": "x"})
