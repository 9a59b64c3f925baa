using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Pharos.Platform.Problems;

namespace Pharos.Service.Tickets;

/// <summary>
/// A ticket or reply arrives as JSON, or as multipart/form-data with the same JSON in a <c>payload</c> part and the
/// files in <c>files</c> parts. The request is bounded before it is read.
/// </summary>
internal static class TicketRequests
{
    public static async Task<(T Input, List<Upload> Files)> ReadAsync<T>(HttpRequest request, IOptions<ServiceOptions> options, CancellationToken ct) where T : class
    {
        var o = options.Value;
        var limit = o.MaxAttachmentBytes * o.MaxAttachmentsPerMessage + 1024 * 1024;
        if (request.ContentLength > limit)
            throw new RuleViolation($"The request is larger than {limit / (1024 * 1024)} MB.", "attachments", StatusCodes.Status413PayloadTooLarge);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } max) max.MaxRequestBodySize = limit;
        var json = request.HttpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        try
        {
            if (!request.HasFormContentType)
                return (await JsonSerializer.DeserializeAsync<T>(request.Body, json, ct) ?? throw RuleViolation.BadField("", "Send a JSON body."), []);
            var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = Ticket.BodyMax * 4 + 4096 }, ct);
            var payload = form["payload"].ToString();
            if (string.IsNullOrWhiteSpace(payload)) throw RuleViolation.BadField("payload", "Send the ticket fields as JSON in a 'payload' part.");
            var input = JsonSerializer.Deserialize<T>(payload, json) ?? throw RuleViolation.BadField("payload", "Send the ticket fields as JSON in a 'payload' part.");
            return (input, [.. form.Files.Select(f => new Upload(f.FileName, f.OpenReadStream))]);
        }
        catch (JsonException e)
        {
            throw RuleViolation.BadField(e.Path?.TrimStart('$', '.') ?? "", "The JSON is malformed or a value has the wrong type.");
        }
        catch (InvalidDataException)
        {
            throw new RuleViolation($"The request is larger than {limit / (1024 * 1024)} MB.", "attachments", StatusCodes.Status413PayloadTooLarge);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new RuleViolation($"The request is larger than {limit / (1024 * 1024)} MB.", "attachments", StatusCodes.Status413PayloadTooLarge);
        }
    }
}
