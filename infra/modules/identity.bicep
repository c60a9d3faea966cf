// The app's user-assigned managed identity. It exists before the Function App, so its role assignments are in
// place (and propagating) before the host first starts, and it survives re-creating the app.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
