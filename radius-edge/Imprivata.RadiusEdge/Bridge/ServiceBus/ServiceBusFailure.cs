using Amqp.Framing;

namespace Imprivata.RadiusEdge.Bridge.ServiceBus;

/// <summary>Service Bus refused or dropped something: carries the AMQP condition, never a credential.</summary>
public sealed class ServiceBusFailure(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>"amqp:unauthorized-access: ..." for a remote error, "closed" when there was none.</summary>
    public static string Describe(Error? error) =>
        error is null ? "closed" : string.IsNullOrEmpty(error.Description) ? $"{error.Condition}" : $"{error.Condition}: {error.Description}";
}
