using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Pharos.Platform.Problems;

public sealed class RuleViolationHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>SQLite has one writer; when a long transaction holds it past the busy timeout, say so instead of a 500.</summary>
    public static bool IsSqliteBusy(Exception e) =>
        (e as Microsoft.Data.Sqlite.SqliteException ?? e.InnerException as Microsoft.Data.Sqlite.SqliteException) is { SqliteErrorCode: 5 or 6 };

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails? details = exception switch
        {
            RuleViolation { Field: { } field } rv => new ValidationProblemDetails(new Dictionary<string, string[]> { [System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(field)] = [rv.Message] })
            { Status = rv.Status, Title = "One or more validation errors occurred.", Detail = rv.Message },
            RuleViolation rv => new ProblemDetails { Status = rv.Status, Title = "The request breaks a rule.", Detail = rv.Message },
            NotFound nf => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found.", Detail = nf.Message },
            DbUpdateConcurrencyException => new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Someone else changed this record.", Detail = "Reload and try again." },
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "Bad request.", Detail = bad.Message },
            _ when IsSqliteBusy(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable, Title = "The database is busy.",
                Detail = "Another long write (such as an import) holds the database. Nothing was saved; try again shortly.",
            },
            _ => null,
        };
        if (details is null) return false;
        http.Response.StatusCode = details.Status!.Value;
        if (details.Status == StatusCodes.Status503ServiceUnavailable) http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }
}

public static class ProblemsSetup
{
    public static IServiceCollection AddPharosProblems(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<RuleViolationHandler>();
        return services;
    }
}
