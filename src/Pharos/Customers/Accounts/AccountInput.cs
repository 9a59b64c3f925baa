using System.ComponentModel.DataAnnotations;
using Pharos.Customers.Public;

namespace Pharos.Customers.Accounts;

/// <summary>What a user may set on an account. The same attributes validate the API and the Blazor form.</summary>
public sealed class AccountInput
{
    [Required(ErrorMessage = "Name is required."), StringLength(Account.NameMax, ErrorMessage = "Name is at most 200 characters.")]
    public string Name { get; set; } = "";

    [StringLength(64, ErrorMessage = "External id is at most 64 characters.")]
    public string? ExternalId { get; set; }

    [Required(ErrorMessage = "Industry is required."), StringLength(50)]
    public string Industry { get; set; } = "";

    [Required(ErrorMessage = "Region is required."), StringLength(50)]
    public string Region { get; set; } = "";

    [StringLength(50)]
    public string? City { get; set; }

    [Range(0, 10_000_000, ErrorMessage = "Employees must be between 0 and 10,000,000.")]
    public int Employees { get; set; }

    [Range(0, 1_000_000, ErrorMessage = "Branch count must be between 0 and 1,000,000.")]
    public int BranchCount { get; set; }

    public LifecycleStage Stage { get; set; } = LifecycleStage.Prospect;
    public LeadChannel Channel { get; set; } = LeadChannel.Inbound;

    [Range(typeof(decimal), "0", "100000000000", ErrorMessage = "Annual contract value must be between 0 and 100,000,000,000.")]
    public decimal AnnualContractValue { get; set; }

    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "Currency is a three-letter ISO code such as CNY.")]
    public string Currency { get; set; } = "CNY";

    public bool IsStrategic { get; set; }
    public Influence Influence { get; set; }
    public bool IsReference { get; set; }
    public Guid? OwnerId { get; set; }

    public static AccountInput From(Account a) => new()
    {
        Name = a.Name, ExternalId = a.ExternalId, Industry = a.Industry, Region = a.Region, City = a.City, Employees = a.Employees,
        BranchCount = a.BranchCount, Stage = a.Stage, Channel = a.Channel, AnnualContractValue = a.AnnualContractValue,
        Currency = a.Currency, IsStrategic = a.IsStrategic, Influence = a.Influence, IsReference = a.IsReference, OwnerId = a.OwnerId,
    };

    internal void ApplyTo(Account a)
    {
        a.Name = Name.Trim();
        a.ExternalId = string.IsNullOrWhiteSpace(ExternalId) ? null : ExternalId.Trim();
        a.Industry = Industry.Trim();
        a.Region = Region.Trim();
        a.City = string.IsNullOrWhiteSpace(City) ? null : City.Trim();
        a.Employees = Employees;
        a.BranchCount = BranchCount;
        a.Stage = Stage;
        a.Channel = Channel;
        a.AnnualContractValue = AnnualContractValue;
        a.Currency = Currency;
        a.IsStrategic = IsStrategic;
        a.Influence = Influence;
        a.IsReference = IsReference;
        a.OwnerId = OwnerId;
    }
}
