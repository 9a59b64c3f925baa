using System.ComponentModel.DataAnnotations;
using Pharos.Customers.Public;

namespace Pharos.Customers.Contacts;

public sealed class ContactInput
{
    [Required(ErrorMessage = "Name is required."), StringLength(100, ErrorMessage = "Name is at most 100 characters.")]
    public string Name { get; set; } = "";
    [StringLength(100)] public string? Title { get; set; }
    /// <summary>An empty field means "no email" (EmailAddress would reject the empty string).</summary>
    [EmailAddress(ErrorMessage = "Email is not a valid address."), StringLength(256)]
    public string? Email { get => _email; set => _email = string.IsNullOrWhiteSpace(value) ? null : value.Trim(); }
    private string? _email;
    [RegularExpression(@"^[0-9+\-() ]{5,32}$", ErrorMessage = "Phone has 5 to 32 digits, spaces, +, - or brackets.")] public string? Phone { get; set; }
    public ContactRole Role { get; set; } = ContactRole.BusinessUser;
    public bool IsPrimary { get; set; }

    public static ContactInput From(Contact c) => new() { Name = c.Name, Title = c.Title, Email = c.Email, Phone = c.Phone, Role = c.Role, IsPrimary = c.IsPrimary };

    internal void ApplyTo(Contact c)
    {
        c.Name = Name.Trim();
        c.Title = string.IsNullOrWhiteSpace(Title) ? null : Title.Trim();
        c.Email = string.IsNullOrWhiteSpace(Email) ? null : Email.Trim().ToLowerInvariant();
        c.Phone = string.IsNullOrWhiteSpace(Phone) ? null : Phone.Trim();
        c.Role = Role;
        c.IsPrimary = IsPrimary;
    }
}
