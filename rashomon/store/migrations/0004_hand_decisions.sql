-- What an analyst decided by hand about the grouping (`rashomon story merge|split`, the
-- API's steering endpoints, the story page's forms), one row per decision, never changed.
-- `kind` is merge (`stories` became `story`) or split (`articles` left a story for `story`);
-- `stories` is a JSON object of every story the decision touched, before it, with its
-- version then (a story id made again later continues above that version, so nothing
-- cached under the old one is served for the new); `articles` the JSON list of articles
-- named (split) or moved (merge). The articles' rows hold the decision (their `story`);
-- this table is its record, and a store process that sees a decision newer than its story
-- index rebuilds the index from the rows before it places anything.
CREATE TABLE hand_decisions (
    seq      INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    story    TEXT NOT NULL,
    stories  TEXT NOT NULL,
    articles TEXT NOT NULL,
    made_at  TEXT NOT NULL
);
CREATE INDEX hand_decisions_story ON hand_decisions(story);
