using System.ComponentModel.DataAnnotations;
using Pharos.Service.Public;

namespace Pharos.Service.Tickets;

/// <summary>A ticket as staff open it for an account; the portal fills account and contact from the signed-in user.</summary>
public sealed class OpenTicketInput
{
    [Required(ErrorMessage = "Choose the account.")] public Guid? AccountId { get; set; }
    public Guid? ContactId { get; set; }
    [Required(ErrorMessage = "Choose the kind of ticket.")] public TicketKind? Kind { get; set; }
    public TicketPriority? Priority { get; set; }
    [Required(ErrorMessage = "A subject is required."), StringLength(Ticket.SubjectMax, ErrorMessage = "The subject is at most 200 characters.")]
    public string? Subject { get; set; }
    [Required(ErrorMessage = "Describe the problem."), StringLength(Ticket.BodyMax, ErrorMessage = "The text is at most 20,000 characters.")]
    public string? Body { get; set; }
    public List<string>? Tags { get; set; }
    public Guid? AssigneeId { get; set; }
    public Guid? GroupId { get; set; }
}

public sealed class ReplyInput
{
    [Required(ErrorMessage = "Write the reply."), StringLength(Ticket.BodyMax, ErrorMessage = "The text is at most 20,000 characters.")]
    public string? Body { get; set; }
    /// <summary>An internal note: staff only, never shown to the customer.</summary>
    public bool Internal { get; set; }
    /// <summary>Staff may move the ticket with the reply (e.g. to waiting on customer).</summary>
    public TicketStatus? Status { get; set; }
}

/// <summary>Fields to change; null leaves a field alone. <see cref="ClearAssignee"/>/<see cref="ClearGroup"/> unset them.</summary>
public sealed record TicketChange(TicketStatus? Status = null, TicketPriority? Priority = null, Guid? AssigneeId = null, bool ClearAssignee = false,
    Guid? GroupId = null, bool ClearGroup = false, List<string>? Tags = null, bool? MajorIncident = null, TicketKind? Kind = null);

public sealed record RatingInput([property: Range(1, 5, ErrorMessage = "Rate from 1 to 5.")] int Score,
    [property: StringLength(2000, ErrorMessage = "The comment is at most 2,000 characters.")] string? Comment);

/// <summary>A file as it arrives, before the store checks it.</summary>
public sealed record Upload(string FileName, Func<Stream> Open);

/// <summary>Who is writing: staff, or a portal user on behalf of their account.</summary>
public sealed record Author(Guid? UserId, string Name, bool IsCustomer);
