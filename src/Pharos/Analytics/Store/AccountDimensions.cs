using Microsoft.EntityFrameworkCore;
using Pharos.Customers.Public;
using Pharos.Platform.Data;

namespace Pharos.Analytics.Store;

/// <summary>
/// Keeps the event store's copy of the customer book (external id → account, tier, industry, region) current.
/// Queries call <see cref="EnsureSyncedAsync"/>: a cheap count and version sum notices created, edited and deleted
/// accounts at once (so an account created a moment ago already claims its earlier events); the whole book is
/// re-read every <see cref="FullEvery"/> as well, for changes that bump no version (a tier recomputed by the rules).
/// </summary>
internal sealed class AccountDimensions(IServiceScopeFactory scopes, IEventStore store, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan FullEvery = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;
    private int _fingerprint;
    private (int Count, long Versions) _stamp = (-1, -1);
    private Dictionary<string, AccountDimension> _byExternalId = [];

    public void Dispose() => _gate.Dispose();

    public async Task<IReadOnlyDictionary<string, AccountDimension>> EnsureSyncedAsync(CancellationToken ct, bool force = false)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<PharosDb>();
            var linked = CustomerDirectory.Accounts(db).Where(a => a.ExternalId != null);
            var totals = await linked.GroupBy(_ => 1).Select(g => new { Count = g.Count(), Versions = g.Sum(a => (long)a.Version) }).FirstOrDefaultAsync(ct);
            var stamp = (totals?.Count ?? 0, totals?.Versions ?? 0L);
            if (!force && stamp == _stamp && time.GetUtcNow() - _checkedAt < FullEvery) return _byExternalId;
            var rows = await linked.Select(a => new { a.ExternalId, a.Id, a.Name, a.Tier, a.Industry, a.Region }).ToListAsync(ct);
            var dims = rows.Select(a => new AccountDimension(a.ExternalId!, a.Id, a.Name, a.Tier.ToString(), a.Industry, a.Region))
                .OrderBy(d => d.ExternalId, StringComparer.Ordinal).ToList();
            var hash = new HashCode();
            foreach (var d in dims) hash.Add(d);
            var fingerprint = hash.ToHashCode();
            if (fingerprint != _fingerprint || _byExternalId.Count != dims.Count)
            {
                await store.SyncAccountsAsync(dims, ct);
                _fingerprint = fingerprint;
                _byExternalId = dims.DistinctBy(d => d.ExternalId).ToDictionary(d => d.ExternalId, StringComparer.Ordinal);
            }
            _checkedAt = time.GetUtcNow();
            _stamp = stamp;
            return _byExternalId;
        }
        finally { _gate.Release(); }
    }
}
