using QRCoder;

namespace Imprivata.Functions.Mfa;

/// <summary>The QR code an enrollment page shows (authenticator app URI, approver invitation), as a PNG data: URI for an img
/// element: the login and admin CSPs allow img-src data:, and nothing is fetched from elsewhere.</summary>
public static class QrCodeImage
{
    public static string PngDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(6);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
