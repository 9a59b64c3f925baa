using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Data;

namespace Pharos.Platform.Identity;

/// <summary>Staff users as pickers list them (assignee, lead, owners): id and display name, by name.</summary>
public static class StaffDirectory
{
    public static async Task<List<(Guid Id, string Name)>> NamesAsync(PharosDb db, CancellationToken ct = default) =>
        [.. (await db.Users.AsNoTracking().Where(u => u.Kind == UserKind.Staff).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct)).Select(u => (u.Id, u.DisplayName))];
}
