using Pharos.Analytics.Store;

namespace Pharos.Tests.Analytics;

/// <summary>The DuckDB store's memory of stored message ids: by day, trimmed as days leave the window.</summary>
public sealed class DedupWindowTests
{
    private static readonly Guid Source = Guid.Parse("0193a000-0000-7000-8000-000000000001");
    private static readonly DateTimeOffset Day0 = new(2026, 11, 20, 23, 59, 0, TimeSpan.Zero);

    [Fact]
    public void A_message_is_known_on_any_day_of_the_window_and_forgotten_when_its_day_leaves_it()
    {
        var window = new DedupWindow(7);
        var early = DedupWindow.Key(Source, "m-early");
        var late = DedupWindow.Key(Source, "m-late");
        var middle = DedupWindow.Key(Source, "m-middle");
        window.Add(late, Day0.AddDays(6));
        window.Add(early, Day0);
        window.Add(middle, Day0.AddDays(3)); // days arrive out of order when the window is loaded from the store

        Assert.True(window.Contains(early));
        Assert.True(window.Contains(middle));
        Assert.True(window.Contains(late));
        Assert.False(window.Contains(DedupWindow.Key(Source, "m-new")));
        Assert.Equal(3, window.Count);

        window.Trim(Day0.AddDays(7)); // the oldest day kept is 7 days back: Day0 itself
        Assert.True(window.Contains(early));
        window.Trim(Day0.AddDays(8));
        Assert.False(window.Contains(early));
        Assert.True(window.Contains(middle));
        Assert.Equal(2, window.Count);
    }

    [Fact]
    public void The_same_message_id_from_another_source_is_another_message()
    {
        var window = new DedupWindow(7);
        window.Add(DedupWindow.Key(Source, "m-1"), Day0);
        Assert.False(window.Contains(DedupWindow.Key(Guid.Parse("0193a000-0000-7000-8000-000000000002"), "m-1")));
    }

    [Fact]
    public void A_window_of_zero_days_keeps_nothing()
    {
        var window = new DedupWindow(0);
        window.Add(DedupWindow.Key(Source, "m-1"), Day0);
        Assert.False(window.Contains(DedupWindow.Key(Source, "m-1")));
        Assert.Equal(0, window.Count);
    }
}
