-- rashomon store, schema 1: articles with their annotation, the inputs that brought them,
-- stories with their comparison, and full-text search over titles and texts.

-- One row per distinct document (content id = hash of the input bytes). `seq` is arrival
-- order; `doc` is the annotated Doc as JSON (rashomon.codec). `story` is NULL until
-- the article is placed in a story; `placed` is the order of placing (the story index is
-- rebuilt in that order); `copy_of` names the article a near-identical copy repeats.
CREATE TABLE articles (
    seq       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    origin    TEXT NOT NULL,
    url       TEXT,
    outlet    TEXT NOT NULL,
    title     TEXT,
    byline    TEXT,
    published TEXT,
    language  TEXT,
    added_at  TEXT NOT NULL,
    text      TEXT NOT NULL,
    doc       TEXT NOT NULL,
    story     TEXT,
    placed    INTEGER UNIQUE,
    copy_of   TEXT
);
CREATE INDEX articles_story ON articles(story);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_unplaced ON articles(seq) WHERE placed IS NULL;

-- What the story index needs of an article, so it is rebuilt without re-reading the Docs:
-- the lead vector (float32), hashed terms (int32) with their weights (float32), name keys
-- (JSON list) and the MinHash signature (uint64), or NULL for a text too short to have one.
CREATE TABLE story_features (
    article   TEXT PRIMARY KEY REFERENCES articles(id),
    vector    BLOB NOT NULL,
    terms     BLOB NOT NULL,
    counts    BLOB NOT NULL,
    names     TEXT NOT NULL,
    signature BLOB
);

-- Every input ever ingested and how it ended: ok (stored), skipped (already stored, or a
-- copy of another input) or failed, with the reason. `key` is origin + content id.
CREATE TABLE inputs (
    key      TEXT PRIMARY KEY,
    origin   TEXT NOT NULL,
    article  TEXT,
    outcome  TEXT NOT NULL,
    reason   TEXT NOT NULL,
    detail   TEXT NOT NULL,
    seen_at  TEXT NOT NULL
);
CREATE INDEX inputs_outcome ON inputs(outcome);

-- One row per story. `story` is the Story as JSON; `comparison` the Comparison as JSON for
-- `compared` = `version` (a story whose members changed since is compared again).
CREATE TABLE stories (
    id          TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    event_date  TEXT,
    first_seen  TEXT,
    last_seen   TEXT,
    articles    INTEGER NOT NULL,
    outlets     INTEGER NOT NULL,
    agree       INTEGER NOT NULL DEFAULT 0,
    only_in     INTEGER NOT NULL DEFAULT 0,
    contradict  INTEGER NOT NULL DEFAULT 0,
    story       TEXT NOT NULL,
    comparison  TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    compared    INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);
CREATE INDEX stories_stale ON stories(id) WHERE compared < version;
CREATE INDEX stories_event ON stories(event_date);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='seq',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
END;
