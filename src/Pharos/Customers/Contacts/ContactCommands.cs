using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Accounts;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Problems;

namespace Pharos.Customers.Contacts;

public sealed class ContactCommands(PharosDb db, TimeProvider time)
{
    public async Task<Contact> CreateAsync(Guid accountId, ContactInput input, Actor actor, CancellationToken ct = default)
    {
        RuleViolation.ThrowIfInvalid(input);
        if (!await db.Set<Account>().AnyAsync(a => a.Id == accountId, ct)) throw new NotFound("Account");
        var now = time.GetUtcNow();
        var contact = new Contact { AccountId = accountId, Name = input.Name, CreatedAt = now, UpdatedAt = now };
        input.ApplyTo(contact);
        await EnsureUniqueEmailAsync(contact, ct);
        db.Add(contact);
        db.Audit(actor, now, nameof(Account), accountId, "contact-added", new { contact.Name, Role = contact.Role.ToString() });
        await db.SaveChangesAsync(ct);
        return contact;
    }

    public async Task<Contact> UpdateAsync(Guid id, ContactInput input, Actor actor, CancellationToken ct = default)
    {
        RuleViolation.ThrowIfInvalid(input);
        var contact = await db.Set<Contact>().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFound("Contact");
        var before = ContactInput.From(contact);
        input.ApplyTo(contact);
        await EnsureUniqueEmailAsync(contact, ct);
        var now = time.GetUtcNow();
        contact.UpdatedAt = now;
        db.Audit(actor, now, nameof(Account), contact.AccountId, "contact-updated",
            new { contact.Name, before = new { before.Name, Role = before.Role.ToString(), before.Email }, after = new { contact.Name, Role = contact.Role.ToString(), contact.Email } });
        await db.SaveChangesAsync(ct);
        return contact;
    }

    public async Task DeleteAsync(Guid id, Actor actor, CancellationToken ct = default)
    {
        var contact = await db.Set<Contact>().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFound("Contact");
        if (await db.Users.AnyAsync(u => u.ContactId == id, ct))
            throw new RuleViolation("This contact has a portal login; remove the login first.");
        db.Remove(contact);
        db.Audit(actor, time.GetUtcNow(), nameof(Account), contact.AccountId, "contact-removed", new { contact.Name });
        await db.SaveChangesAsync(ct);
    }

    private async Task EnsureUniqueEmailAsync(Contact c, CancellationToken ct)
    {
        if (c.Email is not null && await db.Set<Contact>().AnyAsync(x => x.AccountId == c.AccountId && x.Email == c.Email && x.Id != c.Id, ct))
            throw RuleViolation.Format(nameof(ContactInput.Email), "Another contact of this account already uses {0}.", c.Email);
    }
}
