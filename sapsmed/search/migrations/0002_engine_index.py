"""Each engine's full-text index over the search documents, kept in step with the rows by triggers.

SQLite: an FTS5 table over the documents' index text (porter stemming, unicode61 words, diacritics kept as
PostgreSQL keeps them), with external content (the rows themselves) and triggers on insert, update and delete.
PostgreSQL: a trigger writes each row's `vector` ('english' configuration; the title weighs A, the rest B),
with a GIN index. Other engines get neither; the search then has nothing to match against.
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title_words, body_words, content='search_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN
        INSERT INTO search_document_fts(rowid, title_words, body_words)
        VALUES (new.id, new.title_words, new.body_words);
    END""",
    """CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title_words, body_words)
        VALUES ('delete', old.id, old.title_words, old.body_words);
    END""",
    """CREATE TRIGGER search_document_fts_update AFTER UPDATE ON search_document BEGIN
        INSERT INTO search_document_fts(search_document_fts, rowid, title_words, body_words)
        VALUES ('delete', old.id, old.title_words, old.body_words);
        INSERT INTO search_document_fts(rowid, title_words, body_words)
        VALUES (new.id, new.title_words, new.body_words);
    END""",
    # Rows already there (none after `migrate` from empty) are indexed too.
    "INSERT INTO search_document_fts(search_document_fts) VALUES ('rebuild')",
]
SQLITE_UNDO = [
    "DROP TRIGGER search_document_fts_update",
    "DROP TRIGGER search_document_fts_delete",
    "DROP TRIGGER search_document_fts_insert",
    "DROP TABLE search_document_fts",
]

POSTGRESQL = [
    """CREATE FUNCTION search_document_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.vector := setweight(to_tsvector('english', NEW.title_words), 'A')
                      || setweight(to_tsvector('english', NEW.body_words), 'B');
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER search_document_vector BEFORE INSERT OR UPDATE ON search_document
        FOR EACH ROW EXECUTE FUNCTION search_document_vector()""",
    "UPDATE search_document SET vector = NULL",  # rows already there get their vector from the trigger
    "CREATE INDEX search_document_vector_gin ON search_document USING gin (vector)",
]
POSTGRESQL_UNDO = [
    "DROP INDEX search_document_vector_gin",
    "DROP TRIGGER search_document_vector ON search_document",
    "DROP FUNCTION search_document_vector()",
]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_documents")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
                             _run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO})),
    ]
