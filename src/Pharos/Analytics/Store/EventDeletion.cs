namespace Pharos.Analytics.Store;

/// <summary>
/// Erasure on request (PIPL/GDPR). One statement each, so the links that say which ids belong together are read
/// before the rows that hold them are gone. The id is the only parameter, named <c>id</c>.
/// </summary>
internal static class EventDeletion
{
    public static string PersonSql(SqlDialect d)
    {
        var id = d.IdParam;
        return $"""
            DELETE FROM {d.Table} WHERE user_id = {id} OR anonymous_id = {id} OR previous_id = {id}
              OR anonymous_id IN (SELECT coalesce(previous_id, anonymous_id) FROM {d.Table}
                                  WHERE type IN ('identify','alias') AND user_id = {id} AND coalesce(previous_id, anonymous_id) IS NOT NULL)
            """;
    }

    /// <summary>The account's members are everyone whose group call ever named it, with their linked anonymous ids.</summary>
    public static string AccountSql(SqlDialect d)
    {
        var id = d.IdParam;
        var t = d.Table;
        return $"""
            DELETE FROM {t} WHERE group_id = {id}
              OR user_id IN (SELECT user_id FROM {t} WHERE type = 'group' AND group_id = {id} AND user_id IS NOT NULL)
              OR anonymous_id IN (SELECT anonymous_id FROM {t} WHERE type = 'group' AND group_id = {id} AND anonymous_id IS NOT NULL)
              OR anonymous_id IN (SELECT coalesce(i.previous_id, i.anonymous_id) FROM {t} i
                                  WHERE i.type IN ('identify','alias') AND coalesce(i.previous_id, i.anonymous_id) IS NOT NULL
                                    AND i.user_id IN (SELECT user_id FROM {t} WHERE type = 'group' AND group_id = {id} AND user_id IS NOT NULL))
            """;
    }
}
