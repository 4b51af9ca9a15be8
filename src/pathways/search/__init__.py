"""One search box for roles, competencies, courses and stories, by the database's full-text search."""
