using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Pharos.Platform.Mail;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServerHost = SmtpServer.SmtpServer;
using SmtpServices = SmtpServer.ComponentModel.ServiceProvider;

namespace Pharos.Tests.Platform;

/// <summary>
/// The mail transport against a real SMTP server in this process (SmtpServer on a free loopback port) and a real
/// pickup folder; what arrives is parsed back with MimeKit, as a mail client would.
/// </summary>
public sealed class MailTransportTests
{
    private const string Subject = "工单 #1024 有新回复";
    private const string ToName = "张伟";
    private const string ToAddress = "zhang.wei@example.cn";

    private static OutgoingMail Reply(string? html = "<p>您的工单 <b>#1024</b> 有新回复。</p>") =>
        new(ToAddress, ToName, Subject, "您的工单 #1024 有新回复。\n请登录门户查看。", html);

    private static MailTransport Transport(MailOptions options, TimeProvider? time = null) =>
        new(Options.Create(options), time ?? TimeProvider.System, NullLogger<MailTransport>.Instance);

    private static MailOptions Smtp(int port, string? user = null, string? password = null, TimeSpan? timeout = null) => new()
    {
        From = "Pharos 客服 <noreply@pharos.local>",
        Smtp = new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Security = SmtpSecurity.None,
            User = user,
            Password = password,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        },
    };

    [Fact]
    public async Task A_Chinese_subject_and_name_arrive_intact_with_both_bodies()
    {
        await using var server = await TestSmtpServer.StartAsync();

        await Transport(Smtp(server.Port)).SendAsync(Reply(), CancellationToken.None);

        var received = Assert.Single(server.Received);
        using var message = received.Message;
        Assert.Equal(Subject, message.Subject);
        var to = Assert.Single(message.To.Mailboxes);
        Assert.Equal(ToName, to.Name);
        Assert.Equal(ToAddress, to.Address);
        Assert.Equal([ToAddress], received.EnvelopeTo);
        Assert.Equal("Pharos 客服", Assert.Single(message.From.Mailboxes).Name);
        Assert.Equal("您的工单 #1024 有新回复。\n请登录门户查看。", message.TextBody!.ReplaceLineEndings("\n").TrimEnd('\n'));
        Assert.Contains("<b>#1024</b>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("multipart/alternative", message.Body!.ContentType.MimeType);
        Assert.EndsWith("@pharos.local", message.MessageId!, StringComparison.Ordinal);
        // On the wire the header is RFC 2047 UTF-8, not raw 8-bit text a strict relay may reject.
        Assert.True(received.Raw.All(b => b < 0x80), "the message should be 7-bit clean");
        Assert.Contains("Subject: =?utf-8?", System.Text.Encoding.ASCII.GetString(received.Raw), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_text_only_mail_is_a_single_plain_part_and_keeps_a_given_Message_Id()
    {
        await using var server = await TestSmtpServer.StartAsync();

        await Transport(Smtp(server.Port)).SendAsync(Reply(html: null) with { MessageId = "outbox-42@pharos.local" }, CancellationToken.None);

        using var message = Assert.Single(server.Received).Message;
        Assert.Equal("text/plain", message.Body!.ContentType.MimeType);
        Assert.Null(message.HtmlBody);
        Assert.Equal("outbox-42@pharos.local", message.MessageId);
    }

    [Fact]
    public async Task A_server_that_requires_authentication_accepts_the_configured_user()
    {
        await using var server = await TestSmtpServer.StartAsync(user: "pharos", password: "s3cret");

        await Transport(Smtp(server.Port, "pharos", "s3cret")).SendAsync(Reply(), CancellationToken.None);

        var received = Assert.Single(server.Received);
        received.Message.Dispose();
        Assert.Equal("pharos", received.AuthenticatedUser);
    }

    [Fact]
    public async Task A_wrong_password_throws_and_nothing_is_delivered()
    {
        await using var server = await TestSmtpServer.StartAsync(user: "pharos", password: "s3cret");

        await Assert.ThrowsAsync<AuthenticationException>(() => Transport(Smtp(server.Port, "pharos", "wrong")).SendAsync(Reply(), CancellationToken.None));

        Assert.Empty(server.Received);
    }

    [Fact]
    public async Task Without_an_SMTP_host_the_mail_becomes_one_eml_file_in_the_data_directorys_outbox()
    {
        var data = Directory.CreateTempSubdirectory("pharos-mail-");
        try
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 15, 30, TimeSpan.Zero));
            var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time);
            services.AddPharosMail(new ConfigurationBuilder().Build(), data.FullName);
            await using var provider = services.BuildServiceProvider();

            await provider.GetRequiredService<MailTransport>().SendAsync(Reply(), CancellationToken.None);

            // Only the .eml: the temporary file it was written under is gone.
            var file = Assert.Single(Directory.GetFiles(Path.Combine(data.FullName, "outbox")));
            Assert.Matches(@"^20261127-101530-[0-9a-f]{32}\.eml$", Path.GetFileName(file));
            using var message = await MimeMessage.LoadAsync(file);
            Assert.Equal(Subject, message.Subject);
            Assert.Equal(ToName, Assert.Single(message.To.Mailboxes).Name);
            Assert.Equal(time.GetUtcNow(), message.Date);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_unreachable_SMTP_server_throws_within_the_time_out()
    {
        var port = ClosedPort();
        var timeout = TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Transport(Smtp(port, timeout: timeout)).SendAsync(Reply(), CancellationToken.None));

        Assert.True(clock.Elapsed < timeout, $"took {clock.Elapsed}");
        Assert.IsNotAssignableFrom<OperationCanceledException>(error);
    }

    [Fact]
    public async Task A_server_that_never_answers_throws_a_time_out_rather_than_hanging()
    {
        // Accepts the connection and never sends the greeting, like a firewall that swallows the session.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Transport(Smtp(port, timeout: TimeSpan.FromSeconds(1))).SendAsync(Reply(), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        // Not a cancellation: an outbox treats that as shutdown, not as a failed attempt to retry.
        Assert.IsNotAssignableFrom<OperationCanceledException>(error);
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("noreply")]
    [InlineData("Pharos <noreply@>")]
    public void A_From_that_is_not_a_mailbox_fails_validation_at_start(string from)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pharos:Mail:From"] = from }).Build();
        using var provider = new ServiceCollection().AddLogging().AddPharosMail(config, Path.GetTempPath()).BuildServiceProvider();

        // What the host runs on start for ValidateOnStart.
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Pharos:Mail:From", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_send_from_Pharos_to_a_pickup_folder_and_use_STARTTLS_on_587_once_a_host_is_set()
    {
        var data = Path.Combine(Path.GetTempPath(), "pharos-data");
        using var provider = new ServiceCollection().AddLogging().AddPharosMail(new ConfigurationBuilder().Build(), data).BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<MailOptions>>().Value;

        Assert.Equal("Pharos <noreply@pharos.local>", options.From);
        Assert.Equal(Path.Combine(data, "outbox"), options.PickupFolder);
        Assert.Equal(587, options.Smtp.Port);
        Assert.Equal(SecureSocketOptions.StartTls, options.Smtp.SocketOptions);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Smtp.Timeout);
    }

    [Fact]
    public void Smtp_settings_bind_from_the_Pharos_Mail_section()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pharos:Mail:Smtp:Host"] = "smtp.example.cn",
            ["Pharos:Mail:Smtp:Port"] = "465",
            ["Pharos:Mail:Smtp:Security"] = "SslOnConnect",
            ["Pharos:Mail:Smtp:User"] = "pharos",
            ["Pharos:Mail:Smtp:Password"] = "s3cret",
            ["Pharos:Mail:PickupFolder"] = "mail",
        }).Build();
        var data = Path.Combine(Path.GetTempPath(), "pharos-data");
        using var provider = new ServiceCollection().AddLogging().AddPharosMail(config, data).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MailOptions>>().Value;

        Assert.Equal(("smtp.example.cn", 465, SecureSocketOptions.SslOnConnect, "pharos", "s3cret"),
            (options.Smtp.Host, options.Smtp.Port, options.Smtp.SocketOptions, options.Smtp.User, options.Smtp.Password));
        Assert.Equal(Path.Combine(data, "mail"), options.PickupFolder);
    }

    /// <summary>A loopback port with nothing listening: bound by the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private sealed record ReceivedMail(MimeMessage Message, byte[] Raw, string[] EnvelopeTo, string? AuthenticatedUser);

    private sealed class TestSmtpServer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _running;

        private TestSmtpServer(CancellationTokenSource stop, Task running, int port, Store store) =>
            (_stop, _running, Port, _store) = (stop, running, port, store);

        private readonly Store _store;
        public int Port { get; }
        public IReadOnlyCollection<ReceivedMail> Received => _store.Messages;

        /// <summary>Listens on port 0 and reports the port the OS chose, so parallel tests never race for one.</summary>
        public static async Task<TestSmtpServer> StartAsync(string? user = null, string? password = null)
        {
            var listeners = new EndpointListenerFactory();
            var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
            var options = new SmtpServerOptionsBuilder()
                .ServerName("localhost")
                .Endpoint(endpoint => endpoint
                    .Endpoint(new IPEndPoint(IPAddress.Loopback, 0))
                    // Plain-text AUTH is fine on loopback; a real server would require TLS first.
                    .AllowUnsecureAuthentication(true)
                    .AuthenticationRequired(user is not null))
                .Build();
            var store = new Store();
            var services = new SmtpServices();
            services.Add(store);
            services.Add(listeners);
            if (user is not null)
            {
                Func<string, string, bool> check = (u, p) => u == user && p == password;
                services.Add(new DelegatingUserAuthenticator(check));
            }
            var stop = new CancellationTokenSource();
            var running = new SmtpServerHost(options, services).StartAsync(stop.Token);
            var port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return new TestSmtpServer(stop, running, port, store);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
            }
            _stop.Dispose();
        }

        private sealed class Store : MessageStore
        {
            public ConcurrentQueue<ReceivedMail> Messages { get; } = new();

            public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
            {
                var raw = buffer.ToArray();
                var message = await MimeMessage.LoadAsync(new MemoryStream(raw), cancellationToken);
                var to = transaction.To.Select(m => $"{m.User}@{m.Host}").ToArray();
                Messages.Enqueue(new ReceivedMail(message, raw, to, context.Authentication.User));
                return SmtpResponse.Ok;
            }
        }
    }
}
