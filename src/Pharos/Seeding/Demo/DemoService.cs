using Pharos.Customers.Public;
using Pharos.Platform.Data;
using Pharos.Service.Calendars;
using Pharos.Service.Policies;
using Pharos.Service.Public;
using Pharos.Service.Sla;

namespace Pharos.Seeding.Demo;

/// <summary>Demo service levels: a Shanghai working-day calendar (holidays illustrative), 7×24, and a tier × priority matrix.</summary>
internal static class DemoService
{
    public static void Add(PharosDb db, DateTimeOffset now)
    {
        static IEnumerable<DateOnly> Days(int y, int m, int d, int n) => Enumerable.Range(0, n).Select(i => new DateOnly(y, m, d).AddDays(i));
        var workdays = new ServiceCalendar
        {
            Name = "上海工作日", IsDefault = true, CreatedAt = now, UpdatedAt = now,
            Calendar = BusinessCalendar.OfficeHours() with
            {
                Holidays = [.. Days(2026, 1, 1, 3), .. Days(2026, 2, 15, 9), .. Days(2026, 4, 4, 3), .. Days(2026, 5, 1, 5), .. Days(2026, 6, 19, 3),
                            .. Days(2026, 9, 25, 3), .. Days(2026, 10, 1, 7), .. Days(2027, 1, 1, 3)],
                MakeUpWorkdays = [new DateOnly(2026, 2, 14), new DateOnly(2026, 2, 28), new DateOnly(2026, 5, 9), new DateOnly(2026, 9, 20), new DateOnly(2026, 10, 10)],
            },
        };
        var always = new ServiceCalendar { Name = "7×24", Calendar = BusinessCalendar.SevenByTwentyFour(), CreatedAt = now, UpdatedAt = now };
        db.AddRange(workdays, always);

        // First response / next response / resolution, in working minutes; S and A urgent work runs around the clock.
        int[][] targets =
        [
            [15, 30, 240], [30, 60, 480], [60, 120, 1440], [240, 480, 2880],      // S: urgent, high, normal, low
            [30, 60, 480], [60, 120, 960], [120, 240, 2400], [480, 960, 4800],    // A
            [60, 120, 960], [120, 240, 1440], [240, 480, 2880], [480, 960, 4800], // B
            [120, 240, 1440], [240, 480, 2880], [480, 960, 4800], [960, 1440, 9600], // C
        ];
        var i = 0;
        foreach (var tier in Enum.GetValues<Tier>())
            foreach (var priority in Enum.GetValues<TicketPriority>())
            {
                var t = targets[i++];
                var aroundTheClock = tier <= Tier.A && priority <= TicketPriority.High && !(tier == Tier.A && priority == TicketPriority.High);
                db.Add(new SlaPolicy
                {
                    Tier = tier, Priority = priority, CalendarId = aroundTheClock ? always.Id : workdays.Id,
                    FirstResponseMinutes = t[0], NextResponseMinutes = t[1], ResolutionMinutes = t[2], UpdatedAt = now,
                });
            }
        db.Add(new SlaPolicy
        {
            Tier = Tier.S, Priority = TicketPriority.Urgent, Kind = TicketKind.ProductionProblem, CalendarId = always.Id,
            FirstResponseMinutes = 10, NextResponseMinutes = 30, ResolutionMinutes = 240, UpdatedAt = now,
        });
    }
}
