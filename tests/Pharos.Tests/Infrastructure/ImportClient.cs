using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Pharos.Customers.ImportExport;

namespace Pharos.Tests.Infrastructure;

/// <summary>Uploading files to the import API and waiting for a confirmed import to finish.</summary>
public static class ImportClient
{
    public static byte[] Utf8(string text, bool bom = false) => [.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)];

    /// <summary>Uploads as a browser form does: multipart, field "file".</summary>
    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, string kind, byte[] file, string fileName = "客户导入.csv")
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(part, "file", fileName);
        return client.PostAsync($"/api/imports/{kind}", form);
    }

    /// <summary>Uploads as a script does: the file is the body.</summary>
    public static Task<HttpResponseMessage> UploadRawAsync(this HttpClient client, string kind, byte[] file, string fileName)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/imports/{kind}") { Content = content };
        request.Headers.Add("X-File-Name", fileName);
        return client.SendAsync(request);
    }

    public static async Task<ImportReport> CheckAsync(this HttpClient client, string kind, byte[] file) =>
        await (await client.UploadAsync(kind, file)).ReadAsync<ImportReport>();

    /// <summary>Polls the import until it is done or failed.</summary>
    public static async Task<ImportReport> WaitAsync(this HttpClient client, Guid id, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var report = await client.GetAsync<ImportReport>($"/api/imports/{id}");
            if (report.State is ImportState.Done or ImportState.Failed) return report;
            if (clock.Elapsed > timeout) Assert.Fail($"Import {id} still {report.State} after {timeout} ({report.Processed} of {report.Rows} rows).");
            await Task.Delay(clock.Elapsed < TimeSpan.FromSeconds(5) ? 100 : 500);
        }
    }

    public static async Task<ImportReport> ConfirmAndWaitAsync(this HttpClient client, Guid id, TimeSpan timeout)
    {
        var queued = await (await client.PostAsync($"/api/imports/{id}/confirm", null)).ReadAsync<ImportReport>(HttpStatusCode.Accepted);
        Assert.Contains(queued.State, new[] { ImportState.Queued, ImportState.Running, ImportState.Done });
        var done = await client.WaitAsync(id, timeout);
        Assert.True(done.State == ImportState.Done, $"Import {id} ended {done.State}: {done.Failure}");
        return done;
    }
}
