namespace Pharos.Platform.Problems;

/// <summary>A business rule said no. Maps to 409 (or 400 when <see cref="Field"/> names bad input) as problem details.</summary>
public sealed class RuleViolation(string message, string? field = null, int status = StatusCodes.Status409Conflict) : Exception(message)
{
    public string? Field { get; } = field;
    public int Status { get; } = status;
    /// <summary>The message before its values were filled in, so a page can look it up in the reader's language.</summary>
    public string Template { get; private init; } = message;
    public object?[] Args { get; private init; } = [];

    /// <summary>A violation whose message carries values: the API says it in English, a page localizes <see cref="Template"/>.</summary>
    public static RuleViolation Format(string? field, string template, params object?[] args) =>
        new(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, args), field) { Template = template, Args = args };

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
