/**
 * The words an alert webhook carries that the API's Alert has no field for — `[alert_message]`,
 * `[alert_type]`, `[alert_category]` (reference/dattormm/NOTES.md §8.1) — derived from the alert's
 * `alertContext` when whoever raised it gave none. Datto's own wording is not documented
 * anywhere public: every string here is [unverified], modelled on the monitor names of Datto's
 * UI, and `triggerAlert({message, alertType, category})` overrides them.
 */

import type { DattoAlert, DattoAlertContext } from './seed.js';
import type { AlertText } from './store.js';

/** `@class` → the monitor type and category a webhook names ([unverified] wording). */
const MONITORS: Record<string, { alertType: string; category: string }> = {
  comp_script_ctx: { alertType: 'Component Monitor', category: 'Component' },
  online_offline_status_ctx: { alertType: 'Online Status Monitor', category: 'Online Status' },
  eventlog_ctx: { alertType: 'Event Log Monitor', category: 'Event Log' },
  perf_disk_usage_ctx: { alertType: 'Disk Usage Monitor', category: 'Performance' },
  disk_usage_ctx: { alertType: 'Disk Usage Monitor', category: 'Performance' },
  perf_resource_usage_ctx: { alertType: 'CPU/Memory Monitor', category: 'Performance' },
  process_resource_usage_ctx: { alertType: 'Process Resource Monitor', category: 'Performance' },
  resource_usage_ctx: { alertType: 'Process Resource Monitor', category: 'Performance' },
  srvc_resource_usage_ctx: { alertType: 'Service Resource Monitor', category: 'Performance' },
  srvc_status_ctx: { alertType: 'Service Monitor', category: 'Service' },
  process_status_ctx: { alertType: 'Process Monitor', category: 'Process' },
  perf_mon_ctx: { alertType: 'Windows Performance Monitor', category: 'Performance' },
  patch_ctx: { alertType: 'Patch Monitor', category: 'Patch' },
  antivirus_ctx: { alertType: 'Antivirus Monitor', category: 'Security' },
  custom_snmp_ctx: { alertType: 'SNMP Monitor', category: 'SNMP' },
  fs_object_ctx: { alertType: 'File/Folder Monitor', category: 'File System' },
  filesystem_ctx: { alertType: 'File/Folder Monitor', category: 'File System' },
  endpoint_security_threat_ctx: { alertType: 'Endpoint Security Monitor', category: 'Security' },
};

/** The text of `alert`: what was stored for it, else derived from its context. */
export function alertText(alert: DattoAlert, stored: AlertText | undefined): Required<AlertText> {
  const context = alert.alertContext;
  const monitor = MONITORS[context['@class']] ?? { alertType: 'Monitor', category: 'Monitor' };
  return {
    message: stored?.message ?? messageOf(context),
    alertType: stored?.alertType ?? monitor.alertType,
    category: stored?.category ?? monitor.category,
  };
}

/** A one-line message from the context's own fields. */
function messageOf(c: DattoAlertContext): string {
  const s = (key: string) => (c[key] === null || c[key] === undefined ? '' : String(c[key]));
  switch (c['@class']) {
    case 'comp_script_ctx': {
      const samples = Object.values((c.samples as Record<string, unknown> | undefined) ?? {}).map(String);
      return samples.length > 0 ? samples.join('; ') : 'Component monitor alert';
    }
    case 'online_offline_status_ctx':
      return s('status') === 'ONLINE' ? 'Device came online' : 'Device went offline';
    case 'eventlog_ctx':
      return `${s('logName')} event ${s('code')} (${s('type')}): ${s('description')}`;
    case 'perf_disk_usage_ctx':
    case 'disk_usage_ctx':
      return `Disk usage on ${s('diskName')}: ${s('freeSpace')} free of ${s('totalVolume')} (${s('unitOfMeasure')})`;
    case 'perf_resource_usage_ctx':
      return `${s('type')} usage at ${s('percentage')}%`;
    case 'srvc_status_ctx':
      return `Service ${s('serviceName')} is ${s('status')}`;
    case 'process_status_ctx':
      return `Process ${s('processName')} is ${s('status')}`;
    case 'patch_ctx':
      return `Patch ${s('result')}: ${s('info')}`;
    case 'antivirus_ctx':
      return `${s('productName')}: ${s('status')}`;
    default:
      return `${c['@class']} alert`;
  }
}
