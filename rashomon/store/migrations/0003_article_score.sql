-- The same-story score that placed each article in its story (NULL for the article that
-- opened it, for a copy, and for articles placed before this column existed), so a story
-- lists with each member how firmly it was placed.
ALTER TABLE articles ADD COLUMN score REAL;
