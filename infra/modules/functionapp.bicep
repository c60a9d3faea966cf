// The Flex Consumption plan and the Linux Function App that runs the custom handler (app/Ledger.Functions).
// The app deploys from a blob container and reaches Storage, Event Hubs and its own host storage with the
// user-assigned identity; there are no connection strings with keys.
param planName string
param name string
param location string
param tags object

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of that identity (Azure.Identity and the host pick it by client id).')
param identityClientId string

param storageAccountName string
param blobEndpoint string
param tableEndpoint string
param deploymentContainerName string
param eventHubsNamespaceFqdn string
@description('Application Insights component in this resource group; its connection string goes to the host.')
param appInsightsName string
param maximumInstanceCount int
param instanceMemoryMB int
param allowedOrigins array

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      cors: {
        allowedOrigins: allowedOrigins
      }
      // No FUNCTIONS_WORKER_RUNTIME: on Flex Consumption the runtime is functionAppConfig.runtime.
      appSettings: [
        // The Functions host's own storage (timer singletons, schedule monitor), through the identity.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identityClientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        // The handler (LedgerHostOptions): token endpoints instead of Ledger__StorageConnectionString.
        {
          name: 'Ledger__TableEndpoint'
          value: tableEndpoint
        }
        {
          name: 'Ledger__BlobEndpoint'
          value: blobEndpoint
        }
        {
          name: 'Ledger__ManagedIdentityClientId'
          value: identityClientId
        }
        {
          name: 'Ledger__StoragePrefix'
          value: 'ledger'
        }
        // Journal streams: the pump sends to the hub each stream's KinesisConfiguration.StreamArn names, in this
        // namespace, with the managed identity (Azure Event Hubs Data Sender).
        {
          name: 'Ledger__EventHubs__FullyQualifiedNamespace'
          value: eventHubsNamespaceFqdn
        }
      ]
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
