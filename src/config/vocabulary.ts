/**
 * Names the spec may refer to on either side: NinjaOne node classes and device paths, Halo asset
 * properties, NinjaOne regions. From reference/ninjaone/NOTES.md §1, §3 and
 * reference/halopsa/NOTES.md §4.4.
 */

/** Regional NinjaOne hosts (token and API on the same host) — reference/ninjaone/NOTES.md §1. */
export const NINJAONE_INSTANCES: Readonly<Record<string, string>> = {
  app: 'https://app.ninjarmm.com',
  us: 'https://app.ninjarmm.com',
  us2: 'https://us2.ninjarmm.com',
  eu: 'https://eu.ninjarmm.com',
  oc: 'https://oc.ninjarmm.com',
  ca: 'https://ca.ninjarmm.com',
  fed: 'https://fed.ninjarmm.com',
};

/** The spec's nodeClass enum. NinjaOne sends others too (AOSP), so this warns, never rejects. */
export const NODE_CLASSES: readonly string[] = [
  'WINDOWS_SERVER', 'WINDOWS_WORKSTATION', 'LINUX_WORKSTATION', 'MAC', 'ANDROID', 'APPLE_IOS',
  'APPLE_IPADOS', 'VMWARE_VM_HOST', 'VMWARE_VM_GUEST', 'HYPERV_VMM_HOST', 'HYPERV_VMM_GUEST',
  'LINUX_SERVER', 'MAC_SERVER', 'CLOUD_MONITOR_TARGET', 'NMS_SWITCH', 'NMS_ROUTER', 'NMS_FIREWALL',
  'NMS_PRIVATE_NETWORK_GATEWAY', 'NMS_PRINTER', 'NMS_SCANNER', 'NMS_DIAL_MANAGER', 'NMS_WAP',
  'NMS_IPSLA', 'NMS_COMPUTER', 'NMS_VM_HOST', 'NMS_APPLIANCE', 'NMS_OTHER', 'NMS_SERVER',
  'NMS_PHONE', 'NMS_VIRTUAL_MACHINE', 'NMS_NETWORK_MANAGEMENT_AGENT', 'UNMANAGED_DEVICE',
  'MANAGED_DEVICE', 'AOSP',
];

/**
 * First segments a `from` path may start with: the device fields of every deviceType, plus
 * `customFields` (the bulk custom-field query) and `organization` / `location` (the device's
 * organisation and location objects, which haloform joins in).
 */
export const DEVICE_PATH_ROOTS: readonly string[] = [
  // every node
  'id', 'uid', 'parentDeviceId', 'organizationId', 'locationId', 'nodeClass', 'nodeRoleId',
  'rolePolicyId', 'policyId', 'approvalStatus', 'offline', 'displayName', 'systemName', 'dnsName',
  'netbiosName', 'created', 'lastContact', 'lastUpdate', 'userData', 'tags', 'maintenance',
  'references', 'ipAddresses', 'macAddresses', 'publicIP', 'notes', 'deviceType', 'assignedOwnerUid',
  // AgentDevice
  'os', 'system', 'memory', 'processors', 'volumes', 'lastLoggedInUser',
  // VMHost
  'cpuMhz', 'cpuModel', 'htActive', 'htAvailable', 'lastBootTime', 'memorySize', 'model', 'name',
  'cpuCores', 'cpuPackages', 'cpuThreads', 'serviceTag', 'vendor', 'releaseName', 'version', 'buildNumber',
  // VMGuest
  'files', 'fullName', 'coresPerSocket', 'powerState', 'toolsInstallType', 'toolStatus', 'toolsVersion',
  'guestOSFullName', 'guestOSFamily', 'guestOSId', 'toolsVersionStatus', 'snapshotCount', 'snapshotTotalSize',
  // MdmDevice
  'network',
  // CloudMonitor*
  'enabled', 'interval', 'timeout', 'target', 'smtpPort', 'senderEmail', 'recipientEmail',
  // joined by haloform
  'customFields', 'organization', 'location',
];

/** Halo asset properties a field mapping can write (Device schema); anything else is an asset field name. */
export const HALO_ASSET_PROPERTIES: readonly string[] = [
  'inventory_number', 'notes', 'warranty_start', 'warranty_end', 'labour_warranty_start',
  'labour_warranty_end', 'supplier_purchasedate', 'commissiondate',
];

/** Spec keys that hold secrets: they must come from `${ENV}`. */
export const SECRET_PATHS: readonly (readonly string[])[] = [
  ['connections', 'ninjaone', 'clientSecret'],
  ['connections', 'halo', 'clientSecret'],
];

/** The placeholders alerts.template may use, each with what it stands for. */
export const TEMPLATE_PLACEHOLDERS = {
  device: "the device's name",
  organisation: 'its NinjaOne organisation',
  location: 'its NinjaOne location',
  client: 'the Halo client the ticket is for',
  site: 'the Halo site',
  condition: "the condition's name (else the message)",
  message: "the alert's message",
  severity: 'CRITICAL, MAJOR, MODERATE, MINOR or NONE',
  priority: "NinjaOne's priority",
  nodeClass: "the device's node class",
  parameters: "the condition's values in words",
  triggered: 'when it triggered',
  alertId: "the alert's uid (seriesUid)",
  deviceLink: 'the device in NinjaOne (a URL)',
} as const;

/** The placeholders a template names (for the spec check). */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!);
}
