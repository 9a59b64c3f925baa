using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pharos.Customers.Accounts;
using Pharos.Customers.Contacts;
using Pharos.Customers.Tiering;
using Pharos.Platform.Audit;
using Pharos.Platform.Data;
using Pharos.Platform.Problems;

namespace Pharos.Customers.ImportExport;

public sealed record ImportError(int Row, string Field, string Reason);
public sealed record ImportReport(Guid Id, ImportKind Kind, string FileName, ImportState State, int Rows, int ToCreate, int ToUpdate,
    int ErrorCount, IReadOnlyList<ImportError> Errors, int Processed, string? Failure, DateTimeOffset CreatedAt)
{
    public static ImportReport Of(ImportJob j) => new(j.Id, j.Kind, j.FileName, j.State, j.Rows, j.ToCreate, j.ToUpdate, j.ErrorCount,
        JsonSerializer.Deserialize<List<ImportError>>(j.Errors) ?? [], j.Processed, j.Failure, j.CreatedAt);
}

/// <summary>
/// Checks an uploaded CSV row by row (dry run), keeps the file, and later writes a checked file in one transaction.
/// </summary>
public sealed class AccountImporter(PharosDb db, Retier retier, TimeProvider time, IOptions<PharosOptions> options)
{
    public const long MaxFileBytes = 64L * 1024 * 1024;
    public const int MaxRows = 200_000;
    private const int ListedErrors = 1000;

    private string Folder => Path.Combine(options.Value.DataDirectory, "imports");
    internal string PathOf(Guid id) => Path.Combine(Folder, id.ToString("N") + ".csv");

    public async Task<ImportReport> CheckAsync(Stream upload, string fileName, ImportKind kind, Actor actor, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var now = time.GetUtcNow();
        var job = new ImportJob { Kind = kind, FileName = Path.GetFileName(fileName), CreatedBy = actor.Name, CreatedById = actor.UserId, CreatedAt = now, UpdatedAt = now };
        var path = PathOf(job.Id);
        try
        {
            await using (var file = File.Create(path))
            {
                var buffer = new byte[81920];
                long total = 0;
                int n;
                while ((n = await upload.ReadAsync(buffer, ct)) > 0)
                {
                    total += n;
                    if (total > MaxFileBytes) throw RuleViolation.BadField("file", $"The file is larger than {MaxFileBytes / 1024 / 1024} MB.");
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                }
                if (total == 0) throw RuleViolation.BadField("file", "The file is empty.");
            }
            var check = kind == ImportKind.Accounts ? await CheckAccountsAsync(path, ct) : await CheckContactsAsync(path, ct);
            job.Rows = check.Rows;
            job.ToCreate = check.Creates;
            job.ToUpdate = check.Updates;
            job.ErrorCount = check.Errors.Count;
            job.Errors = JsonSerializer.Serialize(check.Errors.Take(ListedErrors));
            job.State = check.Errors.Count == 0 && check.Rows > 0 ? ImportState.Checked : ImportState.Rejected;
            if (check.Rows == 0 && check.Errors.Count == 0)
            {
                job.ErrorCount = 1;
                job.Errors = JsonSerializer.Serialize(new[] { new ImportError(1, "file", "The file has a header but no rows.") });
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        if (job.State == ImportState.Rejected) File.Delete(path);
        db.Add(job);
        await db.SaveChangesAsync(ct);
        return ImportReport.Of(job);
    }

    internal sealed record Check(int Rows, int Creates, int Updates, List<ImportError> Errors);

    private static CsvReader OpenCsv(string path)
    {
        // Strict UTF-8: a GBK file from an old Excel must be refused with a clear message, not imported as mojibake.
        var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        return new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null, MissingFieldFound = null, DetectDelimiter = true });
    }

    private static (string?[] Columns, List<ImportError> Errors) Header(CsvReader csv, IReadOnlyDictionary<string, string[]> columns, string[] required)
    {
        var errors = new List<ImportError>();
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
            return ([], [new ImportError(1, "header", "The file has no header row.")]);
        var resolved = CsvColumns.Resolve(columns, csv.HeaderRecord);
        foreach (var r in required.Where(r => !resolved.Contains(r)))
            errors.Add(new ImportError(1, r, $"Missing column '{r}' ({string.Join(" / ", columns[r])})."));
        for (var i = 0; i < resolved.Length; i++)
            if (resolved[i] is null && !string.IsNullOrWhiteSpace(csv.HeaderRecord[i]))
                errors.Add(new ImportError(1, csv.HeaderRecord[i], "Unknown column; expected one of: " + string.Join(", ", columns.Keys) + "."));
        return (resolved, errors);
    }

    private static Dictionary<string, string?> Cells(CsvReader csv, string?[] columns)
    {
        var d = new Dictionary<string, string?>();
        for (var i = 0; i < columns.Length; i++)
            if (columns[i] is { } key) d[key] = csv.TryGetField<string>(i, out var v) ? v?.Trim() : null;
        return d;
    }

    internal sealed record ParsedAccount(int Row, AccountInput Input);

    /// <summary>Parses and validates every row; rows come back only for a file without errors.</summary>
    internal static (List<ParsedAccount> Rows, List<ImportError> Errors) ParseAccounts(string path)
    {
        var rows = new List<ParsedAccount>();
        var errors = new List<ImportError>();
        try
        {
            using var csv = OpenCsv(path);
            var (columns, headerErrors) = Header(csv, CsvColumns.Accounts, CsvColumns.AccountsRequired);
            if (headerErrors.Count > 0) return ([], headerErrors);
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            var externals = new Dictionary<string, int>(StringComparer.Ordinal);
            while (csv.Read())
            {
                var row = csv.Parser.Row;
                if (rows.Count + errors.Count >= MaxRows) { errors.Add(new ImportError(row, "file", $"A file holds at most {MaxRows:N0} rows; split it.")); break; }
                var c = Cells(csv, columns);
                if (c.Values.All(string.IsNullOrWhiteSpace)) continue;
                var input = new AccountInput
                {
                    Name = c.GetValueOrDefault("name") ?? "", ExternalId = c.GetValueOrDefault("external_id"), Industry = c.GetValueOrDefault("industry") ?? "",
                    Region = c.GetValueOrDefault("region") ?? "", City = c.GetValueOrDefault("city"), Currency = string.IsNullOrWhiteSpace(c.GetValueOrDefault("currency")) ? "CNY" : c["currency"]!.ToUpperInvariant(),
                };
                var before = errors.Count;
                void Bad(string field, string reason) => errors.Add(new ImportError(row, field, reason));
                if (ImportValues.TryInt(c.GetValueOrDefault("employees"), out var emp)) input.Employees = emp; else Bad("employees", "Not a whole number.");
                if (ImportValues.TryInt(c.GetValueOrDefault("branch_count"), out var br)) input.BranchCount = br; else Bad("branch_count", "Not a whole number.");
                if (ImportValues.TryStage(c.GetValueOrDefault("stage"), out var st)) input.Stage = st; else Bad("stage", "Unknown stage; use Prospect/New/Mature/Churned or 潜在客户/新进客户/成熟客户/流失客户.");
                if (ImportValues.TryChannel(c.GetValueOrDefault("channel"), out var ch)) input.Channel = ch; else Bad("channel", "Unknown channel.");
                if (ImportValues.TryMoney(c.GetValueOrDefault("annual_contract_value"), out var acv)) input.AnnualContractValue = acv; else Bad("annual_contract_value", "Not a number.");
                if (ImportValues.TryBool(c.GetValueOrDefault("strategic"), out var sg)) input.IsStrategic = sg; else Bad("strategic", "Use yes/no (是/否).");
                if (ImportValues.TryInfluence(c.GetValueOrDefault("influence"), out var inf)) input.Influence = inf; else Bad("influence", "Use None/Regional/IndustryLeader (无/区域/行业龙头).");
                var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
                if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(input, new(input), results, true))
                    foreach (var r in results) Bad(ToColumn(r.MemberNames.FirstOrDefault()), r.ErrorMessage ?? "Invalid.");
                var name = input.Name.Trim();
                if (name.Length > 0 && !names.TryAdd(name, row)) Bad("name", $"The same name is on row {names[name]}.");
                var ext = input.ExternalId?.Trim();
                if (!string.IsNullOrEmpty(ext) && !externals.TryAdd(ext, row)) Bad("external_id", $"The same external id is on row {externals[ext]}.");
                if (errors.Count == before) rows.Add(new ParsedAccount(row, input));
            }
        }
        catch (DecoderFallbackException)
        {
            return ([], [new ImportError(1, "file", "The file is not UTF-8. In Excel choose \"CSV UTF-8\" when saving (另存为 \"CSV UTF-8\").")]);
        }
        return (rows, errors); // valid rows too, so a report can count the whole file; callers write nothing when there are errors
    }

    private static string? NullIfEmpty(string? cell) => string.IsNullOrWhiteSpace(cell) ? null : cell;

    private static string ToColumn(string? member) => member switch
    {
        nameof(AccountInput.Name) => "name", nameof(AccountInput.ExternalId) => "external_id", nameof(AccountInput.Industry) => "industry",
        nameof(AccountInput.Region) => "region", nameof(AccountInput.City) => "city", nameof(AccountInput.Employees) => "employees",
        nameof(AccountInput.BranchCount) => "branch_count", nameof(AccountInput.AnnualContractValue) => "annual_contract_value",
        nameof(AccountInput.Currency) => "currency", nameof(ContactInput.Email) => "email", nameof(ContactInput.Phone) => "phone",
        nameof(ContactInput.Title) => "title", _ => member ?? "",
    };

    private async Task<Check> CheckAccountsAsync(string path, CancellationToken ct)
    {
        var (rows, errors) = ParseAccounts(path);
        if (errors.Count > 0) return new Check(rows.Count + errors.Where(e => e.Row > 1).Select(e => e.Row).Distinct().Count(), 0, 0, errors);
        var plan = await PlanAccountsAsync(rows, ct);
        return new Check(rows.Count, plan.Creates, plan.Updates, plan.Errors);
    }

    private sealed record AccountPlan(int Creates, int Updates, List<ImportError> Errors, Dictionary<int, Guid> Targets);

    /// <summary>Matches rows to existing accounts: by external id first, then by name; refuses a row that would take another account's name.</summary>
    private async Task<AccountPlan> PlanAccountsAsync(List<ParsedAccount> rows, CancellationToken ct)
    {
        var existing = await db.Set<Account>().AsNoTracking().Select(a => new { a.Id, a.Name, a.ExternalId }).ToListAsync(ct);
        var byName = existing.ToDictionary(a => a.Name, a => a.Id, StringComparer.Ordinal);
        var byExt = existing.Where(a => a.ExternalId != null).ToDictionary(a => a.ExternalId!, a => a.Id, StringComparer.Ordinal);
        var errors = new List<ImportError>();
        var targets = new Dictionary<int, Guid>();
        int creates = 0, updates = 0;
        foreach (var r in rows)
        {
            var name = r.Input.Name.Trim();
            var ext = string.IsNullOrWhiteSpace(r.Input.ExternalId) ? null : r.Input.ExternalId.Trim();
            Guid? target = ext is not null && byExt.TryGetValue(ext, out var e) ? e : byName.TryGetValue(name, out var n) ? n : null;
            if (target is { } t)
            {
                if (byName.TryGetValue(name, out var owner) && owner != t) { errors.Add(new ImportError(r.Row, "name", $"Another account is already named '{name}'.")); continue; }
                if (ext is not null && byExt.TryGetValue(ext, out var extOwner) && extOwner != t) { errors.Add(new ImportError(r.Row, "external_id", $"External id '{ext}' belongs to another account.")); continue; }
                targets[r.Row] = t;
                updates++;
            }
            else creates++;
        }
        return new AccountPlan(creates, updates, errors, targets);
    }

    internal sealed record ParsedContact(int Row, string? AccountExternalId, string? AccountName, ContactInput Input);

    internal static (List<ParsedContact> Rows, List<ImportError> Errors) ParseContacts(string path)
    {
        var rows = new List<ParsedContact>();
        var errors = new List<ImportError>();
        try
        {
            using var csv = OpenCsv(path);
            var (columns, headerErrors) = Header(csv, CsvColumns.Contacts, CsvColumns.ContactsRequired);
            if (!columns.Contains("account_external_id") && !columns.Contains("account_name") && headerErrors.All(e => e.Field != "header"))
                headerErrors.Add(new ImportError(1, "account_name", "Missing column 'account_name' or 'account_external_id' (客户名称 / 客户编号)."));
            if (headerErrors.Count > 0) return ([], headerErrors);
            while (csv.Read())
            {
                var row = csv.Parser.Row;
                if (rows.Count + errors.Count >= MaxRows) { errors.Add(new ImportError(row, "file", $"A file holds at most {MaxRows:N0} rows; split it.")); break; }
                var c = Cells(csv, columns);
                if (c.Values.All(string.IsNullOrWhiteSpace)) continue;
                var before = errors.Count;
                // An empty cell is no value: [EmailAddress] refuses "", so a contact without email was a bad row.
                var input = new ContactInput { Name = c.GetValueOrDefault("name") ?? "", Title = NullIfEmpty(c.GetValueOrDefault("title")), Email = NullIfEmpty(c.GetValueOrDefault("email")), Phone = NullIfEmpty(c.GetValueOrDefault("phone")) };
                if (ImportValues.TryRole(c.GetValueOrDefault("role"), out var role)) input.Role = role; else errors.Add(new ImportError(row, "role", "Use DecisionMaker/Administrator/BusinessUser (决策者/管理员/业务用户)."));
                if (ImportValues.TryBool(c.GetValueOrDefault("primary"), out var p)) input.IsPrimary = p; else errors.Add(new ImportError(row, "primary", "Use yes/no (是/否)."));
                var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
                if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(input, new(input), results, true))
                    foreach (var r in results) errors.Add(new ImportError(row, ToColumn(r.MemberNames.FirstOrDefault()), r.ErrorMessage ?? "Invalid."));
                var ext = c.GetValueOrDefault("account_external_id");
                var acc = c.GetValueOrDefault("account_name");
                if (string.IsNullOrWhiteSpace(ext) && string.IsNullOrWhiteSpace(acc)) errors.Add(new ImportError(row, "account_name", "Name the account (客户名称 or 客户编号)."));
                if (errors.Count == before) rows.Add(new ParsedContact(row, ext, acc, input));
            }
        }
        catch (DecoderFallbackException)
        {
            return ([], [new ImportError(1, "file", "The file is not UTF-8. In Excel choose \"CSV UTF-8\" when saving (另存为 \"CSV UTF-8\").")]);
        }
        return (rows, errors); // valid rows too, so a report can count the whole file; callers write nothing when there are errors
    }

    private sealed record ContactPlan(int Creates, int Updates, List<ImportError> Errors, List<(ParsedContact Row, Guid AccountId, Guid? ContactId)> Items);

    private async Task<ContactPlan> PlanContactsAsync(List<ParsedContact> rows, CancellationToken ct)
    {
        var accounts = await db.Set<Account>().AsNoTracking().Select(a => new { a.Id, a.Name, a.ExternalId }).ToListAsync(ct);
        var byName = accounts.ToDictionary(a => a.Name, a => a.Id, StringComparer.Ordinal);
        var byExt = accounts.Where(a => a.ExternalId != null).ToDictionary(a => a.ExternalId!, a => a.Id, StringComparer.Ordinal);
        var existing = (await db.Set<Contact>().AsNoTracking().Where(c => c.Email != null).Select(c => new { c.Id, c.AccountId, c.Email }).ToListAsync(ct))
            .ToDictionary(c => (c.AccountId, c.Email!), c => c.Id);
        var errors = new List<ImportError>();
        var items = new List<(ParsedContact, Guid, Guid?)>();
        var seen = new Dictionary<(Guid, string), int>();
        int creates = 0, updates = 0;
        foreach (var r in rows)
        {
            Guid? account = !string.IsNullOrWhiteSpace(r.AccountExternalId) && byExt.TryGetValue(r.AccountExternalId, out var e) ? e
                : !string.IsNullOrWhiteSpace(r.AccountName) && byName.TryGetValue(r.AccountName, out var n) ? n : null;
            if (account is not { } accountId) { errors.Add(new ImportError(r.Row, "account_name", $"No account '{r.AccountName ?? r.AccountExternalId}'.")); continue; }
            var email = string.IsNullOrWhiteSpace(r.Input.Email) ? null : r.Input.Email.Trim().ToLowerInvariant();
            if (email is not null && !seen.TryAdd((accountId, email), r.Row)) { errors.Add(new ImportError(r.Row, "email", $"The same contact is on row {seen[(accountId, email)]}.")); continue; }
            Guid? contactId = email is not null && existing.TryGetValue((accountId, email), out var cid) ? cid : null;
            if (contactId is null) creates++; else updates++;
            items.Add((r, accountId, contactId));
        }
        return new ContactPlan(creates, updates, errors, items);
    }

    private async Task<Check> CheckContactsAsync(string path, CancellationToken ct)
    {
        var (rows, errors) = ParseContacts(path);
        if (errors.Count > 0) return new Check(rows.Count + errors.Where(e => e.Row > 1).Select(e => e.Row).Distinct().Count(), 0, 0, errors);
        var plan = await PlanContactsAsync(rows, ct);
        return new Check(rows.Count, plan.Creates, plan.Updates, plan.Errors);
    }

    /// <summary>
    /// Stages 1,000 rows at a time and saves them (inside the caller's transaction), clearing the change tracker so a
    /// 100k-row file does not pile up tracked entities, and reports the rows written so far.
    /// </summary>
    private async Task InChunksAsync<T>(IReadOnlyList<T> items, Func<int, Task> progress, Func<T[], Task> stage, CancellationToken ct)
    {
        var done = 0;
        foreach (var chunk in items.Chunk(1000))
        {
            await stage(chunk);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            done += chunk.Length;
            await progress(done);
        }
    }

    /// <summary>Writes a checked file in one transaction, reporting progress; anything that went wrong leaves the book untouched.</summary>
    internal async Task RunAsync(ImportJob job, Actor actor, Func<int, Task> progress, CancellationToken ct)
    {
        var path = PathOf(job.Id);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (job.Kind == ImportKind.Accounts)
        {
            var (rows, errors) = ParseAccounts(path);
            if (errors.Count > 0) throw new RuleViolation($"Row {errors[0].Row}: {errors[0].Reason}");
            var plan = await PlanAccountsAsync(rows, ct);
            if (plan.Errors.Count > 0) throw new RuleViolation($"Row {plan.Errors[0].Row}: {plan.Errors[0].Reason} (the book changed since the check)");
            await InChunksAsync(rows, progress, async chunk =>
            {
                var ids = chunk.Where(r => plan.Targets.ContainsKey(r.Row)).Select(r => plan.Targets[r.Row]).ToList();
                var tracked = await db.Set<Account>().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
                foreach (var r in chunk)
                {
                    if (plan.Targets.TryGetValue(r.Row, out var id))
                    {
                        var a = tracked[id];
                        r.Input.OwnerId = a.OwnerId;
                        r.Input.IsReference = a.IsReference;
                        r.Input.ApplyTo(a);
                        a.UpdatedAt = now;
                        a.Version++;
                    }
                    else
                    {
                        var a = new Account { Name = r.Input.Name, Industry = r.Input.Industry, Region = r.Input.Region, CreatedAt = now, UpdatedAt = now };
                        r.Input.ApplyTo(a);
                        db.Add(a);
                    }
                }
            }, ct);
            db.Audit(actor, now, "Import", job.Id, "accounts-imported", new { job.FileName, created = plan.Creates, updated = plan.Updates });
            await db.SaveChangesAsync(ct);
            await retier.RunAsync(actor, ct);
        }
        else
        {
            var (rows, errors) = ParseContacts(path);
            if (errors.Count > 0) throw new RuleViolation($"Row {errors[0].Row}: {errors[0].Reason}");
            var plan = await PlanContactsAsync(rows, ct);
            if (plan.Errors.Count > 0) throw new RuleViolation($"Row {plan.Errors[0].Row}: {plan.Errors[0].Reason} (the book changed since the check)");
            await InChunksAsync(plan.Items, progress, async chunk =>
            {
                var ids = chunk.Where(i => i.ContactId is not null).Select(i => i.ContactId!.Value).ToList();
                var tracked = await db.Set<Contact>().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
                foreach (var (row, accountId, contactId) in chunk)
                {
                    if (contactId is { } cid) { row.Input.ApplyTo(tracked[cid]); tracked[cid].UpdatedAt = now; }
                    else
                    {
                        var c = new Contact { AccountId = accountId, Name = row.Input.Name, CreatedAt = now, UpdatedAt = now };
                        row.Input.ApplyTo(c);
                        db.Add(c);
                    }
                }
            }, ct);
            db.Audit(actor, now, "Import", job.Id, "contacts-imported", new { job.FileName, created = plan.Creates, updated = plan.Updates });
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        File.Delete(path);
    }
}
