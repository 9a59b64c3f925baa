namespace Pharos.Customers.Public;

/// <summary>Customer tier (客户分级). S is the highest. The order of the members is the order of importance.</summary>
public enum Tier { S, A, B, C }

/// <summary>Lifecycle stage (生命周期): prospect → new → mature → churned.</summary>
public enum LifecycleStage { Prospect, New, Mature, Churned }

/// <summary>Where the account came from (渠道).</summary>
public enum LeadChannel { PaidSearch, Relationship, Referral, Event, Inbound, Partner }

/// <summary>Industry influence (行业影响力).</summary>
public enum Influence { None, Regional, IndustryLeader }

/// <summary>A contact's operations role; the order is importance (决策者 &gt; 管理员 &gt; 业务用户).</summary>
public enum ContactRole { DecisionMaker, Administrator, BusinessUser }

public static class TierExtensions
{
    /// <summary>The better (more important) of two tiers.</summary>
    public static Tier Best(this Tier a, Tier b) => a <= b ? a : b;
}
