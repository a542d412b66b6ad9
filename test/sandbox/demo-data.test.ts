import { describe, expect, it } from 'vitest';
import { generateDemo, PLACEHOLDER_SERIALS } from '../../src/sandbox/demo-data.js';

const serialOf = (d: Record<string, unknown>) => (d.system as Record<string, unknown> | undefined)?.serialNumber as string | undefined;

describe('the demo MSP', () => {
  it('is the same for the same seed and size, and different for another seed', () => {
    const a = JSON.stringify(generateDemo({ seed: 3, devices: 300 }));

    expect(JSON.stringify(generateDemo({ seed: 3, devices: 300 }))).toBe(a);
    expect(JSON.stringify(generateDemo({ seed: 4, devices: 300 }))).not.toBe(a);
  });

  it('has the requested number of devices with unique ascending ids, in existing organisations and locations', () => {
    const { ninjaone } = generateDemo({ devices: 1000 });
    const orgs = new Set(ninjaone.organizations.map((o) => o.id));
    const locations = new Map(ninjaone.locations.map((l) => [l.id, l.organizationId]));

    expect(ninjaone.devices).toHaveLength(1000);
    expect(ninjaone.devices.every((d, i, all) => i === 0 || d.id > all[i - 1]!.id)).toBe(true);
    expect(ninjaone.devices.every((d) => orgs.has(d.organizationId) && locations.get(d.locationId) === d.organizationId)).toBe(true);
  });

  it('covers every device type, with no null at the top level', () => {
    const { ninjaone } = generateDemo({ devices: 400 });

    // CloudMonitorPing: the realism profile turns some HTTP monitors into Ping monitors (issue 13).
    expect(new Set(ninjaone.devices.map((d) => d.deviceType))).toEqual(
      new Set(['AgentDevice', 'VMHost', 'VMGuest', 'MdmDevice', 'NMSTarget', 'CloudMonitorHTTP', 'CloudMonitorPing', 'UnmanagedDevice']),
    );
    expect(ninjaone.devices.flatMap((d) => Object.entries(d).filter(([, v]) => v === null || v === undefined))).toEqual([]);
  });

  it('plants the traps real fleets have', () => {
    const { ninjaone, halo } = generateDemo({ devices: 200 });
    const serials = ninjaone.devices.map(serialOf).filter((s): s is string => s !== undefined);
    const counts = new Map<string, number>();
    for (const s of serials) counts.set(s, (counts.get(s) ?? 0) + 1);

    for (const placeholder of PLACEHOLDER_SERIALS) expect(serials).toContain(placeholder);
    expect([...counts].filter(([s, n]) => s.startsWith('VMware-') && n === 2)).toHaveLength(1);
    expect([...counts].filter(([s, n]) => !s.startsWith('VMware-') && n === 3)).toHaveLength(1);
    expect(ninjaone.devices.some((d) => typeof d.lastLoggedInUser === 'string' && d.lastLoggedInUser.includes('\\'))).toBe(true);
    // Hand-made Halo assets carrying a NinjaOne serial but no NinjaOne id.
    const handMade = halo.assets.filter((a) => a.ninjarmm_id === undefined && a.fields.some((f) => f.id === 101 && serials.includes(String(f.value))));
    expect(handMade.length).toBeGreaterThanOrEqual(3);
    // An asset tag equal to a device name.
    expect(halo.assets.some((a) => ninjaone.devices.some((d) => d.displayName === a.inventory_number))).toBe(true);
    // Near-miss client names and one already linked by id.
    expect(halo.clients.map((c) => c.name)).toEqual(expect.arrayContaining(['Contoso', 'Northwind Traders Ltd', 'Fabrikam, Inc.', 'adventure works']));
    expect(halo.clients.some((c) => c.ninjarmmid !== undefined)).toBe(true);
    // Every site has its General User.
    expect(halo.sites.every((s) => halo.users.some((u) => u.site_id === s.id && u.isgeneraluser))).toBe(true);
    expect(halo.ticketTypes.map((t) => t.name)).toContain('Alert');
  });
});
