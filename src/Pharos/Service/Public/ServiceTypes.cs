namespace Pharos.Service.Public;

/// <summary>Ticket priority; the order is urgency.</summary>
public enum TicketPriority { Urgent, High, Normal, Low }

/// <summary>Ticket kinds from DOMAIN.md §3: before go-live (presale, account, finance) and after (bug, operation, customer-side management).</summary>
public enum TicketKind { PresaleQuestion, Account, Finance, ProductionProblem, OperationQuestion, ManagementQuestion }

/// <summary>
/// Where a ticket stands. <see cref="WaitingOnCustomer"/> stops the SLA clock; a customer reply to a
/// <see cref="Resolved"/> ticket within the reopen period opens it again; <see cref="Closed"/> is final.
/// </summary>
public enum TicketStatus { New, Open, WaitingOnCustomer, InProgress, Resolved, Closed }

/// <summary>How a ticket stands against its targets, as the inbox filters it.</summary>
public enum SlaState { OnTrack, AtRisk, Breached, Paused, Met, Missed, None }
