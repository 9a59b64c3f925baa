namespace Pharos.Seeding.Demo;

/// <summary>The shapes the demo data is drawn from, on a seeded <see cref="Random"/> so every start sees the same book.</summary>
internal static class DemoRandom
{
    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Gaussian(this Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>An index drawn with the given relative weights.</summary>
    public static int Weighted(this Random rng, int[] weights)
    {
        var x = rng.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if (x < weights[i]) return i;
            x -= weights[i];
        }
        return weights.Length - 1;
    }
}
