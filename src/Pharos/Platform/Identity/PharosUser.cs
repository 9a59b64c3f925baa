using Microsoft.AspNetCore.Identity;

namespace Pharos.Platform.Identity;

public enum UserKind { Staff, Portal }

/// <summary>
/// One user table for staff and portal users. A portal user is a contact of exactly one account:
/// <see cref="AccountId"/> is set for them and only for them (a check constraint holds it in the database).
/// </summary>
public sealed class PharosUser : IdentityUser<Guid>
{
    public PharosUser() => Id = Guid.CreateVersion7();

    public string DisplayName { get; set; } = "";
    public UserKind Kind { get; set; } = UserKind.Staff;
    public Guid? AccountId { get; set; }
    public Guid? ContactId { get; set; }
    /// <summary>zh-CN or en; null means "follow the browser".</summary>
    public string? Culture { get; set; }
    public bool MustChangePassword { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
