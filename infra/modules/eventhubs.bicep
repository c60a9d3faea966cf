// The Event Hubs namespace and hub that journal streams publish to (QLDB's Kinesis streams). Local (SAS)
// authentication is off: the app sends with its managed identity.
param name string
param location string
param tags object
param eventHubName string
param partitionCount int
param throughputUnits int

@description('Resource id of the managed identity that may send (used in the role-assignment name).')
param identityId string

@description('Principal (object) id of that managed identity.')
param principalId string

var azureEventHubsDataSender = '2b629674-e913-4c01-ae53-ef4638d8f975'

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
    capacity: throughputUnits
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    isAutoInflateEnabled: false
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: eventHubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: 1
  }
}

resource sender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hub.id, identityId, azureEventHubsDataSender)
  scope: hub
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', azureEventHubsDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = namespace.name
output namespaceFqdn string = '${namespace.name}.servicebus.windows.net'
output eventHubName string = hub.name
