-- Legal and administrative instruments cited, by election cycle.
--
-- Counting (see README): only articles that represent their syndication cluster count. An
-- instrument is one (instrument_type, number, year); an article about two cycles counts under
-- both, an article with no cycle under cycle ''.
--   articles  distinct clusters citing the instrument
--   mentions  mentions of it in those articles (repeated mentions in one article all count)
--   issuer / subject  the largest non-empty value seen (mentions may spell them differently)
SELECT
    c.cycle AS cycle,
    i.instrument_type AS instrument_type,
    i.number AS number,
    i."year" AS "year",
    MAX(i.issuer) AS issuer,
    MAX(i.subject) AS subject,
    CAST(COUNT(DISTINCT c.cluster_id) AS BIGINT) AS articles,
    CAST(COUNT(*) AS BIGINT) AS mentions
FROM instruments AS i
INNER JOIN article_cycles AS c ON i.article_id = c.article_id
WHERE c.cluster_representative = TRUE
GROUP BY c.cycle, i.instrument_type, i.number, i."year"
ORDER BY cycle, instrument_type, number NULLS LAST, "year" NULLS LAST
