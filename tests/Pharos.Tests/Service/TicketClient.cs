using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Pharos.Service.Inbox;
using Pharos.Service.Public;
using Pharos.Service.Tickets;
using Pharos.Tests.Infrastructure;

namespace Pharos.Tests.Service;

/// <summary>Ticket calls as an API client makes them: JSON, or multipart with the JSON in 'payload' and files in 'files'.</summary>
internal static class TicketClient
{
    public static Task<HttpResponseMessage> OpenAsync(this HttpClient staff, Guid accountId, string subject, TicketPriority priority = TicketPriority.Normal,
        TicketKind kind = TicketKind.OperationQuestion, Guid? assigneeId = null, Guid? groupId = null, string body = "请帮忙看一下。") =>
        staff.PostJsonAsync("/api/tickets", new { accountId, subject, priority, kind, assigneeId, groupId, body });

    public static async Task<TicketDetail> OpenedAsync(this HttpClient staff, Guid accountId, string subject, TicketPriority priority = TicketPriority.Normal,
        TicketKind kind = TicketKind.OperationQuestion, Guid? assigneeId = null, Guid? groupId = null) =>
        await (await staff.OpenAsync(accountId, subject, priority, kind, assigneeId, groupId)).ReadAsync<TicketDetail>(HttpStatusCode.Created);

    public static Task<HttpResponseMessage> ReplyAsync(this HttpClient client, string ticketUrl, string body, bool @internal = false, TicketStatus? status = null) =>
        client.PostJsonAsync($"{ticketUrl}/replies", new { body, @internal, status });

    public static Task<HttpResponseMessage> PatchAsync(this HttpClient staff, Guid id, object change) =>
        staff.PatchAsync($"/api/tickets/{id}", JsonContent.Create(change, options: Http.Json));

    public static Task<HttpResponseMessage> PostMultipartAsync(this HttpClient client, string url, object payload, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent { { new StringContent(JsonSerializer.Serialize(payload, Http.Json)), "payload" } };
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        return client.PostAsync(url, form);
    }

    public static Task<TicketResults> InboxAsync(this HttpClient staff, string query) => staff.GetAsync<TicketResults>("/api/tickets?" + query);

    /// <summary>The smallest valid PNG: a 1×1 transparent pixel.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");
}
