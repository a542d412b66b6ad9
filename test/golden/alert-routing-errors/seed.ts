/** Routes that name a team, an agent, a priority in an SLA and an organisation that do not exist: located errors with did-you-mean. */

import { haloLookups } from '../../../src/sandbox/demo-data.js';
import { halo, tenant, type GoldenCase } from '../kit.js';

const { teams, agents, categories, slas, statuses } = haloLookups();

export default {
  title: 'alert routes naming what Halo and NinjaOne lack: located errors, nothing planned',
  seed: {
    ninjaone: tenant(),
    halo: halo({
      teams,
      agents,
      categories,
      slas,
      statuses,
      priorities: [
        { id: 1, name: 'Critical', slaid: 1 },
        { id: 2, name: 'High', slaid: 1 },
        { id: 11, name: 'P1 Premium', slaid: 2 },
      ],
    }),
  },
  exitCode: 1,
} satisfies GoldenCase;
