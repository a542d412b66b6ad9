/* eslint-disable */
/**
 * Generated from schema/haloform.schema.json by `npm run gen:types`. Do not edit by hand:
 * change the schema and regenerate. A test fails when this file is out of date.
 */

/**
 * A NinjaOne object: its numeric id, or its exact name.
 */
export type NinjaRef = number | string;

/**
 * A haloform spec: how NinjaOne organisations, locations, devices and alerts map onto HaloPSA clients, sites, assets and tickets. Secrets are written as ${ENV_VAR} and read from the environment; `haloform validate` checks this file.
 */
export interface HaloformSpec {
  /**
   * Format version of this spec. Only 1 exists.
   */
  version: 1;
  /**
   * How haloform reaches the two APIs. Write secrets as ${ENV_VAR}, never in plain text.
   */
  connections: {
    ninjaone: NinjaoneConnection;
    halo: HaloConnection;
    /**
     * Allow plain http:// to a host other than this machine (a test system on a trusted network). Secrets and tokens then cross the network unencrypted; every run warns. Left out: such a URL is an error (http to localhost is always allowed).
     */
    allowInsecureHttp?: boolean;
  };
  /**
   * Halo settings haloform manages. A setting left out is not touched.
   */
  settings?: {
    /**
     * Halo's "Asset Tag must be unique" (Configuration > Asset Management > General Settings). When true, plan fails before apply if two assets would share an asset tag (inventory_number). Left out: haloform leaves the setting as it is.
     */
    assetTagMustBeUnique?: boolean;
  };
  /**
   * NinjaOne organisations to Halo clients, and NinjaOne locations to Halo sites. Matching order: the explicit map, then the NinjaOne id Halo stores (ninjarmmid), then a unique case-insensitive name match (shown in the plan as an adopt), then the `unmapped` policy.
   */
  customers?: {
    /**
     * Name of the Halo top level that clients created by haloform are placed under. Left out: Halo's default top level.
     */
    topLevel?: string;
    /**
     * What to do with a NinjaOne organisation that is not listed in `map` and matches no Halo client: create a client named after it, skip it (its devices are not synced), or stop the plan with an error.
     */
    unmapped?: 'create' | 'skip' | 'error';
    /**
     * Default for every organisation: what to do with a NinjaOne location that is not listed in `sites` and matches no Halo site. create: a site named after the location; skip: its devices are not synced; main-site: the client's main site; catch-all: the `catchAll` client and site; error: stop the plan. Each map entry can override it.
     */
    unmappedLocations?: 'create' | 'skip' | 'main-site' | 'catch-all' | 'error';
    /**
     * Explicit organisation mappings, checked before any automatic matching.
     */
    map?: OrganisationMapping[];
    /**
     * The Halo client and site for devices haloform cannot place (the `catch-all` location policy, and alert tickets for devices unknown to Halo). Created if missing.
     */
    catchAll?: {
      /**
       * Name of the catch-all Halo client.
       */
      client: string;
      /**
       * Name of the site in the catch-all client.
       */
      site: string;
    };
  };
  /**
   * NinjaOne node classes (WINDOWS_WORKSTATION, MAC, NMS_SWITCH, ...) to Halo asset types.
   */
  assetTypes?: {
    /**
     * Node class to Halo asset type name. Several classes may share one type. The type is created if it does not exist.
     */
    map?: {
      /**
       * Name of the Halo asset type for this node class.
       */
      [k: string]: string | undefined;
    };
    /**
     * What to do with a node class not listed in `map`: create a Halo asset type named after the class ("Windows Workstation" for WINDOWS_WORKSTATION), skip its devices, or stop the plan with an error.
     */
    unmapped?: 'create' | 'skip' | 'error';
    /**
     * Name of the Halo asset group that asset types created by haloform belong to. Left out: the first asset group Halo lists.
     */
    group?: string;
  };
  /**
   * NinjaOne devices to Halo assets: how they are matched, which fields are written, and what happens to devices that disappear.
   */
  assets?: {
    /**
     * How an existing Halo asset is recognised, in order. ninjaId: the NinjaOne device id Halo stores on the asset (ninjarmm_id); serialNumber: the value of `serialField`, used only when it is not a placeholder and identifies exactly one device and one asset. ninjaId always comes first.
     *
     * @minItems 1
     */
    match?: ['ninjaId' | 'serialNumber', ...('ninjaId' | 'serialNumber')[]];
    /**
     * Name of the Halo asset field that holds serial numbers.
     */
    serialField?: string;
    /**
     * Extra serial numbers never used for matching, added to the built-in placeholder list ("To Be Filled By O.E.M.", "Default string", "System Serial Number", "None", "N/A", "0", ...). Compared case-insensitively.
     */
    ignoreSerials?: string[];
    /**
     * Where a device's serial number comes from. The first source whose value is no placeholder (the built-in list and ignoreSerials) is the device's serial, both for matching and for any mapping that writes a serial source (or `serial`) into Halo; a placeholder is never written.
     */
    serial?: {
      /**
       * Device paths tried in order. Default: system.serialNumber, system.biosSerialNumber (virtual machines report "None" as their serial and the real one here), serviceTag and system.serviceTag (VM hosts).
       *
       * @minItems 1
       */
      from?: [string, ...string[]];
    };
    /**
     * What a device is called: its asset tag when inventory_number is mapped from a name source (or from `name`), and its name in the plan and on alert tickets. The first source the device has wins; a device with none is "NinjaOne device <id>".
     */
    name?: {
      /**
       * Device fields tried in order. Default: displayName, systemName (cloud monitors have only this), dnsName.
       *
       * @minItems 1
       */
      from?: [string, ...string[]];
    };
    /**
     * What haloform writes on each asset. Only mapped fields are written; a value NinjaOne does not have leaves the Halo value alone.
     */
    fields?: FieldMapping[];
    /**
     * The asset's NinjaOne links (ninja_url and ninja_remote_url: the "open in NinjaOne" and remote buttons of Halo's own integration), written and diffed like any field. {url} is the NinjaOne instance's address, {id} the device id, {uid} its uid. false leaves a link alone.
     */
    links?: {
      /**
       * Template of ninja_url, the device's page in NinjaOne. Default: {url}/#/deviceDashboard/{id}/overview.
       */
      deviceUrl?: string | false;
      /**
       * Template of ninja_remote_url. NinjaOne documents no remote-control address, so the default opens the device's page, where NinjaOne Remote starts. Default: {url}/#/deviceDashboard/{id}/overview.
       */
      remoteUrl?: string | false;
    };
    /**
     * When a mapped Halo asset field is missing from an asset type that receives devices, add it to all asset types (Halo's "Add to all asset types"). When false, such a gap stops the plan with an error naming every type and field.
     */
    addMissingFieldsToTypes?: boolean;
    /**
     * Links a Halo user (of the asset's client) to each asset. Left out: users are not linked.
     */
    user?: {
      /**
       * Where the user name comes from: `lastLoggedInUser` (DOMAIN\user, user@domain or "root (pts/0)") or `customFields.<name>`.
       */
      from: string;
      /**
       * Halo user attributes compared with the name, in order. The first attribute that matches exactly one user of the asset's client wins; anything ambiguous is left unlinked and reported.
       *
       * @minItems 1
       */
      matchBy?: ['login' | 'email' | 'name', ...('login' | 'email' | 'name')[]];
    };
    /**
     * What to do with a Halo asset that carries a NinjaOne id whose device no longer exists: deactivate it, or keep it as it is. A NinjaOne read that is empty or fails never deactivates anything, and more than 10% of managed assets needs --allow-mass-deactivate.
     */
    removed?: 'deactivate' | 'keep';
  };
  /**
   * NinjaOne alerts to Halo tickets, used by `haloform serve`. Left out: serve refuses to start.
   */
  alerts?: {
    /**
     * Name of the Halo ticket type for alert tickets. It must exist in Halo; plan checks it.
     */
    ticketType: string;
    /**
     * Halo priority id for each NinjaOne severity. Severities left out use the defaults (CRITICAL 1, MAJOR 2, MODERATE 3, MINOR 4, NONE 4).
     */
    priority?: {
      /**
       * Halo priority id for CRITICAL alerts.
       */
      CRITICAL?: number;
      /**
       * Halo priority id for MAJOR alerts.
       */
      MAJOR?: number;
      /**
       * Halo priority id for MODERATE alerts.
       */
      MODERATE?: number;
      /**
       * Halo priority id for MINOR alerts.
       */
      MINOR?: number;
      /**
       * Halo priority id for alerts without a severity.
       */
      NONE?: number;
    };
    /**
     * The ticket's end user. assetUser: the user linked to the asset, else the site's General User; generalUser: always the site's General User.
     */
    endUser?: 'assetUser' | 'generalUser';
    /**
     * What happens to the ticket when the alert resets in NinjaOne: add a note and close it, only add a note, or nothing.
     */
    onReset?: 'close' | 'note' | 'none';
    /**
     * What happens to the NinjaOne alert when a person closes its ticket in Halo while the alert is still active: resetAlert resets it in NinjaOne (POST /v2/alert/{uid}/reset), nothing leaves it. A ticket haloform closed because the alert reset never resets it back.
     */
    onTicketClosed?: 'resetAlert' | 'nothing';
    /**
     * A firing of an alert whose ticket closed less than this many minutes ago reopens that ticket with a note, instead of opening a new one (a flapping condition keeps one ticket). 0, the default, always opens a new ticket.
     */
    reopenWithinMinutes?: number;
    /**
     * Times when an alert opens no ticket (it is logged as suppressed): weekly windows, each optionally for some organisations only. A device NinjaOne has in maintenance (its maintenance status IN_MAINTENANCE, as the webhook sends the device) is suppressed too.
     */
    maintenanceWindows?: {
      /**
       * What the window is for, shown in the log and the inbox.
       */
      name?: string;
      /**
       * Only alerts of these NinjaOne organisations (ids or exact names). Left out: every organisation.
       *
       * @minItems 1
       */
      organisations?: [NinjaRef, ...NinjaRef[]];
      /**
       * The days the window starts on. Left out: every day.
       *
       * @minItems 1
       */
      days?: [
        'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun',
        ...('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[]
      ];
      /**
       * Start, HH:MM in the window's time zone.
       */
      from: string;
      /**
       * End, HH:MM; earlier than from means the next day (22:00 to 06:00).
       */
      to: string;
      /**
       * An IANA time zone (Europe/London); default UTC.
       */
      timezone?: string;
    }[];
    /**
     * The alert ticket's summary and the opening of its details, with placeholders in braces: {device}, {organisation}, {location}, {client}, {site}, {condition}, {message}, {severity}, {priority}, {nodeClass}, {parameters}, {triggered}, {alertId}, {deviceLink}. Values are stripped of control characters, and escaped in the details; the alert's table of facts follows the details.
     */
    template?: {
      /**
       * The ticket's summary (plain text, one line, cut at Halo's 250 characters).
       */
      summary?: string;
      /**
       * The opening of the ticket's details, before the table of the alert's facts; new lines become line breaks.
       */
      details?: string;
    };
    /**
     * Routing rules for alert tickets, first match wins: each matches alerts by what NinjaOne says of them and sets the ticket's type, team, agent, category, priority, status or SLA, or suppresses the ticket. What a route leaves out, and every alert no route matches, take the default route: alerts.ticketType and alerts.priority. plan checks every name against Halo and shows the routing table; `haloform alerts route --activity file.json` says which route an activity takes and why.
     */
    routes?: {
      /**
       * The route's name, shown in the plan, the log, the inbox (`inbox list --route`) and `alerts route`. Left out: routes[N].
       */
      name?: string;
      /**
       * What an alert must have to take this route: every key given must match (a list matches any of its values). `{}` matches every alert.
       */
      match: {
        /**
         * NinjaOne severity: CRITICAL, MAJOR, MODERATE, MINOR or NONE (an alert without one is NONE).
         */
        severity?:
          | ('CRITICAL' | 'MAJOR' | 'MODERATE' | 'MINOR' | 'NONE')
          | [
              'CRITICAL' | 'MAJOR' | 'MODERATE' | 'MINOR' | 'NONE',
              ...('CRITICAL' | 'MAJOR' | 'MODERATE' | 'MINOR' | 'NONE')[]
            ];
        /**
         * NinjaOne's own priority of the alert: HIGH, MEDIUM, LOW or NONE (an alert without one is NONE).
         */
        priority?: string | [string, ...string[]];
        /**
         * NinjaOne activity types, as in alerts.include.activityTypes (CONDITION, ...).
         */
        activityType?: string | [string, ...string[]];
        /**
         * The condition: its name as NinjaOne shows it (the alert's condition name, source name or subject; case is ignored), or a regular expression between slashes (/disk .* free/i), tested on those and on the message.
         */
        condition?: string | [string, ...string[]];
        /**
         * NinjaOne organisations, by id or exact name.
         */
        organisation?: NinjaRef | [NinjaRef, ...NinjaRef[]];
        /**
         * NinjaOne node classes (WINDOWS_SERVER, WINDOWS_WORKSTATION, MAC, ...).
         */
        deviceClass?: string | [string, ...string[]];
        /**
         * NinjaOne device role ids (the device's nodeRoleId; Administration > Devices > Roles).
         */
        deviceRole?: number | [number, ...number[]];
        /**
         * NinjaOne device tags: the device has at least one of them (case is ignored).
         */
        tags?: string | [string, ...string[]];
      };
      /**
       * true: alerts taking this route open no ticket; they are logged as suppressed. Nothing else may be set with it.
       */
      suppress?: boolean;
      /**
       * Name of the Halo ticket type. Left out: alerts.ticketType.
       */
      ticketType?: string;
      /**
       * Name of the Halo team the ticket is assigned to.
       */
      team?: string;
      /**
       * The Halo agent the ticket is assigned to: their name, or their id.
       */
      agent?: string | number;
      /**
       * The ticket's category as Halo names it (Hardware>Server).
       */
      category?: string;
      /**
       * The Halo priority: its id, or its name. Left out: by severity, as alerts.priority says.
       */
      priority?: string | number;
      /**
       * Name of the Halo status a new ticket starts in. Left out: the ticket type's initial status.
       */
      status?: string;
      /**
       * Name of the Halo SLA. Left out: as Halo decides (the ticket type's or the client's).
       */
      sla?: string;
    }[];
    /**
     * Storm roll-up: when this many devices alert on one condition (of one organisation) within the window, one parent ticket lists the devices instead of a ticket each; later alerts of the storm become notes on it, and it closes with the storm's last reset. Alerts before the threshold keep their own tickets, and the parent names them.
     */
    stormThreshold?: {
      /**
       * How many alerts (distinct devices) within the window start a storm.
       */
      alerts: number;
      /**
       * The window, in minutes.
       */
      withinMinutes?: number;
      /**
       * What one storm shares: organisation+condition (the default), or the condition alone, across organisations.
       */
      per?: 'organisation+condition' | 'condition';
    };
    /**
     * apply registers a Halo outgoing webhook on ticket updates to serve's POST /halo/webhook (alerts.webhook.publicUrl with its path replaced), so a ticket closed in Halo resets its alert at once rather than at the next poll. Needs alerts.webhook and HALOFORM_HALO_WEBHOOK_SECRET (apply and serve).
     */
    haloWebhook?: boolean;
    /**
     * Close on reset only when no technician has worked on the ticket (no agent action and the status unchanged); otherwise add a note and leave it open.
     */
    closeOnlyUntouched?: boolean;
    /**
     * Which NinjaOne activities become tickets. Everything else is acknowledged and logged as ignored.
     */
    include?: {
      /**
       * NinjaOne activityType values to act on (CONDITION, MONITOR, ...).
       *
       * @minItems 1
       */
      activityTypes?: [string, ...string[]];
      /**
       * Severities to act on. Left out: every severity.
       *
       * @minItems 1
       */
      severities?: [
        'CRITICAL' | 'MAJOR' | 'MODERATE' | 'MINOR' | 'NONE',
        ...('CRITICAL' | 'MAJOR' | 'MODERATE' | 'MINOR' | 'NONE')[]
      ];
      /**
       * Node classes whose alerts become tickets. Left out: every class.
       *
       * @minItems 1
       */
      nodeClasses?: [string, ...string[]];
    };
    /**
     * The backstop for missed webhooks: every so often serve reads NinjaOne's active alerts, opens tickets it missed and closes tickets whose alert reset.
     */
    poll?: {
      /**
       * Whether serve polls at all.
       */
      enabled?: boolean;
      /**
       * Minutes between polls.
       */
      everyMinutes?: number;
    };
    /**
     * The NinjaOne API webhook that `haloform apply` registers, pointing at `haloform serve`. Left out: no webhook is registered (use a NinjaOne notification channel instead).
     */
    webhook?: {
      /**
       * The address NinjaOne posts to: where `haloform serve` is reachable from the internet, ending in /ninjaone/webhook.
       */
      publicUrl: string;
      /**
       * Name of the request header that carries the shared secret (HALOFORM_WEBHOOK_SECRET). Left out: Authorization: Bearer <secret>.
       */
      header?: string;
      /**
       * Only send activities of these NinjaOne organisations (ids or exact names). Left out: all organisations.
       *
       * @minItems 1
       */
      organisations?: [NinjaRef, ...NinjaRef[]];
    };
  };
  /**
   * Continuous sync: `haloform sync` (one cycle, e.g. on a schedule in CI) and `haloform serve` keep Halo converged on this spec between pull requests. Each cycle plans as `plan` does and applies only the change kinds in autoApply; every other change is held: reported, not applied, until a reviewed `apply`. Left out: sync is off.
   */
  sync?: {
    /**
     * Minutes between NinjaOne reads in serve's sync cycle.
     */
    everyMinutes?: number;
    /**
     * Hours between full re-reads of Halo, which find drift made behind haloform's back.
     */
    resyncHours?: number;
    /**
     * The change kinds a sync cycle applies without a pull request, as kind.action. Left out: asset.create, asset.adopt, asset.update and asset.deactivate, plus client.create and client.adopt when customers.unmapped is create, and site.create and site.adopt when customers.unmappedLocations is create. Anything else waits for a reviewed apply; the alert webhook is apply's alone.
     */
    autoApply?: (
      | 'asset.create'
      | 'asset.adopt'
      | 'asset.update'
      | 'asset.deactivate'
      | 'client.create'
      | 'client.adopt'
      | 'client.update'
      | 'site.create'
      | 'site.adopt'
      | 'site.update'
      | 'asset_type.create'
      | 'asset_type.update'
      | 'asset_field.create'
      | 'asset_field.update'
      | 'setting.update'
    )[];
  };
}
/**
 * NinjaOne API access: an "API Services (machine-to-machine)" client app with the client-credentials grant. Give `instance` or `url`, not both.
 */
export interface NinjaoneConnection {
  /**
   * The NinjaOne region: app (US), us2, eu, oc, ca or fed.
   */
  instance?: 'app' | 'us' | 'us2' | 'eu' | 'oc' | 'ca' | 'fed';
  /**
   * Base URL of the NinjaOne API when it is not one of the regions (a custom host, or the sandbox).
   */
  url?: string;
  /**
   * Client ID of the NinjaOne API app.
   */
  clientId: string;
  /**
   * Client secret of the NinjaOne API app, as ${ENV_VAR}.
   */
  clientSecret: string;
  /**
   * OAuth scopes requested. `monitoring` reads; `management` is needed to register the alert webhook and reset alerts.
   *
   * @minItems 1
   */
  scopes?: ['monitoring' | 'management' | 'control', ...('monitoring' | 'management' | 'control')[]];
  /**
   * Timeout of one NinjaOne request, in seconds.
   */
  timeoutSeconds?: number;
}
/**
 * HaloPSA API access: an application with "Client ID and Secret (Services)" authentication, logged in as an agent.
 */
export interface HaloConnection {
  /**
   * The Halo web address, e.g. https://acme.halopsa.com (the API is under /api, the token endpoint under /auth).
   */
  url: string;
  /**
   * The tenant name, for Halo-hosted instances only (sent as ?tenant= to the token endpoint). Left out for self-hosted Halo.
   */
  tenant?: string;
  /**
   * The authorisation server, when it is not <url>/auth (shown in Halo under Configuration > Integrations > Halo API > API Details).
   */
  authUrl?: string;
  /**
   * Client ID of the Halo API application.
   */
  clientId: string;
  /**
   * Client secret of the Halo API application, as ${ENV_VAR}.
   */
  clientSecret: string;
  /**
   * OAuth scope requested from Halo (space-separated). `all` covers everything haloform does; a narrower app needs edit:customers edit:assets edit:tickets admin.
   */
  scope?: string;
  /**
   * The request budget haloform keeps to, shared by plan, apply and serve in one process. Halo-hosted tenants allow 300 requests per rolling 5 minutes. `false` turns pacing off (self-hosted Halo without a limit).
   */
  rateLimit?:
    | {
        /**
         * Requests allowed in each window.
         */
        requests: number;
        /**
         * Length of the window, in seconds.
         */
        perSeconds: number;
      }
    | false;
  /**
   * Objects per POST when apply writes to Halo (Halo's POST takes arrays).
   */
  batchSize?: number;
  /**
   * Timeout of one Halo request, in seconds.
   */
  timeoutSeconds?: number;
}
/**
 * One NinjaOne organisation and the Halo client it maps to.
 */
export interface OrganisationMapping {
  /**
   * The NinjaOne organisation: its id (12) or its exact name ("Contoso Ltd").
   */
  organisation: number | string;
  /**
   * Name of the Halo client. Matched by name, or created when missing. Left out: the organisation's name.
   */
  client?: string;
  /**
   * Ignore this organisation entirely: no client, sites or assets.
   */
  skip?: boolean;
  /**
   * The Halo client's current name, when `client` renames the client haloform already links to this organisation: a rename happens only when the spec says what it renames, so a typo in `client` never renames a customer.
   */
  renameFrom?: string;
  /**
   * NinjaOne location to Halo site. A key is the location's exact name; an unquoted number is its id. The value is the site's name, or { site, renameFrom } to rename the site already linked to the location. The site is created in this client when missing.
   */
  sites?: {
    [k: string]:
      | string
      | {
          /**
           * Name of the Halo site.
           */
          site: string;
          /**
           * The linked site's current name: the rename happens only when it matches.
           */
          renameFrom?: string;
        }
      | undefined;
  };
  /**
   * What to do with this organisation's locations not listed in `sites`. Left out: customers.unmappedLocations.
   */
  unmappedLocations?: 'create' | 'skip' | 'main-site' | 'catch-all' | 'error';
}
/**
 * One value written on every asset: from a NinjaOne device path to a Halo asset property or asset field.
 */
export interface FieldMapping {
  /**
   * The Halo side: an asset property (inventory_number, notes, warranty_start, warranty_end, labour_warranty_start, labour_warranty_end, supplier_purchasedate, commissiondate), the name of a Halo asset field ("Serial Number"), or customfields.<name> for an asset custom field (its API name, e.g. customfields.CFcontractTier, or its label).
   */
  to: string;
  /**
   * The NinjaOne side: a path into the device (displayName, system.serialNumber, os.name, ipAddresses[0], customFields.warrantyEnd, organization.name, organization.customFields.contractTier, location.customFields.siteContact), or `serial` (the device's serial, see assets.serial) or `deviceName` (its name, see assets.name).
   */
  from: string;
  /**
   * For customFields.<name>: when the device has no value, use its location's value, then its organisation's (NinjaOne's custom field inheritance).
   */
  inherit?: boolean;
  /**
   * What the Halo side holds, when Halo does not say (its API gives asset fields no type): text, number, date, datetime, boolean, select or multiselect. Values that do not convert are not written and are listed in the plan. Left out: what Halo says, else text.
   */
  type?: 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'select' | 'multiselect';
  /**
   * How dates written as text in NinjaOne read, for a date or datetime target: YYYY-MM-DD (always understood), DD/MM/YYYY or MM/DD/YYYY. Left out: text dates other than YYYY-MM-DD are refused, since 04/05/2028 could be either.
   */
  dateFormat?: 'YYYY-MM-DD' | 'DD/MM/YYYY' | 'MM/DD/YYYY';
}
