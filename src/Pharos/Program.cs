using MudBlazor.Services;
using Pharos.Analytics;
using Pharos.Analytics.TrackEvents;
using Pharos.Components;
using Pharos.Customers;
using Pharos.Platform.Audit;
using Pharos.Platform.Cli;
using Pharos.Platform.Data;
using Pharos.Platform.Identity;
using Pharos.Platform.Localization;
using Pharos.Platform.Notifications;
using Pharos.Platform.Problems;
using Pharos.Seeding;
using Pharos.Service;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
var cli = CliVerbs.Matches(args);
if (cli) builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHttpContextAccessor();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
builder.Services.AddPharosData(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddPharosIdentity();
builder.Services.AddPharosProblems();
builder.Services.AddPharosLocalization();
builder.Services.AddScoped<CurrentUser>();
builder.Services.AddScoped<ApiTokens>();
builder.Services.AddScoped<StaffUsers>();
builder.Services.AddCustomers(builder.Configuration);
builder.Services.AddService(builder.Configuration);
builder.Services.AddAnalytics(builder.Configuration);
builder.Services.AddPharosNotifications(builder.Configuration);
builder.Services.AddPharosSeeding();
builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
{
    doc.Info.Title = "Pharos API";
    doc.Info.Description = "B2B customer operations. Authenticate with `Authorization: Bearer <token>` (create one under your profile or with `pharos tokens create`).";
    return Task.CompletedTask;
}));
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();

var app = builder.Build();

if (cli) return await CliVerbs.RunAsync(app, args);

await app.Services.GetRequiredService<StartupTasks>().RunAsync();

app.UseExceptionHandler();
// Uploaded files are served as what their row says they are, never as what a browser guesses.
app.Use((ctx, next) => { ctx.Response.Headers.XContentTypeOptions = "nosniff"; return next(ctx); });
app.UseStatusCodePages();
app.UseRequestLocalization();
app.UseCors();
app.UseAuthentication();
app.UseMustChangePasswordGate();
app.UseAuthorization();
app.UseAntiforgery();

app.MapHealthChecks("/health", new() { ResponseWriter = HealthWriter.WriteAsync });
app.MapOpenApi("/api/openapi.json");
app.MapScalarApiReference("/api/docs", o => o.WithOpenApiRoutePattern("/api/openapi.json").WithTitle("Pharos API"));

var api = app.MapGroup("/api");
api.MapIdentityApi();
api.MapAuditLog();
api.MapNotifications();
api.MapCustomers();
api.MapService();
api.MapAnalytics();
app.MapTrackApi();

app.MapCultureSwitch();
app.MapAccountEndpoints();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
return 0;

public partial class Program;
