/**
 * What the Datto RMM simulator starts with: the account, its API users, sites, devices, audits
 * and alerts, in the field names and value forms the API v2 returns
 * (reference/dattormm/NOTES.md §6) — epoch-millisecond dates, `null` where a value is missing,
 * GUID uids next to int64 ids. The demo generator (demo.ts) writes one; tests write small ones.
 */

/** A user's API key pair (Setup > Users > Generate API Keys, NOTES §2): the password grant's username and password. */
export interface DattoApiUser {
  /** Shown as `resolvedBy` when this user resolves an alert through the API. */
  username: string;
  /** The API key (the token request's `username`). */
  key: string;
  /** The API secret key (the token request's `password`); may hold `+` and `/`. */
  secret: string;
}

/** `GET /v2/account` less `devicesStatus`, which the simulator counts (NOTES §6.4). */
export interface DattoAccount {
  id: number;
  /** A short code such as `ab1c0002`, not a GUID (NOTES §6.1). */
  uid: string;
  name: string;
  currency: string | null;
  /** `bilingEmail` is Datto's own spelling (NOTES §6.4). */
  descriptor: { bilingEmail: string | null; deviceLimit: number | null; timeZone: string | null };
}

export interface DattoProxySettings {
  host: string | null;
  port: number | null;
  /** http, socks4 or socks5 in the spec; kept open. */
  type: string | null;
  username: string | null;
  password: string | null;
}

/** The system sites every account has (NOTES §6.1); customer sites have none. */
export type DattoSystemSite = 'managed' | 'ondemand' | 'deleted-devices';

/** A site (NOTES §6.1) less `accountUid` and `devicesStatus`, which are filled in when it is rendered. */
export interface DattoSite {
  id: number;
  /** A GUID — except the Deleted Devices site's, which is not one (NOTES §6.1). */
  uid: string;
  name: string;
  description: string | null;
  notes: string | null;
  onDemand: boolean;
  splashtopAutoInstall: boolean;
  proxySettings: DattoProxySettings | null;
  autotaskCompanyName: string | null;
  autotaskCompanyId: string | null;
  portalUrl: string | null;
  /** Which system site this is; never rendered. Deleting a device moves it to the `deleted-devices` one. */
  system?: DattoSystemSite;
}

/** Antivirus state; the status enum in the spec is RunningAndUpToDate, RunningAndNotUpToDate, NotRunning, NotDetected (kept open). */
export interface DattoAntivirus {
  antivirusProduct: string | null;
  antivirusStatus: string | null;
}

export interface DattoPatchManagement {
  /** NoPolicy, NoData, RebootRequired, InstallError, ApprovedPending, FullyPatched in the spec (kept open). */
  patchStatus: string | null;
  patchesApprovedPending: number | null;
  patchesNotApproved: number | null;
  patchesInstalled: number | null;
}

/**
 * A device (NOTES §6.2) less `siteId` and `siteName`, which come from its site when rendered.
 * Dates are epoch milliseconds; `-62135596800000` (DateTime.MinValue) is Datto's "none".
 */
export interface DattoDevice {
  id: number;
  uid: string;
  siteUid: string;
  /** `category` Desktop, Laptop, Server, … and `type` ([unverified] values beyond the categories, NOTES §6.2). */
  deviceType: { category: string | null; type: string | null } | null;
  hostname: string;
  intIpAddress: string | null;
  operatingSystem: string | null;
  lastLoggedInUser: string | null;
  domain: string | null;
  cagVersion: string | null;
  displayVersion: string | null;
  extIpAddress: string | null;
  description: string | null;
  a64Bit: boolean | null;
  rebootRequired: boolean | null;
  online: boolean;
  suspended: boolean;
  deleted: boolean;
  lastSeen: number | null;
  lastReboot: number | null;
  lastAuditDate: number | null;
  creationDate: number | null;
  /**
   * The UDFs that hold a value, `udf1` … `udf300`; the API renders every key, the rest `null`
   * (NOTES §6.2). Values are strings — UDFs often hold secrets, never log them.
   */
  udf?: Record<string, string | null>;
  snmpEnabled: boolean;
  /** device, printer, esxihost, rmmnetworkdevice, unknown — and whatever Datto adds next (NOTES §0). */
  deviceClass: string;
  portalUrl: string | null;
  /** `yyyy-mm-dd` or null (NOTES §6.2). */
  warrantyDate: string | null;
  antivirus: DattoAntivirus | null;
  patchManagement: DattoPatchManagement | null;
  softwareStatus: string | null;
  webRemoteUrl: string | null;
  networkProbe: boolean;
  onboardedViaNetworkMonitor: boolean;
}

/**
 * A device's audit, as the audit endpoint for its class returns it less `portalUrl` and
 * `webRemoteUrl` (taken from the device): DeviceAudit for class `device` (systemInfo, nics, bios,
 * baseBoard, …), ESXiHostAudit for `esxihost` (systemInfo.serviceTag, guests, datastores, …),
 * PrinterAudit for `printer` (snmpInfo.snmpSerial, printerMarkerSupplies, …). Keys left out are
 * rendered as `null` (objects) or `[]` (lists).
 */
export type DattoAudit = Record<string, unknown>;

/** An alert's `alertContext`: `@class` names the kind (NOTES §6.3); the other keys depend on it. */
export interface DattoAlertContext {
  '@class': string;
  [key: string]: unknown;
}

export interface DattoResponseAction {
  actionTime: number | null;
  /** EMAIL_SENT, TICKET_CREATED, WEBHOOK_EXECUTED, WEBHOOK_EXECUTION_ERROR, … (spec enum, kept open). */
  actionType: string;
  description: string | null;
  actionReference: string | null;
  actionReferenceInt: string | null;
}

/** An alert, open or resolved, exactly as `GET /v2/alert/{uid}` returns it (NOTES §6.3). */
export interface DattoAlert {
  alertUid: string;
  /** Critical, High, Moderate, Low, Information, Unknown. */
  priority: string;
  diagnostics: string | null;
  resolved: boolean;
  resolvedBy: string | null;
  resolvedOn: number | null;
  muted: boolean;
  ticketNumber: string | null;
  timestamp: number;
  alertMonitorInfo: { sendsEmails: boolean; createsTicket: boolean } | null;
  alertContext: DattoAlertContext;
  alertSourceInfo: { deviceUid: string; deviceName: string | null; siteUid: string; siteName: string | null };
  responseActions: DattoResponseAction[];
  autoresolveMins: number | null;
}

export interface DattoSeed {
  account: DattoAccount;
  apiUsers: DattoApiUser[];
  sites: DattoSite[];
  devices: DattoDevice[];
  /** Device uid → its audit. A device without one gets an audit of nulls and empty lists. */
  audits: Record<string, DattoAudit>;
  alerts: DattoAlert[];
}
