using Amqp;
using Amqp.Framing;
using Amqp.Handler;
using Amqp.Listener;
using Amqp.Sasl;
using Amqp.Types;

namespace Imprivata.Testing.ServiceBus;

/// <summary>
/// The <c>$cbs</c> node: put-token of a SAS token (<c>servicebus.windows.net:sastoken</c>, checked against the rule) or an
/// Entra token (<c>jwt</c>, checked by the test's validator); 202 grants the connection the named entity, 401 refuses.
/// </summary>
internal sealed class CbsNode(ServiceBusDouble owner) : IRequestProcessor
{
    public int Credit => 10;

    public void Process(RequestContext context)
    {
        var properties = context.Message.ApplicationProperties;
        var token = context.Message.Body as string ?? "";
        var audience = properties?["name"] as string ?? "";
        var type = properties?["type"] as string;
        var entity = ServiceBusDouble.EntityOf(audience);
        var valid = properties?["operation"] as string == "put-token" && type switch
        {
            "servicebus.windows.net:sastoken" => owner.SasCovers(token, entity),
            "jwt" => owner.JwtValid(token),
            _ => false,
        };
        owner.Record(new PutToken(audience, type, token, valid));
        if (valid)
            owner.Grant((ListenerConnection)context.Link.Session.Connection, entity);
        var response = new Message { ApplicationProperties = new ApplicationProperties() };
        response.ApplicationProperties["status-code"] = valid ? 202 : 401;
        response.ApplicationProperties["status-description"] = valid ? "Accepted" : "Unauthorized";
        context.Complete(response);
    }
}

/// <summary>
/// An entity's <c>$management</c> node, answering (with a <c>statusCode</c> property) what a session receiver and the
/// processors ask while they run: lock renewals and session state. Anything else is 501.
/// </summary>
internal sealed class ManagementNode(ServiceBusDouble owner) : IRequestProcessor
{
    public int Credit => 10;

    public void Process(RequestContext context)
    {
        var operation = context.Message.ApplicationProperties?["operation"] as string;
        var lockedUntil = owner.Time.GetUtcNow().UtcDateTime + DoubleEntity.LockDuration;
        var body = new Map();
        var status = 200;
        switch (operation)
        {
            case "com.microsoft:renew-session-lock":
                body[new Symbol("expiration")] = lockedUntil;
                break;
            case "com.microsoft:renew-lock":
                var count = (context.Message.Body as Map)?[new Symbol("lock-tokens")] is Guid[] tokens ? tokens.Length : 0;
                body[new Symbol("expirations")] = Enumerable.Repeat(lockedUntil, count).ToArray();
                break;
            case "com.microsoft:get-session-state":
                body[new Symbol("session-state")] = null;
                break;
            case "com.microsoft:set-session-state":
                break;
            default:
                status = 501;
                break;
        }
        var response = new Message { ApplicationProperties = new ApplicationProperties(), BodySection = new AmqpValue { Value = body } };
        response.ApplicationProperties["statusCode"] = status;
        response.ApplicationProperties["statusDescription"] = status == 200 ? "OK" : "not implemented by the test double";
        context.Complete(response);
    }
}

/// <summary>SASL MSSBCBS: Service Bus's "authenticate later on $cbs" mechanism; the outcome is always OK.</summary>
internal sealed class CbsSaslProfile() : SaslProfile(Name)
{
    public const string Name = "MSSBCBS";

    protected override ITransport UpgradeTransport(ITransport transport) => transport;

    protected override DescribedList GetStartCommand(string hostname) => new SaslInit { Mechanism = Name };

    protected override DescribedList? OnCommand(DescribedList command) =>
        command.Descriptor.Code == 0x41 /* sasl-init */ ? new SaslOutcome { Code = SaslCode.Ok } : null;
}

/// <summary>Puts each delivery's lock token in its delivery tag, as Service Bus does (the SDK settles by it).</summary>
internal sealed class LockTokenTags(ServiceBusDouble owner) : IHandler
{
    public bool CanHandle(EventId id) => id == EventId.SendDelivery;

    public void Handle(Event protocolEvent)
    {
        if (protocolEvent.Context is IDelivery delivery)
            delivery.Tag = owner.TagOf(delivery.Message);
    }
}
