// Ledger.Serverless on Azure: a Flex Consumption Function App (custom handler) with a user-assigned managed
// identity, a Storage account for journals (Table) and leases/exports (Blob) with a delete lock, an Event Hubs
// namespace for journal streams, and Application Insights. No account keys: every data-plane call uses the
// identity. Deploy: see docs/deploy.md.
targetScope = 'resourceGroup'

@description('Azure region for every resource; defaults to the resource group\'s region.')
param location string = resourceGroup().location

@description('Short base name for resource names: 3 to 10 lowercase letters or digits.')
@minLength(3)
@maxLength(10)
param baseName string = 'ledger'

@description('Upper bound on Flex Consumption instances, 40 to 1000 (each ledger has one sequencer; ledgers spread across instances).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per Flex Consumption instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('The event hub that journal streams publish to.')
param eventHubName string = 'ledger-events'

@description('Partitions of the event hub (fixed after creation on the Standard tier).')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('Event Hubs throughput units (Standard tier: 1 TU = 1 MB/s or 1000 events/s in).')
@minValue(1)
@maxValue(40)
param eventHubThroughputUnits int = 1

@description('Browser origins allowed to call the API (CORS); empty for none.')
param allowedOrigins array = []

@description('Tags applied to every resource.')
param tags object = {}

var token = uniqueString(resourceGroup().id)
var names = {
  identity: 'id-${baseName}-${token}'
  storage: take('st${baseName}${token}', 24)
  eventHubs: 'evhns-${baseName}-${token}'
  logAnalytics: 'log-${baseName}-${token}'
  appInsights: 'appi-${baseName}-${token}'
  plan: 'plan-${baseName}-${token}'
  functionApp: 'func-${baseName}-${token}'
}
var deploymentContainerName = 'deploymentpackage'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    identityId: identity.outputs.id
    principalId: identity.outputs.principalId
  }
}

module eventHubs 'modules/eventhubs.bicep' = {
  name: 'eventhubs'
  params: {
    name: names.eventHubs
    location: location
    tags: tags
    eventHubName: eventHubName
    partitionCount: eventHubPartitionCount
    throughputUnits: eventHubThroughputUnits
    identityId: identity.outputs.id
    principalId: identity.outputs.principalId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    planName: names.plan
    name: names.functionApp
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    eventHubsNamespaceFqdn: eventHubs.outputs.namespaceFqdn
    appInsightsName: monitoring.outputs.appInsightsName
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    allowedOrigins: allowedOrigins
  }
}

@description('The Function App name (for az functionapp commands).')
output functionAppName string = functionApp.outputs.name

@description('The public host name: https://<this>/health.')
output functionAppHostName string = functionApp.outputs.defaultHostName

@description('The Storage account that holds journals, leases and the deployment package.')
output storageAccountName string = storage.outputs.name

@description('The blob container the Flex Consumption app deploys from (upload the package zip here).')
output deploymentContainerUrl string = '${storage.outputs.blobEndpoint}${deploymentContainerName}'

@description('The Event Hubs namespace, fully qualified.')
output eventHubsNamespace string = eventHubs.outputs.namespaceFqdn

@description('The event hub that journal streams publish to.')
output eventHubName string = eventHubs.outputs.eventHubName

@description('Client id of the app\'s user-assigned managed identity.')
output managedIdentityClientId string = identity.outputs.clientId
