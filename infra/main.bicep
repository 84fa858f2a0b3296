// Imprivata serverless: Flex Consumption function app (custom handler), Storage (tables, queues, deployment
// container), Key Vault (RBAC) with the RSA signing key, the key-encryption key and the one-time setup secret, workspace-based
// Application Insights, a Service Bus namespace for the RADIUS bridge, and one user-assigned identity for all data access and
// telemetry.
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Short lowercase name prefix (letters and digits) used to derive resource names.')
@minLength(3)
@maxLength(11)
param namePrefix string

@description('Public base URL of the service, also the OIDC issuer (e.g. https://login.example.org). Never derived from the Host header. Empty: the app\'s default https host name.')
param publicBaseUrl string = ''

@description('Warm instances kept for the HTTP group so a cold start never exceeds a RADIUS NAS timeout.')
@minValue(0)
param alwaysReadyHttpInstances int = 1

@description('Warm instances kept for the RADIUS request function (Service Bus trigger, its own scale group on Flex) so a gateway never waits for a cold start.')
@minValue(0)
param alwaysReadyRadiusInstances int = 1

@description('Maximum number of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance in MB (Flex Consumption sizes; CPU grows with memory).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps the telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Object id of the person or pipeline deploying: granted read on the setup secret so it can hand it to the first administrator. Empty: nobody.')
param deployerPrincipalId string = ''

@description('Kind of principal deployerPrincipalId is.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

// Two version-4 GUIDs: 244 random bits. ARM evaluates newGuid() only in a parameter default, once per deployment, and never
// logs a secure parameter's value, so every deployment writes a fresh value (a new secret version the app reads at first-admin
// setup); the setup page accepts it only while no administrator exists, so rotating it on a redeploy is harmless.
@secure()
@description('One-time secret for creating the first administrator. Leave the default: a fresh random value per deployment.')
param setupSecretValue string = '${newGuid()}${newGuid()}'

@description('Seconds since the epoch after which the setup secret is expired (default: 7 days after this deployment).')
param setupSecretExpires int = dateTimeToEpoch(dateTimeAdd(utcNow(), 'P7D'))

@description('Name of the RSA key that signs tokens and assertions.')
param signingKeyName string = 'idp-signing'

@description('Name of the RSA key-encryption key that seals the data keys kept in table storage (authenticator secrets, code hashes, token and audit keys).')
param dataKeyEncryptionKeyName string = 'data-kek'

@description('Name of the RSA key RADIUS edges seal PAP passwords to (unwrapKey only; its public half is served at /radius/v1/seal-key).')
param radiusSealKeyName string = 'radius-seal'

var suffix = uniqueString(resourceGroup().id, namePrefix)
var storageAccountName = take(toLower('${namePrefix}st${suffix}'), 24)
var keyVaultName = take('${namePrefix}-kv-${suffix}', 24)
var deploymentContainerName = 'app-package'
var serviceBusName = '${namePrefix}-sb-${suffix}'
// The RADIUS bridge's entities: edges send to the first (their Bridge:RequestQueue) and read their session of the second.
var radiusRequestQueueName = 'radius-requests'
var radiusReplyQueueName = 'radius-replies'
// On-premises edges have no managed identity: this namespace rule (Send, Listen) is what their SAS connection string names.
var radiusEdgeRuleName = 'radius-edge'
var setupSecretName = 'setup-secret'
// azd deploys the package to the site carrying this tag (azure.yaml's service name).
var azdServiceName = 'app'

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

// The signing key: RSA-2048, used for sign only; rotated every 90 days (the app pre-publishes the new version in JWKS).
resource signingKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: keyVault
  name: signingKeyName
  properties: {
    kty: 'RSA'
    keySize: 2048
    keyOps: [
      'sign'
      'verify'
    ]
    rotationPolicy: {
      attributes: {
        expiryTime: 'P1Y'
      }
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P90D'
          }
          action: {
            type: 'rotate'
          }
        }
        {
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
          action: {
            type: 'notify'
          }
        }
      ]
    }
  }
}

// The key-encryption key: RSA-3072, wrapKey/unwrapKey only, so a copy of the storage account opens none of the data keys in
// it. Rotated yearly without an expiry: the app re-seals every data key under the newest version within the hour (MaintainKeys),
// after which older versions may be disabled.
resource dataKeyEncryptionKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: keyVault
  name: dataKeyEncryptionKeyName
  properties: {
    kty: 'RSA'
    keySize: 3072
    keyOps: [
      'wrapKey'
      'unwrapKey'
    ]
    rotationPolicy: {
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P365D'
          }
          action: {
            type: 'rotate'
          }
        }
      ]
    }
  }
}

// The RADIUS seal key: edges seal each PAP password to its newest version's public key; the app opens a seal with the vault's
// unwrapKey on the version the seal names, so the private key never leaves the vault. Rotated yearly like the KEK; an
// older version keeps opening seals made before a rotation while it is enabled (edges fetch the new public key within minutes).
resource radiusSealKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: keyVault
  name: radiusSealKeyName
  properties: {
    kty: 'RSA'
    keySize: 3072
    keyOps: [
      'unwrapKey'
    ]
    rotationPolicy: {
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P365D'
          }
          action: {
            type: 'rotate'
          }
        }
      ]
    }
  }
}

// The first administrator's one-time setup secret. Only the app's identity (and the deployer, when named) may read it: both
// roles are scoped to this one secret, not the vault. Key Vault does not enforce "exp" on secrets; the app refuses an expired one.
resource setupSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: setupSecretName
  properties: {
    value: setupSecretValue
    contentType: 'text/plain; one-time first-administrator setup'
    attributes: {
      enabled: true
      exp: setupSecretExpires
    }
  }
}

// The RADIUS bridge in Azure: a Service Bus trigger holds an AMQP link and is pushed each request (no polling delay), and a
// session per edge routes decisions back to the edge that asked. Standard: sessions need it. Local (SAS) auth stays on for the
// edges' rule; the app itself uses its identity.
resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: serviceBusName
  location: location
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    minimumTlsVersion: '1.2'
  }
}

// A request is of no use past the gateway's wait: edges set each message's time to live to its deadline; expired ones are
// dropped, not dead-lettered. An unreadable one is redelivered, then dead-lettered for an operator.
resource radiusRequests 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: serviceBus
  name: radiusRequestQueueName
  properties: {
    requiresSession: false
    lockDuration: 'PT1M'
    maxDeliveryCount: 5
    defaultMessageTimeToLive: 'PT5M'
    deadLetteringOnMessageExpiration: false
  }
}

// Session id = edge id: each edge's session processor reads only its own decisions.
resource radiusReplies 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: serviceBus
  name: radiusReplyQueueName
  properties: {
    requiresSession: true
    lockDuration: 'PT30S'
    maxDeliveryCount: 5
    defaultMessageTimeToLive: 'PT5M'
    deadLetteringOnMessageExpiration: false
  }
}

// One rule for all on-premises edges (an edge's connection string names one rule for both entities, so it is namespace-wide):
// Send and Listen, never Manage. Its keys are not outputs; the administrator reads the connection string with
// az servicebus namespace authorization-rule keys list (README, "RADIUS edges on Service Bus").
resource radiusEdgeRule 'Microsoft.ServiceBus/namespaces/authorizationRules@2024-01-01' = {
  parent: serviceBus
  name: radiusEdgeRuleName
  properties: {
    rights: [
      'Send'
      'Listen'
    ]
  }
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-log-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

// Workspace-based Application Insights; local (instrumentation-key) auth off, so only Entra identities may send telemetry.
resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-appi-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.storageTableDataContributor)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.storageQueueDataContributor)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
  }
}

// Blob Data Owner: the Flex Consumption deployment container and the host's own blobs (leases, timer monitors).
resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.storageBlobDataOwner)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

resource cryptoRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keyVault
  name: guid(keyVault.id, identity.id, roles.keyVaultCryptoUser)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultCryptoUser)
  }
}

resource setupSecretRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: setupSecret
  name: guid(setupSecret.id, identity.id, roles.keyVaultSecretsUser)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource deployerSetupSecretRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  scope: setupSecret
  name: guid(setupSecret.id, deployerPrincipalId, roles.keyVaultSecretsUser)
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

// Entra-authenticated telemetry (DisableLocalAuth) needs this role on the component.
resource telemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// The app receives requests and sends decisions, on those two entities only.
resource radiusRequestsReceiverRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: radiusRequests
  name: guid(radiusRequests.id, identity.id, roles.serviceBusDataReceiver)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
  }
}

resource radiusRepliesSenderRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: radiusReplies
  name: guid(radiusReplies.id, identity.id, roles.serviceBusDataSender)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${namePrefix}-plan'
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// Flex Consumption runs custom handlers as runtime 'custom' 1.0 (the package is self-contained linux-x64). On Flex the runtime
// lives in functionAppConfig: no FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION or linuxFxVersion.
resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: '${namePrefix}-func-${suffix}'
  location: location
  kind: 'functionapp,linux'
  tags: {
    'azd-service-name': azdServiceName
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: [
          {
            name: 'http'
            instanceCount: alwaysReadyHttpInstances
          }
          {
            name: 'function:RadiusRequestServiceBus'
            instanceCount: alwaysReadyRadiusInstances
          }
        ]
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

// serviceBusEndpoint is https://<namespace host>:443/: the host name is what both the trigger and the app take.
var serviceBusHost = split(split(serviceBus.properties.serviceBusEndpoint, '/')[2], ':')[0]
var effectivePublicBaseUrl = empty(publicBaseUrl) ? 'https://${functionApp.properties.defaultHostName}' : publicBaseUrl

// A resource of its own so the settings may name the site's own host name. It waits for the role assignments: the host and
// the app start with these settings and must find their data reachable.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // The Functions host's own storage, identity-based (no account key anywhere).
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.properties.clientId
    AzureWebJobsDisableHomepage: 'true'
    // The host's telemetry, authenticated with the identity (the component refuses instrumentation-key ingestion).
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
    // Keep OpenTelemetry's query-string redaction on (the Azure Monitor distro turns it off): ?code= carries authorization codes.
    OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION: 'false'
    OTEL_DOTNET_EXPERIMENTAL_HTTPCLIENT_DISABLE_URL_QUERY_REDACTION: 'false'
    // The app's own data access uses the same identity (Azure.Identity reads AZURE_CLIENT_ID).
    AZURE_CLIENT_ID: identity.properties.clientId
    Imprivata__Storage__TableServiceUri: storage.properties.primaryEndpoints.table
    Imprivata__Storage__QueueServiceUri: storage.properties.primaryEndpoints.queue
    // The push deadline queue: the PushDeadline function's queueTrigger names it as %PushDeadlineQueue%.
    PushDeadlineQueue: 'push-deadlines'
    Imprivata__PublicBaseUrl: effectivePublicBaseUrl
    Imprivata__KeyProvider: 'keyvault'
    Imprivata__KeyVaultUrl: keyVault.properties.vaultUri
    Imprivata__KeyVaultKeyName: signingKey.name
    Imprivata__KeyVaultWrapKeyName: dataKeyEncryptionKey.name
    Imprivata__Radius__KeyVaultSealKeyName: radiusSealKey.name
    // RADIUS over Service Bus: the trigger (identity-based connection "RadiusServiceBus") pushes each request to the app, which
    // answers on the reply entity with the same identity. Exactly one RADIUS trigger runs: the Storage Queues one is disabled.
    // %RadiusRequestQueue% must resolve even for the disabled trigger.
    RadiusRequestQueue: radiusRequests.name
    RadiusServiceBus__fullyQualifiedNamespace: serviceBusHost
    RadiusServiceBus__credential: 'managedidentity'
    RadiusServiceBus__clientId: identity.properties.clientId
    'AzureWebJobs.RadiusRequest.Disabled': 'true'
    'AzureWebJobs.RadiusRequestServiceBus.Disabled': 'false'
    Imprivata__Radius__Bus: 'ServiceBus'
    Imprivata__Radius__ServiceBus__FullyQualifiedNamespace: serviceBusHost
    Imprivata__Radius__ServiceBus__ReplyEntity: radiusReplies.name
    // Versionless: the app reads the newest version, the one this deployment wrote.
    Imprivata__Setup__SecretUri: setupSecret.properties.secretUri
  }
  dependsOn: [
    tableRole
    queueRole
    blobRole
    cryptoRole
    setupSecretRole
    telemetryRole
    radiusRequestsReceiverRole
    radiusRepliesSenderRole
  ]
}

// deploy.sh reads these (BicepTests checks it reads nothing else); azd stores them in its environment.
output functionAppName string = functionApp.name
output functionAppHostName string = functionApp.properties.defaultHostName
output publicBaseUrl string = effectivePublicBaseUrl
output keyVaultName string = keyVault.name
output keyVaultUri string = keyVault.properties.vaultUri
output setupSecretName string = setupSecret.name
output storageAccountName string = storage.name
output identityClientId string = identity.properties.clientId
output appInsightsName string = appInsights.name
// For the edges' settings (Bridge:ServiceBus): the namespace and the SAS rule's name, never its keys.
output serviceBusName string = serviceBus.name
output serviceBusNamespace string = serviceBusHost
output radiusEdgeRuleName string = radiusEdgeRule.name
