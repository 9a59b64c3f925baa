namespace Pharos.Platform.Problems;

/// <summary>A business rule said no. Maps to 409 (or 400 when <see cref="Field"/> names bad input) as problem details.</summary>
public sealed class RuleViolation(string message, string? field = null, int status = StatusCodes.Status409Conflict) : Exception(message)
{
    public string? Field { get; } = field;
    public int Status { get; } = status;

    public static RuleViolation BadField(string field, string message) => new(message, field, StatusCodes.Status400BadRequest);

    /// <summary>Runs the DataAnnotations of <paramref name="input"/> (the same ones the forms use) and throws for the first failure.</summary>
    public static void ThrowIfInvalid(object input)
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (System.ComponentModel.DataAnnotations.Validator.TryValidateObject(input, new(input), results, validateAllProperties: true)) return;
        throw BadField(results[0].MemberNames.FirstOrDefault() ?? "", results[0].ErrorMessage ?? "Invalid.");
    }
}

public sealed class NotFound(string what) : Exception($"{what} was not found.");
