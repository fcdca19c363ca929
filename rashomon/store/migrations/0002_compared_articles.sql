-- How many articles a story had when its comparison was written, so that a big story is
-- compared again while an ingest runs only once it has grown by a share of itself (the rest
-- at the end of the run), instead of after every batch that adds one article to it.
ALTER TABLE stories ADD COLUMN compared_articles INTEGER NOT NULL DEFAULT 0;
UPDATE stories SET compared_articles = articles WHERE comparison IS NOT NULL;
