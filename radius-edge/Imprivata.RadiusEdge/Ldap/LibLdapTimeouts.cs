using System.DirectoryServices.Protocols;
using System.Runtime.InteropServices;

namespace Imprivata.RadiusEdge.Ldap;

/// <summary>
/// libldap's bounds on connecting (LDAP_OPT_NETWORK_TIMEOUT, also the TLS handshake) and on each synchronous call
/// (LDAP_OPT_TIMEOUT: binds, StartTLS), which System.DirectoryServices.Protocols does not set on Linux: without them a
/// directory that accepts the connection and never answers holds a bind, and the RADIUS request, forever. They are
/// libldap's process defaults, copied into a connection when it is created, so they are set and the connection
/// created under one lock (profiles may differ in their timeouts).
/// </summary>
internal static class LibLdapTimeouts
{
    private const int LdapOptTimeout = 0x5002, LdapOptNetworkTimeout = 0x5005, LdapOptSuccess = 0;
    private static readonly Lock Gate = new();
    private static readonly SetTimeOption? SetOption = Load();

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal
    {
        public CLong Seconds;
        public CLong Microseconds;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int SetTimeOption(nint ld, int option, ref TimeVal value);

    /// <summary>Creates a connection whose libldap handle is bounded by <paramref name="timeout"/>.</summary>
    public static LdapConnection Create(TimeSpan timeout, Func<LdapConnection> create)
    {
        // Windows (wldap32) bounds its calls by LdapConnection.Timeout itself.
        if (SetOption is null)
            return create();
        var value = new TimeVal
        {
            Seconds = new CLong((nint)(timeout.Ticks / TimeSpan.TicksPerSecond)),
            Microseconds = new CLong((nint)(timeout.Ticks % TimeSpan.TicksPerSecond / 10)),
        };
        lock (Gate)
        {
            if (SetOption(0, LdapOptNetworkTimeout, ref value) != LdapOptSuccess || SetOption(0, LdapOptTimeout, ref value) != LdapOptSuccess)
                throw new LdapException("libldap refused the connection timeouts");
            return create();
        }
    }

    /// <summary>libldap under the names System.DirectoryServices.Protocols tries, in its order, so both use the same library.</summary>
    private static SetTimeOption? Load()
    {
        if (OperatingSystem.IsWindows())
            return null;
        foreach (var name in (string[])["libldap.so.2", "libldap-2.6.so.0", "libldap-2.5.so.0", "libldap-2.4.so.2"])
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "ldap_set_option", out var function))
                return Marshal.GetDelegateForFunctionPointer<SetTimeOption>(function);
        }
        throw new DllNotFoundException("RadiusEdge: libldap (libldap.so.2 or libldap-2.5.so.0) is needed for the LDAP first factor.");
    }
}
