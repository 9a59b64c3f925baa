using Microsoft.EntityFrameworkCore;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Problems;

namespace Pharos.Service.Bugs;

public sealed record BugCategoryInput(string? Name, Guid? ParentId);
public sealed record BugCategoryRow(Guid Id, string Name, Guid? ParentId, string Path, int Depth);

/// <summary>The category tree: at most three levels, names unique among siblings, a used category cannot be removed.</summary>
public static class BugCategories
{
    public const int MaxDepth = 3;

    /// <summary>Every category with its path ("订单 › 导出"), depth-first in name order, as a tree view lists them.</summary>
    public static async Task<List<BugCategoryRow>> ListAsync(PharosDb db, CancellationToken ct)
    {
        var all = await db.Set<BugCategory>().AsNoTracking().ToListAsync(ct);
        var children = all.ToLookup(c => c.ParentId);
        var rows = new List<BugCategoryRow>();
        void Walk(Guid? parent, string prefix, int depth)
        {
            foreach (var c in children[parent].OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                var path = prefix.Length == 0 ? c.Name : $"{prefix} › {c.Name}";
                rows.Add(new BugCategoryRow(c.Id, c.Name, c.ParentId, path, depth));
                Walk(c.Id, path, depth + 1);
            }
        }
        Walk(null, "", 0);
        return rows;
    }

    public static async Task<Dictionary<Guid, string>> PathsAsync(PharosDb db, CancellationToken ct) =>
        (await ListAsync(db, ct)).ToDictionary(r => r.Id, r => r.Path);

    public static async Task<BugCategory> SaveAsync(PharosDb db, Guid? id, BugCategoryInput input, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var name = input.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > BugCategory.NameMax) throw RuleViolation.BadField("name", $"A name of 1 to {BugCategory.NameMax} characters is required.");
        var rows = await ListAsync(db, ct);
        if (input.ParentId is { } parent)
        {
            var p = rows.FirstOrDefault(r => r.Id == parent) ?? throw RuleViolation.BadField("parentId", "No category with this id.");
            if (p.Depth + 1 >= MaxDepth) throw RuleViolation.BadField("parentId", $"Categories nest at most {MaxDepth} levels.");
            // Moving a category under itself or its own descendant would cut the tree loose.
            if (id is { } self && (parent == self || p.Path.StartsWith(rows.First(r => r.Id == self).Path + " › ", StringComparison.Ordinal)))
                throw RuleViolation.BadField("parentId", "A category cannot sit under itself.");
        }
        if (rows.Any(r => r.ParentId == input.ParentId && r.Name == name && r.Id != id)) throw RuleViolation.BadField("name", "A sibling category already has this name.");
        var category = id is { } existing ? await db.Set<BugCategory>().FindAsync([existing], ct) ?? throw new NotFound("Bug category") : new BugCategory { Name = name };
        if (id is null) db.Add(category);
        category.Name = name;
        category.ParentId = input.ParentId;
        db.Audit(actor, now, "BugCategory", category.Id, id is null ? "created" : "updated", input);
        await db.SaveChangesAsync(ct);
        return category;
    }

    public static async Task DeleteAsync(PharosDb db, Guid id, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var category = await db.Set<BugCategory>().FindAsync([id], ct) ?? throw new NotFound("Bug category");
        if (await db.Set<BugCategory>().AnyAsync(c => c.ParentId == id, ct)) throw new RuleViolation("Remove or move its subcategories first.");
        if (await db.Set<BugReport>().AnyAsync(b => b.CategoryId == id, ct)) throw new RuleViolation("Bugs are classified under this category; it stays so the report keeps its history.");
        db.Remove(category);
        db.Audit(actor, now, "BugCategory", id, "deleted", new { category.Name });
        await db.SaveChangesAsync(ct);
    }
}
