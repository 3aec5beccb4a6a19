// Switchboard on Azure: Container Apps (two or more replicas) on Azure Database for PostgreSQL
// Flexible Server and Azure Cache for Redis, an Azure Bot registration wired to /api/messages,
// and every secret in Key Vault, read by the app through its managed identity.
//
//   az deployment group create -g <group> -f deploy/azure/main.bicep \
//     -p image=<registry>/switchboard:<tag> botAppId=<app id> botAppPassword=<secret> \
//        postgresPassword=<password> directLineSecret=<32+ chars>

@description('Name prefix of every resource (letters and digits).')
@minLength(3)
@maxLength(16)
param name string = 'switchboard'

@description('Region of the resources.')
param location string = resourceGroup().location

@description('Container image of Switchboard (deploy/Dockerfile, target runtime).')
param image string

@description('Replicas at least running; two or more for availability.')
@minValue(1)
param minReplicas int = 2

@description('Replicas at most, scaled on concurrent HTTP requests.')
@minValue(1)
param maxReplicas int = 6

@description('Microsoft App ID of the bot (an Entra ID app registration).')
param botAppId string

@description('Client secret of that app registration.')
@secure()
param botAppPassword string

@description('MultiTenant, SingleTenant or UserAssignedMSI, as registered.')
@allowed(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'])
param botAppType string = 'SingleTenant'

@description('Administrator password of the PostgreSQL server.')
@secure()
param postgresPassword string

@description('Secret web pages use to start Direct Line conversations (at least 16 characters).')
@secure()
@minLength(16)
param directLineSecret string

var suffix = uniqueString(resourceGroup().id, name)
var postgresUser = 'switchboard'
var databaseName = 'switchboard'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id-${suffix}'
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${name}-logs-${suffix}'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2023-06-01-preview' = {
  name: '${name}-pg-${suffix}'
  location: location
  sku: { name: 'Standard_B1ms', tier: 'Burstable' }
  properties: {
    version: '16'
    administratorLogin: postgresUser
    administratorLoginPassword: postgresPassword
    storage: { storageSizeGB: 32 }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2023-06-01-preview' = {
  parent: postgres
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

// Lets Azure services (the Container Apps environment) reach the server; use a VNet in production.
resource postgresAzureAccess 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2023-06-01-preview' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource redis 'Microsoft.Cache/redis@2023-08-01' = {
  name: '${name}-redis-${suffix}'
  location: location
  properties: {
    sku: { name: 'Basic', family: 'C', capacity: 0 }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: '${take(name, 10)}kv${take(suffix, 10)}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
  }
}

resource databaseUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgres://${postgresUser}:${uriComponent(postgresPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
  }
}

resource redisUrlSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'redis-url'
  properties: {
    value: 'rediss://:${uriComponent(redis.listKeys().primaryKey)}@${redis.properties.hostName}:${redis.properties.sslPort}'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bot-app-password'
  properties: { value: botAppPassword }
}

resource directLineSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'directline-secret'
  properties: { value: directLineSecret }
}

// Key Vault Secrets User, for the app's identity only.
resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, 'secrets-user')
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${name}-env-${suffix}'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${name}-app'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [vaultReader]
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      ingress: {
        external: true
        targetPort: 3978
        transport: 'auto'
        allowInsecure: false
        // No sticky sessions: every replica serves every request (shared PostgreSQL, Redis fan-out).
        stickySessions: { affinity: 'none' }
      }
      secrets: [
        { name: 'database-url', keyVaultUrl: databaseUrlSecret.properties.secretUri, identity: identity.id }
        { name: 'redis-url', keyVaultUrl: redisUrlSecret.properties.secretUri, identity: identity.id }
        { name: 'bot-app-password', keyVaultUrl: botPasswordSecret.properties.secretUri, identity: identity.id }
        { name: 'directline-secret', keyVaultUrl: directLineSecretSecret.properties.secretUri, identity: identity.id }
      ]
    }
    template: {
      containers: [
        {
          name: 'switchboard'
          image: image
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: [
            { name: 'STORAGE', value: 'postgres' }
            { name: 'DATABASE_URL', secretRef: 'database-url' }
            { name: 'REDIS_URL', secretRef: 'redis-url' }
            { name: 'MicrosoftAppId', value: botAppId }
            { name: 'MicrosoftAppPassword', secretRef: 'bot-app-password' }
            { name: 'MicrosoftAppType', value: botAppType }
            { name: 'MicrosoftAppTenantId', value: subscription().tenantId }
            { name: 'DIRECTLINE_SECRET', secretRef: 'directline-secret' }
            { name: 'PUBLIC_URL', value: 'https://${name}-app.${environment.properties.defaultDomain}' }
            { name: 'TRUST_PROXY', value: 'uniquelocal,loopback' }
          ]
          probes: [
            { type: 'Liveness', httpGet: { path: '/healthz', port: 3978 }, periodSeconds: 15 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: 3978 }, periodSeconds: 10 }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          { name: 'http', http: { metadata: { concurrentRequests: '50' } } }
        ]
      }
    }
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${name}-bot-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'S1' }
  properties: {
    displayName: name
    endpoint: 'https://${app.properties.configuration.ingress.fqdn}/api/messages'
    msaAppId: botAppId
    msaAppType: botAppType
    msaAppTenantId: botAppType == 'MultiTenant' ? '' : subscription().tenantId
  }
}

@description('Where customers and agents reach Switchboard.')
output url string = 'https://${app.properties.configuration.ingress.fqdn}'

@description('The Bot Framework messaging endpoint registered with the Azure Bot.')
output messagingEndpoint string = bot.properties.endpoint
