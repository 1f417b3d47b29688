using System.Net;
using System.Net.Sockets;

namespace KetamineCds.Api.Fhir;

/// <summary>
/// Checks the addresses a FHIR server's name resolves to, at connect time, so a name on the allow-list that resolves (or
/// is re-pointed, DNS rebinding) to a link-local or cloud metadata address is never connected to. Private and loopback
/// addresses stay allowed: hospital FHIR servers live on them. Every resolved address must pass, not only the first.
/// </summary>
public sealed class FhirAddressGuard(bool allowLinkLocal)
{
    // Cloud instance metadata endpoints outside the link-local ranges: AWS's IPv6 one, Alibaba Cloud's, Oracle Cloud's.
    private static readonly IPAddress[] Metadata =
        [IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("100.100.100.200"), IPAddress.Parse("192.0.0.192")];

    /// <summary>Whether the service may connect to <paramref name="address"/> for a FHIR query.</summary>
    public bool Permits(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (Metadata.Contains(address))
        {
            return allowLinkLocal;
        }

        // 169.254.0.0/16 (RFC 3927; 169.254.169.254 is the AWS, GCP and Azure metadata service) and fe80::/10.
        var linkLocal = address.AddressFamily == AddressFamily.InterNetwork
            ? address.GetAddressBytes() is [169, 254, _, _]
            : address.IsIPv6LinkLocal;
        return !linkLocal || allowLinkLocal;
    }

    /// <summary>The FHIR client's connect step: resolve, refuse if any address is refused, else connect to the first that answers.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        if (addresses.Length == 0 || !addresses.All(Permits))
        {
            throw new FhirAddressRefusedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The FHIR server's name resolved to an address the service never connects to (link-local or cloud metadata).</summary>
public sealed class FhirAddressRefusedException() : IOException("the FHIR server's address is link-local or a cloud metadata address");
