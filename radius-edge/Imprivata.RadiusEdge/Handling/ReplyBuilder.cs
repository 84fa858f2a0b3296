using System.Text;
using Imprivata.RadiusEdge.Contract;
using Imprivata.RadiusEdge.Protocol;
using Imprivata.RadiusEdge.Protocol.Dictionary;
using Microsoft.Extensions.Logging;

namespace Imprivata.RadiusEdge.Handling;

/// <summary>
/// Builds Access-Accept / -Reject / -Challenge for a request: Message-Authenticator first (ReplyEncoder), then
/// Reply-Message, State, the backend's attributes (Accept only), and the request's Proxy-State copied unmodified.
/// No other attribute of the request is echoed.
/// </summary>
public sealed class ReplyBuilder(RadiusDictionary dictionary, ILogger<ReplyBuilder> logger)
{
    private const int MaxStringOctets = 253;
    // Attributes the backend may not set: the edge owns them (RFC 3579 §3.2, RFC 2865 §5.33) or they are never sent in replies.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Message-Authenticator", "Proxy-State", "State", "Reply-Message", "EAP-Message", "User-Password", "CHAP-Password",
    };

    public byte[] Build(RadiusCode code, RadiusPacket request, ClientPolicy client, string? replyMessage = null,
        ReadOnlyMemory<byte>? state = null, IEnumerable<BridgeAttribute>? attributes = null)
    {
        var list = new List<RadiusAttribute>();
        // RFC 2865 §5.18: Reply-Message may be repeated; each carries at most 253 octets.
        if (!string.IsNullOrEmpty(replyMessage))
            foreach (var chunk in Chunk(Encoding.UTF8.GetBytes(replyMessage)))
                list.Add(new RadiusAttribute(RadiusAttributeType.ReplyMessage, chunk));
        // RFC 2865 §5.24: State is sent in Access-Challenge and echoed by the NAS unmodified.
        if (state is { Length: > 0 } s)
            list.Add(new RadiusAttribute(RadiusAttributeType.State, s));
        if (code == RadiusCode.AccessAccept && attributes is not null)
            list.AddRange(Encode(attributes));
        // RFC 2865 §5.33: Proxy-State is copied unmodified, in order, into the reply.
        list.AddRange(request.All(RadiusAttributeType.ProxyState));

        return ReplyEncoder.Encode(code, request.Identifier, request.Authenticator.Span, Fit(list), client.Secret);
    }

    private IEnumerable<RadiusAttribute> Encode(IEnumerable<BridgeAttribute> attributes)
    {
        foreach (var a in attributes)
        {
            if (Reserved.Contains(a.Name))
            {
                logger.LogWarning("Decision attribute {Attribute} is reserved to the edge: not sent", a.Name);
                continue;
            }
            if (dictionary.TryEncode(a.Name, a.Value, out var encoded, out var error))
                yield return encoded;
            else
                logger.LogWarning("Decision attribute not sent: {Error}", error);
        }
    }

    // RFC 2865 §3: a packet is at most 4096 octets; what does not fit is left out (and logged) rather than failing the reply.
    private List<RadiusAttribute> Fit(List<RadiusAttribute> list)
    {
        var room = RadiusPacket.MaxLength - RadiusPacket.HeaderLength - 18;
        var kept = new List<RadiusAttribute>(list.Count);
        foreach (var a in list)
        {
            if (a.WireLength > room)
            {
                logger.LogWarning("Reply attribute {Type} left out: the reply would exceed 4096 octets", a.Type);
                continue;
            }
            room -= a.WireLength;
            kept.Add(a);
        }
        return kept;
    }

    private static IEnumerable<byte[]> Chunk(byte[] text)
    {
        for (var offset = 0; offset < text.Length; offset += MaxStringOctets)
            yield return text[offset..Math.Min(text.Length, offset + MaxStringOctets)];
    }
}
