-- The main summary: one row per (province, election cycle).
--
-- Counting (see README): only articles that represent their syndication cluster count.
--   articles         distinct clusters whose primary region lies in the province and that are
--                    about the cycle (an article about two cycles counts in both; an article
--                    with no cycle counts under cycle '')
--   pledge_events    events of type 'pledge' (event = distinct (cluster_id, activity_type,
--                    region_code, cycle, date); the province is the event's own)
--   pledgers         sum over pledge events of the count with role 'pledgers'
--   pledge_events_counted
--                    pledge events that state a count of pledgers (pledgers is 0 both when
--                    no event states one and when the counts are 0; this tells them apart)
--   violation_events events of type 'violation'
--   violations       sum over violation events of the count with role 'violations'
--   sanction_events  events of type 'sanction'
--   sanctions        sum over sanction events of the count with role 'sanctioned'
-- Sums are 0 when no event states a count.
-- A code has one name in every row (the tables take names from the gazetteer), so FIRST(name)
-- gives that name; it costs far less than MAX over text.
WITH events AS (
    SELECT
        cluster_id,
        activity_type,
        province_code,
        region_code,
        cycle,
        "date",
        FIRST(province_name) AS province_name,
        MAX(CASE WHEN count_role = 'pledgers' THEN "count" END) AS pledgers,
        MAX(CASE WHEN count_role = 'violations' THEN "count" END) AS violations,
        MAX(CASE WHEN count_role = 'sanctioned' THEN "count" END) AS sanctioned
    FROM activities
    WHERE cluster_representative = TRUE
    GROUP BY cluster_id, activity_type, province_code, region_code, cycle, "date"
),
article_rows AS (
    SELECT
        province_code,
        FIRST(province_name) AS province_name,
        cycle,
        CAST(COUNT(DISTINCT cluster_id) AS BIGINT) AS articles,
        CAST(0 AS BIGINT) AS pledge_events,
        CAST(0 AS DOUBLE) AS pledgers,
        CAST(0 AS BIGINT) AS pledge_events_counted,
        CAST(0 AS BIGINT) AS violation_events,
        CAST(0 AS DOUBLE) AS violations,
        CAST(0 AS BIGINT) AS sanction_events,
        CAST(0 AS DOUBLE) AS sanctions
    FROM article_cycles
    WHERE cluster_representative = TRUE
    GROUP BY province_code, cycle
),
event_rows AS (
    SELECT
        province_code,
        FIRST(province_name) AS province_name,
        cycle,
        CAST(0 AS BIGINT) AS articles,
        CAST(SUM(CASE WHEN activity_type = 'pledge' THEN 1 ELSE 0 END) AS BIGINT) AS pledge_events,
        CAST(COALESCE(SUM(CASE WHEN activity_type = 'pledge' THEN pledgers END), 0) AS DOUBLE) AS pledgers,
        CAST(SUM(CASE WHEN activity_type = 'pledge' AND pledgers IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS pledge_events_counted,
        CAST(SUM(CASE WHEN activity_type = 'violation' THEN 1 ELSE 0 END) AS BIGINT) AS violation_events,
        CAST(COALESCE(SUM(CASE WHEN activity_type = 'violation' THEN violations END), 0) AS DOUBLE) AS violations,
        CAST(SUM(CASE WHEN activity_type = 'sanction' THEN 1 ELSE 0 END) AS BIGINT) AS sanction_events,
        CAST(COALESCE(SUM(CASE WHEN activity_type = 'sanction' THEN sanctioned END), 0) AS DOUBLE) AS sanctions
    FROM events
    GROUP BY province_code, cycle
),
combined AS (
    SELECT * FROM article_rows
    UNION ALL
    SELECT * FROM event_rows
)
SELECT
    province_code,
    FIRST(province_name) AS province,
    cycle,
    CAST(SUM(articles) AS BIGINT) AS articles,
    CAST(SUM(pledge_events) AS BIGINT) AS pledge_events,
    CAST(SUM(pledgers) AS DOUBLE) AS pledgers,
    CAST(SUM(pledge_events_counted) AS BIGINT) AS pledge_events_counted,
    CAST(SUM(violation_events) AS BIGINT) AS violation_events,
    CAST(SUM(violations) AS DOUBLE) AS violations,
    CAST(SUM(sanction_events) AS BIGINT) AS sanction_events,
    CAST(SUM(sanctions) AS DOUBLE) AS sanctions
FROM combined
GROUP BY province_code, cycle
ORDER BY province_code NULLS LAST, cycle
