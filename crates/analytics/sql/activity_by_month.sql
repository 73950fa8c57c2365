-- Neutrality activity by month, election cycle and activity type.
--
-- Counting (see README): events as in activity_by_region_cycle (only cluster representatives;
-- event = distinct (cluster_id, activity_type, region_code, cycle, date)). Only events whose
-- date is known to the month or day count; month is the 'YYYY-MM' prefix of the event date.
--   articles  distinct clusters with an event in the month
--   events    events in the month
--   pledgers  sum over pledge events of the count with role 'pledgers' (0 when none stated), so that a
--             month's total over activity types counts each pledge's count once
WITH events AS (
    SELECT
        cluster_id,
        activity_type,
        region_code,
        cycle,
        "date",
        MAX(CASE WHEN count_role = 'pledgers' AND activity_type = 'pledge' THEN "count" END) AS pledgers
    FROM activities
    WHERE cluster_representative = TRUE AND date_precision IN ('day', 'month')
    GROUP BY cluster_id, activity_type, region_code, cycle, "date"
),
dated AS (
    SELECT SUBSTR("date", 1, 7) AS month, cycle, activity_type, cluster_id, pledgers
    FROM events
)
SELECT
    month,
    cycle,
    activity_type,
    CAST(COUNT(DISTINCT cluster_id) AS BIGINT) AS articles,
    CAST(COUNT(*) AS BIGINT) AS events,
    COALESCE(SUM(pledgers), 0) AS pledgers
FROM dated
GROUP BY month, cycle, activity_type
ORDER BY month, cycle, activity_type
