/** The standard tenant, applied; the spec routes alerts: the plan has no changes and shows the routing table. */

import { haloLookups } from '../../../src/sandbox/demo-data.js';
import { applyFirst, halo, tenant, type GoldenCase } from '../kit.js';

const { teams, agents, categories, slas, statuses } = haloLookups();

export default {
  title: 'alert routes: the plan shows the routing table, every name found in Halo',
  seed: {
    ninjaone: tenant(),
    halo: halo({
      teams,
      agents,
      categories,
      slas,
      statuses,
      ticketTypes: [
        { id: 21, name: 'Alert', initial_status: 1, default_priority: 2 },
        { id: 1, name: 'Incident', initial_status: 1, default_priority: 3 },
      ],
      priorities: [
        { id: 1, name: 'Critical', slaid: 1 },
        { id: 2, name: 'High', slaid: 1 },
        { id: 3, name: 'Medium', slaid: 1 },
        { id: 4, name: 'Low', slaid: 1 },
      ],
    }),
  },
  exitCode: 0,
  async prepare(_sandbox, haloform) {
    await applyFirst(haloform);
  },
} satisfies GoldenCase;
