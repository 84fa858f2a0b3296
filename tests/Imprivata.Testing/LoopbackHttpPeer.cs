using System.Net;

namespace Imprivata.Testing;

/// <summary>
/// An HTTP peer on 127.0.0.1 for tests that need a real server on the other end (a fake Key Vault, an app's back-channel
/// logout endpoint): one HttpListener on a free port, each request handed to the handler, its response closed afterwards.
/// A handler that throws answers 500 and is reported to <c>crashed</c>.
/// </summary>
public sealed class LoopbackHttpPeer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public LoopbackHttpPeer(Func<HttpListenerContext, Task> handle, Action<Exception>? crashed = null)
    {
        Port = Ports.FreeTcp();
        BaseUri = new Uri($"http://127.0.0.1:{Port}/");
        _listener.Prefixes.Add(BaseUri.ToString());
        _listener.Start();
        _loop = Task.Run(() => ServeAsync(handle, crashed));
    }

    public int Port { get; }
    public Uri BaseUri { get; }

    private async Task ServeAsync(Func<HttpListenerContext, Task> handle, Action<Exception>? crashed)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                await handle(context);
            }
            catch (Exception e)
            {
                crashed?.Invoke(e);
                context.Response.StatusCode = 500;
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
