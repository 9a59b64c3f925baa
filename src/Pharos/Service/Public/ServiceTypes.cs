namespace Pharos.Service.Public;

/// <summary>Ticket priority; the order is urgency.</summary>
public enum TicketPriority { Urgent, High, Normal, Low }

/// <summary>Ticket kinds from DOMAIN.md §3: before go-live (presale, account, finance) and after (bug, operation, customer-side management).</summary>
public enum TicketKind { PresaleQuestion, Account, Finance, ProductionProblem, OperationQuestion, ManagementQuestion }
