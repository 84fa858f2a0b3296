using System.Security.Claims;
using System.Security.Cryptography;
using Imprivata.Storage.KeyVault;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Imprivata.Storage.Tests.Keys;

public sealed class KeyVaultRsaTests : IDisposable
{
    private readonly FakeKeyVault _vault = new();
    private readonly FakeKeyVault.Version _version;
    private readonly KeyVaultRsa _rsa;

    public KeyVaultRsaTests()
    {
        _version = _vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-1));
        _rsa = new KeyVaultRsa(_vault.NewClient().GetCryptographyClient(FakeKeyVault.KeyName, _version.Id), FakeKeyVault.KeyName, _version.Id,
            _version.Key.ExportParameters(false));
    }

    public void Dispose()
    {
        _rsa.Dispose();
        _vault.Dispose();
    }

    [Fact]
    public void ExportParameters_Public_ReturnsCachedKeyWithoutCallingVault()
    {
        var parameters = _rsa.ExportParameters(false);

        Assert.Equal(_version.Key.ExportParameters(false).Modulus, parameters.Modulus);
        Assert.Equal(2048, _rsa.KeySize);
        Assert.Empty(_vault.Requests);
    }

    [Fact]
    public void ExportParameters_Private_Throws()
    {
        Assert.Throws<CryptographicException>(() => _rsa.ExportParameters(true));
        Assert.Throws<CryptographicException>(() => _rsa.ExportPkcs8PrivateKey());
    }

    [Fact]
    public void SignHash_Rs256_SignedRemotelyAndVerifies()
    {
        var hash = SHA256.HashData("data"u8);

        var signature = _rsa.SignHash(hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _rsa.SignHash(hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        Assert.Equal(2, _vault.SignCount);
        Assert.Empty(_vault.Violations);
        Assert.True(_version.Key.VerifyHash(hash, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        // The SDK reads the version's public key once; every signature is the vault's, the private key never asked for.
        var path = $"/keys/{FakeKeyVault.KeyName}/{_version.Id}";
        Assert.Equal([$"GET {path}", $"POST {path}/sign", $"POST {path}/sign"], _vault.Requests);
    }

    [Fact]
    public void SignHash_VaultReturnsASignatureThatDoesNotVerify_Throws()
    {
        _vault.CorruptSignatures = true;

        Assert.Throws<CryptographicException>(() => _rsa.SignHash(SHA256.HashData("data"u8), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void SignHash_VaultRefuses_KeyVaultRequestException()
    {
        _vault.FailWith = 403;

        var refused = Assert.Throws<KeyVaultRequestException>(() => _rsa.SignHash(SHA256.HashData("data"u8), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        Assert.Equal(403, refused.Status);
    }

    [Fact]
    public void SignHash_OtherHashOrPadding_ThrowsWithoutCallingVault()
    {
        Assert.Throws<CryptographicException>(() => _rsa.SignHash(SHA384.HashData("data"u8), HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1));
        Assert.Throws<CryptographicException>(() => _rsa.SignHash(SHA256.HashData("data"u8), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        Assert.Throws<CryptographicException>(() => _rsa.SignHash(new byte[48], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Empty(_vault.Requests);
    }

    [Fact]
    public void Decrypt_Any_Throws()
    {
        var encrypted = _rsa.Encrypt("secret"u8.ToArray(), RSAEncryptionPadding.OaepSHA256);

        Assert.Throws<CryptographicException>(() => _rsa.Decrypt(encrypted, RSAEncryptionPadding.OaepSHA256));
    }

    [Fact]
    public async Task CreateToken_JsonWebTokenHandlerWithKeyVaultRsa_ValidatesAgainstPublicKey()
    {
        var credentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = "kv-1" }, SecurityAlgorithms.RsaSha256);
        var handler = new JsonWebTokenHandler();

        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://idp.example",
            Audience = "client",
            Subject = new ClaimsIdentity([new Claim("sub", "alice")]),
            SigningCredentials = credentials,
        });

        Assert.Equal(1, _vault.SignCount);
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "https://idp.example",
            ValidAudience = "client",
            IssuerSigningKey = new RsaSecurityKey(_version.Key.ExportParameters(false)) { KeyId = "kv-1" },
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("kv-1", ((JsonWebToken)result.SecurityToken).Kid);
    }
}
