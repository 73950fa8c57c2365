-- Neutrality activity by region, election cycle and activity type, at two levels:
-- one row per (province, cycle, activity_type) with level = 'province', and one row per
-- (regency or city, cycle, activity_type) with level = 'regency' / 'city' for events placed
-- in a regency or city.
--
-- Counting (see README): only articles that represent their syndication cluster count.
-- An event is one distinct (cluster_id, activity_type, region_code, cycle, date) among their
-- activity rows, so a story that names the same pledge twice, or a syndicated copy, counts
-- once. Per event, a count role takes the largest count attached to it.
--   articles     distinct clusters with an event in the group
--   events       events in the group
--   pledgers     sum over events of the count with role 'pledgers'     (0 when none stated)
--   participants sum over events of the count with role 'participants' (0 when none stated)
--   violations   sum over events of the count with role 'violations'   (0 when none stated)
--   sanctioned   sum over events of the count with role 'sanctioned'   (0 when none stated)
--   first_date / last_date  smallest / largest event date as ISO text (partial dates sort
--                before the full dates inside them: '2024' < '2024-02' < '2024-02-14')
WITH events AS (
    SELECT
        cluster_id,
        activity_type,
        province_code,
        region_code,
        region_level,
        cycle,
        "date",
        MAX(province_name) AS province_name,
        MAX(region_name) AS region_name,
        MAX(CASE WHEN count_role = 'pledgers' THEN "count" END) AS pledgers,
        MAX(CASE WHEN count_role = 'participants' THEN "count" END) AS participants,
        MAX(CASE WHEN count_role = 'violations' THEN "count" END) AS violations,
        MAX(CASE WHEN count_role = 'sanctioned' THEN "count" END) AS sanctioned
    FROM activities
    WHERE cluster_representative = TRUE
    GROUP BY cluster_id, activity_type, province_code, region_code, region_level, cycle, "date"
),
by_province AS (
    SELECT
        'province' AS level,
        province_code,
        MAX(province_name) AS province,
        province_code AS region_code,
        MAX(province_name) AS region,
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
    GROUP BY province_code, cycle, activity_type
),
by_regency AS (
    SELECT
        region_level AS level,
        province_code,
        MAX(province_name) AS province,
        region_code,
        MAX(region_name) AS region,
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
    WHERE region_level IN ('regency', 'city')
    GROUP BY region_level, province_code, region_code, cycle, activity_type
)
SELECT * FROM (
    SELECT * FROM by_province
    UNION ALL
    SELECT * FROM by_regency
) AS combined
ORDER BY province_code NULLS LAST, region_code NULLS LAST, cycle, activity_type
