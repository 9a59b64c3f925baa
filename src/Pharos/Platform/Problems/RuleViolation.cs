namespace Pharos.Platform.Problems;

/// <summary>A business rule said no. Maps to 409 (or 400 when <see cref="Field"/> names bad input) as problem details.</summary>
public sealed class RuleViolation(string message, string? field = null, int status = StatusCodes.Status409Conflict) : Exception(message)
{
    public string? Field { get; } = field;
    public int Status { get; } = status;

    public static RuleViolation BadField(string field, string message) => new(message, field, StatusCodes.Status400BadRequest);
}

public sealed class NotFound(string what) : Exception($"{what} was not found.");
