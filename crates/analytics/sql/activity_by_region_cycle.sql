-- Neutrality activity by region, election cycle and activity type: one row per (region,
-- cycle, activity_type), where the region is the most specific place of the event: a regency or
-- city (level = 'regency' / 'city'), or the province when the event is placed at province level
-- (level = 'province'). Every event stands in exactly one row, so province totals are a plain
-- GROUP BY province: SELECT province, cycle, SUM(pledgers) FROM activity_by_region_cycle GROUP BY 1, 2.
--
-- Counting (see README): only articles that represent their syndication cluster count.
-- An event is one distinct (cluster_id, activity_type, region_code, cycle, date) among their
-- activity rows, so a story that names the same pledge twice, or a syndicated copy, counts
-- once. Each count role is counted on the activity type it measures, so that a sentence
-- reporting a rakor at which 2.500 ASN pledged adds its 2.500 pledgers once (to the pledge),
-- not once per activity type; per event a role takes the largest count attached to it.
--   articles     distinct clusters with an event in the group
--   events       events in the group
--   pledgers     sum over pledge events of the count with role 'pledgers'          (0 when none)
--   participants sum over socialization and coordination_meeting events of the count
--                with role 'participants'                                          (0 when none)
--   violations   sum over violation events of the count with role 'violations'     (0 when none)
--   sanctioned   sum over sanction events of the count with role 'sanctioned'      (0 when none)
--   first_date / last_date  smallest / largest event date as ISO text (partial dates sort
--                before the full dates inside them: '2024' < '2024-02' < '2024-02-14')
-- A code has one name in every row (the tables take names from the gazetteer), so FIRST(name)
-- gives that name; it costs far less than MAX over text.
WITH events AS (
    SELECT
        cluster_id,
        activity_type,
        province_code,
        region_code,
        region_level,
        cycle,
        "date",
        FIRST(province_name) AS province_name,
        FIRST(region_name) AS region_name,
        MAX(CASE WHEN count_role = 'pledgers' AND activity_type = 'pledge' THEN "count" END) AS pledgers,
        MAX(CASE WHEN count_role = 'participants'
                  AND activity_type IN ('socialization', 'coordination_meeting') THEN "count" END) AS participants,
        MAX(CASE WHEN count_role = 'violations' AND activity_type = 'violation' THEN "count" END) AS violations,
        MAX(CASE WHEN count_role = 'sanctioned' AND activity_type = 'sanction' THEN "count" END) AS sanctioned
    FROM activities
    WHERE cluster_representative = TRUE
    GROUP BY cluster_id, activity_type, province_code, region_code, region_level, cycle, "date"
)
SELECT
    region_level AS level,
    province_code,
    FIRST(province_name) AS province,
    region_code,
    FIRST(region_name) AS region,
    cycle,
    activity_type,
    CAST(COUNT(DISTINCT cluster_id) AS BIGINT) AS articles,
    CAST(COUNT(*) AS BIGINT) AS events,
    COALESCE(SUM(pledgers), 0) AS pledgers,
    COALESCE(SUM(participants), 0) AS participants,
    COALESCE(SUM(violations), 0) AS violations,
    COALESCE(SUM(sanctioned), 0) AS sanctioned,
    MIN("date") AS first_date,
    MAX("date") AS last_date
FROM events
GROUP BY region_level, province_code, region_code, cycle, activity_type
ORDER BY province_code NULLS LAST, region_code NULLS LAST, cycle, activity_type
