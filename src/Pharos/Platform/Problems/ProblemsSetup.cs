using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Pharos.Platform.Problems;

internal sealed class RuleViolationHandler(IProblemDetailsService problems) : IExceptionHandler
{
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
            _ => null,
        };
        if (details is null) return false;
        http.Response.StatusCode = details.Status!.Value;
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
