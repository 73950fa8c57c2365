-- Officials named, by the region of their office.
--
-- Counting (see README): only articles that represent their syndication cluster count. An
-- official is one (region_code, modifier, title, name) as normalised by extraction; offices
-- without a region (national ones) have an empty region, mentions with a title but no name an
-- empty name.
--   articles  distinct clusters naming the official
--   mentions  mentions in those articles
--   first_published / last_published  earliest / latest publication date of those articles
-- A code has one name in every row (the tables take names from the gazetteer), so FIRST(name)
-- gives that name; it costs far less than MAX over text.
SELECT
    o.province_code AS province_code,
    o.region_code AS region_code,
    FIRST(o.region_name) AS region,
    o.modifier AS modifier,
    o.title AS title,
    o.name AS name,
    CAST(COUNT(DISTINCT a.cluster_id) AS BIGINT) AS articles,
    CAST(COUNT(*) AS BIGINT) AS mentions,
    MIN(a.published) AS first_published,
    MAX(a.published) AS last_published
FROM officials AS o
INNER JOIN articles AS a ON o.article_id = a.article_id
WHERE a.cluster_representative = TRUE
GROUP BY o.province_code, o.region_code, o.modifier, o.title, o.name
ORDER BY province_code NULLS LAST, region_code NULLS LAST, title, name NULLS LAST, modifier NULLS LAST
