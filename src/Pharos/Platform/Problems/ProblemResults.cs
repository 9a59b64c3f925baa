using Microsoft.AspNetCore.Http.HttpResults;

namespace Pharos.Platform.Problems;

/// <summary>Problem results an endpoint returns rather than throws, shaped like the ones the exception handler writes.</summary>
public static class ProblemResults
{
    /// <summary>The same 404 as a thrown <see cref="Problems.NotFound"/>: application/problem+json (NotFound&lt;ProblemDetails&gt; wrote plain application/json).</summary>
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.", detail: $"{what} was not found.");
}
